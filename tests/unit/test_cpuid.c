/* tests/unit/test_cpuid.c: model identity (reset EDX, CPUID), the core's
 * CPUID/MSR hooks, the TSC and MSR storage through get/set_state. Each
 * test runs a few bytes of real-mode code on a real cpu_create. */
#include "tests/unit/testbed.h"

#include "cpu/state.h"

#define CODE 0x1000
#define UD_HANDLER 0x2000 /* IVT 6 points here */
#define GP_HANDLER 0x2100 /* IVT 13 */

static struct machine *m;
static struct cpu *cpu;

static void setup(void)
{
	m = testbed_new(100000);
}

static void teardown(void)
{
	if (cpu)
		cpu_destroy(cpu);
	cpu = NULL;
	testbed_free(m);
}

TestSuite(cpuid, .init = setup, .fini = teardown);

static void boot(const char *model)
{
	const struct cpu_model *cm = cpu_model_find(model);
	uint8_t hlt = 0xf4;
	uint16_t ivt[2];

	cr_assert_not_null(cm);
	if (cpu)
		cpu_destroy(cpu);
	cpu = cpu_create(cm, m->mem, m->bus, &m->clock, &m->irq, &m->log);
	cr_assert_not_null(cpu);
	ivt[0] = UD_HANDLER;
	ivt[1] = 0;
	mem_write(m->mem, 6 * 4, ivt, sizeof(ivt));
	ivt[0] = GP_HANDLER;
	mem_write(m->mem, 13 * 4, ivt, sizeof(ivt));
	mem_write(m->mem, UD_HANDLER, &hlt, 1);
	mem_write(m->mem, GP_HANDLER, &hlt, 1);
}

/* Run code at 0:CODE until HLT (or 100 instructions); returns the state. */
static struct cpu_state run(const void *code, size_t len)
{
	struct cpu_state s;

	mem_write(m->mem, CODE, code, len);
	cpu_get_state(cpu, &s);
	s.seg[SEG_CS].sel = 0;
	s.seg[SEG_CS].base = 0;
	s.seg[SEG_SS].base = 0;
	s.rip = CODE;
	s.gpr[REG_SP] = 0x8000;
	s.events.halted = false;
	cpu_set_state(cpu, &s);
	for (int k = 0; k < 100 && !cpu_halted(cpu); k++)
		cpu_step(cpu);
	cpu_get_state(cpu, &s);
	return s;
}

/* Where the HLT that stopped the run was. */
static uint32_t stopped_at(const struct cpu_state *s)
{
	return (uint32_t)s->rip - 1;
}

Test(cpuid, reset_edx_is_the_signature)
{
	static const struct { const char *name; uint32_t edx; } t[] = {
		{ "386", 0x0303 }, { "486", 0x0402 },
		{ "pentium", 0x052c }, { "pentium2", 0x0652 },
	};
	for (unsigned k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		struct cpu_state s;
		boot(t[k].name);
		cpu_get_state(cpu, &s);
		cr_assert_eq(s.gpr[REG_DX], t[k].edx, "%s", t[k].name);
	}
}

/* mov eax, LEAF; cpuid; hlt */
static struct cpu_state cpuid(uint32_t leaf)
{
	uint8_t code[] = { 0x66, 0xb8, (uint8_t)leaf, (uint8_t)(leaf >> 8),
			   (uint8_t)(leaf >> 16), (uint8_t)(leaf >> 24),
			   0x0f, 0xa2, 0xf4 };
	return run(code, sizeof(code));
}

Test(cpuid, pentium2_leaves)
{
	struct cpu_state s;

	boot("pentium2");
	s = cpuid(0);
	cr_assert_eq(s.gpr[REG_AX], 2);
	cr_assert_eq(s.gpr[REG_BX], 0x756e6547); /* Genu */
	cr_assert_eq(s.gpr[REG_DX], 0x49656e69); /* ineI */
	cr_assert_eq(s.gpr[REG_CX], 0x6c65746e); /* ntel */
	s = cpuid(1);
	cr_assert_eq(s.gpr[REG_AX], 0x652);
	/* FPU DE PSE TSC MSR CX8 SEP MTRR PGE CMOV FXSR; never MMX, APIC,
	 * VME, PAE, PAT (not implemented or not on this chip). */
	cr_assert_eq(s.gpr[REG_DX], 0x100b93d);
	cr_assert_eq(s.gpr[REG_CX], 0);
	s = cpuid(2);
	cr_assert_eq(s.gpr[REG_AX], 0x03020101);
	cr_assert_eq(s.gpr[REG_DX], 0x0c040843);
	s = cpuid(0x80000000);
	cr_assert_eq(s.gpr[REG_AX], 0x03020101, "past the maximum: leaf 2");
}

Test(cpuid, pentium_leaves)
{
	struct cpu_state s;

	boot("pentium");
	s = cpuid(0);
	cr_assert_eq(s.gpr[REG_AX], 1);
	s = cpuid(1);
	cr_assert_eq(s.gpr[REG_AX], 0x52c);
	cr_assert_eq(s.gpr[REG_DX], 0x13d);
}

Test(cpuid, none_before_the_pentium)
{
	struct cpu_state s;

	boot("486");
	s = cpuid(0);
	cr_assert_eq(stopped_at(&s), UD_HANDLER);
	boot("386");
	s = cpuid(0);
	cr_assert_eq(stopped_at(&s), UD_HANDLER);
}

static bool hook_cpuid(void *opaque, uint32_t leaf, uint32_t sub,
		       uint32_t out[4])
{
	if (leaf != 0x40000000)
		return false;
	out[0] = 0x40000001;
	out[1] = 0x7263694d; /* "Micr" */
	out[2] = sub;
	out[3] = 0;
	return true;
}

static bool hook_rdmsr(void *opaque, uint32_t index, uint64_t *v)
{
	if (index == 0x1b) { /* a board APIC, enabled */
		*v = 0xfee00900ull;
		return true;
	}
	if (index != 0x40000000)
		return false;
	*v = 0x1122334455667788ull;
	return true;
}

Test(cpuid, hooks_override_leaves_and_unknown_msrs)
{
	struct cpu_hooks h = { .cpuid = hook_cpuid, .rdmsr = hook_rdmsr };
	uint8_t rdmsr[] = { 0x66, 0xb9, 0x00, 0x00, 0x00, 0x40, /* ecx */
			    0x0f, 0x32, 0xf4 };
	struct cpu_state s;

	boot("pentium2");
	s = run(rdmsr, sizeof(rdmsr));
	cr_assert_eq(stopped_at(&s), GP_HANDLER, "no hook: #GP");
	cpu_set_hooks(cpu, &h);
	s = cpuid(0x40000000);
	cr_assert_eq(s.gpr[REG_AX], 0x40000001);
	cr_assert_eq(s.gpr[REG_BX], 0x7263694d);
	s = cpuid(0);
	cr_assert_eq(s.gpr[REG_BX], 0x756e6547, "other leaves unchanged");
	s = run(rdmsr, sizeof(rdmsr));
	cr_assert_eq(stopped_at(&s), CODE + 8);
	cr_assert_eq(s.gpr[REG_AX], 0x55667788);
	cr_assert_eq(s.gpr[REG_DX], 0x11223344);
}

Test(cpuid, tsc_counts_cycles_and_travels_in_the_state)
{
	uint8_t rdtsc[] = { 0x0f, 0x31, 0xf4 };
	struct cpu_state s;
	uint64_t t;

	boot("pentium2");
	cpu_get_state(cpu, &s);
	cr_assert_lt(s.tsc, 10, "reset clears the TSC");
	m->clock.cycles += 1000000;
	cpu_get_state(cpu, &s);
	cr_assert_geq(s.tsc, 1000000);
	s.tsc = 0x123400000000ull;
	cpu_set_state(cpu, &s);
	s = run(rdtsc, sizeof(rdtsc));
	t = (uint64_t)(uint32_t)s.gpr[REG_DX] << 32 | (uint32_t)s.gpr[REG_AX];
	cr_assert_geq(t, 0x123400000000ull);
	cr_assert_lt(t, 0x123400000000ull + 1000);
}

Test(cpuid, msrs_survive_get_and_set_state)
{
	/* mov ecx, 0x200; mov eax, 0x12345006; xor edx, edx; wrmsr; hlt */
	uint8_t wr[] = { 0x66, 0xb9, 0x00, 0x02, 0x00, 0x00, 0x66, 0xb8,
			 0x06, 0x50, 0x34, 0x12, 0x66, 0x31, 0xd2, 0x0f, 0x30,
			 0xf4 };
	/* mov ecx, 0x200; rdmsr; hlt */
	uint8_t rd[] = { 0x66, 0xb9, 0x00, 0x02, 0x00, 0x00, 0x0f, 0x32,
			 0xf4 };
	struct cpu_state s, saved;

	boot("pentium2");
	run(wr, sizeof(wr));
	cpu_get_state(cpu, &saved);
	cpu_reset(cpu);
	s = run(rd, sizeof(rd));
	cr_assert_eq(s.gpr[REG_AX], 0, "reset clears the MTRR");
	cpu_set_state(cpu, &saved);
	s = run(rd, sizeof(rd));
	cr_assert_eq(s.gpr[REG_AX], 0x12345006);
}

Test(cpuid, apic_bit_follows_the_boards_apic_base)
{
	struct cpu_hooks h = { .rdmsr = hook_rdmsr };
	struct cpu_state s;

	boot("pentium2");
	s = cpuid(1);
	cr_assert_eq(s.gpr[REG_DX] & (1u << 9), 0, "no APIC behind the hooks");
	cpu_set_hooks(cpu, &h);
	s = cpuid(1);
	cr_assert_eq(s.gpr[REG_DX], 0x100b93d | (1u << 9));
	boot("pentium");
	cpu_set_hooks(cpu, &h);
	s = cpuid(1);
	cr_assert_eq(s.gpr[REG_DX] & (1u << 9), 0, "no on-chip APIC modelled");
}
