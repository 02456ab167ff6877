/* tests/unit/test_softfloat.c: the soft-float x87 numerics (fh_run).
 *
 * - transcendentals: expected results computed at test-writing time with
 *   mpmath at 400 bits (the correctly rounded value of 2^x - 1, y log2 x,
 *   y log2(1 + x), atan2(y, x), and sin/cos/tan(x * pi / p) with p the
 *   x87's 66-bit pi), checked to within 1 ulp; special operands exactly;
 * - the basic operations, conversions, FPREM, FSCALE, FXTRACT, FRNDINT,
 *   comparisons and constants against the host's x87 (x86 hosts), bit for
 *   bit, flags included, under every rounding and precision control;
 * - determinism: a digest of many results is a constant, on any host.
 */
#include <criterion/criterion.h>

#include "cpu/fpu_num.h"
#include "tests/unit/fpu_hostref.h"

#define PE 0x20u
#define IE 0x01u
#define DE 0x02u
#define ZE 0x04u
#define UE 0x10u
#define C2 0x400u
#define RN_64 0x037fu /* FNINIT's control word */

struct vec {
	enum fh_op op;
	uint16_t ase;
	uint64_t am;
	uint16_t bse;
	uint64_t bm;
	uint16_t rse; /* expected (correctly rounded) */
	uint64_t rm;
};

static const struct vec vecs[] = {
	{ FH_F2XM1, 0x3ffe, 0x8000000000007857ull, 0x0000, 0x0000000000000000ull, 0x3ffd, 0xd413cccfe77a7dffull },
	{ FH_F2XM1, 0xbffe, 0x8000000000002e84ull, 0x0000, 0x0000000000000000ull, 0xbffd, 0x95f619980c436490ull },
	{ FH_F2XM1, 0x3ffe, 0xffbe76c8b439ba6full, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xffa52de61c127a9cull },
	{ FH_F2XM1, 0xbffe, 0xffbe76c8b439940eull, 0x0000, 0x0000000000000000ull, 0xbffd, 0xffd28ee38656d172ull },
	{ FH_F2XM1, 0x3fee, 0xa7c5ac471b474dc2ull, 0x0000, 0x0000000000000000ull, 0x3fed, 0xe8951885af474816ull },
	{ FH_F2XM1, 0xbfdf, 0xa4ed3f1b0e723340ull, 0x0000, 0x0000000000000000ull, 0xbfde, 0xe4a313712976af9cull },
	{ FH_F2XM1, 0x3ffd, 0x999999999999e325ull, 0x0000, 0x0000000000000000ull, 0x3ffc, 0xecb11effe0cab5f4ull },
	{ FH_F2XM1, 0xbffe, 0xc00000000000b938ull, 0x0000, 0x0000000000000000ull, 0xbffd, 0xcf901f5ce48f45ceull },
	{ FH_F2XM1, 0x3fd7, 0xe0ec7d6068fb90d7ull, 0x0000, 0x0000000000000000ull, 0x3fd7, 0x9be7c10e79ab9f90ull },
	{ FH_F2XM1, 0xbffe, 0xe11aa715b7740a63ull, 0x0000, 0x0000000000000000ull, 0xbffd, 0xe9a9d1805807165dull },
	{ FH_SIN, 0x3ffb, 0xcccccccccccc43e5ull, 0x0000, 0x0000000000000000ull, 0x3ffb, 0xcc75765c5e58d65full },
	{ FH_COS, 0x3ffb, 0xcccccccccccc887eull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xfeb897cd40be04edull },
	{ FH_PTAN, 0x3ffb, 0xcccccccccccc3ec3ull, 0x0000, 0x0000000000000000ull, 0x3ffb, 0xcd7c43ba185b6e2bull },
	{ FH_SIN, 0xbffe, 0xb33333333333a2daull, 0x0000, 0x0000000000000000ull, 0xbffe, 0xa4eb734a30ce180dull },
	{ FH_COS, 0xbffe, 0xb33333333333d005ull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xc3ccb294fcec2e05ull },
	{ FH_PTAN, 0xbffe, 0xb33333333333bc38ull, 0x0000, 0x0000000000000000ull, 0xbffe, 0xd7a03617e3c65ce1ull },
	{ FH_SIN, 0x3fff, 0xc000000000007f90ull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xff5bd4d9636c68ffull },
	{ FH_COS, 0x3fff, 0xc000000000005aabull, 0x0000, 0x0000000000000000ull, 0x3ffb, 0x90deaa7e2fc79312ull },
	{ FH_PTAN, 0x3fff, 0xc000000000006a76ull, 0x0000, 0x0000000000000000ull, 0x4002, 0xe19f6a85c4461e5bull },
	{ FH_SIN, 0x4000, 0xc6666666666686ffull, 0x0000, 0x0000000000000000ull, 0x3ffa, 0xaa507c14c079b124ull },
	{ FH_COS, 0x4000, 0xc66666666666ba4eull, 0x0000, 0x0000000000000000ull, 0xbffe, 0xffc7523ab5312cb1ull },
	{ FH_PTAN, 0x4000, 0xc666666666669d9bull, 0x0000, 0x0000000000000000ull, 0xbffa, 0xaa7639a6a0a70f69ull },
	{ FH_SIN, 0xc000, 0xccccccccccccf697ull, 0x0000, 0x0000000000000000ull, 0x3ffa, 0xef19b9cf41733255ull },
	{ FH_COS, 0xc000, 0xcccccccccccc37d7ull, 0x0000, 0x0000000000000000ull, 0xbffe, 0xff903f15ce5dd040ull },
	{ FH_PTAN, 0xc000, 0xcccccccccccc4f3dull, 0x0000, 0x0000000000000000ull, 0xbffa, 0xef8247c932e2b46full },
	{ FH_SIN, 0x4001, 0xc999999999998b38ull, 0x0000, 0x0000000000000000ull, 0x3ff9, 0x89bd4e1659e72844ull },
	{ FH_COS, 0x4001, 0xc99999999999b43dull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xfff6bc4fe3d20771ull },
	{ FH_PTAN, 0x4001, 0xc99999999999548aull, 0x0000, 0x0000000000000000ull, 0x3ff9, 0x89c24a5794f6b73aull },
	{ FH_SIN, 0x4005, 0xc8000000000084f4ull, 0x0000, 0x0000000000000000ull, 0xbffe, 0x81a12dbc62346d45ull },
	{ FH_COS, 0x4005, 0xc80000000000131dull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xdcc0edfb3303d1f4ull },
	{ FH_PTAN, 0x4005, 0xc80000000000bb3aull, 0x0000, 0x0000000000000000ull, 0xbffe, 0x9653a6b15a6bd8dcull },
	{ FH_SIN, 0xc00c, 0xc0e6b645a1cac63dull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xb43eac484a89a4b9ull },
	{ FH_COS, 0xc00c, 0xc0e6b645a1caffe9ull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xb5ca61ddfc659d61ull },
	{ FH_PTAN, 0xc00c, 0xc0e6b645a1caddfaull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xfdd2c1b182f5e672ull },
	{ FH_SIN, 0x4020, 0x9502f900000034d5ull, 0x0000, 0x0000000000000000ull, 0xbffd, 0xf998f2bcbc560c30ull },
	{ FH_COS, 0x4020, 0x9502f9000000b070ull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xdf861c8c4a6048ccull },
	{ FH_PTAN, 0x4020, 0x9502f9000000c0a9ull, 0x0000, 0x0000000000000000ull, 0xbffe, 0x8eec0d9c8ee1bd3bull },
	{ FH_SIN, 0x403a, 0x9b6e64a8ec60ba49ull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0x89b0f4ac87d2c4f0ull },
	{ FH_COS, 0x403a, 0x9b6e64a8ec6077f1ull, 0x0000, 0x0000000000000000ull, 0xbffe, 0xfa660772dd67ff0dull },
	{ FH_PTAN, 0x403a, 0x9b6e64a8ec60ecb7ull, 0x0000, 0x0000000000000000ull, 0xbfff, 0xf0ca892d0e2118c0ull },
	{ FH_SIN, 0xc03b, 0xde0b6b3a7640b583ull, 0x0000, 0x0000000000000000ull, 0x3ffc, 0xc1551cc10aaca127ull },
	{ FH_COS, 0xc03b, 0xde0b6b3a7640d4ddull, 0x0000, 0x0000000000000000ull, 0xbffe, 0xa0bb1948f06b79d8ull },
	{ FH_PTAN, 0xc03b, 0xde0b6b3a7640df35ull, 0x0000, 0x0000000000000000ull, 0x4000, 0x8327d82208191305ull },
	{ FH_SIN, 0x3fe4, 0xabcc77118461a70bull, 0x0000, 0x0000000000000000ull, 0x3fe4, 0xabcc77118461a63dull },
	{ FH_COS, 0x3fe4, 0xabcc7711846125fbull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xfffffffffffffc66ull },
	{ FH_PTAN, 0x3fe4, 0xabcc771184618817ull, 0x0000, 0x0000000000000000ull, 0x3fe4, 0xabcc7711846189b4ull },
	{ FH_SIN, 0x403d, 0xef08f700366dadc0ull, 0x0000, 0x0000000000000000ull, 0x3ffe, 0xf5b0e0b199654786ull },
	{ FH_COS, 0xc03c, 0xfd5676916972f683ull, 0x0000, 0x0000000000000000ull, 0xbffd, 0x91e1431507d1dfc9ull },
	{ FH_PTAN, 0x403b, 0xe2a5f00e0ef8e010ull, 0x0000, 0x0000000000000000ull, 0x3fff, 0xa89b41ef29986dabull },
	{ FH_SIN, 0x4000, 0xc90fdaa22168c000ull, 0x0000, 0x0000000000000000ull, 0x3fca, 0x8d30000000000000ull },
	{ FH_COS, 0x3fff, 0xc90fdaa22168c235ull, 0x0000, 0x0000000000000000ull, 0xbfbe, 0x8000000000000000ull },
	{ FH_PATAN, 0x3fff, 0x8000000000005975ull, 0x3fff, 0x800000000000a0f0ull, 0x3ffe, 0xc90fdaa221687abaull },
	{ FH_PATAN, 0x3fff, 0x8000000000006aa4ull, 0xbfff, 0x8000000000007744ull, 0x4000, 0x96cbe3f9990e94d0ull },
	{ FH_PATAN, 0xbfff, 0x8000000000001fcaull, 0xbfff, 0x800000000000b9aeull, 0xc000, 0x96cbe3f9990eb821ull },
	{ FH_PATAN, 0xbfff, 0x800000000000be56ull, 0x3fff, 0x8000000000002393ull, 0xbffe, 0xc90fdaa221695cf8ull },
	{ FH_PATAN, 0x4000, 0x800000000000c347ull, 0x3fbc, 0xbce50864921153bdull, 0x3fff, 0xc90fdaa22168c235ull },
	{ FH_PATAN, 0x3fbc, 0xbce50864921163ebull, 0xc000, 0xc0000000000054b1ull, 0x4000, 0xc90fdaa22168c235ull },
	{ FH_PATAN, 0xc001, 0xa000000000005865ull, 0x4041, 0xad78ebc5ac62cb2dull, 0xbfbe, 0xec1e4a7db694cf8bull },
	{ FH_PATAN, 0x3ffd, 0x999999999999337eull, 0x3ffe, 0xb333333333335352ull, 0x3ffd, 0xcf4df9e906e2ea33ull },
	{ FH_PATAN, 0x4005, 0xf600000000006d43ull, 0xbff5, 0x83126e978d4f6a15ull, 0x3fff, 0xc9101ed558df226bull },
	{ FH_PATAN, 0xc001, 0xe000000000005103ull, 0x4001, 0xe333333333339154ull, 0xbffe, 0xc73f1147de6179e7ull },
	{ FH_YL2X, 0x3fff, 0x80000000000036ccull, 0x4002, 0xa00000000000e7b0ull, 0x4000, 0xd49a784bcd1c6bb6ull },
	{ FH_YL2X, 0xc000, 0xa00000000000de28ull, 0x3ffd, 0x999999999999682full, 0x4001, 0x8af50e2ca1b0496eull },
	{ FH_YL2X, 0x3fff, 0x8000000000003aa6ull, 0x3fff, 0x800000d6bf943459ull, 0x3fe8, 0x9ae87edcf18c0f30ull },
	{ FH_YL2X, 0x4000, 0xc000000000000a5dull, 0x3ffe, 0xfffffe5280d6bffaull, 0xbfe9, 0xe85cc045bfd4fffeull },
	{ FH_YL2X, 0x4008, 0xfa000000000039a7ull, 0x43e3, 0xbf21e44003acc30dull, 0x4012, 0xf34e26daff625548ull },
	{ FH_YL2X, 0xbfff, 0x80000000000004f8ull, 0x3c1b, 0xab70fe17c79af897ull, 0x4008, 0xf8e504f8d45c5071ull },
	{ FH_YL2X, 0x3ffe, 0xb33333333333dd8bull, 0x3fff, 0xb504816f00684245ull, 0x3ffd, 0xb331ee3a808f24e9ull },
	{ FH_YL2XP1, 0x3fff, 0x800000000000d80dull, 0x3ffd, 0x8000000000008171ull, 0x3ffd, 0xa4d3c25e68de038eull },
	{ FH_YL2XP1, 0xc000, 0x80000000000051b8ull, 0xbffd, 0x800000000000c5bcull, 0x3ffe, 0xd47fcb8c0854f4c7ull },
	{ FH_YL2XP1, 0x3fff, 0x800000000000f5d9ull, 0x3fcd, 0x901d7cf73ab091f6ull, 0x3fcd, 0xcfea0d69857558ceull },
	{ FH_YL2XP1, 0x4000, 0xc00000000000cdebull, 0xbfd7, 0x8cbccc096f50b485ull, 0xbfd9, 0x9847ecd2c9930a2bull },
	{ FH_YL2XP1, 0x3fff, 0xc000000000006bc9ull, 0x3ff1, 0xd1b71758e2199d1aull, 0x3ff2, 0xe2e7abbc3193403eull },
	{ FH_YL2XP1, 0xbffe, 0x8000000000001caeull, 0x3ffd, 0x947ae147ae1454c4ull, 0xbffc, 0xbc180f70ea096400ull },

};

/* Distance in ulps between two finite extended values of one sign. */
static uint64_t ulp_dist(struct f80 a, uint16_t se, uint64_t m)
{
	uint64_t x = (uint64_t)(a.se & 0x7fff) << 63 | (a.m & ~(1ull << 63));
	uint64_t y = (uint64_t)(se & 0x7fff) << 63 | (m & ~(1ull << 63));

	if ((a.se ^ se) & 0x8000)
		return ~0ull;
	return x > y ? x - y : y - x;
}

static struct f80 run(enum fh_op op, struct f80 a, struct f80 b,
		      uint16_t fcw, unsigned *sw)
{
	struct f80 r0 = { 0, 0 }, r1 = { 0, 0 };

	*sw = fh_run(fcw, op, &a, &b, &r0, &r1);
	return op == FH_PTAN ? r1 : r0;
}

Test(softfloat, transcendentals_within_one_ulp)
{
	uint64_t worst = 0;

	for (size_t k = 0; k < sizeof(vecs) / sizeof(vecs[0]); k++) {
		const struct vec *v = &vecs[k];
		struct f80 a = { v->am, v->ase }, b = { v->bm, v->bse };
		unsigned sw;
		struct f80 r = run(v->op, a, b, RN_64, &sw);
		uint64_t d = ulp_dist(r, v->rse, v->rm);

		cr_expect_leq(d, 1, "vector %zu (op %d): got %04x:%016llx, "
			      "want %04x:%016llx", k, v->op, r.se,
			      (unsigned long long)r.m, v->rse,
			      (unsigned long long)v->rm);
		cr_expect(sw & PE, "vector %zu: inexact", k);
		if (d > worst)
			worst = d;
	}
	cr_log_info("worst transcendental error: %llu ulp",
		    (unsigned long long)worst);
}

static const struct f80 pz = { 0, 0 }, nz = { 0, 0x8000 };
static const struct f80 one = { 1ull << 63, 0x3fff };
static const struct f80 mone = { 1ull << 63, 0xbfff };
static const struct f80 pinf = { 1ull << 63, 0x7fff };
static const struct f80 ninf = { 1ull << 63, 0xffff };
static const struct f80 qnan = { 0xc000000000001234ull, 0x7fff };
static const struct f80 snan = { 0x8000000000001234ull, 0x7fff };
static const struct f80 denorm = { 0x0000000012345678ull, 0 };
static const struct f80 indef = { 0xc000000000000000ull, 0xffff };
/* rounded to nearest: pi, pi/2, pi/4, 3pi/4 */
static const struct f80 pi = { 0xc90fdaa22168c235ull, 0x4000 };
static const struct f80 pi2 = { 0xc90fdaa22168c235ull, 0x3fff };
static const struct f80 pi4 = { 0xc90fdaa22168c235ull, 0x3ffe };
static const struct f80 pi34 = { 0x96cbe3f9990e91a8ull, 0x4000 };

static void expect_exact(enum fh_op op, struct f80 a, struct f80 b,
			 struct f80 want, unsigned flags, const char *what)
{
	unsigned sw;
	struct f80 r = run(op, a, b, RN_64, &sw);

	cr_expect(r.se == want.se && r.m == want.m,
		  "%s: got %04x:%016llx, want %04x:%016llx", what, r.se,
		  (unsigned long long)r.m, want.se, (unsigned long long)want.m);
	cr_expect_eq(sw & 0x3fu, flags, "%s: flags %02x, want %02x", what,
		     sw & 0x3fu, flags);
}

static struct f80 neg(struct f80 v)
{
	v.se ^= 0x8000;
	return v;
}

Test(softfloat, trig_special_operands)
{
	struct f80 big = { 1ull << 63, 0x3fff + 63 }, r;
	unsigned sw;

	expect_exact(FH_SIN, pz, pz, pz, 0, "sin +0");
	expect_exact(FH_SIN, nz, nz, nz, 0, "sin -0");
	expect_exact(FH_COS, nz, nz, one, 0, "cos -0");
	expect_exact(FH_PTAN, nz, nz, nz, 0, "tan -0");
	expect_exact(FH_SIN, pinf, pinf, indef, IE, "sin inf");
	expect_exact(FH_COS, ninf, ninf, indef, IE, "cos -inf");
	expect_exact(FH_SIN, qnan, qnan, qnan, 0, "sin qnan");
	expect_exact(FH_COS, snan, snan, qnan, IE, "cos snan");
	/* |x| >= 2^63: C2, operand unchanged (fpu_trans.c checks first) */
	r = run(FH_SIN, big, big, RN_64, &sw);
	cr_expect(sw & C2);
	cr_expect(r.se == big.se && r.m == big.m);
	/* a denormal: DE, and a tiny inexact result */
	r = run(FH_SIN, denorm, denorm, RN_64, &sw);
	cr_expect_eq(sw & 0x3f, DE | UE | PE);
	cr_expect_eq(r.se, 0);
	/* Intel's FSIN of the double nearest pi: 1.2246063538223773e-16 */
	{
		struct f80 x = { 0xc90fdaa22168c000ull, 0x4000 };
		r = run(FH_SIN, x, x, RN_64, &sw);
		cr_expect(r.se == 0x3fca && r.m == 0x8d30000000000000ull,
			  "%04x:%016llx", r.se, (unsigned long long)r.m);
	}
}

Test(softfloat, fpatan_quadrants)
{
	struct f80 x = { 0xa000000000000000ull, 0x4001 }; /* 5 */

	expect_exact(FH_PATAN, pz, pz, pz, 0, "(+0, +0)");
	expect_exact(FH_PATAN, pz, nz, pi, PE, "(+0, -0)");
	expect_exact(FH_PATAN, nz, nz, neg(pi), PE, "(-0, -0)");
	expect_exact(FH_PATAN, nz, x, nz, 0, "(-0, 5)");
	expect_exact(FH_PATAN, nz, neg(x), neg(pi), PE, "(-0, -5)");
	expect_exact(FH_PATAN, x, pz, pi2, PE, "(5, +0)");
	expect_exact(FH_PATAN, neg(x), nz, neg(pi2), PE, "(-5, -0)");
	expect_exact(FH_PATAN, pinf, pinf, pi4, PE, "(inf, inf)");
	expect_exact(FH_PATAN, pinf, ninf, pi34, PE, "(inf, -inf)");
	expect_exact(FH_PATAN, ninf, ninf, neg(pi34), PE, "(-inf, -inf)");
	expect_exact(FH_PATAN, ninf, x, neg(pi2), PE, "(-inf, 5)");
	expect_exact(FH_PATAN, x, pinf, pz, 0, "(5, inf)");
	expect_exact(FH_PATAN, neg(x), ninf, neg(pi), PE, "(-5, -inf)");
	expect_exact(FH_PATAN, one, one, pi4, PE, "(1, 1)");
	expect_exact(FH_PATAN, one, mone, pi34, PE, "(1, -1)");
	expect_exact(FH_PATAN, mone, mone, neg(pi34), PE, "(-1, -1)");
	expect_exact(FH_PATAN, mone, one, neg(pi4), PE, "(-1, 1)");
	expect_exact(FH_PATAN, qnan, one, qnan, 0, "(qnan, 1)");
}

Test(softfloat, logs_and_exp_special_operands)
{
	struct f80 three = { 0xc000000000000000ull, 0x4000 };
	struct f80 half = { 1ull << 63, 0x3ffe };

	/* FYL2X: a = y (ST1), b = x (ST0) */
	expect_exact(FH_YL2X, three, one, pz, 0, "3 log2 1");
	expect_exact(FH_YL2X, neg(three), one, nz, 0, "-3 log2 1");
	expect_exact(FH_YL2X, three, pz, ninf, ZE, "3 log2 0");
	expect_exact(FH_YL2X, neg(three), nz, pinf, ZE, "-3 log2 -0");
	expect_exact(FH_YL2X, three, mone, indef, IE, "log2 -1");
	expect_exact(FH_YL2X, pinf, one, indef, IE, "inf log2 1");
	expect_exact(FH_YL2X, pz, pinf, indef, IE, "0 log2 inf");
	expect_exact(FH_YL2X, three, pinf, pinf, 0, "3 log2 inf");
	expect_exact(FH_YL2X, three, half, neg(three), 0, "3 log2 0.5");
	expect_exact(FH_YL2X, pinf, half, ninf, 0, "inf log2 0.5");
	/* FYL2XP1 */
	expect_exact(FH_YL2XP1, three, pz, pz, 0, "3 log2(1 + 0)");
	expect_exact(FH_YL2XP1, three, nz, nz, 0, "3 log2(1 - 0)");
	expect_exact(FH_YL2XP1, pinf, pz, indef, IE, "inf log2(1 + 0)");
	expect_exact(FH_YL2XP1, three, neg(half), neg(three), 0,
		     "3 log2(1 - 0.5)");
	/* F2XM1 */
	expect_exact(FH_F2XM1, pz, pz, pz, 0, "2^+0 - 1");
	expect_exact(FH_F2XM1, nz, nz, nz, 0, "2^-0 - 1");
	expect_exact(FH_F2XM1, one, one, one, 0, "2^1 - 1");
	expect_exact(FH_F2XM1, mone, mone, neg(half), 0, "2^-1 - 1");
	expect_exact(FH_F2XM1, ninf, ninf, mone, 0, "2^-inf - 1");
	expect_exact(FH_F2XM1, pinf, pinf, pinf, 0, "2^inf - 1");
	expect_exact(FH_F2XM1, snan, snan, qnan, IE, "2^snan - 1");
}

Test(softfloat, directed_rounding_brackets_the_value)
{
	/* RD and RU results of sin(0.5) are adjacent, around the RN one */
	struct f80 x = { 1ull << 63, 0x3ffe }, lo, hi;
	unsigned sw;

	lo = run(FH_SIN, x, x, RN_64 | 0x400, &sw);
	hi = run(FH_SIN, x, x, RN_64 | 0x800, &sw);
	cr_expect(sw & 0x200, "C1: rounded up");
	cr_expect_eq(lo.se, hi.se);
	cr_expect_eq(hi.m - lo.m, 1);
	/* tiny arguments: sin x < x, so RD gives the next value below x */
	x.se = 0x3fdf;
	lo = run(FH_SIN, x, x, RN_64 | 0xc00, &sw);
	cr_expect(lo.se == 0x3fde && lo.m == ~0ull, "%04x:%016llx", lo.se,
		  (unsigned long long)lo.m);
}

/* --- the basic operations against the host x87 ------------------------ */

static uint64_t rs = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

/* Operands biased towards what is hard: specials, denormals, unnormals,
 * exponent extremes, nearby magnitudes (cancellation), short significands. */
static struct f80 gen(struct f80 near)
{
	struct f80 v = { rnd(), (uint16_t)rnd() };
	uint16_t s = v.se & 0x8000;

	switch (rnd() % 16) {
	case 0: v.m = 0; v.se = s; break;
	case 1: v.m = (v.m >> (rnd() % 64)) & ~(1ull << 63); v.se = s; break;
	case 2: v.m |= 1ull << 63; v.se = s; break;
	case 3: v.m = 1ull << 63; v.se = s | 0x7fff; break;
	case 4: v.m |= 1ull << 63; v.se = s | 0x7fff; break;
	case 5: v.m &= ~(1ull << 63); break;
	case 6: v.m |= 1ull << 63; v.se = (uint16_t)(s | (1 + rnd() % 70)); break;
	case 7: v.m |= 1ull << 63; v.se = (uint16_t)(s | (0x7ffe - rnd() % 70));
		break;
	case 8: case 9: case 10:
		v.se = (uint16_t)(s | (((near.se & 0x7fff) + rnd() % 130 - 65) &
				       0x7fff));
		v.m = near.m ^ (rnd() & ((1ull << (rnd() % 64)) - 1));
		v.m |= 1ull << 63;
		if ((v.se & 0x7fff) == 0x7fff)
			v.se--;
		break;
	case 11:
		v.m = (v.m & ~((1ull << (rnd() % 64)) - 1)) | 1ull << 63;
		v.se = (uint16_t)(s | (0x3fff + rnd() % 130 - 65));
		break;
	default:
		v.m |= 1ull << 63;
		v.se = (uint16_t)(s | (0x3fff + rnd() % 200 - 100));
		break;
	}
	return v;
}

static const enum fh_op basic_ops[] = {
	FH_ADD, FH_SUB, FH_MUL, FH_DIV, FH_SQRT, FH_RNDINT, FH_SCALE, FH_PREM,
	FH_PREM1, FH_XTRACT, FH_COM, FH_UCOM, FH_TST, FH_XAM, FH_LD32,
	FH_LD64, FH_ILD16, FH_ILD32, FH_ILD64, FH_BLD, FH_ST32, FH_ST64,
	FH_IST16, FH_IST32, FH_IST64, FH_BST, FH_LD1, FH_LDL2T, FH_LDL2E,
	FH_LDPI, FH_LDLG2, FH_LDLN2, FH_LDZ,
};

/* Operands for one op; loads take raw memory images in a. */
static void gen_operands(enum fh_op op, struct f80 *a, struct f80 *b)
{
	*a = gen((struct f80){ 1ull << 63, 0x3fff });
	*b = gen(*a);
	if (op >= FH_LD32 && op <= FH_ILD64) {
		a->m = rnd() >> (rnd() % 3 ? 0 : rnd() % 64);
		if (op == FH_LD32 && rnd() % 2)
			a->m = (a->m & 0x807fffffu) | (rnd() % 2 ? 0x7f800000u : 0);
		if (op == FH_LD64 && rnd() % 2)
			a->m = (a->m & 0x800fffffffffffffull) |
			       (rnd() % 2 ? 0x7ff0000000000000ull : 0);
	} else if (op == FH_BLD) {
		a->m = 0;
		for (unsigned d = 0; d < 16; d++)
			a->m |= (rnd() % 10) << (4 * d);
		a->se = (uint16_t)((rnd() % 10) << 4 | rnd() % 10 |
				   (rnd() % 2) << 15);
	} else if (op >= FH_IST16 && op <= FH_BST && rnd() % 2) {
		a->se = (uint16_t)((a->se & 0x8000) | (0x3fff + rnd() % 66));
		a->m |= 1ull << 63;
	} else if (op == FH_SCALE && rnd() % 2) {
		b->se = (uint16_t)((b->se & 0x8000) | (0x3fff + rnd() % 17));
		b->m |= 1ull << 63;
	}
}

/* Status bits an op defines (CCs are undefined after an invalid op). */
static unsigned defined_bits(enum fh_op op, unsigned hsw, struct f80 r)
{
	bool nan = (r.se & 0x7fff) == 0x7fff && (r.m << 1);

	switch (op) {
	case FH_COM: case FH_UCOM: case FH_TST: return 0x3f | 0x4500;
	case FH_XAM: return 0x4700;
	case FH_XTRACT: return 0x3f;
	case FH_LD1: case FH_LDL2T: case FH_LDL2E: case FH_LDPI:
	case FH_LDLG2: case FH_LDLN2: case FH_LDZ: return 0;
	case FH_PREM: case FH_PREM1:
		return (hsw & IE) || nan ? 0x3f : 0x3f | 0x4700;
	default: return (hsw & IE) || nan ? 0x3f : 0x3f | 0x200;
	}
}

Test(softfloat, basic_ops_match_the_host_x87)
{
#if FH_HOST_X87
	unsigned bad = 0;

	for (unsigned it = 0; it < 4000; it++) {
		for (size_t k = 0; k < sizeof(basic_ops) / sizeof(basic_ops[0]);
		     k++) {
			enum fh_op op = basic_ops[k];
			uint16_t fcw = (uint16_t)(0x7f | (rnd() & 0xf00));
			struct f80 a, b, h0 = { 0, 0 }, h1 = { 0, 0 };
			struct f80 s0 = { 0, 0 }, s1 = { 0, 0 };
			unsigned hs, ss, mask;
			bool same;

			gen_operands(op, &a, &b);
			hs = fh_host_run(fcw, op, &a, &b, &h0, &h1);
			ss = fh_run(fcw, op, &a, &b, &s0, &s1);
			mask = defined_bits(op, hs, h0);
			if (op == FH_ST32 || op == FH_IST32)
				h0.m &= 0xffffffffu;
			if (op == FH_IST16)
				h0.m &= 0xffff;
			same = (hs & mask) == (ss & mask);
			if (op < FH_COM || op > FH_XAM)
				same = same && h0.m == s0.m &&
				       (op < FH_ST32 || op > FH_IST64 ||
					op == FH_BST ? h0.se == s0.se : true);
			if (op == FH_XTRACT)
				same = same && h1.m == s1.m && h1.se == s1.se;
			if (!same && bad++ < 10)
				cr_log_error("op %d fcw %04x a %04x:%016llx b "
					     "%04x:%016llx: host %04x:%016llx "
					     "%04x, soft %04x:%016llx %04x", op,
					     fcw, a.se, (unsigned long long)a.m,
					     b.se, (unsigned long long)b.m, h0.se,
					     (unsigned long long)h0.m, hs & mask,
					     s0.se, (unsigned long long)s0.m,
					     ss & mask);
		}
	}
	cr_expect_eq(bad, 0, "%u results differ from the host x87", bad);
#else
	cr_skip_test("not an x86 host");
#endif
}

/* --- determinism --------------------------------------------------------- */

Test(softfloat, results_are_a_constant_on_every_host)
{
	static const enum fh_op trans[] = { FH_F2XM1, FH_SIN, FH_COS, FH_PTAN,
					    FH_SINCOS, FH_PATAN, FH_YL2X,
					    FH_YL2XP1 };
	uint64_t h = 0xcbf29ce484222325ull;

	rs = 0x243f6a8885a308d3ull;
	for (unsigned it = 0; it < 300; it++) {
		for (size_t k = 0; k < sizeof(trans) / sizeof(trans[0]); k++) {
			struct f80 a, b, r0 = { 0, 0 }, r1 = { 0, 0 };
			uint16_t fcw = (uint16_t)(0x7f | (rnd() & 0xf00));
			unsigned sw;

			gen_operands(trans[k], &a, &b);
			if (trans[k] == FH_F2XM1 || trans[k] == FH_YL2XP1)
				b.se = (uint16_t)(b.se & 0x8000) |
				       (uint16_t)(0x3ffd - rnd() % 40);
			sw = fh_run(fcw, trans[k], &a, &b, &r0, &r1);
			uint64_t w[4] = { r0.m, r0.se | (uint64_t)sw << 16, r1.m,
					  r1.se };
			for (unsigned j = 0; j < 4; j++)
				h = (h ^ w[j]) * 0x100000001b3ull;
		}
	}
	cr_expect_eq(h, 0x1af198b788483dc1ull, "digest %016llx", (unsigned long long)h);
}
