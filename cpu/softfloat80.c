/* cpu/softfloat80.c: 80-bit extended arithmetic in software: classes,
 * rounding and packing, the x87's NaN rules and the basic operations
 * (add, sub, mul, div, sqrt) under any rounding and precision control.
 *
 * Operands are unpacked to a 128-bit significand (struct sfx); each
 * operation computes a result that is exact or carries a sticky bit below
 * its 66th significant bit, and sf_round rounds once, so every result is
 * the correctly rounded IEEE one, as the x87's are.
 */
#include "cpu/softfloat80.h"

const struct f80 sf_indefinite = { 0xc000000000000000ull, 0xffff };

#define BIT127 ((sf_u128)1 << 127)

struct sf_env sf_env_of(uint16_t fcw)
{
	static const unsigned prec[4] = { 24, 64, 53, 64 };
	struct sf_env e = { (fcw >> 10) & 3u, prec[(fcw >> 8) & 3u], 0 };
	return e;
}

enum sf_class sf_classify(const struct f80 *a)
{
	unsigned e = a->se & 0x7fffu;

	if (e == 0)
		return a->m ? SF_DENORMAL : SF_ZERO;
	if (!(a->m >> 63))
		return SF_UNSUPPORTED; /* unnormal, pseudo-NaN/infinity */
	if (e == 0x7fff) {
		if (!(a->m << 1))
			return SF_INF;
		return (a->m >> 62) & 1 ? SF_QNAN : SF_SNAN;
	}
	return SF_NORMAL;
}

sf_u128 sf_shr_jam(sf_u128 m, uint32_t n)
{
	if (n == 0)
		return m;
	if (n >= 128)
		return m != 0;
	return (m >> n) | ((m << (128 - n)) != 0);
}

void sf_normalize(struct sfx *x)
{
	uint64_t hi = (uint64_t)(x->m >> 64), lo = (uint64_t)x->m;
	int sh;

	if (!x->m)
		return;
	sh = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(lo);
	x->m <<= sh;
	x->exp -= sh;
}

/* A pseudo-denormal has the value of the same significand with exponent 1. */
struct sfx sf_unpack(const struct f80 *a)
{
	unsigned e = a->se & 0x7fffu;
	struct sfx x = { (a->se >> 15) != 0, 0, 0 };

	if (!a->m)
		return x;
	x.exp = (int32_t)(e ? e : 1) - 16383;
	x.m = (sf_u128)a->m << 64;
	sf_normalize(&x);
	return x;
}

struct f80 sf_inf(bool sign)
{
	struct f80 r = { 1ull << 63, (uint16_t)(0x7fff | sign << 15) };
	return r;
}

struct f80 sf_zero(bool sign)
{
	struct f80 r = { 0, (uint16_t)(sign << 15) };
	return r;
}

struct f80 sf_quiet(const struct f80 *a)
{
	struct f80 r = { a->m | 1ull << 62, a->se };
	return r;
}

/* Round x (normalized, nonzero) to prec bits with biased exponents
 * [1, emax] and denormals below; tininess is detected before rounding and
 * UE is reported (masked) only for an inexact tiny result, as on the x87.
 * Returns the biased exponent (emax + 1: infinity) and in *out the
 * significand, top-aligned. C1 = rounded up in magnitude. */
int32_t sf_round_core(struct sf_env *env, const struct sfx *x, unsigned prec,
		      int32_t bias, int32_t emax, sf_u128 *out)
{
	int32_t e = x->exp + bias;
	sf_u128 m = x->m, lsb = (sf_u128)1 << (128 - prec);
	sf_u128 mask = lsb - 1, half = lsb >> 1, rest;
	bool tiny = false, up;

	if (e < 1) {
		tiny = true;
		m = sf_shr_jam(m, e < -200 ? 201u : (uint32_t)(1 - e));
		e = 0;
	}
	rest = m & mask;
	switch (env->rc) {
	case SF_RN: up = rest > half || (rest == half && (m & lsb)); break;
	case SF_RD: up = rest && x->sign; break;
	case SF_RU: up = rest && !x->sign; break;
	default: up = false; break;
	}
	m &= ~mask;
	env->sw &= ~SF_C1;
	if (rest)
		env->sw |= tiny ? SF_PE | SF_UE : SF_PE;
	if (up) {
		env->sw |= SF_C1;
		m += lsb;
		if (!m) {
			m = BIT127;
			e++;
		} else if (e == 0 && (m >> 127)) {
			e = 1;
		}
	}
	if (e > emax) {
		bool inf = env->rc == SF_RN || (env->rc == SF_RU && !x->sign) ||
			   (env->rc == SF_RD && x->sign);
		env->sw |= SF_OE | SF_PE;
		env->sw = inf ? env->sw | SF_C1 : env->sw & ~SF_C1;
		*out = inf ? BIT127 : ~mask;
		return inf ? emax + 1 : emax;
	}
	*out = m;
	return e;
}

struct f80 sf_round(struct sf_env *env, const struct sfx *x, unsigned prec)
{
	struct f80 r = sf_zero(x->sign);
	sf_u128 m;
	int32_t e;

	if (!x->m)
		return r;
	e = sf_round_core(env, x, prec, 16383, 0x7ffe, &m);
	r.m = (uint64_t)(m >> 64);
	r.se = (uint16_t)(r.se | e);
	return r;
}

/* Two NaNs: an SNaN yields to a QNaN, else the larger significand wins,
 * then the positive one. */
struct f80 sf_nan2(struct sf_env *env, const struct f80 *a,
		   const struct f80 *b)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	bool an = ca == SF_QNAN || ca == SF_SNAN;
	bool bn = cb == SF_QNAN || cb == SF_SNAN;
	const struct f80 *r;

	if (ca == SF_SNAN || cb == SF_SNAN)
		env->sw |= SF_IE;
	if (!bn)
		r = a;
	else if (!an)
		r = b;
	else if (ca != cb)
		r = ca == SF_QNAN ? a : b;
	else if (a->m != b->m)
		r = a->m > b->m ? a : b;
	else
		r = a->se < b->se ? a : b;
	return sf_quiet(r);
}

bool sf_screen1(struct sf_env *env, const struct f80 *a, struct f80 *r)
{
	switch (sf_classify(a)) {
	case SF_UNSUPPORTED:
		env->sw |= SF_IE;
		*r = sf_indefinite;
		return true;
	case SF_SNAN:
		env->sw |= SF_IE;
		*r = sf_quiet(a);
		return true;
	case SF_QNAN:
		*r = *a;
		return true;
	case SF_DENORMAL:
		env->sw |= SF_DE;
		return false;
	default:
		return false;
	}
}

bool sf_screen2(struct sf_env *env, const struct f80 *a,
		const struct f80 *b, struct f80 *r)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);

	if (ca == SF_UNSUPPORTED || cb == SF_UNSUPPORTED) {
		env->sw |= SF_IE;
		*r = sf_indefinite;
		return true;
	}
	if (ca == SF_QNAN || ca == SF_SNAN || cb == SF_QNAN || cb == SF_SNAN) {
		*r = sf_nan2(env, a, b);
		return true;
	}
	if (ca == SF_DENORMAL || cb == SF_DENORMAL)
		env->sw |= SF_DE;
	return false;
}

static struct f80 sf_invalid(struct sf_env *env)
{
	env->sw |= SF_IE;
	return sf_indefinite;
}

struct f80 sf_add(struct sf_env *env, const struct f80 *a,
		  const struct f80 *b, bool sub)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	struct sfx x, y, t;
	struct f80 r;

	if (sf_screen2(env, a, b, &r))
		return r;
	x = sf_unpack(a);
	y = sf_unpack(b);
	y.sign ^= sub;
	if (ca == SF_INF || cb == SF_INF) {
		if (ca == SF_INF && cb == SF_INF && x.sign != y.sign)
			return sf_invalid(env);
		return sf_inf(ca == SF_INF ? x.sign : y.sign);
	}
	if (!x.m && !y.m)
		return sf_zero(x.sign == y.sign ? x.sign : env->rc == SF_RD);
	if (!x.m || !y.m)
		return sf_round(env, x.m ? &x : &y, env->prec);
	if (x.exp < y.exp) {
		t = x;
		x = y;
		y = t;
	}
	/* One bit of headroom; the smaller operand keeps a sticky bit. */
	y.m = sf_shr_jam(y.m >> 1, (uint32_t)(x.exp - y.exp));
	x.m >>= 1;
	x.exp++;
	if (x.sign == y.sign) {
		x.m += y.m;
	} else if (x.m >= y.m) {
		x.m -= y.m;
	} else {
		x.m = y.m - x.m;
		x.sign = y.sign;
	}
	if (!x.m)
		return sf_zero(env->rc == SF_RD);
	sf_normalize(&x);
	return sf_round(env, &x, env->prec);
}

struct f80 sf_mul(struct sf_env *env, const struct f80 *a,
		  const struct f80 *b)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	struct sfx x, y;
	struct f80 r;

	if (sf_screen2(env, a, b, &r))
		return r;
	x = sf_unpack(a);
	y = sf_unpack(b);
	x.sign ^= y.sign;
	if (ca == SF_INF || cb == SF_INF) {
		if (ca == SF_ZERO || cb == SF_ZERO)
			return sf_invalid(env);
		return sf_inf(x.sign);
	}
	if (!x.m || !y.m)
		return sf_zero(x.sign);
	x.m = (x.m >> 64) * (y.m >> 64);
	x.exp += y.exp + 1;
	sf_normalize(&x);
	return sf_round(env, &x, env->prec);
}

struct f80 sf_div(struct sf_env *env, const struct f80 *a,
		  const struct f80 *b)
{
	enum sf_class ca = sf_classify(a), cb = sf_classify(b);
	uint64_t A, B;
	sf_u128 q1, r1, q2, r2;
	struct sfx x, y;
	struct f80 r;

	if (cb == SF_ZERO && ca == SF_DENORMAL) { /* ZE without DE */
		env->sw |= SF_ZE;
		return sf_inf((a->se ^ b->se) >> 15);
	}
	if (sf_screen2(env, a, b, &r))
		return r;
	x = sf_unpack(a);
	y = sf_unpack(b);
	x.sign ^= y.sign;
	if (ca == SF_INF)
		return cb == SF_INF ? sf_invalid(env) : sf_inf(x.sign);
	if (cb == SF_INF)
		return sf_zero(x.sign);
	if (!y.m) {
		if (!x.m)
			return sf_invalid(env);
		env->sw |= SF_ZE;
		return sf_inf(x.sign);
	}
	if (!x.m)
		return sf_zero(x.sign);
	A = (uint64_t)(x.m >> 64);
	B = (uint64_t)(y.m >> 64);
	q1 = ((sf_u128)A << 63) / B;
	r1 = ((sf_u128)A << 63) % B;
	q2 = (r1 << 64) / B;
	r2 = (r1 << 64) % B;
	x.m = (q1 << 64) | q2 | (r2 != 0);
	x.exp -= y.exp;
	sf_normalize(&x);
	return sf_round(env, &x, env->prec);
}

/* floor(sqrt(n)) with n - root^2 in *rem; n < 2^128. */
static uint64_t sf_isqrt(sf_u128 n, sf_u128 *rem)
{
	sf_u128 r = 0, t;
	uint64_t root = 0;

	for (int i = 63; i >= 0; i--) {
		r = (r << 2) | ((n >> (2 * i)) & 3);
		t = ((sf_u128)root << 2) | 1;
		root <<= 1;
		if (r >= t) {
			r -= t;
			root |= 1;
		}
	}
	*rem = r;
	return root;
}

struct f80 sf_sqrt(struct sf_env *env, const struct f80 *a)
{
	enum sf_class ca = sf_classify(a);
	struct sfx x;
	struct f80 r;
	sf_u128 n, rem;
	uint64_t root;

	if (ca == SF_DENORMAL && (a->se >> 15)) /* IE without DE */
		return sf_invalid(env);
	if (sf_screen1(env, a, &r))
		return r;
	if (ca == SF_ZERO)
		return *a;
	if (a->se >> 15)
		return sf_invalid(env);
	if (ca == SF_INF)
		return *a;
	x = sf_unpack(a);
	/* value = n * 2^(2h) with n = sig << 64 or << 63 */
	n = x.m >> ((uint32_t)x.exp & 1 ? 0 : 1);
	x.exp = ((uint32_t)x.exp & 1 ? x.exp - 127 : x.exp - 126) / 2 + 63;
	root = sf_isqrt(n, &rem);
	/* the next bit is 1 iff rem > root (never a tie); then sticky */
	x.m = (sf_u128)root << 64 | (rem > root ? 1ull << 63 : 0) | (rem != 0);
	return sf_round(env, &x, env->prec);
}
