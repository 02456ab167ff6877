/* vmbus/hv.c: Hyper-V CPUID leaves, synthetic MSRs and hypercalls.
 *
 * Numbers from the Hyper-V TLFS as Linux's hyperv-tlfs.h spells them; what
 * we advertise is exactly what we implement (a guest that sees a feature
 * bit uses it without asking again).
 */
#include "vmbus/hv.h"

#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/state.h"
#include "core/util.h"
#include "cpu/state.h"
#include "vmbus/gpa.h"

/* CPUID 0x40000003 EAX: time-ref-count, SynIC, hypercall, VP index,
 * reference TSC page. EBX: PostMessages, SignalEvents. EDX: crash MSRs. */
#define HV_FEAT_EAX ((1u << 1) | (1u << 2) | (1u << 5) | (1u << 6) | (1u << 9))
#define HV_FEAT_EBX ((1u << 4) | (1u << 5))
#define HV_FEAT_EDX (1u << 10)
/* CPUID 0x40000004 EAX bit 9: don't use auto-EOI, so the guest EOIs the
 * LAPIC itself (our LAPIC has no auto-EOI vectors). */
#define HV_HINT_NO_AEOI (1u << 9)

#define HYPERCALL_ENABLE 1ull
#define HYPERCALL_LOCKED 2ull
#define PAGE_MASK_HI (~0xfffull)

static const struct state_field hv_fields[] = {
	STATE_FIELD(struct hv, guest_os_id),
	STATE_FIELD(struct hv, hypercall),
	STATE_FIELD(struct hv, ref_tsc),
	STATE_FIELD(struct hv, vp_assist),
	STATE_FIELD(struct hv, tsc_ctrl),
	STATE_FIELD(struct hv, scontrol),
	STATE_FIELD(struct hv, siefp),
	STATE_FIELD(struct hv, simp),
	STATE_FIELD(struct hv, sint),
	STATE_FIELD(struct hv, crash_p),
	STATE_FIELD(struct hv, crash_ctl),
	STATE_FIELD(struct hv, nqueued),
	STATE_FIELD(struct hv, queue),
	STATE_END,
};

struct hv *hv_create(struct mem *mem, struct clock *clock, struct log *log,
		     struct state *state)
{
	struct hv *hv = xcalloc(1, sizeof(*hv));

	hv->mem = mem;
	hv->clock = clock;
	hv->log = log;
	hv_reset(hv);
	if (state)
		state_add(state, "hv", hv_fields, hv);
	return hv;
}

void hv_reset(void *opaque)
{
	struct hv *hv = opaque;

	hv->guest_os_id = hv->hypercall = hv->ref_tsc = hv->vp_assist = 0;
	hv->tsc_ctrl = hv->scontrol = hv->siefp = hv->simp = 0;
	for (unsigned i = 0; i < HV_NSINT; i++)
		hv->sint[i] = HV_SINT_MASKED;
	memset(hv->crash_p, 0, sizeof(hv->crash_p));
	hv->crash_ctl = 0;
	hv->nqueued = 0;
	memset(hv->queue, 0, sizeof(hv->queue));
}

void hv_destroy(void *opaque)
{
	free(opaque);
}

/* --- CPUID ------------------------------------------------------------- */

bool hv_cpuid(struct hv *hv, uint32_t leaf, uint32_t out[4])
{
	switch (leaf) {
	case 1:
		out[2] |= 1u << 31; /* a hypervisor is present */
		return true;
	case 0x40000000:
		out[0] = 0x40000005;
		out[1] = 0x7263694d; /* "Microsoft Hv" */
		out[2] = 0x666f736f;
		out[3] = 0x76482074;
		return true;
	case 0x40000001:
		out[0] = 0x31237648; /* "Hv#1" */
		out[1] = out[2] = out[3] = 0;
		return true;
	case 0x40000002:
		out[0] = 17763;       /* build */
		out[1] = 10u << 16;   /* 10.0 */
		out[2] = out[3] = 0;
		return true;
	case 0x40000003:
		out[0] = HV_FEAT_EAX;
		out[1] = HV_FEAT_EBX;
		out[2] = 0;
		out[3] = HV_FEAT_EDX;
		return true;
	case 0x40000004:
		out[0] = HV_HINT_NO_AEOI;
		out[1] = 0xffffffffu; /* never notify long spinlock waits */
		out[2] = out[3] = 0;
		return true;
	case 0x40000005:
		out[0] = 64; /* max virtual processors */
		out[1] = 64; /* max logical processors */
		out[2] = out[3] = 0;
		return true;
	}
	if (leaf >= 0x40000006 && leaf <= 0x4000ffff) {
		out[0] = out[1] = out[2] = out[3] = 0;
		return true;
	}
	return false;
}

/* --- MSRs ---------------------------------------------------------------- */

/* Time reference counter: 100 ns units of virtual time since power-on. */
static uint64_t hv_time_ref(const struct hv *hv)
{
	return clock_now(hv->clock) / 100;
}

/* The hypercall page: VMCALL; RET, the rest INT3 (Intel encoding: the
 * CPU says GenuineIntel). */
static void hv_fill_hypercall_page(struct hv *hv, uint64_t pfn)
{
	uint8_t page[GPA_PAGE];

	memset(page, 0xcc, sizeof(page));
	memcpy(page, "\x0f\x01\xc1\xc3", 4);
	if (gpa_write(hv->mem, pfn << 12, page, sizeof(page)))
		log_warn(hv->log, VMBUS, "hypercall page %#llx is not RAM",
			 (unsigned long long)(pfn << 12));
}

/* Reference TSC page: time = ((tsc * scale) >> 64) + offset in 100 ns
 * units. The interpreter's TSC counts virtual cycles from power-on, so
 * offset 0 and scale 10^7 / TSC Hz keep it equal to TIME_REF_COUNT.
 * (Under KVM the TSC follows the host: that backend must recompute.) */
static void hv_fill_tsc_page(struct hv *hv, uint64_t pfn)
{
	uint8_t page[24] = { 0 };
	uint64_t hz = hv->clock->khz * 1000;
	uint64_t scale = hz ? (uint64_t)(((unsigned __int128)10000000 << 64) / hz)
			    : 0;

	put_le32(page, hz ? 1 : 0); /* sequence 0 = use the MSR */
	put_le64(page + 8, scale);
	put_le64(page + 16, 0);
	if (gpa_write(hv->mem, pfn << 12, page, sizeof(page)))
		log_warn(hv->log, VMBUS, "reference TSC page %#llx is not RAM",
			 (unsigned long long)(pfn << 12));
}

bool hv_rdmsr(struct hv *hv, uint32_t index, uint64_t *value)
{
	switch (index) {
	case HV_MSR_GUEST_OS_ID: *value = hv->guest_os_id; return true;
	case HV_MSR_HYPERCALL: *value = hv->hypercall; return true;
	case HV_MSR_VP_INDEX: *value = 0; return true;
	case HV_MSR_TIME_REF_COUNT: *value = hv_time_ref(hv); return true;
	case HV_MSR_REFERENCE_TSC: *value = hv->ref_tsc; return true;
	case HV_MSR_VP_ASSIST_PAGE: *value = hv->vp_assist; return true;
	case HV_MSR_TSC_INVARIANT_CONTROL: *value = hv->tsc_ctrl; return true;
	case HV_MSR_SCONTROL: *value = hv->scontrol; return true;
	case HV_MSR_SVERSION: *value = 1; return true;
	case HV_MSR_SIEFP: *value = hv->siefp; return true;
	case HV_MSR_SIMP: *value = hv->simp; return true;
	case HV_MSR_EOM: *value = 0; return true;
	case HV_MSR_CRASH_CTL: *value = HV_CRASH_NOTIFY; return true;
	}
	if (index >= HV_MSR_SINT0 && index <= HV_MSR_SINT15) {
		*value = hv->sint[index - HV_MSR_SINT0];
		return true;
	}
	if (index >= HV_MSR_CRASH_P0 && index <= HV_MSR_CRASH_P4) {
		*value = hv->crash_p[index - HV_MSR_CRASH_P0];
		return true;
	}
	return false;
}

static void hv_crash_report(struct hv *hv)
{
	log_warn(hv->log, VMBUS,
		 "guest crash report: %#llx %#llx %#llx %#llx %#llx",
		 (unsigned long long)hv->crash_p[0],
		 (unsigned long long)hv->crash_p[1],
		 (unsigned long long)hv->crash_p[2],
		 (unsigned long long)hv->crash_p[3],
		 (unsigned long long)hv->crash_p[4]);
}

/* Writes Hyper-V refuses (#GP): read-only MSRs, reserved bits. */
bool hv_wrmsr(struct hv *hv, uint32_t index, uint64_t v)
{
	switch (index) {
	case HV_MSR_GUEST_OS_ID:
		hv->guest_os_id = v;
		/* A zero guest id disables the hypercall page. */
		if (!v)
			hv->hypercall &= ~HYPERCALL_ENABLE;
		return true;
	case HV_MSR_HYPERCALL:
		if (v & 0xffcull)
			return false;
		if (hv->hypercall & HYPERCALL_LOCKED)
			return true;
		if (!hv->guest_os_id)
			v &= ~HYPERCALL_ENABLE;
		hv->hypercall = v;
		if (v & HYPERCALL_ENABLE)
			hv_fill_hypercall_page(hv, v >> 12);
		return true;
	case HV_MSR_REFERENCE_TSC:
		if (v & 0xffeull)
			return false;
		hv->ref_tsc = v;
		if (v & 1)
			hv_fill_tsc_page(hv, v >> 12);
		return true;
	case HV_MSR_VP_ASSIST_PAGE:
		if (v & 0xffeull)
			return false;
		hv->vp_assist = v;
		return true;
	case HV_MSR_TSC_INVARIANT_CONTROL:
		hv->tsc_ctrl = v & 1;
		return true;
	case HV_MSR_SCONTROL:
		hv->scontrol = v & 1;
		synic_flush(hv);
		return true;
	case HV_MSR_SIEFP:
	case HV_MSR_SIMP:
		if (v & 0xffeull)
			return false;
		*(index == HV_MSR_SIMP ? &hv->simp : &hv->siefp) = v;
		synic_flush(hv);
		return true;
	case HV_MSR_EOM:
		synic_flush(hv);
		return true;
	case HV_MSR_CRASH_CTL:
		hv->crash_ctl = v & HV_CRASH_NOTIFY;
		if (v & HV_CRASH_NOTIFY)
			hv_crash_report(hv);
		return true;
	}
	if (index >= HV_MSR_SINT0 && index <= HV_MSR_SINT15) {
		uint64_t ok = 0xff | HV_SINT_MASKED | HV_SINT_AUTO_EOI |
			      HV_SINT_POLLING;
		if (v & ~ok)
			return false;
		/* Vectors 0-15 are exceptions: unmasked they are refused. */
		if (!(v & HV_SINT_MASKED) && (v & 0xff) < 16)
			return false;
		hv->sint[index - HV_MSR_SINT0] = v;
		synic_flush(hv);
		return true;
	}
	if (index >= HV_MSR_CRASH_P0 && index <= HV_MSR_CRASH_P4) {
		hv->crash_p[index - HV_MSR_CRASH_P0] = v;
		return true;
	}
	return false;
}

/* --- hypercalls -------------------------------------------------------- */

static uint16_t hv_post_message(struct hv *hv, bool fast, uint64_t in)
{
	uint8_t msg[HV_MSG_SIZE];

	if (fast)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (in & 7)
		return HV_STATUS_INVALID_ALIGNMENT;
	if (gpa_read(hv->mem, in, msg, 16 + HV_MSG_PAYLOAD))
		return HV_STATUS_INVALID_PARAMETER;
	uint32_t conn = get_le32(msg) & 0xffffff;
	uint32_t type = get_le32(msg + 8), size = get_le32(msg + 12);
	if (size > HV_MSG_PAYLOAD || !type || (type & 0x80000000u))
		return HV_STATUS_INVALID_PARAMETER;
	if (!hv->post_message)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hv->post_message(hv->msg_opaque, conn, type, msg + 16, size);
}

static uint16_t hv_signal_event(struct hv *hv, bool fast, uint64_t in)
{
	uint8_t p[8];

	if (fast) {
		put_le64(p, in);
	} else {
		if (in & 7)
			return HV_STATUS_INVALID_ALIGNMENT;
		if (gpa_read(hv->mem, in, p, sizeof(p)))
			return HV_STATUS_INVALID_PARAMETER;
	}
	if (!hv->signal_event)
		return HV_STATUS_INVALID_CONNECTION_ID;
	return hv->signal_event(hv->msg_opaque, get_le32(p) & 0xffffff,
				get_le16(p + 4));
}

uint64_t hv_hypercall_do(struct hv *hv, uint64_t control, uint64_t input,
			 uint64_t output)
{
	unsigned code = control & 0xffff;
	bool fast = control & (1u << 16);
	unsigned reps = (control >> 32) & 0xfff;
	uint16_t st;

	/* Neither call is a rep call or takes a variable header. */
	if (code == HVCALL_POST_MESSAGE || code == HVCALL_SIGNAL_EVENT) {
		if (reps || ((control >> 17) & 0x3ff) ||
		    (control & ~0x0fff0fff0001ffffull))
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
	}
	switch (code) {
	case HVCALL_POST_MESSAGE:
		st = hv_post_message(hv, fast, input);
		break;
	case HVCALL_SIGNAL_EVENT:
		st = hv_signal_event(hv, fast, input);
		break;
	default:
		log_debug(hv->log, VMBUS, "hypercall %#x: not supported", code);
		st = HV_STATUS_INVALID_HYPERCALL_CODE;
	}
	return st;
}

bool hv_hypercall(struct hv *hv, struct cpu_state *s)
{
	uint64_t *r = s->gpr;
	unsigned cpl = (s->seg[SEG_SS].attr >> 5) & 3;

	/* Real mode, V86 and CPL > 0 get #UD, as does VMCALL without an
	 * enabled hypercall page (TLFS 3.13). */
	if (!(s->cr0 & CR0_PE) || (s->rflags & FLAG_VM) || cpl ||
	    !(hv->hypercall & HYPERCALL_ENABLE))
		return false;
	bool lm = (s->efer & (1u << 10)) && (s->seg[SEG_CS].attr & (1u << 9));
	if (lm) {
		r[REG_AX] = hv_hypercall_do(hv, r[REG_CX], r[REG_DX], r[REG_R8]);
		return true;
	}
	uint64_t ctl = (r[REG_DX] & 0xffffffff) << 32 | (uint32_t)r[REG_AX];
	uint64_t in = (r[REG_BX] & 0xffffffff) << 32 | (uint32_t)r[REG_CX];
	uint64_t out = (r[REG_DI] & 0xffffffff) << 32 | (uint32_t)r[REG_SI];
	uint64_t res = hv_hypercall_do(hv, ctl, in, out);
	r[REG_AX] = (uint32_t)res;
	r[REG_DX] = (uint32_t)(res >> 32);
	return true;
}
