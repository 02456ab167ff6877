/* devices/piix_pm.h: PIIX4 ACPI / power management function (00:01.3,
 * 8086:7113), as QEMU's i440FX machine has it next to the PIIX3. */
#ifndef LUCID_DEVICES_PIIX_PM_H
#define LUCID_DEVICES_PIIX_PM_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "devices/pci.h"

struct machine;

#define PIIX_PM_BASE 0x40     /* PMBA: I/O base of the 64-byte PM block */
#define PIIX_PM_REGMISC 0x80  /* bit 0: PM I/O space enable */
#define PIIX_PM_DEVACTB 0x58
#define PIIX_PM_SMBBA 0x90
#define PIIX_PM_SMBHSTCFG 0xd2
#define PIIX_PM_IO_SIZE 64
#define PIIX_PM_SCI_IRQ 9
#define PIIX_PM_TIMER_HZ 3579545u

/* PM I/O block offsets. GPE0 is the PIIX4's GPSTS/GPEN pair at +0x0C, so
 * an FADT describes it as GPE0_BLK = base + 0x0C, length 4. */
#define PM1_STS 0x00
#define PM1_EN 0x02
#define PM1_CNT 0x04
#define PM_TMR 0x08
#define PM_GPE0_STS 0x0c
#define PM_GPE0_EN 0x0e

#define PM1_TMR 0x0001      /* STS/EN: bit 23 of the PM timer toggled */
#define PM1_GBL 0x0020
#define PM1_PWRBTN 0x0100
#define PM1_RTC 0x0400
#define PM1_WAK_STS 0x8000
#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_EN 0x2000

/* The APM control/status ports, through which an OS asks for ACPI mode. */
#define APM_CNT_PORT 0xb2
#define APM_ACPI_ENABLE 0xf1
#define APM_ACPI_DISABLE 0xf0

struct piix_pm {
	struct pci_dev pci;
	struct machine *m;
	struct pci_bus *bus;
	bool smm;             /* does the CPU do SMM? (not yet: see .c) */
	struct event tmr_ev;
	/* Host bookkeeping: where the PM block is mapped (0 = nowhere). */
	uint16_t io_base;
	/* State. */
	uint16_t pm1_sts, pm1_en, pm1_cnt;
	uint16_t gpe_sts, gpe_en;
	uint64_t tmr_ovf_ns;  /* next bit-23 toggle not yet in PM1_STS */
	uint8_t misc[PIIX_PM_IO_SIZE]; /* the rest of the block, as plain
					 registers (GLBCTL, DEVCTL, ...) */
	uint8_t apmc, apms;
};

struct piix_pm *piix_pm_create(struct machine *m, struct pci_bus *bus);
/* The power button (monitor "system_powerdown"). */
void piix_pm_power_button(struct piix_pm *pm);
/* Set general-purpose event status bits (hotplug and the like). */
void piix_pm_raise_gpe(struct piix_pm *pm, uint16_t bits);
/* The free-running 24-bit PM timer at time ns. */
uint32_t piix_pm_timer(uint64_t ns);

#endif
