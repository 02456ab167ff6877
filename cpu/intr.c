/* cpu/intr.c: interrupt and exception delivery.
 *
 * Real mode vectors through the IVT. Protected mode (and V86) goes through
 * IDT gates: interrupt/trap gates (16/32-bit) with a stack switch from the
 * TSS when the handler is more privileged, V86 exits that push the data
 * segments, and task gates (task.c). Everything that can fault is checked
 * and pushed on a not-yet-committed stack (struct xstack) before any
 * register changes, so a fault leaves the interrupted state intact.
 */
#include "cpu/pm.h"

/* Real mode: push FLAGS, CS, IP (IP = the current rip, which the caller
 * has set to the return address). */
void intr_real(struct cpu *c, unsigned vec)
{
	uint32_t flags = cpu_flags_read(c);
	uint32_t a = (uint32_t)c->s.idtr.base + vec * 4;
	uint16_t ip, cs;

	/* 286+: a vector past the IDT limit faults, and nested, shuts down
	 * (the zero-limit-IDT reboot trick relies on it). */
	if (c->q->idt_limit && vec * 4 + 3 > c->s.idtr.limit)
		cpu_fault(c, EXC_GP);
	push16(c, (uint16_t)flags);
	push16(c, c->s.seg[SEG_CS].sel);
	push16(c, (uint16_t)c->s.rip);
	c->s.rflags &= ~(uint64_t)(FLAG_IF | FLAG_TF | FLAG_AC | FLAG_RF);
	ip = mem_read16(c->mem, a);
	cs = mem_read16(c->mem, a + 2);
	seg_load_real(c, SEG_CS, cs);
	c->s.rip = ip;
	add_cycles(c, c->q->cyc->exc);
}

static bool exc_has_error_code(unsigned vec)
{
	return vec == EXC_DF || (vec >= EXC_TS && vec <= EXC_PF) ||
	       vec == EXC_AC;
}

/* The inner stack for privilege dpl from the current TSS. */
void tss_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp)
{
	uint32_t base = (uint32_t)c->s.tr.base;
	unsigned type = c->s.tr.attr & 0xf;

	if (!(c->s.tr.attr & A_P))
		fault_sel(c, EXC_TS, c->s.tr.sel);
	if (type & 8) {
		uint32_t off = 4 + dpl * 8;
		if (off + 5 > c->s.tr.limit)
			fault_sel(c, EXC_TS, c->s.tr.sel);
		*esp = cpu_sys_rd(c, base + off, 4);
		*ss = (uint16_t)cpu_sys_rd(c, base + off + 4, 2);
	} else {
		uint32_t off = 2 + dpl * 4;
		if (off + 3 > c->s.tr.limit)
			fault_sel(c, EXC_TS, c->s.tr.sel);
		*esp = cpu_sys_rd(c, base + off, 2);
		*ss = (uint16_t)cpu_sys_rd(c, base + off + 2, 2);
	}
}

void intr_pm(struct cpu *c, unsigned vec, unsigned kind, uint32_t err)
{
	uint32_t idt_err = vec * 8 + 2 + ((kind & INT_SOFT) ? 0 : 1);
	uint32_t base = (uint32_t)c->s.idtr.base, flags, off, a, ca;
	bool v86 = cpu_v86(c);
	bool push_err = (kind & INT_EXC) && exc_has_error_code(vec);
	struct desc g, d;
	struct xstack x;
	unsigned type, dpl, sz;
	uint16_t sel;

	if (vec * 8 + 7 > c->s.idtr.limit)
		cpu_fault_err(c, EXC_GP, idt_err);
	g.lo = cpu_sys_rd(c, base + vec * 8, 4);
	g.hi = cpu_sys_rd(c, base + vec * 8 + 4, 4);
	a = desc_attr(&g);
	type = a & 0x1f;
	if (type != SYS_TASK && type != SYS_INT16 && type != SYS_TRAP16 &&
	    type != SYS_INT32 && type != SYS_TRAP32)
		cpu_fault_err(c, EXC_GP, idt_err);
	if ((kind & INT_SOFT) && attr_dpl(a) < c->cpl)
		cpu_fault_err(c, EXC_GP, idt_err);
	if (!(a & A_P))
		cpu_fault_err(c, EXC_NP, idt_err);

	if (type == SYS_TASK) {
		struct desc t;
		sel = gate_sel(&g);
		if ((sel & 4) || !desc_read(c, sel, &t))
			fault_sel(c, EXC_TS, sel);
		task_switch(c, sel, &t, TASK_INT, (uint32_t)c->s.rip);
		if (push_err) {
			xs_from_seg(c, &x, SEG_SS);
			xs_push(c, &x, (c->s.tr.attr & 8) ? 4 : 2, err);
			c->s.gpr[REG_SP] = x.sp;
		}
		return;
	}

	sz = (type & 8) ? 4 : 2;
	sel = gate_sel(&g);
	off = gate_off(&g, sz == 4);
	if ((sel & 0xfffc) == 0)
		cpu_fault_err(c, EXC_GP, c->exc_ext ? 1 : 0);
	if (!desc_read(c, sel, &d))
		fault_sel(c, EXC_GP, sel);
	ca = desc_attr(&d);
	dpl = attr_dpl(ca);
	if ((ca & (A_S | A_CODE)) != (A_S | A_CODE) || dpl > c->cpl)
		fault_sel(c, EXC_GP, sel);
	if (!(ca & A_P))
		fault_sel(c, EXC_NP, sel);
	if (off > desc_limit(&d))
		cpu_fault_err(c, EXC_GP, 0);

	flags = cpu_flags_read(c);
	if (!(ca & A_ED) && dpl < c->cpl) {
		/* To an inner level: the stack from the TSS. */
		struct desc sd;
		uint16_t ss;
		uint32_t esp;

		if (v86 && dpl != 0)
			fault_sel(c, EXC_GP, sel);
		tss_stack(c, dpl, &ss, &esp);
		seg_check_ss(c, ss, dpl, EXC_TS, &sd);
		x.base = desc_base(&sd);
		x.limit = desc_limit(&sd);
		x.attr = desc_attr(&sd);
		x.sp = esp;
		x.user = false;
		x.vec = EXC_SS;
		x.errsel = ss;
		if (v86) {
			xs_push(c, &x, sz, c->s.seg[SEG_GS].sel);
			xs_push(c, &x, sz, c->s.seg[SEG_FS].sel);
			xs_push(c, &x, sz, c->s.seg[SEG_DS].sel);
			xs_push(c, &x, sz, c->s.seg[SEG_ES].sel);
		}
		xs_push(c, &x, sz, c->s.seg[SEG_SS].sel);
		xs_push(c, &x, sz, (uint32_t)c->s.gpr[REG_SP]);
		xs_push(c, &x, sz, flags);
		xs_push(c, &x, sz, c->s.seg[SEG_CS].sel);
		xs_push(c, &x, sz, (uint32_t)c->s.rip);
		if (push_err)
			xs_push(c, &x, sz, err);
		/* Commit. */
		c->s.rflags &= ~(uint64_t)FLAG_VM;
		cpu_set_cpl(c, dpl);
		if (v86) {
			seg_set_null(c, SEG_ES, 0);
			seg_set_null(c, SEG_DS, 0);
			seg_set_null(c, SEG_FS, 0);
			seg_set_null(c, SEG_GS, 0);
		}
		desc_set_accessed(c, ss, &sd);
		seg_set_desc(c, SEG_SS, (uint16_t)((ss & 0xfffc) | dpl), &sd);
		if (x.attr & A_DB)
			c->s.gpr[REG_SP] = x.sp;
		else
			c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~0xffffull) |
					   (x.sp & 0xffff);
	} else {
		if (v86)
			fault_sel(c, EXC_GP, sel);
		dpl = c->cpl; /* conforming or same level: CPL stays */
		xs_from_seg(c, &x, SEG_SS);
		xs_push(c, &x, sz, flags);
		xs_push(c, &x, sz, c->s.seg[SEG_CS].sel);
		xs_push(c, &x, sz, (uint32_t)c->s.rip);
		if (push_err)
			xs_push(c, &x, sz, err);
		c->s.gpr[REG_SP] = x.sp;
	}
	desc_set_accessed(c, sel, &d);
	seg_set_desc(c, SEG_CS, (uint16_t)((sel & 0xfffc) | dpl), &d);
	cpu_cs_sync(c);
	c->s.rip = off;
	c->s.rflags &= ~(uint64_t)(FLAG_TF | FLAG_NT | FLAG_RF | FLAG_VM);
	if (!(type & 1))
		c->s.rflags &= ~(uint64_t)FLAG_IF;
	add_cycles(c, c->q->cyc->exc);
}

void cpu_intr(struct cpu *c, unsigned vec, unsigned kind, uint32_t err)
{
	/* Entering a #DB handler clears DR7.GD (SDM 17.2.4). */
	if (vec == EXC_DB && (kind & INT_EXC))
		c->s.dr[7] &= ~(uint64_t)(1u << 13);
	if (!cpu_pe(c)) {
		intr_real(c, vec);
		return;
	}
	c->exc_ext = !(kind & INT_SOFT);
	intr_pm(c, vec, kind, err);
	c->exc_ext = false;
}

void cpu_interrupt(struct cpu *c, unsigned vec)
{
	cpu_intr(c, vec, INT_EXT, 0);
}

/* INT n is IOPL-sensitive in V86 mode (no VME yet); INT3 and INTO are
 * not. All three check the gate's DPL against CPL. */
void cpu_soft_int(struct cpu *c, unsigned vec, bool iopl)
{
	if (iopl && cpu_pe(c) && cpu_v86(c) && cpu_iopl(c) < 3)
		cpu_fault_err(c, EXC_GP, 0);
	cpu_intr(c, vec, INT_SOFT | (iopl ? INT_IOPL : 0), 0);
}
