/* cpu/sysenter.c: SYSENTER and SYSEXIT (P6, 0F 34/35).
 *
 * Fast system calls load flat CS and SS caches straight from SYSENTER_CS
 * without reading descriptors (SDM vol. 2, SYSENTER): CS = SYSENTER_CS
 * (DPL 0) / +16 (DPL 3), SS = CS + 8. #GP(0) outside protected mode or
 * with a null SYSENTER_CS; SYSEXIT also needs CPL 0.
 */
#include "cpu/ident.h"
#include "cpu/pm.h"

/* Flat 4 GiB segment: present, S, accessed, G and D/B; type 3 (data,
 * read/write) or 11 (code, execute/read). */
static void seg_flat(struct cpu *c, unsigned seg, uint16_t sel, bool code,
		     unsigned dpl)
{
	struct cpu_segment *s = &c->s.seg[seg];

	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffffu;
	s->attr = (uint16_t)(A_G | A_DB | A_P | (dpl << 5) | A_S | A_RW |
			     A_ACC | (code ? A_CODE : 0));
}

static uint16_t sysenter_cs(struct cpu *c)
{
	uint16_t cs = (uint16_t)cpu_msr_value(c, MSR_SYSENTER_CS);

	if (!cpu_pe(c) || (cs & 0xfffc) == 0)
		cpu_fault_err(c, EXC_GP, 0);
	return cs;
}

static void sysenter_commit(struct cpu *c, unsigned cpl)
{
	cpu_set_cpl(c, cpl);
	cpu_cs_sync(c);
	cpu_seg_sync(c, SEG_CS);
	cpu_seg_sync(c, SEG_SS);
}

void op_sysenter(struct cpu *c, const struct insn *i)
{
	uint16_t cs = sysenter_cs(c);

	c->s.rflags &= ~(uint64_t)(FLAG_VM | FLAG_IF | FLAG_RF);
	seg_flat(c, SEG_CS, cs & 0xfffc, true, 0);
	seg_flat(c, SEG_SS, (uint16_t)((cs & 0xfffc) + 8), false, 0);
	c->s.gpr[REG_SP] = (uint32_t)cpu_msr_value(c, MSR_SYSENTER_ESP);
	c->s.rip = (uint32_t)cpu_msr_value(c, MSR_SYSENTER_EIP);
	sysenter_commit(c, 0);
}

void op_sysexit(struct cpu *c, const struct insn *i)
{
	uint16_t cs = sysenter_cs(c);

	if (c->cpl != 0)
		cpu_fault_err(c, EXC_GP, 0);
	seg_flat(c, SEG_CS, (uint16_t)(((cs & 0xfffc) + 16) | 3), true, 3);
	seg_flat(c, SEG_SS, (uint16_t)(((cs & 0xfffc) + 24) | 3), false, 3);
	c->s.gpr[REG_SP] = (uint32_t)c->s.gpr[REG_CX];
	c->s.rip = (uint32_t)c->s.gpr[REG_DX];
	sysenter_commit(c, 3);
}
