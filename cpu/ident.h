/* cpu/ident.h: what a model says about itself (CPUID) and the model-specific
 * registers it has. Both are per-model data (cpu/cpuid.c holds the records,
 * cpu/model.c points each quirk record at one); the code in cpuid.c and
 * msr.c only interprets them.
 */
#ifndef LUCID_CPU_IDENT_H
#define LUCID_CPU_IDENT_H

#include "cpu/interp.h"

/* CPUID.1 EDX feature bits. */
#define CPUID_FPU (1u << 0)
#define CPUID_VME (1u << 1)
#define CPUID_DE (1u << 2)
#define CPUID_PSE (1u << 3)
#define CPUID_TSC (1u << 4)
#define CPUID_MSR (1u << 5)
#define CPUID_PAE (1u << 6)
#define CPUID_MCE (1u << 7)
#define CPUID_CX8 (1u << 8)
#define CPUID_APIC (1u << 9)
#define CPUID_SEP (1u << 11)
#define CPUID_MTRR (1u << 12)
#define CPUID_PGE (1u << 13)
#define CPUID_MCA (1u << 14)
#define CPUID_CMOV (1u << 15)
#define CPUID_PAT (1u << 16)
#define CPUID_PSE36 (1u << 17)
#define CPUID_MMX (1u << 23)
#define CPUID_FXSR (1u << 24)

/* MSR numbers the interpreter itself uses. */
#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b
#define MSR_BIOS_SIGN 0x8b
#define MSR_SYSENTER_CS 0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

/* How an MSR behaves. */
enum msr_kind {
	MK_RW,     /* stored; WRMSR with a bit outside wmask is #GP */
	MK_LAX,    /* stored; bits outside wmask are dropped */
	MK_RO,     /* reads reset; WRMSR is #GP */
	MK_IGNORE, /* reads 0; writes are accepted and dropped */
	MK_TSC,    /* the time-stamp counter (wmask: writable bits) */
	MK_SIGN,   /* BIOS_SIGN: stored; CPUID leaf 1 loads the revision */
	MK_MTRR,   /* stored; low byte is a memory type (#GP if invalid) */
	MK_MTRRFIX, /* stored; every byte is a memory type */
	MK_PAT,    /* stored; every byte is a PAT type (0-7 but 2, 3) */
};

struct cpu_msr_def {
	uint32_t index;
	uint8_t kind;
	uint64_t reset;
	uint64_t wmask;
};

struct cpu_ident {
	uint32_t max_leaf;      /* highest basic CPUID leaf */
	uint32_t feat_edx;      /* CPUID.1 EDX (EAX is the reset EDX) */
	uint32_t feat_ecx;
	uint32_t leaf2[4];      /* cache/TLB descriptors (max_leaf >= 2) */
	uint32_t ucode_rev;     /* microcode revision (BIOS_SIGN high half) */
	bool apic;              /* on-chip APIC: CPUID.1 EDX.APIC follows
				 * APIC_BASE.EN (as the board reports it) */
	const struct cpu_msr_def *msrs;
	unsigned nmsrs;
};

/* msr.c */
uint64_t cpu_tsc_read(struct cpu *c);
void cpu_tsc_write(struct cpu *c, uint64_t v);
/* MSR storage back to the model's reset values (and the TSC to 0). */
void cpu_msr_reset(struct cpu *c);
/* Value of a stored MSR (0 if the model has none by that number). */
uint64_t cpu_msr_value(const struct cpu *c, uint32_t index);
void cpu_msr_store(struct cpu *c, uint32_t index, uint64_t v);
/* RDMSR without the privilege check: hooks, then the model's MSRs; false
 * when nobody has the index. */
bool cpu_msr_read(struct cpu *c, uint32_t index, uint64_t *v);

#endif
