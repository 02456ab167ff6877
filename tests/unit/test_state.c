/* Snapshots: round trip, hash, and rejection of damaged files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/state.h"
#include "mmu/mem.h"

struct toy {
	uint32_t counter;
	uint8_t regs[5];
	uint64_t when;
};

static const struct state_field toy_fields[] = {
	STATE_FIELD(struct toy, counter),
	STATE_FIELD(struct toy, regs),
	STATE_FIELD(struct toy, when),
	STATE_END
};

static struct mem *new_mem(void)
{
	char err[128];
	struct mem *m = mem_create(1 << 20, NULL, NULL, err, sizeof(err));
	cr_assert_not_null(m);
	return m;
}

static char *save_to_buffer(struct state *s, size_t *len)
{
	char *buf = NULL, err[128];
	FILE *f = open_memstream(&buf, len);
	cr_assert_eq(state_write(s, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	return buf;
}

static int load_from_buffer(struct state *s, const char *buf, size_t len,
			    char *err, size_t errlen)
{
	FILE *f = fmemopen((void *)buf, len, "rb");
	int rc = state_read(s, f, err, errlen);
	fclose(f);
	return rc;
}

Test(state, save_then_load_restores_fields_and_ram)
{
	struct mem *m = new_mem();
	struct toy t = { 7, { 1, 2, 3, 4, 5 }, 123456789 };
	struct state s;
	char err[128];
	size_t len;

	state_init(&s, m);
	state_add(&s, "toy", toy_fields, &t);
	mem_write32(m, 0x1000, 0xcafef00d);
	mem_write8(m, 0xfffff, 0x77);
	uint64_t h = state_hash(&s, true);
	char *buf = save_to_buffer(&s, &len);

	t.counter = 99;
	t.regs[2] = 0;
	mem_write32(m, 0x1000, 0);
	mem_write8(m, 0x50000, 0x12); /* a page that was zero at save */
	cr_assert_neq(state_hash(&s, true), h);

	cr_assert_eq(load_from_buffer(&s, buf, len, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(t.counter, 7);
	cr_assert_eq(t.regs[2], 3);
	cr_assert_eq(t.when, 123456789);
	cr_assert_eq(mem_read32(m, 0x1000), 0xcafef00d);
	cr_assert_eq(mem_read8(m, 0x50000), 0);
	cr_assert_eq(state_hash(&s, true), h);
	free(buf);
	state_destroy(&s);
	mem_destroy(m);
}

Test(state, snapshot_of_mostly_zero_ram_is_small)
{
	struct mem *m = new_mem();
	struct toy t = { 0 };
	struct state s;
	size_t len;

	state_init(&s, m);
	state_add(&s, "toy", toy_fields, &t);
	mem_write8(m, 0x8000, 1);
	char *buf = save_to_buffer(&s, &len);
	cr_assert_lt(len, 4096, "1 MiB with one dirty byte took %zu bytes", len);
	free(buf);
	state_destroy(&s);
	mem_destroy(m);
}

Test(state, truncated_or_corrupt_snapshots_are_rejected_untouched)
{
	struct mem *m = new_mem();
	struct toy t = { 42, { 0 }, 0 };
	struct state s;
	char err[128];
	size_t len;

	state_init(&s, m);
	state_add(&s, "toy", toy_fields, &t);
	char *buf = save_to_buffer(&s, &len);
	t.counter = 43;

	for (size_t cut = 0; cut < len; cut += 7) {
		err[0] = 0;
		cr_assert_eq(load_from_buffer(&s, buf, cut, err, sizeof(err)),
			     -1, "truncated at %zu accepted", cut);
		cr_assert_neq(err[0], 0);
	}
	buf[len / 2] ^= 0x40;
	cr_assert_eq(load_from_buffer(&s, buf, len, err, sizeof(err)), -1);
	cr_assert_eq(t.counter, 43, "a rejected snapshot changed state");
	free(buf);
	state_destroy(&s);
	mem_destroy(m);
}

Test(state, snapshot_from_a_different_machine_is_refused)
{
	struct mem *m = new_mem();
	struct toy t = { 0 };
	struct state a, b;
	char err[128];
	size_t len;
	static const struct state_field other[] = {
		STATE_FIELD(struct toy, counter),
		STATE_END
	};

	state_init(&a, m);
	state_add(&a, "toy", toy_fields, &t);
	char *buf = save_to_buffer(&a, &len);
	state_init(&b, m);
	state_add(&b, "toy", other, &t); /* lacks fields the file has */
	cr_assert_eq(load_from_buffer(&b, buf, len, err, sizeof(err)), -1);
	cr_assert(strstr(err, "toy.regs"), "%s", err);
	free(buf);
	state_destroy(&a);
	state_destroy(&b);
	mem_destroy(m);
}

Test(state, hash_depends_on_every_field)
{
	struct toy t = { 0 };
	struct state s;
	state_init(&s, NULL);
	state_add(&s, "toy", toy_fields, &t);
	uint64_t h0 = state_hash(&s, false);
	t.regs[4] = 1;
	uint64_t h1 = state_hash(&s, false);
	t.regs[4] = 0;
	t.when = 1;
	uint64_t h2 = state_hash(&s, false);
	cr_assert_neq(h0, h1);
	cr_assert_neq(h0, h2);
	cr_assert_neq(h1, h2);
	state_destroy(&s);
}

Test(state, section_hash_names_the_section_that_changed)
{
	struct mem *m = new_mem();
	struct toy a = { 0 }, b = { 0 };
	struct state s;

	state_init(&s, m);
	state_add(&s, "a", toy_fields, &a);
	state_add(&s, "b", toy_fields, &b);
	cr_assert_str_eq(state_section_name(&s, 0), "a");
	cr_assert_str_eq(state_section_name(&s, 1), "b");
	cr_assert_str_eq(state_section_name(&s, 2), "ram");
	cr_assert_null(state_section_name(&s, 3));

	uint64_t h[3];
	for (unsigned i = 0; i < 3; i++)
		h[i] = state_hash_section(&s, i);
	/* Same contents, different names: different hashes. */
	cr_assert_neq(h[0], h[1]);

	b.when = 5;
	cr_assert_eq(state_hash_section(&s, 0), h[0]);
	cr_assert_neq(state_hash_section(&s, 1), h[1]);
	cr_assert_eq(state_hash_section(&s, 2), h[2]);

	mem_write8(m, 0x4242, 1);
	cr_assert_eq(state_hash_section(&s, 0), h[0]);
	cr_assert_neq(state_hash_section(&s, 2), h[2]);
	state_destroy(&s);
	mem_destroy(m);
}

Test(state, hash_of_all_sections_follows_each_section)
{
	struct mem *m = new_mem();
	struct toy t = { 0 };
	struct state s;
	uint64_t h[2], again[2];

	state_init(&s, m);
	state_add(&s, "toy", toy_fields, &t);
	uint64_t whole = state_hash_sections(&s, h);
	cr_assert_eq(h[0], state_hash_section(&s, 0));
	cr_assert_eq(h[1], state_hash_section(&s, 1));
	cr_assert_eq(state_hash_sections(&s, again), whole);
	mem_write8(m, 0x10, 1);
	cr_assert_neq(state_hash_sections(&s, again), whole);
	cr_assert_eq(again[0], h[0]);
	cr_assert_neq(again[1], h[1]);
	state_destroy(&s);
	mem_destroy(m);
}

/* Hashes of RAM and paged fields come from cached page hashes kept
 * current through dirty bitmaps: they must equal a cold computation over
 * the same bytes, whatever the history. */
struct video {
	uint8_t reg;
	uint8_t vram[5 * 4096 + 100]; /* a partial last page */
	uint64_t dirty[1];
};

static const struct state_field video_fields[] = {
	STATE_FIELD(struct video, reg),
	STATE_FIELD_PAGED(struct video, vram, dirty),
	STATE_END
};

static void video_write(struct video *v, size_t off, uint8_t val)
{
	v->vram[off] = val;
	v->dirty[0] |= 1ull << (off / 4096);
}

static uint64_t cold_hash(struct mem *m, struct video *v)
{
	struct state s;
	state_init(&s, m);
	state_add(&s, "video", video_fields, v);
	uint64_t h = state_hash(&s, true);
	state_destroy(&s);
	return h;
}

Test(state, incremental_hash_equals_a_cold_one)
{
	struct mem *m = new_mem();
	struct video *v = calloc(1, sizeof(*v));
	struct state s;

	state_init(&s, m);
	state_add(&s, "video", video_fields, v);
	uint64_t h0 = state_hash(&s, true);
	cr_assert_eq(h0, cold_hash(m, v));

	mem_write32(m, 0x3000, 0xdeadbeef);
	video_write(v, 5 * 4096 + 99, 7); /* in the partial page */
	uint64_t h1 = state_hash(&s, true);
	cr_assert_neq(h1, h0);
	cr_assert_eq(h1, cold_hash(m, v));

	video_write(v, 4096, 1);
	uint64_t h2 = state_hash(&s, true);
	cr_assert_neq(h2, h1);
	cr_assert_eq(h2, cold_hash(m, v));

	/* Back to the old bytes: back to the old hash. */
	mem_write32(m, 0x3000, 0);
	video_write(v, 5 * 4096 + 99, 0);
	video_write(v, 4096, 0);
	cr_assert_eq(state_hash(&s, true), h0);
	cr_assert_eq(v->dirty[0], 0, "the hash clears what it consumed");
	state_destroy(&s);
	free(v);
	mem_destroy(m);
}

Test(state, writes_past_the_dirty_bitmaps_need_invalidate_or_full_hash)
{
	struct mem *m = new_mem();
	struct video *v = calloc(1, sizeof(*v));
	struct state s;

	state_init(&s, m);
	state_add(&s, "video", video_fields, v);
	uint64_t h0 = state_hash(&s, true);
	m->ram[0x2345] = 1; /* behind the bitmap's back */
	v->vram[3] = 1;
	cr_assert_eq(state_hash(&s, true), h0, "the cache is trusted");
	s.hash_full = true;
	uint64_t full = state_hash(&s, true);
	cr_assert_neq(full, h0);
	cr_assert_eq(full, cold_hash(m, v));
	s.hash_full = false;
	cr_assert_eq(state_hash(&s, true), full, "full hashing refilled it");

	m->ram[0x2345] = 2;
	m->dirty_lost = true; /* what a KVM run says */
	uint64_t lost = state_hash(&s, true);
	cr_assert_eq(lost, cold_hash(m, v));
	cr_assert_neq(lost, full);

	v->vram[3] = 2;
	state_hash_invalidate(&s);
	cr_assert_eq(state_hash(&s, true), cold_hash(m, v));
	state_destroy(&s);
	free(v);
	mem_destroy(m);
}

Test(state, legacy_hash_reads_every_byte)
{
	struct mem *m = new_mem();
	struct video *v = calloc(1, sizeof(*v));
	struct state s;

	state_init(&s, m);
	state_add(&s, "video", video_fields, v);
	uint64_t paged = state_hash_section(&s, 1);
	s.hash_legacy = true;
	uint64_t legacy = state_hash_section(&s, 1);
	cr_assert_neq(legacy, paged, "the formats define different hashes");
	m->ram[0x10] = 1; /* unmarked: only a byte-by-byte hash sees it */
	v->vram[0] = 1;
	cr_assert_neq(state_hash_section(&s, 1), legacy);
	uint64_t sec = state_hash_section(&s, 0);
	v->vram[0] = 0;
	cr_assert_neq(state_hash_section(&s, 0), sec);
	state_destroy(&s);
	free(v);
	mem_destroy(m);
}

Test(state, paged_fields_are_saved_sparse_and_restored)
{
	struct mem *m = new_mem();
	struct video *v = calloc(1, sizeof(*v));
	struct state s;
	char err[128];
	size_t len;

	state_init(&s, m);
	state_add(&s, "video", video_fields, v);
	video_write(v, 2 * 4096 + 5, 0x5a);
	video_write(v, 5 * 4096 + 99, 0xa5); /* the partial page */
	v->reg = 3;
	uint64_t h = state_hash(&s, true);
	char *buf = save_to_buffer(&s, &len);
	cr_assert_lt(len, 4096, "a mostly empty paged field took %zu bytes",
		     len);

	memset(v->vram, 0x11, sizeof(v->vram));
	v->reg = 0;
	cr_assert_eq(load_from_buffer(&s, buf, len, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(v->reg, 3);
	cr_assert_eq(v->vram[2 * 4096 + 5], 0x5a);
	cr_assert_eq(v->vram[5 * 4096 + 99], 0xa5);
	cr_assert_eq(v->vram[0], 0);
	cr_assert_eq(v->vram[5 * 4096], 0);
	cr_assert_eq(state_hash(&s, true), h);

	/* Cut anywhere, it is refused and changes nothing. */
	v->reg = 9;
	for (size_t cut = 20; cut < len; cut += 5)
		cr_assert_eq(load_from_buffer(&s, buf, cut, err, sizeof(err)),
			     -1, "truncated at %zu accepted", cut);
	cr_assert_eq(v->reg, 9);
	free(buf);
	state_destroy(&s);
	free(v);
	mem_destroy(m);
}

Test(state, version_1_snapshots_are_still_read)
{
	struct mem *m = new_mem();
	struct toy t = { 5, { 0 }, 6 };
	struct state s;
	char err[128];
	size_t len;
	uint32_t one = 1;

	state_init(&s, m);
	state_add(&s, "toy", toy_fields, &t);
	char *buf = save_to_buffer(&s, &len);
	/* Without paged fields the layouts agree: only version and CRC. */
	memcpy(buf + 8, &one, 4);
	uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), (uint8_t *)buf,
				       (uInt)(len - 4));
	memcpy(buf + len - 4, &crc, 4);
	t.counter = 0;
	cr_assert_eq(load_from_buffer(&s, buf, len, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(t.counter, 5);
	free(buf);
	state_destroy(&s);
	mem_destroy(m);
}
