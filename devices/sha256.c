/* devices/sha256.c: SHA-256 (FIPS 180-4). */
#include "devices/sha256.h"

#include <string.h>

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Portable: the eight working variables stay in registers (no array
 * shifting), 16 schedule words in a ring. */
static void blocks_c(uint32_t h[8], const uint8_t *p, size_t n)
{
	for (; n--; p += 64) {
		uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3],
				e = h[4], f = h[5], g = h[6], hh = h[7];

		for (unsigned i = 0; i < 64; i++) {
			uint32_t x;
			if (i < 16) {
				x = be32(p + 4 * i);
			} else {
				uint32_t w15 = w[(i - 15) & 15], w2 = w[(i - 2) & 15];
				x = w[i & 15] + w[(i - 7) & 15] +
				    (ror(w15, 7) ^ ror(w15, 18) ^ w15 >> 3) +
				    (ror(w2, 17) ^ ror(w2, 19) ^ w2 >> 10);
			}
			w[i & 15] = x;
			uint32_t t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
				      ((e & f) ^ (~e & g)) + k[i] + x;
			uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
				      ((a & b) ^ (a & c) ^ (b & c));
			hh = g;
			g = f;
			f = e;
			e = d + t1;
			d = c;
			c = b;
			b = a;
			a = t1 + t2;
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_NI 1

/* The SHA extensions (Intel SHA-NI, AMD Zen): about ten times the
 * portable code. The state is kept as ABEF and CDGH, the order
 * SHA256RNDS2 wants; four schedule vectors of four words rotate. */
__attribute__((target("sha,sse4.1"))) static void
blocks_ni(uint32_t h[8], const uint8_t *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bll,
					    0x0405060700010203ll);
	__m128i dcba = _mm_loadu_si128((const __m128i *)h);
	__m128i hgfe = _mm_loadu_si128((const __m128i *)(h + 4));
	__m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
	__m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
	__m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
	__m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

	for (; n--; p += 64) {
		__m128i s0 = abef, s1 = cdgh, w[4];
		for (unsigned i = 0; i < 4; i++)
			w[i] = _mm_shuffle_epi8(
				_mm_loadu_si128((const __m128i *)(p + 16 * i)),
				swap);
		for (unsigned g = 0; g < 16; g++) {
			__m128i m = _mm_add_epi32(
				w[g & 3], _mm_loadu_si128((const __m128i *)&k[4 * g]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, m);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
						     _mm_shuffle_epi32(m, 0x0e));
			if (g >= 12)
				continue;
			/* Words 4(g+4)..+3 replace words 4g..+3. */
			__m128i t = _mm_sha256msg1_epu32(w[g & 3], w[(g + 1) & 3]);
			t = _mm_add_epi32(t, _mm_alignr_epi8(w[(g + 3) & 3],
							     w[(g + 2) & 3], 4));
			w[g & 3] = _mm_sha256msg2_epu32(t, w[(g + 3) & 3]);
		}
		abef = _mm_add_epi32(abef, s0);
		cdgh = _mm_add_epi32(cdgh, s1);
	}
	__m128i feba = _mm_shuffle_epi32(abef, 0x1b);
	__m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
	_mm_storeu_si128((__m128i *)h, _mm_blend_epi16(feba, dchg, 0xf0));
	_mm_storeu_si128((__m128i *)(h + 4), _mm_alignr_epi8(dchg, feba, 8));
}
#endif

static void sha256_blocks(struct sha256 *s, const uint8_t *p, size_t n)
{
#ifdef SHA256_NI
	if (s->ni) {
		blocks_ni(s->h, p, n);
		return;
	}
#endif
	blocks_c(s->h, p, n);
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
#ifdef SHA256_NI
	/* CPUID.7.0:EBX.SHA[29] and CPUID.1:ECX.SSE4_1[19]. */
	unsigned a, b, c, d;
	s->ni = __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1) &&
		__get_cpuid(1, &a, &b, &c, &d) && (c >> 19 & 1);
#else
	s->ni = false;
#endif
}

void sha256_init_portable(struct sha256 *s)
{
	sha256_init(s);
	s->ni = false;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t used = s->len % 64;

	if (!len)
		return;
	s->len += len;
	if (used) {
		size_t n = 64 - used < len ? 64 - used : len;
		memcpy(s->blk + used, p, n);
		p += n;
		len -= n;
		if (used + n < 64)
			return;
		sha256_blocks(s, s->blk, 1);
	}
	/* Whole blocks straight from the caller's buffer. */
	sha256_blocks(s, p, len / 64);
	p += len / 64 * 64;
	if (len % 64)
		memcpy(s->blk, p, len % 64);
}

void sha256_final(struct sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->len * 8;
	uint8_t pad = 0x80, zero = 0, len[8];

	sha256_update(s, &pad, 1);
	while (s->len % 64 != 56)
		sha256_update(s, &zero, 1);
	for (unsigned i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (unsigned i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}
