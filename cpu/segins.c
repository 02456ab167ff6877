/* cpu/segins.c: protected-mode segment instructions: LLDT/SLDT, LTR/STR,
 * LAR, LSL, VERR, VERW, ARPL, INVLPG. All but INVLPG are #UD outside
 * protected mode (real mode and V86).
 */
#include "cpu/pm.h"

static void need_pm(struct cpu *c)
{
	if (!cpu_pe(c) || cpu_v86(c))
		cpu_fault(c, EXC_UD);
}

static void need_cpl0(struct cpu *c)
{
	if (c->cpl != 0)
		cpu_fault_err(c, EXC_GP, 0);
}

static void set_zf(struct cpu *c, bool zf)
{
	flags_set_arith(c, zf ? FLAG_ZF : 0, FLAG_ZF);
}

/* Register destinations take the full operand size (zero-extended). */
static void store_sel(struct cpu *c, const struct insn *i, uint16_t v)
{
	if (i->mod == 3)
		reg_set(c, i->rm, i->osize, v);
	else
		wr16(c, i->seg, insn_ea(c, i), v);
}

/* 0F 00 /0 */
void op_sldt(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	store_sel(c, i, c->s.ldtr.sel);
}

/* 0F 00 /1 */
void op_str(struct cpu *c, const struct insn *i)
{
	need_pm(c);
	store_sel(c, i, c->s.tr.sel);
}

/* 0F 00 /2 */
void op_lldt(struct cpu *c, const struct insn *i)
{
	struct desc d;
	uint16_t sel;

	need_pm(c);
	need_cpl0(c);
	sel = (uint16_t)rm_get(c, i, 2);
	if ((sel & 0xfffc) == 0) {
		c->s.ldtr.sel = sel;
		c->s.ldtr.attr = 0;
		c->s.ldtr.base = 0;
		c->s.ldtr.limit = 0;
		return;
	}
	if ((sel & 4) || !desc_read(c, sel, &d) ||
	    (desc_attr(&d) & 0x1f) != SYS_LDT)
		fault_sel(c, EXC_GP, sel);
	if (!(desc_attr(&d) & A_P))
		fault_sel(c, EXC_NP, sel);
	c->s.ldtr.sel = sel;
	c->s.ldtr.base = desc_base(&d);
	c->s.ldtr.limit = desc_limit(&d);
	c->s.ldtr.attr = desc_attr(&d);
}

/* 0F 00 /3: load TR with an available TSS and mark it busy. */
void op_ltr(struct cpu *c, const struct insn *i)
{
	struct desc d;
	uint16_t sel;
	unsigned type;

	need_pm(c);
	need_cpl0(c);
	sel = (uint16_t)rm_get(c, i, 2);
	if ((sel & 0xfffc) == 0)
		cpu_fault_err(c, EXC_GP, 0);
	if ((sel & 4) || !desc_read(c, sel, &d))
		fault_sel(c, EXC_GP, sel);
	type = desc_attr(&d) & 0x1f;
	if (type != SYS_TSS16 && type != SYS_TSS32)
		fault_sel(c, EXC_GP, sel);
	if (!(desc_attr(&d) & A_P))
		fault_sel(c, EXC_NP, sel);
	d.hi |= 0x200;
	desc_write_hi(c, sel, d.hi);
	c->s.tr.sel = sel;
	c->s.tr.base = desc_base(&d);
	c->s.tr.limit = desc_limit(&d);
	c->s.tr.attr = desc_attr(&d);
}

/* Common LAR/LSL/VERR/VERW lookup: the descriptor if visible at the
 * current CPL and the selector's RPL (conforming code always is). */
static bool visible(struct cpu *c, uint16_t sel, struct desc *d)
{
	uint32_t a;
	unsigned dpl;

	if ((sel & 0xfffc) == 0 || !desc_read(c, sel, d))
		return false;
	a = desc_attr(d);
	dpl = attr_dpl(a);
	if ((a & (A_S | A_CODE | A_ED)) == (A_S | A_CODE | A_ED))
		return true;
	return dpl >= c->cpl && dpl >= (sel & 3u);
}

/* System types LAR (gates too) and LSL accept. */
static bool sys_ok(unsigned type, bool lar)
{
	switch (type) {
	case SYS_TSS16: case SYS_LDT: case SYS_TSS16_BUSY:
	case SYS_TSS32: case SYS_TSS32_BUSY:
		return true;
	case SYS_CALL16: case SYS_TASK: case SYS_CALL32:
		return lar;
	default:
		return false;
	}
}

/* 0F 02 */
void op_lar(struct cpu *c, const struct insn *i)
{
	struct desc d;
	uint16_t sel;

	need_pm(c);
	sel = (uint16_t)rm_get(c, i, 2);
	if (!visible(c, sel, &d) ||
	    (!(desc_attr(&d) & A_S) && !sys_ok(desc_attr(&d) & 0xf, true))) {
		set_zf(c, false);
		return;
	}
	reg_set(c, i->reg, i->osize, d.hi & 0x00f0ff00u);
	set_zf(c, true);
}

/* 0F 03 */
void op_lsl(struct cpu *c, const struct insn *i)
{
	struct desc d;
	uint16_t sel;

	need_pm(c);
	sel = (uint16_t)rm_get(c, i, 2);
	if (!visible(c, sel, &d) ||
	    (!(desc_attr(&d) & A_S) && !sys_ok(desc_attr(&d) & 0xf, false))) {
		set_zf(c, false);
		return;
	}
	reg_set(c, i->reg, i->osize, desc_limit(&d));
	set_zf(c, true);
}

/* 0F 00 /4, /5 */
static void verify(struct cpu *c, const struct insn *i, bool write)
{
	struct desc d;
	uint32_t a;
	bool ok;

	need_pm(c);
	if (!visible(c, (uint16_t)rm_get(c, i, 2), &d)) {
		set_zf(c, false);
		return;
	}
	a = desc_attr(&d);
	if (!(a & A_S))
		ok = false;
	else if (write)
		ok = (a & (A_CODE | A_RW)) == A_RW;
	else
		ok = !(a & A_CODE) || (a & A_RW);
	set_zf(c, ok);
}

void op_verr(struct cpu *c, const struct insn *i)
{
	verify(c, i, false);
}

void op_verw(struct cpu *c, const struct insn *i)
{
	verify(c, i, true);
}

/* 63: ARPL r/m16, r16 */
void op_arpl(struct cpu *c, const struct insn *i)
{
	uint16_t dst, src;

	need_pm(c);
	dst = (uint16_t)rm_get(c, i, 2);
	src = (uint16_t)reg_get(c, i->reg, 2);
	if ((dst & 3) < (src & 3)) {
		rm_set(c, i, 2, (uint16_t)((dst & ~3u) | (src & 3u)));
		set_zf(c, true);
	} else {
		set_zf(c, false);
	}
}

/* 0F 01 /7 (486+): memory operand only; CPL 0. */
void op_invlpg(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3 || c->q->cls < CLS_486)
		cpu_fault(c, EXC_UD);
	if (cpu_pe(c) && (cpu_v86(c) || c->cpl != 0))
		cpu_fault_err(c, EXC_GP, 0);
	cpu_tlb_flush_page(c, seg_lin(c, i->seg, insn_ea(c, i)));
}
