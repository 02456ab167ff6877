/* cpu/fpu.h: the x87 executor's private interface (fpu.c, fpu_arith.c,
 * fpu_trans.c).
 *
 * The architectural state lives in c->s.fpu (cpu/state.h): registers in
 * physical order, the full 2-bit tag word, FSW with TOP in bits 11-13.
 * Numerics are delegated to fh_run (fpu_num.h); this layer implements the
 * stack, tags, exception masking and pointer/opcode bookkeeping.
 */
#ifndef LUCID_CPU_FPU_H
#define LUCID_CPU_FPU_H

#include "cpu/fpu_num.h"
#include "cpu/interp.h"

/* FSW */
#define FSW_IE 0x0001u
#define FSW_DE 0x0002u
#define FSW_ZE 0x0004u
#define FSW_OE 0x0008u
#define FSW_UE 0x0010u
#define FSW_PE 0x0020u
#define FSW_SF 0x0040u
#define FSW_ES 0x0080u
#define FSW_C0 0x0100u
#define FSW_C1 0x0200u
#define FSW_C2 0x0400u
#define FSW_TOP 0x3800u
#define FSW_C3 0x4000u
#define FSW_B 0x8000u
#define FSW_EXC 0x003fu
#define FSW_CC (FSW_C0 | FSW_C1 | FSW_C2 | FSW_C3)

/* FCW */
#define FCW_UM 0x0010u
#define FCW_RESERVED 0xe0c0u

enum { TAG_VALID, TAG_ZERO, TAG_SPECIAL, TAG_EMPTY };

enum { FPU_VEC_MF = 16 };

/* Pre-computation exceptions: unmasked, they suppress the result. */
#define FSW_PRE (FSW_IE | FSW_DE | FSW_ZE)

extern const struct f80 fpu_indefinite; /* QNaN real indefinite */

static inline unsigned fpu_top(const struct cpu *c)
{
	return (c->s.fpu.fsw >> 11) & 7;
}

static inline unsigned fpu_phys(const struct cpu *c, unsigned i)
{
	return (fpu_top(c) + i) & 7;
}

static inline void fpu_set_top(struct cpu *c, unsigned top)
{
	c->s.fpu.fsw = (uint16_t)((c->s.fpu.fsw & ~FSW_TOP) |
				  ((top & 7) << 11));
}

static inline unsigned fpu_tag_phys(const struct cpu *c, unsigned p)
{
	return (c->s.fpu.ftw >> (2 * p)) & 3;
}

static inline void fpu_set_tag_phys(struct cpu *c, unsigned p, unsigned t)
{
	c->s.fpu.ftw = (uint16_t)((c->s.fpu.ftw & ~(3u << (2 * p))) |
				  (t << (2 * p)));
}

static inline bool fpu_empty(const struct cpu *c, unsigned i)
{
	return fpu_tag_phys(c, fpu_phys(c, i)) == TAG_EMPTY;
}

static inline void fpu_set_cc(struct cpu *c, unsigned mask, unsigned v)
{
	c->s.fpu.fsw = (uint16_t)((c->s.fpu.fsw & ~mask) | (v & mask));
}

static inline bool f80_is_nan(const struct f80 *v)
{
	return (v->se & 0x7fff) == 0x7fff && (v->m << 1) != 0;
}

/* fpu.c: the entry points (op_esc/op_wait route here on models with an
 * x87; cpu_reset calls fpu_reset) */
void op_fpu(struct cpu *c, const struct insn *i);
void op_fwait(struct cpu *c, const struct insn *i);
void fpu_reset(struct cpu *c); /* power-on x87 state for the model */

/* fpu.c: state and exceptions */
unsigned fpu_tag_of(const struct f80 *v);
struct f80 fpu_get(const struct cpu *c, unsigned i);
void fpu_set(struct cpu *c, unsigned i, const struct f80 *v);
void fpu_pop(struct cpu *c);
void fpu_push(struct cpu *c, const struct f80 *v);
void fpu_raise(struct cpu *c, unsigned exc);
bool fpu_underflow(struct cpu *c);
bool fpu_overflow(struct cpu *c);
bool fpu_post(struct cpu *c, unsigned hsw, unsigned ccmask);
uint16_t fpu_hcw(const struct cpu *c);
uint32_t fpu_ea(const struct cpu *c, const struct insn *i, unsigned k);
void fpu_read80(struct cpu *c, const struct insn *i, unsigned k,
		struct f80 *v);
void fpu_write80(struct cpu *c, const struct insn *i, unsigned k,
		 const struct f80 *v);
/* Commit a loaded environment (FLDENV/FRSTOR/FXRSTOR): non-empty tags
 * follow the register contents, ES/B the flags and masks. */
void fpu_env_commit(struct cpu *c, const struct cpu_fpu *f);

/* fpu_arith.c: D8-DF except the control instructions */
void fpu_exec_arith(struct cpu *c, const struct insn *i);
/* fpu_trans.c: D9 E0-FF */
void fpu_exec_d9_misc(struct cpu *c, unsigned low);

#endif
