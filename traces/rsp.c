/* traces/rsp.c: gdb remote protocol framing, checksums, escapes, hex. */
#include "traces/rsp.h"

#include <stdbool.h>
#include <string.h>

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void rsp_init(struct rsp_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static void rsp_put(struct rsp_parser *p, uint8_t c)
{
	if (p->len < RSP_MAX_PACKET)
		p->buf[p->len++] = (char)c;
	else
		p->overflow = 1;
}

enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t c)
{
	int v;

	switch (p->state) {
	case RSP_IDLE:
		if (c == '$') {
			p->state = RSP_DATA;
			p->sum = 0;
			p->len = 0;
			p->overflow = 0;
			return RSP_NONE;
		}
		if (c == '+')
			return RSP_ACK;
		if (c == '-')
			return RSP_NAK;
		if (c == 0x03)
			return RSP_INTERRUPT;
		return RSP_NONE; /* line noise between packets */
	case RSP_DATA:
		if (c == '#') {
			p->state = RSP_SUM1;
			return RSP_NONE;
		}
		if (c == '$') { /* a packet restarted: drop the partial one */
			p->sum = 0;
			p->len = 0;
			p->overflow = 0;
			return RSP_NONE;
		}
		p->sum += c;
		if (c == '}')
			p->state = RSP_ESC;
		else
			rsp_put(p, c);
		return RSP_NONE;
	case RSP_ESC:
		p->sum += c;
		rsp_put(p, c ^ 0x20);
		p->state = RSP_DATA;
		return RSP_NONE;
	case RSP_SUM1:
		v = hexval(c);
		p->want = (uint8_t)((v < 0 ? 0 : v) << 4);
		p->overflow |= (v < 0) << 1;
		p->state = RSP_SUM2;
		return RSP_NONE;
	case RSP_SUM2:
		v = hexval(c);
		p->want |= (uint8_t)(v < 0 ? 0 : v);
		p->overflow |= (v < 0) << 1;
		p->state = RSP_IDLE;
		p->buf[p->len] = 0;
		if (p->overflow || p->want != p->sum)
			return RSP_BAD;
		return RSP_PACKET;
	}
	return RSP_NONE;
}

uint8_t rsp_checksum(const void *data, size_t len)
{
	const uint8_t *d = data;
	uint8_t s = 0;

	while (len--)
		s += *d++;
	return s;
}

size_t rsp_frame(char *out, size_t cap, const void *payload, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *d = payload;
	size_t o = 0;
	uint8_t sum = 0;

	if (cap < 4)
		return 0;
	out[o++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = d[i];
		bool esc = c == '#' || c == '$' || c == '}' || c == '*';
		if (o + (esc ? 2 : 1) + 3 > cap)
			return 0;
		if (esc) {
			out[o++] = '}';
			sum += '}';
			c ^= 0x20;
		}
		out[o++] = (char)c;
		sum += c;
	}
	out[o++] = '#';
	out[o++] = hex[sum >> 4];
	out[o++] = hex[sum & 15];
	return o;
}

size_t rsp_xfer_reply(char *out, const void *data, size_t total, uint64_t off,
		      uint64_t len)
{
	if (off > total)
		off = total;
	if (len > total - off)
		len = total - off;
	if (len > RSP_XFER_MAX)
		len = RSP_XFER_MAX;
	out[0] = off + len < total ? 'm' : 'l';
	memcpy(out + 1, (const char *)data + off, (size_t)len);
	return (size_t)len + 1;
}

void rsp_hex_encode(char *out, const void *data, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *d = data;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
}

int rsp_hex_decode(void *out, const char *hex, size_t n)
{
	uint8_t *o = out;

	for (size_t i = 0; i < n; i++) {
		int hi = hexval(hex[2 * i]), lo = hi < 0 ? -1 : hexval(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		o[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int rsp_hex_u64(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0, d;

	while (n < 16 && (d = hexval(s[n])) >= 0) {
		v = v << 4 | (uint64_t)d;
		n++;
	}
	if (end)
		*end = s + n;
	*out = v;
	return n ? 0 : -1;
}
