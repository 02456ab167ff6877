/* cpu/fast.c: specialised handlers for the commonest instruction forms.
 *
 * The generic handlers decide operand size, register-or-memory and the ALU
 * operation on every execution. When a block is decoded, the forms that
 * dominate real code (register-register and register-immediate ALU
 * operations, INC/DEC, MOV and PUSH/POP of 16- and 32-bit registers, Jcc)
 * get a handler with those decisions already taken. Each computes exactly
 * what the generic one does (same lazy-flags record, same faults); the
 * SingleStepTests vectors and the guest suites run through them.
 */
#include "cpu/interp.h"

/* --- conditions without the full flags word ---------------------------- */

static inline uint32_t lf_sign(const struct cpu *c)
{
	return size_sign(c->lf_size);
}

/* CF, ZF, SF and OF of the lazy record (PF and AF are not needed). */
static inline uint32_t cond_flags(const struct cpu *c)
{
	uint32_t res = c->lf_res, a = c->lf_a, b = c->lf_b, sign, f;

	switch (c->lf_op) {
	case LF_ADD:
		sign = lf_sign(c);
		f = (res & size_mask(c->lf_size)) ? 0 : FLAG_ZF;
		f |= (res & sign) ? FLAG_SF : 0;
		if (((a & b) | ((a | b) & ~res)) & sign)
			f |= FLAG_CF;
		if ((a ^ res) & (b ^ res) & sign)
			f |= FLAG_OF;
		return f;
	case LF_SUB:
		sign = lf_sign(c);
		f = (res & size_mask(c->lf_size)) ? 0 : FLAG_ZF;
		f |= (res & sign) ? FLAG_SF : 0;
		if (((~a & b) | (~(a ^ b) & res)) & sign)
			f |= FLAG_CF;
		if ((a ^ b) & (a ^ res) & sign)
			f |= FLAG_OF;
		return f;
	case LF_LOGIC:
		f = (res & size_mask(c->lf_size)) ? 0 : FLAG_ZF;
		return f | ((res & lf_sign(c)) ? FLAG_SF : 0);
	case LF_INC:
	case LF_DEC:
		sign = lf_sign(c);
		res &= size_mask(c->lf_size);
		f = res ? 0 : FLAG_ZF;
		f |= (res & sign) ? FLAG_SF : 0;
		f |= (uint32_t)c->s.rflags & FLAG_CF;
		if (res == (c->lf_op == LF_INC ? sign : sign - 1))
			f |= FLAG_OF;
		return f;
	default:
		/* Settled flags, shifts: the generic path. */
		return cpu_arith_flags(c);
	}
}

static inline bool cond_fast(const struct cpu *c, unsigned cc)
{
	if (((cc >> 1) & 7) == 5) /* P/NP */
		return cpu_cond(c, cc);
	return flags_cond(cond_flags(c), cc);
}

/* Jcc rel: the generic jump_rel (control.c) with the cheaper condition. */
static void fast_jcc(struct cpu *c, const struct insn *i)
{
	uint32_t t;

	if (!cond_fast(c, i->op & 15))
		return;
	t = (uint32_t)c->s.rip + i->imm;
	if (i->osize == 2)
		t &= 0xffff;
	if (unlikely(t > c->s.seg[SEG_CS].limit))
		cpu_fault_err(c, EXC_GP, 0);
	c->s.rip = t;
	add_cycles(c, c->q->cyc->taken);
}

/* --- ALU register forms ------------------------------------------------- */

static inline void set16(struct cpu *c, unsigned r, uint32_t v)
{
	c->s.gpr[r] = (c->s.gpr[r] & ~0xffffull) | (uint16_t)v;
}

/* dst = rm, src = reg (r/m,reg forms; reg,r/m forms are swapped at
 * specialisation) or the immediate. */
#define ALU_FORMS(NAME, LF, EXPR, WB)                                          \
	static void fast_##NAME##32_rr(struct cpu * c, const struct insn *i)   \
	{                                                                      \
		uint32_t a = (uint32_t)c->s.gpr[i->rm];                        \
		uint32_t b = (uint32_t)c->s.gpr[i->reg], r;                    \
		r = (EXPR)&0xffffffffu;                                        \
		lf_set(c, LF, 4, r, a, b);                                     \
		if (WB)                                                        \
			c->s.gpr[i->rm] = r;                                   \
	}                                                                      \
	static void fast_##NAME##16_rr(struct cpu * c, const struct insn *i)   \
	{                                                                      \
		uint32_t a = (uint16_t)c->s.gpr[i->rm];                        \
		uint32_t b = (uint16_t)c->s.gpr[i->reg], r;                    \
		r = (EXPR)&0xffff;                                             \
		lf_set(c, LF, 2, r, a, b);                                     \
		if (WB)                                                        \
			set16(c, i->rm, r);                                    \
	}                                                                      \
	static void fast_##NAME##32_ri(struct cpu * c, const struct insn *i)   \
	{                                                                      \
		uint32_t a = (uint32_t)c->s.gpr[i->rm], b = i->imm, r;         \
		r = (EXPR)&0xffffffffu;                                        \
		lf_set(c, LF, 4, r, a, b);                                     \
		if (WB)                                                        \
			c->s.gpr[i->rm] = r;                                   \
	}                                                                      \
	static void fast_##NAME##16_ri(struct cpu * c, const struct insn *i)   \
	{                                                                      \
		uint32_t a = (uint16_t)c->s.gpr[i->rm];                        \
		uint32_t b = i->imm & 0xffff, r;                               \
		r = (EXPR)&0xffff;                                             \
		lf_set(c, LF, 2, r, a, b);                                     \
		if (WB)                                                        \
			set16(c, i->rm, r);                                    \
	}

/* The memory forms: r/m,reg (mr), reg,r/m (rm) and r/m,imm (mi). */
#define ALU_MEM_FORMS(NAME, LF, EXPR, WB, SZ, RD, WR, MASK)                    \
	static void fast_##NAME##SZ##_mr(struct cpu *c, const struct insn *i)  \
	{                                                                      \
		uint32_t ea = insn_ea(c, i), a = RD(c, i->seg, ea);            \
		uint32_t b = (uint32_t)c->s.gpr[i->reg] & MASK, r;             \
		r = (EXPR)&MASK;                                               \
		lf_set(c, LF, SZ / 8, r, a, b);                                \
		if (WB)                                                        \
			WR(c, i->seg, ea, r);                                  \
	}                                                                      \
	static void fast_##NAME##SZ##_rm(struct cpu *c, const struct insn *i)  \
	{                                                                      \
		uint32_t a = (uint32_t)c->s.gpr[i->reg] & MASK, r;             \
		uint32_t b = RD(c, i->seg, insn_ea(c, i));                     \
		r = (EXPR)&MASK;                                               \
		lf_set(c, LF, SZ / 8, r, a, b);                                \
		if (WB)                                                        \
			SET##SZ(c, i->reg, r);                                 \
	}                                                                      \
	static void fast_##NAME##SZ##_mi(struct cpu *c, const struct insn *i)  \
	{                                                                      \
		uint32_t ea = insn_ea(c, i), a = RD(c, i->seg, ea);            \
		uint32_t b = i->imm & MASK, r;                                 \
		r = (EXPR)&MASK;                                               \
		lf_set(c, LF, SZ / 8, r, a, b);                                \
		if (WB)                                                        \
			WR(c, i->seg, ea, r);                                  \
	}

#define SET32(c, n, v) ((c)->s.gpr[n] = (v))
#define SET16(c, n, v) set16(c, n, v)
#define ALU_ALL(NAME, LF, EXPR, WB)                                            \
	ALU_FORMS(NAME, LF, EXPR, WB)                                          \
	ALU_MEM_FORMS(NAME, LF, EXPR, WB, 32, rd32, wr32, 0xffffffffu)         \
	ALU_MEM_FORMS(NAME, LF, EXPR, WB, 16, rd16, wr16, 0xffffu)

ALU_ALL(add, LF_ADD, a + b, 1)
ALU_ALL(or, LF_LOGIC, a | b, 1)
ALU_ALL(adc, LF_ADD, a + b + flag_cf(c), 1)
ALU_ALL(sbb, LF_SUB, a - b - flag_cf(c), 1)
ALU_ALL(and, LF_LOGIC, a &b, 1)
ALU_ALL(sub, LF_SUB, a - b, 1)
ALU_ALL(xor, LF_LOGIC, a ^ b, 1)
ALU_ALL(cmp, LF_SUB, a - b, 0)
#undef ALU_ALL
#undef ALU_MEM_FORMS
#undef ALU_FORMS

#define ALU_TABLE(FORM)                                                        \
	{                                                                      \
		fast_add##FORM, fast_or##FORM, fast_adc##FORM, fast_sbb##FORM, \
		    fast_and##FORM, fast_sub##FORM, fast_xor##FORM,            \
		    fast_cmp##FORM                                             \
	}
static const insn_fn alu32_mr[8] = ALU_TABLE(32_mr);
static const insn_fn alu16_mr[8] = ALU_TABLE(16_mr);
static const insn_fn alu32_rm[8] = ALU_TABLE(32_rm);
static const insn_fn alu16_rm[8] = ALU_TABLE(16_rm);
static const insn_fn alu32_mi[8] = ALU_TABLE(32_mi);
static const insn_fn alu16_mi[8] = ALU_TABLE(16_mi);
#undef ALU_TABLE

/* Indexed by the ALU operation number (ADD OR ADC SBB AND SUB XOR CMP). */
static const insn_fn alu32_rr[8] = {
    fast_add32_rr, fast_or32_rr,  fast_adc32_rr, fast_sbb32_rr,
    fast_and32_rr, fast_sub32_rr, fast_xor32_rr, fast_cmp32_rr,
};
static const insn_fn alu16_rr[8] = {
    fast_add16_rr, fast_or16_rr,  fast_adc16_rr, fast_sbb16_rr,
    fast_and16_rr, fast_sub16_rr, fast_xor16_rr, fast_cmp16_rr,
};
static const insn_fn alu32_ri[8] = {
    fast_add32_ri, fast_or32_ri,  fast_adc32_ri, fast_sbb32_ri,
    fast_and32_ri, fast_sub32_ri, fast_xor32_ri, fast_cmp32_ri,
};
static const insn_fn alu16_ri[8] = {
    fast_add16_ri, fast_or16_ri,  fast_adc16_ri, fast_sbb16_ri,
    fast_and16_ri, fast_sub16_ri, fast_xor16_ri, fast_cmp16_ri,
};

/* TEST r, r */
static void fast_test32_rr(struct cpu *c, const struct insn *i)
{
	uint32_t r = (uint32_t)c->s.gpr[i->rm] & (uint32_t)c->s.gpr[i->reg];
	lf_set(c, LF_LOGIC, 4, r, 0, 0);
}

static void fast_test16_rr(struct cpu *c, const struct insn *i)
{
	uint32_t r = (uint16_t)(c->s.gpr[i->rm] & c->s.gpr[i->reg]);
	lf_set(c, LF_LOGIC, 2, r, 0, 0);
}

/* --- INC/DEC r (opcodes 40-4F): CF is pinned into rflags first -------- */

static inline void pin_cf(struct cpu *c)
{
	c->s.rflags = (c->s.rflags & ~(uint64_t)FLAG_CF) | flag_cf(c);
}

static void fast_inc32(struct cpu *c, const struct insn *i)
{
	unsigned n = i->op & 7;
	uint32_t a = (uint32_t)c->s.gpr[n];
	pin_cf(c);
	lf_set(c, LF_INC, 4, a + 1, a, 1);
	c->s.gpr[n] = a + 1;
}

static void fast_dec32(struct cpu *c, const struct insn *i)
{
	unsigned n = i->op & 7;
	uint32_t a = (uint32_t)c->s.gpr[n];
	pin_cf(c);
	lf_set(c, LF_DEC, 4, a - 1, a, 1);
	c->s.gpr[n] = a - 1;
}

static void fast_inc16(struct cpu *c, const struct insn *i)
{
	unsigned n = i->op & 7;
	uint32_t a = (uint16_t)c->s.gpr[n], r = (a + 1) & 0xffff;
	pin_cf(c);
	lf_set(c, LF_INC, 2, r, a, 1);
	set16(c, n, r);
}

static void fast_dec16(struct cpu *c, const struct insn *i)
{
	unsigned n = i->op & 7;
	uint32_t a = (uint16_t)c->s.gpr[n], r = (a - 1) & 0xffff;
	pin_cf(c);
	lf_set(c, LF_DEC, 2, r, a, 1);
	set16(c, n, r);
}

/* --- MOV ---------------------------------------------------------------- */

static void fast_mov32_rr(struct cpu *c, const struct insn *i)
{
	c->s.gpr[i->rm] = (uint32_t)c->s.gpr[i->reg];
}

static void fast_mov16_rr(struct cpu *c, const struct insn *i)
{
	set16(c, i->rm, (uint32_t)c->s.gpr[i->reg]);
}

/* MOV r32, imm32 (B8+r) */
static void fast_mov32_ri(struct cpu *c, const struct insn *i)
{
	c->s.gpr[i->op & 7] = i->imm;
}

/* MOV r32, [mem] / MOV [mem], r32: the generic memory path, minus the
 * size and mod decisions. */
static void fast_mov32_rm(struct cpu *c, const struct insn *i)
{
	c->s.gpr[i->reg] = rd32(c, i->seg, insn_ea(c, i));
}

static void fast_mov32_mr(struct cpu *c, const struct insn *i)
{
	wr32(c, i->seg, insn_ea(c, i), (uint32_t)c->s.gpr[i->reg]);
}

static void fast_mov16_rm(struct cpu *c, const struct insn *i)
{
	set16(c, i->reg, rd16(c, i->seg, insn_ea(c, i)));
}

static void fast_mov16_mr(struct cpu *c, const struct insn *i)
{
	wr16(c, i->seg, insn_ea(c, i), (uint16_t)c->s.gpr[i->reg]);
}

/* --- PUSH/POP r32 (not ESP: the generic handler knows its quirks) ------ */

static void fast_push32(struct cpu *c, const struct insn *i)
{
	push32(c, (uint32_t)c->s.gpr[i->op & 7]);
}

static void fast_pop32(struct cpu *c, const struct insn *i)
{
	uint32_t v = pop32(c);
	c->s.gpr[i->op & 7] = v;
}

/* --- choosing ------------------------------------------------------------ */

/* The register operand of an r/m,reg form in rm and the other in reg. */
static void swap_regs(struct insn *i)
{
	uint8_t t = i->rm;
	i->rm = i->reg;
	i->reg = t;
}

void cpu_insn_specialize(struct insn *i)
{
	insn_fn f = i->fn;
	bool rr = i->mod == 3, w = i->size == 4, h = i->size == 2;

	if (i->lock || i->rep)
		return;
	if (f == op_jcc) {
		i->fn = fast_jcc;
		return;
	}
	if (f == op_push_r && i->osize == 4 && (i->op & 7) != REG_SP) {
		i->fn = fast_push32;
		return;
	}
	if (f == op_pop_r && i->osize == 4 && (i->op & 7) != REG_SP) {
		i->fn = fast_pop32;
		return;
	}
	if (!w && !h)
		return;
	if (f == op_alu_rm_r) {
		i->fn = (rr ? (w ? alu32_rr : alu16_rr)
			    : (w ? alu32_mr : alu16_mr))[(i->op >> 3) & 7];
	} else if (f == op_alu_r_rm) {
		if (rr)
			swap_regs(i);
		i->fn = (rr ? (w ? alu32_rr : alu16_rr)
			    : (w ? alu32_rm : alu16_rm))[(i->op >> 3) & 7];
	} else if (f == op_alu_rm_imm) {
		i->fn = (rr ? (w ? alu32_ri : alu16_ri)
			    : (w ? alu32_mi : alu16_mi))[i->reg];
	} else if (f == op_test_rm_r && rr) {
		i->fn = w ? fast_test32_rr : fast_test16_rr;
	} else if (f == op_inc_r) {
		i->fn = w ? fast_inc32 : fast_inc16;
	} else if (f == op_dec_r) {
		i->fn = w ? fast_dec32 : fast_dec16;
	} else if (f == op_mov_rm_r) {
		i->fn = rr ? (w ? fast_mov32_rr : fast_mov16_rr)
			   : (w ? fast_mov32_mr : fast_mov16_mr);
	} else if (f == op_mov_r_rm) {
		if (rr)
			swap_regs(i);
		i->fn = rr ? (w ? fast_mov32_rr : fast_mov16_rr)
			   : (w ? fast_mov32_rm : fast_mov16_rm);
	} else if (f == op_mov_r_imm && w) {
		i->fn = fast_mov32_ri;
	}
}
