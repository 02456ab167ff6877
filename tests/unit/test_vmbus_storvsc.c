/* storvsc against storvsp, packet by packet as Linux's hv_storvsc sends
 * them: init sequence, INQUIRY/VPD, READ CAPACITY, READ/WRITE through
 * GPA-direct buffers compared with the image, errors with sense data,
 * absent LUNs, and a corrupt ring. */
#include "tests/unit/vmbus_guest.h"

static void storvsc_init(struct vguest *g)
{
	uint8_t rep[STORVSP_PACKET];

	vg_open_first(g);
	cr_assert_eq(vg_vstor_op(g, VSTOR_BEGIN_INIT, 0, rep), 0);
	cr_assert_neq(vg_vstor_op(g, VSTOR_QUERY_PROTOCOL, 0x0700, rep), 0,
		      "unknown protocol refused");
	cr_assert_eq(vg_vstor_op(g, VSTOR_QUERY_PROTOCOL, 0x0602, rep), 0);
	cr_assert_eq(vg_vstor_op(g, VSTOR_QUERY_PROPERTIES, 0, rep), 0);
	cr_assert_eq(get_le32(rep + 24), STORVSP_MAX_TRANSFER,
		     "max_transfer_bytes");
	cr_assert_eq(get_le32(rep + 20) & 1, 0, "no multichannel");
	cr_assert_eq(vg_vstor_op(g, VSTOR_END_INIT, 0, rep), 0);
}

static uint8_t rep_srb_status(const uint8_t *rep)
{
	return rep[14];
}

static uint8_t rep_scsi_status(const uint8_t *rep)
{
	return rep[15];
}

static uint32_t rep_xfer(const uint8_t *rep)
{
	return get_le32(rep + 24);
}

Test(vmbus_storvsc, init_and_identify)
{
	struct vguest *g = vg_new(1);
	uint8_t rep[STORVSP_PACKET], d[256];

	storvsc_init(g);
	uint8_t inq[6] = { 0x12, 0, 0, 0, 96, 0 };
	vg_srb(g, 0, inq, 6, 1, 96, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	cr_assert_eq(rep_scsi_status(rep), 0);
	cr_assert_eq(rep_xfer(rep), 36);
	vg_read(g, G_DATA, d, 36);
	cr_assert_eq(d[0], 0, "direct-access device");
	cr_assert_eq(memcmp(d + 8, "Msft    Virtual Disk", 20), 0);

	uint8_t vpd0[6] = { 0x12, 1, 0x00, 0, 255, 0 };
	vg_srb(g, 0, vpd0, 6, 1, 255, rep);
	vg_read(g, G_DATA, d, 7);
	cr_assert_eq(d[3], 3);
	cr_assert_eq(memcmp(d + 4, "\x00\x80\x83", 3), 0);
	uint8_t vpd80[6] = { 0x12, 1, 0x80, 0, 255, 0 };
	vg_srb(g, 0, vpd80, 6, 1, 255, rep);
	cr_assert_eq(rep_xfer(rep), 20);

	/* READ CAPACITY(10) and (16): 2048 sectors of 512. */
	uint8_t rc10[10] = { 0x25 };
	vg_srb(g, 0, rc10, 10, 1, 8, rep);
	vg_read(g, G_DATA, d, 8);
	cr_assert_eq(memcmp(d, "\x00\x00\x07\xff\x00\x00\x02\x00", 8), 0);
	uint8_t rc16[16] = { 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32 };
	vg_srb(g, 0, rc16, 16, 1, 32, rep);
	vg_read(g, G_DATA, d, 12);
	cr_assert_eq(memcmp(d, "\0\0\0\0\0\0\x07\xff\0\0\x02\0", 12), 0);

	uint8_t tur[6] = { 0 };
	vg_srb(g, 0, tur, 6, 2, 0, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	uint8_t ms[6] = { 0x1a, 0, 0x3f, 0, 192, 0 };
	vg_srb(g, 0, ms, 6, 1, 192, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	cr_assert_gt(rep_xfer(rep), 4);
	uint8_t luns[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	vg_srb(g, 0, luns, 12, 1, 256, rep);
	vg_read(g, G_DATA, d, 16);
	cr_assert_eq(get_le32(d) , 0x08000000, "one LUN (big-endian 8)");
	vg_free(g);
}

Test(vmbus_storvsc, read_write_compare_bytes)
{
	struct vguest *g = vg_new(1);
	uint8_t rep[STORVSP_PACKET];
	static uint8_t buf[65536], want[65536];

	storvsc_init(g);
	/* READ(10) of 128 sectors from LBA 100 matches the image. */
	uint8_t rd10[10] = { 0x28, 0, 0, 0, 0, 100, 0, 0, 128, 0 };
	vg_srb(g, 0, rd10, 10, 1, 65536, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	cr_assert_eq(rep_xfer(rep), 65536);
	vg_read(g, G_DATA, buf, sizeof(buf));
	for (unsigned i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)((100 + i / 512) * 7 + i % 512);
	cr_assert_eq(memcmp(buf, want, sizeof(buf)), 0);

	/* WRITE(16) 8 sectors at LBA 2040, read them back with READ(16). */
	for (unsigned i = 0; i < 4096; i++)
		buf[i] = (uint8_t)(i ^ 0x5a);
	vg_write(g, G_DATA, buf, 4096);
	uint8_t wr16[16] = { 0x8a, 0, 0, 0, 0, 0, 0, 0, 0x07, 0xf8, 0, 0, 0, 8 };
	vg_srb(g, 0, wr16, 16, 0, 4096, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	memset(want, 0, 4096);
	vg_write(g, G_DATA, want, 4096);
	uint8_t rd16[16] = { 0x88, 0, 0, 0, 0, 0, 0, 0, 0x07, 0xf8, 0, 0, 0, 8 };
	vg_srb(g, 0, rd16, 16, 1, 4096, rep);
	vg_read(g, G_DATA, want, 4096);
	cr_assert_eq(memcmp(buf, want, 4096), 0, "written bytes read back");
	uint8_t sync[10] = { 0x35 };
	vg_srb(g, 0, sync, 10, 2, 0, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);

	/* The overlay took the write: the image file is untouched. */
	FILE *f = fopen(g->img[0], "rb");
	cr_assert_not_null(f);
	fseek(f, 2040 * 512, SEEK_SET);
	cr_assert_eq(fread(want, 1, 16, f), 16);
	fclose(f);
	cr_assert_eq(want[0], (uint8_t)(2040 * 7));
	vg_free(g);
}

Test(vmbus_storvsc, errors_carry_sense)
{
	struct vguest *g = vg_new(2);
	uint8_t rep[STORVSP_PACKET], d[32];

	storvsc_init(g);
	/* READ past the end: CHECK CONDITION, ILLEGAL REQUEST, LBA range. */
	uint8_t rd10[10] = { 0x28, 0, 0, 0, 0x07, 0xff, 0, 0, 2, 0 };
	vg_srb(g, 1, rd10, 10, 1, 1024, rep);
	cr_assert_eq(rep_scsi_status(rep), SCSI_CHECK_CONDITION);
	cr_assert_eq(rep_srb_status(rep),
		     SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID);
	cr_assert_eq(rep[21], 18, "sense length");
	cr_assert_eq(rep[28], 0x70);
	cr_assert_eq(rep[28 + 2], SENSE_ILLEGAL_REQUEST);
	cr_assert_eq(rep[28 + 12], 0x21);
	uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 };
	vg_srb(g, 1, rs, 6, 1, 18, rep);
	vg_read(g, G_DATA, d, 18);
	cr_assert_eq(d[12], 0x21, "REQUEST SENSE returns it");
	uint8_t bogus[6] = { 0xff };
	vg_srb(g, 0, bogus, 6, 2, 0, rep);
	cr_assert_eq(rep[28 + 12], 0x20, "invalid opcode");

	/* Two LUNs; LUN 2 and target 1 are absent. */
	uint8_t luns[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	vg_srb(g, 0, luns, 12, 1, 256, rep);
	vg_read(g, G_DATA, d, 24);
	cr_assert_eq(d[3], 16);
	cr_assert_eq(d[8 + 8 + 1], 1);
	uint8_t inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	vg_srb(g, 2, inq, 6, 1, 36, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	vg_read(g, G_DATA, d, 1);
	cr_assert_eq(d[0], 0x7f, "no LUN here");
	uint8_t tur[6] = { 0 };
	vg_srb(g, 2, tur, 6, 2, 0, rep);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_INVALID_LUN);
	/* REPORT LUNS to an absent target: GOOD, no LUNs. */
	uint8_t req2[STORVSP_PACKET] = { 0 };
	put_le32(req2, VSTOR_EXECUTE_SRB);
	put_le32(req2 + 4, 1);
	req2[12 + 6] = 1; /* target 1 */
	req2[12 + 8] = 12;
	req2[12 + 10] = 1;
	put_le32(req2 + 24, 256);
	memcpy(req2 + 28, luns, 12);
	memset(d, 0xee, sizeof(d));
	vg_write(g, G_DATA, d, sizeof(d));
	vg_vstor(g, req2, rep, G_DATA, 256);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_SUCCESS);
	cr_assert_eq(rep_xfer(rep), 8);
	cr_assert_eq(vg_rd32(g, G_DATA), 0, "empty LUN list");

	/* A transfer longer than the buffer the packet describes. */
	uint8_t req[STORVSP_PACKET] = { 0 };
	put_le32(req, VSTOR_EXECUTE_SRB);
	put_le32(req + 4, 1);
	req[12 + 8] = 10;
	req[12 + 10] = 1;
	put_le32(req + 24, 8192);
	memcpy(req + 28, rd10, 10);
	vg_vstor(g, req, rep, G_DATA, 4096);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_INVALID_REQUEST);
	vg_free(g);
}

Test(vmbus_storvsc, buffer_outside_ram_is_refused)
{
	struct vguest *g = vg_new(1);
	uint8_t rep[STORVSP_PACKET], req[STORVSP_PACKET] = { 0 };
	uint8_t h[24] = { 0 };
	uint8_t rd10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	uint16_t type;
	uint64_t tid;

	storvsc_init(g);
	put_le32(req, VSTOR_EXECUTE_SRB);
	put_le32(req + 4, 1);
	req[12 + 8] = 10;
	req[12 + 10] = 1;
	put_le32(req + 24, 512);
	memcpy(req + 28, rd10, 10);
	put_le32(h + 4, 1);
	put_le32(h + 8, 512);
	put_le64(h + 16, 0xfee00); /* the LAPIC page */
	vg_send(g, VMPKT_GPA_DIRECT, h, 24, req, sizeof(req));
	cr_assert_eq(vg_take(g, rep, &type, &tid), STORVSP_PACKET);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_INVALID_REQUEST);
	put_le64(h + 16, 0xfffffffffull); /* far above RAM */
	vg_send(g, VMPKT_GPA_DIRECT, h, 24, req, sizeof(req));
	cr_assert_eq(vg_take(g, rep, &type, &tid), STORVSP_PACKET);
	cr_assert_eq(rep_srb_status(rep), SRB_STATUS_INVALID_REQUEST);
	vg_free(g);
}

Test(vmbus_storvsc, corrupt_ring_stops_the_channel)
{
	struct vguest *g = vg_new(1);
	uint8_t rep[STORVSP_PACKET];
	uint16_t type;
	uint64_t tid;

	storvsc_init(g);
	/* A write index past the ring, then a packet length past the data. */
	vg_wr32(g, G_OUT_HDR + RING_HDR_WRITE, 0xfffffff8);
	cr_assert_eq(vg_hypercall(g, 0x1005d, 17, 0), 0);
	cr_assert(g->m->storvsp->broken);
	cr_assert_eq(vg_take(g, rep, &type, &tid), -1, "nothing answered");
	vg_free(g);
}

Test(vmbus_storvsc, full_host_ring_waits_for_the_guest)
{
	struct vguest *g = vg_new(1);
	uint8_t rep[STORVSP_PACKET], req[STORVSP_PACKET] = { 0 };
	uint16_t type;
	uint64_t tid;
	unsigned sent = 0, got = 0;

	storvsc_init(g);
	put_le32(req, VSTOR_EXECUTE_SRB);
	put_le32(req + 4, 1);
	req[12 + 8] = 6;
	req[12 + 10] = 2;
	/* The guest queues requests without reading completions. */
	for (unsigned i = 0; i < 1000; i++) {
		uint32_t w = vg_rd32(g, G_OUT_HDR + RING_HDR_WRITE);
		uint32_t r = vg_rd32(g, G_OUT_HDR + RING_HDR_READ);
		uint32_t used = (w - r + G_RING_SIZE) % G_RING_SIZE;
		if (G_RING_SIZE - used <= 96)
			break;
		vg_send(g, VMPKT_INBAND, NULL, 0, req, sizeof(req));
		sent++;
	}
	cr_assert_neq(vg_rd32(g, G_IN_HDR + RING_HDR_PENDING), 0,
		      "host asked to be told about free space");
	while (got < sent) {
		int n = vg_take(g, rep, &type, &tid);
		if (n < 0) {
			/* hv_pkt_iter_close: pending_send_sz crossed. */
			cr_assert_eq(vg_hypercall(g, 0x1005d, 17, 0), 0);
			n = vg_take(g, rep, &type, &tid);
			cr_assert_geq(n, 0, "completion %u of %u", got, sent);
		}
		got++;
	}
	cr_assert_eq(vg_rd32(g, G_OUT_HDR + RING_HDR_READ),
		     vg_rd32(g, G_OUT_HDR + RING_HDR_WRITE), "all consumed");
	vg_free(g);
}
