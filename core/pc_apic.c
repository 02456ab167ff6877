/* core/pc_apic.c: the APIC half of the PC board, for CPU models that have
 * a local APIC: the LAPIC and the I/O APIC wired to each other, the CPU's
 * MSR hook for APIC_BASE, and the ACPI tables that describe them (fw_cfg
 * for SeaBIOS, RAM for a direct kernel boot).
 *
 * Interrupts then flow: device -> core/irq line -> 8259 (lines 0-15) and
 * IOAPIC pin (ISA IRQ0 on pin 2) -> IOAPIC message -> LAPIC IRR -> CPU
 * INTR/INTA; the 8259's INTR reaches the LAPIC's LINT0 (ExtINT, or straight
 * through while the APIC is off, as after reset); EOI of a level vector
 * goes back to the IOAPIC.
 */
#include "core/machine.h"
#include "cpu/cpu.h"
#include "devices/acpi_tables.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "mmu/mem.h"
#include "vmbus/hv.h"

/* The APIC window: IOAPIC at 0xFEC00000 up to the LAPIC page. */
#define APIC_WINDOW_BASE 0xfec00000u
#define APIC_WINDOW_SIZE 0x00400000u

bool pc_has_apic(const struct cpu_model *model)
{
	/* Every P6 has an on-chip APIC; the Pentium's (P54C) needs an
	 * APIC-capable board and Lucid's Pentium does not offer one. */
	return model->id >= CPU_PENTIUM2;
}

static void pc_ioapic_deliver(void *opaque, uint8_t dest, bool logical,
			      unsigned mode, uint8_t vector, bool level)
{
	struct machine *m = opaque;

	/* One CPU: fixed and lowest-priority alike go to it if addressed. */
	if (!lapic_match_dest(m->lapic, dest, logical)) {
		log_debug(&m->log, IRQ, "IOAPIC message to %#x: no such APIC",
			  dest);
		return;
	}
	lapic_deliver(m->lapic, mode, vector, level);
}

static void pc_lapic_eoi(void *opaque, uint8_t vector)
{
	struct machine *m = opaque;
	ioapic_eoi(m->ioapic, vector);
}

static bool pc_rdmsr(void *opaque, uint32_t index, uint64_t *value)
{
	struct machine *m = opaque;

	if (index != MSR_APIC_BASE || !m->lapic)
		return m->hv && hv_rdmsr(m->hv, index, value);
	*value = lapic_get_base(m->lapic);
	return true;
}

static bool pc_wrmsr(void *opaque, uint32_t index, uint64_t value)
{
	struct machine *m = opaque;

	/* The Hyper-V synthetic MSRs (--enlighten hyperv). */
	if (index != MSR_APIC_BASE)
		return m->hv && hv_wrmsr(m->hv, index, value);
	/* Reserved bits (0-7, 9-10, 36-63) are #GP on the P6. */
	if (!m->lapic || (value & ~0xffffff900ull))
		return false;
	lapic_set_base(m->lapic, value);
	return true;
}

int pc_build_apic(struct machine *m, char *err, size_t errlen)
{
	if (!pc_has_apic(m->cfg.cpu))
		return 0;
	if (mem_add_mmio(m->mem, APIC_WINDOW_BASE, APIC_WINDOW_SIZE, "apic")) {
		snprintf(err, errlen, "cannot route the APIC window");
		return -1;
	}
	m->ioapic = ioapic_create(m);
	m->lapic = lapic_create(m);
	if (!m->ioapic || !m->lapic) {
		snprintf(err, errlen, "cannot build the APICs (MMIO clash)");
		return -1;
	}
	m->ioapic->deliver = pc_ioapic_deliver;
	m->ioapic->deliver_opaque = m;
	m->lapic->eoi_hook = pc_lapic_eoi;
	m->lapic->eoi_opaque = m;
	m->cpu_hooks.opaque = m;
	m->cpu_hooks.rdmsr = pc_rdmsr;
	m->cpu_hooks.wrmsr = pc_wrmsr;

	if (m->cfg.no_acpi)
		return 0;
	if (m->cfg.kernel) {
		if (acpi_install_direct(m, NULL))
			log_warn(&m->log, ACPI,
				 "RAM too small for ACPI tables: none given");
	} else if (m->fw_cfg) {
		acpi_install_fw_cfg(m, m->fw_cfg);
	}
	return 0;
}
