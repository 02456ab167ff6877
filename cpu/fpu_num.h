/* cpu/fpu_num.h: the x87 numerics primitive, in software (softfloat80.h).
 *
 * Every guest x87 computation goes through fh_run: one x87 operation on
 * 80-bit memory images under a control word carrying the guest's
 * precision and rounding control, computed as with every exception
 * masked. It returns the status the x87 would set (exception flags and
 * the condition codes the operation defines) for the caller to merge and
 * apply the masks. Everything is integer arithmetic (cpu/softfloat80*.c),
 * so results are bit-identical on every host: basic operations are
 * correctly rounded like the x87's, transcendentals are within 1 ulp.
 */
#ifndef LUCID_CPU_FPU_NUM_H
#define LUCID_CPU_FPU_NUM_H

#include <stdint.h>

#include "cpu/softfloat80.h"

enum fh_op {
	/* r0 = a OP b */
	FH_ADD, FH_SUB, FH_MUL, FH_DIV,
	/* r0 = f(a) */
	FH_SQRT, FH_RNDINT, FH_F2XM1, FH_SIN, FH_COS,
	/* ST0 = a, ST1 = b: r0 = new ST0 */
	FH_SCALE, FH_PREM, FH_PREM1,
	/* ST1 = a, ST0 = b: r0 = f(ST1, ST0) (FPATAN, FYL2X, FYL2XP1) */
	FH_PATAN, FH_YL2X, FH_YL2XP1,
	/* r0 = new ST0, r1 = new ST1 after a push */
	FH_XTRACT, FH_SINCOS, FH_PTAN,
	/* status only: ST0 = a compared with b, FTST, FXAM */
	FH_COM, FH_UCOM, FH_TST, FH_XAM,
	/* r0 = the memory image at a converted to extended */
	FH_LD32, FH_LD64, FH_ILD16, FH_ILD32, FH_ILD64, FH_BLD,
	/* the memory image at r0 = a converted (rounded under RC) */
	FH_ST32, FH_ST64, FH_IST16, FH_IST32, FH_IST64, FH_BST,
	/* r0 = constant, rounded under RC */
	FH_LD1, FH_LDL2T, FH_LDL2E, FH_LDPI, FH_LDLG2, FH_LDLN2, FH_LDZ,
};

/* Returns the status word bits (exception flags, condition codes). a and
 * b may alias; operands an operation does not use must still be valid;
 * r0/r1 may be NULL when the operation has no such result. */
uint16_t fh_run(uint16_t fcw, enum fh_op op, const struct f80 *a,
		const struct f80 *b, struct f80 *r0, struct f80 *r1);

#endif
