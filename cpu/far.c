/* cpu/far.c: far JMP, CALL, RET and IRET in protected mode.
 *
 * Direct transfers to code segments, call gates (16/32-bit, parameter
 * copying, stack switch from the TSS), task gates and TSS targets (handed
 * to task.c), returns to outer levels, and IRET to V86 or through NT.
 * Frames are built on an uncommitted struct xstack: registers change only
 * once nothing can fault any more.
 */
#include "cpu/pm.h"

static void load_cs(struct cpu *c, uint16_t sel, struct desc *d,
		    unsigned cpl)
{
	desc_set_accessed(c, sel, d);
	seg_set_desc(c, SEG_CS, (uint16_t)((sel & 0xfffc) | cpl), d);
	cpu_set_cpl(c, cpl);
	cpu_cs_sync(c);
}

/* A code segment reached directly (JMP/CALL sel:off) or as a gate's
 * target (gate: DPL may be below CPL for CALL). */
static void check_code(struct cpu *c, uint16_t sel, const struct desc *d,
		       bool via_gate)
{
	uint32_t a = desc_attr(d);
	unsigned dpl = attr_dpl(a);

	if ((a & (A_S | A_CODE)) != (A_S | A_CODE))
		fault_sel(c, EXC_GP, sel);
	if (via_gate) {
		if (dpl > c->cpl)
			fault_sel(c, EXC_GP, sel);
	} else if (a & A_ED) {
		if (dpl > c->cpl)
			fault_sel(c, EXC_GP, sel);
	} else if ((sel & 3) > c->cpl || dpl != c->cpl) {
		fault_sel(c, EXC_GP, sel);
	}
	if (!(a & A_P))
		fault_sel(c, EXC_NP, sel);
}

static void read_target(struct cpu *c, uint16_t sel, struct desc *d)
{
	if ((sel & 0xfffc) == 0)
		cpu_fault_err(c, EXC_GP, 0);
	if (!desc_read(c, sel, d))
		fault_sel(c, EXC_GP, sel);
}

/* Gate or TSS reached by JMP/CALL: DPL >= CPL and >= RPL, present. */
static void check_gate(struct cpu *c, uint16_t sel, const struct desc *g)
{
	unsigned dpl = attr_dpl(desc_attr(g));

	if (dpl < c->cpl || dpl < (sel & 3u))
		fault_sel(c, EXC_GP, sel);
	if (!(desc_attr(g) & A_P))
		fault_sel(c, EXC_NP, sel);
}

/* JMP/CALL to a task gate or a TSS. */
static void far_task(struct cpu *c, uint16_t sel, struct desc *g,
		     unsigned reason)
{
	struct desc t;
	unsigned type = desc_attr(g) & 0x1f;

	check_gate(c, sel, g);
	if (type == SYS_TASK) {
		sel = gate_sel(g);
		if ((sel & 4) || !desc_read(c, sel, &t))
			fault_sel(c, EXC_GP, sel);
		type = desc_attr(&t) & 0x1f;
		if (type != SYS_TSS16 && type != SYS_TSS32)
			fault_sel(c, EXC_GP, sel);
		if (!(desc_attr(&t) & A_P))
			fault_sel(c, EXC_NP, sel);
		g = &t;
	} else if (sel & 4) {
		fault_sel(c, EXC_GP, sel);
	}
	task_switch(c, sel, g, reason, (uint32_t)c->s.rip);
}

/* A far JMP/CALL straight to a code segment: its rights, then the new
 * EIP (cut to 16 bits for a 16-bit operand) against its limit. */
static uint32_t direct_target(struct cpu *c, uint16_t sel, struct desc *d,
			      uint32_t off, unsigned osz)
{
	check_code(c, sel, d, false);
	if (osz == 2)
		off &= 0xffff;
	if (off > desc_limit(d))
		cpu_fault_err(c, EXC_GP, 0);
	return off;
}

void cpu_far_jmp(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz)
{
	struct desc d, t;
	uint32_t a;
	uint16_t ts;

	read_target(c, sel, &d);
	a = desc_attr(&d);
	if (a & A_S) {
		off = direct_target(c, sel, &d, off, osz);
		load_cs(c, sel, &d, c->cpl);
		c->s.rip = off;
		return;
	}
	switch (a & 0x1f) {
	case SYS_CALL16:
	case SYS_CALL32:
		check_gate(c, sel, &d);
		ts = gate_sel(&d);
		read_target(c, ts, &t);
		check_code(c, ts, &t, true);
		if (!(desc_attr(&t) & A_ED) && attr_dpl(desc_attr(&t)) != c->cpl)
			fault_sel(c, EXC_GP, ts);
		off = gate_off(&d, (a & 0x1f) == SYS_CALL32);
		if (off > desc_limit(&t))
			cpu_fault_err(c, EXC_GP, 0);
		load_cs(c, ts, &t, c->cpl);
		c->s.rip = off;
		return;
	case SYS_TASK:
	case SYS_TSS16:
	case SYS_TSS32:
		far_task(c, sel, &d, TASK_JMP);
		return;
	default:
		fault_sel(c, EXC_GP, sel);
	}
}

/* ESP or SP, as the stack segment's B bit says. */
static void set_sp(struct cpu *c, uint32_t ss_attr, uint32_t sp)
{
	if (ss_attr & A_DB)
		c->s.gpr[REG_SP] = sp;
	else
		c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~0xffffull) |
				   (sp & 0xffff);
}

static void commit_sp(struct cpu *c, const struct xstack *x)
{
	set_sp(c, x->attr, x->sp);
}

/* A far CALL that stays at CPL: CS:EIP on the current stack, then go. */
static void call_same_level(struct cpu *c, unsigned sz, uint16_t sel,
			    struct desc *d, uint32_t off)
{
	struct xstack x;

	xs_from_seg(c, &x, SEG_SS);
	xs_push(c, &x, sz, c->s.seg[SEG_CS].sel);
	xs_push(c, &x, sz, (uint32_t)c->s.rip);
	commit_sp(c, &x);
	load_cs(c, sel, d, c->cpl);
	c->s.rip = off;
}

/* CALL through a call gate to a more privileged non-conforming segment:
 * new stack from the TSS, old SS:ESP and the gate's parameters copied. */
static void call_inner(struct cpu *c, const struct desc *g, uint16_t ts,
		       struct desc *t, uint32_t off, unsigned sz)
{
	unsigned dpl = attr_dpl(desc_attr(t));
	unsigned n = g->hi & 0x1f;
	uint32_t param[32];
	struct xstack old, x;
	struct desc sd;
	uint16_t ss;
	uint32_t esp;

	tss_stack(c, dpl, &ss, &esp);
	seg_check_ss(c, ss, dpl, EXC_TS, &sd);
	xs_from_seg(c, &old, SEG_SS);
	for (unsigned k = 0; k < n; k++)
		param[k] = xs_pop(c, &old, sz);
	x.base = desc_base(&sd);
	x.limit = desc_limit(&sd);
	x.attr = desc_attr(&sd);
	x.sp = esp;
	x.user = false;
	x.vec = EXC_SS;
	x.errsel = ss;
	xs_push(c, &x, sz, c->s.seg[SEG_SS].sel);
	xs_push(c, &x, sz, (uint32_t)c->s.gpr[REG_SP]);
	for (unsigned k = n; k-- > 0;)
		xs_push(c, &x, sz, param[k]);
	xs_push(c, &x, sz, c->s.seg[SEG_CS].sel);
	xs_push(c, &x, sz, (uint32_t)c->s.rip);
	/* Commit. */
	desc_set_accessed(c, ss, &sd);
	seg_set_desc(c, SEG_SS, ss, &sd);
	commit_sp(c, &x);
	load_cs(c, ts, t, dpl);
	c->s.rip = off;
}

void cpu_far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz)
{
	struct desc d, t;
	uint32_t a, ta;
	uint16_t ts;
	unsigned sz;

	read_target(c, sel, &d);
	a = desc_attr(&d);
	if (a & A_S) {
		off = direct_target(c, sel, &d, off, osz);
		call_same_level(c, osz, sel, &d, off);
		return;
	}
	switch (a & 0x1f) {
	case SYS_CALL16:
	case SYS_CALL32:
		check_gate(c, sel, &d);
		sz = (a & 0x1f) == SYS_CALL32 ? 4 : 2;
		ts = gate_sel(&d);
		read_target(c, ts, &t);
		check_code(c, ts, &t, true);
		ta = desc_attr(&t);
		off = gate_off(&d, sz == 4);
		if (off > desc_limit(&t))
			cpu_fault_err(c, EXC_GP, 0);
		if (!(ta & A_ED) && attr_dpl(ta) < c->cpl) {
			call_inner(c, &d, ts, &t, off, sz);
			return;
		}
		call_same_level(c, sz, ts, &t, off);
		return;
	case SYS_TASK:
	case SYS_TSS16:
	case SYS_TSS32:
		far_task(c, sel, &d, TASK_CALL);
		return;
	default:
		fault_sel(c, EXC_GP, sel);
	}
}

/* The CS a RET/IRET pops: code, RPL >= CPL, DPL rules, present. */
static void check_ret_cs(struct cpu *c, uint16_t cs, struct desc *d)
{
	uint32_t a;
	unsigned rpl = cs & 3;

	read_target(c, cs, d);
	a = desc_attr(d);
	if ((a & (A_S | A_CODE)) != (A_S | A_CODE) || rpl < c->cpl)
		fault_sel(c, EXC_GP, cs);
	if ((a & A_ED) ? attr_dpl(a) > rpl : attr_dpl(a) != rpl)
		fault_sel(c, EXC_GP, cs);
	if (!(a & A_P))
		fault_sel(c, EXC_NP, cs);
}

/* Pop SS:ESP for a return to outer level rpl and check it. */
static void pop_outer_stack(struct cpu *c, struct xstack *x, unsigned sz,
			    unsigned rpl, uint16_t *ss, uint32_t *esp,
			    struct desc *sd)
{
	*esp = xs_pop(c, x, sz);
	*ss = (uint16_t)xs_pop(c, x, sz);
	seg_check_ss(c, *ss, rpl, EXC_GP, sd);
}

static void commit_outer(struct cpu *c, uint16_t ss, struct desc *sd,
			 uint32_t esp)
{
	desc_set_accessed(c, ss, sd);
	seg_set_desc(c, SEG_SS, ss, sd);
	set_sp(c, desc_attr(sd), esp);
	seg_invalidate_outer(c);
}

void cpu_far_ret(struct cpu *c, unsigned osz, uint16_t imm)
{
	struct xstack x;
	struct desc d, sd;
	uint32_t eip, esp;
	uint16_t cs, ss;
	unsigned rpl;

	xs_from_seg(c, &x, SEG_SS);
	eip = xs_pop(c, &x, osz);
	cs = (uint16_t)xs_pop(c, &x, osz);
	check_ret_cs(c, cs, &d);
	rpl = cs & 3;
	if (eip > desc_limit(&d))
		cpu_fault_err(c, EXC_GP, 0);
	x.sp += imm;
	if (rpl == c->cpl) {
		commit_sp(c, &x);
		load_cs(c, cs, &d, rpl);
		c->s.rip = eip;
		return;
	}
	pop_outer_stack(c, &x, osz, rpl, &ss, &esp, &sd);
	load_cs(c, cs, &d, rpl);
	c->s.rip = eip;
	commit_outer(c, ss, &sd, esp + imm);
}

/* IRET in V86 mode (IOPL 3): a real-mode style return; IOPL stays. */
static void iret_v86(struct cpu *c, unsigned osz)
{
	struct xstack x;
	uint32_t eip, fl, mask;
	uint16_t cs;

	if (cpu_iopl(c) < 3)
		cpu_fault_err(c, EXC_GP, 0);
	xs_from_seg(c, &x, SEG_SS);
	eip = xs_pop(c, &x, osz);
	cs = (uint16_t)xs_pop(c, &x, osz);
	fl = xs_pop(c, &x, osz);
	if (eip > 0xffff)
		cpu_fault_err(c, EXC_GP, 0);
	commit_sp(c, &x);
	seg_set_v86(c, SEG_CS, cs);
	c->s.rip = eip;
	mask = (osz == 4 ? 0x3f7fd5u : 0xffffu) &
	       ~(FLAG_IOPL | FLAG_VM | FLAG_VIP | FLAG_VIF);
	cpu_flags_write(c, fl, mask);
}

/* IRET from CPL 0 with VM set in the popped EFLAGS: enter V86 mode. */
static void iret_to_v86(struct cpu *c, struct xstack *x, uint32_t eip,
			uint16_t cs, uint32_t fl)
{
	uint32_t esp = xs_pop(c, x, 4);
	uint16_t ss = (uint16_t)xs_pop(c, x, 4);
	uint16_t es = (uint16_t)xs_pop(c, x, 4);
	uint16_t ds = (uint16_t)xs_pop(c, x, 4);
	uint16_t fs = (uint16_t)xs_pop(c, x, 4);
	uint16_t gs = (uint16_t)xs_pop(c, x, 4);

	cpu_flags_write(c, fl, 0xffffffffu);
	c->s.rflags |= FLAG_VM;
	cpu_set_cpl(c, 3);
	seg_set_v86(c, SEG_CS, cs);
	seg_set_v86(c, SEG_SS, ss);
	seg_set_v86(c, SEG_ES, es);
	seg_set_v86(c, SEG_DS, ds);
	seg_set_v86(c, SEG_FS, fs);
	seg_set_v86(c, SEG_GS, gs);
	cpu_mode_sync(c);
	c->s.gpr[REG_SP] = esp;
	c->s.rip = eip & 0xffff;
}

/* IRET with NT: return to the task in the back link. */
static void iret_task(struct cpu *c)
{
	uint16_t link = (uint16_t)cpu_sys_rd(c, (uint32_t)c->s.tr.base, 2);
	struct desc t;
	unsigned type;

	if ((link & 4) || !desc_read(c, link, &t))
		fault_sel(c, EXC_TS, link);
	type = desc_attr(&t) & 0x1f;
	if (type != SYS_TSS16_BUSY && type != SYS_TSS32_BUSY)
		fault_sel(c, EXC_TS, link);
	if (!(desc_attr(&t) & A_P))
		fault_sel(c, EXC_NP, link);
	task_switch(c, link, &t, TASK_IRET, (uint32_t)c->s.rip);
}

void cpu_iret_pm(struct cpu *c, unsigned osz)
{
	struct xstack x;
	struct desc d, sd;
	uint32_t eip, fl, esp, mask;
	uint16_t cs, ss;
	unsigned rpl, old_cpl = c->cpl;

	if (cpu_v86(c)) {
		iret_v86(c, osz);
		return;
	}
	if (c->s.rflags & FLAG_NT) {
		iret_task(c);
		return;
	}
	xs_from_seg(c, &x, SEG_SS);
	eip = xs_pop(c, &x, osz);
	cs = (uint16_t)xs_pop(c, &x, osz);
	fl = xs_pop(c, &x, osz);
	if (osz == 4 && (fl & FLAG_VM) && old_cpl == 0) {
		iret_to_v86(c, &x, eip, cs, fl);
		return;
	}
	check_ret_cs(c, cs, &d);
	rpl = cs & 3;
	if (eip > desc_limit(&d))
		cpu_fault_err(c, EXC_GP, 0);
	/* Flag rules use the CPL and IOPL before the return. */
	mask = osz == 4 ? 0x3f7fd5u & ~(FLAG_VM) : 0xffffu;
	if (old_cpl > 0)
		mask &= ~(FLAG_IOPL | FLAG_VIP | FLAG_VIF);
	if (old_cpl > cpu_iopl(c))
		mask &= ~FLAG_IF;
	if (rpl == old_cpl) {
		commit_sp(c, &x);
		load_cs(c, cs, &d, rpl);
		c->s.rip = eip;
		cpu_flags_write(c, fl, mask);
		return;
	}
	pop_outer_stack(c, &x, osz, rpl, &ss, &esp, &sd);
	load_cs(c, cs, &d, rpl);
	c->s.rip = eip;
	cpu_flags_write(c, fl, mask);
	commit_outer(c, ss, &sd, esp);
}
