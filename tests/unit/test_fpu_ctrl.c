/* tests/unit/test_fpu_ctrl.c: the x87 stack, environment and exceptions:
 * stack overflow, FSTENV/FLDENV (16/32-bit) and FSAVE/FRSTOR layouts,
 * FCOMI/FUCOMI and FCMOV (P6 only), #NM, #MF, FERR#, no FPU on the 286,
 * and the state round trip.
 */
#include "tests/unit/fpu_rig.h"

/* fninit; fldcw [0x1010]; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fldz; fnstsw [0x1030]; fstp tword [0x1020]; hlt */
static const uint8_t c_ovf[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8,
	0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xee,
	0xdd, 0x3e, 0x30, 0x10, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fld dword [0x1000]; fld1; fadd st0, st1; fnstenv [0x1040]; hlt */
static const uint8_t c_env16[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x00, 0x10, 0xd9, 0xe8, 0xd8, 0xc1, 0xd9, 0x36,
	0x40, 0x10, 0xf4,
};

/* fninit; fld dword [0x1000]; fld1; fadd st0, st1; o32 fnstenv [0x1040]; o32 fldenv [0x1040]; hlt */
static const uint8_t c_env32[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x00, 0x10, 0xd9, 0xe8, 0xd8, 0xc1, 0x66, 0xd9,
	0x36, 0x40, 0x10, 0x66, 0xd9, 0x26, 0x40, 0x10, 0xf4,
};

/* fninit; fld1; fldpi; fldz; fnsave [0x1100]; fld1; frstor [0x1100]; fnsave [0x1200]; frstor [0x1100]; hlt */
static const uint8_t c_fsave[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xeb, 0xd9, 0xee, 0xdd, 0x36, 0x00, 0x11,
	0xd9, 0xe8, 0xdd, 0x26, 0x00, 0x11, 0xdd, 0x36, 0x00, 0x12, 0xdd, 0x26,
	0x00, 0x11, 0xf4,
};

/* fninit; fld dword [0x1004]; fld dword [0x1000]; fcomi st0, st1; pushf; pop word [0x1020]; fnstsw [0x1030]; hlt */
static const uint8_t c_fcomi[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x04, 0x10, 0xd9, 0x06, 0x00, 0x10, 0xdb, 0xf1,
	0x9c, 0x8f, 0x06, 0x20, 0x10, 0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fld dword [0x1004]; fld dword [0x1000]; fucomip st0, st1; pushf; pop word [0x1020]; fnstsw [0x1030]; hlt */
static const uint8_t c_fucomip[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x04, 0x10, 0xd9, 0x06, 0x00, 0x10, 0xdf, 0xe9,
	0x9c, 0x8f, 0x06, 0x20, 0x10, 0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fld1; hlt */
static const uint8_t c_nm[] = {
	0xd9, 0xe8, 0xf4,
};

/* fninit; fldcw [0x1010]; fldz; fldz; fdivp st1, st0; fnstsw [0x1030]; fld1; hlt */
static const uint8_t c_mf[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xd9, 0xee, 0xd9, 0xee, 0xde, 0xf9,
	0xdd, 0x3e, 0x30, 0x10, 0xd9, 0xe8, 0xf4,
};

/* fninit; fld1; fldz; stc; fcmovnb st0, st1; fld st0; fstp tword [0x1030]; fcmovb st0, st1; fstp tword [0x1020]; hlt */
static const uint8_t c_fcmov[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xee, 0xf9, 0xdb, 0xc1, 0xd9, 0xc0, 0xdb,
	0x3e, 0x30, 0x10, 0xda, 0xc1, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fld1; fptan; fstp tword [0x1020]; fstp tword [0x1030]; fnstsw [0x1040]; hlt */
static const uint8_t c_ptan[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xf2, 0xdb, 0x3e, 0x20, 0x10, 0xdb, 0x3e,
	0x30, 0x10, 0xdd, 0x3e, 0x40, 0x10, 0xf4,
};

/* fninit; fld1; fld1; ffree st1; fincstp; fnstenv [0x1040]; hlt */
static const uint8_t c_free[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xe8, 0xdd, 0xc1, 0xd9, 0xf7, 0xd9, 0x36,
	0x40, 0x10, 0xf4,
};

/* fninit; fldcw [0x1010]; fldz; fldz; fdivp st1, st0; fld1; fnclex; hlt */
static const uint8_t c_ferr_clear[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xd9, 0xee, 0xd9, 0xee, 0xde, 0xf9,
	0xd9, 0xe8, 0xdb, 0xe2, 0xf4,
};

/* 1/3 in extended precision under each rounding mode; PE always, C1 when
 * rounded up. */

/* Precision control: single (PC=00) rounds the significand to 24 bits. */

/* FIST/FISTP of +-2.5 under RC: nearest-even, down, up, chop. */

/* FISTP of a value beyond the range: IE, the integer indefinite. */

/* FBSTP 1234567890123 and FBLD it back. */

/* 10 FPREM 3: remainder 1, quotient 3 -> Q2 (C0)=0, Q1 (C3)=1, Q0 (C1)=1,
 * C2=0 (complete). */

/* 2^100 FPREM 3 is partial (C2=1) on the first pass; looping ends with
 * 2^100 mod 3 = 1. */

/* FXAM: C3 C2 C0 class codes, C1 the sign. */

/* A ninth push: IE|SF with C1=1 (overflow); masked, ST(0) becomes the
 * real indefinite. */

Test(fpu, stack_overflow_masked)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1010, 0x037f);
	RUN(r, c_ovf, 0);
	cr_assert_eq(get16(r, 0x1030) & 0x02ff, 0x0241);
	ASSERT80(r, 0x1020, 0xffff, 0xc000000000000000ull);
	rig_free(r);
}

/* Unmasked IE: no push, ES and B set, TOP unchanged. */

Test(fpu, stack_overflow_unmasked)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1010, 0x037e);
	RUN(r, c_ovf, 0);
	cr_assert_eq(get16(r, 0x1030) & 0xb8ff, 0x80c1);
	rig_free(r);
}

/* FNSTENV, 16-bit real-mode form: linear FIP/FDP, FOP in bits 0-10. */

Test(fpu, fstenv_16bit_real)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_fpu f;
	put32(r, 0x1000, 0x3f800000);
	RUN(r, c_env16, 0);
	cr_assert_eq(get16(r, 0x1040), 0x037f, "FCW");
	cr_assert_eq(get16(r, 0x1042), 0x3000, "FSW: TOP=6");
	cr_assert_eq(get16(r, 0x1044), 0x0fff, "FTW");
	cr_assert_eq(get16(r, 0x1046), 0x0108, "FIP of FADD");
	cr_assert_eq(get16(r, 0x1048), 0x00c1, "FOP D8 C1");
	cr_assert_eq(get16(r, 0x104a), 0x1000, "FDP of FLD m32");
	cr_assert_eq(get16(r, 0x104c), 0x0000);
	f = fpu_of(r);
	cr_assert_eq(f.fop, 0x0c1);
	cr_assert_eq(f.fip, 0x108);
	rig_free(r);
}

/* 32-bit real-mode form (66h prefix), and FLDENV of it round trips. */

Test(fpu, fstenv_32bit_real)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_fpu f;
	put32(r, 0x1000, 0x3f800000);
	RUN(r, c_env32, 0);
	cr_assert_eq(get32(r, 0x1040), 0xffff037f, "FCW");
	cr_assert_eq(get32(r, 0x1044), 0xffff3000, "FSW");
	cr_assert_eq(get32(r, 0x1048), 0xffff0fff, "FTW");
	cr_assert_eq(get32(r, 0x104c), 0xffff0108, "FIP[15:0]");
	cr_assert_eq(get32(r, 0x1050), 0x000000c1, "FIP[31:16], FOP");
	cr_assert_eq(get32(r, 0x1054), 0xffff1000, "FDP[15:0]");
	cr_assert_eq(get32(r, 0x1058), 0x00000000, "FDP[31:16]");
	f = fpu_of(r);
	cr_assert_eq(f.fcw, 0x037f);
	cr_assert_eq(f.fsw, 0x3000);
	cr_assert_eq(f.ftw, 0x0fff);
	cr_assert_eq(f.fop, 0x0c1);
	cr_assert_eq(f.fip, 0x108);
	cr_assert_eq(f.fdp, 0x1000);
	rig_free(r);
}

/* FNSAVE reinitialises; FRSTOR brings everything back bit for bit. */

Test(fpu, fsave_frstor_round_trip)
{
	uint8_t a[94], b[94];
	struct rig *r = rig_new("pentium2");
	struct cpu_fpu f;
	RUN(r, c_fsave, 0);
	mem_read(r->mem, 0x1100, a, sizeof(a));
	mem_read(r->mem, 0x1200, b, sizeof(b));
	cr_assert_arr_eq(a, b, sizeof(a));
	cr_assert_eq(get16(r, 0x1102), 0x2800, "FSW: TOP=5");
	cr_assert_eq(get16(r, 0x1104), 0x07ff, "FTW: zero, valid, valid");
	cr_assert_eq(get16(r, 0x1100 + 14 + 8), 0x0000, "ST0 = +0");
	cr_assert_eq(get16(r, 0x1100 + 24 + 8), 0x4000, "ST1 = pi");
	cr_assert_eq(get64(r, 0x1100 + 24), 0xc90fdaa22168c235ull);
	cr_assert_eq(get16(r, 0x1100 + 34 + 8), 0x3fff, "ST2 = 1");
	f = fpu_of(r);
	cr_assert_eq(f.fsw, 0x2800);
	cr_assert_eq(f.ftw, 0x07ff);
	cr_assert_eq(f.fcw, 0x037f);
	rig_free(r);
}

/* FCOMI: a < b -> CF, a = b -> ZF, a > b -> none, unordered -> ZF PF CF
 * (and IE for a QNaN: FCOMI is an ordered compare). */

Test(fpu, fcomi_flags)
{
	static const struct {
		uint32_t a, b;
		uint16_t fl;
		bool ie;
	} t[] = {
		{ 0x3f800000, 0x40000000, 0x01, false },
		{ 0x40000000, 0x40000000, 0x40, false },
		{ 0x40400000, 0x40000000, 0x00, false },
		{ 0x7fc00000, 0x40000000, 0x45, true },
	};
	for (unsigned k = 0; k < 4; k++) {
		struct rig *r = rig_new("pentium2");
		put32(r, 0x1000, t[k].a);
		put32(r, 0x1004, t[k].b);
		RUN(r, c_fcomi, 0);
		cr_assert_eq(get16(r, 0x1020) & 0x8d5, t[k].fl, "case %u", k);
		cr_assert_eq(get16(r, 0x1030) & 1, t[k].ie, "IE case %u", k);
		rig_free(r);
	}
}

/* FUCOMIP: a QNaN is unordered without IE; the pop happens. */

Test(fpu, fucomip_qnan)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 0x7fc00000);
	put32(r, 0x1004, 0x40000000);
	RUN(r, c_fucomip, 0);
	cr_assert_eq(get16(r, 0x1020) & 0x8d5, 0x45);
	cr_assert_eq(get16(r, 0x1030) & 0x3801, 0x3800, "no IE, TOP=7");
	rig_free(r);
}

/* The constants are rounded under RC (387 and later). */

/* FST m32/m64 round to nearest: 1/3. */

/* FLD m32 of an SNaN: IE, quietened. */

Test(fpu, fcmov)
{
	struct rig *r = rig_new("pentium2");
	RUN(r, c_fcmov, 0);
	/* CF=1: FCMOVNB leaves +0; FCMOVB copies 1.0. */
	ASSERT80(r, 0x1030, 0x0000, 0);
	ASSERT80(r, 0x1020, 0x3fff, 0x8000000000000000ull);
	rig_free(r);
}

Test(fpu, fcmov_ud_before_p6)
{
	struct rig *r = rig_new("pentium");
	put32(r, 0x18, 0x0300); /* #UD handler at 0000:0300: HLT */
	mem_load(r->mem, 0x300, "\xf4", 1);
	RUN(r, c_fcmov, 0);
	cr_assert_eq(fpu_of(r).fsw & 0x3800, 0x3000, "stopped at FCMOV");
	rig_free(r);
}

/* FSIN with |x| >= 2^63: C2=1, ST(0) unchanged. */

/* FPTAN pushes 1.0 above tan(x); tan(1) = 1.5574077246549022305. */

/* CR0.EM: #NM (vector 7) before the instruction does anything. */

Test(fpu, em_raises_nm)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_state s;
	put32(r, 7 * 4, 0x0300);
	mem_load(r->mem, 0x300, "\xf4", 1);
	RUN(r, c_nm, CR0_EM);
	cpu_get_state(r->cpu, &s);
	cr_assert_eq(s.rip, 0x301);
	cr_assert_eq(get16(r, 0x8000 - 6), 0x100, "return to the FLD1");
	cr_assert_eq(s.fpu.fsw & 0x3800, 0, "nothing pushed");
	rig_free(r);
}

/* CR0.TS with MP: WAIT raises #NM too. */

Test(fpu, ts_mp_wait_raises_nm)
{
	static const uint8_t wait_hlt[] = { 0x9b, 0xf4 };
	struct rig *r = rig_new("pentium2");
	put32(r, 7 * 4, 0x0300);
	mem_load(r->mem, 0x300, "\xf4", 1);
	RUN(r, wait_hlt, CR0_TS | CR0_MP);
	cr_assert_eq(get16(r, 0x8000 - 6), 0x100);
	RUN(r, wait_hlt, CR0_TS);
	cr_assert_eq(cpu_get_state_rip(r), 0x102, "TS alone: WAIT runs");
	rig_free(r);
}

/* Unmasked IE (0/0) with CR0.NE=1: #MF (vector 16) at the next waiting
 * FPU instruction; FNSTSW does not wait. */

Test(fpu, unmasked_exception_raises_mf)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 16 * 4, 0x0300);
	mem_load(r->mem, 0x300, "\xf4", 1);
	put32(r, 0x1010, 0x037e);
	RUN(r, c_mf, CR0_NE);
	cr_assert_eq(get16(r, 0x1030) & 0x80ff, 0x8081, "IE, ES, B");
	cr_assert_eq(get16(r, 0x8000 - 6), 0x100 + sizeof(c_mf) - 3,
		     "#MF returns to the FLD1");
	rig_free(r);
}

static void note_ferr(void *opaque, bool level)
{
	struct rig *r = opaque;
	if (level)
		r->ferr++;
	else
		r->ferr_clear++;
}

/* CR0.NE=0: FERR# (IRQ13 on a PC) instead, and the FLD1 proceeds. */

Test(fpu, unmasked_exception_ferr)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_hooks h = { .opaque = r, .ferr = note_ferr };
	cpu_set_hooks(r->cpu, &h);
	put32(r, 0x1010, 0x037e);
	RUN(r, c_mf, 0);
	cr_assert_eq(r->ferr, 1);
	cr_assert_eq(cpu_get_state_rip(r), 0x100 + sizeof(c_mf));
	rig_free(r);
}

/* No FPU on the 286: ESC is a no-op and WAIT does not wait. */

Test(fpu, none_on_286)
{
	struct rig *r = rig_new("286");
	RUN(r, c_nm, CR0_EM);
	cr_assert_eq(cpu_get_state_rip(r), 0x100 + sizeof(c_nm));
	rig_free(r);
}

/* The FPU state survives cpu_get_state / cpu_set_state. */

Test(fpu, state_round_trip)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_state a, b;
	RUN(r, c_ptan, 0);
	cpu_get_state(r->cpu, &a);
	cpu_set_state(r->cpu, &a);
	cpu_get_state(r->cpu, &b);
	cr_assert_eq(memcmp(&a.fpu, &b.fpu, sizeof(a.fpu)), 0);
	rig_free(r);
}

/* DC/DE register forms run the other way round; integer operands. */

/* FXTRACT 10 = 1.25 * 2^3; FSCALE 1 by 2 = 4. */

/* FRNDINT 2.5 under RC: nearest-even 2, up 3. */

/* FSINCOS: ST(0) = cos, ST(1) = sin. */

/* FFREE tags a register empty; FINCSTP moves TOP without tags. */

Test(fpu, ffree_fincstp)
{
	struct rig *r = rig_new("pentium2");
	RUN(r, c_free, 0);
	cr_assert_eq(get16(r, 0x1042), 0x3800, "TOP=7");
	cr_assert_eq(get16(r, 0x1044), 0xcfff, "phys 6 valid, 7 empty");
	rig_free(r);
}

/* FERR# is raised at the waiting FLD1 and dropped by FNCLEX. */

Test(fpu, ferr_cleared_by_fnclex)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_hooks h = { .opaque = r, .ferr = note_ferr };
	cpu_set_hooks(r->cpu, &h);
	put32(r, 0x1010, 0x037e);
	RUN(r, c_ferr_clear, 0);
	cr_assert_eq(r->ferr, 1);
	cr_assert_eq(r->ferr_clear, 1);
	cr_assert_eq(fpu_of(r).fsw & 0x80ff, 0);
	rig_free(r);
}
