/* cpu/cpuid.c: CPUID (0F A2) and the per-model identification records.
 *
 * Honest by design: the vendor is GenuineIntel, the signature in leaf 1 EAX
 * is the model's reset EDX, and a feature bit is set only when Lucid
 * implements what it promises (so no VME, PAE, MCE/MCA, MMX, SSE yet,
 * even where the real chip had them; APIC only while the board's local
 * APIC is enabled, as on the chip). The 386 and 486 models have no
 * CPUID: their EFLAGS.ID cannot be toggled and 0F A2 is #UD.
 */
#include "cpu/ident.h"

/* Pentium (P54C): TSC and MSRs, CMPXCHG8B, 4 MiB pages, I/O breakpoints. */
static const struct cpu_msr_def msrs_pentium[] = {
	{ MSR_TSC, MK_TSC, 0, ~0ull },
};

const struct cpu_ident cpu_ident_pentium = {
	.max_leaf = 1,
	.feat_edx = CPUID_FPU | CPUID_DE | CPUID_PSE | CPUID_TSC |
		    CPUID_MSR | CPUID_CX8,
	.msrs = msrs_pentium,
	.nmsrs = sizeof(msrs_pentium) / sizeof(msrs_pentium[0]),
};

/* Pentium II MTRRs (SDM vol. 3 11.11): 8 variable pairs, the fixed-range
 * set, write combining. 36 physical address bits. */
#define MTRR_PHYS 0xffffff000ull
#define MTRR_VAR(n)                                                          \
	{ 0x200 + 2 * (n), MK_MTRR, 0, MTRR_PHYS | 0xff },                   \
	{ 0x201 + 2 * (n), MK_RW, 0, MTRR_PHYS | 0x800 }

static const struct cpu_msr_def msrs_p6[] = {
	/* Writing the P6 TSC sets the low 32 bits and clears the rest. */
	{ MSR_TSC, MK_TSC, 0, 0xffffffffull },
	{ 0x17, MK_RO, 0, 0 },                       /* PLATFORM_ID */
	/* Without a board APIC behind the hooks: BSP set, enable clear. */
	{ MSR_APIC_BASE, MK_RW, 0xfee00100ull, MTRR_PHYS | 0x900 },
	{ 0x79, MK_IGNORE, 0, 0 },                   /* BIOS_UPDT_TRIG */
	{ MSR_BIOS_SIGN, MK_SIGN, 0, ~0ull },
	{ 0xfe, MK_RO, 0x508, 0 },                   /* MTRRcap: WC, FIX, 8 */
	{ MSR_SYSENTER_CS, MK_LAX, 0, 0xffffffffull },
	{ MSR_SYSENTER_ESP, MK_LAX, 0, 0xffffffffull },
	{ MSR_SYSENTER_EIP, MK_LAX, 0, 0xffffffffull },
	{ 0x1a0, MK_LAX, 1, 1 },                     /* MISC_ENABLE */
	MTRR_VAR(0), MTRR_VAR(1), MTRR_VAR(2), MTRR_VAR(3),
	MTRR_VAR(4), MTRR_VAR(5), MTRR_VAR(6), MTRR_VAR(7),
	{ 0x250, MK_MTRRFIX, 0, ~0ull },              /* FIX64K_00000 */
	{ 0x258, MK_MTRRFIX, 0, ~0ull },              /* FIX16K_80000 */
	{ 0x259, MK_MTRRFIX, 0, ~0ull },              /* FIX16K_A0000 */
	{ 0x268, MK_MTRRFIX, 0, ~0ull }, { 0x269, MK_MTRRFIX, 0, ~0ull },
	{ 0x26a, MK_MTRRFIX, 0, ~0ull }, { 0x26b, MK_MTRRFIX, 0, ~0ull },
	{ 0x26c, MK_MTRRFIX, 0, ~0ull }, { 0x26d, MK_MTRRFIX, 0, ~0ull },
	{ 0x26e, MK_MTRRFIX, 0, ~0ull }, { 0x26f, MK_MTRRFIX, 0, ~0ull },
	{ 0x2ff, MK_MTRR, 0, 0xcff },                /* MTRRdefType */
	/* PAT (0x277, MK_PAT, 0x0007040600070406) arrived with the
	 * Pentium III: add it here with CPUID_PAT for such a model. */
};

/* Pentium II (Deschutes, 0652h): SYSENTER is real from model 3 on (the
 * Pentium Pro's SEP bit is the erratum OSes filter out). Leaf 2: 16 KiB
 * L1 I and D, 512 KiB L2, the 4K/4M TLBs. */
const struct cpu_ident cpu_ident_pentium2 = {
	.max_leaf = 2,
	.feat_edx = CPUID_FPU | CPUID_DE | CPUID_PSE | CPUID_TSC |
		    CPUID_MSR | CPUID_CX8 | CPUID_SEP | CPUID_MTRR |
		    CPUID_PGE | CPUID_CMOV | CPUID_FXSR,
	.leaf2 = { 0x03020101, 0, 0, 0x0c040843 },
	.ucode_rev = 0x2a,
	.apic = true,
	.msrs = msrs_p6,
	.nmsrs = sizeof(msrs_p6) / sizeof(msrs_p6[0]),
};

/* Leaves above the maximum return the highest basic leaf, as Intel's do. */
static void cpuid_leaf(struct cpu *c, const struct cpu_ident *id,
		       uint32_t leaf, uint32_t out[4])
{
	if (leaf > id->max_leaf)
		leaf = id->max_leaf;
	out[0] = out[1] = out[2] = out[3] = 0;
	switch (leaf) {
	case 0:
		out[0] = id->max_leaf;
		out[1] = 0x756e6547; /* "Genu" */
		out[3] = 0x49656e69; /* "ineI" */
		out[2] = 0x6c65746e; /* "ntel" */
		break;
	case 1: {
		uint64_t base = 0;
		out[0] = c->q->reset_edx;
		out[2] = id->feat_ecx;
		out[3] = id->feat_edx;
		if (id->apic && cpu_msr_read(c, MSR_APIC_BASE, &base) &&
		    (base & (1u << 11)))
			out[3] |= CPUID_APIC;
		break;
	}
	case 2:
		for (unsigned k = 0; k < 4; k++)
			out[k] = id->leaf2[k];
		break;
	}
}

void op_cpuid(struct cpu *c, const struct insn *i)
{
	const struct cpu_ident *id = c->q->ident;
	uint32_t leaf = (uint32_t)c->s.gpr[REG_AX];
	uint32_t sub = (uint32_t)c->s.gpr[REG_CX];
	uint32_t out[4];

	if (!id)
		cpu_fault(c, EXC_UD);
	cpuid_leaf(c, id, leaf, out);
	if (c->hooks.cpuid)
		c->hooks.cpuid(c->hooks.opaque, leaf, sub, out);
	/* Leaf 1 also latches the microcode revision into BIOS_SIGN. */
	if (leaf == 1 && id->ucode_rev)
		cpu_msr_store(c, MSR_BIOS_SIGN, (uint64_t)id->ucode_rev << 32);
	c->s.gpr[REG_AX] = out[0];
	c->s.gpr[REG_BX] = out[1];
	c->s.gpr[REG_CX] = out[2];
	c->s.gpr[REG_DX] = out[3];
}
