/* cpu/decode386.c: the 0F opcode maps and ModR/M groups of the 386, 486,
 * Pentium and Pentium II (the one-byte map, cpu_ops_386, is shared and
 * lives in decode.c).
 *
 * Each later chip adds entries to its predecessor's map, so a map is the
 * union of the OPS0F_* fragments its model has; an entry left out is NULL
 * and decodes as #UD. Feature presence is this data, never a model test.
 */
#include "cpu/interp.h"

#define M D_MODRM
#define B D_BYTE
#define E(fn_, f_) { fn_, f_, 0 }
#define G(g_, f_) { NULL, (f_) | D_GRP | D_MODRM, g_ }

#define X8(o, e)                                                             \
	[o + 0] = e, [o + 1] = e, [o + 2] = e, [o + 3] = e, [o + 4] = e,     \
	[o + 5] = e, [o + 6] = e, [o + 7] = e
#define X16(o, e)                                                            \
	[o + 0] = e, [o + 1] = e, [o + 2] = e, [o + 3] = e, [o + 4] = e,     \
	[o + 5] = e, [o + 6] = e, [o + 7] = e, [o + 8] = e, [o + 9] = e,     \
	[o + 10] = e, [o + 11] = e, [o + 12] = e, [o + 13] = e,              \
	[o + 14] = e, [o + 15] = e

/* 386: system instructions (cpu/segins.c, sysreg.c), Jcc relv, SETcc,
 * FS/GS, bit tests and scans, double shifts, IMUL r, r/m, LSS/LFS/LGS,
 * MOVZX/MOVSX. */
#define OPS0F_386                                                            \
	[0x00] = G(GRP_0F00, 0), [0x01] = G(GRP_0F01, 0),                    \
	[0x02] = E(op_lar, M), [0x03] = E(op_lsl, M),                        \
	[0x06] = E(op_clts, 0),                                              \
	[0x20] = E(op_mov_r_cr, M), [0x21] = E(op_mov_r_dr, M),              \
	[0x22] = E(op_mov_cr_r, M), [0x23] = E(op_mov_dr_r, M),              \
	X16(0x80, E(op_jcc, D_IV)), X16(0x90, E(op_setcc, M | B)),           \
	[0xa0] = E(op_push_sreg, 0), [0xa1] = E(op_pop_sreg, 0),             \
	[0xa3] = E(op_bt, M),                                                \
	[0xa4] = E(op_shld, M | D_IB), [0xa5] = E(op_shld, M),               \
	[0xa8] = E(op_push_sreg, 0), [0xa9] = E(op_pop_sreg, 0),             \
	[0xab] = E(op_bt, M),                                                \
	[0xac] = E(op_shrd, M | D_IB), [0xad] = E(op_shrd, M),               \
	[0xaf] = E(op_imul_r_rm, M),                                         \
	[0xb2] = E(op_lss, M | D_MEMONLY), [0xb3] = E(op_bt, M),             \
	[0xb4] = E(op_lfs, M | D_MEMONLY), [0xb5] = E(op_lgs, M | D_MEMONLY),\
	[0xb6] = E(op_movzx, M), [0xb7] = E(op_movzx, M),                    \
	[0xba] = G(GRP_0FBA, D_IB), [0xbb] = E(op_bt, M),                    \
	[0xbc] = E(op_bsf, M), [0xbd] = E(op_bsr, M),                        \
	[0xbe] = E(op_movsx, M), [0xbf] = E(op_movsx, M)

/* 486: cache control, CMPXCHG, XADD, BSWAP. */
#define OPS0F_486                                                            \
	[0x08] = E(op_invd, 0), [0x09] = E(op_invd, 0),                      \
	[0xb0] = E(op_cmpxchg, M | B), [0xb1] = E(op_cmpxchg, M),            \
	[0xc0] = E(op_xadd, M | B), [0xc1] = E(op_xadd, M),                  \
	X8(0xc8, E(op_bswap, 0))

/* Pentium: WRMSR, RDTSC, RDMSR, CPUID, CMPXCHG8B (C7 group). RSM (AA)
 * is #UD outside SMM, which Lucid does not model. */
#define OPS0F_586                                                            \
	[0x30] = E(op_wrmsr, 0), [0x31] = E(op_rdtsc, 0),                    \
	[0x32] = E(op_rdmsr, 0), [0xa2] = E(op_cpuid, 0),                    \
	[0xc7] = G(GRP_0FC7, 0)

/* Pentium Pro / II: UD2 (0B, #UD by omission), the hint NOPs 0F 18-1F
 * (NOP r/m), RDPMC, SYSENTER/SYSEXIT, CMOVcc. No 3DNow! (0F 0D is #UD). */
#define OPS0F_686                                                            \
	X8(0x18, E(op_nop, M)),                                              \
	[0x33] = E(op_rdpmc, 0), [0x34] = E(op_sysenter, 0),                 \
	[0x35] = E(op_sysexit, 0), X16(0x40, E(op_cmov, M)),                \
	[0xae] = E(op_fxsave, M | D_MEMONLY) /* #UD without CPUID FXSR */

const struct opdesc cpu_ops_386_0f[256] = { OPS0F_386 };
const struct opdesc cpu_ops_486_0f[256] = { OPS0F_386, OPS0F_486 };
const struct opdesc cpu_ops_586_0f[256] = { OPS0F_386, OPS0F_486,
					    OPS0F_586 };
const struct opdesc cpu_ops_686_0f[256] = { OPS0F_386, OPS0F_486,
					    OPS0F_586, OPS0F_686 };

#define GALL(fn_, f_) { E(fn_, f_), E(fn_, f_), E(fn_, f_), E(fn_, f_),      \
			E(fn_, f_), E(fn_, f_), E(fn_, f_), E(fn_, f_) }
#define UD E(op_ud, 0)
#define UD7 UD, UD, UD, UD, UD, UD, UD

#define GRPS_386                                                             \
	[GRP_ALU] = GALL(op_alu_rm_imm, 0),                                  \
	[GRP_SHIFT1] = GALL(op_shift, 0),                                    \
	[GRP_SHIFTCL] = GALL(op_shift, 0),                                   \
	[GRP_SHIFTIB] = GALL(op_shift, 0),                                   \
	[GRP_F6] = { E(op_test_rm_imm, D_IB), E(op_test_rm_imm, D_IB),       \
		     E(op_not, 0), E(op_neg, 0), E(op_mul, 0),               \
		     E(op_imul1, 0), E(op_div, 0), E(op_idiv, 0) },          \
	[GRP_F7] = { E(op_test_rm_imm, D_IV), E(op_test_rm_imm, D_IV),       \
		     E(op_not, 0), E(op_neg, 0), E(op_mul, 0),               \
		     E(op_imul1, 0), E(op_div, 0), E(op_idiv, 0) },          \
	[GRP_FE] = { E(op_inc_rm, 0), E(op_dec_rm, 0), UD, UD, UD, UD, UD,   \
		     UD },                                                   \
	[GRP_FF] = { E(op_inc_rm, 0), E(op_dec_rm, 0), E(op_call_rm, 0),     \
		     E(op_callf_m, D_MEMONLY), E(op_jmp_rm, 0),              \
		     E(op_jmpf_m, D_MEMONLY), E(op_push_rm, 0), UD },        \
	[GRP_8F] = { E(op_pop_rm, 0), UD7 },                                 \
	[GRP_C6] = { E(op_mov_rm_imm, 0), UD7 },                             \
	[GRP_C7] = { E(op_mov_rm_imm, 0), UD7 },                             \
	[GRP_0F00] = { E(op_sldt, 0), E(op_str, 0), E(op_lldt, 0),           \
		       E(op_ltr, 0), E(op_verr, 0), E(op_verw, 0), UD, UD }, \
	[GRP_0FBA] = { UD, UD, UD, UD, E(op_bt, 0), E(op_bt, 0),             \
		       E(op_bt, 0), E(op_bt, 0) }

/* 0F 01: INVLPG (/7) arrived with the 486. /0 with mod 3 is VMX's group
 * (VMCALL = C1): op_sgdt sends it to the hypercall hook or #UD. */
#define GRP_0F01_ROW(inv)                                                    \
	[GRP_0F01] = { E(op_sgdt, 0), E(op_sidt, D_MEMONLY),                 \
		       E(op_lgdt, D_MEMONLY), E(op_lidt, D_MEMONLY),         \
		       E(op_smsw, 0), UD, E(op_lmsw, 0), inv }

const struct opdesc cpu_grp_386[CPU_NGRP][8] = {
	GRPS_386,
	GRP_0F01_ROW(UD),
	[GRP_0FC7] = { UD, UD7 },
};

const struct opdesc cpu_grp_486[CPU_NGRP][8] = {
	GRPS_386,
	GRP_0F01_ROW(E(op_invlpg, D_MEMONLY)),
	[GRP_0FC7] = { UD, UD7 },
};

const struct opdesc cpu_grp_586[CPU_NGRP][8] = {
	GRPS_386,
	GRP_0F01_ROW(E(op_invlpg, D_MEMONLY)),
	[GRP_0FC7] = { UD, E(op_cmpxchg8b, D_MEMONLY), UD, UD, UD, UD, UD,
		       UD },
};
