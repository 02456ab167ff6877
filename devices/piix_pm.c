/* devices/piix_pm.c: PIIX4 power management: PM1 events and control, the
 * ACPI PM timer, GPE0, the SCI, and sleep states (S5 ends the run).
 *
 * The timer is 3.579545 MHz of virtual time, computed on read; the only
 * event is the next toggle of timer bit 23, and only while TMR_EN asks for
 * it. The CPU has no SMM, so like QEMU with smm=off we mark SMM as already
 * set up (DEVACTB APMC_EN): SeaBIOS then skips its SMI handshake, which
 * would otherwise spin forever.
 */
#include "devices/piix_pm.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

#define NS_PER_S 1000000000ull
#define TMR_BIT23 0x800000ull
#define PM1_SCI_SOURCES (PM1_TMR | PM1_GBL | PM1_PWRBTN | PM1_RTC)
#define DEVACTB_APMC_EN_BYTE3 0x02 /* bit 25 of DEVACTB, in byte 0x5B */

static const struct state_field piix_pm_fields[] = {
	STATE_FIELD(struct piix_pm, pm1_sts),
	STATE_FIELD(struct piix_pm, pm1_en),
	STATE_FIELD(struct piix_pm, pm1_cnt),
	STATE_FIELD(struct piix_pm, gpe_sts),
	STATE_FIELD(struct piix_pm, gpe_en),
	STATE_FIELD(struct piix_pm, tmr_ovf_ns),
	STATE_FIELD(struct piix_pm, misc),
	STATE_FIELD(struct piix_pm, apmc),
	STATE_FIELD(struct piix_pm, apms),
	STATE_END,
};

/* floor(ns * f / 1e9) without 128-bit products. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_S * PIIX_PM_TIMER_HZ +
	       ns % NS_PER_S * PIIX_PM_TIMER_HZ / NS_PER_S;
}

/* The first ns at which the tick count reaches t. */
static uint64_t ticks_to_ns(uint64_t t)
{
	return t / PIIX_PM_TIMER_HZ * NS_PER_S +
	       (t % PIIX_PM_TIMER_HZ * NS_PER_S + PIIX_PM_TIMER_HZ - 1) /
		       PIIX_PM_TIMER_HZ;
}

uint32_t piix_pm_timer(uint64_t ns)
{
	return (uint32_t)(ns_to_ticks(ns) & 0xffffff);
}

static uint64_t next_overflow(uint64_t now)
{
	uint64_t t = ns_to_ticks(now);
	return ticks_to_ns((t + TMR_BIT23) & ~(TMR_BIT23 - 1));
}

static void pm_latch_timer(struct piix_pm *pm)
{
	if (clock_now(&pm->m->clock) >= pm->tmr_ovf_ns)
		pm->pm1_sts |= PM1_TMR;
}

/* Recompute the SCI and whether the overflow event is needed. */
static void pm_update(struct piix_pm *pm)
{
	bool sci;

	pm_latch_timer(pm);
	sci = (pm->pm1_sts & pm->pm1_en & PM1_SCI_SOURCES) ||
	      (pm->gpe_sts & pm->gpe_en);
	pci_bus_set_isa_irq(pm->bus, PCI_ISA_SRC_SCI, PIIX_PM_SCI_IRQ, sci);
	if ((pm->pm1_en & PM1_TMR) && !(pm->pm1_sts & PM1_TMR))
		event_schedule(&pm->tmr_ev, pm->tmr_ovf_ns);
	else
		event_cancel(&pm->tmr_ev);
}

static void pm_timer_event(void *opaque)
{
	pm_update(opaque);
}

static void pm_sleep(struct piix_pm *pm, unsigned type)
{
	/* SLP_TYP values of QEMU's DSDT: 0 = S5, 1 = S3, 2 = S4. */
	switch (type) {
	case 0:
		machine_request_exit(pm->m, MACHINE_EXIT_OK, "guest powered off");
		break;
	case 2:
		machine_request_exit(pm->m, MACHINE_EXIT_OK,
				     "guest powered off (S4 hibernate)");
		break;
	default:
		log_warn(&pm->m->log, ACPI, "sleep type %u not supported", type);
		break;
	}
}

static uint8_t pm_read_byte(struct piix_pm *pm, unsigned off)
{
	unsigned sh = 8 * (off & 1);

	switch (off & ~1u) {
	case PM1_STS:
		return (uint8_t)(pm->pm1_sts >> sh);
	case PM1_EN:
		return (uint8_t)(pm->pm1_en >> sh);
	case PM1_CNT:
		return (uint8_t)(pm->pm1_cnt >> sh); /* SLP_EN reads 0 */
	case PM_TMR:
	case PM_TMR + 2:
		return (uint8_t)(piix_pm_timer(clock_now(&pm->m->clock)) >>
				 (8 * (off - PM_TMR)));
	case PM_GPE0_STS:
		return (uint8_t)(pm->gpe_sts >> sh);
	case PM_GPE0_EN:
		return (uint8_t)(pm->gpe_en >> sh);
	default:
		return pm->misc[off];
	}
}

static void pm_write_byte(struct piix_pm *pm, unsigned off, uint8_t v)
{
	unsigned sh = 8 * (off & 1);
	uint16_t bits = (uint16_t)(v << sh);

	switch (off & ~1u) {
	case PM1_STS:
		if (bits & pm->pm1_sts & PM1_TMR)
			pm->tmr_ovf_ns = next_overflow(clock_now(&pm->m->clock));
		pm->pm1_sts &= (uint16_t)~bits;
		break;
	case PM1_EN:
		pm->pm1_en = (uint16_t)((pm->pm1_en & ~(0xff << sh)) | bits);
		break;
	case PM1_CNT:
		pm->pm1_cnt = (uint16_t)((pm->pm1_cnt & ~(0xff << sh)) |
					 (bits & ~PM1_CNT_SLP_EN));
		if (bits & PM1_CNT_SLP_EN)
			pm_sleep(pm, (pm->pm1_cnt >> 10) & 7);
		break;
	case PM_TMR:
	case PM_TMR + 2:
		break; /* read-only */
	case PM_GPE0_STS:
		pm->gpe_sts &= (uint16_t)~bits;
		break;
	case PM_GPE0_EN:
		pm->gpe_en = (uint16_t)((pm->gpe_en & ~(0xff << sh)) | bits);
		break;
	default:
		pm->misc[off] = v;
		break;
	}
}

static uint32_t pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix_pm *pm = opaque;
	uint32_t v = 0;

	pm_latch_timer(pm);
	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)pm_read_byte(pm, (unsigned)(offset + i) & 63)
		     << (8 * i);
	return v;
}

static void pm_io_write(void *opaque, uint64_t offset, uint32_t val,
			unsigned size)
{
	struct piix_pm *pm = opaque;

	pm_latch_timer(pm);
	for (unsigned i = 0; i < size; i++)
		pm_write_byte(pm, (unsigned)(offset + i) & 63,
			      (uint8_t)(val >> (8 * i)));
	pm_update(pm);
}

static const struct io_ops pm_io_ops = {
	.read = pm_io_read,
	.write = pm_io_write,
};

static uint32_t apm_read(void *opaque, uint64_t offset, unsigned size)
{
	struct piix_pm *pm = opaque;
	uint32_t v = 0;
	for (unsigned i = 0; i < size && offset + i < 2; i++)
		v |= (uint32_t)(offset + i ? pm->apms : pm->apmc) << (8 * i);
	return v;
}

static void apm_write(void *opaque, uint64_t offset, uint32_t val,
		      unsigned size)
{
	struct piix_pm *pm = opaque;

	for (unsigned i = 0; i < size && offset + i < 2; i++) {
		uint8_t v = (uint8_t)(val >> (8 * i));
		if (offset + i) {
			pm->apms = v;
			continue;
		}
		pm->apmc = v;
		/* QEMU's FADT SMI_CMD handshake, done without an SMI. */
		if (v == APM_ACPI_ENABLE)
			pm->pm1_cnt |= PM1_CNT_SCI_EN;
		else if (v == APM_ACPI_DISABLE)
			pm->pm1_cnt &= (uint16_t)~PM1_CNT_SCI_EN;
		else
			log_debug(&pm->m->log, ACPI,
				  "APM command %#x: no SMM to run it", v);
	}
}

static const struct io_ops apm_ops = {
	.read = apm_read,
	.write = apm_write,
};

/* Map the PM block where PMBA says, while PMREGMISC enables it. */
static void pm_io_update(struct piix_pm *pm)
{
	const uint8_t *c = pm->pci.config;
	uint16_t base = (uint16_t)((c[PIIX_PM_BASE] | c[PIIX_PM_BASE + 1] << 8) &
				   0xffc0);

	if (!(c[PIIX_PM_REGMISC] & 1))
		base = 0;
	if (base == pm->io_base)
		return;
	if (pm->io_base)
		bus_unmap_ports(pm->m->bus, pm->io_base);
	pm->io_base = 0;
	if (base && !bus_map_ports(pm->m->bus, base, PIIX_PM_IO_SIZE,
				   &pm_io_ops, pm, "piix4-pm"))
		pm->io_base = base;
}

static void piix_pm_config_written(struct pci_dev *d, unsigned off,
				   unsigned len)
{
	if ((off < PIIX_PM_BASE + 2 && off + len > PIIX_PM_BASE) ||
	    (off <= PIIX_PM_REGMISC && off + len > PIIX_PM_REGMISC))
		pm_io_update(d->opaque);
}

static void piix_pm_post_load(void *opaque)
{
	struct piix_pm *pm = opaque;
	pm_io_update(pm);
	pm_update(pm);
}

void piix_pm_power_button(struct piix_pm *pm)
{
	/* As QEMU: the event only latches while the OS has enabled it. */
	if (!(pm->pm1_en & PM1_PWRBTN))
		return;
	pm->pm1_sts |= PM1_PWRBTN;
	pm_update(pm);
}

void piix_pm_raise_gpe(struct piix_pm *pm, uint16_t bits)
{
	pm->gpe_sts |= bits;
	pm_update(pm);
}

static void piix_pm_reset(void *opaque)
{
	struct piix_pm *pm = opaque;

	pm->pm1_sts = pm->pm1_en = pm->pm1_cnt = 0;
	pm->gpe_sts = pm->gpe_en = 0;
	pm->apmc = pm->apms = 0;
	memset(pm->misc, 0, sizeof(pm->misc));
	pm->tmr_ovf_ns = next_overflow(clock_now(&pm->m->clock));
	pci_dev_reset(&pm->pci); /* unmaps the PM block via config_written */
	pm_update(pm);
}

static void piix_pm_destroy(void *opaque)
{
	struct piix_pm *pm = opaque;
	event_cancel(&pm->tmr_ev);
	free(pm);
}

struct piix_pm *piix_pm_create(struct machine *m, struct pci_bus *bus)
{
	struct piix_pm *pm = xcalloc(1, sizeof(*pm));
	uint8_t *c = pm->pci.config;

	pm->m = m;
	pm->bus = bus;
	pci_dev_init(&pm->pci, "piix4-pm", 0x8086, 0x7113, 0x03, 0x068000);
	pm->pci.opaque = pm;
	pm->pci.config_written = piix_pm_config_written;
	c[PCI_STATUS] = PCI_STATUS_FAST_BACK;
	c[PCI_STATUS + 1] = PCI_STATUS_DEVSEL_MEDIUM >> 8;
	c[PCI_INTERRUPT_PIN] = 1;
	/* Base registers: bit 0 reads 1 (I/O space), the base is 64/16-byte
	 * aligned. */
	c[PIIX_PM_BASE] = 0x01;
	pm->pci.wmask[PIIX_PM_BASE] = 0xc0;
	pm->pci.wmask[PIIX_PM_BASE + 2] = 0;
	pm->pci.wmask[PIIX_PM_BASE + 3] = 0;
	c[PIIX_PM_SMBBA] = 0x01;
	pm->pci.wmask[PIIX_PM_SMBBA] = 0xf0;
	pm->pci.wmask[PIIX_PM_SMBBA + 2] = 0;
	pm->pci.wmask[PIIX_PM_SMBBA + 3] = 0;
	c[PIIX_PM_SMBHSTCFG] = 0x09; /* as QEMU; no SMBus host ports yet */
	if (!pm->smm)
		c[PIIX_PM_DEVACTB + 3] = DEVACTB_APMC_EN_BYTE3;
	event_init(&pm->tmr_ev, &m->clock, pm_timer_event, pm, "pm-timer");
	if (bus_map_ports(m->bus, APM_CNT_PORT, 2, &apm_ops, pm, "apm")) {
		free(pm);
		return NULL;
	}
	if (pci_add_dev(bus, &pm->pci, 1, 3)) {
		bus_unmap_ports(m->bus, APM_CNT_PORT);
		free(pm);
		return NULL;
	}
	pm->tmr_ovf_ns = next_overflow(clock_now(&m->clock));
	state_add_hooked(&m->state, "piix4-pm", piix_pm_fields, pm, NULL,
			 piix_pm_post_load, pm);
	machine_add_device(m, "piix4-pm", pm, piix_pm_reset, piix_pm_destroy);
	return pm;
}
