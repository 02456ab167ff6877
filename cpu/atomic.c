/* cpu/atomic.c: XADD, CMPXCHG (486) and CMPXCHG8B (Pentium).
 *
 * One CPU, so LOCK changes nothing here. A memory destination is always
 * written back (with its old value when the comparison fails), as the
 * chips do: a read-only page faults even then.
 */
#include "cpu/interp.h"

/* 0F C0/C1: temp = dst + src; src = dst; dst = temp (so XADD r, r with
 * one register leaves the sum). */
void op_xadd(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	uint32_t src = reg_get(c, i->reg, sz), dst, sum, ea = 0;

	if (i->mod == 3) {
		dst = reg_get(c, i->rm, sz);
	} else {
		ea = insn_ea(c, i);
		dst = rdsz(c, i->seg, ea, sz);
	}
	sum = (dst + src) & size_mask(sz);
	if (i->mod == 3) {
		reg_set(c, i->reg, sz, dst);
		reg_set(c, i->rm, sz, sum);
	} else {
		wrsz(c, i->seg, ea, sz, sum);
		reg_set(c, i->reg, sz, dst);
	}
	lf_set(c, LF_ADD, sz, sum, dst, src);
}

/* 0F B0/B1: compare the accumulator with dst (flags as CMP acc, dst). */
void op_cmpxchg(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	uint32_t acc = reg_get(c, REG_AX, sz), dst, ea = 0;

	if (i->mod == 3) {
		dst = reg_get(c, i->rm, sz);
	} else {
		ea = insn_ea(c, i);
		dst = rdsz(c, i->seg, ea, sz);
	}
	lf_set(c, LF_SUB, sz, (acc - dst) & size_mask(sz), acc, dst);
	if (acc == dst) {
		if (i->mod == 3)
			reg_set(c, i->rm, sz, reg_get(c, i->reg, sz));
		else
			wrsz(c, i->seg, ea, sz, reg_get(c, i->reg, sz));
	} else {
		if (i->mod != 3)
			wrsz(c, i->seg, ea, sz, dst);
		reg_set(c, REG_AX, sz, dst);
	}
}

/* 0F C7 /1 m64: EDX:EAX against the qword; equal stores ECX:EBX. Only ZF
 * changes. */
void op_cmpxchg8b(struct cpu *c, const struct insn *i)
{
	uint32_t ea = insn_ea(c, i);
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;
	uint32_t ea_hi = (ea + 4) & am;

	cpu_ac_check8(c, i->seg, ea);
	uint32_t lo = rd32(c, i->seg, ea), hi = rd32(c, i->seg, ea_hi);

	if (lo == (uint32_t)c->s.gpr[REG_AX] &&
	    hi == (uint32_t)c->s.gpr[REG_DX]) {
		wr32(c, i->seg, ea, (uint32_t)c->s.gpr[REG_BX]);
		wr32(c, i->seg, ea_hi, (uint32_t)c->s.gpr[REG_CX]);
		flags_set_arith(c, FLAG_ZF, FLAG_ZF);
	} else {
		wr32(c, i->seg, ea, lo);
		wr32(c, i->seg, ea_hi, hi);
		c->s.gpr[REG_AX] = lo;
		c->s.gpr[REG_DX] = hi;
		flags_set_arith(c, 0, FLAG_ZF);
	}
}
