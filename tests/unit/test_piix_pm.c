/* PIIX4 power management: PM base programming through config space, the
 * ACPI PM timer, TMR_STS and the SCI, sleep, APM ACPI enable. */
#include "tests/unit/testbed.h"

#include "devices/pci.h"
#include "devices/piix.h"
#include "devices/piix_pm.h"

#define PM_DEVFN PCI_DEVFN(1, 3)
#define PMB 0x600

static void cfg_out(struct machine *m, unsigned off, uint32_t v, unsigned size)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | PM_DEVFN << 8 | (off & 0xfc), 4);
	bus_out(m->bus, (uint16_t)(0xcfc + (off & 3)), v, size);
}

static uint32_t cfg_in(struct machine *m, unsigned off, unsigned size)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | PM_DEVFN << 8 | (off & 0xfc), 4);
	return bus_in(m->bus, (uint16_t)(0xcfc + (off & 3)), size);
}

/* What SeaBIOS's piix4_pm_setup does, at QEMU's 0x600. */
static struct machine *setup(struct piix_pm **out)
{
	struct machine *m = testbed_new(10000);
	struct pci_bus *bus = pci_create(m);
	cr_assert_not_null(piix3_create(m, bus));
	struct piix_pm *pm = piix_pm_create(m, bus);
	cr_assert_not_null(pm);
	testbed_reset(m);
	cfg_out(m, 0x40, PMB | 1, 4);
	cfg_out(m, 0x80, 0x01, 1);
	if (out)
		*out = pm;
	return m;
}

Test(piix_pm, identity_and_smm_marked_done_for_seabios)
{
	struct machine *m = setup(NULL);
	cr_assert_eq(cfg_in(m, 0, 4), 0x71138086);
	cr_assert_eq(cfg_in(m, 8, 1), 0x03);
	cr_assert_eq(cfg_in(m, 0x3d, 1), 1, "INTA");
	/* DEVACTB bit 25 (APMC_EN): SeaBIOS then skips its SMI handshake */
	cr_assert_eq(cfg_in(m, 0x58, 4) & (1u << 25), 1u << 25);
	cr_assert_eq(cfg_in(m, 0x40, 4), PMB | 1);
	testbed_free(m);
}

Test(piix_pm, pm_block_is_mapped_only_while_pmregmisc_enables_it)
{
	struct machine *m = setup(NULL);
	bus_out(m->bus, PMB + PM1_EN, 0x0100, 2);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_EN, 2), 0x0100);
	cfg_out(m, 0x80, 0x00, 1);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_EN, 2), 0xffff);
	cfg_out(m, 0x40, 0xb001, 4);
	cfg_out(m, 0x80, 0x01, 1);
	cr_assert_eq(bus_in(m->bus, 0xb000 + PM1_EN, 2), 0x0100);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_EN, 2), 0xffff);
	testbed_free(m);
}

Test(piix_pm, timer_counts_3579545_hz_of_virtual_time_and_wraps_at_24_bits)
{
	struct machine *m = setup(NULL);
	cr_assert_eq(bus_in(m->bus, PMB + PM_TMR, 4), 0);
	testbed_advance_ns(m, 1000000000ull);
	cr_assert_eq(bus_in(m->bus, PMB + PM_TMR, 4), 3579545);
	testbed_advance_ns(m, 1000); /* 1 us = 3.58 ticks */
	cr_assert_eq(bus_in(m->bus, PMB + PM_TMR, 4), 3579548);
	/* 5 s = 17897725 ticks, which is 1120509 past the 24-bit wrap */
	testbed_advance_ns(m, 4000000000ull - 1000);
	cr_assert_eq(bus_in(m->bus, PMB + PM_TMR, 4), 1120509);
	cr_assert_eq(bus_in(m->bus, PMB + PM_TMR + 2, 2), 1120509 >> 16);
	testbed_free(m);
}

static void advance_to(struct machine *m, uint64_t ns)
{
	testbed_advance_ns(m, ns - clock_now(&m->clock));
}

Test(piix_pm, bit23_toggle_sets_tmr_sts_and_raises_sci_when_enabled)
{
	struct machine *m = setup(NULL);
	/* 2^23 ticks at 3.579545 MHz: the first ns at or past 2.343484437 s */
	const uint64_t toggle1 = 2343484438ull, toggle2 = 4686968875ull;

	bus_out(m->bus, PMB + PM1_EN, PM1_TMR, 2);
	advance_to(m, toggle1 - 1);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_STS, 2) & PM1_TMR, 0);
	cr_assert_eq(m->irq.level[9], 0);
	advance_to(m, toggle1);
	cr_assert_eq(m->irq.level[9], 1, "SCI on IRQ 9 by the event alone");
	cr_assert_eq(bus_in(m->bus, PMB + PM1_STS, 2) & PM1_TMR, PM1_TMR);
	bus_out(m->bus, PMB + PM1_STS, PM1_TMR, 2); /* write 1 to clear */
	cr_assert_eq(bus_in(m->bus, PMB + PM1_STS, 2) & PM1_TMR, 0);
	cr_assert_eq(m->irq.level[9], 0);
	/* the next toggle comes 2^23 ticks later */
	advance_to(m, toggle2 - 1);
	cr_assert_eq(m->irq.level[9], 0);
	advance_to(m, toggle2);
	cr_assert_eq(m->irq.level[9], 1);
	testbed_free(m);
}

Test(piix_pm, status_without_enable_latches_but_raises_no_sci)
{
	struct machine *m = setup(NULL);
	testbed_advance_ns(m, 2400000000ull);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_STS, 2) & PM1_TMR, PM1_TMR);
	cr_assert_eq(m->irq.level[9], 0);
	bus_out(m->bus, PMB + PM1_EN, PM1_TMR, 2);
	cr_assert_eq(m->irq.level[9], 1);
	testbed_free(m);
}

Test(piix_pm, s5_sleep_request_powers_the_machine_off)
{
	struct machine *m = setup(NULL);
	bus_out(m->bus, PMB + PM1_CNT, 0 << 10, 2); /* type only: no sleep */
	cr_assert(!m->stop);
	bus_out(m->bus, PMB + PM1_CNT, (0 << 10) | PM1_CNT_SLP_EN | 1, 2);
	cr_assert(m->stop);
	cr_assert_eq(m->exit_code, MACHINE_EXIT_OK);
	cr_assert_str_eq(m->exit_reason, "guest powered off");
	/* SLP_EN is write-only */
	cr_assert_eq(bus_in(m->bus, PMB + PM1_CNT, 2), 1);
	testbed_free(m);
}

Test(piix_pm, s3_request_is_refused_without_stopping)
{
	struct machine *m = setup(NULL);
	bus_out(m->bus, PMB + PM1_CNT, (1 << 10) | PM1_CNT_SLP_EN, 2);
	cr_assert(!m->stop);
	testbed_free(m);
}

Test(piix_pm, apm_acpi_enable_command_sets_sci_en)
{
	struct machine *m = setup(NULL);
	bus_out(m->bus, APM_CNT_PORT, APM_ACPI_ENABLE, 1);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_CNT, 2) & PM1_CNT_SCI_EN, 1);
	cr_assert_eq(bus_in(m->bus, APM_CNT_PORT, 1), APM_ACPI_ENABLE);
	bus_out(m->bus, APM_CNT_PORT, APM_ACPI_DISABLE, 1);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_CNT, 2) & PM1_CNT_SCI_EN, 0);
	bus_out(m->bus, APM_CNT_PORT + 1, 0x5a, 1);
	cr_assert_eq(bus_in(m->bus, APM_CNT_PORT + 1, 1), 0x5a);
	testbed_free(m);
}

Test(piix_pm, power_button_and_gpe_raise_the_sci_when_enabled)
{
	struct piix_pm *pm;
	struct machine *m = setup(&pm);
	piix_pm_power_button(pm);
	cr_assert_eq(bus_in(m->bus, PMB + PM1_STS, 2) & PM1_PWRBTN, 0,
		     "disabled button does not latch");
	bus_out(m->bus, PMB + PM1_EN, PM1_PWRBTN, 2);
	piix_pm_power_button(pm);
	cr_assert_eq(m->irq.level[9], 1);
	bus_out(m->bus, PMB + PM1_STS, PM1_PWRBTN, 2);
	cr_assert_eq(m->irq.level[9], 0);
	piix_pm_raise_gpe(pm, 0x0002);
	cr_assert_eq(bus_in(m->bus, PMB + PM_GPE0_STS, 2), 0x0002);
	cr_assert_eq(m->irq.level[9], 0);
	bus_out(m->bus, PMB + PM_GPE0_EN, 0x0002, 2);
	cr_assert_eq(m->irq.level[9], 1);
	bus_out(m->bus, PMB + PM_GPE0_STS, 0x0002, 2);
	cr_assert_eq(m->irq.level[9], 0);
	testbed_free(m);
}

Test(piix_pm, pirq_routed_to_irq9_shares_the_line_with_the_sci)
{
	struct piix_pm *pm;
	struct machine *m = setup(&pm);
	bus_out(m->bus, PMB + PM1_EN, PM1_PWRBTN, 2);
	piix_pm_power_button(pm);
	/* route PIRQA to 9 and pulse a device on it: the SCI holds the line */
	bus_out(m->bus, 0xcf8, 0x80000860u, 4);
	bus_out(m->bus, 0xcfc, 9, 1);
	cr_assert_eq(m->irq.level[9], 1);
	bus_out(m->bus, PMB + PM1_STS, PM1_PWRBTN, 2);
	cr_assert_eq(m->irq.level[9], 0);
	testbed_free(m);
}
