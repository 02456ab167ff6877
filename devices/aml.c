/* devices/aml.c: the AML encoder (see aml.h). Opcodes are the ACPI spec's
 * (20.2 AML Grammar Definition); resource descriptors follow 6.4. */
#include "devices/aml.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum {
	ZERO_OP = 0x00, ONE_OP = 0x01, NAME_OP = 0x08, BYTE_PREFIX = 0x0a,
	WORD_PREFIX = 0x0b, DWORD_PREFIX = 0x0c, STRING_PREFIX = 0x0d,
	QWORD_PREFIX = 0x0e, SCOPE_OP = 0x10, BUFFER_OP = 0x11,
	PACKAGE_OP = 0x12, METHOD_OP = 0x14, DUAL_NAME = 0x2e,
	MULTI_NAME = 0x2f, EXT_OP = 0x5b, DEVICE_OP = 0x82, ROOT_CHAR = 0x5c,
	PARENT_CHAR = 0x5e, RETURN_OP = 0xa4,
};

void aml_init(struct aml *a)
{
	memset(a, 0, sizeof(*a));
}

void aml_free(struct aml *a)
{
	free(a->buf);
	aml_init(a);
}

void aml_bytes(struct aml *a, const void *p, size_t n)
{
	if (a->len + n > a->cap) {
		size_t cap = a->cap ? a->cap : 64;
		while (cap < a->len + n)
			cap *= 2;
		uint8_t *nb = xcalloc(1, cap);
		if (a->len)
			memcpy(nb, a->buf, a->len);
		free(a->buf);
		a->buf = nb;
		a->cap = cap;
	}
	if (n)
		memcpy(a->buf + a->len, p, n);
	a->len += n;
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

void aml_le(struct aml *a, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		aml_byte(a, (uint8_t)(v >> (8 * i)));
}

void aml_append(struct aml *a, const struct aml *b)
{
	aml_bytes(a, b->buf, b->len);
}

unsigned aml_pkglen_encode(uint8_t out[4], size_t body)
{
	/* The encoded length includes the PkgLength bytes themselves. */
	if (body + 1 <= 0x3f) {
		out[0] = (uint8_t)(body + 1);
		return 1;
	}
	for (unsigned n = 2; n <= 4; n++) {
		size_t len = body + n;
		if (len >= (size_t)1 << (4 + 8 * (n - 1)))
			continue;
		out[0] = (uint8_t)((n - 1) << 6 | (len & 0xf));
		for (unsigned i = 1; i < n; i++)
			out[i] = (uint8_t)(len >> (4 + 8 * (i - 1)));
		return n;
	}
	return 0;
}

static void aml_pkglen(struct aml *a, size_t body)
{
	uint8_t b[4];
	aml_bytes(a, b, aml_pkglen_encode(b, body));
}

static void aml_nameseg(struct aml *a, const char *s, size_t n)
{
	char seg[4] = { '_', '_', '_', '_' };
	memcpy(seg, s, n > 4 ? 4 : n);
	aml_bytes(a, seg, 4);
}

void aml_name(struct aml *a, const char *path)
{
	const char *p = path;
	unsigned nseg = 0;

	if (*p == '\\')
		aml_byte(a, ROOT_CHAR), p++;
	while (*p == '^')
		aml_byte(a, PARENT_CHAR), p++;
	if (*p)
		for (const char *q = p, *dot; ; q = dot + 1) {
			nseg++;
			dot = strchr(q, '.');
			if (!dot)
				break;
		}
	if (nseg == 0) {
		aml_byte(a, ZERO_OP); /* NullName */
		return;
	}
	if (nseg == 2)
		aml_byte(a, DUAL_NAME);
	else if (nseg > 2)
		aml_byte(a, MULTI_NAME), aml_byte(a, (uint8_t)nseg);
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		aml_nameseg(a, p, n);
		p += n + (dot != NULL);
	}
}

void aml_int(struct aml *a, uint64_t v)
{
	if (v == 0)
		aml_byte(a, ZERO_OP);
	else if (v == 1)
		aml_byte(a, ONE_OP);
	else if (v <= 0xff)
		aml_byte(a, BYTE_PREFIX), aml_le(a, v, 1);
	else if (v <= 0xffff)
		aml_byte(a, WORD_PREFIX), aml_le(a, v, 2);
	else if (v <= 0xffffffffu)
		aml_byte(a, DWORD_PREFIX), aml_le(a, v, 4);
	else
		aml_byte(a, QWORD_PREFIX), aml_le(a, v, 8);
}

void aml_string(struct aml *a, const char *s)
{
	aml_byte(a, STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

void aml_buffer(struct aml *a, const void *data, size_t n)
{
	struct aml body;

	aml_init(&body);
	aml_int(&body, n);
	aml_bytes(&body, data, n);
	aml_byte(a, BUFFER_OP);
	aml_pkglen(a, body.len);
	aml_append(a, &body);
	aml_free(&body);
}

uint32_t aml_eisaid_value(const char *id)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 3; i++)
		v = v << 5 | ((unsigned)(id[i] - '@') & 0x1fu);
	for (unsigned i = 3; i < 7; i++) {
		char c = id[i];
		unsigned d = c >= 'A' ? (unsigned)(c - 'A' + 10)
		       : c >= 'a' ? (unsigned)(c - 'a' + 10)
				  : (unsigned)(c - '0');
		v = v << 4 | (d & 0xfu);
	}
	/* The compressed ID is stored big-endian in a little-endian DWord. */
	return (v >> 24) | (v >> 8 & 0xff00u) | (v << 8 & 0xff0000u) | v << 24;
}

void aml_eisaid(struct aml *a, const char *id)
{
	aml_byte(a, DWORD_PREFIX);
	aml_le(a, aml_eisaid_value(id), 4);
}

void aml_name_decl(struct aml *a, const char *path)
{
	aml_byte(a, NAME_OP);
	aml_name(a, path);
}

/* op [ext] PkgLength NameString [extra] body */
static void aml_named_block(struct aml *a, const uint8_t *op, unsigned nop,
			    const char *path, const uint8_t *extra,
			    unsigned nextra, const struct aml *body)
{
	struct aml head;

	aml_init(&head);
	aml_name(&head, path);
	aml_bytes(&head, extra, nextra);
	aml_bytes(a, op, nop);
	aml_pkglen(a, head.len + body->len);
	aml_append(a, &head);
	aml_append(a, body);
	aml_free(&head);
}

void aml_scope(struct aml *a, const char *path, const struct aml *body)
{
	static const uint8_t op[] = { SCOPE_OP };
	aml_named_block(a, op, 1, path, NULL, 0, body);
}

void aml_device(struct aml *a, const char *path, const struct aml *body)
{
	static const uint8_t op[] = { EXT_OP, DEVICE_OP };
	aml_named_block(a, op, 2, path, NULL, 0, body);
}

void aml_method(struct aml *a, const char *path, unsigned nargs,
		bool serialized, const struct aml *body)
{
	static const uint8_t op[] = { METHOD_OP };
	uint8_t flags = (uint8_t)((nargs & 7u) | (serialized ? 8u : 0u));
	aml_named_block(a, op, 1, path, &flags, 1, body);
}

void aml_package(struct aml *a, unsigned nelems, const struct aml *elems)
{
	aml_byte(a, PACKAGE_OP);
	aml_pkglen(a, 1 + elems->len);
	aml_byte(a, (uint8_t)nelems);
	aml_append(a, elems);
}

void aml_return(struct aml *a)
{
	aml_byte(a, RETURN_OP);
}

/* --- resource descriptors (ACPI 6.4) -------------------------------------- */

void res_io(struct aml *r, uint16_t min, uint16_t max, uint8_t align,
	    uint8_t len)
{
	aml_byte(r, 0x47); /* small item 8, length 7 */
	aml_byte(r, 0x01); /* 16-bit decode */
	aml_le(r, min, 2);
	aml_le(r, max, 2);
	aml_byte(r, align);
	aml_byte(r, len);
}

void res_irq_noflags(struct aml *r, uint16_t mask)
{
	aml_byte(r, 0x22); /* small item 4, length 2: edge, active-high */
	aml_le(r, mask, 2);
}

void res_mem32_fixed(struct aml *r, bool rw, uint32_t base, uint32_t len)
{
	aml_byte(r, 0x86);
	aml_le(r, 9, 2);
	aml_byte(r, rw ? 1 : 0);
	aml_le(r, base, 4);
	aml_le(r, len, 4);
}

/* Address space descriptors: type 0 memory, 1 I/O, 2 bus number. The
 * general flags say producer, min and max fixed (a bridge's window). */
static void res_addr(struct aml *r, uint8_t tag, unsigned width, uint8_t type,
		     uint8_t tflags, uint64_t min, uint64_t max)
{
	aml_byte(r, tag);
	aml_le(r, 3 + 5 * width, 2);
	aml_byte(r, type);
	aml_byte(r, 0x0c); /* MIF, MAF; producer; positive decode */
	aml_byte(r, tflags);
	aml_le(r, 0, width);           /* granularity */
	aml_le(r, min, width);
	aml_le(r, max, width);
	aml_le(r, 0, width);           /* translation */
	aml_le(r, max - min + 1, width); /* length */
}

void res_word_bus(struct aml *r, uint16_t min, uint16_t max)
{
	res_addr(r, 0x88, 2, 2, 0, min, max);
}

void res_word_io(struct aml *r, uint16_t min, uint16_t max)
{
	res_addr(r, 0x88, 2, 1, 0x03, min, max); /* ISA and non-ISA ranges */
}

void res_dword_mem(struct aml *r, bool cacheable, uint32_t min, uint32_t max)
{
	/* Type flags: read-write, cacheable (1) or not (0) in bits 2:1. */
	res_addr(r, 0x87, 4, 0, (uint8_t)(cacheable ? 0x03 : 0x01), min, max);
}

void res_ext_irq(struct aml *r, bool level, bool active_low, bool shared,
		 uint32_t irq)
{
	aml_byte(r, 0x89);
	aml_le(r, 6, 2);
	/* bit 0 consumer, 1 edge, 2 active-low, 3 shared. */
	aml_byte(r, (uint8_t)(1u | (level ? 0u : 2u) | (active_low ? 4u : 0u) |
			      (shared ? 8u : 0u)));
	aml_byte(r, 1);
	aml_le(r, irq, 4);
}

void aml_restemplate(struct aml *a, const struct aml *descs)
{
	struct aml t;

	aml_init(&t);
	aml_append(&t, descs);
	aml_byte(&t, 0x79); /* end tag, checksum 0: "treat as summed to 0" */
	aml_byte(&t, 0x00);
	aml_buffer(a, t.buf, t.len);
	aml_free(&t);
}
