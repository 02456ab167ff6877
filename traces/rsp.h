/* traces/rsp.h: gdb's Remote Serial Protocol, the packet layer.
 *
 * A packet is "$payload#cc": cc is the payload's byte sum mod 256 in two
 * hex digits. In the payload '#', '$', '}' and '*' are escaped as '}' and
 * the byte XOR 0x20. Outside packets gdb sends '+' / '-' (ack / resend)
 * and 0x03 (interrupt). This layer knows nothing of the commands
 * (traces/gdbstub.c).
 */
#ifndef LUCID_TRACES_RSP_H
#define LUCID_TRACES_RSP_H

#include <stddef.h>
#include <stdint.h>

#define RSP_MAX_PACKET 16384

enum rsp_event {
	RSP_NONE,      /* byte taken, nothing complete yet */
	RSP_PACKET,    /* a good packet: payload (unescaped) in p->buf */
	RSP_BAD,       /* a packet with a bad checksum or too long: send '-' */
	RSP_ACK,       /* '+' */
	RSP_NAK,       /* '-': resend the last packet */
	RSP_INTERRUPT, /* 0x03 */
};

struct rsp_parser {
	enum { RSP_IDLE, RSP_DATA, RSP_ESC, RSP_SUM1, RSP_SUM2 } state;
	uint8_t sum;      /* over the raw (escaped) payload bytes */
	uint8_t want;     /* the checksum the packet carries */
	int overflow;
	size_t len;
	char buf[RSP_MAX_PACKET + 1]; /* NUL-terminated */
};

void rsp_init(struct rsp_parser *p);
/* Feed one received byte. */
enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t byte);

uint8_t rsp_checksum(const void *data, size_t len);
/* "$escaped#cc" into out; the framed length, or 0 if it does not fit. */
size_t rsp_frame(char *out, size_t cap, const void *payload, size_t len);

/* The reply to a qXfer read of off,len in an object of total bytes: 'm'
 * and the slice when more follows it, else 'l' and what is left (offsets
 * past the end give "l"). The slice is capped at RSP_XFER_MAX bytes; out
 * holds RSP_XFER_MAX + 1. Returns the reply's length. */
#define RSP_XFER_MAX (RSP_MAX_PACKET / 2)
size_t rsp_xfer_reply(char *out, const void *data, size_t total, uint64_t off,
		      uint64_t len);

/* Hex: encode n bytes (2n digits, no NUL); decode 2n digits into n bytes
 * (-1 on a non-hex digit). rsp_hex_u64 parses up to 16 digits, stopping
 * at the first non-hex one; *end gets it. -1 if there were none. */
void rsp_hex_encode(char *out, const void *data, size_t n);
int rsp_hex_decode(void *out, const char *hex, size_t n);
int rsp_hex_u64(const char *s, const char **end, uint64_t *out);

#endif
