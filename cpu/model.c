/* cpu/model.c: the CPU models, their quirks and cycle tables.
 *
 * Model differences are data: decode tables, quirk flags and timings are
 * picked here; handlers test flags, never model names. Timings follow the
 * Intel manuals' clock counts (register form, memory form without EA; the
 * 8086 adds its EA cost at decode). 386 and later reuse the 286 tables until
 * their instruction sets land.
 */
#include <string.h>

#include "cpu/interp.h"

extern const struct opdesc cpu_ops_8086[256];
extern const struct opdesc cpu_ops_286[256];
extern const struct opdesc cpu_ops_286_0f[256];
extern const struct opdesc cpu_grp_8086[CPU_NGRP][8];
extern const struct opdesc cpu_grp_286[CPU_NGRP][8];
extern const struct opdesc cpu_ops_386[256];
extern const struct opdesc cpu_ops_386_0f[256];
extern const struct opdesc cpu_grp_386[CPU_NGRP][8];
/* cpu/decode386.c, cpu/cycles386.c, cpu/cpuid.c */
extern const struct opdesc cpu_ops_486_0f[256];
extern const struct opdesc cpu_ops_586_0f[256];
extern const struct opdesc cpu_ops_686_0f[256];
extern const struct opdesc cpu_grp_486[CPU_NGRP][8];
extern const struct opdesc cpu_grp_586[CPU_NGRP][8];
extern const struct cpu_cycles cpu_cyc_386, cpu_cyc_486, cpu_cyc_586,
	cpu_cyc_686;
extern const struct cpu_ident cpu_ident_pentium, cpu_ident_pentium2;

#define C(r_, m_) { r_, m_ }
#define R8(r_, m_) C(r_, m_), C(r_, m_), C(r_, m_), C(r_, m_),              \
		   C(r_, m_), C(r_, m_), C(r_, m_), C(r_, m_)
#define C8(r_, m_) { R8(r_, m_) }
#define R64(r_, m_) R8(r_, m_), R8(r_, m_), R8(r_, m_), R8(r_, m_),          \
		    R8(r_, m_), R8(r_, m_), R8(r_, m_), R8(r_, m_)

static const struct cpu_cycles cyc_8086 = {
	.one = {
		/* 0_ */ C(3, 16), C(3, 16), C(3, 9), C(3, 9), C(4, 4),
		C(4, 4), C(10, 10), C(8, 8), C(3, 16), C(3, 16), C(3, 9),
		C(3, 9), C(4, 4), C(4, 4), C(10, 10), C(8, 8),
		/* 1_ */ C(3, 16), C(3, 16), C(3, 9), C(3, 9), C(4, 4),
		C(4, 4), C(10, 10), C(8, 8), C(3, 16), C(3, 16), C(3, 9),
		C(3, 9), C(4, 4), C(4, 4), C(10, 10), C(8, 8),
		/* 2_ */ C(3, 16), C(3, 16), C(3, 9), C(3, 9), C(4, 4),
		C(4, 4), C(2, 2), C(4, 4), C(3, 16), C(3, 16), C(3, 9),
		C(3, 9), C(4, 4), C(4, 4), C(2, 2), C(4, 4),
		/* 3_ */ C(3, 16), C(3, 16), C(3, 9), C(3, 9), C(4, 4),
		C(4, 4), C(2, 2), C(8, 8), C(3, 16), C(3, 16), C(3, 9),
		C(3, 9), C(4, 4), C(4, 4), C(2, 2), C(8, 8),
		/* 4_ */ C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(3, 3),
		/* 5_ */ C(11, 11), C(11, 11), C(11, 11), C(11, 11),
		C(11, 11), C(11, 11), C(11, 11), C(11, 11), C(8, 8), C(8, 8),
		C(8, 8), C(8, 8), C(8, 8), C(8, 8), C(8, 8), C(8, 8),
		/* 6_ */ C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4),
		C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4),
		C(4, 4), C(4, 4), C(4, 4),
		/* 7_ */ C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4),
		C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4),
		C(4, 4), C(4, 4), C(4, 4),
		/* 8_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(3, 9), C(3, 9),
		C(4, 17), C(4, 17), C(2, 9), C(2, 9), C(2, 8), C(2, 8),
		C(2, 9), C(2, 2), C(2, 8), C(2, 2),
		/* 9_ */ C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(2, 2), C(5, 5), C(28, 28), C(3, 3),
		C(10, 10), C(8, 8), C(4, 4), C(4, 4),
		/* A_ */ C(10, 10), C(10, 10), C(10, 10), C(10, 10),
		C(18, 18), C(18, 18), C(22, 22), C(22, 22), C(4, 4), C(4, 4),
		C(11, 11), C(11, 11), C(12, 12), C(12, 12), C(15, 15),
		C(15, 15),
		/* B_ */ C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4),
		C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(4, 4),
		C(4, 4), C(4, 4), C(4, 4),
		/* C_ */ C(12, 12), C(8, 8), C(12, 12), C(8, 8), C(16, 16),
		C(16, 16), C(2, 2), C(2, 2), C(17, 17), C(18, 18), C(17, 17),
		C(18, 18), C(52, 52), C(51, 51), C(4, 4), C(24, 24),
		/* D_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(83, 83),
		C(60, 60), C(4, 4), C(11, 11), C(2, 8), C(2, 8), C(2, 8),
		C(2, 8), C(2, 8), C(2, 8), C(2, 8), C(2, 8),
		/* E_ */ C(5, 5), C(6, 6), C(5, 5), C(6, 6), C(10, 10),
		C(10, 10), C(10, 10), C(10, 10), C(19, 19), C(15, 15),
		C(15, 15), C(15, 15), C(8, 8), C(8, 8), C(8, 8), C(8, 8),
		/* F_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2),
	},
	.grp = {
		[GRP_ALU] = { C(4, 17), C(4, 17), C(4, 17), C(4, 17),
			      C(4, 17), C(4, 17), C(4, 17), C(4, 10) },
		[GRP_SHIFT1] = C8(2, 15),
		[GRP_SHIFTCL] = C8(8, 20),
		[GRP_SHIFTIB] = C8(8, 20),
		[GRP_F6] = { C(5, 11), C(5, 11), C(3, 16), C(3, 16),
			     C(70, 76), C(80, 86), C(80, 86), C(101, 107) },
		[GRP_F7] = { C(5, 11), C(5, 11), C(3, 16), C(3, 16),
			     C(118, 124), C(128, 134), C(144, 150),
			     C(165, 171) },
		[GRP_FE] = { C(3, 15), C(3, 15), C(16, 21), C(37, 37),
			     C(11, 18), C(24, 24), C(16, 16), C(16, 16) },
		[GRP_FF] = { C(3, 15), C(3, 15), C(16, 21), C(37, 37),
			     C(11, 18), C(24, 24), C(16, 16), C(16, 16) },
		[GRP_8F] = C8(8, 17),
		[GRP_C6] = C8(4, 10),
		[GRP_C7] = C8(4, 10),
	},
	.ea = { 6, 5, 9, 8, 12 },
	.rep_iter = 9,
	.taken = 12,
	.exc = 51,
};

static const struct cpu_cycles cyc_286 = {

	.one = {
		/* 0_ */ C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3), C(3, 3),
		C(3, 3), C(5, 5), C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3),
		C(3, 3), C(3, 3), C(2, 2),
		/* 1_ */ C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3), C(3, 3),
		C(3, 3), C(5, 5), C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3),
		C(3, 3), C(3, 3), C(5, 5),
		/* 2_ */ C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3), C(3, 3),
		C(2, 2), C(3, 3), C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3),
		C(3, 3), C(2, 2), C(3, 3),
		/* 3_ */ C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3), C(3, 3),
		C(2, 2), C(3, 3), C(2, 7), C(2, 7), C(2, 7), C(2, 7), C(3, 3),
		C(3, 3), C(2, 2), C(3, 3),
		/* 4_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2),
		/* 5_ */ C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(5, 5), C(5, 5), C(5, 5), C(5, 5), C(5, 5),
		C(5, 5), C(5, 5), C(5, 5),
		/* 6_ */ C(17, 17), C(19, 19), C(13, 13), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2), C(3, 3), C(21, 24), C(3, 3),
		C(21, 24), C(5, 5), C(5, 5), C(5, 5), C(5, 5),
		/* 7_ */ C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(3, 3),
		/* 8_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 6), C(2, 6),
		C(3, 5), C(3, 5), C(2, 3), C(2, 3), C(2, 5), C(2, 5), C(2, 3),
		C(3, 3), C(2, 5), C(2, 2),
		/* 9_ */ C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(3, 3),
		C(3, 3), C(3, 3), C(2, 2), C(2, 2), C(13, 13), C(3, 3),
		C(3, 3), C(5, 5), C(2, 2), C(2, 2),
		/* A_ */ C(5, 5), C(5, 5), C(3, 3), C(3, 3), C(5, 5), C(5, 5),
		C(8, 8), C(8, 8), C(3, 3), C(3, 3), C(3, 3), C(3, 3), C(5, 5),
		C(5, 5), C(7, 7), C(7, 7),
		/* B_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2),
		/* C_ */ C(2, 2), C(2, 2), C(11, 11), C(11, 11), C(7, 7),
		C(7, 7), C(2, 2), C(2, 2), C(11, 11), C(5, 5), C(15, 15),
		C(15, 15), C(23, 23), C(23, 23), C(3, 3), C(17, 17),
		/* D_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(16, 16),
		C(14, 14), C(3, 3), C(5, 5), C(9, 9), C(9, 9), C(9, 9),
		C(9, 9), C(9, 9), C(9, 9), C(9, 9), C(9, 9),
		/* E_ */ C(4, 4), C(4, 4), C(4, 4), C(4, 4), C(5, 5), C(5, 5),
		C(3, 3), C(3, 3), C(7, 7), C(7, 7), C(11, 11), C(7, 7),
		C(5, 5), C(5, 5), C(3, 3), C(3, 3),
		/* F_ */ C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2), C(2, 2),
		C(2, 2), C(2, 2), C(2, 2),
	},
	.grp = {
		[GRP_ALU] = { C(3, 7), C(3, 7), C(3, 7), C(3, 7),
			      C(3, 7), C(3, 7), C(3, 7), C(3, 6) },
		[GRP_SHIFT1] = C8(2, 7),
		[GRP_SHIFTCL] = C8(5, 8),
		[GRP_SHIFTIB] = C8(5, 8),
		[GRP_F6] = { C(3, 6), C(3, 6), C(2, 7), C(2, 7),
			     C(13, 16), C(13, 16), C(14, 17), C(17, 20) },
		[GRP_F7] = { C(3, 6), C(3, 6), C(2, 7), C(2, 7),
			     C(21, 24), C(21, 24), C(22, 25), C(25, 28) },
		[GRP_FE] = { C(2, 7), C(2, 7), C(2, 2), C(2, 2), C(2, 2),
			     C(2, 2), C(2, 2), C(2, 2) },
		[GRP_FF] = { C(2, 7), C(2, 7), C(7, 11), C(16, 16),
			     C(7, 11), C(15, 15), C(5, 5), C(2, 2) },
		[GRP_8F] = C8(5, 5),
		[GRP_C6] = C8(2, 3),
		[GRP_C7] = C8(2, 3),
		[GRP_0F00] = C8(2, 3),
		[GRP_0F01] = { C(11, 11), C(12, 12), C(11, 11), C(12, 12),
			       C(2, 3), C(2, 2), C(3, 6), C(2, 2) },
	},
	.two = { R64(2, 2), R64(2, 2), R64(2, 2), R64(2, 2) },
	.ea = { 0, 0, 0, 0, 0 },
	.rep_iter = 4,
	.taken = 5,
	.exc = 23,
};

/* Everything before cpu_quirks refers to is static const data, so one
 * quirk record per model is enough. */
static const struct cpu_quirks quirks_8086 = {
	.cls = CLS_8086,
	.push_sp_new = true,
	.shift_unmasked = true,
	.seg_wrap = true,
	.div_ret_next = true,
	.idiv_no_min = true,
	.rep_negates = true,
	.ud_invalid = false,
	.esc_limit = false,
	.str_fault_late = false,
	.bcd_8086 = true,
	.max_len = 0,
	.idt_limit = false,
	.nsreg = 4,
	.dt_fill = 0,
	.reset_cs = 0xffff,
	.reset_base = 0xffff0,
	.reset_ip = 0,
	.reset_cr0 = 0,
	.flags_one = 0xf002,
	.flags_rw = 0x0fd5,
	.ops1 = cpu_ops_8086,
	.ops2 = NULL,
	.grp = cpu_grp_8086,
	.cyc = &cyc_8086,
};

/* 286 real mode: IOPL/NT read as 0 and cannot be set. */
static const struct cpu_quirks quirks_286 = {
	.cls = CLS_286,
	.push_sp_new = false,
	.shift_unmasked = false,
	.seg_wrap = false,
	.div_ret_next = false,
	.idiv_no_min = false,
	.rep_negates = false,
	.ud_invalid = true,
	.esc_limit = true,
	.str_fault_late = true,
	.bcd_8086 = false,
	.max_len = 10,
	.idt_limit = true,
	.nsreg = 4,
	.dt_fill = 0xff000000u,
	.reset_cs = 0xf000,
	.reset_base = 0xff0000,
	.reset_ip = 0xfff0,
	.reset_cr0 = 0xfff0, /* MSW: reserved bits read as 1 */
	.flags_one = 0x0002,
	.flags_rw = 0x0fd5,
	.ops1 = cpu_ops_286,
	.ops2 = cpu_ops_286_0f,
	.grp = cpu_grp_286,
	.cyc = &cyc_286,
};

/* 386 and later. Reset (Intel SDM vol. 3 9.1.1): CS F000 with base
 * FFFF0000, EIP FFF0, EDX = the CPUID family/model/stepping signature
 * (386DX 0303h, 486DX 0402h, Pentium P54C 052Ch, Pentium II Deschutes
 * 0652h), CR0 = 60000010h from the 486 on (CD, NW, ET), 10h on a 386 with
 * its 387. cr0_rw / cr4_rw list the bits each model has; flags_rw grows
 * with RF/VM (386), AC (486), VIF/VIP/ID (Pentium). Opcode maps, cycle
 * tables and CPUID/MSR records per model come from decode386.c,
 * cycles386.c and cpuid.c. */
#define QUIRKS_386_COMMON                                                    \
	.push_sp_new = false, .shift_unmasked = false, .seg_wrap = false,    \
	.div_ret_next = false, .idiv_no_min = false, .rep_negates = false,   \
	.ud_invalid = true, .lock_ud = true, .esc_limit = false,             \
	.str_fault_late = false,                                              \
	.bcd_8086 = false, .max_len = 15, .idt_limit = true, .nsreg = 6,     \
	.dt_fill = 0, .reset_cs = 0xf000, .reset_base = 0xffff0000u,         \
	.reset_ip = 0xfff0, .flags_one = 0x0002, .ops1 = cpu_ops_386

static const struct cpu_quirks quirks_386 = {
	QUIRKS_386_COMMON,
	.ops2 = cpu_ops_386_0f, .grp = cpu_grp_386, .cyc = &cpu_cyc_386,
	.cls = CLS_386,
	.reset_cr0 = 0x00000010,
	.reset_edx = 0x0303,
	.cr0_rw = 0x8000001fu,
	.cr4_rw = 0,
	.flags_rw = 0x37fd5,
};

static const struct cpu_quirks quirks_486 = {
	QUIRKS_386_COMMON,
	.ops2 = cpu_ops_486_0f, .grp = cpu_grp_486, .cyc = &cpu_cyc_486,
	.cls = CLS_486,
	.reset_cr0 = 0x60000010,
	.reset_edx = 0x0402,
	.cr0_rw = 0xe005002fu,
	.cr4_rw = 0,
	.flags_rw = 0x77fd5,
};

/* CR4: TSD, DE, PSE, MCE (no VME/PVI: V86 without extensions). */
static const struct cpu_quirks quirks_pentium = {
	QUIRKS_386_COMMON,
	.ops2 = cpu_ops_586_0f, .grp = cpu_grp_586, .cyc = &cpu_cyc_586,
	.ident = &cpu_ident_pentium,
	.cls = CLS_586,
	.reset_cr0 = 0x60000010,
	.reset_edx = 0x052c,
	.cr0_rw = 0xe005002fu,
	.cr4_rw = 0x5c,
	.flags_rw = 0x3f7fd5,
};

/* + PGE, PCE, OSFXSR (PAE is not implemented yet). */
static const struct cpu_quirks quirks_pentium2 = {
	QUIRKS_386_COMMON,
	.ops2 = cpu_ops_686_0f, .grp = cpu_grp_586, .cyc = &cpu_cyc_686,
	.ident = &cpu_ident_pentium2,
	.cls = CLS_686,
	.reset_cr0 = 0x60000010,
	.reset_edx = 0x0652,
	.cr0_rw = 0xe005002fu,
	.cr4_rw = 0x3dc,
	.flags_rw = 0x3f7fd5,
};

static const struct cpu_model models[CPU_NMODELS] = {
	{ CPU_8086, "8086", "Intel 8086 (1 MiB, no #UD)", 20, 5,
	  CPU_FPU_NONE },
	{ CPU_286, "286", "Intel 80286 (real mode)", 24, 12, CPU_FPU_NONE },
	{ CPU_386, "386", "Intel 80386DX", 32, 33, CPU_FPU_387 },
	{ CPU_486, "486", "Intel 80486DX", 32, 66, CPU_FPU_INTEGRATED },
	{ CPU_PENTIUM, "pentium", "Intel Pentium", 32, 133,
	  CPU_FPU_INTEGRATED },
	{ CPU_PENTIUM2, "pentium2", "Intel Pentium II", 36, 300, CPU_FPU_P6 },
};

static const struct cpu_quirks *const model_quirks[CPU_NMODELS] = {
	[CPU_8086] = &quirks_8086,
	[CPU_286] = &quirks_286,
	[CPU_386] = &quirks_386,
	[CPU_486] = &quirks_486,
	[CPU_PENTIUM] = &quirks_pentium,
	[CPU_PENTIUM2] = &quirks_pentium2,
};

const struct cpu_model *cpu_model_find(const char *name)
{
	for (unsigned k = 0; k < CPU_NMODELS; k++)
		if (name && strcmp(models[k].name, name) == 0)
			return &models[k];
	return NULL;
}

const struct cpu_model *cpu_model_get(enum cpu_model_id id)
{
	return (unsigned)id < CPU_NMODELS ? &models[id] : NULL;
}

const struct cpu_quirks *cpu_model_quirks(const struct cpu_model *m)
{
	return model_quirks[m->id];
}
