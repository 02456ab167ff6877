/* cpu/muldiv.c: MUL, IMUL (one-, and three-operand forms), DIV, IDIV.
 *
 * Operands are widened to 64 bits, so one path serves 8, 16 and 32-bit
 * forms. Flags other than CF/OF after MUL, and all flags after DIV, are
 * undefined; we leave SZP of the low half, as a logic op would.
 */
#include "cpu/interp.h"

static int64_t sext(uint32_t v, unsigned sz)
{
	if (sz == 1)
		return (int8_t)v;
	if (sz == 2)
		return (int16_t)v;
	return (int32_t)v;
}

/* Store a double-width product: AX for bytes, DX:AX / EDX:EAX otherwise. */
static void mul_store(struct cpu *c, unsigned sz, uint64_t p)
{
	if (sz == 1) {
		reg_set(c, REG_AX, 2, (uint32_t)p);
	} else {
		reg_set(c, REG_AX, sz, (uint32_t)p);
		reg_set(c, REG_DX, sz, (uint32_t)(p >> (sz * 8)));
	}
}

static void mul_flags(struct cpu *c, unsigned sz, uint64_t p, bool ovf)
{
	uint32_t f = szp_flags((uint32_t)p, sz);
	if (ovf)
		f |= FLAG_CF | FLAG_OF;
	flags_set_arith(c, f, FLAGS_ARITH);
}

void op_mul(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size, bits = sz * 8;
	uint64_t p = (uint64_t)reg_get(c, REG_AX, sz) * rm_get(c, i, sz);

	mul_store(c, sz, p);
	mul_flags(c, sz, p, (p >> bits) != 0);
}

void op_imul1(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size, bits = sz * 8;
	int64_t p = sext(reg_get(c, REG_AX, sz), sz) *
		    sext(rm_get(c, i, sz), sz);
	uint64_t up;

	/* The 8086 microcode shares its sign latch with REP: a REP prefix
	 * negates the product. */
	if (i->rep && c->q->rep_negates)
		p = -p;
	up = (uint64_t)p;
	mul_store(c, sz, up);
	mul_flags(c, sz, up, sext((uint32_t)up & size_mask(sz), sz) != p);
	(void)bits;
}

/* 69/6B: reg = r/m * imm */
void op_imul_imm(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	int64_t p = sext(rm_get(c, i, sz), sz) *
		    sext(i->imm & size_mask(sz), sz);
	uint32_t r = (uint32_t)p & size_mask(sz);

	reg_set(c, i->reg, sz, r);
	mul_flags(c, sz, (uint64_t)p, sext(r, sz) != p);
}

static _Noreturn void div_error(struct cpu *c)
{
	if (c->q->div_ret_next)
		cpu_trap_exit(c, EXC_DE);
	cpu_fault(c, EXC_DE);
}

static uint64_t dividend(struct cpu *c, unsigned sz)
{
	if (sz == 1)
		return reg_get(c, REG_AX, 2);
	return (uint64_t)reg_get(c, REG_DX, sz) << (sz * 8) |
	       reg_get(c, REG_AX, sz);
}

static void div_store(struct cpu *c, unsigned sz, uint32_t q, uint32_t r)
{
	if (sz == 1) {
		reg_set(c, REG_AX, 2, (q & 0xff) | (r & 0xff) << 8);
	} else {
		reg_set(c, REG_AX, sz, q);
		reg_set(c, REG_DX, sz, r);
	}
}

void op_div(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	uint64_t d = rm_get(c, i, sz), n = dividend(c, sz), q;

	if (d == 0)
		div_error(c);
	q = n / d;
	if (q > size_mask(sz))
		div_error(c);
	div_store(c, sz, (uint32_t)q, (uint32_t)(n % d));
	flags_set_arith(c, szp_flags((uint32_t)q, sz), FLAGS_ARITH);
}

void op_idiv(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size, bits = sz * 8;
	int64_t d = sext(rm_get(c, i, sz), sz);
	uint64_t un = dividend(c, sz);
	int64_t n, q, r, max = ((int64_t)1 << (bits - 1)) - 1, min = -max - 1;

	/* Sign-extend the 2*bits-wide dividend. */
	if (bits == 32)
		n = (int64_t)un;
	else if (un & ((uint64_t)1 << (2 * bits - 1)))
		n = (int64_t)(un | ~(((uint64_t)1 << (2 * bits)) - 1));
	else
		n = (int64_t)un;
	if (d == 0)
		div_error(c);
	if (bits == 32 && n == INT64_MIN && d == -1)
		div_error(c);
	q = n / d;
	r = n % d;
	if (i->rep && c->q->rep_negates)
		q = -q;
	if (q > max || q < min || (c->q->idiv_no_min && q == min))
		div_error(c);
	div_store(c, sz, (uint32_t)q & size_mask(sz),
		  (uint32_t)r & size_mask(sz));
	flags_set_arith(c, szp_flags((uint32_t)q, sz), FLAGS_ARITH);
}

/* 0F AF: reg = reg * r/m (truncated; CF = OF = the product did not fit). */
void op_imul_r_rm(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	int64_t p = sext(reg_get(c, i->reg, sz), sz) * sext(rm_get(c, i, sz), sz);
	uint32_t r = (uint32_t)p & size_mask(sz);

	reg_set(c, i->reg, sz, r);
	mul_flags(c, sz, (uint64_t)p, sext(r, sz) != p);
}
