/* cpu/softfloat80_conv.c: conversions between the extended format and
 * single, double, 16/32/64-bit integers and packed BCD; comparisons,
 * FXAM, FRNDINT, FSCALE, FXTRACT, FPREM/FPREM1 and the constants, with
 * the x87's special-operand rules (see softfloat80.h). */
#include "cpu/softfloat80.h"

#define BIT127 ((sf_u128)1 << 127)

/* --- loads ------------------------------------------------------------ */

/* value = mag * 2^k, exactly representable in the extended format. */
static struct f80 sf_exact(bool sign, uint64_t mag, int32_t k)
{
	struct sf_env env = { SF_RN, 64, 0 };
	struct sfx x = { sign, k + 127, mag };

	if (!mag)
		return sf_zero(sign);
	sf_normalize(&x);
	return sf_round(&env, &x, 64);
}

/* m-bit fraction f, exponent field e (max emax), bias */
static struct f80 sf_from_ieee(struct sf_env *env, bool sign, uint32_t e,
			       uint64_t f, unsigned fbits, uint32_t emax,
			       int32_t bias)
{
	struct f80 r;

	if (e == emax) {
		if (!f)
			return sf_inf(sign);
		r.m = 1ull << 63 | f << (63 - fbits);
		r.se = (uint16_t)(0x7fff | sign << 15);
		if (!(f >> (fbits - 1))) {
			env->sw |= SF_IE;
			r = sf_quiet(&r);
		}
		return r;
	}
	if (e == 0) {
		if (f)
			env->sw |= SF_DE;
		return sf_exact(sign, f, 1 - bias - (int32_t)fbits);
	}
	return sf_exact(sign, f | 1ull << fbits, (int32_t)e - bias -
			(int32_t)fbits);
}

struct f80 sf_from_f32(struct sf_env *env, uint32_t v)
{
	return sf_from_ieee(env, v >> 31, (v >> 23) & 0xff, v & 0x7fffff, 23,
			    0xff, 127);
}

struct f80 sf_from_f64(struct sf_env *env, uint64_t v)
{
	return sf_from_ieee(env, v >> 63, (uint32_t)(v >> 52) & 0x7ff,
			    v & 0xfffffffffffffull, 52, 0x7ff, 1023);
}

struct f80 sf_from_int(int64_t v)
{
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	return sf_exact(v < 0, mag, 0);
}

/* Digits 0-15 in m, 16-17 in the low byte of se, sign in bit 15. Invalid
 * digits are undefined on the x87; here they weigh as their value. */
struct f80 sf_from_bcd(const struct f80 *v)
{
	uint64_t n = 0;

	for (int d = 17; d >= 0; d--) {
		unsigned nib = d >= 16 ? (v->se >> (4 * (d - 16))) & 15u
				       : (unsigned)(v->m >> (4 * d)) & 15u;
		n = n * 10 + nib;
	}
	return sf_exact(v->se >> 15, n, 0);
}

/* --- stores ----------------------------------------------------------- */

static uint64_t sf_to_ieee(struct sf_env *env, const struct f80 *a,
			   unsigned fbits, int32_t emax, int32_t bias)
{
	uint64_t sbit = 1ull << (fbits + (emax == 254 ? 8 : 11));
	uint64_t sign = a->se >> 15 ? sbit : 0;
	uint64_t inf = (uint64_t)(emax + 1) << fbits, quiet = 1ull << (fbits - 1);
	sf_u128 m;
	struct sfx x;
	int32_t e;

	switch (sf_classify(a)) {
	case SF_UNSUPPORTED:
		env->sw |= SF_IE;
		return sbit | inf | quiet;
	case SF_SNAN:
		env->sw |= SF_IE;
		/* fall through */
	case SF_QNAN:
		return sign | inf | quiet | ((a->m << 1) >> (64 - fbits));
	case SF_INF:
		return sign | inf;
	case SF_ZERO:
		return sign;
	default: /* denormal operands of stores do not raise DE */
		break;
	}
	x = sf_unpack(a);
	e = sf_round_core(env, &x, fbits + 1, bias, emax, &m);
	if (e > emax)
		return sign | inf;
	return sign | (uint64_t)e << fbits |
	       ((uint64_t)(m >> (127 - fbits)) & (quiet * 2 - 1));
}

uint32_t sf_to_f32(struct sf_env *env, const struct f80 *a)
{
	return (uint32_t)sf_to_ieee(env, a, 23, 254, 127);
}

uint64_t sf_to_f64(struct sf_env *env, const struct f80 *a)
{
	return sf_to_ieee(env, a, 52, 2046, 1023);
}

/* Round finite x to an integer under the rounding control: the magnitude
 * in *mag; false if it is 2^64 or more. */
static bool sf_round_int(const struct sf_env *env, const struct sfx *x,
			 sf_u128 *mag, bool *inexact, bool *up)
{
	sf_u128 i = 0, rest, half;

	*up = *inexact = false;
	*mag = 0;
	if (!x->m)
		return true;
	if (x->exp >= 64)
		return false;
	if (x->exp >= 0) {
		unsigned sh = 127u - (unsigned)x->exp;
		i = x->m >> sh;
		rest = x->m & (((sf_u128)1 << sh) - 1);
		half = (sf_u128)1 << (sh - 1);
	} else if (x->exp == -1) {
		rest = x->m;
		half = BIT127;
	} else {
		rest = 1;
		half = 2;
	}
	switch (env->rc) {
	case SF_RN: *up = rest > half || (rest == half && (i & 1)); break;
	case SF_RD: *up = rest && x->sign; break;
	case SF_RU: *up = rest && !x->sign; break;
	default: break;
	}
	*inexact = rest != 0;
	*mag = i + *up;
	return !(*mag >> 64);
}

/* Screen a store-to-integer operand; false: IE (result: indefinite). */
static bool sf_int_operand(struct sf_env *env, const struct f80 *a,
			   struct sfx *x)
{
	switch (sf_classify(a)) {
	case SF_UNSUPPORTED:
	case SF_SNAN:
	case SF_QNAN:
	case SF_INF:
		env->sw |= SF_IE;
		return false;
	default: /* no DE, as for the other stores */
		break;
	}
	*x = sf_unpack(a);
	return true;
}

static void sf_inexact(struct sf_env *env, bool inexact, bool up)
{
	env->sw &= ~SF_C1;
	if (inexact)
		env->sw |= SF_PE;
	if (up)
		env->sw |= SF_C1;
}

uint64_t sf_to_int(struct sf_env *env, const struct f80 *a, unsigned bits)
{
	uint64_t indef = 1ull << (bits - 1), mask = indef * 2 - 1;
	bool inexact, up;
	struct sfx x;
	sf_u128 mag;

	if (!sf_int_operand(env, a, &x))
		return indef;
	if (!sf_round_int(env, &x, &mag, &inexact, &up) ||
	    mag > (sf_u128)indef - !x.sign) {
		env->sw |= SF_IE;
		return indef;
	}
	sf_inexact(env, inexact, up);
	return (x.sign ? 0 - (uint64_t)mag : (uint64_t)mag) & mask;
}

struct f80 sf_to_bcd(struct sf_env *env, const struct f80 *a)
{
	struct f80 r = { 0, (uint16_t)(a->se & 0x8000) };
	bool inexact, up;
	struct sfx x;
	sf_u128 mag;
	uint64_t n;

	if (!sf_int_operand(env, a, &x))
		return sf_indefinite;
	if (!sf_round_int(env, &x, &mag, &inexact, &up) ||
	    mag > 999999999999999999ull) {
		env->sw |= SF_IE;
		return sf_indefinite;
	}
	sf_inexact(env, inexact, up);
	n = (uint64_t)mag;
	for (unsigned d = 0; d < 18; d++, n /= 10) {
		if (d < 16)
			r.m |= (n % 10) << (4 * d);
		else
			r.se = (uint16_t)(r.se | (n % 10) << (4 * (d - 16)));
	}
	return r;
}

/* --- comparisons -------------------------------------------------------- */

static int sf_sgn(const struct sfx *x)
{
	return !x->m ? 0 : x->sign ? -1 : 1;
}

unsigned sf_compare(struct sf_env *env, const struct f80 *a,
		    const struct f80 *b, bool quiet)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	struct sfx x, y;
	int sx, sy, mag;

	if (ca == SF_UNSUPPORTED || cb == SF_UNSUPPORTED ||
	    ca == SF_SNAN || cb == SF_SNAN) {
		env->sw |= SF_IE;
		return SF_C3 | SF_C2 | SF_C0;
	}
	if (ca == SF_QNAN || cb == SF_QNAN) {
		if (!quiet)
			env->sw |= SF_IE;
		return SF_C3 | SF_C2 | SF_C0;
	}
	if (ca == SF_DENORMAL || cb == SF_DENORMAL)
		env->sw |= SF_DE;
	x = sf_unpack(a); /* an infinity unpacks above every finite value */
	y = sf_unpack(b);
	sx = sf_sgn(&x);
	sy = sf_sgn(&y);
	if (sx != sy)
		return sx > sy ? 0 : SF_C0;
	if (!sx)
		return SF_C3;
	mag = x.exp != y.exp ? (x.exp > y.exp ? 1 : -1)
			     : x.m != y.m ? (x.m > y.m ? 1 : -1) : 0;
	if (!mag)
		return SF_C3;
	return mag * sx > 0 ? 0 : SF_C0;
}

unsigned sf_xam(const struct f80 *a)
{
	static const unsigned cc[] = {
		[SF_ZERO] = SF_C3, [SF_NORMAL] = SF_C2,
		[SF_DENORMAL] = SF_C3 | SF_C2, [SF_INF] = SF_C2 | SF_C0,
		[SF_QNAN] = SF_C0, [SF_SNAN] = SF_C0, [SF_UNSUPPORTED] = 0,
	};
	return cc[sf_classify(a)] | (a->se >> 15 ? SF_C1 : 0);
}

/* --- FRNDINT, FSCALE, FXTRACT, FPREM --------------------------------- */

struct f80 sf_rndint(struct sf_env *env, const struct f80 *a)
{
	enum sf_class ca = sf_classify(a);
	bool inexact, up;
	struct sfx x;
	struct f80 r;
	sf_u128 mag;

	if (sf_screen1(env, a, &r))
		return r;
	if (ca == SF_ZERO || ca == SF_INF)
		return *a;
	x = sf_unpack(a);
	if (x.exp >= 63)
		return *a;
	sf_round_int(env, &x, &mag, &inexact, &up);
	sf_inexact(env, inexact, up);
	return sf_exact(x.sign, (uint64_t)mag, 0);
}

/* ST(0) * 2^trunc(ST(1)), rounded to 64 bits whatever the PC. */
struct f80 sf_scale(struct sf_env *env, const struct f80 *a,
		    const struct f80 *b)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	struct sfx x, y;
	struct f80 r;

	if (sf_screen2(env, a, b, &r))
		return r;
	y = sf_unpack(b);
	if (ca == SF_INF) {
		if (cb == SF_INF && y.sign) {
			env->sw |= SF_IE;
			return sf_indefinite;
		}
		return *a;
	}
	if (cb == SF_INF) {
		if (ca == SF_ZERO) {
			if (!y.sign) {
				env->sw |= SF_IE;
				return sf_indefinite;
			}
			return *a;
		}
		return y.sign ? sf_zero(a->se >> 15) : sf_inf(a->se >> 15);
	}
	if (ca == SF_ZERO)
		return *a;
	x = sf_unpack(a);
	if (cb == SF_ZERO || y.exp < 0) /* a, pseudo-denormals made canonical */
		return sf_round(env, &x, 64);
	if (y.exp > 15) {
		x.exp += y.sign ? -40000 : 40000;
	} else {
		int32_t s = (int32_t)(uint32_t)(y.m >> (127 - y.exp));
		x.exp += y.sign ? -s : s;
	}
	return sf_round(env, &x, 64);
}

void sf_xtract(struct sf_env *env, const struct f80 *a, struct f80 *sig,
	       struct f80 *exp)
{
	enum sf_class ca = sf_classify(a);
	struct sfx x;

	if (sf_screen1(env, a, sig)) {
		*exp = *sig;
		return;
	}
	if (ca == SF_INF) {
		*sig = *a;
		*exp = sf_inf(false);
		return;
	}
	if (ca == SF_ZERO) {
		env->sw |= SF_ZE;
		*sig = *a;
		*exp = sf_inf(true);
		return;
	}
	x = sf_unpack(a);
	*exp = sf_from_int(x.exp);
	sig->m = (uint64_t)(x.m >> 64);
	sig->se = (uint16_t)((a->se & 0x8000) | 0x3fff);
}

/* q = floor(A * 2^d / B), *rem = the remainder (A, B normalized). */
static uint64_t sf_rem_kernel(uint64_t A, uint64_t B, unsigned d,
			      uint64_t *rem)
{
	sf_u128 r = A;
	uint64_t q = 0;

	if (r >= B) {
		r -= B;
		q = 1;
	}
	for (unsigned k = 0; k < d; k++) {
		r <<= 1;
		q <<= 1;
		if (r >= B) {
			r -= B;
			q |= 1;
		}
	}
	*rem = (uint64_t)r;
	return q;
}

/* FPREM (truncating quotient) and FPREM1 (ieee: nearest-even). With the
 * exponent difference D >= 64 the reduction is partial (C2 = 1): by
 * ST(1) * 2^(D - N) with N = 32 + (D mod 32), as Intel's processors do;
 * else C0, C3, C1 are the quotient's low bits Q2, Q1, Q0. */
struct f80 sf_prem(struct sf_env *env, const struct f80 *a,
		   const struct f80 *b, bool ieee)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	uint64_t A, B, R, q;
	unsigned cc;
	struct sfx x, y;
	struct f80 r;
	int32_t d;

	env->sw &= ~(SF_C0 | SF_C1 | SF_C2 | SF_C3);
	if ((ca == SF_INF || cb == SF_ZERO) && ca != SF_UNSUPPORTED &&
	    cb != SF_UNSUPPORTED && ca < SF_QNAN && cb < SF_QNAN) {
		env->sw |= SF_IE; /* before DE */
		return sf_indefinite;
	}
	if (sf_screen2(env, a, b, &r))
		return r;
	x = sf_unpack(a);
	y = sf_unpack(b);
	if (cb == SF_INF || ca == SF_ZERO)
		return sf_round(env, &x, 64);
	A = (uint64_t)(x.m >> 64);
	B = (uint64_t)(y.m >> 64);
	d = x.exp - y.exp;
	cc = 0;
	if (d >= 64) {
		unsigned n = 32u + ((unsigned)d & 31u);
		sf_rem_kernel(A, B, n, &R);
		cc = SF_C2;
		x.exp -= (int32_t)n;
	} else if (d < 0) {
		/* |a| < |b|: q = 0; FPREM1 rounds up when |a| > |b| / 2 */
		if (!ieee || d < -1 || A <= B)
			return sf_round(env, &x, 64);
		R = B - (A - B); /* |b| - |a| in units of a's ulp */
		cc = SF_C1;
		x.sign = !x.sign;
	} else {
		q = sf_rem_kernel(A, B, (unsigned)d, &R);
		if (ieee && (R > B - R || (R == B - R && (q & 1)))) {
			R = B - R;
			q++;
			x.sign = !x.sign;
		}
		x.exp = y.exp;
		cc = (q & 4 ? SF_C0 : 0) | (q & 2 ? SF_C3 : 0) |
		     (q & 1 ? SF_C1 : 0);
	}
	/* R is in units of 2^(x.exp - 63) */
	x.m = (sf_u128)R << 64;
	if (!R) {
		r = sf_zero(a->se >> 15);
	} else {
		sf_normalize(&x);
		r = sf_round(env, &x, 64);
	}
	env->sw = (env->sw & ~SF_C1) | cc;
	return r;
}

/* --- constants --------------------------------------------------------- */

/* Rounded from 128 bits (the x87 keeps 66; the roundings agree). */
struct f80 sf_const(struct sf_env *env, unsigned k)
{
	static const struct { uint64_t hi, lo; int32_t e; } c[5] = {
		{ 0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4cull, 1 },  /* L2T */
		{ 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull, 0 },  /* L2E */
		{ 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 1 },  /* PI */
		{ 0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull, -2 }, /* LG2 */
		{ 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1 }, /* LN2 */
	};
	struct sf_env e = *env;
	struct sfx x;

	if (k == 0)
		return sf_exact(false, 1, 0);
	if (k >= 6)
		return sf_zero(false);
	x.sign = false;
	x.exp = c[k - 1].e;
	x.m = (sf_u128)c[k - 1].hi << 64 | c[k - 1].lo | 1; /* irrational */
	return sf_round(&e, &x, 64);
}
