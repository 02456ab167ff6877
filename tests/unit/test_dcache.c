/* tests/unit/test_dcache.c: the interpreter's decoded-instruction cache
 * follows the bytes whoever writes them: device DMA (mem_write), loaders
 * (mem_load), page-level writers (mem_mark_dirty, as vmbus does), shadow
 * remaps, and CPU stores next to cached code that must not invalidate it.
 * (tests/guests/smc.asm covers the CPU's own stores and string ops.) */
#include "tests/unit/testbed.h"

#include "cpu/state.h"

#define CODE 0x1000

static struct machine *m;
static struct cpu *cpu;

/* mov ax, 1111h; jmp $-5 (back to the mov). */
static const uint8_t loop_code[] = { 0xb8, 0x11, 0x11, 0xeb, 0xfb };

static void setup(void)
{
	struct cpu_state s;

	m = testbed_new(100000);
	cpu = cpu_create(cpu_model_find("pentium2"), m->mem, m->bus,
			 &m->clock, &m->irq, &m->log);
	cr_assert_not_null(cpu);
	mem_write(m->mem, CODE, loop_code, sizeof(loop_code));
	cpu_get_state(cpu, &s);
	s.seg[SEG_CS].sel = 0;
	s.seg[SEG_CS].base = 0;
	s.rip = CODE;
	s.gpr[REG_SP] = 0x8000;
	cpu_set_state(cpu, &s);
}

static void teardown(void)
{
	cpu_destroy(cpu);
	testbed_free(m);
}

TestSuite(dcache, .init = setup, .fini = teardown);

static uint32_t ax_after_pass(void)
{
	struct cpu_state s;
	cpu_step(cpu); /* mov */
	cpu_step(cpu); /* jmp */
	cpu_get_state(cpu, &s);
	return (uint16_t)s.gpr[REG_AX];
}

Test(dcache, dma_write_over_cached_code_is_seen)
{
	static const uint8_t imm[] = { 0x22, 0x22 };
	cr_assert_eq(ax_after_pass(), 0x1111);
	cr_assert_eq(ax_after_pass(), 0x1111); /* now from the cache */
	mem_write(m->mem, CODE + 1, imm, sizeof(imm));
	cr_assert_eq(ax_after_pass(), 0x2222);
}

Test(dcache, loader_write_over_cached_code_is_seen)
{
	static const uint8_t imm[] = { 0x33 };
	cr_assert_eq(ax_after_pass(), 0x1111);
	mem_load(m->mem, CODE + 2, imm, sizeof(imm));
	cr_assert_eq(ax_after_pass(), 0x3311);
}

Test(dcache, page_level_writer_invalidates_the_page)
{
	cr_assert_eq(ax_after_pass(), 0x1111);
	m->mem->ram[CODE + 1] = 0x44; /* a host-pointer writer... */
	mem_mark_dirty(m->mem, CODE); /* ...says so per page */
	cr_assert_eq(ax_after_pass(), 0x1144);
}

Test(dcache, data_write_elsewhere_on_the_page_keeps_the_code_cached)
{
	uint64_t gen = m->mem->code_gen[CODE >> 12];
	cr_assert_eq(ax_after_pass(), 0x1111);
	mem_write8(m->mem, CODE + 0x800, 0x99);
	cr_assert_eq(m->mem->code_gen[CODE >> 12], gen);
	mem_write8(m->mem, CODE + 4, 0xfb); /* same byte, a code line */
	cr_assert_neq(m->mem->code_gen[CODE >> 12], gen);
	cr_assert_eq(ax_after_pass(), 0x1111);
}
