/* devices/sha256.h: SHA-256 (FIPS 180-4), for disk image content hashes
 * that traces record. Small and dependency-free. */
#ifndef LUCID_DEVICES_SHA256_H
#define LUCID_DEVICES_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t blk[64];
	bool ni; /* the CPU's SHA extensions do the blocks */
};

void sha256_init(struct sha256 *s);
/* The same without the SHA extensions (tests compare the two). */
void sha256_init_portable(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[32]);

#endif
