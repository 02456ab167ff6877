/* vmbus/hv.h: the Hyper-V enlightenments a Linux guest looks for: CPUID
 * leaves 0x40000000-5, the synthetic MSRs, the hypercall page and
 * hypercalls (HvPostMessage, HvSignalEvent), and the SynIC (message and
 * event-flag pages, SINTs delivered through the local APIC).
 *
 * One partition with one virtual processor (VP index 0). Everything the
 * guest can observe is in struct hv's state table; the wiring (memory,
 * clock, the LAPIC callback, the VMBus message handlers) is set by core.
 * Under the interpreter VMCALL reaches hv_hypercall through the CPU's
 * hypercall hook; a KVM backend would call hv_hypercall_do from its
 * KVM_EXIT_HYPERV (HCALL) exit with the registers it reads itself.
 */
#ifndef LUCID_VMBUS_HV_H
#define LUCID_VMBUS_HV_H

#include <stdbool.h>
#include <stdint.h>

struct mem;
struct clock;
struct log;
struct state;
struct cpu_state;

/* Synthetic MSRs. */
#define HV_MSR_GUEST_OS_ID 0x40000000u
#define HV_MSR_HYPERCALL 0x40000001u
#define HV_MSR_VP_INDEX 0x40000002u
#define HV_MSR_TIME_REF_COUNT 0x40000020u
#define HV_MSR_REFERENCE_TSC 0x40000021u
#define HV_MSR_VP_ASSIST_PAGE 0x40000073u
#define HV_MSR_SCONTROL 0x40000080u
#define HV_MSR_SVERSION 0x40000081u
#define HV_MSR_SIEFP 0x40000082u
#define HV_MSR_SIMP 0x40000083u
#define HV_MSR_EOM 0x40000084u
#define HV_MSR_SINT0 0x40000090u
#define HV_MSR_SINT15 0x4000009fu
#define HV_MSR_CRASH_P0 0x40000100u
#define HV_MSR_CRASH_P4 0x40000104u
#define HV_MSR_CRASH_CTL 0x40000105u
#define HV_MSR_TSC_INVARIANT_CONTROL 0x40000118u

#define HV_SINT_MASKED (1ull << 16)
#define HV_SINT_AUTO_EOI (1ull << 17)
#define HV_SINT_POLLING (1ull << 18)
#define HV_CRASH_NOTIFY (1ull << 63)

/* Hypercall codes and status values (TLFS). */
#define HVCALL_POST_MESSAGE 0x5c
#define HVCALL_SIGNAL_EVENT 0x5d
#define HV_STATUS_SUCCESS 0
#define HV_STATUS_INVALID_HYPERCALL_CODE 2
#define HV_STATUS_INVALID_HYPERCALL_INPUT 3
#define HV_STATUS_INVALID_ALIGNMENT 4
#define HV_STATUS_INVALID_PARAMETER 5
#define HV_STATUS_ACCESS_DENIED 6
#define HV_STATUS_INVALID_PORT_ID 0x11
#define HV_STATUS_INVALID_CONNECTION_ID 0x12
#define HV_STATUS_INSUFFICIENT_BUFFERS 0x13

#define HV_NSINT 16
#define HV_MSG_SIZE 256
#define HV_MSG_PAYLOAD 240
#define HV_MSG_QUEUE 32 /* host messages waiting for a free slot */

/* A host->guest SynIC message waiting for its slot. */
struct hv_msg {
	uint32_t sint, type, size;
	uint8_t payload[HV_MSG_PAYLOAD];
};

struct hv {
	/* Wiring (set by core, not state). */
	struct mem *mem;
	struct clock *clock;
	struct log *log;
	/* Raise a SINT's vector on the VP (the board's LAPIC). */
	void (*raise)(void *opaque, uint8_t vector, bool auto_eoi);
	void *raise_opaque;
	/* A guest HvPostMessage / HvSignalEvent, answered with an HV_STATUS
	 * (the VMBus control plane). */
	uint16_t (*post_message)(void *opaque, uint32_t conn_id, uint32_t type,
				 const uint8_t *payload, uint32_t size);
	uint16_t (*signal_event)(void *opaque, uint32_t conn_id, uint16_t flag);
	void *msg_opaque;

	/* State. */
	uint64_t guest_os_id, hypercall, ref_tsc, vp_assist, tsc_ctrl;
	uint64_t scontrol, siefp, simp, sint[HV_NSINT];
	uint64_t crash_p[5], crash_ctl;
	uint32_t nqueued;
	struct hv_msg queue[HV_MSG_QUEUE];
};

/* Registers the "hv" state section. mem, clock, log: the machine's. */
struct hv *hv_create(struct mem *mem, struct clock *clock, struct log *log,
		     struct state *state);
void hv_reset(void *opaque);
void hv_destroy(void *opaque);

/* The CPU hooks. hv_cpuid: out holds the model's answer for leaf on
 * entry (leaf 1 gains the hypervisor bit); true if it changed. */
bool hv_cpuid(struct hv *hv, uint32_t leaf, uint32_t out[4]);
bool hv_rdmsr(struct hv *hv, uint32_t index, uint64_t *value);
bool hv_wrmsr(struct hv *hv, uint32_t index, uint64_t value);
/* VMCALL: decode the convention from s (32-bit: EDX:EAX control, EBX:ECX
 * input, EDI:ESI output), run it, put the result in EDX:EAX (RAX in
 * 64-bit mode). False: the CPU raises #UD (CPL > 0, real or V86 mode). */
bool hv_hypercall(struct hv *hv, struct cpu_state *s);
/* The hypercall itself: returns the result value (status | reps << 32). */
uint64_t hv_hypercall_do(struct hv *hv, uint64_t control, uint64_t input,
			 uint64_t output);

/* vmbus/synic.c: host -> guest. Queue a message for sint (delivered now
 * if the slot is free); HV_STATUS_INSUFFICIENT_BUFFERS if the queue is
 * full. */
uint16_t synic_post(struct hv *hv, unsigned sint, uint32_t type,
		    const void *payload, uint32_t size);
/* Free queue entries (a sender that must post n replies checks first). */
unsigned synic_queue_room(const struct hv *hv);
/* Set event flag `flag` of sint in the SIEFP page; raise the SINT if the
 * bit was clear. False if the page is not usable. */
bool synic_signal_event(struct hv *hv, unsigned sint, unsigned flag);
/* The guest wrote EOM, or a SynIC MSR changed: deliver what now fits. */
void synic_flush(struct hv *hv);

#endif
