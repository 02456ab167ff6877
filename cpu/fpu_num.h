/* cpu/fpu_host.h: the x87 numerics primitives, executed by the host's x87.
 *
 * Every guest x87 computation goes through fh_run: one host x87 instruction
 * with its operands loaded from and results stored to 80-bit memory images,
 * under a control word carrying the guest's precision and rounding control
 * with every host exception masked. The host status word (exception flags
 * and condition codes) is returned for the guest to merge. Loads and stores
 * of m80 images are bit-exact, so guest NaN payloads, signs and unsupported
 * encodings reach the host unchanged. The basic operations are IEEE-exact
 * and therefore identical on every x86 host; the transcendentals are the
 * host CPU's microcode and may differ in the last bit between vendors.
 *
 * This is the only file that knows the numerics come from hardware: a
 * soft-float 80-bit implementation can replace fh_run without touching the
 * instruction semantics in fpu*.c.
 */
#ifndef LUCID_CPU_FPU_HOST_H
#define LUCID_CPU_FPU_HOST_H

#include <stdint.h>

#if !defined(__x86_64__) && !defined(__i386__)
#error "the x87 FPU needs an x86 host (soft-float backend not written yet)"
#endif

/* An 80-bit extended real in its memory layout (the first 10 bytes). */
struct f80 {
	uint64_t m;  /* significand, explicit integer bit 63 */
	uint16_t se; /* sign bit 15, biased exponent 14-0 */
};

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

/* Returns the host status word (exception flags, condition codes). a and
 * b may alias; operands an operation does not use must still be valid. */
uint16_t fh_run(uint16_t fcw, enum fh_op op, const struct f80 *a,
		const struct f80 *b, struct f80 *r0, struct f80 *r1);

#endif
