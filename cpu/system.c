/* cpu/system.c: HLT, flag instructions, WAIT/ESC, invalid opcodes and the
 * 286's real-mode system instructions (SMSW/LMSW, S/LGDT, S/LIDT, CLTS).
 */
#include "cpu/fpu.h"
#include "cpu/interp.h"

/* Privileged instructions: CPL 0 in protected mode, #GP(0) in V86. */
static void need_cpl0(struct cpu *c)
{
	if ((c->s.cr0 & CR0_PE) && (c->cpl != 0 || (c->s.rflags & FLAG_VM)))
		cpu_fault(c, EXC_GP);
}

/* CLI/STI: CPL <= IOPL in protected mode, IOPL 3 in V86 (CPL 3). */
static void need_iopl(struct cpu *c)
{
	if ((c->s.cr0 & CR0_PE) && c->cpl > ((c->s.rflags >> 12) & 3))
		cpu_fault(c, EXC_GP);
}

void op_hlt(struct cpu *c, const struct insn *i)
{
	need_cpl0(c);
	c->s.events.halted = true;
}

void op_cmc(struct cpu *c, const struct insn *i)
{
	flags_set_arith(c, flag_cf(c) ^ FLAG_CF, FLAG_CF);
}

void op_clc(struct cpu *c, const struct insn *i)
{
	flags_set_arith(c, 0, FLAG_CF);
}

void op_stc(struct cpu *c, const struct insn *i)
{
	flags_set_arith(c, FLAG_CF, FLAG_CF);
}

void op_cli(struct cpu *c, const struct insn *i)
{
	need_iopl(c);
	c->s.rflags &= ~(uint64_t)FLAG_IF;
}

/* STI enables interrupts after the next instruction. */
void op_sti(struct cpu *c, const struct insn *i)
{
	need_iopl(c);
	if (!(c->s.rflags & FLAG_IF))
		c->s.events.intr_shadow = true;
	c->s.rflags |= FLAG_IF;
}

void op_cld(struct cpu *c, const struct insn *i)
{
	c->s.rflags &= ~(uint64_t)FLAG_DF;
}

void op_std(struct cpu *c, const struct insn *i)
{
	c->s.rflags |= FLAG_DF;
}

/* No coprocessor: WAIT never waits. */
void op_wait(struct cpu *c, const struct insn *i)
{
	if (c->model->fpu != CPU_FPU_NONE)
		op_fwait(c, i);
}

/* D8-DF without a coprocessor: the operand is decoded and nothing else
 * happens, except that the 286 still checks the operand's offset against
 * the segment limit (a word at FFFF faults, as for any word access). */
void op_esc(struct cpu *c, const struct insn *i)
{
	if (c->model->fpu != CPU_FPU_NONE) {
		op_fpu(c, i);
		return;
	}
	if (i->mod != 3 && c->q->esc_limit &&
	    insn_ea(c, i) >= c->s.seg[i->seg].limit)
		cpu_fault(c, EXC_GP);
}

void op_ud(struct cpu *c, const struct insn *i)
{
	if (c->q->ud_invalid)
		cpu_fault(c, EXC_UD);
}

/* Instruction longer than the model's limit (10 bytes on the 286). */
void op_gp(struct cpu *c, const struct insn *i)
{
	cpu_fault(c, EXC_GP);
}

/* Protected-mode-only instructions are #UD in real mode. */
void op_ud_real(struct cpu *c, const struct insn *i)
{
	cpu_fault(c, EXC_UD);
}

/* A run of redundant prefixes longer than the fetch window. */
void op_pfx_only(struct cpu *c, const struct insn *i)
{
}

/* 0F 01 /4: SMSW r/m16 */
void op_smsw(struct cpu *c, const struct insn *i)
{
	/* A register destination takes the operand size (CR0 in full). */
	if (i->mod == 3)
		reg_set(c, i->rm, i->osize, (uint32_t)c->s.cr0);
	else
		wr16(c, i->seg, insn_ea(c, i), (uint16_t)c->s.cr0);
}

/* 0F 01 /6: LMSW r/m16 -- sets PE/MP/EM/TS; PE cannot be cleared. */
void op_lmsw(struct cpu *c, const struct insn *i)
{
	uint32_t old = (uint32_t)c->s.cr0, v;

	need_cpl0(c);
	v = (rm_get(c, i, 2) & 0xf) | (old & CR0_PE);
	c->s.cr0 = (old & ~0xfu) | v;
	if ((old ^ v) & CR0_PE) {
		cpu_tlb_flush(c, true);
		cpu_mode_sync(c);
	}
}

void op_clts(struct cpu *c, const struct insn *i)
{
	need_cpl0(c);
	c->s.cr0 &= ~(uint64_t)CR0_TS;
}

/* SGDT/SIDT store limit and a 24-bit base; the 286 fills the top byte
 * with FFh. */
static void store_dtable(struct cpu *c, const struct insn *i,
			 const struct cpu_dtable *t)
{
	uint32_t ea = insn_ea(c, i);
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;
	uint32_t base = (uint32_t)t->base;

	if (i->osize == 2)
		base = (base & 0xffffff) | c->q->dt_fill;
	wr16(c, i->seg, ea, (uint16_t)t->limit);
	wr32(c, i->seg, (ea + 2) & am, base);
}

static void load_dtable(struct cpu *c, const struct insn *i,
			struct cpu_dtable *t)
{
	uint32_t ea = insn_ea(c, i);
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;
	uint16_t limit = rd16(c, i->seg, ea);
	uint32_t base = rd32(c, i->seg, (ea + 2) & am);

	t->limit = limit;
	t->base = i->osize == 2 ? base & 0xffffff : base;
}

void op_sgdt(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3) {
		/* VMCALL: the hypervisor's (core's hook) or #UD. */
		if (i->rm != 1 || !c->hooks.hypercall ||
		    !c->hooks.hypercall(c->hooks.opaque, &c->s))
			cpu_fault(c, EXC_UD);
		return;
	}
	store_dtable(c, i, &c->s.gdtr);
}

void op_sidt(struct cpu *c, const struct insn *i)
{
	store_dtable(c, i, &c->s.idtr);
}

void op_lgdt(struct cpu *c, const struct insn *i)
{
	need_cpl0(c);
	load_dtable(c, i, &c->s.gdtr);
}

void op_lidt(struct cpu *c, const struct insn *i)
{
	need_cpl0(c);
	load_dtable(c, i, &c->s.idtr);
}

/* 0F 08 INVD, 0F 09 WBINVD (486): no caches are modelled; the cost is in
 * the cycle table. */
void op_invd(struct cpu *c, const struct insn *i)
{
	need_cpl0(c);
}
