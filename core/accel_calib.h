/* core/accel_calib.h: is KVM worth it here? (--accel auto, lucid bench kvm)
 *
 * A scratch machine of the run's CPU model runs a tiny guest
 * (core/accel_calib.asm) for a few ms of wall time on each backend: an
 * arithmetic loop (guest MIPS) and a port-write loop (the round trip of one
 * port access, a VM exit under KVM). KVM is chosen when its MIPS is at
 * least ACCEL_AUTO_MIPS_RATIO times the interpreter's and one exit costs at
 * most ACCEL_AUTO_MAX_EXIT_US: hardware virtualisation passes easily, a
 * nested or emulating KVM (kvm_pvm: ~1-2 MIPS, ~12 us per exit) does not.
 */
#ifndef LUCID_CORE_ACCEL_CALIB_H
#define LUCID_CORE_ACCEL_CALIB_H

#include <stdbool.h>
#include <stddef.h>

struct cpu_model;

#define ACCEL_AUTO_MIPS_RATIO 2.0
#define ACCEL_AUTO_MAX_EXIT_US 20.0
#define ACCEL_CALIB_BUDGET_MS 4 /* wall time per loop and backend */

struct accel_calib {
	double interp_mips, kvm_mips;
	double interp_port_us, kvm_exit_us; /* one port write, round trip */
};

/* Measures; 0, or -1 with one line in err (KVM unusable, say). */
int accel_calibrate(const struct cpu_model *model, unsigned mhz,
		    struct accel_calib *c, char *err, size_t errlen);
bool accel_calib_prefers_kvm(const struct accel_calib *c);
/* "kvm (x MIPS, y us/exit) vs interp (z MIPS): using interp" */
void accel_calib_describe(const struct accel_calib *c, char *buf,
			  size_t len);

#endif
