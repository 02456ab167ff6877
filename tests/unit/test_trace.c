/* The .lrt trace format: round trip, and rejection of every damaged file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "traces/trace.h"

static const uint8_t input1[] = { 0, 'h', 'i' }; /* COM1, "hi" */
static const uint8_t input2[] = { 0, '.' };

static void fill_header(struct trace_header *h)
{
	trace_header_set(h, "lucid", "test");
	trace_header_set(h, "cpu", "286");
	trace_header_set(h, "sections", "a,b,ram");
	trace_header_set(h, "cpu", "386"); /* set replaces */
}

static struct trace_checkpoint ck(uint64_t seed)
{
	struct trace_checkpoint c = { .icount = 1000 * seed, .hash = ~seed,
				      .nsec = 3 };
	for (unsigned i = 0; i < c.nsec; i++)
		c.sec_hash[i] = seed * 31 + i;
	return c;
}

/* A small valid trace in memory. */
static uint8_t *make_trace(size_t *len)
{
	struct trace_header h = { 0 };
	char *buf = NULL, err[256];
	FILE *f = open_memstream(&buf, len);

	fill_header(&h);
	struct trace_writer *w = trace_create_stream(f, "mem", &h, err,
						     sizeof(err));
	trace_header_free(&h);
	cr_assert_not_null(w, "%s", err);
	struct trace_checkpoint c1 = ck(1), c2 = ck(2);
	struct trace_end end = { .ck = ck(3), .exit_code = 0,
				 .reason = "guest halted" };
	cr_assert_eq(trace_write_checkpoint(w, 1000000, &c1), 0);
	cr_assert_eq(trace_write_event(w, TRACE_REC_SERIAL, 1000000, input1,
				       sizeof(input1)), 0);
	cr_assert_eq(trace_write_event(w, TRACE_REC_SERIAL, 2000000, input2,
				       sizeof(input2)), 0);
	cr_assert_eq(trace_write_checkpoint(w, 101000000, &c2), 0);
	cr_assert_eq(trace_write_end(w, 101500000, &end), 0);
	cr_assert_eq(trace_close(w, err, sizeof(err)), 0, "%s", err);
	return (uint8_t *)buf;
}

static FILE *as_file(const uint8_t *p, size_t len)
{
	FILE *f = tmpfile();
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(p, 1, len, f), len);
	rewind(f);
	return f;
}

/* Verify a byte image of a trace: 0, or -1 with the reason in err. */
static int verify_bytes(const uint8_t *p, size_t len, char *err,
			size_t errlen)
{
	struct trace_summary sum;
	err[0] = 0;
	struct trace_reader *r = trace_open_stream(as_file(p, len), "t.lrt",
						   err, errlen);
	if (!r)
		return -1;
	int rc = trace_verify_reader(r, &sum, err, errlen);
	trace_close_reader(r);
	return rc;
}

Test(trace, write_then_read_back)
{
	size_t len;
	uint8_t *buf = make_trace(&len);
	char err[256];
	struct trace_record rec;

	struct trace_reader *r = trace_open_stream(as_file(buf, len), "t.lrt",
						   err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	const struct trace_header *h = trace_header(r);
	cr_assert_eq(h->version, TRACE_VERSION);
	cr_assert_str_eq(trace_header_get(h, "cpu"), "386");
	cr_assert_str_eq(trace_header_get(h, "lucid"), "test");
	cr_assert_null(trace_header_get(h, "mhz"));

	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(rec.type, TRACE_REC_CHECKPOINT);
	cr_assert_eq(rec.vtime, 1000000);
	cr_assert_eq(rec.end.ck.icount, 1000);
	cr_assert_eq(rec.end.ck.nsec, 3);
	cr_assert_eq(rec.end.ck.sec_hash[2], 31 + 2);

	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1);
	cr_assert_eq(rec.type, TRACE_REC_SERIAL);
	cr_assert_eq(rec.len, sizeof(input1));
	cr_assert_arr_eq(rec.data, input1, sizeof(input1));

	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1);
	cr_assert_eq(rec.vtime, 2000000);
	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1);
	cr_assert_eq(rec.end.ck.hash, ~2ull);

	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1);
	cr_assert_eq(rec.type, TRACE_REC_END);
	cr_assert_eq(rec.vtime, 101500000);
	cr_assert_str_eq(rec.end.reason, "guest halted");
	cr_assert_eq(rec.end.ck.icount, 3000);

	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 0);
	trace_close_reader(r);
	free(buf);
}

Test(trace, verify_summarises_the_file)
{
	size_t len;
	uint8_t *buf = make_trace(&len);
	char err[256];
	struct trace_summary sum;

	struct trace_reader *r = trace_open_stream(as_file(buf, len), "t.lrt",
						   err, sizeof(err));
	cr_assert_not_null(r);
	cr_assert_eq(trace_verify_reader(r, &sum, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(sum.records, 5);
	cr_assert_eq(sum.events[TRACE_REC_SERIAL], 2);
	cr_assert_eq(sum.event_bytes[TRACE_REC_SERIAL], 3);
	cr_assert_eq(sum.checkpoints, 2);
	cr_assert_eq(sum.end_vtime, 101500000);
	cr_assert_eq(sum.end.end.ck.icount, 3000);
	trace_close_reader(r);
	free(buf);
}

Test(trace, truncation_at_every_offset_is_rejected)
{
	size_t len;
	uint8_t *buf = make_trace(&len);
	char err[256];

	for (size_t cut = 0; cut < len; cut++) {
		cr_assert_eq(verify_bytes(buf, cut, err, sizeof(err)), -1,
			     "a trace cut at %zu of %zu bytes was accepted", cut,
			     len);
		cr_assert(!strncmp(err, "t.lrt: ", 7), "cut %zu: '%s'", cut, err);
		cr_assert_null(strchr(err, '\n'));
	}
	cr_assert_eq(verify_bytes(buf, len, err, sizeof(err)), 0, "%s", err);
	free(buf);
}

Test(trace, a_flipped_byte_anywhere_is_rejected)
{
	size_t len;
	uint8_t *buf = make_trace(&len);
	char err[256];

	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0xff;
		cr_assert_eq(verify_bytes(buf, len, err, sizeof(err)), -1,
			     "byte %zu of %zu flipped was accepted", i, len);
		cr_assert_neq(err[0], 0);
		buf[i] ^= 0xff;
	}
	free(buf);
}

Test(trace, trailing_garbage_is_rejected)
{
	size_t len;
	uint8_t *buf = make_trace(&len);
	char err[256];

	buf = realloc(buf, len + 1);
	buf[len] = 0;
	cr_assert_eq(verify_bytes(buf, len + 1, err, sizeof(err)), -1);
	cr_assert(strstr(err, "after the record stream"), "%s", err);
	free(buf);
}

/* Rebuild a trace with its record stream changed by edit(): the result is
 * well-formed zlib, so only the record checks can catch it. */
static uint8_t *restream(const uint8_t *buf, size_t len, size_t *outlen,
			 size_t (*edit)(uint8_t *recs, size_t n))
{
	uint32_t hlen;
	memcpy(&hlen, buf + 12, 4);
	size_t hdr = 16 + hlen + 4;
	uLongf rawlen = 1 << 16;
	uint8_t *raw = malloc(rawlen);
	cr_assert_eq(uncompress(raw, &rawlen, buf + hdr, len - hdr), Z_OK);
	rawlen = edit(raw, rawlen);
	uLongf zlen = compressBound(rawlen);
	uint8_t *out = malloc(hdr + zlen);
	memcpy(out, buf, hdr);
	cr_assert_eq(compress(out + hdr, &zlen, raw, rawlen), Z_OK);
	free(raw);
	*outlen = hdr + zlen;
	return out;
}

/* Records: u8 type, u32 len, u64 vtime, payload. */
static size_t rec_size(const uint8_t *p)
{
	uint32_t len;
	memcpy(&len, p + 1, 4);
	return 13 + len;
}

static size_t huge_length(uint8_t *recs, size_t n)
{
	uint32_t len = 0xfffffff0u;
	memcpy(recs + 1, &len, 4);
	return n;
}

static size_t drop_end(uint8_t *recs, size_t n)
{
	size_t off = 0;
	while (off < n && recs[off] != TRACE_REC_END)
		off += rec_size(recs + off);
	return off;
}

static size_t backwards(uint8_t *recs, size_t n)
{
	size_t second = rec_size(recs);
	memset(recs + second + 5, 0, 8); /* the 2nd record at time 0 */
	return n;
}

static size_t unknown_type(uint8_t *recs, size_t n)
{
	recs[0] = 0x33;
	return n;
}

static size_t short_checkpoint(uint8_t *recs, size_t n)
{
	recs[13 + 16] = 2; /* nsec 3 -> 2 with the length of 3 */
	return n;
}

static size_t after_end(uint8_t *recs, size_t n)
{
	/* Another copy of the first record behind the end record. */
	memcpy(recs + n, recs, rec_size(recs));
	return n + rec_size(recs);
}

static void expect_rejected(size_t (*edit)(uint8_t *, size_t),
			    const char *why)
{
	size_t len, elen;
	uint8_t *buf = make_trace(&len);
	char err[256];
	uint8_t *bad = restream(buf, len, &elen, edit);

	cr_assert_eq(verify_bytes(bad, elen, err, sizeof(err)), -1,
		     "accepted a trace with %s", why);
	cr_assert(strstr(err, why), "%s: '%s'", why, err);
	free(bad);
	free(buf);
}

Test(trace, damaged_records_are_rejected_with_a_reason)
{
	expect_rejected(huge_length, "impossible length");
	expect_rejected(drop_end, "no end record");
	expect_rejected(backwards, "back in time");
	expect_rejected(unknown_type, "unknown type");
	expect_rejected(short_checkpoint, "malformed checkpoint");
	expect_rejected(after_end, "follow the end record");
}

Test(trace, bad_magic_and_version_are_named)
{
	size_t len;
	uint8_t *buf = make_trace(&len);
	char err[256];

	buf[0] = 'X';
	cr_assert_eq(verify_bytes(buf, len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "not a Lucid trace"), "%s", err);
	buf[0] = 'L';
	buf[8] = 9;
	cr_assert_eq(verify_bytes(buf, len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "version 9"), "%s", err);
	free(buf);
}

Test(trace, reserved_input_types_are_valid_structure)
{
	struct trace_header h = { 0 };
	char *buf = NULL, err[256];
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	const uint8_t key[] = { 0x1e, 0x00, 1 };
	struct trace_end end = { .ck = { .nsec = 1 } };

	trace_header_set(&h, "sections", "ram");
	struct trace_writer *w = trace_create_stream(f, "mem", &h, err,
						     sizeof(err));
	trace_header_free(&h);
	trace_write_event(w, TRACE_REC_KEY, 5, key, sizeof(key));
	trace_write_end(w, 6, &end);
	cr_assert_eq(trace_close(w, err, sizeof(err)), 0);

	struct trace_summary sum;
	struct trace_reader *r = trace_open_stream(
		as_file((uint8_t *)buf, len), "t.lrt", err, sizeof(err));
	cr_assert_eq(trace_verify_reader(r, &sum, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(sum.events[TRACE_REC_KEY], 1);
	cr_assert_str_eq(trace_type_name(TRACE_REC_KEY), "key");
	trace_close_reader(r);
	free(buf);
}

Test(trace, the_writer_refuses_time_going_backwards)
{
	struct trace_header h = { 0 };
	char *buf = NULL, err[256];
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	struct trace_writer *w = trace_create_stream(f, "mem", &h, err,
						     sizeof(err));
	cr_assert_eq(trace_write_event(w, TRACE_REC_SERIAL, 10, input2, 2), 0);
	cr_assert_eq(trace_write_event(w, TRACE_REC_SERIAL, 9, input2, 2), -1);
	cr_assert_eq(trace_close(w, err, sizeof(err)), -1);
	cr_assert(strstr(err, "mem: write failed"), "%s", err);
	free(buf);
}

/* Per-field hashes: only the changed ones are stored, as (gap, hash). */
Test(trace, field_hash_deltas_round_trip_and_stay_small)
{
	static struct trace_fields enc, dec;
	static uint32_t cur[TRACE_MAX_FIELDS];
	uint8_t *buf = NULL;
	size_t len = 0, at = 0;

	memset(&enc, 0, sizeof(enc));
	memset(&dec, 0, sizeof(dec));
	for (unsigned i = 0; i < 300; i++)
		cur[i] = i * 2654435761u + 1;
	trace_fields_encode(&enc, cur, 300, &buf, &len); /* all of them */
	cr_assert_eq(len, 8 + 300 * 5);
	size_t first = len;
	trace_fields_encode(&enc, cur, 300, &buf, &len); /* idle: nothing */
	cr_assert_eq(len - first, 8);
	cur[0] ^= 2;
	cur[299] ^= 1; /* a gap of 298: a two-byte varint */
	size_t before = len;
	trace_fields_encode(&enc, cur, 300, &buf, &len);
	cr_assert_eq(len - before, 8 + 5 + 6);
	before = len;
	trace_fields_encode(&enc, cur, 2, &buf, &len); /* n changes: from 0 */
	cr_assert_eq(len - before, 8 + 2 * 5);

	size_t n = trace_fields_decode(&dec, buf, len);
	cr_assert_eq(n, first);
	for (unsigned i = 0; i < 300; i++)
		cr_assert_eq(dec.h[i], i * 2654435761u + 1);
	at = n;
	cr_assert_eq(n = trace_fields_decode(&dec, buf + at, len - at), 8);
	at += n;
	cr_assert_eq(n = trace_fields_decode(&dec, buf + at, len - at), 19);
	at += n;
	cr_assert_eq(dec.n, 300);
	cr_assert_eq(memcmp(dec.h, cur, 300 * sizeof(*cur)), 0);
	cr_assert_eq(n = trace_fields_decode(&dec, buf + at, len - at), 18);
	cr_assert_eq(dec.n, 2);
	cr_assert_eq(dec.h[0], cur[0]);
	cr_assert_eq(dec.h[1], cur[1]);

	/* Malformed: cut short, an index past n, more changes than fields. */
	for (size_t cut = 0; cut < 19; cut++)
		cr_assert_eq(trace_fields_decode(&dec, buf + first + 8, cut), 0,
			     "cut at %zu", cut);
	uint8_t past[] = { 2, 0, 0, 0, 1, 0, 0, 0, 5, 1, 2, 3, 4 };
	cr_assert_eq(trace_fields_decode(&dec, past, sizeof(past)), 0);
	uint8_t many[] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	cr_assert_eq(trace_fields_decode(&dec, many, sizeof(many)), 0);
	free(buf);
}

/* Through the writer and reader: checkpoint and end records carry them. */
Test(trace, field_hashes_survive_the_trace)
{
	struct trace_header h = { 0 };
	char *buf = NULL, err[256];
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	static struct trace_checkpoint c;
	static struct trace_end end;
	static struct trace_record rec;

	fill_header(&h);
	struct trace_writer *w = trace_create_stream(f, "mem", &h, err,
						     sizeof(err));
	trace_header_free(&h);
	c = ck(1);
	c.nfield = 40;
	for (unsigned i = 0; i < c.nfield; i++)
		c.field_hash[i] = 7 * i + 1;
	cr_assert_eq(trace_write_checkpoint(w, 10, &c), 0);
	c.field_hash[17] = 99;
	cr_assert_eq(trace_write_checkpoint(w, 20, &c), 0);
	end.ck = c;
	end.ck.field_hash[3] = 5;
	snprintf(end.reason, sizeof(end.reason), "done");
	cr_assert_eq(trace_write_end(w, 30, &end), 0);
	cr_assert_eq(trace_close(w, err, sizeof(err)), 0, "%s", err);

	struct trace_reader *r = trace_open_stream(
		as_file((uint8_t *)buf, len), "t.lrt", err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(rec.end.ck.nfield, 40);
	cr_assert_eq(rec.end.ck.field_hash[17], 7 * 17 + 1);
	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(rec.end.ck.field_hash[17], 99);
	cr_assert_eq(rec.end.ck.field_hash[39], 7 * 39 + 1);
	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(rec.type, TRACE_REC_END);
	cr_assert_str_eq(rec.end.reason, "done");
	cr_assert_eq(rec.end.ck.field_hash[3], 5);
	cr_assert_eq(rec.end.ck.field_hash[17], 99);
	cr_assert_eq(trace_read_record(r, &rec, err, sizeof(err)), 0, "%s", err);
	trace_close_reader(r);
	free(buf);
}

/* Version 1: checkpoint and end records without field hashes. make_trace
 * writes none (nfield 0), so dropping each record's 8-byte tail and
 * setting the version gives a version 1 trace. */
static size_t drop_field_tails(uint8_t *recs, size_t n)
{
	size_t in = 0, out = 0;
	while (in < n) {
		size_t sz = rec_size(recs + in), keep = sz;
		if (recs[in] == TRACE_REC_CHECKPOINT || recs[in] == TRACE_REC_END)
			keep -= 8;
		memmove(recs + out, recs + in, keep);
		uint32_t l = (uint32_t)(keep - 13);
		memcpy(recs + out + 1, &l, 4);
		in += sz;
		out += keep;
	}
	return out;
}

Test(trace, version_1_traces_are_still_read)
{
	size_t len, vlen;
	uint8_t *buf = make_trace(&len);
	char err[256];
	struct trace_summary sum;
	uint8_t *v1 = restream(buf, len, &vlen, drop_field_tails);
	uint32_t hlen, one = 1;

	memcpy(&hlen, v1 + 12, 4);
	memcpy(v1 + 8, &one, 4);
	uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), v1, 16 + hlen);
	memcpy(v1 + 16 + hlen, &crc, 4);
	cr_assert_eq(verify_bytes(v1, vlen, err, sizeof(err)), 0, "%s", err);
	struct trace_reader *r = trace_open_stream(as_file(v1, vlen), "t.lrt",
						   err, sizeof(err));
	cr_assert_not_null(r, "%s", err);
	cr_assert_eq(trace_header(r)->version, 1);
	cr_assert_eq(trace_verify_reader(r, &sum, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(sum.checkpoints, 2);
	cr_assert_eq(sum.last_ck.nfield, 0);
	cr_assert_str_eq(sum.end.end.reason, "guest halted");
	trace_close_reader(r);
	free(v1);
	free(buf);
}
