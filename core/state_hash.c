/* core/state_hash.c: the state hash, what replays are checked against.
 *
 * A checkpoint hashes the whole machine every 100 ms of guest time while
 * recording and replaying. RAM and video memory are most of it (16 MiB
 * each on the default PC) and change little between two checkpoints, so
 * they are hashed as lists of 4 KiB page hashes: each list is cached and
 * only the pages whose dirty bit is set (mmu/mem's bitmap for RAM, the
 * device's own for a paged field) are hashed again. A page hash depends
 * only on the page's bytes, so a cold cache (after loading a snapshot or
 * a KVM run) gives the same hashes as a warm one.
 */
#include <stdlib.h>
#include <string.h>

#include "core/state.h"
#include "core/util.h"
#include "mmu/mem.h"

#define HASH_SEED 0xcbf29ce484222325ull

/* 64-bit multiply-xorshift over bytes: not cryptographic, just a strong
 * enough fingerprint to notice that two runs diverged. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, b, 8);
		h = (h ^ v) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
		b += 8;
		n -= 8;
	}
	while (n--)
		h = (h ^ *b++) * 0x100000001b3ull;
	return h;
}

/* Bulk data: four independent lanes keep the multiplier busy (about four
 * times hash_bytes' speed). */
static uint64_t hash_ram(const uint8_t *p, size_t n)
{
	uint64_t h[4] = { HASH_SEED, HASH_SEED + 1, HASH_SEED + 2,
			  HASH_SEED + 3 };
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		for (unsigned l = 0; l < 4; l++) {
			uint64_t v;
			memcpy(&v, p + i + 8 * l, 8);
			h[l] = (h[l] ^ v) * 0x9e3779b97f4a7c15ull;
			h[l] ^= h[l] >> 29;
		}
	}
	return hash_bytes(hash_bytes(HASH_SEED, h, sizeof(h)), p + i, n - i);
}

/* Most of a fresh machine's memory is zero: testing for that is several
 * times faster than hashing it, and a cold cache fills quickly. */
static uint64_t page_hash(const uint8_t *p, size_t n)
{
	size_t i = 0;

	for (; i + 64 <= n; i += 64) {
		uint64_t v[8], acc = 0;
		memcpy(v, p + i, sizeof(v));
		for (unsigned k = 0; k < 8; k++)
			acc |= v[k];
		if (acc)
			return hash_ram(p, n);
	}
	for (; i < n; i++)
		if (p[i])
			return hash_ram(p, n);
	return 0;
}

static struct state_pages *pages_find(struct state *s,
				      const struct state_field *f,
				      const void *base)
{
	for (unsigned i = 0; i < s->npages; i++)
		if (s->pages[i].field == f && s->pages[i].base == base)
			return &s->pages[i];
	s->pages = xrealloc(s->pages, (s->npages + 1) * sizeof(*s->pages));
	s->pages[s->npages] = (struct state_pages){ .field = f, .base = base };
	return &s->pages[s->npages++];
}

/* Bring the page hashes of data[0..size) up to date: every page when the
 * cache is cold (or hash_full), else those marked in dirty, whose bits for
 * these pages are cleared. */
static void pages_refresh(struct state *s, struct state_pages *ps,
			  const uint8_t *data, size_t size, uint64_t *dirty)
{
	size_t n = (size + MEM_PAGE_SIZE - 1) / MEM_PAGE_SIZE;

	if (ps->n != n) {
		ps->hash = xrealloc(ps->hash, (n ? n : 1) * sizeof(uint64_t));
		ps->n = n;
		ps->valid = false;
	}
	for (size_t w = 0; w < (n + 63) / 64; w++) {
		uint64_t bits = dirty[w];
		if (w == n / 64)
			bits &= (1ull << (n % 64)) - 1;
		dirty[w] &= ~bits;
		if (!ps->valid || s->hash_full)
			continue;
		while (bits) {
			size_t i = w * 64 + (size_t)__builtin_ctzll(bits);
			size_t len = size - i * MEM_PAGE_SIZE;
			ps->hash[i] = page_hash(data + i * MEM_PAGE_SIZE,
						len < MEM_PAGE_SIZE ? len
								    : MEM_PAGE_SIZE);
			bits &= bits - 1;
		}
	}
	if (ps->valid && !s->hash_full)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t len = size - i * MEM_PAGE_SIZE;
		ps->hash[i] = page_hash(data + i * MEM_PAGE_SIZE,
					len < MEM_PAGE_SIZE ? len : MEM_PAGE_SIZE);
	}
	ps->valid = true;
}

static uint64_t pages_combine(const struct state_pages *ps, size_t size)
{
	return hash_bytes(HASH_SEED ^ size, ps->hash, ps->n * sizeof(uint64_t));
}

static uint64_t ram_hash(struct state *s)
{
	struct mem *m = s->mem;

	if (s->hash_legacy)
		return hash_ram(m->ram, m->ram_size);
	struct state_pages *ps = pages_find(s, NULL, m);
	if (m->dirty_lost) {
		ps->valid = false;
		m->dirty_lost = false;
	}
	pages_refresh(s, ps, m->ram, m->ram_size, m->dirty);
	return pages_combine(ps, m->ram_size);
}

static uint64_t hash_section(struct state *s, uint64_t h,
			     const struct state_section *sec)
{
	if (sec->pre_save)
		sec->pre_save(sec->opaque);
	h = hash_bytes(h, sec->name, strlen(sec->name));
	for (const struct state_field *f = sec->fields; f->name; f++) {
		uint8_t *p = (uint8_t *)sec->base + f->offset;
		if (!f->dirty || s->hash_legacy) {
			h = hash_bytes(h, p, f->size);
			continue;
		}
		struct state_pages *ps = pages_find(s, f, sec->base);
		pages_refresh(s, ps, p, f->size,
			      (uint64_t *)((uint8_t *)sec->base + f->dirty - 1));
		uint64_t ph = pages_combine(ps, f->size);
		h = hash_bytes(h, &ph, sizeof(ph));
	}
	return h;
}

uint64_t state_hash(struct state *s, bool with_ram)
{
	uint64_t h = HASH_SEED;
	for (unsigned i = 0; i < s->nsec; i++)
		h = hash_section(s, h, &s->sec[i]);
	if (!with_ram || !s->mem)
		return h;
	if (s->hash_legacy)
		return hash_bytes(h, s->mem->ram, s->mem->ram_size);
	uint64_t r = ram_hash(s);
	return hash_bytes(h, &r, sizeof(r));
}

const char *state_section_name(const struct state *s, unsigned i)
{
	return i < s->nsec ? s->sec[i].name : i == s->nsec ? "ram" : NULL;
}

uint64_t state_hash_section(struct state *s, unsigned i)
{
	if (i < s->nsec)
		return hash_section(s, HASH_SEED, &s->sec[i]);
	if (i == s->nsec && s->mem)
		return ram_hash(s);
	return HASH_SEED;
}

uint64_t state_hash_sections(struct state *s, uint64_t *out)
{
	for (unsigned i = 0; i <= s->nsec; i++)
		out[i] = state_hash_section(s, i);
	return hash_bytes(HASH_SEED, out, (s->nsec + 1) * sizeof(*out));
}

void state_hash_invalidate(struct state *s)
{
	for (unsigned i = 0; i < s->npages; i++)
		s->pages[i].valid = false;
}
