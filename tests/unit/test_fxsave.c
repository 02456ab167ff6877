/* tests/unit/test_fxsave.c: FXSAVE/FXRSTOR (0F AE /0 /1) on the P6: the
 * 512-byte layout (SDM vol. 1 table 10-2, non-64-bit format), the
 * abridged tag word, MXCSR, restore semantics and the #UD/#NM/#GP rules. */
#include "tests/unit/fpu_rig.h"

/* Real-mode handlers for #UD (6), #NM (7), #GP (13) at 0180h/0188h/0190h:
 * mov byte [0x1300 + n], 0AAh; hlt. */
static void rig_handlers(struct rig *r)
{
	static const uint8_t h[] = { 0xc6, 0x06, 0x00, 0x13, 0xaa, 0xf4 };
	static const unsigned vec[3] = { 6, 7, 13 };

	for (unsigned k = 0; k < 3; k++) {
		uint8_t code[sizeof(h)];
		memcpy(code, h, sizeof(h));
		code[2] = (uint8_t)k;
		mem_load(r->mem, 0x180 + 8 * k, code, sizeof(code));
		put32(r, 4 * vec[k], 0x180 + 8 * k);
	}
}

static uint8_t get8(struct rig *r, uint32_t a)
{
	uint8_t v;
	mem_read(r->mem, a, &v, 1);
	return v;
}

static void run_with_handlers(struct rig *r, const uint8_t *p, size_t n,
			      uint32_t cr0)
{
	rig_load(r, p, n, cr0);
	rig_handlers(r);
	rig_run(r);
}

/* fninit; fld1; fldpi; fxsave [0x1100]; hlt */
static const uint8_t c_save[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xeb, 0x0f, 0xae, 0x06, 0x00, 0x11, 0xf4,
};

Test(fxsave, layout)
{
	struct rig *r = rig_new("pentium2");

	for (unsigned k = 0; k < 512; k += 4)
		put32(r, 0x1100 + k, 0xdeadbeef);
	run_with_handlers(r, c_save, sizeof(c_save), 0);
	cr_assert_eq(get16(r, 0x1100), 0x037f, "FCW");
	cr_assert_eq(get16(r, 0x1102), 0x3000, "FSW: TOP = 6");
	cr_assert_eq(get8(r, 0x1104), 0xc0, "abridged tags: R6, R7 in use");
	cr_assert_eq(get8(r, 0x1105), 0, "reserved");
	cr_assert_eq(get16(r, 0x1106), 0x1eb, "FOP of FLDPI (D9 EB)");
	cr_assert_eq(get32(r, 0x1108), 0x104, "FIP");
	cr_assert_eq(get32(r, 0x1118), 0x1f80, "MXCSR");
	cr_assert_eq(get32(r, 0x111c), 0xffbf, "MXCSR_MASK");
	cr_assert_eq(get64(r, 0x1120), 0xc90fdaa22168c235ull, "ST0 = pi");
	cr_assert_eq(get16(r, 0x1128), 0x4000);
	cr_assert_eq(get16(r, 0x112a), 0, "reserved bytes of ST0");
	cr_assert_eq(get64(r, 0x1130), 0x8000000000000000ull, "ST1 = 1");
	cr_assert_eq(get16(r, 0x1138), 0x3fff);
	cr_assert_eq(get32(r, 0x11a0), 0xdeadbeef, "XMM area untouched");
	cr_assert_eq(get8(r, 0x1300), 0, "no #UD");
	rig_free(r);
}

/* fxrstor [0x1100]; fnstenv [0x1200]; fstp tword [0x1220]; hlt */
static const uint8_t c_rstor[] = {
	0x0f, 0xae, 0x0e, 0x00, 0x11, 0xd9, 0x36, 0x00, 0x12, 0xdb, 0x3e,
	0x20, 0x12, 0xf4,
};

Test(fxsave, fxrstor_recomputes_tags)
{
	struct rig *r = rig_new("pentium2");

	put32(r, 0x1100, 0x2800027f); /* FCW 027F, FSW TOP = 5 */
	put32(r, 0x1104, 0x000000e0); /* R5, R6, R7 in use */
	put80(r, 0x1120, 0x4000, 0x8000000000000000ull); /* ST0 = R5 = 2 */
	put80(r, 0x1130, 0x0000, 0);                     /* ST1 = R6 = 0 */
	put80(r, 0x1140, 0x7fff, 0x8000000000000000ull); /* ST2 = R7 = inf */
	put80(r, 0x1150, 0x3fff, 0x8000000000000000ull); /* R0: empty */
	run_with_handlers(r, c_rstor, sizeof(c_rstor), 0);
	cr_assert_eq(get16(r, 0x1200), 0x027f, "FCW");
	cr_assert_eq(get16(r, 0x1202) & 0x3800, 0x2800, "TOP");
	/* R7 special, R6 zero, R5 valid, R4-R0 empty */
	cr_assert_eq(get16(r, 0x1204), 0x93ff, "tag word %04x",
		     get16(r, 0x1204));
	cr_assert_eq(get64(r, 0x1220), 0x8000000000000000ull);
	cr_assert_eq(get16(r, 0x1228), 0x4000, "ST0 = 2");
	rig_free(r);
}

/* fxsave [0x1108]; hlt */
static const uint8_t c_misaligned[] = { 0x0f, 0xae, 0x06, 0x08, 0x11, 0xf4 };

Test(fxsave, misaligned_operand_is_gp)
{
	struct rig *r = rig_new("pentium2");

	run_with_handlers(r, c_misaligned, sizeof(c_misaligned), 0);
	cr_assert_eq(get8(r, 0x1302), 0xaa, "#GP");
	cr_assert_eq(get16(r, 0x1108), 0, "nothing stored");
	rig_free(r);
}

Test(fxsave, ts_or_em_is_nm)
{
	struct rig *r = rig_new("pentium2");

	run_with_handlers(r, c_save + 6, sizeof(c_save) - 6, CR0_TS);
	cr_assert_eq(get8(r, 0x1301), 0xaa, "#NM with TS");
	put32(r, 0x1300, 0);
	run_with_handlers(r, c_save + 6, sizeof(c_save) - 6, CR0_EM);
	cr_assert_eq(get8(r, 0x1301), 0xaa, "#NM with EM");
	rig_free(r);
}

/* fxsave with a register operand (0F AE C0) and /2 (0F AE 16): #UD */
static const uint8_t c_reg[] = { 0x0f, 0xae, 0xc0, 0xf4 };

Test(fxsave, ud_without_fxsr_or_bad_encoding)
{
	struct rig *r = rig_new("pentium2");

	run_with_handlers(r, c_reg, sizeof(c_reg), 0);
	cr_assert_eq(get8(r, 0x1300), 0xaa, "register operand");
	rig_free(r);
	r = rig_new("pentium");
	run_with_handlers(r, c_save + 6, sizeof(c_save) - 6, 0);
	cr_assert_eq(get8(r, 0x1300), 0xaa, "the Pentium has no FXSR");
	rig_free(r);
}
