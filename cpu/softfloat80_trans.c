/* cpu/softfloat80_trans.c: the x87 transcendentals (F2XM1, FYL2X,
 * FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS, FPTAN) in software.
 *
 * Each is evaluated in a 128-bit-significand format (struct sfx) whose
 * operations truncate with a sticky ("jam") bit, so the value carries its
 * direction to the last bit; series run until the next term is below
 * 2^-130 of the sum, and the result is rounded once to 64 bits (the x87's
 * transcendentals ignore precision control). The error before that final
 * rounding is a few units of 2^-120, so results are the correctly rounded
 * value except in cases closer than that to a rounding boundary: always
 * within 1 ulp.
 *
 * Trigonometric arguments are reduced as Intel's x87 does (SDM vol. 1
 * 8.3.8; Intel's "The Difference Between x87 Instructions FSIN, FCOS,
 * FSINCOS, and FPTAN and Mathematical Functions"): FSIN(x) approximates
 * sin(x * pi / p) where p = 0.C90FDAA22168C234C * 2^2 is pi rounded to 66
 * significant bits. Here x is reduced exactly by p/2 in integer arithmetic
 * (x - k * p/2 has at most 66 significant bits) and the remainder is
 * scaled by pi/p, so the results are those of the mathematical function of
 * x * pi / p, e.g. FSIN of the double nearest pi gives 1.2246063538e-16
 * like Intel hardware, not sin's 1.2246467991e-16.
 */
#include "cpu/softfloat80.h"

#define BIT127 ((sf_u128)1 << 127)

/* --- 128-bit working arithmetic ------------------------------------- */

static struct sfx xk(uint64_t hi, uint64_t lo, int32_t e)
{
	/* constants are truncated: the jam bit marks them irrational */
	struct sfx x = { false, e, (sf_u128)hi << 64 | lo | 1 };
	return x;
}

#define X_LN2 xk(0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull, -1)
#define X_LOG2E xk(0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e88ull, 0)
#define X_PI xk(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 1)
#define X_PI2 xk(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, 0)
#define X_PI4 xk(0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull, -1)
#define X_PI34 xk(0x96cbe3f9990e91a7ull, 0x9394c9e8a0a5159cull, 1)
#define X_PI6 xk(0x860a91c16b9b2c23ull, 0x2dd99707ab3d688bull, -1)
#define X_SQRT3 xk(0xddb3d742c265539dull, 0x92ba16b83c5c1dc4ull, 0)
#define X_SQRT2 xk(0xb504f333f9de6484ull, 0x597d89b3754abe9full, 0)
#define X_PI_P xk(0x8000000000000000ull, 0x030a31c5b45d1254ull, 0)
/* p/2 = P_HALF * 2^-65, the x87's 66-bit pi over two */
#define P_HALF (((sf_u128)0x3ull << 64) | 0x243f6a8885a308d3ull)

static struct sfx xint(bool sign, uint64_t v)
{
	struct sfx x = { sign, 127, v };
	sf_normalize(&x);
	return x;
}

static struct sfx xneg(struct sfx x)
{
	x.sign = !x.sign;
	return x;
}

static struct sfx xadd(struct sfx a, struct sfx b)
{
	struct sfx t;
	uint32_t d;

	if (!a.m)
		return b;
	if (!b.m)
		return a;
	if (a.exp < b.exp || (a.exp == b.exp && a.m < b.m)) {
		t = a;
		a = b;
		b = t;
	}
	d = a.exp - b.exp > 200 ? 200u : (uint32_t)(a.exp - b.exp);
	a.m = (a.m >> 1) | (a.m & 1);
	b.m = sf_shr_jam((b.m >> 1) | (b.m & 1), d);
	a.exp++;
	a.m = a.sign == b.sign ? a.m + b.m : a.m - b.m;
	if (!a.m)
		a.sign = false;
	sf_normalize(&a);
	return a;
}

static struct sfx xmul(struct sfx a, struct sfx b)
{
	const sf_u128 m64 = ~(uint64_t)0;
	sf_u128 ah = a.m >> 64, al = a.m & m64, bh = b.m >> 64, bl = b.m & m64;
	sf_u128 hh = ah * bh, hl = ah * bl, lh = al * bh, ll = al * bl;
	sf_u128 mid = (hl & m64) + (lh & m64) + (ll >> 64);
	struct sfx r = { a.sign != b.sign, a.exp + b.exp + 1, 0 };

	if (!a.m || !b.m)
		return (struct sfx){ r.sign, 0, 0 };
	r.m = hh + (hl >> 64) + (lh >> 64) + (mid >> 64);
	r.m |= ((mid << 64) | (ll & m64)) != 0;
	sf_normalize(&r);
	return r;
}

static struct sfx xdiv(struct sfx a, struct sfx b)
{
	struct sfx r = { a.sign != b.sign, a.exp - b.exp, 0 };
	sf_u128 rem = a.m, q = 0;
	bool carry = false;

	if (!a.m)
		return (struct sfx){ r.sign, 0, 0 };
	for (int k = 0; k < 128; k++) {
		q <<= 1;
		if (carry || rem >= b.m) {
			rem -= b.m;
			q |= 1;
		}
		carry = rem >> 127;
		rem <<= 1;
	}
	r.m = q | (rem != 0 || carry);
	sf_normalize(&r);
	return r;
}

/* a / n for a small integer n, with 128 significant quotient bits. */
static struct sfx xdivn(struct sfx a, uint64_t n)
{
	sf_u128 hi = a.m >> 64, q1 = hi / n, r = hi % n, q0, q, x;
	int s;

	if (!a.m)
		return a;
	r = (r << 64) | (uint64_t)a.m;
	q0 = r / n;
	r = (r % n) << 64;
	x = r / n; /* the next 64 bits */
	q = q1 << 64 | q0;
	s = __builtin_clzll((uint64_t)(q >> 64));
	a.m = s ? q << s | x >> (64 - s) : q;
	a.m |= (r % n != 0) || (uint64_t)(x << s);
	a.exp -= s;
	return a;
}

/* Sum the series t_k = t_{k-1} * f / d(k) onto s until negligible. */
static bool x_negligible(const struct sfx *term, const struct sfx *sum)
{
	return !term->m || term->exp < sum->exp - 130;
}

/* --- exp2 and log2 ------------------------------------------------------ */

/* e^y - 1 for |y| <= 0.35 */
static struct sfx x_expm1(struct sfx y)
{
	struct sfx sum = y, term = y;

	for (uint64_t k = 2; k < 60; k++) {
		term = xdivn(xmul(term, y), k);
		if (x_negligible(&term, &sum))
			break;
		sum = xadd(sum, term);
	}
	return sum;
}

/* 2 * atanh(s) = ln((1 + s) / (1 - s)) for |s| <= 1/3 */
static struct sfx x_atanh2(struct sfx s)
{
	struct sfx s2 = xmul(s, s), sum = s, pw = s, term;

	for (uint64_t k = 3; k < 200; k += 2) {
		pw = xmul(pw, s2);
		term = xdivn(pw, k);
		if (x_negligible(&term, &sum))
			break;
		sum = xadd(sum, term);
	}
	sum.exp++;
	return sum;
}

/* log2(x) for x > 0 */
static struct sfx x_log2(struct sfx x)
{
	int32_t e = x.exp;
	struct sfx one = xint(false, 1), s, l;

	x.exp = 0;
	if (xadd(x, xneg(X_SQRT2)).sign == false) {
		x.exp = -1;
		e++;
	}
	s = xdiv(xadd(x, xneg(one)), xadd(x, one));
	l = xmul(x_atanh2(s), X_LOG2E);
	return xadd(xint(e < 0, (uint64_t)(e < 0 ? -(int64_t)e : e)), l);
}

/* log2(1 + x) for x > -1 */
static struct sfx x_log2p1(struct sfx x)
{
	struct sfx one = xint(false, 1), two = xint(false, 2);

	if (x.exp >= -1) /* |x| >= 0.5: 1 + x loses nothing that matters */
		return x_log2(xadd(one, x));
	return xmul(x_atanh2(xdiv(x, xadd(two, x))), X_LOG2E);
}

static struct f80 sf_invalid(struct sf_env *env)
{
	env->sw |= SF_IE;
	return sf_indefinite;
}

/* 2^x - 1: exact for integer x; |x| > 1 (undefined on the x87) computed
 * all the same. */
struct f80 sf_f2xm1(struct sf_env *env, const struct f80 *a)
{
	enum sf_class ca = sf_classify(a);
	struct sfx x, f, r, one = xint(false, 1);
	struct f80 res;
	int64_t n = 0;

	if (sf_screen1(env, a, &res))
		return res;
	if (ca == SF_ZERO)
		return *a;
	if (ca == SF_INF)
		return a->se >> 15 ? sf_round(env, &(struct sfx){ true, 0,
							       BIT127 }, 64)
				   : *a;
	x = sf_unpack(a);
	if (x.exp >= 15) { /* 2^x overflows, or is negligible next to 1 */
		r = x.sign ? xadd(xneg(one), (struct sfx){ false, -40000,
							   BIT127 })
			   : (struct sfx){ false, 40000, BIT127 };
		return sf_round(env, &r, 64);
	}
	if (x.exp == -1) /* n = round(x), f = x - n in [-0.5, 0.5] */
		n = x.sign ? -1 : 1;
	else if (x.exp >= 0)
		n = (int64_t)((x.m >> (127 - x.exp)) +
			      ((x.m >> (126 - x.exp)) & 1)) * (x.sign ? -1 : 1);
	f = xadd(x, xint(n > 0, (uint64_t)(n < 0 ? -n : n)));
	if (!f.m) { /* exact: 2^n - 1 */
		r = xadd((struct sfx){ false, (int32_t)n, BIT127 }, xneg(one));
		return sf_round(env, &r, 64);
	}
	r = x_expm1(xmul(f, X_LN2));
	if (n) {
		r = xadd(r, one);
		r.exp += (int32_t)n;
		r = xadd(r, xneg(one));
	}
	return sf_round(env, &r, 64);
}

/* FYL2X: y * log2(x); FYL2XP1 (p1): y * log2(1 + x). */
struct f80 sf_yl2x(struct sf_env *env, const struct f80 *y,
		   const struct f80 *x, bool p1)
{
	enum sf_class cy = sf_classify(y), cx = sf_classify(x);
	struct sfx vy, vx, one = xint(false, 1), l;
	struct f80 r;
	int c1; /* sign of log2(x) or log2(1 + x): -1, 0, 1; 2 = pole */

	if (sf_screen2(env, y, x, &r))
		return r;
	vy = sf_unpack(y);
	vx = sf_unpack(x);
	if (p1) {
		if (cx == SF_INF)
			c1 = vx.sign ? -2 : 1;
		else if (!vx.m)
			c1 = 0;
		else if (!vx.sign)
			c1 = 1;
		else {
			struct sfx t = xadd(vx, one); /* 1 + x */
			c1 = !t.m ? 2 : t.sign ? -2 : -1;
		}
	} else {
		if (vx.sign && vx.m)
			c1 = -2;
		else if (!vx.m)
			c1 = 2;
		else if (cx == SF_INF)
			c1 = 1;
		else {
			struct sfx t = xadd(vx, xneg(one));
			c1 = !t.m ? 0 : t.sign ? -1 : 1;
		}
	}
	if (c1 == -2) /* log of a negative number */
		return sf_invalid(env);
	if (c1 == 2) { /* log(0) = -inf */
		if (!vy.m)
			return sf_invalid(env);
		if (cy != SF_INF)
			env->sw |= SF_ZE;
		return sf_inf(!vy.sign);
	}
	if (cx == SF_INF || cy == SF_INF) { /* inf * log, or y * inf */
		if (!vy.m || c1 == 0)
			return sf_invalid(env);
		return sf_inf(vy.sign != (c1 < 0));
	}
	if (!vy.m || c1 == 0) {
		if (p1)
			return sf_zero(vy.sign != vx.sign);
		return sf_zero(vy.sign != (c1 < 0));
	}
	l = p1 ? x_log2p1(vx) : x_log2(vx);
	l = xmul(vy, l);
	return sf_round(env, &l, 64);
}

/* atan(t) for 0 <= t <= 1 */
static struct sfx x_atan(struct sfx t)
{
	struct sfx base = { false, 0, 0 }, t2, sum, pw, term;

	if (t.exp >= -2) { /* t >= 1/4: atan t = pi/6 + atan t', |t'| < 0.27 */
		struct sfx one = xint(false, 1);
		t = xdiv(xadd(xmul(t, X_SQRT3), xneg(one)), xadd(X_SQRT3, t));
		base = X_PI6;
	}
	t2 = xmul(t, t);
	sum = t;
	pw = t;
	for (uint64_t k = 3; k < 300 && t.m; k += 2) {
		pw = xneg(xmul(pw, t2));
		term = xdivn(pw, k);
		if (x_negligible(&term, &sum))
			break;
		sum = xadd(sum, term);
	}
	return xadd(base, sum);
}

/* FPATAN: the angle of (x, y) = (ST(0), ST(1)), in [-pi, pi]. */
struct f80 sf_patan(struct sf_env *env, const struct f80 *y,
		    const struct f80 *x)
{
	enum sf_class cy = sf_classify(y), cx = sf_classify(x);
	struct sfx vy, vx, a;
	struct f80 r;

	if (sf_screen2(env, y, x, &r))
		return r;
	vy = sf_unpack(y);
	vx = sf_unpack(x);
	if (cy == SF_INF) {
		a = cx != SF_INF ? X_PI2 : vx.sign ? X_PI34 : X_PI4;
	} else if (!vy.m || cx == SF_INF) {
		if (!vx.sign)
			return sf_zero(vy.sign);
		a = X_PI;
	} else if (!vx.m) {
		a = X_PI2;
	} else {
		vx.sign = vy.sign = false;
		if (vx.exp > vy.exp || (vx.exp == vy.exp && vx.m >= vy.m))
			a = x_atan(xdiv(vy, vx));
		else
			a = xadd(X_PI2, xneg(x_atan(xdiv(vx, vy))));
		if (x->se >> 15)
			a = xadd(X_PI, xneg(a));
	}
	a.sign = y->se >> 15;
	return sf_round(env, &a, 64);
}

/* --- trigonometry -------------------------------------------------------- */

/* sin and cos of |t| <= pi/4 + tiny. */
static void x_sincos(struct sfx t, struct sfx *s, struct sfx *c)
{
	struct sfx t2 = xmul(t, t), term = t;

	*s = t;
	for (uint64_t k = 2; k < 60 && t.m; k += 2) {
		term = xneg(xdivn(xmul(term, t2), k * (k + 1)));
		if (x_negligible(&term, s))
			break;
		*s = xadd(*s, term);
	}
	*c = xint(false, 1);
	term = *c;
	for (uint64_t k = 1; k < 60 && t.m; k += 2) {
		term = xneg(xdivn(xmul(term, t2), k * (k + 1)));
		if (x_negligible(&term, c))
			break;
		*c = xadd(*c, term);
	}
}

/* Reduce finite nonzero |a| < 2^63: |a| = k * p/2 + r exactly; returns
 * k mod 4 and t = r * pi/p. */
static unsigned x_reduce(const struct f80 *a, struct sfx *t)
{
	struct sfx x = sf_unpack(a);
	sf_u128 X, rem;
	uint64_t k;
	bool neg = false;

	x.sign = false;
	if (x.exp < -1 || (x.exp == -1 && (x.m >> 64) < 0xc90fdaa22168c234ull)) {
		*t = xmul(x, X_PI_P); /* |a| < p/4: k = 0 */
		return 0;
	}
	X = (x.m >> 64) << (x.exp + 2); /* units of 2^-65; exp <= 62 */
	k = (uint64_t)(X / P_HALF);
	rem = X % P_HALF;
	if (rem > P_HALF / 2) {
		k++;
		rem = P_HALF - rem;
		neg = true;
	}
	*t = xint(neg, 0);
	t->m = rem;
	t->exp = 127 - 65;
	sf_normalize(t);
	*t = xmul(*t, X_PI_P);
	return (unsigned)(k & 3);
}

/* Screen a trigonometric operand: NaN/unsupported results in *r. */
static bool sf_trig_screen(struct sf_env *env, const struct f80 *a,
			   struct f80 *r)
{
	if (sf_screen1(env, a, r))
		return true;
	if ((a->se & 0x7fff) >= 0x3fff + 63 && (a->se & 0x7fff) != 0x7fff) {
		env->sw |= SF_C2; /* out of range: operand unchanged */
		*r = *a;
		return true;
	}
	if (sf_classify(a) == SF_INF) {
		env->sw |= SF_IE;
		*r = sf_indefinite;
		return true;
	}
	return false;
}

void sf_sincos(struct sf_env *env, const struct f80 *a, struct f80 *sin,
	       struct f80 *cos)
{
	bool neg = a->se >> 15;
	struct sfx t, s, c, rs, rc;
	struct f80 r;
	unsigned q;

	if (sf_trig_screen(env, a, &r)) {
		if (sin)
			*sin = r;
		if (cos)
			*cos = r;
		return;
	}
	if (sf_classify(a) == SF_ZERO) {
		if (sin)
			*sin = *a;
		if (cos)
			*cos = sf_round(env, &(struct sfx){ false, 0, BIT127 },
					64);
		return;
	}
	q = x_reduce(a, &t);
	x_sincos(t, &s, &c);
	rs = q & 1 ? c : s;
	rc = q & 1 ? s : c;
	if (q & 2)
		rs = xneg(rs);
	if ((q + 1) & 2)
		rc = xneg(rc);
	rs.sign ^= neg;
	if (sin)
		*sin = sf_round(env, &rs, 64);
	if (cos)
		*cos = sf_round(env, &rc, 64);
}

struct f80 sf_tan(struct sf_env *env, const struct f80 *a)
{
	struct sfx t, s, c, r;
	struct f80 res;
	unsigned q;

	if (sf_trig_screen(env, a, &res))
		return res;
	if (sf_classify(a) == SF_ZERO)
		return *a;
	q = x_reduce(a, &t);
	x_sincos(t, &s, &c);
	r = q & 1 ? xneg(xdiv(c, s)) : xdiv(s, c);
	r.sign ^= (bool)(a->se >> 15);
	return sf_round(env, &r, 64);
}
