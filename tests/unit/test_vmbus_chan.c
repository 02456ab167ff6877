/* The VMBus control plane from a guest's side: version negotiation,
 * offers, GPADLs assembled across messages, open/close/teardown, unload,
 * reset on a new INITIATE_CONTACT, and hostile messages. */
#include "tests/unit/vmbus_guest.h"

static const uint8_t scsi_guid[16] = {
	0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d,
	0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f,
};

Test(vmbus_chan, version_negotiation_as_linux_6_1)
{
	struct vguest *g = vg_new(1);
	static const uint32_t tries[] = { 0x50003, 0x50002, 0x50001, 0x50000,
					  0x40001, 0x40000 };
	uint8_t m[40] = { 0 }, r[240];

	vg_setup_synic(g);
	put_le32(m, VMBUS_MSG_REQUESTOFFERS);
	cr_assert_eq(vg_post(g, m, 8), 0);
	cr_assert_eq(vg_recv(g, r), -1, "ignored before contact");
	for (unsigned i = 0; i < 6; i++) {
		memset(m, 0, sizeof(m));
		put_le32(m, VMBUS_MSG_INITIATE_CONTACT);
		put_le32(m + 8, tries[i]);
		uint32_t conn = tries[i] >= 0x50000 ? 4 : 1;
		cr_assert_eq(vg_post_conn(g, conn, m, sizeof(m)), 0);
		cr_assert_eq(vg_recv(g, r), 16);
		cr_assert_eq(get_le32(r), VMBUS_MSG_VERSION_RESPONSE);
		cr_assert_eq(r[8], tries[i] == 0x40000, "version %#x",
			     tries[i]);
	}
	cr_assert_eq(g->m->vmbus->version, 0x40000);
	vg_free(g);
}

Test(vmbus_chan, offers_then_all_delivered)
{
	struct vguest *g = vg_new(1);
	uint8_t m[8] = { 0 }, r[240];

	vg_setup_synic(g);
	vg_connect(g);
	put_le32(m, VMBUS_MSG_REQUESTOFFERS);
	cr_assert_eq(vg_post(g, m, 8), 0);
	cr_assert_eq(vg_recv(g, r), 196);
	cr_assert_eq(get_le32(r), VMBUS_MSG_OFFERCHANNEL);
	cr_assert_eq(memcmp(r + 8, scsi_guid, 16), 0, "storvsc class");
	cr_assert_eq(get_le32(r + 184), 1, "relid");
	cr_assert_eq(r[189], 0, "no monitor page");
	cr_assert_eq(get_le16(r + 190), 1, "dedicated interrupt");
	cr_assert_eq(get_le32(r + 192), 17, "connection id");
	cr_assert_eq(vg_recv(g, r), 8);
	cr_assert_eq(get_le32(r), VMBUS_MSG_ALLOFFERS_DELIVERED);
	vg_free(g);
}

Test(vmbus_chan, gpadl_across_many_messages)
{
	struct vguest *g = vg_new(0);
	uint8_t m[16] = { 0 }, r[240];

	vg_setup_synic(g);
	vg_connect(g);
	/* 26 in the header, then 28 + 28 + 18 in bodies. */
	cr_assert_eq(vg_gpadl(g, 7, 1, 0x40000, 100), 0);
	uint32_t n;
	const uint64_t *pfn = vmbus_gpadl_pfns(g->m->vmbus, 7, &n);
	cr_assert_not_null(pfn);
	cr_assert_eq(n, 100);
	cr_assert_eq(pfn[99], (0x40000 >> 12) + 99);
	cr_assert_eq(vg_gpadl(g, 8, 1, 0x20000, 3), 0);
	/* A duplicate id and a page outside RAM fail. */
	cr_assert_neq(vg_gpadl(g, 8, 1, 0x20000, 3), 0);
	uint64_t bad[2] = { 0x20, 0xfee00 };
	cr_assert_neq(vg_gpadl_pfns(g, 9, 1, bad, 2), 0);
	cr_assert_null(vmbus_gpadl_pfns(g->m->vmbus, 9, &n));

	/* Teardown of the first keeps the second intact (pool compaction). */
	put_le32(m, VMBUS_MSG_GPADL_TEARDOWN);
	put_le32(m + 8, 1);
	put_le32(m + 12, 7);
	cr_assert_eq(vg_post(g, m, 16), 0);
	cr_assert_eq(vg_recv(g, r), 12);
	cr_assert_eq(get_le32(r), VMBUS_MSG_GPADL_TORNDOWN);
	cr_assert_eq(get_le32(r + 8), 7);
	cr_assert_null(vmbus_gpadl_pfns(g->m->vmbus, 7, &n));
	pfn = vmbus_gpadl_pfns(g->m->vmbus, 8, &n);
	cr_assert_not_null(pfn);
	cr_assert_eq(n, 3);
	cr_assert_eq(pfn[0], 0x20);
	cr_assert_eq(g->m->vmbus->pfn_used, 3);
	vg_free(g);
}

Test(vmbus_chan, open_close_unload_and_reconnect)
{
	struct vguest *g = vg_new(1);
	uint8_t m[148] = { 0 }, r[240];

	vg_open_first(g);
	cr_assert(vmbus_channel_open(g->m->storvsp->ch));
	/* A second open of an open channel fails. */
	put_le32(m, VMBUS_MSG_OPENCHANNEL);
	put_le32(m + 8, 1);
	put_le32(m + 16, 0xe1e10);
	put_le32(m + 24, G_RING_SPLIT);
	cr_assert_eq(vg_post(g, m, sizeof(m)), 0);
	cr_assert_eq(vg_recv(g, r), 20);
	cr_assert_neq(get_le32(r + 16), 0);

	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_CLOSECHANNEL);
	put_le32(m + 8, 1);
	cr_assert_eq(vg_post(g, m, 12), 0);
	cr_assert_not(vmbus_channel_open(g->m->storvsp->ch));

	/* Opening on a GPADL whose split leaves no host->guest ring fails. */
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_OPENCHANNEL);
	put_le32(m + 8, 1);
	put_le32(m + 16, 0xe1e10);
	put_le32(m + 24, G_RING_PAGES - 1);
	cr_assert_eq(vg_post(g, m, sizeof(m)), 0);
	cr_assert_eq(vg_recv(g, r), 20);
	cr_assert_neq(get_le32(r + 16), 0);

	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_UNLOAD);
	cr_assert_eq(vg_post(g, m, 8), 0);
	cr_assert_eq(vg_recv(g, r), 8);
	cr_assert_eq(get_le32(r), VMBUS_MSG_UNLOAD_RESPONSE);
	cr_assert_eq(g->m->vmbus->version, 0);
	cr_assert_eq(g->m->vmbus->pfn_used, 0, "GPADLs dropped");

	/* Reconnect and reopen: a new INITIATE_CONTACT starts clean. */
	vg_open_first(g);
	vg_connect(g);
	cr_assert_not(vmbus_channel_open(g->m->storvsp->ch),
		      "INITIATE_CONTACT reset the bus");
	vg_free(g);
}

/* A deterministic xorshift, so a failure repeats. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

Test(vmbus_chan, hostile_messages_never_crash)
{
	struct vguest *g = vg_new(1);
	uint8_t m[240], r[240];
	uint32_t seed = 0x1234567;

	vg_open_first(g);
	for (unsigned i = 0; i < 20000; i++) {
		uint32_t size = rnd(&seed) % 241;
		for (unsigned k = 0; k < sizeof(m); k++)
			m[k] = (uint8_t)rnd(&seed);
		/* Mostly valid message types, with random fields. */
		put_le32(m, rnd(&seed) % 24);
		if (get_le32(m) == VMBUS_MSG_INITIATE_CONTACT && (i & 1))
			put_le32(m + 8, 0x40000);
		vg_post(g, m, size);
		while (vg_recv(g, r) >= 0)
			;
		if (vmbus_channel_open(g->m->storvsp->ch) && (i % 16) == 0)
			vmbus_signal_event(g->m->vmbus, 17, 0);
	}
	cr_assert_leq(g->m->vmbus->pfn_used, VMBUS_PFN_POOL);
	vg_free(g);
}
