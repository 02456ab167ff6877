/* devices/aml.h: a small ACPI Machine Language builder (ACPI 6.x spec,
 * chapter 20 "AML Specification", and 6.4 "Resource Data Types").
 *
 * A struct aml is a growing byte string. Terms with a PkgLength (Scope,
 * Device, Method, Package, Buffer) take their finished body as another
 * struct aml, so every length is known when it is written: build inside
 * out. Resource templates are byte strings of descriptors too (res_*),
 * closed by aml_restemplate with the end tag.
 */
#ifndef LUCID_DEVICES_AML_H
#define LUCID_DEVICES_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml {
	uint8_t *buf;
	size_t len, cap;
};

void aml_init(struct aml *a);
void aml_free(struct aml *a);
void aml_byte(struct aml *a, uint8_t b);
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_le(struct aml *a, uint64_t v, unsigned n); /* n little-endian bytes */
void aml_append(struct aml *a, const struct aml *b);

/* PkgLength for a body of `body` bytes (the length counts itself): writes
 * 1-4 bytes into out, returns how many; 0 if too long (>= 2^28). */
unsigned aml_pkglen_encode(uint8_t out[4], size_t body);

/* NameString: "\\_SB.PCI0", "^^FOO", "_HID"; short segments are padded
 * with '_'. */
void aml_name(struct aml *a, const char *path);
/* Integer: ZeroOp, OneOp or the smallest of Byte/Word/DWord/QWordPrefix. */
void aml_int(struct aml *a, uint64_t v);
void aml_string(struct aml *a, const char *s);
void aml_buffer(struct aml *a, const void *data, size_t n);
/* EISAID("PNP0A03") as the DWord iasl makes of it. */
void aml_eisaid(struct aml *a, const char *id);
uint32_t aml_eisaid_value(const char *id);

/* Name(path, <caller emits the data object next>). */
void aml_name_decl(struct aml *a, const char *path);
void aml_scope(struct aml *a, const char *path, const struct aml *body);
void aml_device(struct aml *a, const char *path, const struct aml *body);
void aml_method(struct aml *a, const char *path, unsigned nargs,
		bool serialized, const struct aml *body);
void aml_package(struct aml *a, unsigned nelems, const struct aml *elems);
/* Return(<caller emits the value next>). */
void aml_return(struct aml *a);

/* Resource descriptors, appended to a byte string. */
void res_io(struct aml *r, uint16_t min, uint16_t max, uint8_t align,
	    uint8_t len);
void res_irq_noflags(struct aml *r, uint16_t mask);
void res_mem32_fixed(struct aml *r, bool rw, uint32_t base, uint32_t len);
void res_word_bus(struct aml *r, uint16_t min, uint16_t max);
void res_word_io(struct aml *r, uint16_t min, uint16_t max);
void res_dword_mem(struct aml *r, bool cacheable, uint32_t min, uint32_t max);
/* Interrupt(ResourceConsumer, level/edge, low/high, shared){irq} */
void res_ext_irq(struct aml *r, bool level, bool active_low, bool shared,
		 uint32_t irq);
/* Buffer holding the descriptors and the end tag (checksum 0). */
void aml_restemplate(struct aml *a, const struct aml *descs);

#endif
