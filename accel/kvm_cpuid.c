/* accel/kvm_cpuid.c: the CPUID a KVM guest sees.
 *
 * The same identity the interpreter gives (the model's data in cpu/ident,
 * then the board's hooks), masked by KVM_GET_SUPPORTED_CPUID. Never offered
 * whatever the host has: RDRAND/RDSEED (QEMU with the host CPUID fails on
 * them here), x2APIC and TSC-deadline (the LAPIC device is xAPIC with its
 * own timer), and no hypervisor bit: the guest sees the model, as under
 * the interpreter. KVM keeps CPUID.1:EDX.APIC in step with APIC_BASE.
 * Hardware cannot hide CPUID, so a 386/486 model gets leaf 0 only.
 */
#include <string.h>

#include "accel/kvm.h"
#include "cpu/cpu.h"
#include "cpu/ident.h" /* the model's CPUID data (accel adapts cpu/) */

#define ECX_X2APIC (1u << 21)
#define ECX_TSC_DEADLINE (1u << 24)
#define ECX_RDRAND (1u << 30)
#define ECX_HYPERVISOR (1u << 31)
#define EBX7_RDSEED (1u << 18)

static const struct kvm_cpuid_entry2 *
supported_leaf(const struct kvm_cpuid_entry2 *sup, unsigned n, uint32_t leaf)
{
	for (unsigned i = 0; i < n; i++)
		if (sup[i].function == leaf && sup[i].index == 0)
			return &sup[i];
	return NULL;
}

static void model_leaf(const struct cpu_quirks *q, uint32_t leaf,
		       uint32_t out[4])
{
	const struct cpu_ident *id = q->ident;

	memset(out, 0, 4 * sizeof(out[0]));
	switch (leaf) {
	case 0:
		out[0] = id ? id->max_leaf : 0;
		out[1] = 0x756e6547; /* "Genu" */
		out[3] = 0x49656e69; /* "ineI" */
		out[2] = 0x6c65746e; /* "ntel" */
		break;
	case 1:
		out[0] = q->reset_edx;
		out[2] = id->feat_ecx;
		out[3] = id->feat_edx;
		break;
	case 2:
		memcpy(out, id->leaf2, 4 * sizeof(out[0]));
		break;
	}
}

unsigned kvm_cpuid_build(const struct cpu_model *model,
			 const struct cpu_hooks *hooks,
			 const struct kvm_cpuid_entry2 *supported,
			 unsigned nsupported, struct kvm_cpuid_entry2 *out,
			 unsigned max)
{
	const struct cpu_quirks *q = cpu_model_quirks(model);
	uint32_t max_leaf = q->ident ? q->ident->max_leaf : 0;
	unsigned n = 0;

	for (uint32_t leaf = 0; leaf <= max_leaf && n < max; leaf++) {
		uint32_t r[4];
		model_leaf(q, leaf, r);
		if (hooks && hooks->cpuid)
			hooks->cpuid(hooks->opaque, leaf, 0, r);
		const struct kvm_cpuid_entry2 *s =
			supported_leaf(supported, nsupported, leaf);
		/* Identity leaves pass as they are; feature leaves are
		 * masked by what KVM can run. */
		if (leaf == 1) {
			r[2] &= s ? s->ecx : 0;
			r[3] &= s ? s->edx : 0;
			r[2] &= ~(ECX_X2APIC | ECX_TSC_DEADLINE | ECX_RDRAND |
				  ECX_HYPERVISOR);
		} else if (leaf == 7) {
			r[1] &= (s ? s->ebx : 0) & ~EBX7_RDSEED;
			r[2] &= s ? s->ecx : 0;
			r[3] &= s ? s->edx : 0;
		}
		out[n++] = (struct kvm_cpuid_entry2){
			.function = leaf,
			.eax = r[0], .ebx = r[1], .ecx = r[2], .edx = r[3],
		};
	}
	return n;
}
