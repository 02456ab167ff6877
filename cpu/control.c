/* cpu/control.c: jumps, calls, returns, loops, INT/INTO/IRET, BOUND.
 *
 * Real-mode transfers: a far target loads CS as selector << 4. IP
 * arithmetic wraps at the operand size; near targets obey the CS limit.
 */
#include "cpu/interp.h"

/* Near transfers: a 16-bit operand size truncates EIP to 16 bits; a
 * target past the CS limit is #GP(0) at the branch (never on the 8086 and
 * 286, whose targets cannot exceed their 64 KiB limit). */
static inline void jump_near(struct cpu *c, unsigned osize, uint32_t t)
{
	if (osize == 2)
		t &= 0xffff;
	if (unlikely(t > c->s.seg[SEG_CS].limit))
		cpu_fault_err(c, EXC_GP, 0);
	c->s.rip = t;
}

static inline void jump_rel(struct cpu *c, const struct insn *i)
{
	jump_near(c, i->osize, (uint32_t)c->s.rip + i->imm);
	add_cycles(c, c->q->cyc->taken);
}

/* Protected mode (not V86): far transfers go through cpu/far.c. */
static inline bool pm_far(const struct cpu *c)
{
	return (c->s.cr0 & CR0_PE) && !(c->s.rflags & FLAG_VM);
}

static inline void jump_far(struct cpu *c, uint16_t sel, uint32_t off)
{
	seg_load_real(c, SEG_CS, sel);
	c->s.rip = off & c->ip_mask;
}

void op_jcc(struct cpu *c, const struct insn *i)
{
	if (cpu_cond(c, i->op & 15))
		jump_rel(c, i);
}

void op_jmp_rel(struct cpu *c, const struct insn *i)
{
	jump_near(c, i->osize, (uint32_t)c->s.rip + i->imm);
}

void op_jmp_far(struct cpu *c, const struct insn *i)
{
	if (pm_far(c)) {
		cpu_far_jmp(c, i->imm2, i->imm, i->osize);
		return;
	}
	jump_far(c, i->imm2, i->imm);
}

void op_call_rel(struct cpu *c, const struct insn *i)
{
	uint32_t ret = (uint32_t)c->s.rip;

	jump_near(c, i->osize, ret + i->imm);
	pushsz(c, i->osize, ret);
}

void op_call_far(struct cpu *c, const struct insn *i)
{
	if (pm_far(c)) {
		cpu_far_call(c, i->imm2, i->imm, i->osize);
		return;
	}
	pushsz(c, i->osize, c->s.seg[SEG_CS].sel);
	pushsz(c, i->osize, (uint32_t)c->s.rip);
	jump_far(c, i->imm2, i->imm);
}

/* C2/C3 (and the 8086's C0/C1 aliases). */
void op_ret(struct cpu *c, const struct insn *i)
{
	uint32_t ip = popsz(c, i->osize);
	uint32_t m = sp_mask(c);
	uint32_t sp = ((uint32_t)c->s.gpr[REG_SP] + (i->imm & 0xffff)) & m;

	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) | sp;
	jump_near(c, i->osize, ip);
}

/* CA/CB (and the 8086's C8/C9 aliases). */
void op_retf(struct cpu *c, const struct insn *i)
{
	if (pm_far(c)) {
		cpu_far_ret(c, i->osize, (uint16_t)i->imm);
		return;
	}
	uint32_t ip = popsz(c, i->osize);
	uint16_t cs = (uint16_t)popsz(c, i->osize);
	uint32_t m = sp_mask(c);
	uint32_t sp = ((uint32_t)c->s.gpr[REG_SP] + (i->imm & 0xffff)) & m;

	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) | sp;
	jump_far(c, cs, ip);
}

/* E0 LOOPNE, E1 LOOPE, E2 LOOP: count in CX (ECX with 32-bit addresses). */
void op_loop(struct cpu *c, const struct insn *i)
{
	uint32_t m = i->asize == 2 ? 0xffff : 0xffffffffu;
	uint32_t cx = ((uint32_t)c->s.gpr[REG_CX] - 1) & m;
	bool go = cx != 0;

	if (go && i->op != 0xe2) {
		bool zf = cpu_arith_flags(c) & FLAG_ZF;
		go = (i->op == 0xe1) ? zf : !zf;
	}
	if (go)
		jump_rel(c, i); /* a #GP here leaves CX as it was */
	c->s.gpr[REG_CX] = (c->s.gpr[REG_CX] & ~(uint64_t)m) | cx;
}

void op_jcxz(struct cpu *c, const struct insn *i)
{
	uint32_t m = i->asize == 2 ? 0xffff : 0xffffffffu;
	if (((uint32_t)c->s.gpr[REG_CX] & m) == 0)
		jump_rel(c, i);
}

void op_int3(struct cpu *c, const struct insn *i)
{
	cpu_soft_int(c, EXC_BP, false);
}

void op_int(struct cpu *c, const struct insn *i)
{
	cpu_soft_int(c, i->imm & 0xff, true);
}

/* F1 (386+): INT1/ICEBP, a #DB trap without the gate DPL check of INT n. */
void op_int1(struct cpu *c, const struct insn *i)
{
	cpu_intr(c, EXC_DB, 0, 0);
}

void op_into(struct cpu *c, const struct insn *i)
{
	if (cpu_arith_flags(c) & FLAG_OF)
		cpu_soft_int(c, EXC_OF, false);
}

void op_iret(struct cpu *c, const struct insn *i)
{
	c->s.events.nmi_masked = false; /* IRET ends NMI blocking */
	if (c->s.cr0 & CR0_PE) {
		cpu_iret_pm(c, i->osize);
		return;
	}
	uint32_t ip = popsz(c, i->osize);
	uint16_t cs = (uint16_t)popsz(c, i->osize);
	uint32_t fl = popsz(c, i->osize);

	jump_far(c, cs, ip);
	/* Real mode: VM, VIF and VIP keep their values. */
	cpu_flags_write(c, fl, i->osize == 4 ? ~(uint32_t)(FLAG_VM | FLAG_VIF |
							   FLAG_VIP)
					     : 0xffff);
}

/* FF /2 */
void op_call_rm(struct cpu *c, const struct insn *i)
{
	uint32_t t = rm_get(c, i, i->osize);
	uint32_t ret = (uint32_t)c->s.rip;

	jump_near(c, i->osize, t);
	pushsz(c, i->osize, ret);
}

/* FF /4 */
void op_jmp_rm(struct cpu *c, const struct insn *i)
{
	jump_near(c, i->osize, rm_get(c, i, i->osize));
}

/* Far pointer at the memory operand (offset, then selector). With a
 * register operand (8086 only; #UD later) the chip uses the register's
 * value as the offset, which we mimic as EA = 0 of the default segment. */
static void far_ptr(struct cpu *c, const struct insn *i, uint32_t *off,
		    uint16_t *sel)
{
	uint32_t ea = i->mod == 3 ? 0 : insn_ea(c, i);
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;

	*off = rdsz(c, i->seg, ea, i->osize);
	*sel = rd16(c, i->seg, (ea + i->osize) & am);
}

/* FF /3 */
void op_callf_m(struct cpu *c, const struct insn *i)
{
	uint32_t off;
	uint16_t sel;

	far_ptr(c, i, &off, &sel);
	if (pm_far(c)) {
		cpu_far_call(c, sel, off, i->osize);
		return;
	}
	pushsz(c, i->osize, c->s.seg[SEG_CS].sel);
	pushsz(c, i->osize, (uint32_t)c->s.rip);
	jump_far(c, sel, off);
}

/* FF /5 */
void op_jmpf_m(struct cpu *c, const struct insn *i)
{
	uint32_t off;
	uint16_t sel;

	far_ptr(c, i, &off, &sel);
	if (pm_far(c)) {
		cpu_far_jmp(c, sel, off, i->osize);
		return;
	}
	jump_far(c, sel, off);
}

/* 62: BOUND reg, m16&16 -- #BR (a fault) when reg is outside the pair. */
void op_bound(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->osize;
	uint32_t ea = insn_ea(c, i);
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;
	int32_t v, lo, hi;

	if (sz == 2) {
		v = (int16_t)reg_get(c, i->reg, 2);
		lo = (int16_t)rd16(c, i->seg, ea);
		hi = (int16_t)rd16(c, i->seg, (ea + 2) & am);
	} else {
		v = (int32_t)reg_get(c, i->reg, 4);
		lo = (int32_t)rd32(c, i->seg, ea);
		hi = (int32_t)rd32(c, i->seg, (ea + 4) & am);
	}
	if (v < lo || v > hi)
		cpu_fault(c, EXC_BR);
}
