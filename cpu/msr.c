/* cpu/msr.c: RDTSC, RDMSR, WRMSR, RDPMC and the MSR storage.
 *
 * Which MSRs exist, their reset values and writable bits are the model's
 * data (struct cpu_msr_def in cpu/cpuid.c). Values live in the canonical
 * state's msr[] list, so snapshots and backend switches carry them. The
 * core's hooks see every access first (the board's APIC owns APIC_BASE);
 * what neither they nor the model know is #GP(0).
 *
 * The TSC counts virtual cycles, including the cycles a halted CPU skips
 * (the clock's ns_offset), so it advances with guest time, never with host
 * time: clock->cycles + skipped cycles + tsc_offset.
 */
#include "cpu/ident.h"

static uint64_t virt_cycles(struct cpu *c)
{
	if (!c->clock)
		return 0;
	/* Delay loops read the TSC constantly; the skipped time changes
	 * only when the CPU halts. */
	if (c->tsc_skip_ns != c->clock->ns_offset) {
		c->tsc_skip_ns = c->clock->ns_offset;
		c->tsc_skip_cycles = clock_ns_to_cycles(c->clock,
							c->tsc_skip_ns);
	}
	return c->clock->cycles + c->tsc_skip_cycles;
}

uint64_t cpu_tsc_read(struct cpu *c)
{
	return virt_cycles(c) + c->tsc_offset;
}

void cpu_tsc_write(struct cpu *c, uint64_t v)
{
	c->tsc_offset = v - virt_cycles(c);
}

static const struct cpu_msr_def *msr_def(const struct cpu *c, uint32_t idx)
{
	const struct cpu_ident *id = c->q->ident;

	if (!id)
		return NULL;
	for (unsigned k = 0; k < id->nmsrs; k++)
		if (id->msrs[k].index == idx)
			return &id->msrs[k];
	return NULL;
}

static bool msr_stored(uint8_t kind)
{
	return kind != MK_RO && kind != MK_IGNORE && kind != MK_TSC;
}

/* Position of a stored MSR in the state's list, or -1. */
static int msr_slot(const struct cpu *c, uint32_t idx)
{
	unsigned n = c->s.nmsr < CPU_NMSR ? c->s.nmsr : CPU_NMSR;

	for (unsigned k = 0; k < n; k++)
		if (c->s.msr[k].index == idx)
			return (int)k;
	return -1;
}

uint64_t cpu_msr_value(const struct cpu *c, uint32_t idx)
{
	const struct cpu_msr_def *d = msr_def(c, idx);
	int k;

	if (!d)
		return 0;
	k = msr_slot(c, idx);
	return k >= 0 ? c->s.msr[k].value : d->reset;
}

void cpu_msr_store(struct cpu *c, uint32_t idx, uint64_t v)
{
	int k = msr_slot(c, idx);

	if (k < 0) {
		/* A state from elsewhere may lack the entry: add it. */
		if (c->s.nmsr >= CPU_NMSR)
			return;
		k = (int)c->s.nmsr++;
		c->s.msr[k].index = idx;
	}
	c->s.msr[k].value = v;
}

void cpu_msr_reset(struct cpu *c)
{
	const struct cpu_ident *id = c->q->ident;

	c->s.nmsr = 0;
	cpu_tsc_write(c, 0);
	if (!id)
		return;
	for (unsigned k = 0; k < id->nmsrs && c->s.nmsr < CPU_NMSR; k++) {
		const struct cpu_msr_def *d = &id->msrs[k];
		if (msr_stored(d->kind)) {
			c->s.msr[c->s.nmsr].index = d->index;
			c->s.msr[c->s.nmsr].value = d->reset;
			c->s.nmsr++;
		}
	}
}

/* Memory types: UC 0, WC 1, WT 4, WP 5, WB 6 (PAT adds UC- 7). */
static bool mem_type_ok(unsigned t, bool pat)
{
	return t == 0 || t == 1 || (t >= 4 && t <= 6) || (pat && t == 7);
}

static bool msr_write_ok(const struct cpu_msr_def *d, uint64_t v)
{
	switch (d->kind) {
	case MK_RW:
	case MK_SIGN:
		return !(v & ~d->wmask);
	case MK_MTRR:
		return !(v & ~d->wmask) && mem_type_ok(v & 0xff, false);
	case MK_MTRRFIX:
	case MK_PAT:
		for (unsigned k = 0; k < 8; k++)
			if (!mem_type_ok((v >> (8 * k)) & 0xff, d->kind == MK_PAT))
				return false;
		return true;
	case MK_RO:
		return false;
	default:
		return true;
	}
}

/* RDMSR/WRMSR/RDTSC privilege: CPL 0 (real mode counts as 0; V86 is 3). */
static void need_cpl0(struct cpu *c)
{
	if (c->cpl != 0)
		cpu_fault_err(c, EXC_GP, 0);
}

static void set_edx_eax(struct cpu *c, uint64_t v)
{
	c->s.gpr[REG_AX] = (uint32_t)v;
	c->s.gpr[REG_DX] = (uint32_t)(v >> 32);
}

/* An MSR read: the core's hooks first (they may own any index, e.g. the
 * board's local APIC behind APIC_BASE), then the model's own MSRs. */
bool cpu_msr_read(struct cpu *c, uint32_t idx, uint64_t *v)
{
	const struct cpu_msr_def *d;

	if (c->hooks.rdmsr && c->hooks.rdmsr(c->hooks.opaque, idx, v))
		return true;
	d = msr_def(c, idx);
	if (!d)
		return false;
	if (d->kind == MK_TSC)
		*v = cpu_tsc_read(c);
	else if (d->kind == MK_RO)
		*v = d->reset;
	else if (d->kind == MK_IGNORE)
		*v = 0;
	else
		*v = cpu_msr_value(c, idx);
	return true;
}

/* 0F 32 */
void op_rdmsr(struct cpu *c, const struct insn *i)
{
	uint64_t v = 0;

	need_cpl0(c);
	if (!cpu_msr_read(c, (uint32_t)c->s.gpr[REG_CX], &v))
		cpu_fault_err(c, EXC_GP, 0);
	set_edx_eax(c, v);
}

/* 0F 30: hooks first, as for reads. */
void op_wrmsr(struct cpu *c, const struct insn *i)
{
	uint32_t idx = (uint32_t)c->s.gpr[REG_CX];
	uint64_t v = (uint32_t)c->s.gpr[REG_AX] |
		     (uint64_t)(uint32_t)c->s.gpr[REG_DX] << 32;
	const struct cpu_msr_def *d;

	need_cpl0(c);
	if (c->hooks.wrmsr && c->hooks.wrmsr(c->hooks.opaque, idx, v))
		return;
	d = msr_def(c, idx);
	if (!d || !msr_write_ok(d, v))
		cpu_fault_err(c, EXC_GP, 0);
	switch (d->kind) {
	case MK_TSC:
		/* The cycles of WRMSR itself are charged after the handler:
		 * the TSC reads v at the end of this instruction. */
		cpu_tsc_write(c, (v & d->wmask) - i->cycles);
		break;
	case MK_IGNORE:
		break;
	default:
		cpu_msr_store(c, idx, v & d->wmask);
		break;
	}
}

/* 0F 31: CR4.TSD restricts it to CPL 0. */
void op_rdtsc(struct cpu *c, const struct insn *i)
{
	if ((c->s.cr4 & (1u << 2)) && c->cpl != 0)
		cpu_fault_err(c, EXC_GP, 0);
	set_edx_eax(c, cpu_tsc_read(c));
}

/* 0F 33: no performance counters are modelled: both read 0. CR4.PCE lets
 * CPL > 0 use it; counters past 1 are #GP. */
void op_rdpmc(struct cpu *c, const struct insn *i)
{
	if (!(c->s.cr4 & (1u << 8)) && c->cpl != 0)
		cpu_fault_err(c, EXC_GP, 0);
	if ((uint32_t)c->s.gpr[REG_CX] > 1)
		cpu_fault_err(c, EXC_GP, 0);
	set_edx_eax(c, 0);
}
