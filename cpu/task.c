/* cpu/task.c: hardware task switches (16- and 32-bit TSS).
 *
 * Reached from JMP/CALL to a TSS or task gate, INT/exceptions through a
 * task gate, and IRET with NT. Order follows the SDM: check the new TSS,
 * read its state, save the old state, update busy bits and the back link,
 * load TR (CR0.TS set), then registers, LDTR and the segment registers;
 * faults while loading segments belong to the new task.
 */
#include "cpu/pm.h"

struct tss_img {
	uint32_t cr3, eip, fl, gpr[8];
	uint16_t sel[CPU_NSEG], ldt;
};

/* Offsets of ES..GS selectors in the two formats (ModR/M order). */
static const uint8_t off32_seg[CPU_NSEG] = { 0x48, 0x4c, 0x50, 0x54,
					     0x58, 0x5c };
static const uint8_t off16_seg[4] = { 0x22, 0x24, 0x26, 0x28 };

static void tss_read(struct cpu *c, uint32_t b, bool is32,
		     struct tss_img *t)
{
	if (is32) {
		t->cr3 = cpu_sys_rd(c, b + 0x1c, 4);
		t->eip = cpu_sys_rd(c, b + 0x20, 4);
		t->fl = cpu_sys_rd(c, b + 0x24, 4);
		for (unsigned k = 0; k < 8; k++)
			t->gpr[k] = cpu_sys_rd(c, b + 0x28 + 4 * k, 4);
		for (unsigned k = 0; k < CPU_NSEG; k++)
			t->sel[k] = (uint16_t)cpu_sys_rd(c, b + off32_seg[k], 2);
		t->ldt = (uint16_t)cpu_sys_rd(c, b + 0x60, 2);
	} else {
		t->cr3 = 0;
		t->eip = cpu_sys_rd(c, b + 0x0e, 2);
		t->fl = cpu_sys_rd(c, b + 0x10, 2);
		for (unsigned k = 0; k < 8; k++)
			t->gpr[k] = cpu_sys_rd(c, b + 0x12 + 2 * k, 2);
		for (unsigned k = 0; k < 4; k++)
			t->sel[k] = (uint16_t)cpu_sys_rd(c, b + off16_seg[k], 2);
		t->sel[SEG_FS] = t->sel[SEG_GS] = 0;
		t->ldt = (uint16_t)cpu_sys_rd(c, b + 0x2a, 2);
	}
}

static void tss_save(struct cpu *c, uint32_t b, bool is32, uint32_t eip,
		     uint32_t fl)
{
	if (is32) {
		cpu_sys_wr(c, b + 0x20, 4, eip);
		cpu_sys_wr(c, b + 0x24, 4, fl);
		for (unsigned k = 0; k < 8; k++)
			cpu_sys_wr(c, b + 0x28 + 4 * k, 4,
				   (uint32_t)c->s.gpr[k]);
		for (unsigned k = 0; k < CPU_NSEG; k++)
			cpu_sys_wr(c, b + off32_seg[k], 2, c->s.seg[k].sel);
	} else {
		cpu_sys_wr(c, b + 0x0e, 2, eip);
		cpu_sys_wr(c, b + 0x10, 2, fl);
		for (unsigned k = 0; k < 8; k++)
			cpu_sys_wr(c, b + 0x12 + 2 * k, 2,
				   (uint32_t)c->s.gpr[k]);
		for (unsigned k = 0; k < 4; k++)
			cpu_sys_wr(c, b + off16_seg[k], 2, c->s.seg[k].sel);
	}
}

static void set_busy(struct cpu *c, uint16_t sel, bool busy)
{
	struct desc d;

	if (!desc_read(c, sel, &d))
		return;
	d.hi = busy ? d.hi | 0x200 : d.hi & ~0x200u;
	desc_write_hi(c, sel, d.hi);
}

static void load_ldt(struct cpu *c, uint16_t sel)
{
	struct desc d;

	c->s.ldtr.sel = sel;
	if ((sel & 0xfffc) == 0) {
		c->s.ldtr.attr = 0;
		c->s.ldtr.base = 0;
		c->s.ldtr.limit = 0;
		return;
	}
	c->s.ldtr.attr = 0; /* unusable while we look it up */
	if ((sel & 4) || !desc_read(c, sel, &d) ||
	    (desc_attr(&d) & 0x1f) != SYS_LDT)
		fault_sel(c, EXC_TS, sel);
	if (!(desc_attr(&d) & A_P))
		fault_sel(c, EXC_TS, sel);
	c->s.ldtr.base = desc_base(&d);
	c->s.ldtr.limit = desc_limit(&d);
	c->s.ldtr.attr = desc_attr(&d);
}

/* Data segment register from a new task's TSS. */
static void load_data_ts(struct cpu *c, unsigned seg, uint16_t sel)
{
	struct desc d;
	uint32_t a;
	unsigned dpl;

	if ((sel & 0xfffc) == 0) {
		seg_set_null(c, seg, sel);
		return;
	}
	if (!desc_read(c, sel, &d))
		fault_sel(c, EXC_TS, sel);
	a = desc_attr(&d);
	dpl = attr_dpl(a);
	if (!(a & A_S) || (a & (A_CODE | A_RW)) == A_CODE)
		fault_sel(c, EXC_TS, sel);
	if ((a & (A_CODE | A_ED)) != (A_CODE | A_ED) &&
	    (dpl < c->cpl || dpl < (sel & 3u)))
		fault_sel(c, EXC_TS, sel);
	if (!(a & A_P))
		fault_sel(c, EXC_NP, sel);
	desc_set_accessed(c, sel, &d);
	seg_set_desc(c, seg, sel, &d);
}

static void load_segs(struct cpu *c, const struct tss_img *t)
{
	struct desc d;
	uint16_t cs = t->sel[SEG_CS];
	uint32_t a;

	if (c->s.rflags & FLAG_VM) {
		for (unsigned k = 0; k < CPU_NSEG; k++)
			seg_set_v86(c, k, t->sel[k]);
		cpu_mode_sync(c);
		return;
	}
	/* Selectors first: a fault below leaves them visible, as on
	 * hardware, with unusable caches. */
	for (unsigned k = 0; k < CPU_NSEG; k++) {
		c->s.seg[k].sel = t->sel[k];
		if (k != SEG_CS) {
			c->s.seg[k].attr = 0;
			cpu_seg_sync(c, k);
		}
	}
	load_ldt(c, t->ldt);
	if ((cs & 0xfffc) == 0 || !desc_read(c, cs, &d))
		fault_sel(c, EXC_TS, cs);
	a = desc_attr(&d);
	if ((a & (A_S | A_CODE)) != (A_S | A_CODE) ||
	    ((a & A_ED) ? attr_dpl(a) > (cs & 3u) : attr_dpl(a) != (cs & 3u)))
		fault_sel(c, EXC_TS, cs);
	if (!(a & A_P))
		fault_sel(c, EXC_NP, cs);
	cpu_set_cpl(c, cs & 3);
	{
		struct desc sd;
		uint16_t ss = t->sel[SEG_SS];
		seg_check_ss(c, ss, c->cpl, EXC_TS, &sd);
		desc_set_accessed(c, ss, &sd);
		seg_set_desc(c, SEG_SS, ss, &sd);
	}
	desc_set_accessed(c, cs, &d);
	seg_set_desc(c, SEG_CS, cs, &d);
	cpu_cs_sync(c);
	load_data_ts(c, SEG_ES, t->sel[SEG_ES]);
	load_data_ts(c, SEG_DS, t->sel[SEG_DS]);
	load_data_ts(c, SEG_FS, t->sel[SEG_FS]);
	load_data_ts(c, SEG_GS, t->sel[SEG_GS]);
	if (c->s.rip > c->s.seg[SEG_CS].limit)
		cpu_fault_err(c, EXC_GP, 0);
}

void task_switch(struct cpu *c, uint16_t sel, const struct desc *d,
		 unsigned reason, uint32_t next_eip)
{
	uint32_t a = desc_attr(d), type = a & 0x1f;
	uint32_t nbase = desc_base(d), nlim = desc_limit(d);
	uint32_t obase = (uint32_t)c->s.tr.base, fl;
	bool n32 = type & 8, o32 = c->s.tr.attr & 8;
	bool busy = type & 2;
	struct tss_img t;
	uint16_t osel = c->s.tr.sel;

	if ((type & ~0xau) != SYS_TSS16)
		fault_sel(c, EXC_GP, sel);
	if (reason == TASK_IRET ? !busy : busy)
		fault_sel(c, reason == TASK_IRET ? EXC_TS : EXC_GP, sel);
	if (!(a & A_P))
		fault_sel(c, EXC_NP, sel);
	if (nlim < (n32 ? 0x67u : 0x2bu))
		fault_sel(c, EXC_TS, sel);
	if (c->s.tr.limit < (o32 ? 0x5fu : 0x29u))
		fault_sel(c, EXC_TS, osel);

	tss_read(c, nbase, n32, &t);
	fl = cpu_flags_read(c);
	if (reason == TASK_IRET)
		fl &= ~FLAG_NT;
	tss_save(c, obase, o32, next_eip, fl);
	if (reason == TASK_JMP || reason == TASK_IRET)
		set_busy(c, osel, false);
	if (reason == TASK_CALL || reason == TASK_INT) {
		cpu_sys_wr(c, nbase, 2, osel);
		t.fl |= FLAG_NT;
	}
	if (reason != TASK_IRET)
		set_busy(c, sel, true);

	c->s.tr.sel = sel;
	c->s.tr.base = nbase;
	c->s.tr.limit = nlim;
	c->s.tr.attr = (uint16_t)(a | 2);
	c->s.cr0 |= CR0_TS;

	if (n32 && c->paging && t.cr3 != (uint32_t)c->s.cr3) {
		c->s.cr3 = t.cr3;
		cpu_tlb_flush(c, false);
	}
	if (n32) {
		for (unsigned k = 0; k < 8; k++)
			c->s.gpr[k] = t.gpr[k];
		cpu_flags_write(c, t.fl, 0xffffffffu);
	} else {
		for (unsigned k = 0; k < 8; k++)
			c->s.gpr[k] = (c->s.gpr[k] & ~0xffffull) | t.gpr[k];
		cpu_flags_write(c, t.fl, 0xffff);
		c->s.rflags &= ~(uint64_t)FLAG_VM;
	}
	c->s.rip = t.eip;
	/* From here on, faults are the new task's. */
	c->insn_ip = t.eip;
	c->insn_sp = (uint32_t)c->s.gpr[REG_SP];
	load_segs(c, &t);
	add_cycles(c, 100);
	/* T (32-bit TSS, offset 64h bit 0): #DB before the first instruction
	 * of the new task. */
	if (n32 && (cpu_sys_rd(c, nbase + 0x64, 2) & 1))
		cpu_dbg_task_trap(c);
}
