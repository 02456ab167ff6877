/* core/pc_vmbus.c: the Hyper-V half of the board (--enlighten hyperv): the
 * enlightenments (vmbus/hv.c) behind the CPU's CPUID/MSR/hypercall hooks,
 * SINTs delivered as fixed interrupts through the local APIC, the VMBus
 * control plane, and a storvsc controller with the --vmbus-disk images.
 * The ACPI builder adds \_SB.VMBS from the same config.
 *
 * KVM seam: the hooks below serve the interpreter. A KVM backend must
 * either enable the in-kernel Hyper-V MSRs/SynIC or forward
 * KVM_EXIT_HYPERV (HCALL) to hv_hypercall_do and the SynIC MSR exits to
 * hv_wrmsr; neither is done yet, so --enlighten hyperv is interpreter-only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/util.h"
#include "devices/disk.h"
#include "devices/lapic.h"
#include "vmbus/hv.h"
#include "vmbus/storvsp.h"
#include "vmbus/vmbus.h"

struct pc_vmbus_disks {
	struct disk *d[MACHINE_VMBUS_DISKS];
};

static void pc_vmbus_close_disks(void *opaque)
{
	struct pc_vmbus_disks *vd = opaque;

	for (unsigned i = 0; i < MACHINE_VMBUS_DISKS; i++)
		disk_close(vd->d[i]);
	free(vd);
}

static void pc_hv_raise(void *opaque, uint8_t vector, bool auto_eoi)
{
	struct machine *m = opaque;

	/* Auto-EOI is not offered (CPUID hint): the guest EOIs itself. */
	lapic_deliver(m->lapic, APIC_DM_FIXED, vector, false);
}

static bool pc_hv_cpuid(void *opaque, uint32_t leaf, uint32_t sub,
			uint32_t out[4])
{
	struct machine *m = opaque;

	return m->hv && hv_cpuid(m->hv, leaf, out);
}

static bool pc_hv_hypercall(void *opaque, struct cpu_state *s)
{
	struct machine *m = opaque;

	return m->hv && hv_hypercall(m->hv, s);
}

int pc_build_vmbus(struct machine *m, char *err, size_t errlen)
{
	const struct machine_config *c = &m->cfg;
	unsigned n = 0;

	if (!c->enlighten) {
		if (c->vmbus_disk[0]) {
			snprintf(err, errlen,
				 "--vmbus-disk needs --enlighten hyperv");
			return -1;
		}
		return 0;
	}
	if (strcmp(c->enlighten, "hyperv")) {
		snprintf(err, errlen, "--enlighten %s: want hyperv",
			 c->enlighten);
		return -1;
	}
	if (!m->lapic) {
		snprintf(err, errlen,
			 "--enlighten hyperv needs a local APIC (--cpu pentium2)");
		return -1;
	}
	struct pc_vmbus_disks *vd = xcalloc(1, sizeof(*vd));
	machine_add_device(m, "vmbus-disks", vd, NULL, pc_vmbus_close_disks);
	for (; n < MACHINE_VMBUS_DISKS && c->vmbus_disk[n]; n++) {
		char why[256];
		vd->d[n] = disk_open(c->vmbus_disk[n],
				     c->persist ? DISK_PERSIST : 0, why,
				     sizeof(why));
		if (!vd->d[n]) {
			snprintf(err, errlen, "--vmbus-disk %s", why);
			return -1;
		}
	}

	m->hv = hv_create(m->mem, &m->clock, &m->log, &m->state);
	m->hv->raise = pc_hv_raise;
	m->hv->raise_opaque = m;
	machine_add_device(m, "hv", m->hv, hv_reset, hv_destroy);
	m->vmbus = vmbus_create(m->hv, m->mem, &m->log, &m->state);
	machine_add_device(m, "vmbus", m->vmbus, vmbus_reset, vmbus_destroy);
	if (n) {
		m->storvsp = storvsp_create(m->vmbus, vd->d, n, &m->log,
					    &m->state);
		if (!m->storvsp) {
			snprintf(err, errlen, "cannot add the storvsc channel");
			return -1;
		}
		machine_add_device(m, "storvsp", m->storvsp, storvsp_reset,
				   storvsp_destroy);
	}
	/* MSRs reach hv through the APIC board's hooks (core/pc_apic.c). */
	m->cpu_hooks.opaque = m;
	m->cpu_hooks.cpuid = pc_hv_cpuid;
	m->cpu_hooks.hypercall = pc_hv_hypercall;
	return 0;
}
