/* 82077AA floppy controller through its ports, with the DMA controller
 * programmed like a BIOS does: reset and polling interrupts, SPECIFY,
 * RECALIBRATE, SEEK, READ/WRITE DATA with the result bytes, multi-track,
 * write protect, the change line, geometry by image size. */
#include "tests/unit/ide_test_util.h"

#include "devices/cmos.h"
#include "devices/dma.h"
#include "devices/fdc.h"

struct rig {
	struct machine *m;
	struct fdc *f;
	struct disk *disk;
	char *path;
};

static struct rig rig_new(unsigned kib)
{
	struct rig r;
	r.path = ide_make_image(kib * 2, 512);
	r.disk = ide_open(r.path, 0);
	r.m = testbed_new(10000);
	r.m->dma = dma_create(r.m);
	r.f = fdc_create(r.m, 2);
	cr_assert_not_null(r.f);
	testbed_reset(r.m);
	if (fdc_geom_for_size(disk_size(r.disk)))
		cr_assert_eq(fdc_insert(r.f, 0, r.disk), 0);
	return r;
}

static void rig_free(struct rig *r)
{
	testbed_free(r->m);
	disk_close(r->disk);
	unlink(r->path);
	free(r->path);
}

static void fifo_out(struct machine *m, uint8_t v)
{
	cr_assert_eq(in8(m, 0x3f4) & 0xc0, 0x80, "RQM, to the FDC");
	out8(m, 0x3f5, v);
}

static void cmd(struct machine *m, const uint8_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		fifo_out(m, b[i]);
}

static unsigned result(struct machine *m, uint8_t *out, unsigned max)
{
	unsigned n = 0;
	for (int i = 0; i < 1000 && !(in8(m, 0x3f4) & 0x80); i++)
		testbed_advance_ns(m, 10000);
	while ((in8(m, 0x3f4) & 0xc0) == 0xc0 && n < max)
		out[n++] = in8(m, 0x3f5);
	cr_assert_eq(in8(m, 0x3f4) & 0xd0, 0x80, "back to the command phase");
	return n;
}

static void wait_irq(struct machine *m)
{
	for (int i = 0; i < 1000 && !m->irq.level[6]; i++)
		testbed_advance_ns(m, 10000);
	cr_assert(m->irq.level[6], "IRQ 6");
}

static void sense(struct machine *m, uint8_t *st0, uint8_t *pcn)
{
	uint8_t r[2];
	fifo_out(m, 0x08);
	cr_assert_eq(result(m, r, 2), 2);
	*st0 = r[0];
	*pcn = r[1];
}

/* The BIOS's reset: DOR through reset, then sense the four drives. */
static void reset(struct machine *m)
{
	uint8_t st0, pcn;
	out8(m, 0x3f2, 0x00);
	out8(m, 0x3f2, 0x1c); /* drive 0, motor 0 on, DMA+IRQ, out of reset */
	wait_irq(m);
	for (unsigned d = 0; d < 4; d++) {
		sense(m, &st0, &pcn);
		cr_assert_eq(st0, 0xc0 | d);
	}
	cr_assert_eq(m->irq.level[6], 0);
	uint8_t spec[3] = { 0x03, 0xaf, 0x02 };
	cmd(m, spec, 3);
}

static void seek(struct machine *m, uint8_t hds, uint8_t cyl)
{
	uint8_t s[3] = { 0x0f, hds, cyl }, st0, pcn;
	cmd(m, s, 3);
	wait_irq(m);
	sense(m, &st0, &pcn);
	cr_assert_eq(st0, 0x20 | (hds & 7));
	cr_assert_eq(pcn, cyl);
}

/* DMA channel 2: single mode, address and count, unmasked. */
static void dma_setup(struct machine *m, uint32_t addr, unsigned len,
		      bool to_mem)
{
	out8(m, 0xd6, 0xc0); /* channel 4 cascades DMA1, as POST sets up */
	out8(m, 0xd4, 0x00);
	out8(m, 0x0a, 0x06);
	out8(m, 0x0c, 0);
	out8(m, 0x0b, to_mem ? 0x46 : 0x4a);
	out8(m, 0x04, (uint8_t)addr);
	out8(m, 0x04, (uint8_t)(addr >> 8));
	out8(m, 0x81, (uint8_t)(addr >> 16));
	out8(m, 0x0c, 0);
	out8(m, 0x05, (uint8_t)(len - 1));
	out8(m, 0x05, (uint8_t)((len - 1) >> 8));
	out8(m, 0x0a, 0x02);
}

static void check_sector(struct machine *m, uint32_t addr, uint64_t lba)
{
	uint8_t b[512];
	mem_read(m->mem, addr, b, 512);
	for (unsigned i = 0; i < 512; i++)
		cr_assert_eq(b[i], pattern(lba, i), "lba %u byte %u",
			     (unsigned)lba, i);
}

Test(fdc, reset_gives_four_polling_interrupts_and_version_is_0x90)
{
	struct rig r = rig_new(1440);
	uint8_t v[10];

	reset(r.m);
	fifo_out(r.m, 0x10);
	cr_assert_eq(result(r.m, v, 1), 1);
	cr_assert_eq(v[0], 0x90);
	fifo_out(r.m, 0x08); /* nothing pending: invalid */
	cr_assert_eq(result(r.m, v, 2), 1);
	cr_assert_eq(v[0], 0x80);
	fifo_out(r.m, 0x0e);
	cr_assert_eq(result(r.m, v, 10), 10);
	cr_assert_eq(v[4], 0xaf, "SPECIFY's SRT/HUT");
	cr_assert_eq(v[5], 0x02);
	fifo_out(r.m, 0x94);
	cr_assert_eq(result(r.m, v, 1), 1);
	cr_assert_eq(v[0], 0x10, "locked");
	rig_free(&r);
}

Test(fdc, recalibrate_and_seek_report_seek_end_and_cylinder)
{
	struct rig r = rig_new(1440);
	uint8_t rc[2] = { 0x07, 0x00 }, st0, pcn, st3[1];

	reset(r.m);
	seek(r.m, 0, 30);
	cmd(r.m, rc, 2);
	cr_assert(in8(r.m, 0x3f4) & 0x01, "drive 0 busy seeking");
	wait_irq(r.m);
	sense(r.m, &st0, &pcn);
	cr_assert_eq(st0, 0x20);
	cr_assert_eq(pcn, 0);
	uint8_t sds[2] = { 0x04, 0x00 };
	cmd(r.m, sds, 2);
	cr_assert_eq(result(r.m, st3, 1), 1);
	cr_assert_eq(st3[0] & 0x10, 0x10, "track 0");
	/* A drive that isn't there: equipment check. */
	uint8_t rc3[2] = { 0x07, 0x03 };
	cmd(r.m, rc3, 2);
	wait_irq(r.m);
	sense(r.m, &st0, &pcn);
	cr_assert_eq(st0, 0x73);
	rig_free(&r);
}

Test(fdc, read_data_moves_sectors_by_dma_and_reports_the_next_chs)
{
	struct rig r = rig_new(1440);
	uint8_t res[7];

	reset(r.m);
	seek(r.m, 0x04, 5);
	dma_setup(r.m, 0x12000, 1024, true);
	/* READ DATA, MFM: drive 0 head 1, C5 H1 R3 N2, EOT 18 */
	uint8_t rd[9] = { 0x46, 0x04, 5, 1, 3, 2, 18, 0x1b, 0xff };
	cmd(r.m, rd, 9);
	cr_assert_eq(in8(r.m, 0x3f4) & 0x90, 0x10, "busy, no RQM in execution");
	wait_irq(r.m);
	cr_assert_eq(result(r.m, res, 7), 7);
	cr_assert_eq(res[0], 0x04, "ST0 %#x ST1 %#x", res[0], res[1]);
	cr_assert_eq(res[1], 0);
	cr_assert_eq(res[2], 0);
	cr_assert_eq(res[3], 5);
	cr_assert_eq(res[4], 1);
	cr_assert_eq(res[5], 5);
	cr_assert_eq(res[6], 2);
	cr_assert_eq(r.m->irq.level[6], 0, "result read clears the IRQ");
	check_sector(r.m, 0x12000, (5 * 2 + 1) * 18 + 2);
	check_sector(r.m, 0x12200, (5 * 2 + 1) * 18 + 3);
	rig_free(&r);
}

Test(fdc, multi_track_read_continues_on_head_1_and_ends_on_the_next_cylinder)
{
	struct rig r = rig_new(1440);
	uint8_t res[7];

	reset(r.m);
	seek(r.m, 0, 2);
	dma_setup(r.m, 0x20000, 4 * 512, true);
	uint8_t rd[9] = { 0xc6, 0x00, 2, 0, 17, 2, 18, 0x1b, 0xff };
	cmd(r.m, rd, 9);
	wait_irq(r.m);
	result(r.m, res, 7);
	cr_assert_eq(res[0] & 0xc0, 0, "normal termination");
	cr_assert_eq(res[3], 2);
	cr_assert_eq(res[4], 1);
	cr_assert_eq(res[5], 3);
	check_sector(r.m, 0x20000, 2 * 36 + 16);
	check_sector(r.m, 0x20400, 2 * 36 + 18);
	check_sector(r.m, 0x20600, 2 * 36 + 19);
	/* The last sector of side 1 with TC: C+1, H0, R1. */
	seek(r.m, 0x04, 2);
	dma_setup(r.m, 0x20000, 512, true);
	uint8_t rd2[9] = { 0xc6, 0x04, 2, 1, 18, 2, 18, 0x1b, 0xff };
	cmd(r.m, rd2, 9);
	wait_irq(r.m);
	result(r.m, res, 7);
	cr_assert_eq(res[3], 3);
	cr_assert_eq(res[4], 0);
	cr_assert_eq(res[5], 1);
	rig_free(&r);
}

Test(fdc, wrong_cylinder_and_missing_sector_end_with_no_data)
{
	struct rig r = rig_new(720);
	uint8_t res[7];

	reset(r.m);
	seek(r.m, 0, 1);
	dma_setup(r.m, 0x20000, 512, true);
	uint8_t rd[9] = { 0x46, 0x00, 4, 0, 1, 2, 9, 0x1b, 0xff };
	cmd(r.m, rd, 9);
	wait_irq(r.m);
	result(r.m, res, 7);
	cr_assert_eq(res[0] & 0xc0, 0x40);
	cr_assert_eq(res[1] & 0x04, 0x04);
	cr_assert_eq(res[2] & 0x10, 0x10, "wrong cylinder");
	uint8_t rd2[9] = { 0x46, 0x00, 1, 0, 10, 2, 10, 0x1b, 0xff };
	cmd(r.m, rd2, 9); /* a 720K track has 9 sectors */
	wait_irq(r.m);
	result(r.m, res, 7);
	cr_assert_eq(res[1] & 0x04, 0x04);
	rig_free(&r);
}

Test(fdc, write_data_reaches_the_overlay_and_write_protect_refuses)
{
	struct rig r = rig_new(1440);
	uint8_t res[7], src[512], back[512];

	for (unsigned i = 0; i < 512; i++)
		src[i] = (uint8_t)(0xa5 ^ i);
	mem_write(r.m->mem, 0x30000, src, 512);
	reset(r.m);
	seek(r.m, 0, 0);
	dma_setup(r.m, 0x30000, 512, false);
	uint8_t wr[9] = { 0x45, 0x00, 0, 0, 7, 2, 18, 0x1b, 0xff };
	cmd(r.m, wr, 9);
	wait_irq(r.m);
	result(r.m, res, 7);
	cr_assert_eq(res[0] & 0xc0, 0);
	cr_assert_eq(disk_read(r.disk, 6, back, 1), 0);
	cr_assert_arr_eq(back, src, 512);
	fdc_set_write_protect(r.f, 0, true);
	dma_setup(r.m, 0x30000, 512, false);
	cmd(r.m, wr, 9);
	wait_irq(r.m);
	result(r.m, res, 7);
	cr_assert_eq(res[0] & 0xc0, 0x40);
	cr_assert_eq(res[1], 0x02, "not writable");
	uint8_t sds[2] = { 0x04, 0x00 };
	cmd(r.m, sds, 2);
	result(r.m, res, 1);
	cr_assert(res[0] & 0x40, "ST3 write protected");
	rig_free(&r);
}

Test(fdc, change_line_is_set_by_media_swaps_and_cleared_by_a_seek)
{
	struct rig r = rig_new(1440);

	reset(r.m);
	cr_assert_eq(in8(r.m, 0x3f7) & 0x80, 0x80, "set at insertion");
	seek(r.m, 0, 1);
	cr_assert_eq(in8(r.m, 0x3f7) & 0x80, 0);
	fdc_eject(r.f, 0);
	cr_assert_eq(in8(r.m, 0x3f7) & 0x80, 0x80);
	seek(r.m, 0, 0);
	cr_assert_eq(in8(r.m, 0x3f7) & 0x80, 0x80, "no disk: stays set");
	cr_assert_eq(fdc_insert(r.f, 0, r.disk), 0);
	seek(r.m, 0, 2);
	cr_assert_eq(in8(r.m, 0x3f7) & 0x80, 0);
	rig_free(&r);
}

Test(fdc, geometry_comes_from_the_image_size)
{
	static const struct { uint32_t kib; uint8_t t, s, cmos; } g[] = {
		{ 360, 40, 9, CMOS_FD_360K }, { 720, 80, 9, CMOS_FD_720K },
		{ 1200, 80, 15, CMOS_FD_1200K }, { 1440, 80, 18, CMOS_FD_1440K },
		{ 2880, 80, 36, CMOS_FD_2880K }, { 1680, 80, 21, CMOS_FD_1440K },
	};
	for (unsigned i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		const struct fdc_geom *x = fdc_geom_for_size(g[i].kib * 1024);
		cr_assert_not_null(x, "%u KiB", g[i].kib);
		cr_assert_eq(x->tracks, g[i].t);
		cr_assert_eq(x->heads, 2);
		cr_assert_eq(x->spt, g[i].s);
		cr_assert_eq(x->cmos_type, g[i].cmos);
	}
	cr_assert_null(fdc_geom_for_size(1000 * 1024));
	struct rig r = rig_new(1000);
	cr_assert_eq(fdc_insert(r.f, 1, r.disk), -1);
	rig_free(&r);
}
