/* cpu/fpu_fxsave.c: FXSAVE and FXRSTOR (0F AE /0 and /1), the 512-byte
 * x87 save area of the P6 family (SDM vol. 1 10.5.1, the non-64-bit
 * format).
 *
 * Present where the model's CPUID reports FXSR (data, cpu/cpuid.c). The
 * models have no SSE, so only the x87 part is saved and restored: the
 * XMM area (bytes 160-287) and the reserved rest are left alone, MXCSR is
 * stored as its reset value 1F80h with MXCSR_MASK FFBFh and ignored on
 * restore, and CR4.OSFXSR (which only concerns XMM state) changes
 * nothing. #UD without FXSR or for /2-/7 and register operands, #NM with
 * CR0.EM or CR0.TS, #GP(0) for an operand not 16-byte aligned (the
 * linear address, whatever the segment). Neither instruction waits for
 * pending x87 exceptions nor changes FIP/FDP/FOP.
 */
#include "cpu/fpu.h"
#include "cpu/ident.h"

enum {
	FX_MXCSR = 0x1f80,
	FX_MXCSR_MASK = 0xffbf,
	FX_ST = 32, /* ST(i) at 32 + 16 * i, in stack order */
};

/* Abridged tag: bit p set when physical register p is not empty. */
static uint8_t fpu_ftw_abridged(const struct cpu *c)
{
	uint8_t t = 0;

	for (unsigned p = 0; p < 8; p++)
		if (fpu_tag_phys(c, p) != TAG_EMPTY)
			t = (uint8_t)(t | 1u << p);
	return t;
}

static void fpu_fxsave(struct cpu *c, const struct insn *i)
{
	const struct cpu_fpu *f = &c->s.fpu;

	/* registers first, then the header: nothing in the FPU changes, so
	 * a fault part-way leaves only a partly written image */
	for (unsigned k = 0; k < 8; k++) {
		struct f80 v = fpu_get(c, k);
		fpu_write80(c, i, FX_ST + 16 * k, &v);
		wr16(c, i->seg, fpu_ea(c, i, FX_ST + 16 * k + 10), 0);
		wr32(c, i->seg, fpu_ea(c, i, FX_ST + 16 * k + 12), 0);
	}
	wr16(c, i->seg, fpu_ea(c, i, 0), f->fcw);
	wr16(c, i->seg, fpu_ea(c, i, 2), f->fsw);
	wr16(c, i->seg, fpu_ea(c, i, 4), fpu_ftw_abridged(c));
	wr16(c, i->seg, fpu_ea(c, i, 6), (uint16_t)(f->fop & 0x7ff));
	wr32(c, i->seg, fpu_ea(c, i, 8), (uint32_t)f->fip);
	wr32(c, i->seg, fpu_ea(c, i, 12), f->fcs);
	wr32(c, i->seg, fpu_ea(c, i, 16), (uint32_t)f->fdp);
	wr32(c, i->seg, fpu_ea(c, i, 20), f->fds);
	wr32(c, i->seg, fpu_ea(c, i, 24), FX_MXCSR);
	wr32(c, i->seg, fpu_ea(c, i, 28), FX_MXCSR_MASK);
}

/* Read everything, then commit: a fault leaves the FPU as it was. */
static void fpu_fxrstor(struct cpu *c, const struct insn *i)
{
	struct cpu_fpu f = c->s.fpu;
	struct f80 r[8];
	unsigned tags;

	f.fcw = (uint16_t)((rd16(c, i->seg, fpu_ea(c, i, 0)) &
			    ~FCW_RESERVED) | 0x40);
	f.fsw = rd16(c, i->seg, fpu_ea(c, i, 2));
	tags = rd16(c, i->seg, fpu_ea(c, i, 4)) & 0xff;
	f.fop = rd16(c, i->seg, fpu_ea(c, i, 6)) & 0x7ff;
	f.fip = rd32(c, i->seg, fpu_ea(c, i, 8));
	f.fcs = rd16(c, i->seg, fpu_ea(c, i, 12));
	f.fdp = rd32(c, i->seg, fpu_ea(c, i, 16));
	f.fds = rd16(c, i->seg, fpu_ea(c, i, 20));
	rd32(c, i->seg, fpu_ea(c, i, 24)); /* MXCSR: no SSE to load it into */
	for (unsigned k = 0; k < 8; k++)
		fpu_read80(c, i, FX_ST + 16 * k, &r[k]);

	fpu_set_top(c, f.fsw >> 11);
	for (unsigned k = 0; k < 8; k++) {
		uint8_t *p = c->s.fpu.st[fpu_phys(c, k)];
		for (unsigned b = 0; b < 8; b++)
			p[b] = (uint8_t)(r[k].m >> (8 * b));
		p[8] = (uint8_t)r[k].se;
		p[9] = (uint8_t)(r[k].se >> 8);
	}
	/* empty where the abridged bit is clear; the others follow the
	 * contents (fpu_env_commit recomputes non-empty tags) */
	f.ftw = 0;
	for (unsigned p = 0; p < 8; p++)
		if (!(tags >> p & 1))
			f.ftw = (uint16_t)(f.ftw | TAG_EMPTY << (2 * p));
	fpu_env_commit(c, &f);
}

void op_fxsave(struct cpu *c, const struct insn *i)
{
	const struct cpu_ident *id = c->q->ident;
	uint32_t lin;

	if (i->reg > 1 || i->mod == 3 || i->lock || !id ||
	    !(id->feat_edx & CPUID_FXSR))
		cpu_fault(c, EXC_UD);
	if (c->s.cr0 & (CR0_EM | CR0_TS))
		cpu_fault(c, EXC_NM);
	lin = (uint32_t)c->s.seg[i->seg].base + insn_ea(c, i);
	if (lin & 15)
		cpu_fault(c, EXC_GP);
	if (i->reg == 0)
		fpu_fxsave(c, i);
	else
		fpu_fxrstor(c, i);
}
