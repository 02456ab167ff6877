/* tests/unit/test_nmi.c: NMI delivery and blocking. An NMI is taken at the
 * next instruction boundary; while its handler runs, further NMIs wait
 * until the handler's IRET. */
#include "tests/unit/testbed.h"

#include "cpu/state.h"

#define CODE 0x1000
#define NMI_HANDLER 0x2000

static struct machine *m;
static struct cpu *cpu;

static void setup(void)
{
	/* Main loop: inc bx; jmp $-3. Handler: inc ax; 50 x (inc cx,
	 * cmp cx,50; jne); iret. */
	static const uint8_t main_loop[] = { 0x43, 0xeb, 0xfd };
	static const uint8_t handler[] = { 0x40, 0x41, 0x83, 0xf9, 0x32,
					   0x75, 0xfa, 0x31, 0xc9, 0xcf };
	uint16_t ivt[2] = { NMI_HANDLER, 0 };
	struct cpu_state s;

	m = testbed_new(100000);
	cpu = cpu_create(cpu_model_find("pentium2"), m->mem, m->bus,
			 &m->clock, &m->irq, &m->log);
	cr_assert_not_null(cpu);
	mem_write(m->mem, 2 * 4, ivt, sizeof(ivt));
	mem_write(m->mem, CODE, main_loop, sizeof(main_loop));
	mem_write(m->mem, NMI_HANDLER, handler, sizeof(handler));
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

TestSuite(nmi, .init = setup, .fini = teardown);

static uint32_t reg(unsigned r)
{
	struct cpu_state s;
	cpu_get_state(cpu, &s);
	return (uint32_t)s.gpr[r];
}

static void steps(unsigned n)
{
	for (unsigned k = 0; k < n; k++)
		cpu_step(cpu);
}

Test(nmi, second_nmi_waits_for_iret)
{
	steps(5);
	cpu_nmi(cpu);
	steps(3);
	cr_assert_eq(reg(REG_AX) & 0xffff, 1, "first NMI taken");
	cpu_nmi(cpu);
	steps(20); /* still inside the handler's loop */
	cr_assert_eq(reg(REG_AX) & 0xffff, 1, "second NMI blocked");
	steps(200); /* IRET, then the pending NMI */
	cr_assert_eq(reg(REG_AX) & 0xffff, 2, "second NMI after IRET");
	steps(200);
	cr_assert_eq(reg(REG_AX) & 0xffff, 2, "no third NMI");
}

Test(nmi, masking_survives_get_set_state)
{
	struct cpu_state s;

	cpu_nmi(cpu);
	steps(2);
	cpu_get_state(cpu, &s);
	cr_assert(s.events.nmi_masked);
	cpu_set_state(cpu, &s);
	cpu_nmi(cpu);
	steps(10);
	cr_assert_eq(reg(REG_AX) & 0xffff, 1);
}
