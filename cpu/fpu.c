/* cpu/fpu.c: the x87 FPU: state, stack, exceptions, the control
 * instructions (FINIT, FCLEX, FSTSW, FSTCW, FLDCW, FSTENV, FLDENV, FSAVE,
 * FRSTOR) and the entry point for D8-DF and WAIT.
 *
 * Present on the 386 (an 80387 is assumed fitted), integrated from the 486
 * on: model data (cpu_model.fpu). Models without one keep op_esc's no-op.
 * Unmasked exceptions are reported at the next waiting FPU instruction:
 * #MF with CR0.NE=1, else the FERR# hook (the PC routes it to IRQ13) and
 * the instruction proceeds, as if the chipset's IGNNE# were asserted.
 */
#include <string.h>

#include "cpu/fpu.h"

const struct f80 fpu_indefinite = { 0xc000000000000000ull, 0xffff };

/* Instruction classes (fpu_class). */
#define FC_UD 1u     /* invalid encoding: #UD */
#define FC_NOWAIT 2u /* FN* forms: no check for pending exceptions */
#define FC_CTRL 4u   /* leaves FIP/FDP/FOP alone; executed here */

unsigned fpu_tag_of(const struct f80 *v)
{
	unsigned e = v->se & 0x7fff;

	if (e == 0)
		return v->m ? TAG_SPECIAL : TAG_ZERO;
	if (e == 0x7fff || !(v->m >> 63))
		return TAG_SPECIAL; /* NaN, infinity, unnormal */
	return TAG_VALID;
}

struct f80 fpu_get(const struct cpu *c, unsigned i)
{
	const uint8_t *p = c->s.fpu.st[fpu_phys(c, i)];
	struct f80 v = { 0, 0 };

	for (unsigned k = 0; k < 8; k++)
		v.m |= (uint64_t)p[k] << (8 * k);
	v.se = (uint16_t)(p[8] | p[9] << 8);
	return v;
}

void fpu_set(struct cpu *c, unsigned i, const struct f80 *v)
{
	unsigned ph = fpu_phys(c, i);
	uint8_t *p = c->s.fpu.st[ph];

	for (unsigned k = 0; k < 8; k++)
		p[k] = (uint8_t)(v->m >> (8 * k));
	p[8] = (uint8_t)v->se;
	p[9] = (uint8_t)(v->se >> 8);
	fpu_set_tag_phys(c, ph, fpu_tag_of(v));
}

void fpu_pop(struct cpu *c)
{
	fpu_set_tag_phys(c, fpu_top(c), TAG_EMPTY);
	fpu_set_top(c, fpu_top(c) + 1);
}

/* The caller has checked that ST(7) is empty. */
void fpu_push(struct cpu *c, const struct f80 *v)
{
	fpu_set_top(c, fpu_top(c) - 1);
	fpu_set(c, 0, v);
}

static void fpu_ferr(struct cpu *c, bool level)
{
	if (c->hooks.ferr)
		c->hooks.ferr(c->hooks.opaque, level);
}

/* Recompute ES/B from the flags and the masks (FLDCW, FLDENV, FRSTOR). */
static void fpu_update_es(struct cpu *c)
{
	struct cpu_fpu *f = &c->s.fpu;
	bool was = f->fsw & FSW_ES;

	if (f->fsw & ~f->fcw & FSW_EXC)
		f->fsw |= FSW_ES | FSW_B;
	else
		f->fsw &= (uint16_t)~(FSW_ES | FSW_B);
	if (was && !(f->fsw & FSW_ES))
		fpu_ferr(c, false);
}

/* Set sticky flags; an unmasked one sets the error summary (ES, B). */
void fpu_raise(struct cpu *c, unsigned exc)
{
	struct cpu_fpu *f = &c->s.fpu;

	f->fsw |= (uint16_t)exc;
	if (exc & ~f->fcw & FSW_EXC)
		f->fsw |= FSW_ES | FSW_B;
}

/* Stack underflow (an empty source): IE|SF, C1=0. Returns true when IE
 * is masked, i.e. the caller stores the default result. */
bool fpu_underflow(struct cpu *c)
{
	fpu_set_cc(c, FSW_C1, 0);
	fpu_raise(c, FSW_IE | FSW_SF);
	return c->s.fpu.fcw & FSW_IE;
}

/* Stack overflow (a push onto a full register): IE|SF, C1=1. */
bool fpu_overflow(struct cpu *c)
{
	fpu_set_cc(c, FSW_C1, FSW_C1);
	fpu_raise(c, FSW_IE | FSW_SF);
	return c->s.fpu.fcw & FSW_IE;
}

/* Merge an fh_run status: its exception flags (not SF: fh_run's stack never
 * faults) and, unless the result is suppressed, the condition codes in
 * ccmask. Returns false if an unmasked IE, DE or ZE suppresses it. */
bool fpu_post(struct cpu *c, unsigned hsw, unsigned ccmask)
{
	unsigned e = hsw & FSW_EXC;
	bool ok = !(e & ~c->s.fpu.fcw & FSW_PRE);

	if (ok)
		fpu_set_cc(c, ccmask, hsw);
	fpu_raise(c, e);
	return ok;
}

uint16_t fpu_hcw(const struct cpu *c)
{
	return c->s.fpu.fcw;
}

uint32_t fpu_ea(const struct cpu *c, const struct insn *i, unsigned k)
{
	uint32_t ea = insn_ea(c, i) + k;
	return i->asize == 2 ? (ea & 0xffff) : ea;
}

void fpu_read80(struct cpu *c, const struct insn *i, unsigned k,
		struct f80 *v)
{
	uint32_t lo = rd32(c, i->seg, fpu_ea(c, i, k));
	uint32_t hi = rd32(c, i->seg, fpu_ea(c, i, k + 4));

	v->se = rd16(c, i->seg, fpu_ea(c, i, k + 8));
	v->m = lo | (uint64_t)hi << 32;
}

void fpu_write80(struct cpu *c, const struct insn *i, unsigned k,
		 const struct f80 *v)
{
	wr32(c, i->seg, fpu_ea(c, i, k), (uint32_t)v->m);
	wr32(c, i->seg, fpu_ea(c, i, k + 4), (uint32_t)(v->m >> 32));
	wr16(c, i->seg, fpu_ea(c, i, k + 8), v->se);
}

/* --- reset and FNINIT ---------------------------------------------------- */

static void fpu_init(struct cpu *c)
{
	struct cpu_fpu *f = &c->s.fpu;

	if (f->fsw & FSW_ES)
		fpu_ferr(c, false);
	f->fcw = 0x037f;
	f->fsw = 0;
	f->ftw = 0xffff;
	f->fop = 0;
	f->fip = f->fdp = 0;
	f->fcs = f->fds = 0;
}

/* Power-on state: an 80387 comes up as after FNINIT; the integrated FPUs
 * with FCW 0040h and every register tagged zero (+0.0). */
void fpu_reset(struct cpu *c)
{
	struct cpu_fpu *f = &c->s.fpu;

	memset(f, 0, sizeof(*f));
	if (c->model->fpu == CPU_FPU_NONE || c->model->fpu == CPU_FPU_387) {
		fpu_init(c);
		return;
	}
	f->fcw = 0x0040;
	f->ftw = 0x5555;
}

/* --- environment (FSTENV/FLDENV, FSAVE/FRSTOR) ----------------------- */

static bool fpu_pm(const struct cpu *c)
{
	return (c->s.cr0 & CR0_PE) && !(c->s.rflags & FLAG_VM);
}

/* The tag word as stored: non-empty tags recomputed from the contents. */
static uint16_t fpu_ftw_now(const struct cpu *c)
{
	uint16_t t = 0;

	for (unsigned p = 0; p < 8; p++) {
		unsigned tag = fpu_tag_phys(c, p);
		if (tag != TAG_EMPTY) {
			struct f80 v;
			const uint8_t *b = c->s.fpu.st[p];
			v.m = 0;
			for (unsigned k = 0; k < 8; k++)
				v.m |= (uint64_t)b[k] << (8 * k);
			v.se = (uint16_t)(b[8] | b[9] << 8);
			tag = fpu_tag_of(&v);
		}
		t |= (uint16_t)(tag << (2 * p));
	}
	return t;
}

/* Stores the 14- or 28-byte environment; returns its size. Real and V86
 * mode store 20/32-bit linear pointers (CS/DS * 16 + offset) with the
 * opcode; protected mode the selectors and offsets. Reserved upper halves
 * of the 32-bit form read as 1s, as on Intel parts. */
static unsigned fpu_stenv(struct cpu *c, const struct insn *i)
{
	const struct cpu_fpu *f = &c->s.fpu;
	bool pm = fpu_pm(c);
	uint32_t w[7], ip, dp, fop = f->fop & 0x7ffu;
	uint32_t res = 0; /* reserved words reading as 1s, one bit each */

	w[0] = f->fcw;
	w[1] = f->fsw;
	w[2] = fpu_ftw_now(c);
	if (pm) {
		w[3] = (uint32_t)f->fip;
		w[4] = f->fcs | fop << 16;
		w[5] = (uint32_t)f->fdp;
		w[6] = f->fds;
		res = 0x47;
	} else {
		ip = ((uint32_t)f->fcs << 4) + (uint32_t)f->fip;
		dp = ((uint32_t)f->fds << 4) + (uint32_t)f->fdp;
		w[3] = ip & 0xffff;
		w[5] = dp & 0xffff;
		if (i->osize == 4) {
			w[4] = (ip & 0xffff0000u) >> 4 | fop;
			w[6] = (dp & 0xffff0000u) >> 4;
		} else {
			w[4] = (ip >> 16 & 0xf) << 12 | fop;
			w[6] = (dp >> 16 & 0xf) << 12;
		}
		res = 0x2f;
	}
	if (i->osize == 4) {
		for (unsigned k = 0; k < 7; k++)
			wr32(c, i->seg, fpu_ea(c, i, 4 * k),
			     w[k] | ((res >> k & 1) ? 0xffff0000u : 0));
		return 28;
	}
	for (unsigned k = 0; k < 7; k++)
		wr16(c, i->seg, fpu_ea(c, i, 2 * k), (uint16_t)w[k]);
	return 14;
}

/* Reads the environment into *f (only the fields it holds); returns its
 * size. Nothing in c changes, so a fault leaves the FPU intact. */
static unsigned fpu_ldenv(struct cpu *c, const struct insn *i,
			  struct cpu_fpu *f)
{
	uint32_t w[7];
	unsigned n = i->osize == 4 ? 28 : 14;

	for (unsigned k = 0; k < 7; k++)
		w[k] = n == 28 ? rd32(c, i->seg, fpu_ea(c, i, 4 * k))
			       : rd16(c, i->seg, fpu_ea(c, i, 2 * k));
	f->fcw = (uint16_t)((w[0] & ~FCW_RESERVED) | 0x40);
	f->fsw = (uint16_t)w[1];
	f->ftw = (uint16_t)w[2];
	if (fpu_pm(c)) {
		f->fip = w[3];
		f->fcs = (uint16_t)w[4];
		f->fop = n == 28 ? (uint16_t)(w[4] >> 16 & 0x7ff) : 0;
		f->fdp = w[5];
		f->fds = (uint16_t)w[6];
	} else if (n == 28) {
		f->fip = (w[3] & 0xffff) | (w[4] & 0x0ffff000u) << 4;
		f->fop = (uint16_t)(w[4] & 0x7ff);
		f->fdp = (w[5] & 0xffff) | (w[6] & 0x0ffff000u) << 4;
		f->fcs = f->fds = 0;
	} else {
		f->fip = (w[3] & 0xffff) | (w[4] & 0xf000u) << 4;
		f->fop = (uint16_t)(w[4] & 0x7ff);
		f->fdp = (w[5] & 0xffff) | (w[6] & 0xf000u) << 4;
		f->fcs = f->fds = 0;
	}
	return n;
}

/* Commit a loaded environment: tags of non-empty registers follow the
 * contents, ES/B follow flags and masks. */
void fpu_env_commit(struct cpu *c, const struct cpu_fpu *f)
{
	struct cpu_fpu *d = &c->s.fpu;
	bool es = d->fsw & FSW_ES;

	d->fcw = f->fcw;
	d->fsw = f->fsw;
	d->fop = f->fop;
	d->fip = f->fip;
	d->fdp = f->fdp;
	d->fcs = f->fcs;
	d->fds = f->fds;
	d->ftw = f->ftw;
	d->ftw = fpu_ftw_now(c);
	if (es)
		d->fsw |= FSW_ES;
	fpu_update_es(c);
}

static void fpu_frstor(struct cpu *c, const struct insn *i)
{
	struct cpu_fpu f = c->s.fpu;
	struct f80 r[8];
	unsigned n = fpu_ldenv(c, i, &f);

	for (unsigned k = 0; k < 8; k++)
		fpu_read80(c, i, n + 10 * k, &r[k]);
	fpu_set_top(c, f.fsw >> 11);
	for (unsigned k = 0; k < 8; k++) {
		uint8_t *p = c->s.fpu.st[fpu_phys(c, k)];
		for (unsigned b = 0; b < 8; b++)
			p[b] = (uint8_t)(r[k].m >> (8 * b));
		p[8] = (uint8_t)r[k].se;
		p[9] = (uint8_t)(r[k].se >> 8);
	}
	fpu_env_commit(c, &f);
}

static void fpu_fsave(struct cpu *c, const struct insn *i)
{
	unsigned n;

	/* Write the registers first: a fault on the last byte must not
	 * leave the environment half-written with the FPU reinitialised. */
	n = i->osize == 4 ? 28 : 14;
	for (unsigned k = 0; k < 8; k++) {
		struct f80 v = fpu_get(c, k);
		fpu_write80(c, i, n + 10 * k, &v);
	}
	fpu_stenv(c, i);
	fpu_init(c);
}

/* --- the control instructions ---------------------------------------- */

static void fpu_exec_ctrl(struct cpu *c, const struct insn *i)
{
	unsigned op = i->op & 7;
	struct cpu_fpu *f = &c->s.fpu;

	if (i->mod == 3) {
		if (op == 7) { /* DF E0: FNSTSW AX */
			reg_set(c, REG_AX, 2, f->fsw);
		} else if (i->rm == 2) { /* DB E2: FNCLEX */
			if (f->fsw & FSW_ES)
				fpu_ferr(c, false);
			f->fsw &= 0x7f00;
		} else if (i->rm == 3) { /* DB E3: FNINIT */
			fpu_init(c);
		} /* DB E0, E1, E4: 8087/287 FNENI, FNDISI, FNSETPM: no-ops */
		return;
	}
	if (op == 1) {
		switch (i->reg) {
		case 4: { /* FLDENV */
			struct cpu_fpu e = *f;
			fpu_ldenv(c, i, &e);
			fpu_env_commit(c, &e);
			break;
		}
		case 5: /* FLDCW */
			f->fcw = (uint16_t)((rd16(c, i->seg, fpu_ea(c, i, 0)) &
					     ~FCW_RESERVED) | 0x40);
			fpu_update_es(c);
			break;
		case 6: /* FNSTENV, then mask every exception */
			fpu_stenv(c, i);
			f->fcw |= FSW_EXC;
			break;
		case 7: /* FNSTCW */
			wr16(c, i->seg, fpu_ea(c, i, 0), f->fcw);
			break;
		}
		return;
	}
	switch (i->reg) { /* DD */
	case 4: fpu_frstor(c, i); break;
	case 6: fpu_fsave(c, i); break;
	case 7: wr16(c, i->seg, fpu_ea(c, i, 0), f->fsw); break; /* FNSTSW */
	}
}

/* --- decode classes ------------------------------------------------------ */

static unsigned fpu_class(const struct cpu *c, const struct insn *i)
{
	unsigned op = i->op & 7, r = i->reg, lo = i->reg << 3 | i->rm;
	bool p6 = c->model->fpu >= CPU_FPU_P6;

	if (i->mod != 3) {
		switch (op) {
		case 1:
			if (r == 1)
				return FC_UD;
			if (r == 6 || r == 7)
				return FC_CTRL | FC_NOWAIT;
			return r >= 4 ? FC_CTRL : 0;
		case 3: /* /1 FISTTP is SSE3 */
			return (r == 1 || r == 4 || r == 6) ? FC_UD : 0;
		case 5:
			if (r == 1 || r == 5)
				return FC_UD;
			if (r == 6 || r == 7)
				return FC_CTRL | FC_NOWAIT;
			return r == 4 ? FC_CTRL : 0;
		case 7:
			return r == 1 ? FC_UD : 0;
		}
		return 0;
	}
	switch (op) {
	case 1:
		if (lo >= 0x11 && lo <= 0x17)
			return FC_UD;
		if (lo == 0x22 || lo == 0x23 || lo == 0x26 || lo == 0x27 ||
		    lo == 0x2f)
			return FC_UD;
		return 0;
	case 2:
		if (r < 4)
			return p6 ? 0 : FC_UD;
		return lo == 0x29 ? 0 : FC_UD;
	case 3:
		if (r < 4 || r == 5 || r == 6)
			return p6 ? 0 : FC_UD;
		if (lo >= 0x20 && lo <= 0x24)
			return FC_CTRL | FC_NOWAIT;
		return FC_UD;
	case 5:
		return r >= 6 ? FC_UD : 0;
	case 6:
		return r == 3 && i->rm != 1 ? FC_UD : 0;
	case 7:
		if (r == 4)
			return i->rm == 0 ? FC_CTRL | FC_NOWAIT : FC_UD;
		if (r == 5 || r == 6)
			return p6 ? 0 : FC_UD;
		return r == 7 ? FC_UD : 0;
	}
	return 0;
}

/* A waiting instruction with an unmasked exception pending. */
static void fpu_check_pending(struct cpu *c)
{
	if (!(c->s.fpu.fsw & FSW_ES))
		return;
	if (c->s.cr0 & CR0_NE)
		cpu_fault(c, FPU_VEC_MF);
	fpu_ferr(c, true);
}

/* D8-DF on a model with an FPU. */
void op_fpu(struct cpu *c, const struct insn *i)
{
	struct cpu_fpu *f = &c->s.fpu;
	unsigned cls;

	if (c->s.cr0 & (CR0_EM | CR0_TS))
		cpu_fault(c, EXC_NM);
	cls = fpu_class(c, i);
	if (cls & FC_UD)
		cpu_fault(c, EXC_UD);
	if (!(cls & FC_NOWAIT))
		fpu_check_pending(c);
	if (cls & FC_CTRL) {
		fpu_exec_ctrl(c, i);
		return;
	}
	/* Last instruction (and data) pointers, as the P6 keeps them. */
	f->fop = (uint16_t)((i->op & 7) << 8 | i->mod << 6 | i->reg << 3 |
			    i->rm);
	f->fip = c->insn_ip;
	f->fcs = c->s.seg[SEG_CS].sel;
	if (i->mod != 3) {
		f->fdp = fpu_ea(c, i, 0);
		f->fds = c->s.seg[i->seg].sel;
	}
	fpu_exec_arith(c, i);
}

/* 9B WAIT/FWAIT on a model with an FPU. */
void op_fwait(struct cpu *c, const struct insn *i)
{
	if ((c->s.cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
		cpu_fault(c, EXC_NM);
	fpu_check_pending(c);
}
