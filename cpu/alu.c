/* cpu/alu.c: ADD OR ADC SBB AND SUB XOR CMP, INC/DEC, TEST, NOT/NEG.
 *
 * The eight ALU operations share one helper indexed by the opcode's (or the
 * ModR/M reg field's) operation number; flags are recorded lazily.
 */
#include "cpu/interp.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR,
       ALU_CMP };

static uint32_t alu_do(struct cpu *c, unsigned op, unsigned sz, uint32_t a,
		       uint32_t b)
{
	uint32_t m = size_mask(sz), r, cf;

	switch (op) {
	case ALU_ADD:
		r = (a + b) & m;
		lf_set(c, LF_ADD, sz, r, a, b);
		return r;
	case ALU_OR:
		r = a | b;
		break;
	case ALU_ADC:
		cf = flag_cf(c);
		r = (a + b + cf) & m;
		lf_set(c, LF_ADD, sz, r, a, b);
		return r;
	case ALU_SBB:
		cf = flag_cf(c);
		r = (a - b - cf) & m;
		lf_set(c, LF_SUB, sz, r, a, b);
		return r;
	case ALU_AND:
		r = a & b;
		break;
	case ALU_XOR:
		r = a ^ b;
		break;
	default: /* SUB, CMP */
		r = (a - b) & m;
		lf_set(c, LF_SUB, sz, r, a, b);
		return r;
	}
	lf_set(c, LF_LOGIC, sz, r, a, b);
	return r;
}

/* op r/m, reg */
void op_alu_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned op = (i->op >> 3) & 7, sz = i->size;
	uint32_t b = reg_get(c, i->reg, sz), r;

	if (i->mod == 3) {
		r = alu_do(c, op, sz, reg_get(c, i->rm, sz), b);
		if (op != ALU_CMP)
			reg_set(c, i->rm, sz, r);
	} else {
		uint32_t ea = insn_ea(c, i);
		r = alu_do(c, op, sz, rdsz(c, i->seg, ea, sz), b);
		if (op != ALU_CMP)
			wrsz(c, i->seg, ea, sz, r);
	}
}

/* op reg, r/m */
void op_alu_r_rm(struct cpu *c, const struct insn *i)
{
	unsigned op = (i->op >> 3) & 7, sz = i->size;
	uint32_t b = rm_get(c, i, sz);
	uint32_t r = alu_do(c, op, sz, reg_get(c, i->reg, sz), b);

	if (op != ALU_CMP)
		reg_set(c, i->reg, sz, r);
}

/* op AL/AX, imm */
void op_alu_acc_imm(struct cpu *c, const struct insn *i)
{
	unsigned op = (i->op >> 3) & 7, sz = i->size;
	uint32_t r = alu_do(c, op, sz, reg_get(c, REG_AX, sz),
			    i->imm & size_mask(sz));

	if (op != ALU_CMP)
		reg_set(c, REG_AX, sz, r);
}

/* Group 1 (80-83): op r/m, imm */
void op_alu_rm_imm(struct cpu *c, const struct insn *i)
{
	unsigned op = i->reg, sz = i->size;
	uint32_t b = i->imm & size_mask(sz), r;

	if (i->mod == 3) {
		r = alu_do(c, op, sz, reg_get(c, i->rm, sz), b);
		if (op != ALU_CMP)
			reg_set(c, i->rm, sz, r);
	} else {
		uint32_t ea = insn_ea(c, i);
		r = alu_do(c, op, sz, rdsz(c, i->seg, ea, sz), b);
		if (op != ALU_CMP)
			wrsz(c, i->seg, ea, sz, r);
	}
}

/* INC/DEC keep CF: pin the current CF into rflags first. */
static uint32_t incdec(struct cpu *c, unsigned sz, uint32_t a, bool dec)
{
	uint32_t r = (dec ? a - 1 : a + 1) & size_mask(sz);
	uint32_t cf = flag_cf(c);

	c->s.rflags = (c->s.rflags & ~(uint64_t)FLAG_CF) | cf;
	lf_set(c, dec ? LF_DEC : LF_INC, sz, r, a, 1);
	return r;
}

void op_inc_r(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	reg_set(c, r, i->size, incdec(c, i->size, reg_get(c, r, i->size),
				      false));
}

void op_dec_r(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	reg_set(c, r, i->size, incdec(c, i->size, reg_get(c, r, i->size),
				      true));
}

static void incdec_rm(struct cpu *c, const struct insn *i, bool dec)
{
	unsigned sz = i->size;

	if (i->mod == 3) {
		reg_set(c, i->rm, sz,
			incdec(c, sz, reg_get(c, i->rm, sz), dec));
	} else {
		uint32_t ea = insn_ea(c, i);
		uint32_t v = rdsz(c, i->seg, ea, sz);
		wrsz(c, i->seg, ea, sz, incdec(c, sz, v, dec));
	}
}

void op_inc_rm(struct cpu *c, const struct insn *i)
{
	incdec_rm(c, i, false);
}

void op_dec_rm(struct cpu *c, const struct insn *i)
{
	incdec_rm(c, i, true);
}

void op_test_rm_r(struct cpu *c, const struct insn *i)
{
	uint32_t r = rm_get(c, i, i->size) & reg_get(c, i->reg, i->size);
	lf_set(c, LF_LOGIC, i->size, r, 0, 0);
}

void op_test_acc_imm(struct cpu *c, const struct insn *i)
{
	uint32_t r = reg_get(c, REG_AX, i->size) & i->imm;
	lf_set(c, LF_LOGIC, i->size, r & size_mask(i->size), 0, 0);
}

void op_test_rm_imm(struct cpu *c, const struct insn *i)
{
	uint32_t r = rm_get(c, i, i->size) & i->imm;
	lf_set(c, LF_LOGIC, i->size, r & size_mask(i->size), 0, 0);
}

void op_not(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;

	if (i->mod == 3) {
		reg_set(c, i->rm, sz, ~reg_get(c, i->rm, sz));
	} else {
		uint32_t ea = insn_ea(c, i);
		wrsz(c, i->seg, ea, sz, ~rdsz(c, i->seg, ea, sz));
	}
}

void op_neg(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	uint32_t a, r;

	if (i->mod == 3) {
		a = reg_get(c, i->rm, sz);
		r = (0 - a) & size_mask(sz);
		reg_set(c, i->rm, sz, r);
	} else {
		uint32_t ea = insn_ea(c, i);
		a = rdsz(c, i->seg, ea, sz);
		r = (0 - a) & size_mask(sz);
		wrsz(c, i->seg, ea, sz, r);
	}
	lf_set(c, LF_SUB, sz, r, 0, a);
}
