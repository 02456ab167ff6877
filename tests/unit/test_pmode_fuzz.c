/* tests/unit/test_pmode_fuzz.c: the guest cannot crash the host.
 *
 * Random protected-mode states (garbage GDT/IDT/TSS/page tables, random
 * segment caches, CR0/CR3/CR4, EFLAGS with VM) run random code. Whatever
 * happens must be an emulated outcome: exceptions, a halt or a triple
 * fault, never a host crash (the suite runs under ASan/UBSan). Seeds are
 * fixed, so a failure reproduces.
 */
#include "tests/unit/testbed.h"

#include "cpu/state.h"

#define FUZZ_RAM (2u << 20)

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/* Mostly plausible values, sometimes garbage. */
static uint32_t rnd_addr(void)
{
	return (rnd() & 3) ? rnd() % FUZZ_RAM : rnd();
}

static void fuzz_state(struct cpu_state *s)
{
	static const uint16_t attrs[] = { 0x93, 0x9b, 0xc93, 0xc9b, 0xf3,
					  0xfb, 0x97, 0x9f, 0x91, 0x0 };

	s->cr0 = CR0_PE | CR0_ET | (rnd() & 1 ? CR0_PG : 0) |
		 (rnd() & 1 ? CR0_WP : 0);
	s->cr3 = rnd_addr() & ~0xfffu;
	s->cr4 = rnd() & 0x90; /* PSE, PGE */
	s->rflags = (rnd() & 0x3f7fd5) | 2;
	if (rnd() & 3)
		s->rflags &= ~(uint64_t)FLAG_VM;
	s->rip = rnd() & 0xffff;
	for (unsigned k = 0; k < CPU_NGPR; k++)
		s->gpr[k] = rnd();
	for (unsigned k = 0; k < CPU_NSEG; k++) {
		s->seg[k].sel = (uint16_t)rnd();
		s->seg[k].base = rnd_addr();
		s->seg[k].limit = rnd() & 1 ? 0xffffffffu : rnd() & 0xfffff;
		s->seg[k].attr = attrs[rnd() % 10];
	}
	s->gdtr.base = rnd_addr();
	s->gdtr.limit = rnd() & 0xffff;
	s->idtr.base = rnd_addr();
	s->idtr.limit = rnd() & 1 ? 0x7ff : rnd() & 0xffff;
	s->tr.sel = (uint16_t)rnd();
	s->tr.base = rnd_addr();
	s->tr.limit = rnd() & 1 ? 0x2067 : rnd() & 0xffff;
	s->tr.attr = rnd() & 1 ? 0x8b : (uint16_t)rnd();
	s->ldtr.base = rnd_addr();
	s->ldtr.limit = rnd() & 0xffff;
	s->ldtr.attr = rnd() & 1 ? 0x82 : 0;
	s->ldtr.sel = (uint16_t)rnd();
}

/* Half the time, a sane frame around the garbage: a GDT at 1000h with
 * flat ring 0/3 code and data, an IDT at 2000h whose gates land in the
 * random code, a TSS at 3000h, an identity 4 MiB page directory at 4000h;
 * random bytes everywhere else keep exceptions and transfers coming. */
static void fuzz_sane(uint8_t *ram, struct cpu_state *s)
{
	static const uint32_t gdt[][2] = {
		{ 0, 0 }, { 0x0000ffff, 0x00cf9b00 }, { 0x0000ffff, 0x00cf9300 },
		{ 0x0000ffff, 0x00cffb00 }, { 0x0000ffff, 0x00cff300 },
		{ 0x30002067, 0x00008900 }, { 0x0000ffff, 0x00009b0f },
	};
	uint32_t *pd = (uint32_t *)(ram + 0x4000);

	memcpy(ram + 0x1000, gdt, sizeof(gdt));
	for (unsigned v = 0; v < 256; v++) {
		uint32_t off = rnd() % FUZZ_RAM;
		uint32_t lo = (off & 0xffff) | (0x08u << 16);
		uint32_t hi = (off & 0xffff0000u) |
			      ((rnd() & 7) ? 0xee00 : 0x8f00);
		memcpy(ram + 0x2000 + v * 8, &lo, 4);
		memcpy(ram + 0x2000 + v * 8 + 4, &hi, 4);
	}
	memset(ram + 0x3000, 0, 0x68);
	ram[0x3004] = 0x00; ram[0x3005] = 0x00; ram[0x3006] = 0x1f;
	ram[0x3008] = 0x10;
	for (unsigned k = 0; k < 1024; k++)
		pd[k] = (rnd() & 7) ? (k << 22) | 0x87 | (rnd() & 0x100) : rnd();
	s->gdtr.base = 0x1000;
	s->gdtr.limit = sizeof(gdt) - 1;
	s->idtr.base = 0x2000;
	s->idtr.limit = 0x7ff;
	s->tr.sel = 0x28;
	s->tr.base = 0x3000;
	s->tr.limit = 0x2067;
	s->tr.attr = 0x8b;
	s->cr3 = 0x4000;
	s->seg[SEG_CS] = (struct cpu_segment){ 0, 0xffffffffu, 0x08, 0xc9b };
	s->seg[SEG_SS] = (struct cpu_segment){ 0, 0xffffffffu, 0x10, 0xc93 };
	s->seg[SEG_DS] = (struct cpu_segment){ 0, 0xffffffffu, 0x10, 0xc93 };
	if (rnd() & 1) {
		s->seg[SEG_CS] = (struct cpu_segment){ 0, 0xffffffffu, 0x1b,
						       0xcfb };
		s->seg[SEG_SS] = (struct cpu_segment){ 0, 0xffffffffu, 0x23,
						       0xcf3 };
	}
	s->rip = rnd() % FUZZ_RAM;
	s->gpr[REG_SP] = 0x100000 + (rnd() % 0x80000);
}

/* LUCID_FUZZ_ROUNDS=N runs a longer campaign (seeds stay fixed). */
static void fuzz_model(const char *name, unsigned rounds)
{
	const char *env = getenv("LUCID_FUZZ_ROUNDS");
	struct machine *m = testbed_new(100000);
	struct cpu *c = cpu_create(cpu_model_find(name), m->mem, m->bus,
				   &m->clock, &m->irq, &m->log);
	uint8_t *ram = m->mem->ram;

	cr_assert_not_null(c);
	if (env && atoi(env) > 0)
		rounds = (unsigned)atoi(env);
	memset(m->log.level, LOG_ERROR, sizeof(m->log.level));
	mem_set_bus_width(m->mem, 32);
	for (unsigned r = 0; r < rounds; r++) {
		struct cpu_state s;
		/* Random RAM, but plausible descriptors now and then: fill
		 * with a mix of random bytes and copies of flat entries. */
		for (uint32_t a = 0; a < FUZZ_RAM; a += 4) {
			uint32_t v = rnd();
			if ((v & 0xf) == 0)
				v = (v & 1) ? 0x00cf9300u : 0x0000ffffu;
			memcpy(ram + a, &v, 4);
		}
		for (unsigned k = 0; k < 50; k++) {
			cpu_reset(c);
			cpu_get_state(c, &s);
			fuzz_state(&s);
			if (rnd() & 1)
				fuzz_sane(ram, &s);
			cpu_set_state(c, &s);
			(void)cpu_run(c, m->clock.cycles + 20000);
		}
	}
	/* The sane frames must get code running, or this tests nothing. */
	cr_assert_gt(cpu_icount(c), 100000, "%s ran only %llu instructions",
		     name, (unsigned long long)cpu_icount(c));
	cpu_destroy(c);
	testbed_free(m);
}

Test(pmode_fuzz, random_protected_mode_states_pentium2, .timeout = 120)
{
	rng = 0x9e3779b97f4a7c15ull;
	fuzz_model("pentium2", 40);
}

Test(pmode_fuzz, random_protected_mode_states_386, .timeout = 120)
{
	rng = 0x2545f4914f6cdd1dull;
	fuzz_model("386", 20);
}
