/* cpu/decode.c: opcode tables and the table-driven decoder.
 *
 * cpu_decode is pure: bytes and a decode mode in, a struct insn out. The
 * per-model tables (8086, 186/286) differ only where the chips do; every
 * byte has an entry, so any input decodes to something (possibly #UD).
 */
#include <string.h>

#include "cpu/interp.h"

/* Shorthands for table rows. */
#define M D_MODRM
#define B D_BYTE
#define E(fn_, f_) { fn_, f_, 0 }
#define G(g_, f_) { NULL, (f_) | D_GRP | D_MODRM, g_ }
#define P(p_) { NULL, D_PFX, p_ }

#define ALU_ROW(o)                                                           \
	[o + 0] = E(op_alu_rm_r, M | B), [o + 1] = E(op_alu_rm_r, M),        \
	[o + 2] = E(op_alu_r_rm, M | B), [o + 3] = E(op_alu_r_rm, M),        \
	[o + 4] = E(op_alu_acc_imm, B | D_IB),                               \
	[o + 5] = E(op_alu_acc_imm, D_IV)

#define X8(o, e)                                                             \
	[o + 0] = e, [o + 1] = e, [o + 2] = e, [o + 3] = e, [o + 4] = e,     \
	[o + 5] = e, [o + 6] = e, [o + 7] = e

/* Entries every model from the 8086 on shares. */
#define COMMON_OPS                                                           \
	ALU_ROW(0x00), ALU_ROW(0x08), ALU_ROW(0x10), ALU_ROW(0x18),          \
	ALU_ROW(0x20), ALU_ROW(0x28), ALU_ROW(0x30), ALU_ROW(0x38),          \
	[0x06] = E(op_push_sreg, 0), [0x07] = E(op_pop_sreg, 0),             \
	[0x0e] = E(op_push_sreg, 0),                                         \
	[0x16] = E(op_push_sreg, 0), [0x17] = E(op_pop_sreg, 0),             \
	[0x1e] = E(op_push_sreg, 0), [0x1f] = E(op_pop_sreg, 0),             \
	[0x26] = P(PFX_SEG_ES), [0x2e] = P(PFX_SEG_CS),                      \
	[0x36] = P(PFX_SEG_SS), [0x3e] = P(PFX_SEG_DS),                      \
	[0x27] = E(op_daa, 0), [0x2f] = E(op_das, 0),                        \
	[0x37] = E(op_aaa, 0), [0x3f] = E(op_aas, 0),                        \
	X8(0x40, E(op_inc_r, 0)), X8(0x48, E(op_dec_r, 0)),                  \
	X8(0x50, E(op_push_r, 0)), X8(0x58, E(op_pop_r, 0)),                 \
	X8(0x70, E(op_jcc, D_IBS)), X8(0x78, E(op_jcc, D_IBS)),              \
	[0x80] = G(GRP_ALU, B | D_IB), [0x81] = G(GRP_ALU, D_IV),            \
	[0x82] = G(GRP_ALU, B | D_IB), [0x83] = G(GRP_ALU, D_IBS),           \
	[0x84] = E(op_test_rm_r, M | B), [0x85] = E(op_test_rm_r, M),        \
	[0x86] = E(op_xchg_rm_r, M | B), [0x87] = E(op_xchg_rm_r, M),        \
	[0x88] = E(op_mov_rm_r, M | B), [0x89] = E(op_mov_rm_r, M),          \
	[0x8a] = E(op_mov_r_rm, M | B), [0x8b] = E(op_mov_r_rm, M),          \
	[0x90] = E(op_nop, 0), [0x91] = E(op_xchg_acc, 0),                   \
	[0x92] = E(op_xchg_acc, 0), [0x93] = E(op_xchg_acc, 0),              \
	[0x94] = E(op_xchg_acc, 0), [0x95] = E(op_xchg_acc, 0),              \
	[0x96] = E(op_xchg_acc, 0), [0x97] = E(op_xchg_acc, 0),              \
	[0x98] = E(op_cbw, 0), [0x99] = E(op_cwd, 0),                        \
	[0x9a] = E(op_call_far, D_PTR), [0x9b] = E(op_wait, 0),              \
	[0x9c] = E(op_pushf, 0), [0x9d] = E(op_popf, 0),                     \
	[0x9e] = E(op_sahf, 0), [0x9f] = E(op_lahf, 0),                      \
	[0xa0] = E(op_mov_acc_moffs, B | D_MOFFS),                           \
	[0xa1] = E(op_mov_acc_moffs, D_MOFFS),                               \
	[0xa2] = E(op_mov_moffs_acc, B | D_MOFFS),                           \
	[0xa3] = E(op_mov_moffs_acc, D_MOFFS),                               \
	[0xa4] = E(op_movs, B), [0xa5] = E(op_movs, 0),                      \
	[0xa6] = E(op_cmps, B), [0xa7] = E(op_cmps, 0),                      \
	[0xa8] = E(op_test_acc_imm, B | D_IB),                               \
	[0xa9] = E(op_test_acc_imm, D_IV),                                   \
	[0xaa] = E(op_stos, B), [0xab] = E(op_stos, 0),                      \
	[0xac] = E(op_lods, B), [0xad] = E(op_lods, 0),                      \
	[0xae] = E(op_scas, B), [0xaf] = E(op_scas, 0),                      \
	X8(0xb0, E(op_mov_r_imm, B | D_IB)), X8(0xb8, E(op_mov_r_imm, D_IV)),\
	[0xc2] = E(op_ret, D_IW), [0xc3] = E(op_ret, 0),                     \
	[0xca] = E(op_retf, D_IW), [0xcb] = E(op_retf, 0),                   \
	[0xcc] = E(op_int3, 0), [0xcd] = E(op_int, D_IB),                    \
	[0xce] = E(op_into, 0), [0xcf] = E(op_iret, 0),                      \
	[0xd4] = E(op_aam, D_IB), [0xd5] = E(op_aad, D_IB),                  \
	[0xd6] = E(op_salc, 0), [0xd7] = E(op_xlat, 0),                      \
	X8(0xd8, E(op_esc, M)),                                              \
	[0xe0] = E(op_loop, D_IBS), [0xe1] = E(op_loop, D_IBS),              \
	[0xe2] = E(op_loop, D_IBS), [0xe3] = E(op_jcxz, D_IBS),              \
	[0xe4] = E(op_in_imm, B | D_IB), [0xe5] = E(op_in_imm, D_IB),        \
	[0xe6] = E(op_out_imm, B | D_IB), [0xe7] = E(op_out_imm, D_IB),      \
	[0xe8] = E(op_call_rel, D_IV), [0xe9] = E(op_jmp_rel, D_IV),         \
	[0xea] = E(op_jmp_far, D_PTR), [0xeb] = E(op_jmp_rel, D_IBS),        \
	[0xec] = E(op_in_dx, B), [0xed] = E(op_in_dx, 0),                    \
	[0xee] = E(op_out_dx, B), [0xef] = E(op_out_dx, 0),                  \
	[0xf0] = P(PFX_LOCK),                                                \
	[0xf2] = P(PFX_REPNE), [0xf3] = P(PFX_REPE),                         \
	[0xf4] = E(op_hlt, 0), [0xf5] = E(op_cmc, 0),                        \
	[0xf6] = G(GRP_F6, B), [0xf7] = G(GRP_F7, 0),                        \
	[0xf8] = E(op_clc, 0), [0xf9] = E(op_stc, 0),                        \
	[0xfa] = E(op_cli, 0), [0xfb] = E(op_sti, 0),                        \
	[0xfc] = E(op_cld, 0), [0xfd] = E(op_std, 0),                        \
	[0xfe] = G(GRP_FE, B), [0xff] = G(GRP_FF, 0),                        \
	[0xd0] = G(GRP_SHIFT1, B), [0xd1] = G(GRP_SHIFT1, 0),                \
	[0xd2] = G(GRP_SHIFTCL, B), [0xd3] = G(GRP_SHIFTCL, 0),              \
	[0x8f] = G(GRP_8F, 0), [0xc6] = G(GRP_C6, B | D_IB),                 \
	[0xc7] = G(GRP_C7, D_IV)

/* 8086/8088: no invalid opcodes; 0F pops CS, 60-6F alias Jcc, C0/C1 and
 * C8/C9 alias the returns, the reg field of 8F/C6/C7 is ignored, and
 * segment-register fields use only two bits. */
const struct opdesc cpu_ops_8086[256] = {
	COMMON_OPS,
	[0x0f] = E(op_pop_sreg, 0), [0xf1] = P(PFX_LOCK),
	X8(0x60, E(op_jcc, D_IBS)), X8(0x68, E(op_jcc, D_IBS)),
	[0x8c] = E(op_mov_rm_sreg, M), [0x8d] = E(op_lea, M),
	[0x8e] = E(op_mov_sreg_rm, M),
	[0xc0] = E(op_ret, D_IW), [0xc1] = E(op_ret, 0),
	[0xc4] = E(op_les, M), [0xc5] = E(op_lds, M),
	[0xc8] = E(op_retf, D_IW), [0xc9] = E(op_retf, 0),
};

/* 80186/80286 real mode. */
const struct opdesc cpu_ops_286[256] = {
	COMMON_OPS,
	[0x0f] = { NULL, D_TWO, 0 }, [0xf1] = P(PFX_LOCK),
	[0x60] = E(op_pusha, 0), [0x61] = E(op_popa, 0),
	[0x62] = E(op_bound, M | D_MEMONLY), [0x63] = E(op_ud, 0),
	[0x64] = E(op_ud, 0), [0x65] = E(op_ud, 0),
	[0x66] = E(op_ud, 0), [0x67] = E(op_ud, 0),
	[0x68] = E(op_push_imm, D_IV), [0x69] = E(op_imul_imm, M | D_IV),
	[0x6a] = E(op_push_imm, D_IBS), [0x6b] = E(op_imul_imm, M | D_IBS),
	[0x6c] = E(op_ins, B), [0x6d] = E(op_ins, 0),
	[0x6e] = E(op_outs, B), [0x6f] = E(op_outs, 0),
	[0x8c] = E(op_mov_rm_sreg, M), [0x8d] = E(op_lea, M | D_MEMONLY),
	[0x8e] = E(op_mov_sreg_rm, M),
	[0xc0] = G(GRP_SHIFTIB, B | D_IB), [0xc1] = G(GRP_SHIFTIB, D_IB),
	[0xc4] = E(op_les, M | D_MEMONLY), [0xc5] = E(op_lds, M | D_MEMONLY),
	[0xc8] = E(op_enter, D_ENTER), [0xc9] = E(op_leave, 0),
};

/* 0F map of the 286: the real-mode subset of its system instructions. */
const struct opdesc cpu_ops_286_0f[256] = {
	[0x00] = G(GRP_0F00, 0), [0x01] = G(GRP_0F01, 0),
	[0x02] = E(op_ud_real, M), [0x03] = E(op_ud_real, M),
	[0x04] = E(op_ud, 0), [0x05] = E(op_ud, 0),
	[0x06] = E(op_clts, 0), [0x07] = E(op_ud, 0),
	X8(0x08, E(op_ud, 0)),
	X8(0x10, E(op_ud, 0)), X8(0x18, E(op_ud, 0)),
	X8(0x20, E(op_ud, 0)), X8(0x28, E(op_ud, 0)),
	X8(0x30, E(op_ud, 0)), X8(0x38, E(op_ud, 0)),
	X8(0x40, E(op_ud, 0)), X8(0x48, E(op_ud, 0)),
	X8(0x50, E(op_ud, 0)), X8(0x58, E(op_ud, 0)),
	X8(0x60, E(op_ud, 0)), X8(0x68, E(op_ud, 0)),
	X8(0x70, E(op_ud, 0)), X8(0x78, E(op_ud, 0)),
	X8(0x80, E(op_ud, 0)), X8(0x88, E(op_ud, 0)),
	X8(0x90, E(op_ud, 0)), X8(0x98, E(op_ud, 0)),
	X8(0xa0, E(op_ud, 0)), X8(0xa8, E(op_ud, 0)),
	X8(0xb0, E(op_ud, 0)), X8(0xb8, E(op_ud, 0)),
	X8(0xc0, E(op_ud, 0)), X8(0xc8, E(op_ud, 0)),
	X8(0xd0, E(op_ud, 0)), X8(0xd8, E(op_ud, 0)),
	X8(0xe0, E(op_ud, 0)), X8(0xe8, E(op_ud, 0)),
	X8(0xf0, E(op_ud, 0)), X8(0xf8, E(op_ud, 0)),
};

/* 80386 and later: FS/GS and size prefixes, ARPL, INT1 (ICEBP, F1). Their
 * 0F maps and groups are in cpu/decode386.c. */
const struct opdesc cpu_ops_386[256] = {
	COMMON_OPS,
	[0x0f] = { NULL, D_TWO, 0 }, [0xf1] = E(op_int1, 0),
	[0x60] = E(op_pusha, 0), [0x61] = E(op_popa, 0),
	[0x62] = E(op_bound, M | D_MEMONLY), [0x63] = E(op_arpl, M),
	[0x64] = P(PFX_SEG_FS), [0x65] = P(PFX_SEG_GS),
	[0x66] = P(PFX_OSIZE), [0x67] = P(PFX_ASIZE),
	[0x68] = E(op_push_imm, D_IV), [0x69] = E(op_imul_imm, M | D_IV),
	[0x6a] = E(op_push_imm, D_IBS), [0x6b] = E(op_imul_imm, M | D_IBS),
	[0x6c] = E(op_ins, B), [0x6d] = E(op_ins, 0),
	[0x6e] = E(op_outs, B), [0x6f] = E(op_outs, 0),
	[0x8c] = E(op_mov_rm_sreg, M), [0x8d] = E(op_lea, M | D_MEMONLY),
	[0x8e] = E(op_mov_sreg_rm, M),
	[0xc0] = G(GRP_SHIFTIB, B | D_IB), [0xc1] = G(GRP_SHIFTIB, D_IB),
	[0xc4] = E(op_les, M | D_MEMONLY), [0xc5] = E(op_lds, M | D_MEMONLY),
	[0xc8] = E(op_enter, D_ENTER), [0xc9] = E(op_leave, 0),
};

#define GALL(fn_, f_) { E(fn_, f_), E(fn_, f_), E(fn_, f_), E(fn_, f_),      \
			E(fn_, f_), E(fn_, f_), E(fn_, f_), E(fn_, f_) }

const struct opdesc cpu_grp_8086[CPU_NGRP][8] = {
	[GRP_ALU] = GALL(op_alu_rm_imm, 0),
	[GRP_SHIFT1] = { E(op_shift, 0), E(op_shift, 0), E(op_shift, 0),
			 E(op_shift, 0), E(op_shift, 0), E(op_shift, 0),
			 E(op_setmo, 0), E(op_shift, 0) },
	[GRP_SHIFTCL] = { E(op_shift, 0), E(op_shift, 0), E(op_shift, 0),
			  E(op_shift, 0), E(op_shift, 0), E(op_shift, 0),
			  E(op_setmo, 0), E(op_shift, 0) },
	[GRP_SHIFTIB] = GALL(op_shift, 0),
	[GRP_F6] = { E(op_test_rm_imm, D_IB), E(op_test_rm_imm, D_IB),
		     E(op_not, 0), E(op_neg, 0), E(op_mul, 0),
		     E(op_imul1, 0), E(op_div, 0), E(op_idiv, 0) },
	[GRP_F7] = { E(op_test_rm_imm, D_IV), E(op_test_rm_imm, D_IV),
		     E(op_not, 0), E(op_neg, 0), E(op_mul, 0),
		     E(op_imul1, 0), E(op_div, 0), E(op_idiv, 0) },
	[GRP_FE] = { E(op_inc_rm, 0), E(op_dec_rm, 0), E(op_call_rm, 0),
		     E(op_callf_m, 0), E(op_jmp_rm, 0), E(op_jmpf_m, 0),
		     E(op_push_rm, 0), E(op_push_rm, 0) },
	[GRP_FF] = { E(op_inc_rm, 0), E(op_dec_rm, 0), E(op_call_rm, 0),
		     E(op_callf_m, 0), E(op_jmp_rm, 0), E(op_jmpf_m, 0),
		     E(op_push_rm, 0), E(op_push_rm, 0) },
	[GRP_8F] = GALL(op_pop_rm, 0),
	[GRP_C6] = GALL(op_mov_rm_imm, 0),
	[GRP_C7] = GALL(op_mov_rm_imm, 0),
	[GRP_0F00] = GALL(op_ud, 0),
	[GRP_0F01] = GALL(op_ud, 0),
};

#define UD7 E(op_ud, 0), E(op_ud, 0), E(op_ud, 0), E(op_ud, 0), E(op_ud, 0), \
	    E(op_ud, 0), E(op_ud, 0)

const struct opdesc cpu_grp_286[CPU_NGRP][8] = {
	[GRP_ALU] = GALL(op_alu_rm_imm, 0),
	[GRP_SHIFT1] = GALL(op_shift, 0),
	[GRP_SHIFTCL] = GALL(op_shift, 0),
	[GRP_SHIFTIB] = GALL(op_shift, 0),
	[GRP_F6] = { E(op_test_rm_imm, D_IB), E(op_test_rm_imm, D_IB),
		     E(op_not, 0), E(op_neg, 0), E(op_mul, 0),
		     E(op_imul1, 0), E(op_div, 0), E(op_idiv, 0) },
	[GRP_F7] = { E(op_test_rm_imm, D_IV), E(op_test_rm_imm, D_IV),
		     E(op_not, 0), E(op_neg, 0), E(op_mul, 0),
		     E(op_imul1, 0), E(op_div, 0), E(op_idiv, 0) },
	[GRP_FE] = { E(op_inc_rm, 0), E(op_dec_rm, 0), E(op_ud, 0),
		     E(op_ud, 0), E(op_ud, 0), E(op_ud, 0), E(op_ud, 0),
		     E(op_ud, 0) },
	[GRP_FF] = { E(op_inc_rm, 0), E(op_dec_rm, 0), E(op_call_rm, 0),
		     E(op_callf_m, D_MEMONLY), E(op_jmp_rm, 0),
		     E(op_jmpf_m, D_MEMONLY), E(op_push_rm, 0), E(op_ud, 0) },
	[GRP_8F] = { E(op_pop_rm, 0), UD7 },
	[GRP_C6] = { E(op_mov_rm_imm, 0), UD7 },
	[GRP_C7] = { E(op_mov_rm_imm, 0), UD7 },
	[GRP_0F00] = GALL(op_ud_real, 0),
	[GRP_0F01] = { E(op_sgdt, D_MEMONLY), E(op_sidt, D_MEMONLY),
		       E(op_lgdt, D_MEMONLY), E(op_lidt, D_MEMONLY),
		       E(op_smsw, 0), E(op_ud, 0), E(op_lmsw, 0),
		       E(op_ud, 0) },
};

/* 16-bit ModR/M: base and index registers per rm. */
static const uint8_t ea16_base[8] = { REG_BX, REG_BX, REG_BP, REG_BP,
				      REG_SI, REG_DI, REG_BP, REG_BX };
static const uint8_t ea16_index[8] = { REG_SI, REG_DI, REG_SI, REG_DI,
				       REG_NONE, REG_NONE, REG_NONE,
				       REG_NONE };

static inline uint32_t get16(const uint8_t *b)
{
	return b[0] | (uint32_t)b[1] << 8;
}

static inline uint32_t get32(const uint8_t *b)
{
	return get16(b) | get16(b + 2) << 16;
}

/* Decode one instruction from b[0..avail). Returns its length; a body that
 * runs past avail decodes as a bare prefix run (the caller's buffer holds
 * more bytes than any real instruction needs). */
/* The instructions LOCK may prefix from the 386 on (SDM vol. 2, LOCK):
 * read-modify-write forms with a memory destination. */
static bool insn_lockable(const struct insn *i)
{
	if (i->mod == 3)
		return false;
	if (!i->map) {
		if (i->op < 0x38 && (i->op & 7) < 2)
			return true; /* ADD/OR/ADC/SBB/AND/SUB/XOR r/m, r */
		switch (i->op) {
		case 0x80: case 0x81: case 0x82: case 0x83:
			return i->reg != 7; /* not CMP */
		case 0x86: case 0x87:
			return true; /* XCHG */
		case 0xf6: case 0xf7:
			return i->reg == 2 || i->reg == 3; /* NOT, NEG */
		case 0xfe: case 0xff:
			return i->reg <= 1; /* INC, DEC */
		}
		return false;
	}
	switch (i->op) {
	case 0xab: case 0xb3: case 0xbb: /* BTS, BTR, BTC */
	case 0xb0: case 0xb1: /* CMPXCHG */
	case 0xc0: case 0xc1: /* XADD */
		return true;
	case 0xba:
		return i->reg >= 5; /* BTS/BTR/BTC imm */
	case 0xc7:
		return i->reg == 1; /* CMPXCHG8B */
	}
	return false;
}

unsigned cpu_decode(const struct cpu_quirks *q, const uint8_t *b,
		    unsigned avail, bool def32, struct insn *i)
{
	const struct cpu_cycles *cy = q->cyc;
	const struct opdesc *d;
	struct cyc cost;
	unsigned n = 0, npfx = 0, f, g = 0, eacost = 0;
	uint8_t op, osz = def32 ? 4 : 2, asz = def32 ? 4 : 2;

	memset(i, 0, sizeof(*i));
	i->sego = SEG_NONE;
	i->base = i->index = REG_NONE;
	i->mod = 3;

	for (;;) {
		if (n >= avail)
			goto trunc;
		op = b[n++];
		d = &q->ops1[op];
		if (!(d->f & D_PFX))
			break;
		npfx++;
		switch (d->grp) {
		case PFX_LOCK: i->lock = 1; break;
		case PFX_REPNE: i->rep = REP_NE; break;
		case PFX_REPE: i->rep = REP_E; break;
		case PFX_OSIZE: osz = def32 ? 2 : 4; break;
		case PFX_ASIZE: asz = def32 ? 2 : 4; break;
		default: i->sego = d->grp; break;
		}
	}
	i->npfx = (uint8_t)npfx;
	cost = cy->one[op];
	if (d->f & D_TWO) {
		if (n >= avail)
			goto trunc;
		op = b[n++];
		i->map = 1;
		d = &q->ops2[op];
		cost = cy->two[op];
	}
	i->op = op;
	f = d->f;
	i->fn = d->fn;

	if (f & D_MODRM) {
		uint8_t m;
		if (n >= avail)
			goto trunc;
		m = b[n++];
		i->mod = m >> 6;
		i->reg = (m >> 3) & 7;
		i->rm = m & 7;
		if (f & D_GRP) {
			const struct opdesc *gd = &q->grp[d->grp][i->reg];
			g = d->grp;
			i->fn = gd->fn;
			f |= gd->f;
			cost = cy->grp[g][i->reg];
		}
		if (i->mod != 3 && asz == 2) {
			unsigned dl = i->mod == 2 ? 2 : i->mod;
			if (i->mod == 0 && i->rm == 6) {
				dl = 2;
				eacost = cy->ea[0];
			} else {
				i->base = ea16_base[i->rm];
				i->index = ea16_index[i->rm];
				eacost = cy->ea[(i->index != REG_NONE ? 3 : 1) +
						(i->mod != 0)];
			}
			if (n + dl > avail)
				goto trunc;
			if (dl == 1)
				i->disp = (uint16_t)(int8_t)b[n];
			else if (dl == 2)
				i->disp = get16(b + n);
			n += dl;
			i->seg = (i->base == REG_BP) ? SEG_SS : SEG_DS;
		} else if (i->mod != 3) {
			unsigned dl = i->mod == 2 ? 4 : i->mod;
			i->base = i->rm;
			if (i->rm == 4) {
				uint8_t sib;
				if (n >= avail)
					goto trunc;
				sib = b[n++];
				i->scale = sib >> 6;
				i->index = (sib >> 3) & 7;
				if (i->index == REG_SP)
					i->index = REG_NONE;
				i->base = sib & 7;
				if (i->base == REG_BP && i->mod == 0) {
					i->base = REG_NONE;
					dl = 4;
				}
			} else if (i->rm == 5 && i->mod == 0) {
				i->base = REG_NONE;
				dl = 4;
			}
			if (n + dl > avail)
				goto trunc;
			if (dl == 1)
				i->disp = (uint32_t)(int32_t)(int8_t)b[n];
			else if (dl == 4)
				i->disp = get32(b + n);
			n += dl;
			i->seg = (i->base == REG_BP || i->base == REG_SP)
					 ? SEG_SS : SEG_DS;
			eacost = cy->ea[2];
		}
		if (i->sego != SEG_NONE)
			i->seg = i->sego;
		if ((f & D_MEMONLY) && i->mod == 3 && q->ud_invalid)
			i->fn = op_ud;
	} else {
		i->seg = i->sego != SEG_NONE ? i->sego : SEG_DS;
	}

	i->osize = osz;
	i->asize = asz;
	i->size = (f & D_BYTE) ? 1 : osz;

	if (f & (D_IB | D_IBS)) {
		if (n >= avail)
			goto trunc;
		i->imm = (f & D_IBS) ? (uint32_t)(int32_t)(int8_t)b[n] : b[n];
		n++;
	} else if (f & D_IW) {
		if (n + 2 > avail)
			goto trunc;
		i->imm = get16(b + n);
		n += 2;
	} else if (f & (D_IV | D_PTR)) {
		unsigned sz = (f & D_BYTE) ? 1 : osz;
		if (n + sz > avail)
			goto trunc;
		i->imm = sz == 1 ? b[n] : sz == 2 ? get16(b + n) : get32(b + n);
		n += sz;
		if (f & D_PTR) {
			if (n + 2 > avail)
				goto trunc;
			i->imm2 = (uint16_t)get16(b + n);
			n += 2;
		}
	} else if (f & D_ENTER) {
		if (n + 3 > avail)
			goto trunc;
		i->imm = get16(b + n);
		i->imm2 = b[n + 2];
		n += 3;
	} else if (f & D_MOFFS) {
		if (n + asz > avail)
			goto trunc;
		i->disp = asz == 2 ? get16(b + n) : get32(b + n);
		n += asz;
	}

	i->len = (uint8_t)n;
	if (q->max_len && n > q->max_len)
		i->fn = op_gp;
	i->cycles = (uint16_t)((i->mod == 3 ? cost.r : cost.m) + eacost);
	if (!i->fn || (i->lock && q->lock_ud && !insn_lockable(i)))
		i->fn = op_ud;
	return n;

trunc:
	/* Only a run of redundant prefixes longer than the fetch window gets
	 * here: consume the prefixes and decode the rest next time. */
	memset(i, 0, sizeof(*i));
	i->fn = q->max_len ? op_gp : op_pfx_only;
	i->len = (uint8_t)(npfx ? npfx : 1);
	i->cycles = 2;
	return i->len;
}
