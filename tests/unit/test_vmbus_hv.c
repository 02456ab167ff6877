/* Hyper-V enlightenments seen from a guest: CPUID, synthetic MSRs,
 * hypercalls (both conventions, CPL and mode checks) and SynIC message
 * and event delivery through the LAPIC. Expected values: the Hyper-V
 * TLFS and ../shared/reference/hyperv-vmbus-host.md. */
#include "tests/unit/vmbus_guest.h"

Test(vmbus_hv, cpuid_says_microsoft_hv)
{
	struct vguest *g = vg_new(0);
	uint32_t r[4];

	vg_cpuid(g, 1, r);
	cr_assert(r[2] >> 31, "hypervisor bit");
	vg_cpuid(g, 0x40000000, r);
	cr_assert_eq(r[0], 0x40000005);
	cr_assert_eq(r[1], 0x7263694d);
	cr_assert_eq(r[2], 0x666f736f);
	cr_assert_eq(r[3], 0x76482074);
	vg_cpuid(g, 0x40000001, r);
	cr_assert_eq(r[0], 0x31237648, "Hv#1");
	vg_cpuid(g, 0x40000003, r);
	cr_assert_eq(r[0] & 0x66, 0x66, "time ref, SynIC, hypercall, VP index");
	cr_assert_eq(r[1] & 0x30, 0x30, "PostMessages, SignalEvents");
	cr_assert_eq(r[1] & ((1u << 1) | (1u << 12)), 0, "no partition id, not root");
	vg_cpuid(g, 0x40000004, r);
	cr_assert(r[0] & (1u << 9), "no auto-EOI");
	vg_free(g);
}

Test(vmbus_hv, synthetic_msrs)
{
	struct vguest *g = vg_new(0);
	bool ok;
	uint8_t page[8];

	cr_assert_eq(vg_rdmsr(g, HV_MSR_VP_INDEX, &ok), 0);
	cr_assert(ok);
	cr_assert_not(vg_wrmsr(g, HV_MSR_VP_INDEX, 1), "read-only: #GP");
	cr_assert_eq(vg_rdmsr(g, HV_MSR_SVERSION, NULL), 1);
	cr_assert_eq(vg_rdmsr(g, HV_MSR_SINT0 + 2, NULL), HV_SINT_MASKED);
	cr_assert_eq(vg_rdmsr(g, HV_MSR_EOM, NULL), 0);
	vg_rdmsr(g, 0x400000ff, &ok);
	cr_assert_not(ok, "unknown synthetic MSR: #GP");

	/* The hypercall page needs a guest OS id first. */
	cr_assert(vg_wrmsr(g, HV_MSR_HYPERCALL, G_HCALL | 1));
	cr_assert_eq(vg_rdmsr(g, HV_MSR_HYPERCALL, NULL) & 1, 0);
	cr_assert(vg_wrmsr(g, HV_MSR_GUEST_OS_ID, 0x8100ull << 48));
	cr_assert(vg_wrmsr(g, HV_MSR_HYPERCALL, G_HCALL | 1));
	cr_assert_eq(vg_rdmsr(g, HV_MSR_HYPERCALL, NULL), G_HCALL | 1);
	vg_read(g, G_HCALL, page, sizeof(page));
	cr_assert_eq(memcmp(page, "\x0f\x01\xc1\xc3\xcc\xcc\xcc\xcc", 8), 0,
		     "VMCALL; RET; INT3...");
	cr_assert_not(vg_wrmsr(g, HV_MSR_HYPERCALL, G_HCALL | 0x10), "reserved bits");

	/* Time reference: 100 ns units of virtual time (100 MHz clock). */
	g->m->clock.cycles += 100000; /* 1 ms */
	cr_assert_eq(vg_rdmsr(g, HV_MSR_TIME_REF_COUNT, NULL), 10000);

	/* Reference TSC page: sequence, scale = 10^7/Hz in 64.64. */
	cr_assert(vg_wrmsr(g, HV_MSR_REFERENCE_TSC, 0x7000 | 1));
	cr_assert_eq(vg_rd32(g, 0x7000), 1);
	uint8_t sc[8];
	vg_read(g, 0x7008, sc, 8);
	uint64_t scale = get_le64(sc);
	uint64_t t = (uint64_t)(((unsigned __int128)100000 * scale) >> 64);
	cr_assert(t >= 9999 && t <= 10000, "1 ms of TSC reads %llu",
		  (unsigned long long)t);

	cr_assert(vg_wrmsr(g, HV_MSR_VP_ASSIST_PAGE, 0x8000 | 1));
	cr_assert_eq(vg_rdmsr(g, HV_MSR_CRASH_CTL, NULL), HV_CRASH_NOTIFY);
	cr_assert(vg_wrmsr(g, HV_MSR_CRASH_P0, 0xdead));
	cr_assert_eq(vg_rdmsr(g, HV_MSR_CRASH_P0, NULL), 0xdead);
	cr_assert_not(vg_wrmsr(g, HV_MSR_SINT0, 5), "vector < 16 unmasked");

	/* Machine reset forgets it all. */
	testbed_reset(g->m);
	cr_assert_eq(vg_rdmsr(g, HV_MSR_HYPERCALL, NULL), 0);
	cr_assert_eq(vg_rdmsr(g, HV_MSR_SINT0, NULL), HV_SINT_MASKED);
	vg_free(g);
}

Test(vmbus_hv, hypercall_modes_and_status)
{
	struct vguest *g = vg_new(0);

	cr_assert_eq(vg_hypercall(g, HVCALL_SIGNAL_EVENT, 0, 0), G_UD,
		     "no hypercall page yet: #UD");
	vg_setup_synic(g);
	cr_assert_eq(vg_hypercall_cpl(g, 0x1005d, 17, 0, 3, true), G_UD, "CPL 3");
	cr_assert_eq(vg_hypercall_cpl(g, 0x1005d, 17, 0, 0, false), G_UD,
		     "real mode");
	cr_assert_eq(vg_hypercall(g, 0x99, 0, 0), HV_STATUS_INVALID_HYPERCALL_CODE);
	cr_assert_eq(vg_hypercall(g, HVCALL_POST_MESSAGE, G_INPUT + 4, 0),
		     HV_STATUS_INVALID_ALIGNMENT);
	cr_assert_eq(vg_hypercall(g, HVCALL_POST_MESSAGE, 0xfffff000ull, 0),
		     HV_STATUS_INVALID_PARAMETER, "input outside RAM");
	cr_assert_eq(vg_hypercall(g, HVCALL_POST_MESSAGE, 1ull << 40, 0),
		     HV_STATUS_INVALID_PARAMETER, "input above 4 GiB");
	cr_assert_eq(vg_hypercall(g, HVCALL_POST_MESSAGE | 1ull << 32, G_INPUT, 0),
		     HV_STATUS_INVALID_HYPERCALL_INPUT, "rep count");
	uint8_t m[8] = { 3 };
	cr_assert_eq(vg_post_conn(g, 7, m, 8), HV_STATUS_INVALID_CONNECTION_ID);
	uint8_t in[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 241 };
	vg_write(g, G_INPUT, in, sizeof(in));
	cr_assert_eq(vg_hypercall(g, HVCALL_POST_MESSAGE, G_INPUT, 0),
		     HV_STATUS_INVALID_PARAMETER, "payload > 240");
	cr_assert_eq(vg_hypercall(g, 0x1005d, 99, 0),
		     HV_STATUS_INVALID_CONNECTION_ID, "no such channel");

	/* 64-bit convention: RCX control, RDX input, result in RAX. */
	struct cpu_state s;
	memset(&s, 0, sizeof(s));
	s.cr0 = CR0_PE;
	s.efer = 1u << 10;
	s.seg[SEG_CS].attr = 0x9b | 1u << 9;
	s.seg[SEG_SS].attr = 0x93;
	s.gpr[REG_CX] = 0x1005d;
	s.gpr[REG_DX] = 99;
	cr_assert(hv_hypercall(g->m->hv, &s));
	cr_assert_eq(s.gpr[REG_AX], HV_STATUS_INVALID_CONNECTION_ID);
	vg_free(g);
}

Test(vmbus_hv, synic_queue_pending_and_eom)
{
	struct vguest *g = vg_new(0);
	uint8_t p[240], r[240];

	/* Nothing is delivered while the SynIC is off: it waits queued. */
	memset(p, 0xab, sizeof(p));
	cr_assert_eq(synic_post(g->m->hv, 2, 1, p, 24), 0);
	cr_assert_eq(vg_recv(g, r), -1);
	vg_setup_synic(g);
	cr_assert_eq(vg_recv(g, r), 24, "delivered once enabled");
	cr_assert(vg_irr(g, G_VECTOR), "SINT2 vector raised in the LAPIC");
	vg_clear_irq(g);

	/* Two more: the second finds the slot busy and sets pending. */
	p[0] = 1;
	synic_post(g->m->hv, 2, 1, p, 8);
	p[0] = 2;
	synic_post(g->m->hv, 2, 1, p, 9);
	uint8_t flags;
	vg_read(g, G_SIMP + 0x200 + 5, &flags, 1);
	cr_assert_eq(flags & 1, 1, "message pending");
	cr_assert_eq(vg_recv(g, r), 8); /* clears the slot, writes EOM */
	cr_assert_eq(r[0], 1);
	cr_assert_eq(vg_recv(g, r), 9, "EOM delivered the next one");
	cr_assert_eq(r[0], 2);
	cr_assert_eq(vg_recv(g, r), -1);

	/* Masked SINT: the message waits; unmasking delivers it. */
	vg_wrmsr(g, HV_MSR_SINT0 + 2, G_VECTOR | HV_SINT_MASKED);
	synic_post(g->m->hv, 2, 1, p, 10);
	cr_assert_eq(vg_recv(g, r), -1);
	vg_clear_irq(g);
	vg_wrmsr(g, HV_MSR_SINT0 + 2, G_VECTOR);
	cr_assert(vg_irr(g, G_VECTOR));
	cr_assert_eq(vg_recv(g, r), 10);

	/* Event flags: bit 5 of SINT2's area, one interrupt per 0 -> 1. */
	vg_clear_irq(g);
	cr_assert(synic_signal_event(g->m->hv, 2, 5));
	cr_assert_eq(vg_rd32(g, G_SIEFP + 0x200), 1u << 5);
	cr_assert(vg_irr(g, G_VECTOR));
	vg_clear_irq(g);
	cr_assert(synic_signal_event(g->m->hv, 2, 5));
	cr_assert_not(vg_irr(g, G_VECTOR), "already set: no new interrupt");
	cr_assert_not(synic_signal_event(g->m->hv, 2, 4096), "flag out of range");

	/* A full queue answers INSUFFICIENT_BUFFERS. */
	for (unsigned i = 0; i < HV_MSG_QUEUE; i++)
		synic_post(g->m->hv, 3, 1, p, 4);
	cr_assert_eq(synic_post(g->m->hv, 3, 1, p, 4),
		     HV_STATUS_INSUFFICIENT_BUFFERS);
	vg_free(g);
}

Test(vmbus_hv, synic_pages_outside_ram_are_ignored)
{
	struct vguest *g = vg_new(0);
	uint8_t p[16] = { 0 }, r[240];

	vg_setup_synic(g);
	cr_assert(vg_wrmsr(g, HV_MSR_SIMP, 0xfee00000ull | 1), "accepted");
	cr_assert(vg_wrmsr(g, HV_MSR_SIEFP, 0xfffff000ull | 1));
	cr_assert_eq(synic_post(g->m->hv, 2, 1, p, 16), 0, "queued");
	cr_assert_not(synic_signal_event(g->m->hv, 2, 1));
	cr_assert(vg_wrmsr(g, HV_MSR_SIMP, G_SIMP | 1));
	cr_assert_eq(vg_recv(g, r), 16, "delivered once the page is RAM");
	vg_free(g);
}
