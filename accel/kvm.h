/* accel/kvm.h: the KVM backend's parts (kvm.c: VM, vCPU, run loop;
 * kvm_mem.c: memory slots from the physical map; kvm_state.c: struct
 * cpu_state <-> KVM's register structs; kvm_cpuid.c: the CPUID table).
 *
 * The conversion and slot-layout functions are pure (no /dev/kvm needed),
 * so unit tests check them on any host.
 */
#ifndef LUCID_ACCEL_KVM_H
#define LUCID_ACCEL_KVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kvm.h>

#include "cpu/state.h"

struct mem;
struct machine;
struct cpu_model;
struct cpu_hooks;

/* --- kvm.c ---------------------------------------------------------------- */

/* Debugging aid (--switch-every-exits): run() stops at the next clean
 * boundary after n more exits (0: no limit). Returns what is left. */
void kvm_set_exit_budget(void *priv, uint64_t n);
uint64_t kvm_exit_budget(void *priv);

/* --- kvm_state.c: the canonical state as KVM's structs ------------------ */

#define KVM_STATE_MAX_MSRS (CPU_NMSR + 1) /* cpu_state.msr[] + the TSC */

/* Everything KVM_SET_* takes for one vCPU. */
struct kvm_cpu_image {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_fpu fpu;
	struct kvm_debugregs dregs;
	struct kvm_vcpu_events events;
	struct kvm_mp_state mp;
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[KVM_STATE_MAX_MSRS];
	} msrs;
};

/* cpu_state -> image (MSR list: the TSC first, then cpu_state.msr[] but
 * APIC_BASE, which travels in sregs). */
void kvm_state_encode(const struct cpu_state *s, struct kvm_cpu_image *img);
/* image -> cpu_state; the inverse of kvm_state_encode for every field both
 * sides have. */
void kvm_state_decode(const struct kvm_cpu_image *img, struct cpu_state *s);

/* The pieces, for tests and the backend. */
void kvm_seg_encode(const struct cpu_segment *c, struct kvm_segment *k);
void kvm_seg_decode(const struct kvm_segment *k, struct cpu_segment *c);
void kvm_fpu_encode(const struct cpu_fpu *c, struct kvm_fpu *k);
void kvm_fpu_decode(const struct kvm_fpu *k, struct cpu_fpu *c);
/* The full 2-bit tag of an 80-bit register image (valid, zero, special). */
unsigned kvm_fpu_tag_of(const uint8_t reg[10]);

/* --- kvm_mem.c: guest memory as slots ----------------------------------- */

struct kvm_slot {
	uint64_t gpa, size;
	uint8_t *host;
	bool readonly; /* ROM, or RAM with writes off (PAM): writes exit */
};

/* The slots that describe mem's current map: runs of pages with a host
 * pointer (holes and MMIO have none and exit to the bus). With A20 off the
 * second megabyte aliases the first, which is all real-mode code can reach.
 * Returns the count, or -1 if more than max would be needed. */
int kvm_mem_layout(const struct mem *mem, struct kvm_slot *out, unsigned max);

/* --- kvm_cpuid.c --------------------------------------------------------- */

#define KVM_CPUID_MAX 64

/* The guest's CPUID: the model's leaves (and board hooks), each register
 * masked by what this host's KVM supports, never RDRAND/RDSEED, x2APIC,
 * TSC-deadline or the hypervisor bit. Returns the entry count. */
unsigned kvm_cpuid_build(const struct cpu_model *model,
			 const struct cpu_hooks *hooks,
			 const struct kvm_cpuid_entry2 *supported,
			 unsigned nsupported, struct kvm_cpuid_entry2 *out,
			 unsigned max);

#endif
