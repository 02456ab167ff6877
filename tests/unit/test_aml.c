/* AML encodings against the byte layouts of the ACPI spec, chapter 20
 * (PkgLength 20.2.4, NameString 20.2.2, integers 20.2.3) and 6.4
 * (resource descriptors). */
#include <criterion/criterion.h>
#include <string.h>

#include "devices/aml.h"

static void expect(const struct aml *a, const uint8_t *want, size_t n)
{
	cr_assert_eq(a->len, n, "length %zu, want %zu", a->len, n);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(a->buf[i], want[i], "byte %zu: %#x, want %#x", i,
			     a->buf[i], want[i]);
}

#define EXPECT(a, ...)                                                        \
	do {                                                                  \
		static const uint8_t w_[] = { __VA_ARGS__ };                  \
		expect((a), w_, sizeof(w_));                                  \
	} while (0)

Test(aml, pkglength_uses_one_to_four_bytes)
{
	uint8_t b[4];

	cr_assert_eq(aml_pkglen_encode(b, 0), 1);
	cr_assert_eq(b[0], 0x01);
	cr_assert_eq(aml_pkglen_encode(b, 62), 1);
	cr_assert_eq(b[0], 0x3f, "63 fits the one-byte form");
	cr_assert_eq(aml_pkglen_encode(b, 63), 2);
	/* 65 = 0x041: byte0 = 01 00 0001, byte1 = 0x04. */
	cr_assert_eq(b[0], 0x41);
	cr_assert_eq(b[1], 0x04);
	cr_assert_eq(aml_pkglen_encode(b, 0xffd), 2);
	cr_assert_eq(b[0], 0x4f);
	cr_assert_eq(b[1], 0xff);
	cr_assert_eq(aml_pkglen_encode(b, 0xffe), 3, "0x1001 needs 3 bytes");
	cr_assert_eq(b[0], 0x81);
	cr_assert_eq(b[1], 0x00);
	cr_assert_eq(b[2], 0x01);
	cr_assert_eq(aml_pkglen_encode(b, 0x100000), 4);
	/* 0x100004: nibble 4, then 0x00, 0x00, 0x01. */
	cr_assert_eq(b[0], 0xc4);
	cr_assert_eq(b[1], 0x00);
	cr_assert_eq(b[2], 0x00);
	cr_assert_eq(b[3], 0x01);
	cr_assert_eq(aml_pkglen_encode(b, 0x10000000), 0, "too long");
}

Test(aml, names_pad_segments_and_take_prefixes)
{
	struct aml a;

	aml_init(&a);
	aml_name(&a, "_S5");
	EXPECT(&a, '_', 'S', '5', '_');
	a.len = 0;
	aml_name(&a, "\\_SB");
	EXPECT(&a, 0x5c, '_', 'S', 'B', '_');
	a.len = 0;
	aml_name(&a, "\\_SB.PCI0");
	EXPECT(&a, 0x5c, 0x2e, '_', 'S', 'B', '_', 'P', 'C', 'I', '0');
	a.len = 0;
	aml_name(&a, "_SB.PCI0.ISA");
	EXPECT(&a, 0x2f, 3, '_', 'S', 'B', '_', 'P', 'C', 'I', '0', 'I', 'S',
	       'A', '_');
	a.len = 0;
	aml_name(&a, "^^LNKA");
	EXPECT(&a, 0x5e, 0x5e, 'L', 'N', 'K', 'A');
	a.len = 0;
	aml_name(&a, "\\");
	EXPECT(&a, 0x5c, 0x00);
	aml_free(&a);
}

Test(aml, integers_use_the_smallest_encoding)
{
	struct aml a;

	aml_init(&a);
	aml_int(&a, 0);
	aml_int(&a, 1);
	aml_int(&a, 2);
	aml_int(&a, 0xff);
	aml_int(&a, 0x100);
	aml_int(&a, 0x12345678);
	aml_int(&a, 0x100000000ull);
	EXPECT(&a, 0x00, 0x01, 0x0a, 0x02, 0x0a, 0xff, 0x0b, 0x00, 0x01, 0x0c,
	       0x78, 0x56, 0x34, 0x12, 0x0e, 0, 0, 0, 0, 1, 0, 0, 0);
	aml_free(&a);
}

Test(aml, strings_buffers_and_eisaid)
{
	struct aml a;

	aml_init(&a);
	aml_string(&a, "Hi");
	aml_buffer(&a, "\x01\x02", 2);
	aml_eisaid(&a, "PNP0A03");
	EXPECT(&a, 0x0d, 'H', 'i', 0x00, 0x11, 0x05, 0x0a, 0x02, 0x01, 0x02,
	       0x0c, 0x41, 0xd0, 0x0a, 0x03);
	cr_assert_eq(aml_eisaid_value("PNP0501"), 0x0105d041u);
	aml_free(&a);
}

Test(aml, name_method_return_and_package)
{
	struct aml a, body;

	aml_init(&a);
	aml_init(&body);
	aml_return(&body);
	aml_int(&body, 0x0b);
	aml_method(&a, "_STA", 0, false, &body);
	/* MethodOp PkgLength(1+4+1+3 = 9) NameSeg flags ReturnOp 0x0A 0x0B */
	EXPECT(&a, 0x14, 0x09, '_', 'S', 'T', 'A', 0x00, 0xa4, 0x0a, 0x0b);
	a.len = 0;
	body.len = 0;
	aml_int(&body, 0);
	aml_int(&body, 5);
	aml_name_decl(&a, "\\_S5");
	aml_package(&a, 2, &body);
	EXPECT(&a, 0x08, 0x5c, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x00,
	       0x0a, 0x05);
	aml_free(&a);
	aml_free(&body);
}

Test(aml, device_inside_scope_nests_lengths)
{
	struct aml a, dev, body;

	aml_init(&a);
	aml_init(&dev);
	aml_init(&body);
	aml_name_decl(&body, "_ADR");
	aml_int(&body, 0);
	aml_device(&dev, "PCI0", &body);
	aml_scope(&a, "\\_SB", &dev);
	EXPECT(&a, 0x10, 0x13, 0x5c, '_', 'S', 'B', '_', 0x5b, 0x82, 0x0b,
	       'P', 'C', 'I', '0', 0x08, '_', 'A', 'D', 'R', 0x00);
	aml_free(&a);
	aml_free(&dev);
	aml_free(&body);
}

Test(aml, resource_template_descriptors)
{
	struct aml r, a;

	aml_init(&r);
	aml_init(&a);
	res_io(&r, 0x3f8, 0x3f8, 1, 8);
	res_irq_noflags(&r, 1u << 4);
	res_ext_irq(&r, true, false, true, 10);
	res_mem32_fixed(&r, true, 0xfec00000, 0x1000);
	EXPECT(&r, 0x47, 0x01, 0xf8, 0x03, 0xf8, 0x03, 0x01, 0x08,
	       0x22, 0x10, 0x00,
	       0x89, 0x06, 0x00, 0x09, 0x01, 0x0a, 0x00, 0x00, 0x00,
	       0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0xc0, 0xfe, 0x00, 0x10,
	       0x00, 0x00);
	r.len = 0;
	res_word_bus(&r, 0, 0xff);
	EXPECT(&r, 0x88, 0x0d, 0x00, 0x02, 0x0c, 0x00, 0x00, 0x00, 0x00,
	       0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01);
	r.len = 0;
	res_io(&r, 0x60, 0x60, 1, 1);
	aml_restemplate(&a, &r);
	/* Buffer(PkgLength 13, size 10) { IO, end tag 0x79 0x00 } */
	EXPECT(&a, 0x11, 0x0d, 0x0a, 0x0a, 0x47, 0x01, 0x60, 0x00, 0x60,
	       0x00, 0x01, 0x01, 0x79, 0x00);
	aml_free(&r);
	aml_free(&a);
}
