/* tests/unit/test_fpu.c: the x87 FPU on a real interpreter.
 *
 * Each test places a short real-mode program (assembled with NASM; the
 * source is in the comment above its bytes) at 0000:0100 of a small RAM,
 * data at 0000:1000, runs it with cpu_step to its HLT on the pentium2
 * model and checks the results bit-exactly against values from the Intel
 * manuals and IEEE 754 extended-precision arithmetic.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "cpu/cpu.h"
#include "mmu/mem.h"

struct rig {
	struct log log;
	struct clock clock;
	struct mem *mem;
	struct cpu *cpu;
	int ferr, ferr_clear;
};

static struct rig *rig_new(const char *model)
{
	static struct rig r;
	char err[128];

	memset(&r, 0, sizeof(r));
	log_init(&r.log, stderr);
	clock_init(&r.clock, 300000);
	r.mem = mem_create(1 << 20, NULL, &r.log, err, sizeof(err));
	cr_assert_not_null(r.mem, "%s", err);
	r.cpu = cpu_create(cpu_model_find(model), r.mem, NULL, &r.clock, NULL,
			   &r.log);
	cr_assert_not_null(r.cpu);
	return &r;
}

static void rig_free(struct rig *r)
{
	cpu_destroy(r->cpu);
	mem_destroy(r->mem);
	clock_destroy(&r->clock);
}

/* Real mode, flat segments at 0, SP 8000h, CR0 = ET (+ extra bits). */
static void rig_load(struct rig *r, const uint8_t *code, size_t n,
		     uint32_t cr0)
{
	struct cpu_state s;

	mem_load(r->mem, 0x100, code, n);
	cpu_get_state(r->cpu, &s);
	for (unsigned k = 0; k < CPU_NSEG; k++) {
		s.seg[k].sel = 0;
		s.seg[k].base = 0;
		s.seg[k].limit = 0xffff;
	}
	s.rip = 0x100;
	s.gpr[REG_SP] = 0x8000;
	s.cr0 = CR0_ET | cr0;
	s.idtr.base = 0;
	s.idtr.limit = 0x3ff;
	memset(&s.events, 0, sizeof(s.events));
	cpu_set_state(r->cpu, &s);
}

static void rig_run(struct rig *r)
{
	for (unsigned k = 0; k < 10000; k++)
		if (cpu_step(r->cpu) != CPU_EXIT_BUDGET)
			return;
	cr_assert_fail("program did not reach HLT");
}

#define RUN(r, prog, cr0)                                                    \
	do {                                                                 \
		rig_load(r, prog, sizeof(prog), cr0);                        \
		rig_run(r);                                                  \
	} while (0)

static void put32(struct rig *r, uint32_t a, uint32_t v)
{
	mem_load(r->mem, a, &v, 4);
}

static void put64(struct rig *r, uint32_t a, uint64_t v)
{
	mem_load(r->mem, a, &v, 8);
}

static void put80(struct rig *r, uint32_t a, uint16_t se, uint64_t m)
{
	put64(r, a, m);
	mem_load(r->mem, a + 8, &se, 2);
}

static uint16_t get16(struct rig *r, uint32_t a)
{
	uint16_t v;
	mem_read(r->mem, a, &v, 2);
	return v;
}

static uint32_t get32(struct rig *r, uint32_t a)
{
	uint32_t v;
	mem_read(r->mem, a, &v, 4);
	return v;
}

static uint64_t get64(struct rig *r, uint32_t a)
{
	uint64_t v;
	mem_read(r->mem, a, &v, 8);
	return v;
}

#define ASSERT80(r, a, se, m)                                                \
	do {                                                                 \
		cr_assert_eq(get16(r, (a) + 8), (se), "exp %04x",           \
			     get16(r, (a) + 8));                             \
		cr_assert_eq(get64(r, a), (m), "mant %016llx",               \
			     (unsigned long long)get64(r, a));               \
	} while (0)

static struct cpu_fpu fpu_of(struct rig *r)
{
	struct cpu_state s;
	cpu_get_state(r->cpu, &s);
	return s.fpu;
}

static uint64_t cpu_get_state_rip(struct rig *r)
{
	struct cpu_state s;
	cpu_get_state(r->cpu, &s);
	return s.rip;
}

/* fninit; fldcw [0x1010]; fild dword [0x1000]; fidiv dword [0x1004]; fnstsw [0x1030]; fstp tword [0x1020]; hlt */
static const uint8_t c_div[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xdb, 0x06, 0x00, 0x10, 0xda, 0x36,
	0x04, 0x10, 0xdd, 0x3e, 0x30, 0x10, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fldcw [0x1010]; fld qword [0x1000]; fist dword [0x1024]; fld st0; fistp qword [0x1028]; fistp word [0x1020]; fnstsw [0x1030]; hlt */
static const uint8_t c_fist[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xdd, 0x06, 0x00, 0x10, 0xdb, 0x16,
	0x24, 0x10, 0xd9, 0xc0, 0xdf, 0x3e, 0x28, 0x10, 0xdf, 0x1e, 0x20, 0x10,
	0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fild qword [0x1000]; fbstp [0x1020]; fbld [0x1020]; fistp qword [0x1030]; hlt */
static const uint8_t c_bcd[] = {
	0xdb, 0xe3, 0xdf, 0x2e, 0x00, 0x10, 0xdf, 0x36, 0x20, 0x10, 0xdf, 0x26,
	0x20, 0x10, 0xdf, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fild dword [0x1000]; fsqrt; fstp tword [0x1020]; fnstsw [0x1030]; hlt */
static const uint8_t c_sqrt[] = {
	0xdb, 0xe3, 0xdb, 0x06, 0x00, 0x10, 0xd9, 0xfa, 0xdb, 0x3e, 0x20, 0x10,
	0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fild dword [0x1004]; fild dword [0x1000]; fprem; fnstsw [0x1030]; fstp tword [0x1020]; hlt */
static const uint8_t c_prem[] = {
	0xdb, 0xe3, 0xdb, 0x06, 0x04, 0x10, 0xdb, 0x06, 0x00, 0x10, 0xd9, 0xf8,
	0xdd, 0x3e, 0x30, 0x10, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fild dword [0x1010]; fld tword [0x1000]; fprem; fnstsw [0x1032]; .l: fprem; fnstsw ax; test ah, 4; jnz .l; mov [0x1030], ax; fstp tword [0x1020]; hlt */
static const uint8_t c_prem_loop[] = {
	0xdb, 0xe3, 0xdb, 0x06, 0x10, 0x10, 0xdb, 0x2e, 0x00, 0x10, 0xd9, 0xf8,
	0xdd, 0x3e, 0x32, 0x10, 0xd9, 0xf8, 0xdf, 0xe0, 0xf6, 0xc4, 0x04, 0x75,
	0xf7, 0xa3, 0x30, 0x10, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fld tword [0x1000]; fxam; fnstsw [0x1030]; hlt */
static const uint8_t c_xam[] = {
	0xdb, 0xe3, 0xdb, 0x2e, 0x00, 0x10, 0xd9, 0xe5, 0xdd, 0x3e, 0x30, 0x10,
	0xf4,
};

/* fninit; fxam; fnstsw [0x1030]; hlt */
static const uint8_t c_xam_empty[] = {
	0xdb, 0xe3, 0xd9, 0xe5, 0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fldcw [0x1010]; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fld1; fldz; fnstsw [0x1030]; fstp tword [0x1020]; hlt */
static const uint8_t c_ovf[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8,
	0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xee,
	0xdd, 0x3e, 0x30, 0x10, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fld dword [0x1000]; fld1; fadd st0, st1; fnstenv [0x1040]; hlt */
static const uint8_t c_env16[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x00, 0x10, 0xd9, 0xe8, 0xd8, 0xc1, 0xd9, 0x36,
	0x40, 0x10, 0xf4,
};

/* fninit; fld dword [0x1000]; fld1; fadd st0, st1; o32 fnstenv [0x1040]; o32 fldenv [0x1040]; hlt */
static const uint8_t c_env32[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x00, 0x10, 0xd9, 0xe8, 0xd8, 0xc1, 0x66, 0xd9,
	0x36, 0x40, 0x10, 0x66, 0xd9, 0x26, 0x40, 0x10, 0xf4,
};

/* fninit; fld1; fldpi; fldz; fnsave [0x1100]; fld1; frstor [0x1100]; fnsave [0x1200]; frstor [0x1100]; hlt */
static const uint8_t c_fsave[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xeb, 0xd9, 0xee, 0xdd, 0x36, 0x00, 0x11,
	0xd9, 0xe8, 0xdd, 0x26, 0x00, 0x11, 0xdd, 0x36, 0x00, 0x12, 0xdd, 0x26,
	0x00, 0x11, 0xf4,
};

/* fninit; fld dword [0x1004]; fld dword [0x1000]; fcomi st0, st1; pushf; pop word [0x1020]; fnstsw [0x1030]; hlt */
static const uint8_t c_fcomi[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x04, 0x10, 0xd9, 0x06, 0x00, 0x10, 0xdb, 0xf1,
	0x9c, 0x8f, 0x06, 0x20, 0x10, 0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fld dword [0x1004]; fld dword [0x1000]; fucomip st0, st1; pushf; pop word [0x1020]; fnstsw [0x1030]; hlt */
static const uint8_t c_fucomip[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x04, 0x10, 0xd9, 0x06, 0x00, 0x10, 0xdf, 0xe9,
	0x9c, 0x8f, 0x06, 0x20, 0x10, 0xdd, 0x3e, 0x30, 0x10, 0xf4,
};

/* fninit; fldcw [0x1010]; fldpi; fstp tword [0x1020]; hlt */
static const uint8_t c_const[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xd9, 0xeb, 0xdb, 0x3e, 0x20, 0x10,
	0xf4,
};

/* fld1; hlt */
static const uint8_t c_nm[] = {
	0xd9, 0xe8, 0xf4,
};

/* fninit; fldcw [0x1010]; fldz; fldz; fdivp st1, st0; fnstsw [0x1030]; fld1; hlt */
static const uint8_t c_mf[] = {
	0xdb, 0xe3, 0xd9, 0x2e, 0x10, 0x10, 0xd9, 0xee, 0xd9, 0xee, 0xde, 0xf9,
	0xdd, 0x3e, 0x30, 0x10, 0xd9, 0xe8, 0xf4,
};

/* fninit; fild dword [0x1000]; fidiv dword [0x1004]; fst dword [0x1020]; fst qword [0x1028]; hlt */
static const uint8_t c_fst[] = {
	0xdb, 0xe3, 0xdb, 0x06, 0x00, 0x10, 0xda, 0x36, 0x04, 0x10, 0xd9, 0x16,
	0x20, 0x10, 0xdd, 0x16, 0x28, 0x10, 0xf4,
};

/* fninit; fld1; fldz; stc; fcmovnb st0, st1; fld st0; fstp tword [0x1030]; fcmovb st0, st1; fstp tword [0x1020]; hlt */
static const uint8_t c_fcmov[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xee, 0xf9, 0xdb, 0xc1, 0xd9, 0xc0, 0xdb,
	0x3e, 0x30, 0x10, 0xda, 0xc1, 0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fld tword [0x1000]; fsin; fnstsw [0x1030]; fstp tword [0x1020]; hlt */
static const uint8_t c_sin_range[] = {
	0xdb, 0xe3, 0xdb, 0x2e, 0x00, 0x10, 0xd9, 0xfe, 0xdd, 0x3e, 0x30, 0x10,
	0xdb, 0x3e, 0x20, 0x10, 0xf4,
};

/* fninit; fld1; fptan; fstp tword [0x1020]; fstp tword [0x1030]; fnstsw [0x1040]; hlt */
static const uint8_t c_ptan[] = {
	0xdb, 0xe3, 0xd9, 0xe8, 0xd9, 0xf2, 0xdb, 0x3e, 0x20, 0x10, 0xdb, 0x3e,
	0x30, 0x10, 0xdd, 0x3e, 0x40, 0x10, 0xf4,
};

/* fninit; fld dword [0x1000]; fnstsw [0x1030]; fstp tword [0x1020]; hlt */
static const uint8_t c_snan[] = {
	0xdb, 0xe3, 0xd9, 0x06, 0x00, 0x10, 0xdd, 0x3e, 0x30, 0x10, 0xdb, 0x3e,
	0x20, 0x10, 0xf4,
};

/* 1/3 in extended precision under each rounding mode; PE always, C1 when
 * rounded up. */
Test(fpu, one_third_each_rounding_mode)
{
	static const uint64_t want[4] = { 0xaaaaaaaaaaaaaaabull,
					  0xaaaaaaaaaaaaaaaaull,
					  0xaaaaaaaaaaaaaaabull,
					  0xaaaaaaaaaaaaaaaaull };
	for (unsigned rc = 0; rc < 4; rc++) {
		struct rig *r = rig_new("pentium2");
		put32(r, 0x1000, 1);
		put32(r, 0x1004, 3);
		put32(r, 0x1010, 0x037f | rc << 10);
		RUN(r, c_div, 0);
		ASSERT80(r, 0x1020, 0x3ffd, want[rc]);
		cr_assert_eq(get16(r, 0x1030) & 0x20, 0x20, "PE");
		cr_assert_eq(!!(get16(r, 0x1030) & 0x200), rc == 0 || rc == 2,
			     "C1 (rounded up) rc=%u", rc);
		rig_free(r);
	}
}

/* Precision control: single (PC=00) rounds the significand to 24 bits. */
Test(fpu, precision_control_single)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 1);
	put32(r, 0x1004, 3);
	put32(r, 0x1010, 0x007f);
	RUN(r, c_div, 0);
	ASSERT80(r, 0x1020, 0x3ffd, 0xaaaaab0000000000ull);
	rig_free(r);
}

/* FIST/FISTP of +-2.5 under RC: nearest-even, down, up, chop. */
Test(fpu, fist_rounding_control)
{
	static const int16_t pos[4] = { 2, 2, 3, 2 };
	static const int16_t neg[4] = { -2, -3, -2, -2 };
	for (unsigned rc = 0; rc < 4; rc++) {
		for (int sgn = 0; sgn < 2; sgn++) {
			struct rig *r = rig_new("pentium2");
			int16_t w = sgn ? neg[rc] : pos[rc];
			put64(r, 0x1000, sgn ? 0xc004000000000000ull
					     : 0x4004000000000000ull);
			put32(r, 0x1010, 0x037f | rc << 10);
			RUN(r, c_fist, 0);
			cr_assert_eq((int16_t)get16(r, 0x1020), w);
			cr_assert_eq((int32_t)get32(r, 0x1024), w);
			cr_assert_eq((int64_t)get64(r, 0x1028), w);
			cr_assert(get16(r, 0x1030) & 0x20, "PE");
			rig_free(r);
		}
	}
}

/* FISTP of a value beyond the range: IE, the integer indefinite. */
Test(fpu, fist_overflow_indefinite)
{
	struct rig *r = rig_new("pentium2");
	put64(r, 0x1000, 0x40f0000000000000ull); /* 65536.0 */
	put32(r, 0x1010, 0x037f);
	RUN(r, c_fist, 0);
	cr_assert_eq(get16(r, 0x1020), 0x8000);
	cr_assert_eq(get32(r, 0x1024), 65536);
	cr_assert(get16(r, 0x1030) & 1, "IE");
	rig_free(r);
}

/* FBSTP 1234567890123 and FBLD it back. */
Test(fpu, fbstp_fbld)
{
	static const uint8_t want[10] = { 0x23, 0x01, 0x89, 0x67, 0x45,
					  0x23, 0x01, 0, 0, 0 };
	uint8_t got[10];
	struct rig *r = rig_new("pentium2");
	put64(r, 0x1000, 1234567890123ull);
	RUN(r, c_bcd, 0);
	mem_read(r->mem, 0x1020, got, 10);
	cr_assert_arr_eq(got, want, 10);
	cr_assert_eq(get64(r, 0x1030), 1234567890123ull);
	put64(r, 0x1000, (uint64_t)-42);
	RUN(r, c_bcd, 0);
	mem_read(r->mem, 0x1020, got, 10);
	cr_assert_eq(got[0], 0x42);
	cr_assert_eq(got[9], 0x80, "sign byte");
	cr_assert_eq((int64_t)get64(r, 0x1030), -42);
	rig_free(r);
}

Test(fpu, fsqrt_two)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 2);
	RUN(r, c_sqrt, 0);
	ASSERT80(r, 0x1020, 0x3fff, 0xb504f333f9de6484ull);
	cr_assert(get16(r, 0x1030) & 0x20, "PE");
	rig_free(r);
}

/* 10 FPREM 3: remainder 1, quotient 3 -> Q2 (C0)=0, Q1 (C3)=1, Q0 (C1)=1,
 * C2=0 (complete). */
Test(fpu, fprem_quotient_bits)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 10);
	put32(r, 0x1004, 3);
	RUN(r, c_prem, 0);
	ASSERT80(r, 0x1020, 0x3fff, 0x8000000000000000ull);
	cr_assert_eq(get16(r, 0x1030) & 0x4700, 0x4200);
	rig_free(r);
}

/* 2^100 FPREM 3 is partial (C2=1) on the first pass; looping ends with
 * 2^100 mod 3 = 1. */
Test(fpu, fprem_partial)
{
	struct rig *r = rig_new("pentium2");
	put80(r, 0x1000, 0x3fff + 100, 0x8000000000000000ull);
	put32(r, 0x1010, 3);
	RUN(r, c_prem_loop, 0);
	cr_assert(get16(r, 0x1032) & 0x400, "first FPREM partial");
	cr_assert_eq(get16(r, 0x1030) & 0x400, 0, "done");
	ASSERT80(r, 0x1020, 0x3fff, 0x8000000000000000ull);
	rig_free(r);
}

/* FXAM: C3 C2 C0 class codes, C1 the sign. */
Test(fpu, fxam_classes)
{
	static const struct {
		uint16_t se;
		uint64_t m;
		uint16_t cc;
	} t[] = {
		{ 0x0000, 0, 0x4000 },                        /* +0 */
		{ 0x8000, 0, 0x4200 },                        /* -0 */
		{ 0x3fff, 0x8000000000000000ull, 0x0400 },    /* normal */
		{ 0xbfff, 0x8000000000000000ull, 0x0600 },    /* -normal */
		{ 0x7fff, 0x8000000000000000ull, 0x0500 },    /* +inf */
		{ 0x7fff, 0xc000000000000000ull, 0x0100 },    /* NaN */
		{ 0x0000, 0x0000000000000001ull, 0x4400 },    /* denormal */
		{ 0x3fff, 0x0000000000000001ull, 0x0000 },    /* unnormal */
	};
	for (unsigned k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct rig *r = rig_new("pentium2");
		put80(r, 0x1000, t[k].se, t[k].m);
		RUN(r, c_xam, 0);
		cr_assert_eq(get16(r, 0x1030) & 0x4700, t[k].cc,
			     "case %u: %04x", k, get16(r, 0x1030));
		rig_free(r);
	}
}

Test(fpu, fxam_empty)
{
	struct rig *r = rig_new("pentium2");
	RUN(r, c_xam_empty, 0);
	cr_assert_eq(get16(r, 0x1030) & 0x4500, 0x4100);
	rig_free(r);
}

/* A ninth push: IE|SF with C1=1 (overflow); masked, ST(0) becomes the
 * real indefinite. */
Test(fpu, stack_overflow_masked)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1010, 0x037f);
	RUN(r, c_ovf, 0);
	cr_assert_eq(get16(r, 0x1030) & 0x02ff, 0x0241);
	ASSERT80(r, 0x1020, 0xffff, 0xc000000000000000ull);
	rig_free(r);
}

/* Unmasked IE: no push, ES and B set, TOP unchanged. */
Test(fpu, stack_overflow_unmasked)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1010, 0x037e);
	RUN(r, c_ovf, 0);
	cr_assert_eq(get16(r, 0x1030) & 0xb8ff, 0x80c1);
	rig_free(r);
}

/* FNSTENV, 16-bit real-mode form: linear FIP/FDP, FOP in bits 0-10. */
Test(fpu, fstenv_16bit_real)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_fpu f;
	put32(r, 0x1000, 0x3f800000);
	RUN(r, c_env16, 0);
	cr_assert_eq(get16(r, 0x1040), 0x037f, "FCW");
	cr_assert_eq(get16(r, 0x1042), 0x3000, "FSW: TOP=6");
	cr_assert_eq(get16(r, 0x1044), 0x0fff, "FTW");
	cr_assert_eq(get16(r, 0x1046), 0x0108, "FIP of FADD");
	cr_assert_eq(get16(r, 0x1048), 0x00c1, "FOP D8 C1");
	cr_assert_eq(get16(r, 0x104a), 0x1000, "FDP of FLD m32");
	cr_assert_eq(get16(r, 0x104c), 0x0000);
	f = fpu_of(r);
	cr_assert_eq(f.fop, 0x0c1);
	cr_assert_eq(f.fip, 0x108);
	rig_free(r);
}

/* 32-bit real-mode form (66h prefix), and FLDENV of it round trips. */
Test(fpu, fstenv_32bit_real)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_fpu f;
	put32(r, 0x1000, 0x3f800000);
	RUN(r, c_env32, 0);
	cr_assert_eq(get32(r, 0x1040), 0xffff037f, "FCW");
	cr_assert_eq(get32(r, 0x1044), 0xffff3000, "FSW");
	cr_assert_eq(get32(r, 0x1048), 0xffff0fff, "FTW");
	cr_assert_eq(get32(r, 0x104c), 0xffff0108, "FIP[15:0]");
	cr_assert_eq(get32(r, 0x1050), 0x000000c1, "FIP[31:16], FOP");
	cr_assert_eq(get32(r, 0x1054), 0xffff1000, "FDP[15:0]");
	cr_assert_eq(get32(r, 0x1058), 0x00000000, "FDP[31:16]");
	f = fpu_of(r);
	cr_assert_eq(f.fcw, 0x037f);
	cr_assert_eq(f.fsw, 0x3000);
	cr_assert_eq(f.ftw, 0x0fff);
	cr_assert_eq(f.fop, 0x0c1);
	cr_assert_eq(f.fip, 0x108);
	cr_assert_eq(f.fdp, 0x1000);
	rig_free(r);
}

/* FNSAVE reinitialises; FRSTOR brings everything back bit for bit. */
Test(fpu, fsave_frstor_round_trip)
{
	uint8_t a[94], b[94];
	struct rig *r = rig_new("pentium2");
	struct cpu_fpu f;
	RUN(r, c_fsave, 0);
	mem_read(r->mem, 0x1100, a, sizeof(a));
	mem_read(r->mem, 0x1200, b, sizeof(b));
	cr_assert_arr_eq(a, b, sizeof(a));
	cr_assert_eq(get16(r, 0x1102), 0x2800, "FSW: TOP=5");
	cr_assert_eq(get16(r, 0x1104), 0x07ff, "FTW: zero, valid, valid");
	cr_assert_eq(get16(r, 0x1100 + 14 + 8), 0x0000, "ST0 = +0");
	cr_assert_eq(get16(r, 0x1100 + 24 + 8), 0x4000, "ST1 = pi");
	cr_assert_eq(get64(r, 0x1100 + 24), 0xc90fdaa22168c235ull);
	cr_assert_eq(get16(r, 0x1100 + 34 + 8), 0x3fff, "ST2 = 1");
	f = fpu_of(r);
	cr_assert_eq(f.fsw, 0x2800);
	cr_assert_eq(f.ftw, 0x07ff);
	cr_assert_eq(f.fcw, 0x037f);
	rig_free(r);
}

/* FCOMI: a < b -> CF, a = b -> ZF, a > b -> none, unordered -> ZF PF CF
 * (and IE for a QNaN: FCOMI is an ordered compare). */
Test(fpu, fcomi_flags)
{
	static const struct {
		uint32_t a, b;
		uint16_t fl;
		bool ie;
	} t[] = {
		{ 0x3f800000, 0x40000000, 0x01, false },
		{ 0x40000000, 0x40000000, 0x40, false },
		{ 0x40400000, 0x40000000, 0x00, false },
		{ 0x7fc00000, 0x40000000, 0x45, true },
	};
	for (unsigned k = 0; k < 4; k++) {
		struct rig *r = rig_new("pentium2");
		put32(r, 0x1000, t[k].a);
		put32(r, 0x1004, t[k].b);
		RUN(r, c_fcomi, 0);
		cr_assert_eq(get16(r, 0x1020) & 0x8d5, t[k].fl, "case %u", k);
		cr_assert_eq(get16(r, 0x1030) & 1, t[k].ie, "IE case %u", k);
		rig_free(r);
	}
}

/* FUCOMIP: a QNaN is unordered without IE; the pop happens. */
Test(fpu, fucomip_qnan)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 0x7fc00000);
	put32(r, 0x1004, 0x40000000);
	RUN(r, c_fucomip, 0);
	cr_assert_eq(get16(r, 0x1020) & 0x8d5, 0x45);
	cr_assert_eq(get16(r, 0x1030) & 0x3801, 0x3800, "no IE, TOP=7");
	rig_free(r);
}

/* The constants are rounded under RC (387 and later). */
Test(fpu, fldpi_rounding)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1010, 0x037f);
	RUN(r, c_const, 0);
	ASSERT80(r, 0x1020, 0x4000, 0xc90fdaa22168c235ull);
	put32(r, 0x1010, 0x077f);
	RUN(r, c_const, 0);
	ASSERT80(r, 0x1020, 0x4000, 0xc90fdaa22168c234ull);
	rig_free(r);
}

/* FST m32/m64 round to nearest: 1/3. */
Test(fpu, fst_m32_m64)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 1);
	put32(r, 0x1004, 3);
	RUN(r, c_fst, 0);
	cr_assert_eq(get32(r, 0x1020), 0x3eaaaaab);
	cr_assert_eq(get64(r, 0x1028), 0x3fd5555555555555ull);
	rig_free(r);
}

/* FLD m32 of an SNaN: IE, quietened. */
Test(fpu, fld_snan)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 0x1000, 0x7f800001);
	RUN(r, c_snan, 0);
	cr_assert(get16(r, 0x1030) & 1, "IE");
	ASSERT80(r, 0x1020, 0x7fff, 0xc000010000000000ull);
	rig_free(r);
}

Test(fpu, fcmov)
{
	struct rig *r = rig_new("pentium2");
	RUN(r, c_fcmov, 0);
	/* CF=1: FCMOVNB leaves +0; FCMOVB copies 1.0. */
	ASSERT80(r, 0x1030, 0x0000, 0);
	ASSERT80(r, 0x1020, 0x3fff, 0x8000000000000000ull);
	rig_free(r);
}

Test(fpu, fcmov_ud_before_p6)
{
	struct rig *r = rig_new("pentium");
	put32(r, 0x18, 0x0300); /* #UD handler at 0000:0300: HLT */
	mem_load(r->mem, 0x300, "\xf4", 1);
	RUN(r, c_fcmov, 0);
	cr_assert_eq(fpu_of(r).fsw & 0x3800, 0x3000, "stopped at FCMOV");
	rig_free(r);
}

/* FSIN with |x| >= 2^63: C2=1, ST(0) unchanged. */
Test(fpu, fsin_out_of_range)
{
	struct rig *r = rig_new("pentium2");
	put80(r, 0x1000, 0x3fff + 63, 0x8000000000000000ull);
	RUN(r, c_sin_range, 0);
	cr_assert(get16(r, 0x1030) & 0x400, "C2");
	ASSERT80(r, 0x1020, 0x3fff + 63, 0x8000000000000000ull);
	rig_free(r);
}

/* FPTAN pushes 1.0 above tan(x); tan(1) = 1.5574077246549022305. */
Test(fpu, fptan_pushes_one)
{
	struct rig *r = rig_new("pentium2");
	RUN(r, c_ptan, 0);
	ASSERT80(r, 0x1020, 0x3fff, 0x8000000000000000ull);
	cr_assert_eq(get16(r, 0x1030 + 8), 0x3fff);
	cr_assert_eq(get64(r, 0x1030) >> 8, 0xc75922e5f71d2dull);
	cr_assert_eq(get16(r, 0x1040) & 0x400, 0, "C2");
	rig_free(r);
}

/* CR0.EM: #NM (vector 7) before the instruction does anything. */
Test(fpu, em_raises_nm)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_state s;
	put32(r, 7 * 4, 0x0300);
	mem_load(r->mem, 0x300, "\xf4", 1);
	RUN(r, c_nm, CR0_EM);
	cpu_get_state(r->cpu, &s);
	cr_assert_eq(s.rip, 0x301);
	cr_assert_eq(get16(r, 0x8000 - 6), 0x100, "return to the FLD1");
	cr_assert_eq(s.fpu.fsw & 0x3800, 0, "nothing pushed");
	rig_free(r);
}

/* CR0.TS with MP: WAIT raises #NM too. */
Test(fpu, ts_mp_wait_raises_nm)
{
	static const uint8_t wait_hlt[] = { 0x9b, 0xf4 };
	struct rig *r = rig_new("pentium2");
	put32(r, 7 * 4, 0x0300);
	mem_load(r->mem, 0x300, "\xf4", 1);
	RUN(r, wait_hlt, CR0_TS | CR0_MP);
	cr_assert_eq(get16(r, 0x8000 - 6), 0x100);
	RUN(r, wait_hlt, CR0_TS);
	cr_assert_eq(cpu_get_state_rip(r), 0x102, "TS alone: WAIT runs");
	rig_free(r);
}

/* Unmasked IE (0/0) with CR0.NE=1: #MF (vector 16) at the next waiting
 * FPU instruction; FNSTSW does not wait. */
Test(fpu, unmasked_exception_raises_mf)
{
	struct rig *r = rig_new("pentium2");
	put32(r, 16 * 4, 0x0300);
	mem_load(r->mem, 0x300, "\xf4", 1);
	put32(r, 0x1010, 0x037e);
	RUN(r, c_mf, CR0_NE);
	cr_assert_eq(get16(r, 0x1030) & 0x80ff, 0x8081, "IE, ES, B");
	cr_assert_eq(get16(r, 0x8000 - 6), 0x100 + sizeof(c_mf) - 3,
		     "#MF returns to the FLD1");
	rig_free(r);
}

static void note_ferr(void *opaque, bool level)
{
	struct rig *r = opaque;
	if (level)
		r->ferr++;
	else
		r->ferr_clear++;
}

/* CR0.NE=0: FERR# (IRQ13 on a PC) instead, and the FLD1 proceeds. */
Test(fpu, unmasked_exception_ferr)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_hooks h = { .opaque = r, .ferr = note_ferr };
	cpu_set_hooks(r->cpu, &h);
	put32(r, 0x1010, 0x037e);
	RUN(r, c_mf, 0);
	cr_assert_eq(r->ferr, 1);
	cr_assert_eq(cpu_get_state_rip(r), 0x100 + sizeof(c_mf));
	rig_free(r);
}

/* No FPU on the 286: ESC is a no-op and WAIT does not wait. */
Test(fpu, none_on_286)
{
	struct rig *r = rig_new("286");
	RUN(r, c_nm, CR0_EM);
	cr_assert_eq(cpu_get_state_rip(r), 0x100 + sizeof(c_nm));
	rig_free(r);
}

/* The FPU state survives cpu_get_state / cpu_set_state. */
Test(fpu, state_round_trip)
{
	struct rig *r = rig_new("pentium2");
	struct cpu_state a, b;
	RUN(r, c_ptan, 0);
	cpu_get_state(r->cpu, &a);
	cpu_set_state(r->cpu, &a);
	cpu_get_state(r->cpu, &b);
	cr_assert_eq(memcmp(&a.fpu, &b.fpu, sizeof(a.fpu)), 0);
	rig_free(r);
}
