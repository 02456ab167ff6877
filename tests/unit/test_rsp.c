/* The gdb remote protocol's packet layer (traces/rsp.c): checksums,
 * escapes, framing, acks and interrupts, and bad packets. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/rsp.h"

/* Feed a string; return the last event that was not RSP_NONE. */
static enum rsp_event feed(struct rsp_parser *p, const char *s, size_t n)
{
	enum rsp_event last = RSP_NONE;
	for (size_t i = 0; i < n; i++) {
		enum rsp_event e = rsp_feed(p, (uint8_t)s[i]);
		if (e != RSP_NONE)
			last = e;
	}
	return last;
}

Test(rsp, checksum_is_the_byte_sum_mod_256)
{
	cr_assert_eq(rsp_checksum("", 0), 0);
	cr_assert_eq(rsp_checksum("OK", 2), 0x9a);
	cr_assert_eq(rsp_checksum("qSupported", 10), 0x37);
}

Test(rsp, frames_and_escapes)
{
	char out[64];
	size_t n = rsp_frame(out, sizeof(out), "OK", 2);
	cr_assert_eq(n, 6);
	cr_assert(!memcmp(out, "$OK#9a", 6));
	/* '#', '$', '}' and '*' go out as '}' + byte^0x20; the checksum
	 * covers what is sent. */
	n = rsp_frame(out, sizeof(out), "a#$}*", 5);
	cr_assert_eq(n, 1 + 9 + 3);
	cr_assert(!memcmp(out, "$a}\x03}\x04}]}\x0a#", 11));
	cr_assert_eq(strtoul((char[]){ out[11], out[12], 0 }, NULL, 16),
		     rsp_checksum(out + 1, 9));
	cr_assert_eq(rsp_frame(out, 5, "abcdef", 6), 0, "too small: 0");
}

Test(rsp, parses_what_it_frames)
{
	static const char payload[] = "X100,5:\x00#$}*";
	struct rsp_parser p;
	char out[64];

	rsp_init(&p);
	size_t n = rsp_frame(out, sizeof(out), payload, sizeof(payload) - 1);
	cr_assert_eq(feed(&p, out, n), RSP_PACKET);
	cr_assert_eq(p.len, sizeof(payload) - 1);
	cr_assert(!memcmp(p.buf, payload, p.len));
}

Test(rsp, acks_interrupts_and_noise_between_packets)
{
	struct rsp_parser p;

	rsp_init(&p);
	cr_assert_eq(rsp_feed(&p, '+'), RSP_ACK);
	cr_assert_eq(rsp_feed(&p, '-'), RSP_NAK);
	cr_assert_eq(rsp_feed(&p, 0x03), RSP_INTERRUPT);
	cr_assert_eq(rsp_feed(&p, 'x'), RSP_NONE);
	cr_assert_eq(feed(&p, "junk$g#67", 9), RSP_PACKET);
	cr_assert_str_eq(p.buf, "g");
	/* Inside a packet, 0x03 and '+' are data. */
	cr_assert_eq(feed(&p, "$\x03+#2e", 6), RSP_PACKET);
	cr_assert_eq(p.len, 2);
}

Test(rsp, bad_checksums_and_digits_are_rejected)
{
	struct rsp_parser p;

	rsp_init(&p);
	cr_assert_eq(feed(&p, "$g#68", 5), RSP_BAD);
	cr_assert_eq(feed(&p, "$g#6z", 5), RSP_BAD);
	cr_assert_eq(feed(&p, "$g#G7", 5), RSP_BAD);
	/* Upper-case digits are fine; the parser recovers after a bad one. */
	cr_assert_eq(feed(&p, "$OK#9A", 6), RSP_PACKET);
}

Test(rsp, a_restarted_packet_drops_the_partial_one)
{
	struct rsp_parser p;

	rsp_init(&p);
	cr_assert_eq(feed(&p, "$mAAAA$g#67", 11), RSP_PACKET);
	cr_assert_str_eq(p.buf, "g");
}

Test(rsp, an_overlong_packet_is_bad_not_truncated)
{
	struct rsp_parser p;
	static char big[RSP_MAX_PACKET + 16];
	uint8_t sum = 0;

	rsp_init(&p);
	rsp_feed(&p, '$');
	for (size_t i = 0; i < sizeof(big); i++) {
		rsp_feed(&p, 'a');
		sum += 'a';
	}
	char tail[4];
	snprintf(tail, sizeof(tail), "#%02x", sum);
	cr_assert_eq(feed(&p, tail, 3), RSP_BAD);
	cr_assert_eq(feed(&p, "$g#67", 5), RSP_PACKET);
}

Test(rsp, hex_helpers)
{
	uint8_t b[4];
	char h[9] = { 0 };
	uint64_t v;
	const char *end;

	rsp_hex_encode(h, (const uint8_t[]){ 0x00, 0xab, 0x10, 0xff }, 4);
	cr_assert_str_eq(h, "00ab10ff");
	cr_assert_eq(rsp_hex_decode(b, "00AB10ff", 4), 0);
	cr_assert_eq(b[1], 0xab);
	cr_assert_eq(rsp_hex_decode(b, "0g", 1), -1);
	cr_assert_eq(rsp_hex_u64("f8100,4", &end, &v), 0);
	cr_assert_eq(v, 0xf8100);
	cr_assert_eq(*end, ',');
	cr_assert_eq(rsp_hex_u64(",4", &end, &v), -1);
}

/* qXfer reads (target.xml, the exec-file's path): 'm' while more follows,
 * 'l' with the rest, "l" past the end, at most RSP_XFER_MAX per reply. */
Test(rsp, xfer_replies_slice_the_object)
{
	static const char path[] = "/work/build/guests/gdb_elf.elf";
	size_t total = strlen(path);
	char *out = malloc(RSP_XFER_MAX + 1);
	size_t n;

	n = rsp_xfer_reply(out, path, total, 0, 0xfff);
	cr_assert_eq(n, total + 1);
	cr_assert_eq(out[0], 'l');
	cr_assert(!memcmp(out + 1, path, total));
	n = rsp_xfer_reply(out, path, total, 0, 5);
	cr_assert_eq(n, 6);
	cr_assert(!memcmp(out, "m/work", 6));
	n = rsp_xfer_reply(out, path, total, 5, 100);
	cr_assert_eq(n, total - 5 + 1);
	cr_assert_eq(out[0], 'l');
	cr_assert(!memcmp(out + 1, path + 5, total - 5));
	n = rsp_xfer_reply(out, path, total, total, 10);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0], 'l');
	n = rsp_xfer_reply(out, path, total, UINT64_MAX, UINT64_MAX);
	cr_assert_eq(n, 1);
	cr_assert_eq(out[0], 'l');

	size_t big = RSP_XFER_MAX + 10;
	char *obj = malloc(big);
	memset(obj, 'x', big);
	n = rsp_xfer_reply(out, obj, big, 0, UINT64_MAX);
	cr_assert_eq(n, RSP_XFER_MAX + 1);
	cr_assert_eq(out[0], 'm');
	n = rsp_xfer_reply(out, obj, big, RSP_XFER_MAX, UINT64_MAX);
	cr_assert_eq(n, 11);
	cr_assert_eq(out[0], 'l');
	free(obj);
	free(out);
}
