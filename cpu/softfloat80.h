/* cpu/softfloat80.h: the x87's numerics in software, bit-exact and
 * host-independent.
 *
 * Values are 80-bit extended reals in their memory layout (struct f80).
 * Every operation takes an environment carrying the guest's rounding and
 * precision control and accumulates into env->sw the status bits the x87
 * would set with all exceptions masked: IE, DE, ZE, OE, UE, PE, and C1
 * ("rounded up") — the caller (cpu/fpu*.c) applies the masks. Results are
 * the masked responses (QNaN indefinite, infinities, denormals).
 *
 * Only integer arithmetic is used (uint64_t and unsigned __int128), so the
 * results are the same on every host and compiler.
 */
#ifndef LUCID_CPU_SOFTFLOAT80_H
#define LUCID_CPU_SOFTFLOAT80_H

#include <stdbool.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 sf_u128;

/* An 80-bit extended real in its memory layout (the first 10 bytes). */
struct f80 {
	uint64_t m;  /* significand, explicit integer bit 63 */
	uint16_t se; /* sign bit 15, biased exponent 14-0 */
};

/* Status bits as in the FSW. */
#define SF_IE 0x0001u
#define SF_DE 0x0002u
#define SF_ZE 0x0004u
#define SF_OE 0x0008u
#define SF_UE 0x0010u
#define SF_PE 0x0020u
#define SF_C0 0x0100u
#define SF_C1 0x0200u
#define SF_C2 0x0400u
#define SF_C3 0x4000u

enum { SF_RN, SF_RD, SF_RU, SF_RZ }; /* FCW.RC */

struct sf_env {
	unsigned rc;   /* SF_RN.. */
	unsigned prec; /* significand bits of arithmetic results: 24/53/64 */
	unsigned sw;   /* accumulated status */
};

/* The environment for FCW fcw (PC 00 = 24 bits, 10 = 53, else 64). */
struct sf_env sf_env_of(uint16_t fcw);

enum sf_class {
	SF_ZERO, SF_NORMAL, SF_DENORMAL, /* denormal includes pseudo-denormal */
	SF_INF, SF_QNAN, SF_SNAN, SF_UNSUPPORTED, /* unnormal, pseudo-NaN/inf */
};

enum sf_class sf_classify(const struct f80 *a);

/* An unpacked finite value: (-1)^sign * m * 2^(exp - 127); m has bit 127
 * set, or is 0 for a zero. Low bits may be a sticky "jam" bit. */
struct sfx {
	bool sign;
	int32_t exp;
	sf_u128 m;
};

/* softfloat80.c: packing, NaNs, the basic operations */
extern const struct f80 sf_indefinite;
struct sfx sf_unpack(const struct f80 *a); /* finite operands */
void sf_normalize(struct sfx *x);
/* Round x to prec bits in the extended exponent range under env. */
struct f80 sf_round(struct sf_env *env, const struct sfx *x, unsigned prec);
/* The same for any format: biased exponents [1, emax] with denormals
 * below; returns the biased exponent (emax + 1 = infinity) and in *out the
 * rounded significand, top-aligned. */
int32_t sf_round_core(struct sf_env *env, const struct sfx *x, unsigned prec,
		      int32_t bias, int32_t emax, sf_u128 *out);
struct f80 sf_inf(bool sign);
struct f80 sf_zero(bool sign);
struct f80 sf_quiet(const struct f80 *a);
/* The NaN result for operands a, b of which at least one is a NaN. */
struct f80 sf_nan2(struct sf_env *env, const struct f80 *a,
		   const struct f80 *b);
/* Screen one or two operands: unsupported and NaN operands produce the
 * result in *r (returns true); otherwise DE is raised for denormals. */
bool sf_screen1(struct sf_env *env, const struct f80 *a, struct f80 *r);
bool sf_screen2(struct sf_env *env, const struct f80 *a,
		const struct f80 *b, struct f80 *r);
struct f80 sf_add(struct sf_env *env, const struct f80 *a,
		  const struct f80 *b, bool sub);
struct f80 sf_mul(struct sf_env *env, const struct f80 *a,
		  const struct f80 *b);
struct f80 sf_div(struct sf_env *env, const struct f80 *a,
		  const struct f80 *b);
struct f80 sf_sqrt(struct sf_env *env, const struct f80 *a);
sf_u128 sf_shr_jam(sf_u128 m, uint32_t n);

/* softfloat80_conv.c: conversions, comparisons, the other operations.
 * Memory images are passed in the low bits of a uint64_t (BCD: f80). */
struct f80 sf_from_f32(struct sf_env *env, uint32_t v);
struct f80 sf_from_f64(struct sf_env *env, uint64_t v);
struct f80 sf_from_int(int64_t v);
struct f80 sf_from_bcd(const struct f80 *v);
uint32_t sf_to_f32(struct sf_env *env, const struct f80 *a);
uint64_t sf_to_f64(struct sf_env *env, const struct f80 *a);
uint64_t sf_to_int(struct sf_env *env, const struct f80 *a, unsigned bits);
struct f80 sf_to_bcd(struct sf_env *env, const struct f80 *a);
/* C0/C2/C3 of a compared with b; quiet: only SNaN operands raise IE. */
unsigned sf_compare(struct sf_env *env, const struct f80 *a,
		    const struct f80 *b, bool quiet);
unsigned sf_xam(const struct f80 *a); /* C0-C3 */
struct f80 sf_rndint(struct sf_env *env, const struct f80 *a);
struct f80 sf_scale(struct sf_env *env, const struct f80 *a,
		    const struct f80 *b);
void sf_xtract(struct sf_env *env, const struct f80 *a, struct f80 *sig,
	       struct f80 *exp);
struct f80 sf_prem(struct sf_env *env, const struct f80 *a,
		   const struct f80 *b, bool ieee);
/* FLD1..FLDZ: k = 0 (1), 1 (L2T), 2 (L2E), 3 (PI), 4 (LG2), 5 (LN2), 6 (0) */
struct f80 sf_const(struct sf_env *env, unsigned k);

/* softfloat80_trans.c: the transcendentals, <= 1 ulp (see there) */
struct f80 sf_f2xm1(struct sf_env *env, const struct f80 *a);
struct f80 sf_yl2x(struct sf_env *env, const struct f80 *y,
		   const struct f80 *x, bool p1);
struct f80 sf_patan(struct sf_env *env, const struct f80 *y,
		    const struct f80 *x);
/* FSIN/FCOS/FSINCOS/FPTAN for |a| < 2^63 (the caller checks the range):
 * sin and/or cos (either pointer may be NULL), or tan when tan != NULL. */
void sf_sincos(struct sf_env *env, const struct f80 *a, struct f80 *sin,
	       struct f80 *cos);
struct f80 sf_tan(struct sf_env *env, const struct f80 *a);

#endif
