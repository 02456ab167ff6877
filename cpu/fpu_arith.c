/* cpu/fpu_arith.c: x87 loads and stores of every format, FLD/FST/FXCH,
 * the four basic operations in all operand forms, the comparisons
 * (FCOM/FUCOM/FICOM, FCOMI/FUCOMI) and FCMOVcc.
 *
 * Order inside an instruction: read memory, check the stack, compute on
 * the soft-float core, decide whether an unmasked exception suppresses the result,
 * write memory, and only then change the FPU state, so a memory fault
 * leaves the FPU as it was.
 */
#include "cpu/fpu.h"

/* Unmasked underflow is reported for every tiny result, exact or not;
 * fh_run (all masked) only flags inexact ones. */
static void fpu_tiny(struct cpu *c, const struct f80 *r)
{
	if (!(c->s.fpu.fcw & FCW_UM) && (r->se & 0x7fff) == 0 && r->m)
		fpu_raise(c, FSW_UE);
}

/* Read and convert a memory operand (m32fp, m64fp, m16/32/64int, m80bcd);
 * returns the status of the conversion. */
static unsigned fpu_load_mem(struct cpu *c, const struct insn *i,
			     enum fh_op op, struct f80 *v)
{
	struct f80 raw = { 0, 0 }, r1;

	switch (op) {
	case FH_ILD16:
		raw.m = rd16(c, i->seg, fpu_ea(c, i, 0));
		break;
	case FH_LD32:
	case FH_ILD32:
		raw.m = rd32(c, i->seg, fpu_ea(c, i, 0));
		break;
	case FH_LD64:
	case FH_ILD64:
		cpu_ac_check8(c, i->seg, fpu_ea(c, i, 0));
		raw.m = rd32(c, i->seg, fpu_ea(c, i, 0));
		raw.m |= (uint64_t)rd32(c, i->seg, fpu_ea(c, i, 4)) << 32;
		break;
	default:
		fpu_read80(c, i, 0, &raw);
		break;
	}
	return fh_run(fpu_hcw(c), op, &raw, &raw, v, &r1);
}

/* Push a loaded value (exceptions of the conversion in hsw). */
static void fpu_load_push(struct cpu *c, const struct f80 *v, unsigned hsw)
{
	if (!fpu_empty(c, 7)) {
		if (fpu_overflow(c))
			fpu_push(c, &fpu_indefinite);
		return;
	}
	if (fpu_post(c, hsw & ~FSW_C1, FSW_C1))
		fpu_push(c, v);
}

/* FST/FSTP/FIST/FISTP/FBSTP to memory (size bytes). */
static void fpu_store_mem(struct cpu *c, const struct insn *i,
			  enum fh_op op, unsigned size, bool pop)
{
	struct f80 v = fpu_indefinite, out = { 0, 0 }, r1;
	unsigned hsw, e, fcw = c->s.fpu.fcw;
	bool under = fpu_empty(c, 0);

	if (!under)
		v = fpu_get(c, 0);
	else if (!(fcw & FSW_IE)) {
		fpu_underflow(c);
		return;
	}
	hsw = fh_run(fpu_hcw(c), op, &v, &v, &out, &r1);
	e = hsw & FSW_EXC;
	if ((op == FH_ST32 || op == FH_ST64) && !(fcw & FCW_UM)) {
		uint64_t x = out.m;
		bool tiny = op == FH_ST32 ? !(x & 0x7f800000u) && (x & 0x7fffff)
					  : !(x & 0x7ff0000000000000ull) &&
						    (x & 0xfffffffffffffull);
		if (tiny)
			e |= FSW_UE;
	}
	/* Unmasked IE/DE, and for a memory destination OE/UE, store
	 * nothing. */
	if (!(e & ~fcw & (FSW_PRE | FSW_OE | FSW_UE))) {
		uint32_t a = fpu_ea(c, i, 0);
		if (size == 8)
			cpu_ac_check8(c, i->seg, a);
		if (size == 2) {
			wr16(c, i->seg, a, (uint16_t)out.m);
		} else {
			wr32(c, i->seg, a, (uint32_t)out.m);
			if (size >= 8)
				wr32(c, i->seg, fpu_ea(c, i, 4),
				     (uint32_t)(out.m >> 32));
			if (size == 10)
				wr16(c, i->seg, fpu_ea(c, i, 8), out.se);
		}
	}
	if (under) {
		fpu_underflow(c);
	} else {
		fpu_post(c, hsw, FSW_C1);
		fpu_raise(c, e);
		if (e & ~fcw & (FSW_PRE | FSW_OE | FSW_UE))
			return;
	}
	if (pop)
		fpu_pop(c);
}

/* FSTP m80: a bit copy, no exceptions beyond underflow. */
static void fpu_store80(struct cpu *c, const struct insn *i)
{
	struct f80 v = fpu_indefinite;

	if (fpu_empty(c, 0) && !(c->s.fpu.fcw & FSW_IE)) {
		fpu_underflow(c);
		return;
	}
	if (!fpu_empty(c, 0))
		v = fpu_get(c, 0);
	cpu_ac_check8(c, i->seg, fpu_ea(c, i, 0));
	fpu_write80(c, i, 0, &v);
	if (fpu_empty(c, 0))
		fpu_underflow(c);
	else
		fpu_set_cc(c, FSW_C1, 0);
	fpu_pop(c);
}

/* Compare a with b into C0/C2/C3 (C1=0), popping npop times. */
static void fpu_compare(struct cpu *c, const struct f80 *a,
			const struct f80 *b, bool unordered, unsigned lsw,
			unsigned npop)
{
	unsigned hsw = fh_run(fpu_hcw(c), unordered ? FH_UCOM : FH_COM, a, b,
			      NULL, NULL);

	if (!fpu_post(c, (hsw | lsw) & ~(unsigned)FSW_C1, FSW_CC))
		return;
	while (npop--)
		fpu_pop(c);
}

/* Compare with an empty operand: C3=C2=C0=1 when masked. */
static void fpu_compare_under(struct cpu *c, unsigned npop)
{
	if (!fpu_underflow(c))
		return;
	fpu_set_cc(c, FSW_C0 | FSW_C2 | FSW_C3, FSW_CC);
	while (npop--)
		fpu_pop(c);
}

/* FCOMI/FUCOMI(P): ZF, PF, CF from the comparison; OF, SF, AF clear. */
static void fpu_comi(struct cpu *c, unsigned s, bool unordered, bool pop)
{
	struct f80 a, b;
	unsigned hsw, fl = FLAG_ZF | FLAG_PF | FLAG_CF;

	if (fpu_empty(c, 0) || fpu_empty(c, s)) {
		if (!fpu_underflow(c))
			return;
	} else {
		a = fpu_get(c, 0);
		b = fpu_get(c, s);
		hsw = fh_run(fpu_hcw(c), unordered ? FH_UCOM : FH_COM, &a,
			     &b, NULL, NULL);
		if (!fpu_post(c, hsw, 0))
			return;
		fpu_set_cc(c, FSW_C1, 0);
		fl = ((hsw & FSW_C3) ? FLAG_ZF : 0) |
		     ((hsw & FSW_C2) ? FLAG_PF : 0) |
		     ((hsw & FSW_C0) ? FLAG_CF : 0);
	}
	flags_set_arith(c, fl, FLAGS_ARITH);
	if (pop)
		fpu_pop(c);
}

/* ST(d) = ST(d) op y for reg field r of D8 (0 add, 1 mul, 4 sub, 5 subr,
 * 6 div, 7 divr). lsw: status of loading y from memory. */
static void fpu_arith(struct cpu *c, unsigned r, unsigned d,
		      const struct f80 *y, unsigned lsw, bool pop)
{
	static const enum fh_op ops[8] = { FH_ADD, FH_MUL, 0, 0, FH_SUB,
					   FH_SUB, FH_DIV, FH_DIV };
	struct f80 x = fpu_get(c, d), res;
	unsigned hsw;

	if (r == 5 || r == 7)
		hsw = fh_run(fpu_hcw(c), ops[r], y, &x, &res, NULL);
	else
		hsw = fh_run(fpu_hcw(c), ops[r], &x, y, &res, NULL);
	if (!fpu_post(c, (hsw | (lsw & FSW_EXC)), FSW_C1))
		return;
	fpu_tiny(c, &res);
	fpu_set(c, d, &res);
	if (pop)
		fpu_pop(c);
}

/* D8/DC/DE with a register: dest ST(d), other ST(s). */
static void fpu_arith_reg(struct cpu *c, unsigned r, unsigned d, unsigned s,
			  bool pop)
{
	struct f80 y;

	if (fpu_empty(c, d) || fpu_empty(c, s)) {
		if (!fpu_underflow(c))
			return;
		fpu_set(c, d, &fpu_indefinite);
		if (pop)
			fpu_pop(c);
		return;
	}
	y = fpu_get(c, s);
	fpu_arith(c, r, d, &y, 0, pop);
}

/* D8/DA/DC/DE with memory: ST(0) op m. */
static void fpu_arith_mem(struct cpu *c, const struct insn *i, enum fh_op ld)
{
	struct f80 y, x;
	unsigned lsw = fpu_load_mem(c, i, ld, &y);
	unsigned r = i->reg;

	if (fpu_empty(c, 0)) {
		if (r == 2 || r == 3) {
			fpu_compare_under(c, r == 3);
		} else if (fpu_underflow(c)) {
			fpu_set(c, 0, &fpu_indefinite);
		}
		return;
	}
	if (r == 2 || r == 3) {
		x = fpu_get(c, 0);
		fpu_compare(c, &x, &y, false, lsw & FSW_EXC, r == 3);
		return;
	}
	fpu_arith(c, r, 0, &y, lsw, false);
}

/* FCOM/FCOMP/FUCOM/FUCOMP ST(s) and FCOMPP/FUCOMPP. */
static void fpu_compare_reg(struct cpu *c, unsigned s, bool unordered,
			    unsigned npop)
{
	struct f80 a, b;

	if (fpu_empty(c, 0) || fpu_empty(c, s)) {
		fpu_compare_under(c, npop);
		return;
	}
	a = fpu_get(c, 0);
	b = fpu_get(c, s);
	fpu_compare(c, &a, &b, unordered, 0, npop);
}

static void fpu_fld_reg(struct cpu *c, unsigned s)
{
	struct f80 v = fpu_get(c, s);
	bool under = fpu_empty(c, s);

	if (!fpu_empty(c, 7)) {
		if (fpu_overflow(c))
			fpu_push(c, &fpu_indefinite);
		return;
	}
	if (under) {
		if (fpu_underflow(c))
			fpu_push(c, &fpu_indefinite);
		return;
	}
	fpu_set_cc(c, FSW_C1, 0);
	fpu_push(c, &v);
}

/* FST/FSTP ST(s): a bit copy. */
static void fpu_fst_reg(struct cpu *c, unsigned s, bool pop)
{
	struct f80 v;

	if (fpu_empty(c, 0)) {
		if (!fpu_underflow(c))
			return;
		v = fpu_indefinite;
	} else {
		v = fpu_get(c, 0);
		fpu_set_cc(c, FSW_C1, 0);
	}
	fpu_set(c, s, &v);
	if (pop)
		fpu_pop(c);
}

static void fpu_fxch(struct cpu *c, unsigned s)
{
	struct f80 a, b;

	if (fpu_empty(c, 0) || fpu_empty(c, s)) {
		if (!fpu_underflow(c))
			return;
		if (fpu_empty(c, 0))
			fpu_set(c, 0, &fpu_indefinite);
		if (fpu_empty(c, s))
			fpu_set(c, s, &fpu_indefinite);
	} else {
		fpu_set_cc(c, FSW_C1, 0);
	}
	a = fpu_get(c, 0);
	b = fpu_get(c, s);
	fpu_set(c, 0, &b);
	fpu_set(c, s, &a);
}

/* FCMOVcc ST(0), ST(s): cc as in Jcc (B, E, BE, U and negations). */
static void fpu_fcmov(struct cpu *c, unsigned cc, unsigned s)
{
	struct f80 v;

	if (fpu_empty(c, 0) || fpu_empty(c, s)) {
		if (fpu_underflow(c))
			fpu_set(c, 0, &fpu_indefinite);
		return;
	}
	fpu_set_cc(c, FSW_C1, 0);
	if (cpu_cond(c, cc)) {
		v = fpu_get(c, s);
		fpu_set(c, 0, &v);
	}
}

static void fpu_ffree(struct cpu *c, unsigned s, bool pop)
{
	fpu_set_tag_phys(c, fpu_phys(c, s), TAG_EMPTY);
	if (pop)
		fpu_pop(c);
}

static void fpu_exec_mem(struct cpu *c, const struct insn *i)
{
	struct f80 v;
	unsigned r = i->reg;

	switch (i->op & 7) {
	case 0: fpu_arith_mem(c, i, FH_LD32); return;
	case 2: fpu_arith_mem(c, i, FH_ILD32); return;
	case 4: fpu_arith_mem(c, i, FH_LD64); return;
	case 6: fpu_arith_mem(c, i, FH_ILD16); return;
	case 1: /* D9: FLD/FST/FSTP m32fp */
		if (r == 0)
			fpu_load_push(c, &v, fpu_load_mem(c, i, FH_LD32, &v));
		else
			fpu_store_mem(c, i, FH_ST32, 4, r == 3);
		return;
	case 3: /* DB: FILD/FIST/FISTP m32int, FLD/FSTP m80fp */
		if (r == 0)
			fpu_load_push(c, &v, fpu_load_mem(c, i, FH_ILD32, &v));
		else if (r == 5) {
			cpu_ac_check8(c, i->seg, fpu_ea(c, i, 0));
			fpu_read80(c, i, 0, &v);
			fpu_load_push(c, &v, 0);
		} else if (r == 7)
			fpu_store80(c, i);
		else
			fpu_store_mem(c, i, FH_IST32, 4, r == 3);
		return;
	case 5: /* DD: FLD/FST/FSTP m64fp */
		if (r == 0)
			fpu_load_push(c, &v, fpu_load_mem(c, i, FH_LD64, &v));
		else
			fpu_store_mem(c, i, FH_ST64, 8, r == 3);
		return;
	case 7: /* DF: m16int, m80bcd, m64int */
		switch (r) {
		case 0:
			fpu_load_push(c, &v, fpu_load_mem(c, i, FH_ILD16, &v));
			break;
		case 2:
		case 3:
			fpu_store_mem(c, i, FH_IST16, 2, r == 3);
			break;
		case 4:
			fpu_load_push(c, &v, fpu_load_mem(c, i, FH_BLD, &v));
			break;
		case 5:
			fpu_load_push(c, &v, fpu_load_mem(c, i, FH_ILD64, &v));
			break;
		case 6:
			fpu_store_mem(c, i, FH_BST, 10, true);
			break;
		case 7:
			fpu_store_mem(c, i, FH_IST64, 8, true);
			break;
		}
		return;
	}
}

/* FCMOVcc condition codes (Jcc numbering) by reg field, DA then DB. */
static const uint8_t fcmov_cc[2][4] = { { 2, 4, 6, 10 }, { 3, 5, 7, 11 } };

/* Every D8-DF form except the control instructions (fpu.c) and D9 E0-FF
 * (fpu_trans.c). fpu_class has already rejected invalid encodings. */
void fpu_exec_arith(struct cpu *c, const struct insn *i)
{
	unsigned r = i->reg, s = i->rm;

	if (i->mod != 3) {
		fpu_exec_mem(c, i);
		return;
	}
	switch (i->op & 7) {
	case 0: /* D8: ST(0) = ST(0) op ST(i) */
		if (r == 2 || r == 3)
			fpu_compare_reg(c, s, false, r == 3);
		else
			fpu_arith_reg(c, r, 0, s, false);
		break;
	case 4: /* DC: ST(i) = ST(i) op ST(0); sub/div reversed */
	case 6: /* DE: the same and pop; DE D9 FCOMPP */
		if (r == 2) /* FCOM2 / FCOMP5 aliases */
			fpu_compare_reg(c, s, false, (i->op & 7) == 6);
		else if (r == 3) /* FCOMP3 alias / FCOMPP */
			fpu_compare_reg(c, s, false,
					(i->op & 7) == 6 ? 2 : 1);
		else
			fpu_arith_reg(c, r >= 4 ? r ^ 1 : r, s, 0,
				      (i->op & 7) == 6);
		break;
	case 1: /* D9 */
		if (r == 0)
			fpu_fld_reg(c, s);
		else if (r == 1)
			fpu_fxch(c, s);
		else if (r == 3) /* FSTP1 alias */
			fpu_fst_reg(c, s, true);
		else if (r >= 4)
			fpu_exec_d9_misc(c, (r << 3 | s) - 0x20);
		/* D9 D0: FNOP */
		break;
	case 2: /* DA: FCMOVcc, DA E9 FUCOMPP */
		if (r < 4)
			fpu_fcmov(c, fcmov_cc[0][r], s);
		else
			fpu_compare_reg(c, 1, true, 2);
		break;
	case 3: /* DB: FCMOVNcc, FUCOMI, FCOMI */
		if (r < 4)
			fpu_fcmov(c, fcmov_cc[1][r], s);
		else
			fpu_comi(c, s, r == 5, false);
		break;
	case 5: /* DD */
		switch (r) {
		case 0: fpu_ffree(c, s, false); break;
		case 1: fpu_fxch(c, s); break;
		case 2: fpu_fst_reg(c, s, false); break;
		case 3: fpu_fst_reg(c, s, true); break;
		case 4: fpu_compare_reg(c, s, true, 0); break;
		case 5: fpu_compare_reg(c, s, true, 1); break;
		}
		break;
	case 7: /* DF: FFREEP, FXCH7, FSTP8/9, FUCOMIP, FCOMIP */
		if (r == 0)
			fpu_ffree(c, s, true);
		else if (r == 1)
			fpu_fxch(c, s);
		else if (r == 2 || r == 3)
			fpu_fst_reg(c, s, true);
		else
			fpu_comi(c, s, r == 5, true);
		break;
	}
}
