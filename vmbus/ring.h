/* vmbus/ring.h: VMBus ring buffers, the host's view.
 *
 * A channel's ring GPADL holds two rings: guest->host first, host->guest
 * from the OPENCHANNEL's page offset on. Each ring is a 4 KiB header page
 * (u32 write_index @0, read_index @4, interrupt_mask @8, pending_send_sz
 * @12, feature_bits @64) and data pages; indexes are byte offsets into
 * the data. Packets: a 16-byte descriptor {u16 type, u16 offset8, u16
 * len8, u16 flags, u64 trans_id}, payload, padding to 8, then an 8-byte
 * trailer. Everything read from a ring is untrusted: a bad index or length
 * makes the ring "corrupt" (-1), never an out-of-bounds access.
 */
#ifndef LUCID_VMBUS_RING_H
#define LUCID_VMBUS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mem;

#define VMPKT_INBAND 6
#define VMPKT_XFER_PAGES 7
#define VMPKT_GPA_DIRECT 9
#define VMPKT_COMPLETION 0xb
#define VMPKT_FLAG_COMPLETION 1

#define RING_HDR_WRITE 0
#define RING_HDR_READ 4
#define RING_HDR_IMASK 8
#define RING_HDR_PENDING 12
#define RING_HDR_FEATURES 64
#define RING_DESC 16
#define RING_TRAILER 8
#define RING_MAX_PAGES 65536 /* 256 MiB per ring: far above any driver's */

struct ring {
	struct mem *mem;
	const uint64_t *pfn; /* [0] header page, then the data pages */
	uint32_t npages;
	uint32_t size;       /* data bytes: (npages - 1) * 4096 */
};

/* A packet read from a ring: the descriptor's fields, in bytes. */
struct ring_pkt {
	uint16_t type, flags;
	uint32_t offset;   /* payload start, from the descriptor's start */
	uint32_t len;      /* whole packet without the trailer */
	uint64_t trans_id;
};

struct ring_iov {
	const void *p;
	size_t len;
};

/* 0, or -1 if npages < 2, too many, or any page is not guest RAM. */
int ring_init(struct ring *r, struct mem *mem, const uint64_t *pfn,
	      uint32_t npages);

/* Header fields; reads of a bad header page give 0 and fail quietly. */
uint32_t ring_hdr_get(const struct ring *r, unsigned off);
void ring_hdr_set(const struct ring *r, unsigned off, uint32_t v);

/* The host reads the guest->host ring. ring_read_packet: 1 with the next
 * packet's descriptor in pkt and its first min(len, cap) bytes (descriptor
 * included) in buf, 0 if the ring is empty, -1 if it is corrupt. The
 * packet stays until ring_read_commit, which returns true when the writer
 * asked (pending_send_sz) to be signalled about the space freed. */
int ring_read_packet(const struct ring *r, void *buf, size_t cap,
		     struct ring_pkt *pkt);
bool ring_read_commit(const struct ring *r, const struct ring_pkt *pkt);

/* The host writes the host->guest ring: a packet of the given type whose
 * bytes after the 16-byte descriptor are the iov (the first hdr_len of
 * them are descriptor extension: the payload offset covers them). 1 if
 * written (*signal: the guest wants an interrupt), 0 if it does not fit
 * now (pending_send_sz is then set so the guest signals when it may),
 * -1 if the ring is corrupt or the packet impossible. */
int ring_write_packet(const struct ring *r, uint16_t type, uint16_t flags,
		      uint64_t trans_id, const struct ring_iov *iov,
		      unsigned niov, uint32_t hdr_len, bool *signal);
/* Bytes the host can write now (as a packet's total, trailer included). */
uint32_t ring_write_space(const struct ring *r);

/* One range of a GPA-direct packet (or any multi-page buffer list). */
struct ring_range {
	uint32_t byte_count, byte_offset;
	uint32_t npfn;
	const uint8_t *pfns; /* npfn little-endian u64s inside the packet */
};
/* The first range of a GPA-direct packet held in pkt[0..len): 0, or -1 if
 * the packet does not hold a well-formed one. */
int ring_gpa_range(const uint8_t *pkt, size_t len, struct ring_range *out);
/* All ranges of a GPA-direct packet (netvsc sends one per page buffer,
 * each followed by its own pfns): their count (<= max), or -1 if the
 * packet does not hold that many well-formed ones or holds more than max. */
int ring_gpa_ranges(const uint8_t *pkt, size_t len, struct ring_range *out,
		    unsigned max);
/* Copy between a range's guest pages and buf, starting off bytes into
 * the range. 0, or -1 if it leaves the range or touches non-RAM. */
int ring_range_copy(struct mem *mem, const struct ring_range *rg,
		    uint64_t off, void *buf, size_t len, bool to_guest);

#endif
