/* cpu/seg.c: segment registers in real, protected and V86 mode.
 *
 * The hidden part (base, byte-granular limit, attr) lives in struct
 * cpu_segment; sc[] caches the offset checks the hot path uses (see
 * struct seg_chk). Every change of a segment cache, of CR0.PE or of
 * EFLAGS.VM goes through cpu_seg_sync / cpu_mode_sync.
 */
#include "cpu/pm.h"

void cpu_seg_sync(struct cpu *c, unsigned seg)
{
	const struct cpu_segment *s = &c->s.seg[seg];
	struct seg_chk *k = &c->sc[seg];
	uint32_t a = s->attr;
	uint32_t top = (a & A_DB) ? 0xffffffffu : 0xffff;
	bool pm = cpu_pe(c);
	int64_t lim;

	if (pm && !(a & A_P)) {
		/* Null or unusable: every access is #GP(0). */
		k->lo = 0;
		k->rlim = k->wlim = -1;
		return;
	}
	if ((a & (A_S | A_CODE | A_ED)) == (A_S | A_ED)) {
		/* Expand-down: valid offsets are limit+1 .. top. */
		k->lo = s->limit + 1;
		lim = s->limit >= top ? -1 : (int64_t)top - k->lo;
	} else {
		k->lo = 0;
		lim = s->limit;
	}
	k->rlim = k->wlim = lim;
	if (!pm)
		return; /* real mode checks limits, not rights */
	if (a & A_CODE) {
		k->wlim = -1;
		if (!(a & A_RW))
			k->rlim = -1;
	} else if (!(a & A_RW)) {
		k->wlim = -1;
	}
}

/* Code size and IP wrap follow CS.D (never in V86 or real-mode CS). */
void cpu_cs_sync(struct cpu *c)
{
	uint32_t lim = c->s.seg[SEG_CS].limit;

	c->code32 = (c->s.seg[SEG_CS].attr & A_DB) && !cpu_v86(c);
	c->ip_mask = c->code32 ? 0xffffffffu : 0xffff;
	/* Real mode wraps IP and ignores the limit for fetches. */
	if (!cpu_pe(c) || lim > c->ip_mask)
		lim = c->ip_mask;
	c->fetch_fast = c->dbg_ibp ? -1 : (int64_t)lim - 16;
	c->chain_epoch++; /* CS base, limit or code size may have changed */
}

void cpu_set_cpl(struct cpu *c, unsigned cpl)
{
	c->cpl = (uint8_t)cpl;
	c->tlb_user = cpl == 3 ? 2 : 0;
	cpu_ac_sync(c);
	c->chain_epoch++; /* links were made under the old TLB half */
}

/* After reset, set_state, CR0 or EFLAGS.VM changes: re-derive everything
 * cached from the architectural state. CPL comes from SS.DPL (as KVM
 * does), 3 in V86, 0 in real mode. */
void cpu_mode_sync(struct cpu *c)
{
	unsigned cpl = 0;

	if (cpu_pe(c))
		cpl = cpu_v86(c) ? 3 : attr_dpl(c->s.seg[SEG_SS].attr);
	cpu_set_cpl(c, cpl);
	cpu_cs_sync(c);
	c->paging = (c->s.cr0 & (CR0_PG | CR0_PE)) == (CR0_PG | CR0_PE);
	for (unsigned k = 0; k < CPU_NSEG; k++)
		cpu_seg_sync(c, k);
	cpu_dbg_sync(c); /* also refreshes fetch_fast */
}

/* The descriptor for sel from the GDT or LDT; false when the selector is
 * past the table's limit (or TI=1 with no usable LDT). */
bool desc_read(struct cpu *c, uint16_t sel, struct desc *d)
{
	uint32_t base, limit, off = sel & 0xfff8u;

	if (sel & 4) {
		if (!(c->s.ldtr.attr & A_P) || (c->s.ldtr.sel & 0xfffc) == 0)
			return false;
		base = (uint32_t)c->s.ldtr.base;
		limit = c->s.ldtr.limit;
	} else {
		base = (uint32_t)c->s.gdtr.base;
		limit = c->s.gdtr.limit;
	}
	if (off + 7 > limit)
		return false;
	d->lo = cpu_sys_rd(c, base + off, 4);
	d->hi = cpu_sys_rd(c, base + off + 4, 4);
	return true;
}

void desc_write_hi(struct cpu *c, uint16_t sel, uint32_t hi)
{
	uint32_t base = (uint32_t)((sel & 4) ? c->s.ldtr.base : c->s.gdtr.base);
	cpu_sys_wr(c, base + (sel & 0xfff8u) + 4, 4, hi);
}

void desc_set_accessed(struct cpu *c, uint16_t sel, struct desc *d)
{
	if (d->hi & 0x100)
		return;
	d->hi |= 0x100;
	desc_write_hi(c, sel, d->hi);
}

void seg_set_desc(struct cpu *c, unsigned seg, uint16_t sel,
		  const struct desc *d)
{
	struct cpu_segment *s = &c->s.seg[seg];

	s->sel = sel;
	s->base = desc_base(d);
	s->limit = desc_limit(d);
	s->attr = desc_attr(d);
	cpu_seg_sync(c, seg);
}

/* A null selector in DS/ES/FS/GS: usable to hold, faults on use. */
void seg_set_null(struct cpu *c, unsigned seg, uint16_t sel)
{
	struct cpu_segment *s = &c->s.seg[seg];

	s->sel = sel;
	s->base = 0;
	s->limit = 0;
	s->attr = 0;
	cpu_seg_sync(c, seg);
}

/* V86: base = sel << 4, 64 KiB, data read/write at DPL 3. */
void seg_set_v86(struct cpu *c, unsigned seg, uint16_t sel)
{
	struct cpu_segment *s = &c->s.seg[seg];

	s->sel = sel;
	s->base = (uint32_t)sel << 4;
	s->limit = 0xffff;
	s->attr = 0xf3;
	cpu_seg_sync(c, seg);
}

/* SS for privilege cpl: writable data, RPL = DPL = cpl, present. */
void seg_check_ss(struct cpu *c, uint16_t sel, unsigned cpl, unsigned vec,
		  struct desc *d)
{
	uint32_t a;

	if ((sel & 0xfffc) == 0)
		cpu_fault_err(c, vec, c->exc_ext ? 1u : 0u);
	if (!desc_read(c, sel, d))
		fault_sel(c, vec, sel);
	a = desc_attr(d);
	if ((sel & 3) != cpl || (a & (A_S | A_CODE | A_RW)) != (A_S | A_RW) ||
	    attr_dpl(a) != cpl)
		fault_sel(c, vec, sel);
	if (!(a & A_P))
		fault_sel(c, vec == EXC_TS ? EXC_TS : EXC_SS, sel);
}

/* MOV/POP/LxS to DS, ES, FS, GS or SS in protected mode. */
void cpu_seg_load_pm(struct cpu *c, unsigned seg, uint16_t sel)
{
	struct desc d;
	uint32_t a;
	unsigned dpl, rpl = sel & 3;

	if (seg == SEG_SS) {
		seg_check_ss(c, sel, c->cpl, EXC_GP, &d);
		desc_set_accessed(c, sel, &d);
		seg_set_desc(c, seg, sel, &d);
		return;
	}
	if ((sel & 0xfffc) == 0) {
		seg_set_null(c, seg, sel);
		return;
	}
	if (!desc_read(c, sel, &d))
		fault_sel(c, EXC_GP, sel);
	a = desc_attr(&d);
	dpl = attr_dpl(a);
	if (!(a & A_S) || (a & (A_CODE | A_RW)) == A_CODE)
		fault_sel(c, EXC_GP, sel);
	if ((a & (A_CODE | A_ED)) != (A_CODE | A_ED) &&
	    (rpl > dpl || c->cpl > dpl))
		fault_sel(c, EXC_GP, sel);
	if (!(a & A_P))
		fault_sel(c, EXC_NP, sel);
	desc_set_accessed(c, sel, &d);
	seg_set_desc(c, seg, sel, &d);
}

/* seg_load's out-of-line half: protected mode, V86, or a real-mode load
 * into a segment whose cache still holds protected-mode rights. */
void cpu_seg_load_slow(struct cpu *c, unsigned seg, uint16_t sel)
{
	struct cpu_segment *s = &c->s.seg[seg];

	if (!cpu_pe(c)) {
		seg_load_real(c, seg, sel);
		s->attr = (uint16_t)((s->attr & 0xf00) | 0x93);
		cpu_seg_sync(c, seg);
	} else if (cpu_v86(c)) {
		seg_set_v86(c, seg, sel);
	} else {
		cpu_seg_load_pm(c, seg, sel);
	}
}

/* An offset outside the segment (or a right it lacks): #SS for the stack
 * segment from the 386 on (the 286 reports #GP in real mode), else #GP. */
_Noreturn void cpu_seg_fault(struct cpu *c, unsigned seg, uint32_t off)
{
	unsigned vec = EXC_GP;

	if (seg == SEG_SS && c->q->cls >= CLS_386)
		vec = EXC_SS;
	cpu_fault_err(c, vec, 0);
}

/* After a return to an outer privilege level: data segments the new CPL
 * may not use become null. */
void seg_invalidate_outer(struct cpu *c)
{
	static const uint8_t segs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };

	for (unsigned k = 0; k < sizeof(segs); k++) {
		struct cpu_segment *s = &c->s.seg[segs[k]];
		uint32_t a = s->attr;
		if (!(a & A_P))
			continue;
		if ((a & (A_CODE | A_ED)) != (A_CODE | A_ED) &&
		    attr_dpl(a) < c->cpl)
			seg_set_null(c, segs[k], 0);
	}
}

/* --- explicit stacks ---------------------------------------------------- */

void xs_from_seg(struct cpu *c, struct xstack *x, unsigned seg)
{
	const struct cpu_segment *s = &c->s.seg[seg];

	x->base = (uint32_t)s->base;
	x->limit = s->limit;
	x->attr = s->attr;
	x->sp = (uint32_t)c->s.gpr[REG_SP];
	x->user = c->cpl == 3;
	x->vec = EXC_SS;
	x->errsel = 0;
}

static void xs_check(struct cpu *c, const struct xstack *x, uint32_t off,
		     unsigned sz)
{
	uint32_t top = (x->attr & A_DB) ? 0xffffffffu : 0xffff;
	bool ok;

	if (x->attr & A_ED)
		ok = off > x->limit && off <= top - (sz - 1);
	else
		ok = x->limit >= sz - 1 && off <= x->limit - (sz - 1);
	if (!ok)
		cpu_fault_err(c, x->vec, sel_err(c, x->errsel));
}

/* #AC for a CPL 3 frame (far CALL/RET and IRET at the same level; the
 * inner stack of a privilege change is a CPL 0 access). */
static void xs_align(struct cpu *c, const struct xstack *x, uint32_t lin,
		     unsigned sz)
{
	if (unlikely(c->ac_check) && x->user && (lin & (sz - 1)))
		cpu_fault_err(c, EXC_AC, 0);
}

void xs_push(struct cpu *c, struct xstack *x, unsigned sz, uint32_t v)
{
	uint32_t m = (x->attr & A_DB) ? 0xffffffffu : 0xffff;
	uint32_t sp = (x->sp - sz) & m;
	uint32_t lin = x->base + sp;

	xs_check(c, x, sp, sz);
	xs_align(c, x, lin, sz);
	cpu_vwr(c, lin, sz, v, x->user);
	x->sp = (x->sp & ~m) | sp;
}

uint32_t xs_pop(struct cpu *c, struct xstack *x, unsigned sz)
{
	uint32_t m = (x->attr & A_DB) ? 0xffffffffu : 0xffff;
	uint32_t sp = x->sp & m;
	uint32_t v;

	xs_check(c, x, sp, sz);
	xs_align(c, x, x->base + sp, sz);
	v = cpu_vrd(c, x->base + sp, sz, x->user);
	x->sp = (x->sp & ~m) | ((sp + sz) & m);
	return v;
}
