/* cpu/fpu_trans.c: D9 E0-FF: FCHS, FABS, FTST, FXAM, the constants,
 * FSQRT, FRNDINT, FSCALE, FXTRACT, FPREM/FPREM1, FINCSTP/FDECSTP and the
 * transcendentals (FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X,
 * FYL2XP1).
 *
 * FSIN, FCOS, FSINCOS and FPTAN take |x| < 2^63; a finite operand outside
 * that range sets C2 and leaves the stack alone. The results come from
 * the soft-float core (softfloat80_trans.c): within 1 ulp, with Intel's
 * 66-bit-pi argument reduction.
 */
#include "cpu/fpu.h"

/* C2 and nothing else for a finite operand with |x| >= 2^63. */
static bool fpu_trig_range(struct cpu *c, const struct f80 *x)
{
	unsigned e = x->se & 0x7fff;

	if (e == 0x7fff || e < 0x3fff + 63) {
		fpu_set_cc(c, FSW_C2, 0);
		return true;
	}
	fpu_set_cc(c, FSW_C2, FSW_C2);
	return false;
}

/* ST(0) = f(ST(0)). */
static void fpu_unary(struct cpu *c, enum fh_op op, unsigned ccmask)
{
	struct f80 x, r;
	unsigned hsw;

	if (fpu_empty(c, 0)) {
		if (fpu_underflow(c))
			fpu_set(c, 0, &fpu_indefinite);
		return;
	}
	x = fpu_get(c, 0);
	if ((op == FH_SIN || op == FH_COS) && !fpu_trig_range(c, &x))
		return;
	hsw = fh_run(fpu_hcw(c), op, &x, &x, &r, NULL);
	if (fpu_post(c, hsw, ccmask))
		fpu_set(c, 0, &r);
}

/* Two operands ST(0), ST(1). FSCALE/FPREM/FPREM1 replace ST(0); FPATAN,
 * FYL2X and FYL2XP1 replace ST(1) and pop. */
static void fpu_binary(struct cpu *c, enum fh_op op, unsigned ccmask)
{
	bool to_st1 = op == FH_PATAN || op == FH_YL2X || op == FH_YL2XP1;
	struct f80 x, y, r;
	unsigned hsw;

	if (fpu_empty(c, 0) || fpu_empty(c, 1)) {
		if (!fpu_underflow(c))
			return;
		fpu_set(c, to_st1, &fpu_indefinite);
		if (to_st1)
			fpu_pop(c);
		return;
	}
	x = fpu_get(c, 0);
	y = fpu_get(c, 1);
	if (to_st1)
		hsw = fh_run(fpu_hcw(c), op, &y, &x, &r, NULL);
	else
		hsw = fh_run(fpu_hcw(c), op, &x, &y, &r, NULL);
	if (!fpu_post(c, hsw, ccmask))
		return;
	fpu_set(c, to_st1, &r);
	if (to_st1)
		fpu_pop(c);
}

/* FXTRACT, FSINCOS, FPTAN: ST(0) replaced, then a second value pushed. */
static void fpu_push2(struct cpu *c, enum fh_op op, unsigned ccmask)
{
	struct f80 x, r0, r1;
	unsigned hsw;

	if (fpu_empty(c, 0)) {
		if (!fpu_underflow(c))
			return;
		fpu_set(c, 0, &fpu_indefinite);
		if (fpu_empty(c, 7))
			fpu_push(c, &fpu_indefinite);
		return;
	}
	if (!fpu_empty(c, 7)) {
		if (fpu_overflow(c))
			fpu_push(c, &fpu_indefinite);
		return;
	}
	x = fpu_get(c, 0);
	if (op != FH_XTRACT && !fpu_trig_range(c, &x))
		return;
	hsw = fh_run(fpu_hcw(c), op, &x, &x, &r0, &r1);
	if (!fpu_post(c, hsw, ccmask))
		return;
	fpu_set(c, 0, &r1);
	fpu_push(c, &r0);
}

static void fpu_load_const(struct cpu *c, enum fh_op op)
{
	struct f80 r, z = { 0, 0 };

	if (!fpu_empty(c, 7)) {
		if (fpu_overflow(c))
			fpu_push(c, &fpu_indefinite);
		return;
	}
	fh_run(fpu_hcw(c), op, &z, &z, &r, NULL);
	fpu_set_cc(c, FSW_C1, 0);
	fpu_push(c, &r);
}

/* FCHS, FABS: sign bit only, no exceptions even for SNaN. */
static void fpu_sign(struct cpu *c, bool abs)
{
	struct f80 x;

	if (fpu_empty(c, 0)) {
		if (fpu_underflow(c))
			fpu_set(c, 0, &fpu_indefinite);
		return;
	}
	x = fpu_get(c, 0);
	x.se = abs ? (uint16_t)(x.se & 0x7fff) : (uint16_t)(x.se ^ 0x8000);
	fpu_set_cc(c, FSW_C1, 0);
	fpu_set(c, 0, &x);
}

static void fpu_fxam(struct cpu *c)
{
	struct f80 x = fpu_get(c, 0);
	unsigned hsw;

	if (fpu_empty(c, 0)) {
		/* Empty: C3=1, C2=0, C0=1; C1 is the register's sign. */
		fpu_set_cc(c, FSW_CC, FSW_C3 | FSW_C0 |
					      ((x.se & 0x8000) ? FSW_C1 : 0));
		return;
	}
	hsw = fh_run(fpu_hcw(c), FH_XAM, &x, &x, NULL, NULL);
	fpu_set_cc(c, FSW_CC, hsw);
}

static void fpu_ftst(struct cpu *c)
{
	struct f80 x;
	unsigned hsw;

	if (fpu_empty(c, 0)) {
		if (fpu_underflow(c))
			fpu_set_cc(c, FSW_C0 | FSW_C2 | FSW_C3, FSW_CC);
		return;
	}
	x = fpu_get(c, 0);
	hsw = fh_run(fpu_hcw(c), FH_TST, &x, &x, NULL, NULL);
	fpu_post(c, hsw & ~(unsigned)FSW_C1, FSW_CC);
}

/* low = the ModR/M byte of D9 E0-FF minus E0; fpu_class has rejected the
 * invalid ones (E2, E3, E6, E7, EF). */
void fpu_exec_d9_misc(struct cpu *c, unsigned low)
{
	static const enum fh_op consts[7] = { FH_LD1, FH_LDL2T, FH_LDL2E,
					      FH_LDPI, FH_LDLG2, FH_LDLN2,
					      FH_LDZ };

	if (low >= 0x08 && low <= 0x0e) {
		fpu_load_const(c, consts[low - 0x08]);
		return;
	}
	switch (low) {
	case 0x00: fpu_sign(c, false); break;
	case 0x01: fpu_sign(c, true); break;
	case 0x04: fpu_ftst(c); break;
	case 0x05: fpu_fxam(c); break;
	case 0x10: fpu_unary(c, FH_F2XM1, FSW_C1); break;
	case 0x11: fpu_binary(c, FH_YL2X, FSW_C1); break;
	case 0x12: fpu_push2(c, FH_PTAN, FSW_C1 | FSW_C2); break;
	case 0x13: fpu_binary(c, FH_PATAN, FSW_C1); break;
	case 0x14: fpu_push2(c, FH_XTRACT, FSW_C1); break;
	case 0x15: fpu_binary(c, FH_PREM1, FSW_CC); break;
	case 0x16: /* FDECSTP */
		fpu_set_top(c, fpu_top(c) - 1);
		fpu_set_cc(c, FSW_C1, 0);
		break;
	case 0x17: /* FINCSTP */
		fpu_set_top(c, fpu_top(c) + 1);
		fpu_set_cc(c, FSW_C1, 0);
		break;
	case 0x18: fpu_binary(c, FH_PREM, FSW_CC); break;
	case 0x19: fpu_binary(c, FH_YL2XP1, FSW_C1); break;
	case 0x1a: fpu_unary(c, FH_SQRT, FSW_C1); break;
	case 0x1b: fpu_push2(c, FH_SINCOS, FSW_C1 | FSW_C2); break;
	case 0x1c: fpu_unary(c, FH_RNDINT, FSW_C1); break;
	case 0x1d: fpu_binary(c, FH_SCALE, FSW_C1); break;
	case 0x1e: fpu_unary(c, FH_SIN, FSW_C1 | FSW_C2); break;
	case 0x1f: fpu_unary(c, FH_COS, FSW_C1 | FSW_C2); break;
	}
}
