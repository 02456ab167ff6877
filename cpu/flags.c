/* cpu/flags.c: lazy arithmetic flags.
 *
 * ALU handlers record (op, size, result, operands); the six arithmetic
 * flags are derived only when something reads them. ADC/SBB use the ADD/SUB
 * formulas unchanged: carry-out and overflow follow from the operand and
 * result bits whatever the carry-in was.
 */
#include "cpu/interp.h"

uint32_t cpu_arith_flags(const struct cpu *c)
{
	uint32_t res = c->lf_res, a = c->lf_a, b = c->lf_b;
	unsigned sz = c->lf_size;
	uint32_t sign, f;

	if (c->lf_op == LF_NONE)
		return (uint32_t)c->s.rflags & FLAGS_ARITH;
	sign = size_sign(sz);
	switch (c->lf_op) {
	case LF_ADD:
		f = szp_flags(res, sz) | ((a ^ b ^ res) & FLAG_AF);
		if (((a & b) | ((a | b) & ~res)) & sign)
			f |= FLAG_CF;
		if ((a ^ res) & (b ^ res) & sign)
			f |= FLAG_OF;
		return f;
	case LF_SUB:
		f = szp_flags(res, sz) | ((a ^ b ^ res) & FLAG_AF);
		if (((~a & b) | (~(a ^ b) & res)) & sign)
			f |= FLAG_CF;
		if ((a ^ b) & (a ^ res) & sign)
			f |= FLAG_OF;
		return f;
	case LF_LOGIC:
		return szp_flags(res, sz);
	case LF_SHIFT:
		return szp_flags(res, sz) | (b & (FLAG_CF | FLAG_OF));
	case LF_INC:
		f = szp_flags(res, sz) | ((a ^ 1 ^ res) & FLAG_AF);
		f |= (uint32_t)c->s.rflags & FLAG_CF;
		if ((res & size_mask(sz)) == sign)
			f |= FLAG_OF;
		return f;
	case LF_DEC:
		f = szp_flags(res, sz) | ((a ^ 1 ^ res) & FLAG_AF);
		f |= (uint32_t)c->s.rflags & FLAG_CF;
		if ((res & size_mask(sz)) == sign - 1)
			f |= FLAG_OF;
		return f;
	default:
		return (uint32_t)c->s.rflags & FLAGS_ARITH;
	}
}

bool cpu_cond(const struct cpu *c, unsigned cc)
{
	return flags_cond(cpu_arith_flags(c), cc);
}

/* The architectural FLAGS value, with the model's fixed bits applied. */
uint32_t cpu_flags_read(struct cpu *c)
{
	lf_flush(c);
	return ((uint32_t)c->s.rflags & c->q->flags_rw) | c->q->flags_one;
}

/* Load the bits of `mask` (further limited to what the model lets software
 * change) from v, as POPF, IRET and SAHF do. */
void cpu_flags_write(struct cpu *c, uint32_t v, uint32_t mask)
{
	lf_flush(c);
	mask &= c->q->flags_rw;
	c->s.rflags = ((c->s.rflags & ~(uint64_t)mask) | (v & mask)) |
		      c->q->flags_one;
	cpu_ac_sync(c);
}
