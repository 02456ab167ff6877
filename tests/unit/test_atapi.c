/* ATAPI CD-ROM on the secondary channel: signature, IDENTIFY PACKET, the
 * packet protocol with its byte count limit, READ(10)/(12), capacity, TOC,
 * sense after a media change, status commands and DMA. */
#include "tests/unit/ide_test_util.h"

#define S 0x170
#define SCTL 0x376

struct rig {
	struct machine *m;
	struct ide *ide;
	struct disk *disk;
	char *path;
};

static struct rig rig_new(unsigned blocks)
{
	struct rig r;
	r.path = ide_make_image(blocks, 2048);
	r.disk = ide_open(r.path, DISK_READONLY);
	struct disk *disks[4] = { NULL, NULL, r.disk, NULL };
	uint8_t kinds[4] = { IDE_NONE, IDE_NONE, IDE_ATAPI, IDE_NONE };
	r.m = ide_machine(&r.ide, disks, kinds);
	return r;
}

static void rig_free(struct rig *r)
{
	testbed_free(r->m);
	disk_close(r->disk);
	unlink(r->path);
	free(r->path);
}

/* Send a packet; collect up to cap bytes of data. Returns the byte count;
 * *chunks counts DRQ blocks; the final status is in *st. */
static unsigned packet(struct machine *m, const uint8_t cdb[12],
		       uint16_t limit, uint8_t *out, unsigned cap,
		       unsigned *chunks, uint8_t *st)
{
	unsigned got = 0, n = 0;

	out8(m, S + 6, 0xa0);
	out8(m, S + 1, 0);
	out8(m, S + 4, (uint8_t)limit);
	out8(m, S + 5, (uint8_t)(limit >> 8));
	out8(m, S + 7, 0xa0);
	uint8_t s = ide_wait(m, S, SCTL);
	cr_assert(s & IDE_ST_DRQ, "asks for the packet");
	cr_assert_eq(in8(m, S + 2) & 3, 1, "C/D set, I/O clear");
	for (unsigned i = 0; i < 12; i += 2)
		bus_out(m->bus, S, (uint32_t)(cdb[i] | cdb[i + 1] << 8), 2);
	for (;;) {
		s = ide_wait(m, S, SCTL);
		if (!(s & IDE_ST_DRQ))
			break;
		cr_assert(m->irq.level[15], "IRQ per DRQ block");
		in8(m, S + 7);
		cr_assert_eq(in8(m, S + 2) & 3, 2, "data in: I/O");
		unsigned len = in8(m, S + 4) | in8(m, S + 5) << 8;
		cr_assert(len <= limit, "%u over the limit %u", len, limit);
		cr_assert(got + len <= cap);
		ide_read_words(m, S, out + got, len);
		got += len;
		n++;
	}
	cr_assert(m->irq.level[15], "IRQ at the status phase");
	cr_assert_eq(in8(m, S + 2) & 3, 3);
	*st = in8(m, S + 7);
	if (chunks)
		*chunks = n;
	return got;
}

static uint8_t sense_key(struct machine *m, uint8_t *asc)
{
	uint8_t cdb[12] = { 0x03, 0, 0, 0, 18 }, b[18], st;
	cr_assert_eq(packet(m, cdb, 18, b, 18, NULL, &st), 18);
	cr_assert_eq(b[0], 0x70);
	*asc = b[12];
	return b[2] & 0x0f;
}

Test(atapi, signature_and_identify_packet_device)
{
	struct rig r = rig_new(32);
	uint16_t w[256];

	out8(r.m, S + 6, 0xa0);
	cr_assert_eq(in8(r.m, S + 4), 0x14);
	cr_assert_eq(in8(r.m, S + 5), 0xeb);
	out8(r.m, S + 7, 0xec); /* IDENTIFY DEVICE: aborted */
	cr_assert(ide_wait(r.m, S, SCTL) & IDE_ST_ERR);
	cr_assert_eq(in8(r.m, S + 1), IDE_ER_ABRT);
	cr_assert_eq(in8(r.m, S + 4), 0x14);
	cr_assert_eq(in8(r.m, S + 5), 0xeb);
	out8(r.m, S + 7, 0xa1);
	cr_assert(ide_wait(r.m, S, SCTL) & IDE_ST_DRQ);
	ide_read_words(r.m, S, (uint8_t *)w, 512);
	cr_assert_eq(w[0] >> 14, 2, "ATAPI");
	cr_assert_eq((w[0] >> 8) & 0x1f, 5, "CD-ROM");
	cr_assert(w[0] & 0x80, "removable");
	cr_assert_eq(w[0] & 3, 0, "12-byte packets");
	cr_assert(w[49] & (1 << 9));
	rig_free(&r);
}

Test(atapi, inquiry_and_read_capacity)
{
	struct rig r = rig_new(300);
	uint8_t b[64], st;
	uint8_t inq[12] = { 0x12, 0, 0, 0, 36 }, cap[12] = { 0x25 };

	cr_assert_eq(packet(r.m, inq, 0xfffe, b, 64, NULL, &st), 36);
	cr_assert_eq(st & IDE_ST_ERR, 0);
	cr_assert_eq(b[0], 0x05);
	cr_assert_eq(b[1], 0x80);
	cr_assert_eq(memcmp(b + 8, "LUCID", 5), 0);
	cr_assert_eq(packet(r.m, cap, 0xfffe, b, 64, NULL, &st), 8);
	cr_assert_eq(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3], 299);
	cr_assert_eq(b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7], 2048);
	rig_free(&r);
}

static void check_block(const uint8_t *b, uint32_t lba)
{
	for (unsigned i = 0; i < 2048; i++)
		cr_assert_eq(b[i], pattern(lba, i), "block %u byte %u", lba, i);
}

Test(atapi, read10_returns_iso_blocks_in_drq_chunks_of_the_limit)
{
	struct rig r = rig_new(64);
	static uint8_t b[3 * 2048];
	uint8_t st;
	unsigned chunks;
	uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 17, 0, 0, 3 };

	cr_assert_eq(packet(r.m, rd, 2048, b, sizeof(b), &chunks, &st), 6144);
	cr_assert_eq(chunks, 3);
	cr_assert_eq(st, IDE_ST_DRDY | IDE_ST_DSC);
	for (unsigned i = 0; i < 3; i++)
		check_block(b + 2048 * i, 17 + i);
	/* A limit that splits blocks: 1000 bytes a time. */
	memset(b, 0, sizeof(b));
	cr_assert_eq(packet(r.m, rd, 1000, b, sizeof(b), &chunks, &st), 6144);
	cr_assert_eq(chunks, 7);
	for (unsigned i = 0; i < 3; i++)
		check_block(b + 2048 * i, 17 + i);
	/* READ(12) */
	uint8_t rd12[12] = { 0xa8, 0, 0, 0, 0, 63, 0, 0, 0, 1 };
	cr_assert_eq(packet(r.m, rd12, 0xfffe, b, sizeof(b), NULL, &st), 2048);
	check_block(b, 63);
	rig_free(&r);
}

Test(atapi, reads_past_the_end_are_illegal_requests)
{
	struct rig r = rig_new(16);
	uint8_t b[64], st, asc;
	uint8_t rd[12] = { 0x28, 0, 0, 0, 0, 15, 0, 0, 2 };

	cr_assert_eq(packet(r.m, rd, 2048, b, 0, NULL, &st), 0);
	cr_assert(st & IDE_ST_ERR);
	cr_assert_eq(in8(r.m, S + 1), 0x54, "sense key 5 in the error reg");
	cr_assert_eq(sense_key(r.m, &asc), 5);
	cr_assert_eq(asc, 0x21);
	rig_free(&r);
}

Test(atapi, read_toc_in_lba_and_msf)
{
	struct rig r = rig_new(1000);
	uint8_t b[64], st;
	uint8_t toc[12] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 64 };

	cr_assert_eq(packet(r.m, toc, 0xfffe, b, 64, NULL, &st), 20);
	cr_assert_eq(b[0] << 8 | b[1], 18);
	cr_assert_eq(b[2], 1);
	cr_assert_eq(b[3], 1);
	cr_assert_eq(b[5], 0x14, "data track");
	cr_assert_eq(b[6], 1);
	cr_assert_eq(b[8] | b[9] | b[10] | b[11], 0);
	cr_assert_eq(b[14], 0xaa, "lead-out");
	cr_assert_eq(b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19], 1000);
	toc[1] = 0x02; /* MSF: 1000 + 150 = 00:15:25 */
	cr_assert_eq(packet(r.m, toc, 0xfffe, b, 64, NULL, &st), 20);
	cr_assert_eq(b[9], 0);
	cr_assert_eq(b[10], 2, "track 1 at 00:02:00");
	cr_assert_eq(b[17], 0);
	cr_assert_eq(b[18], 15);
	cr_assert_eq(b[19], 25);
	toc[1] = 0;
	toc[2] = 1; /* session info */
	cr_assert_eq(packet(r.m, toc, 0xfffe, b, 64, NULL, &st), 12);
	cr_assert_eq(b[1], 10);
	rig_free(&r);
}

Test(atapi, media_change_reports_unit_attention_then_works)
{
	struct rig r = rig_new(16);
	char *p2 = ide_make_image(40, 2048);
	struct disk *d2 = ide_open(p2, DISK_READONLY);
	uint8_t b[64], st, asc;
	uint8_t tur[12] = { 0 }, cap[12] = { 0x25 };
	uint8_t gesn[12] = { 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8 };

	cr_assert_eq(packet(r.m, tur, 0, b, 0, NULL, &st) , 0);
	cr_assert_eq(st & IDE_ST_ERR, 0);
	ide_cdrom_change(r.ide, 1, 0, NULL);
	ide_cdrom_change(r.ide, 1, 0, d2);
	packet(r.m, tur, 0, b, 0, NULL, &st);
	cr_assert(st & IDE_ST_ERR);
	cr_assert_eq(in8(r.m, S + 1) >> 4, 6, "UNIT ATTENTION");
	cr_assert_eq(packet(r.m, gesn, 0xfffe, b, 64, NULL, &st), 8);
	cr_assert_eq(b[2], 0x04, "media class");
	cr_assert_eq(b[4], 2, "new media");
	cr_assert_eq(b[5] & 2, 2, "media present");
	packet(r.m, tur, 0, b, 0, NULL, &st);
	cr_assert_eq(st & IDE_ST_ERR, 0, "reported once");
	cr_assert_eq(packet(r.m, cap, 0xfffe, b, 64, NULL, &st), 8);
	cr_assert_eq(b[3], 39);
	/* Eject: not ready, medium not present. */
	ide_cdrom_change(r.ide, 1, 0, NULL);
	cr_assert_eq(sense_key(r.m, &asc), 6);
	packet(r.m, tur, 0, b, 0, NULL, &st);
	cr_assert(st & IDE_ST_ERR);
	cr_assert_eq(sense_key(r.m, &asc), 2);
	cr_assert_eq(asc, 0x3a);
	rig_free(&r);
	disk_close(d2);
	unlink(p2);
	free(p2);
}

Test(atapi, mode_sense_capabilities_and_get_configuration)
{
	struct rig r = rig_new(16);
	uint8_t b[64], st;
	uint8_t ms[12] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64 };
	uint8_t gc[12] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 64 };
	uint8_t lock[12] = { 0x1e, 0, 0, 0, 1 };
	uint8_t eject[12] = { 0x1b, 0, 0, 0, 2 };

	cr_assert_eq(packet(r.m, ms, 0xfffe, b, 64, NULL, &st), 28);
	cr_assert_eq(b[8], 0x2a);
	cr_assert_eq(b[9], 0x12);
	cr_assert_eq(b[14] & 0x02, 0, "not locked");
	cr_assert_eq(packet(r.m, gc, 0xfffe, b, 64, NULL, &st), 28);
	cr_assert_eq(b[6] << 8 | b[7], 0x0008, "current profile CD-ROM");
	cr_assert_eq(b[12] << 8 | b[13], 0x0008);
	packet(r.m, lock, 0, b, 0, NULL, &st);
	packet(r.m, ms, 0xfffe, b, 64, NULL, &st);
	cr_assert_eq(b[14] & 0x02, 0x02, "locked");
	packet(r.m, eject, 0, b, 0, NULL, &st);
	cr_assert(st & IDE_ST_ERR, "a locked tray stays shut");
	rig_free(&r);
}

Test(atapi, read10_by_bus_master_dma)
{
	struct rig r = rig_new(64);
	uint8_t b[2 * 2048], st;
	uint8_t e[8] = { 0, 0, 0x05, 0, 0, 0x10, 0, 0x80 }; /* 0x50000, 4K */

	mem_write(r.m->mem, 0x9000, e, 8);
	bus_out(r.m->bus, BM_BASE + 8 + 4, 0x9000, 4);
	out8(r.m, BM_BASE + 8, PIIX_BM_CMD_READ | PIIX_BM_CMD_START);
	out8(r.m, S + 6, 0xa0);
	out8(r.m, S + 1, 1); /* DMA */
	out8(r.m, S + 7, 0xa0);
	ide_wait(r.m, S, SCTL);
	uint8_t cdb[12] = { 0x28, 0, 0, 0, 0, 5, 0, 0, 2 };
	for (unsigned i = 0; i < 12; i += 2)
		bus_out(r.m->bus, S, (uint32_t)(cdb[i] | cdb[i + 1] << 8), 2);
	st = ide_wait(r.m, S, SCTL);
	cr_assert_eq(st, IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert(r.m->irq.level[15]);
	cr_assert_eq(in8(r.m, BM_BASE + 10) & 7, PIIX_BM_STS_IRQ);
	mem_read(r.m->mem, 0x50000, b, sizeof(b));
	check_block(b, 5);
	check_block(b + 2048, 6);
	rig_free(&r);
}
