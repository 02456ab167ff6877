/* IDE/ATA hard disks through the ports: IDENTIFY, PIO (CHS, LBA28,
 * LBA48, MULTIPLE), writes to the overlay, errors, reset signatures and
 * bus-master DMA through a PRD table. */
#include "tests/unit/ide_test_util.h"

#include "devices/sha256.h"

#define P 0x1f0
#define PCTL 0x3f6

struct rig {
	struct machine *m;
	struct ide *ide;
	struct disk *disk;
	char *path;
};

static struct rig rig_new(uint64_t sectors, unsigned flags)
{
	struct rig r;
	r.path = ide_make_image(sectors, 512);
	r.disk = ide_open(r.path, flags);
	struct disk *disks[4] = { r.disk, NULL, NULL, NULL };
	uint8_t kinds[4] = { IDE_ATA, IDE_NONE, IDE_NONE, IDE_NONE };
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

static void lba28(struct machine *m, uint32_t lba, uint8_t count, uint8_t cmd)
{
	out8(m, P + 6, (uint8_t)(0xe0 | (lba >> 24 & 0x0f)));
	out8(m, P + 2, count);
	out8(m, P + 3, (uint8_t)lba);
	out8(m, P + 4, (uint8_t)(lba >> 8));
	out8(m, P + 5, (uint8_t)(lba >> 16));
	out8(m, P + 7, cmd);
}

static void check_sector(const uint8_t *buf, uint64_t lba)
{
	for (unsigned i = 0; i < 512; i++)
		cr_assert_eq(buf[i], pattern(lba, i), "sector %llu byte %u",
			     (unsigned long long)lba, i);
}

Test(ide, identify_reports_model_geometry_and_lba48_capacity)
{
	struct rig r = rig_new(40960, 0); /* 20 MiB */
	uint8_t id[512];
	uint16_t w[256];

	out8(r.m, P + 6, 0xa0);
	out8(r.m, P + 7, 0xec);
	cr_assert(in8(r.m, PCTL) & IDE_ST_BSY, "busy right after the command");
	uint8_t st = ide_wait(r.m, P, PCTL);
	cr_assert_eq(st & (IDE_ST_DRQ | IDE_ST_ERR), IDE_ST_DRQ);
	cr_assert(r.m->irq.level[14], "IRQ 14 with the data");
	ide_read_words(r.m, P, id, 512);
	memcpy(w, id, 512);
	cr_assert_eq(w[0], 0x0040);
	cr_assert_eq(w[1], 40);  /* 40960 / (16 * 63) */
	cr_assert_eq(w[3], 16);
	cr_assert_eq(w[6], 63);
	char model[41];
	for (unsigned i = 0; i < 20; i++) {
		model[2 * i] = (char)(w[27 + i] >> 8);
		model[2 * i + 1] = (char)w[27 + i];
	}
	model[40] = 0;
	cr_assert_eq(strncmp(model, "LUCID HARDDISK      ", 20), 0, "%s", model);
	cr_assert(w[49] & (1 << 9), "LBA");
	cr_assert(w[49] & (1 << 8), "DMA");
	cr_assert_eq(w[60] | (uint32_t)w[61] << 16, 40960);
	cr_assert(w[83] & (1 << 10), "LBA48 supported");
	cr_assert(w[86] & (1 << 10), "LBA48 enabled");
	cr_assert_eq(w[100] | (uint64_t)w[101] << 16, 40960);
	cr_assert_eq(w[102] | w[103], 0);
	cr_assert_eq(w[47] & 0xff, 16);
	cr_assert_eq(in8(r.m, P + 7), IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert_eq(r.m->irq.level[14], 0, "status read clears the IRQ");
	rig_free(&r);
}

Test(ide, big_disks_cap_the_chs_cylinders_at_16383)
{
	char *path = strdup("/tmp/lucid-test-ide-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_eq(ftruncate(fd, 200ll << 30), 0); /* sparse 200 GiB */
	close(fd);
	struct disk *d = ide_open(path, 0);
	struct disk *disks[4] = { d };
	uint8_t kinds[4] = { IDE_ATA };
	struct ide *ide;
	struct machine *m = ide_machine(&ide, disks, kinds);
	uint16_t w[256];

	out8(m, P + 7, 0xec);
	ide_wait(m, P, PCTL);
	ide_read_words(m, P, (uint8_t *)w, 512);
	cr_assert_eq(w[1], 16383);
	cr_assert_eq(w[60] | (uint32_t)w[61] << 16, 0x0fffffff,
		     "LBA28 count saturates");
	cr_assert_eq(w[100] | (uint64_t)w[101] << 16 | (uint64_t)w[102] << 32,
		     (200ull << 30) / 512);
	testbed_free(m);
	disk_close(d);
	unlink(path);
	free(path);
}

Test(ide, pio_read_of_lba_sectors_returns_the_image_bytes)
{
	struct rig r = rig_new(2048, 0);
	uint8_t buf[512];

	lba28(r.m, 1000, 2, 0x20);
	for (unsigned s = 0; s < 2; s++) {
		uint8_t st = ide_wait(r.m, P, PCTL);
		cr_assert_eq(st, IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ);
		cr_assert(r.m->irq.level[14], "IRQ for block %u", s);
		in8(r.m, P + 7);
		ide_read_words(r.m, P, buf, 512);
		check_sector(buf, 1000 + s);
	}
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	rig_free(&r);
}

Test(ide, chs_addressing_uses_16_heads_63_sectors)
{
	struct rig r = rig_new(4096, 0);
	uint8_t buf[512];

	/* C=1 H=2 S=5 -> (1 * 16 + 2) * 63 + 4 = 1138 */
	out8(r.m, P + 6, 0xa0 | 2);
	out8(r.m, P + 2, 1);
	out8(r.m, P + 3, 5);
	out8(r.m, P + 4, 1);
	out8(r.m, P + 5, 0);
	out8(r.m, P + 7, 0x20);
	ide_wait(r.m, P, PCTL);
	ide_read_words(r.m, P, buf, 512);
	check_sector(buf, 1138);
	/* Sector 0 does not exist in CHS. */
	out8(r.m, P + 3, 0);
	out8(r.m, P + 7, 0x20);
	cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_ERR);
	cr_assert_eq(in8(r.m, P + 1), IDE_ER_IDNF);
	rig_free(&r);
}

Test(ide, read_multiple_moves_blocks_of_the_set_size)
{
	struct rig r = rig_new(256, 0);
	uint8_t buf[4 * 512];

	lba28(r.m, 0, 0, 0xc4); /* before SET MULTIPLE: aborted */
	cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_ERR);
	cr_assert_eq(in8(r.m, P + 1), IDE_ER_ABRT);
	out8(r.m, P + 2, 3); /* not a power of two */
	out8(r.m, P + 7, 0xc6);
	cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_ERR);
	out8(r.m, P + 2, 4);
	out8(r.m, P + 7, 0xc6);
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	lba28(r.m, 20, 8, 0xc4);
	for (unsigned blk = 0; blk < 2; blk++) {
		cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_DRQ);
		ide_read_words(r.m, P, buf, sizeof(buf));
		for (unsigned s = 0; s < 4; s++)
			check_sector(buf + 512 * s, 20 + 4 * blk + s);
		if (!blk)
			cr_assert(in8(r.m, PCTL) & IDE_ST_BSY,
				  "busy between blocks");
	}
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	rig_free(&r);
}

static void sha_file(const char *path, uint8_t out[32])
{
	int fd = open(path, O_RDONLY);
	uint8_t buf[4096];
	ssize_t n;
	struct sha256 s;
	sha256_init(&s);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&s, buf, (size_t)n);
	sha256_final(&s, out);
	close(fd);
}

static void pio_write(struct machine *m, uint32_t lba, uint8_t fill)
{
	lba28(m, lba, 1, 0x30);
	uint8_t st = ide_wait(m, P, PCTL);
	cr_assert_eq(st & IDE_ST_DRQ, IDE_ST_DRQ);
	cr_assert_eq(m->irq.level[14], 0, "no IRQ before the first block");
	for (unsigned i = 0; i < 256; i++)
		bus_out(m->bus, P, (uint32_t)(fill | fill << 8), 2);
	cr_assert_eq(ide_wait(m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert(m->irq.level[14], "IRQ when the write is done");
	in8(m, P + 7);
}

Test(ide, writes_land_in_the_overlay_and_the_image_file_is_unchanged)
{
	struct rig r = rig_new(128, 0);
	uint8_t before[32], after[32], buf[512];

	sha_file(r.path, before);
	pio_write(r.m, 77, 0xc3);
	lba28(r.m, 76, 3, 0x20);
	for (unsigned s = 0; s < 3; s++) {
		ide_wait(r.m, P, PCTL);
		ide_read_words(r.m, P, buf, 512);
		if (s == 1)
			for (unsigned i = 0; i < 512; i++)
				cr_assert_eq(buf[i], 0xc3);
		else
			check_sector(buf, 76 + s);
	}
	sha_file(r.path, after);
	cr_assert_arr_eq(before, after, 32);
	rig_free(&r);
}

Test(ide, persist_writes_reach_the_image_file)
{
	struct rig r = rig_new(128, DISK_PERSIST);
	uint8_t buf[512];

	pio_write(r.m, 9, 0x3c);
	int fd = open(r.path, O_RDONLY);
	cr_assert_eq(pread(fd, buf, 512, 9 * 512), 512);
	close(fd);
	for (unsigned i = 0; i < 512; i++)
		cr_assert_eq(buf[i], 0x3c);
	rig_free(&r);
}

Test(ide, reads_past_the_end_fail_with_idnf_not_a_host_error)
{
	struct rig r = rig_new(100, 0);

	lba28(r.m, 99, 2, 0x20);
	uint8_t st = ide_wait(r.m, P, PCTL);
	cr_assert_eq(st, IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_ERR);
	cr_assert_eq(in8(r.m, P + 1), IDE_ER_IDNF);
	cr_assert(r.m->irq.level[14]);
	lba28(r.m, 0x0ffffff, 1, 0xc8); /* DMA too */
	cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_ERR);
	rig_free(&r);
}

Test(ide, lba48_reads_sectors_beyond_2_28)
{
	char *path = strdup("/tmp/lucid-test-ide-XXXXXX");
	int fd = mkstemp(path);
	uint64_t target = (1ull << 28) + 5;
	uint8_t sec[512], buf[512];
	for (unsigned i = 0; i < 512; i++)
		sec[i] = pattern(target, i);
	cr_assert_eq(ftruncate(fd, (off_t)((1ull << 28) + 64) * 512), 0);
	cr_assert_eq(pwrite(fd, sec, 512, (off_t)(target * 512)), 512);
	close(fd);
	struct disk *d = ide_open(path, 0);
	struct disk *disks[4] = { d };
	uint8_t kinds[4] = { IDE_ATA };
	struct ide *ide;
	struct machine *m = ide_machine(&ide, disks, kinds);

	out8(m, P + 6, 0x40);
	/* High bytes first, then low: the HOB FIFO. */
	out8(m, P + 2, 0);
	out8(m, P + 2, 1);
	out8(m, P + 3, (uint8_t)(target >> 24));
	out8(m, P + 3, (uint8_t)target);
	out8(m, P + 4, (uint8_t)(target >> 32));
	out8(m, P + 4, (uint8_t)(target >> 8));
	out8(m, P + 5, (uint8_t)(target >> 40));
	out8(m, P + 5, (uint8_t)(target >> 16));
	out8(m, PCTL, IDE_CTL_HOB);
	cr_assert_eq(in8(m, P + 3), (uint8_t)(target >> 24), "HOB read back");
	out8(m, PCTL, 0);
	cr_assert_eq(in8(m, P + 3), (uint8_t)target);
	out8(m, P + 7, 0x24);
	cr_assert_eq(ide_wait(m, P, PCTL) & (IDE_ST_DRQ | IDE_ST_ERR),
		     IDE_ST_DRQ);
	ide_read_words(m, P, buf, 512);
	cr_assert_arr_eq(buf, sec, 512);
	testbed_free(m);
	disk_close(d);
	unlink(path);
	free(path);
}

Test(ide, soft_reset_shows_the_ata_signature_and_busy_meanwhile)
{
	struct rig r = rig_new(64, 0);

	out8(r.m, P + 2, 0x55);
	out8(r.m, P + 4, 0x99);
	out8(r.m, PCTL, IDE_CTL_SRST | IDE_CTL_NIEN);
	cr_assert(in8(r.m, PCTL) & IDE_ST_BSY);
	out8(r.m, PCTL, IDE_CTL_NIEN);
	cr_assert(in8(r.m, PCTL) & IDE_ST_BSY);
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert_eq(in8(r.m, P + 2), 1);
	cr_assert_eq(in8(r.m, P + 3), 1);
	cr_assert_eq(in8(r.m, P + 4), 0);
	cr_assert_eq(in8(r.m, P + 5), 0);
	cr_assert_eq(in8(r.m, P + 1), 0x01, "diagnostics passed");
	rig_free(&r);
}

Test(ide, absent_slave_reads_as_zero_and_unknown_commands_abort)
{
	struct rig r = rig_new(64, 0);

	out8(r.m, P + 6, 0xb0);
	out8(r.m, P + 2, 0x55);
	cr_assert_eq(in8(r.m, P + 2), 0);
	cr_assert_eq(in8(r.m, P + 7), 0);
	cr_assert_eq(in8(r.m, P + 6), 0xb0);
	out8(r.m, P + 6, 0xa0);
	out8(r.m, P + 7, 0xa1); /* IDENTIFY PACKET on a hard disk */
	cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_ERR);
	cr_assert_eq(in8(r.m, P + 1), IDE_ER_ABRT);
	out8(r.m, P + 7, 0xf0);
	cr_assert(ide_wait(r.m, P, PCTL) & IDE_ST_ERR);
	/* An empty secondary channel reads 0, never busy. */
	cr_assert_eq(in8(r.m, 0x177), 0);
	rig_free(&r);
}

Test(ide, nien_masks_the_interrupt_line)
{
	struct rig r = rig_new(64, 0);

	out8(r.m, PCTL, IDE_CTL_NIEN);
	out8(r.m, P + 7, 0xe7); /* FLUSH CACHE */
	ide_wait(r.m, P, PCTL);
	cr_assert_eq(r.m->irq.level[14], 0);
	out8(r.m, PCTL, 0);
	cr_assert_eq(r.m->irq.level[14], 1, "pending IRQ shows once enabled");
	rig_free(&r);
}

static void prd(struct machine *m, uint32_t at, uint32_t addr, uint32_t len,
		bool eot)
{
	uint8_t e[8] = { (uint8_t)addr, (uint8_t)(addr >> 8),
			 (uint8_t)(addr >> 16), (uint8_t)(addr >> 24),
			 (uint8_t)len, (uint8_t)(len >> 8), 0,
			 eot ? 0x80 : 0 };
	mem_write(m->mem, at, e, 8);
}

Test(ide, bus_master_dma_read_fills_guest_ram_through_the_prd_table)
{
	struct rig r = rig_new(512, 0);
	uint8_t buf[3 * 512];

	prd(r.m, 0x8000, 0x10000, 512, false);
	prd(r.m, 0x8008, 0x20000, 1024, true);
	bus_out(r.m->bus, BM_BASE + 4, 0x8000, 4);
	out8(r.m, BM_BASE, PIIX_BM_CMD_READ);
	lba28(r.m, 40, 3, 0xc8);
	testbed_advance_ns(r.m, 100000);
	cr_assert_eq(in8(r.m, PCTL) & IDE_ST_BSY, IDE_ST_BSY,
		     "waits for the bus master's Start");
	out8(r.m, BM_BASE, PIIX_BM_CMD_READ | PIIX_BM_CMD_START);
	cr_assert(in8(r.m, BM_BASE + 2) & PIIX_BM_STS_ACTIVE);
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert(r.m->irq.level[14]);
	uint8_t bms = in8(r.m, BM_BASE + 2);
	cr_assert_eq(bms & 7, PIIX_BM_STS_IRQ, "IRQ set, active clear: %#x",
		     bms);
	mem_read(r.m->mem, 0x10000, buf, 512);
	mem_read(r.m->mem, 0x20000, buf + 512, 1024);
	for (unsigned s = 0; s < 3; s++)
		check_sector(buf + 512 * s, 40 + s);
	out8(r.m, BM_BASE + 2, PIIX_BM_STS_IRQ); /* write 1 to clear */
	cr_assert_eq(in8(r.m, BM_BASE + 2) & 7, 0);
	rig_free(&r);
}

Test(ide, dma_with_a_larger_prd_table_ends_with_active_still_set)
{
	struct rig r = rig_new(512, 0);
	uint8_t buf[512];

	prd(r.m, 0x8000, 0x30000, 0, true); /* 0 = 64 KiB */
	bus_out(r.m->bus, BM_BASE + 4, 0x8000, 4);
	out8(r.m, BM_BASE, PIIX_BM_CMD_READ | PIIX_BM_CMD_START);
	lba28(r.m, 7, 1, 0xc8);
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert_eq(in8(r.m, BM_BASE + 2) & 7,
		     PIIX_BM_STS_IRQ | PIIX_BM_STS_ACTIVE);
	mem_read(r.m->mem, 0x30000, buf, 512);
	check_sector(buf, 7);
	rig_free(&r);
}

Test(ide, dma_write_takes_guest_ram_into_the_disk)
{
	struct rig r = rig_new(512, 0);
	uint8_t src[1024], buf[512];

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i * 3 + 1);
	mem_write(r.m->mem, 0x40000, src, sizeof(src));
	prd(r.m, 0x8000, 0x40000, 1024, true);
	bus_out(r.m->bus, BM_BASE + 4, 0x8000, 4);
	lba28(r.m, 100, 2, 0xca);
	out8(r.m, BM_BASE, PIIX_BM_CMD_START); /* from memory */
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	cr_assert_eq(in8(r.m, BM_BASE + 2) & 7, PIIX_BM_STS_IRQ);
	cr_assert_eq(disk_read(r.disk, 101, buf, 1), 0);
	cr_assert_arr_eq(buf, src + 512, 512);
	rig_free(&r);
}

Test(ide, identify_follows_initialize_device_parameters)
{
	struct rig r = rig_new(40960, 0);
	uint16_t w[256];

	out8(r.m, P + 6, 0xa0 | 7); /* 8 heads */
	out8(r.m, P + 2, 32);       /* 32 sectors */
	out8(r.m, P + 7, 0x91);
	cr_assert_eq(ide_wait(r.m, P, PCTL), IDE_ST_DRDY | IDE_ST_DSC);
	out8(r.m, P + 7, 0xec);
	ide_wait(r.m, P, PCTL);
	ide_read_words(r.m, P, (uint8_t *)w, 512);
	cr_assert_eq(w[54], 160);
	cr_assert_eq(w[55], 8);
	cr_assert_eq(w[56], 32);
	rig_free(&r);
}
