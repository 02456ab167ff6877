/* devices/fdc.c: Intel 82077AA floppy disk controller (AT mode).
 *
 * Commands go through the FIFO in three phases: command bytes, execution
 * (a seek or a transfer, finished by an event in virtual time), result
 * bytes. Data moves by DMA channel 2 (dma_transfer) at the end of the
 * execution phase; the terminal count from the DMA controller ends a
 * transfer normally, as on a PC. The controller does not check the data
 * rate against the medium: BIOSes that probe rates see the first one work.
 */
#include "devices/fdc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "devices/cmos.h"
#include "devices/disk.h"
#include "devices/dma.h"

#define FDC_RESET_NS 10000ull
#define FDC_SEEK_NS 50000ull        /* plus per track: */
#define FDC_STEP_NS 10000ull
#define FDC_XFER_NS 200000ull

/* DOR, MSR and status register bits. */
#define DOR_NRESET 0x04
#define DOR_DMA 0x08
#define MSR_RQM 0x80
#define MSR_DIO 0x40
#define MSR_CB 0x10
#define ST0_AT 0x40     /* abnormal termination */
#define ST0_IC 0x80     /* invalid command */
#define ST0_SE 0x20     /* seek end */
#define ST0_EC 0x10     /* equipment check */
#define ST0_NR 0x08     /* not ready */
#define ST1_EN 0x80     /* end of cylinder */
#define ST1_OR 0x10     /* overrun (DMA did not answer) */
#define ST1_ND 0x04     /* no data */
#define ST1_NW 0x02     /* not writable */
#define ST1_MA 0x01     /* missing address mark */
#define ST2_WC 0x10     /* wrong cylinder */

enum { EV_NONE, EV_RESET, EV_SEEK, EV_XFER };

static const struct fdc_geom geoms[] = {
	{ 368640, 40, 2, 9, CMOS_FD_360K, 2 },
	{ 737280, 80, 2, 9, CMOS_FD_720K, 2 },
	{ 1228800, 80, 2, 15, CMOS_FD_1200K, 0 },
	{ 1474560, 80, 2, 18, CMOS_FD_1440K, 0 },
	{ 1720320, 80, 2, 21, CMOS_FD_1440K, 0 }, /* DMF */
	{ 2949120, 80, 2, 36, CMOS_FD_2880K, 3 },
};

const struct fdc_geom *fdc_geom_for_size(uint64_t size)
{
	for (unsigned i = 0; i < sizeof(geoms) / sizeof(geoms[0]); i++)
		if (geoms[i].size == size)
			return &geoms[i];
	return NULL;
}

/* Command lengths by the low five bits; 0 = invalid. */
static const uint8_t cmd_len[32] = {
	[0x03] = 3, [0x04] = 2, [0x05] = 9, [0x06] = 9, [0x07] = 2,
	[0x08] = 1, [0x0a] = 2, [0x0d] = 6, [0x0e] = 1, [0x0f] = 3,
	[0x10] = 1, [0x12] = 2, [0x13] = 4, [0x14] = 1,
};

static void fdc_update_irq(struct fdc *f)
{
	irq_set(&f->m->irq, FDC_IRQ, f->irq_pending && (f->dor & DOR_DMA));
}

static void fdc_raise(struct fdc *f)
{
	f->irq_pending = 1;
	fdc_update_irq(f);
}

static void fdc_lower(struct fdc *f)
{
	f->irq_pending = 0;
	fdc_update_irq(f);
}

static void fdc_arm(struct fdc *f, uint8_t op, uint64_t delay)
{
	f->ev_op = op;
	f->ev_due = clock_now(&f->m->clock) + delay;
	event_schedule(&f->ev, f->ev_due);
}

static void fdc_result(struct fdc *f, const uint8_t *r, unsigned n)
{
	memcpy(f->res, r, n);
	f->nres = (uint8_t)n;
	f->res_pos = 0;
	f->ncmd = 0;
	f->phase = FDC_RESULT;
}

/* The controller's own reset (DOR or DSR): the drives keep their heads
 * where they are; the LOCKed configuration survives. */
static void fdc_soft_reset(struct fdc *f)
{
	event_cancel(&f->ev);
	f->ev_due = 0;
	f->ev_op = EV_NONE;
	f->phase = FDC_CMD;
	f->ncmd = f->nres = f->res_pos = 0;
	f->reset_sense = 0;
	for (unsigned i = 0; i < 4; i++)
		f->drive[i].g.seek_end = 0;
	if (!f->lock) {
		f->config = 0x20; /* FIFO disabled, polling on */
		f->pretrk = 0;
		f->perp = 0;
	}
	fdc_lower(f);
}

/* --- execution ----------------------------------------------------------- */

static void fdc_seek_done(struct fdc *f)
{
	unsigned dn = f->seek_hds & 3;
	struct fdc_drive *d = &f->drive[dn];
	uint8_t st0 = (uint8_t)(ST0_SE | (f->seek_hds & 7));

	if (!d->g.present) {
		st0 |= ST0_AT | ST0_EC; /* track 0 never came */
	} else {
		d->g.pcn = f->seek_to;
		d->g.head = (f->seek_hds >> 2) & 1;
		/* Stepping with a disk in clears the change line. */
		if (d->g.has_media)
			d->g.changed = 0;
	}
	d->g.seek_end = 1;
	d->g.seek_st0 = st0;
	fdc_raise(f);
}

static void next_chr(const struct fdc *f, uint8_t *c, uint8_t *h, uint8_t *r,
		     bool mt)
{
	if (*r != f->cmd[6]) {
		(*r)++;
		return;
	}
	*r = 1;
	if (mt && !(*h & 1)) {
		*h ^= 1;
	} else {
		if (mt)
			*h ^= 1;
		(*c)++;
	}
}

/* READ DATA, WRITE DATA, FORMAT TRACK, READ ID at the end of execution. */
static void fdc_transfer(struct fdc *f)
{
	uint8_t op = f->cmd[0] & 0x1f, hds = f->cmd[1];
	unsigned dn = hds & 3, head = (hds >> 2) & 1;
	struct fdc_drive *d = &f->drive[dn];
	bool mt = f->cmd[0] & 0x80, write = op == 0x05 || op == 0x0d;
	uint8_t st0 = (uint8_t)(hds & 7), st1 = 0, st2 = 0;
	uint8_t c = f->cmd[2], h = f->cmd[3], r = f->cmd[4], n = f->cmd[5];
	uint8_t buf[DISK_SECTOR];
	struct dma *dma = f->m->dma;

	if (!d->g.present || !d->g.has_media) {
		st0 |= ST0_AT | ST0_NR;
		st1 = ST1_MA;
		goto out;
	}
	const struct fdc_geom *g = d->geom;
	if (write && d->g.wp) {
		st0 |= ST0_AT;
		st1 = ST1_NW;
		goto out;
	}
	if (op == 0x0a) { /* READ ID: the next header under the head */
		c = d->g.pcn;
		h = (uint8_t)head;
		r = 1;
		n = 2;
		if (d->g.pcn >= g->tracks) {
			st0 |= ST0_AT;
			st1 = ST1_MA | ST1_ND;
		}
		goto out;
	}
	if (op == 0x0d) { /* FORMAT TRACK: four ID bytes a sector by DMA */
		unsigned sc = f->cmd[3];
		memset(buf, f->cmd[5], sizeof(buf));
		for (unsigned i = 0; i < sc; i++) {
			uint8_t id[4];
			if (!dma || dma_transfer(dma, FDC_DMA, id, 4, false) < 4) {
				st0 |= ST0_AT;
				st1 = ST1_OR;
				break;
			}
			c = id[0], h = id[1], r = id[2], n = id[3];
			if (d->g.pcn < g->tracks && r >= 1 && r <= g->spt &&
			    head < g->heads)
				disk_write(d->disk, ((uint64_t)d->g.pcn *
						     g->heads + head) * g->spt +
							    r - 1, buf, 1);
		}
		goto out;
	}
	for (;;) {
		uint64_t lba;
		size_t moved;
		if (n != 2 || c != d->g.pcn || c >= g->tracks ||
		    h != head || head >= g->heads || !r || r > g->spt) {
			st0 |= ST0_AT;
			st1 |= ST1_ND;
			if (c != d->g.pcn)
				st2 |= ST2_WC;
			break;
		}
		lba = ((uint64_t)c * g->heads + head) * g->spt + r - 1;
		if (!write && disk_read(d->disk, lba, buf, 1)) {
			st0 |= ST0_AT;
			st1 |= ST1_ND;
			break;
		}
		moved = dma ? dma_transfer(dma, FDC_DMA, buf, DISK_SECTOR,
					   !write) : 0;
		if (moved < DISK_SECTOR && !(dma && dma_tc(dma, FDC_DMA))) {
			st0 |= ST0_AT;
			st1 |= ST1_OR;
			break;
		}
		if (write && disk_write(d->disk, lba, buf, 1)) {
			st0 |= ST0_AT;
			st1 |= ST1_NW;
			break;
		}
		bool at_eot = r == f->cmd[6];
		bool track_end = at_eot && (!mt || (h & 1));
		next_chr(f, &c, &h, &r, mt);
		if (dma && dma_tc(dma, FDC_DMA))
			break;
		if (track_end) {
			/* EOT without terminal count: the PC never does this
			 * on purpose; the chip calls it abnormal. */
			st0 |= ST0_AT;
			st1 |= ST1_EN;
			break;
		}
		head = h & 1;
	}
	st0 = (uint8_t)((st0 & ~4u) | head << 2);
out:;
	uint8_t res[7] = { st0, st1, st2, c, h, r, n };
	fdc_result(f, res, 7);
	fdc_raise(f);
}

static void fdc_event(void *opaque)
{
	struct fdc *f = opaque;
	uint8_t op = f->ev_op;

	f->ev_due = 0;
	f->ev_op = EV_NONE;
	switch (op) {
	case EV_RESET:
		/* One polling interrupt per drive, sensed four times. */
		f->reset_sense = 4;
		fdc_raise(f);
		break;
	case EV_SEEK:
		fdc_seek_done(f);
		break;
	case EV_XFER:
		fdc_transfer(f);
		break;
	}
}

static void sense_interrupt(struct fdc *f)
{
	uint8_t res[2];

	if (f->reset_sense) {
		unsigned dn = 4u - f->reset_sense--;
		res[0] = (uint8_t)(0xc0 | dn);
		res[1] = f->drive[dn].g.pcn;
		if (!f->reset_sense)
			fdc_lower(f);
		fdc_result(f, res, 2);
		return;
	}
	for (unsigned dn = 0; dn < 4; dn++) {
		struct fdc_drive *d = &f->drive[dn];
		if (d->g.seek_end) {
			d->g.seek_end = 0;
			res[0] = d->g.seek_st0;
			res[1] = d->g.pcn;
			fdc_lower(f);
			fdc_result(f, res, 2);
			return;
		}
	}
	res[0] = ST0_IC;
	fdc_result(f, res, 1);
}

static void fdc_execute(struct fdc *f)
{
	uint8_t *c = f->cmd, res[10];
	struct fdc_drive *d = &f->drive[c[1] & 3];

	switch (c[0] & 0x1f) {
	case 0x03: /* SPECIFY */
		f->srt_hut = c[1];
		f->hlt_nd = c[2];
		f->ncmd = 0;
		break;
	case 0x04: /* SENSE DRIVE STATUS: ST3 */
		d->g.head = (c[1] >> 2) & 1;
		res[0] = (uint8_t)((c[1] & 7) | 0x20 | 0x08 |
				   (d->g.pcn == 0 ? 0x10 : 0) |
				   (d->g.wp || !d->g.has_media ? 0x40 : 0));
		fdc_result(f, res, 1);
		break;
	case 0x07: /* RECALIBRATE */
	case 0x0f: { /* SEEK */
		unsigned to = (c[0] & 0x1f) == 0x07 ? 0 : c[2];
		unsigned dist = to > d->g.pcn ? to - d->g.pcn : d->g.pcn - to;
		f->ncmd = 0;
		f->phase = FDC_CMD;
		f->seek_hds = c[1];
		f->seek_to = (uint8_t)to;
		fdc_arm(f, EV_SEEK, FDC_SEEK_NS + dist * FDC_STEP_NS);
		break;
	}
	case 0x08:
		sense_interrupt(f);
		break;
	case 0x05: case 0x06: case 0x0a: case 0x0d:
		f->phase = FDC_EXEC;
		fdc_arm(f, EV_XFER, FDC_XFER_NS);
		break;
	case 0x0e: /* DUMPREG */
		for (unsigned i = 0; i < 4; i++)
			res[i] = f->drive[i].g.pcn;
		res[4] = f->srt_hut;
		res[5] = f->hlt_nd;
		res[6] = 0;
		res[7] = (uint8_t)(f->lock << 7 | (f->perp & 0x7f));
		res[8] = f->config;
		res[9] = f->pretrk;
		fdc_result(f, res, 10);
		break;
	case 0x10: /* VERSION: an enhanced controller */
		res[0] = 0x90;
		fdc_result(f, res, 1);
		break;
	case 0x12: /* PERPENDICULAR MODE */
		f->perp = c[1];
		f->ncmd = 0;
		break;
	case 0x13: /* CONFIGURE */
		f->config = c[2];
		f->pretrk = c[3];
		f->ncmd = 0;
		break;
	case 0x14: /* LOCK */
		f->lock = c[0] >> 7;
		res[0] = (uint8_t)(f->lock << 4);
		fdc_result(f, res, 1);
		break;
	}
}

/* --- registers ----------------------------------------------------------- */

static uint8_t fdc_msr(const struct fdc *f)
{
	uint8_t msr = 0;

	if (f->in_reset)
		return 0;
	if (f->ev_op == EV_SEEK)
		msr |= (uint8_t)(1u << (f->seek_hds & 3));
	switch (f->phase) {
	case FDC_CMD:
		msr |= MSR_RQM | (f->ncmd ? MSR_CB : 0);
		break;
	case FDC_EXEC:
		msr |= MSR_CB;
		break;
	case FDC_RESULT:
		msr |= MSR_RQM | MSR_DIO | MSR_CB;
		break;
	}
	return msr;
}

static void fifo_write(struct fdc *f, uint8_t v)
{
	if (f->in_reset || f->phase != FDC_CMD)
		return;
	if (!f->ncmd) {
		f->cmd_len = cmd_len[v & 0x1f];
		/* A new command clears a transfer's interrupt; only SENSE
		 * INTERRUPT STATUS may see seek and reset interrupts. */
		if ((v & 0x1f) != 0x08 && !f->reset_sense)
			fdc_lower(f);
		if (!f->cmd_len || ((v & 0x1f) == 0x14 && (v & 0x7f) != 0x14)) {
			uint8_t st0 = ST0_IC;
			log_debug(&f->m->log, FDC, "fdc: command %#x invalid", v);
			fdc_result(f, &st0, 1);
			return;
		}
	}
	f->cmd[f->ncmd++] = v;
	if (f->ncmd == f->cmd_len)
		fdc_execute(f);
}

static uint8_t fifo_read(struct fdc *f)
{
	if (f->phase != FDC_RESULT || f->in_reset)
		return 0;
	uint8_t v = f->res[f->res_pos++];
	if ((f->cmd[0] & 0x1f) != 0x08)
		fdc_lower(f);
	if (f->res_pos >= f->nres) {
		f->phase = FDC_CMD;
		f->ncmd = f->nres = f->res_pos = 0;
	}
	return v;
}

static uint32_t fdc_read(void *opaque, uint64_t off, unsigned size)
{
	struct fdc *f = opaque;

	switch (off) {
	case 2:
		return f->dor;
	case 3:
		return f->tdr;
	case 4:
		return fdc_msr(f);
	case 5:
		return fifo_read(f);
	case 7: /* DIR: the selected drive's change line */
		return (uint32_t)f->drive[f->dor & 3].g.changed << 7;
	default:
		return 0xff; /* SRA/SRB exist in PS/2 mode only */
	}
}

static void fdc_write(void *opaque, uint64_t off, uint32_t val, unsigned size)
{
	struct fdc *f = opaque;
	uint8_t v = (uint8_t)val, old = f->dor;

	switch (off) {
	case 2:
		f->dor = v;
		if (!(v & DOR_NRESET)) {
			if (!f->in_reset)
				fdc_soft_reset(f);
			f->in_reset = 1;
		} else if (f->in_reset || !(old & DOR_NRESET)) {
			f->in_reset = 0;
			fdc_arm(f, EV_RESET, FDC_RESET_NS);
		}
		fdc_update_irq(f);
		break;
	case 3:
		f->tdr = v & 3;
		break;
	case 4: /* DSR: bit 7 resets and clears itself */
		f->dsr = v & 0x7f;
		if (v & 0x80) {
			fdc_soft_reset(f);
			fdc_arm(f, EV_RESET, FDC_RESET_NS);
		}
		break;
	case 5:
		fifo_write(f, v);
		break;
	case 7: /* CCR: the data rate */
		f->ccr = v & 3;
		f->dsr = (uint8_t)((f->dsr & ~3u) | (v & 3));
		break;
	}
}

/* 0x3F7 is its own range (0x3F6 is IDE's), so its offset is 0 there. */
static uint32_t fdc_dir_read(void *opaque, uint64_t off, unsigned size)
{
	return fdc_read(opaque, 7, size);
}

static void fdc_ccr_write(void *opaque, uint64_t off, uint32_t val,
			  unsigned size)
{
	fdc_write(opaque, 7, val, size);
}

static const struct io_ops fdc_ops = { .read = fdc_read, .write = fdc_write };
static const struct io_ops fdc_dir_ops = {
	.read = fdc_dir_read,
	.write = fdc_ccr_write,
};

/* --- machine glue -------------------------------------------------------- */

#define F(f) STATE_FIELD(struct fdc, f)
static const struct state_field fdc_fields[] = {
	F(drive[0].g), F(drive[1].g), F(drive[2].g), F(drive[3].g),
	F(dor), F(dsr), F(ccr), F(tdr), F(phase), F(cmd), F(ncmd),
	F(cmd_len), F(res), F(nres), F(res_pos), F(irq_pending),
	F(reset_sense), F(srt_hut), F(hlt_nd), F(config), F(pretrk),
	F(lock), F(perp), F(in_reset), F(ev_op), F(ev_due), F(seek_hds),
	F(seek_to),
	STATE_END,
};

static void fdc_post_load(void *opaque)
{
	struct fdc *f = opaque;
	event_cancel(&f->ev);
	if (f->ev_due)
		event_schedule(&f->ev, f->ev_due);
	if (f->ncmd > sizeof(f->cmd) || f->nres > sizeof(f->res))
		f->ncmd = f->nres = f->res_pos = 0;
	fdc_update_irq(f);
}

void fdc_reset(void *opaque)
{
	struct fdc *f = opaque;

	f->lock = 0;
	fdc_soft_reset(f);
	f->dor = 0;          /* held in reset until the BIOS lets go */
	f->in_reset = 1;
	f->dsr = f->ccr = 0x02;
	f->tdr = 0;
	f->srt_hut = f->hlt_nd = 0;
	for (unsigned i = 0; i < 4; i++) {
		f->drive[i].g.pcn = 0;
		f->drive[i].g.head = 0;
	}
	fdc_update_irq(f);
}

static void fdc_destroy(void *opaque)
{
	struct fdc *f = opaque;
	event_cancel(&f->ev);
	free(f);
}

struct fdc *fdc_create(struct machine *m, unsigned ndrives)
{
	struct fdc *f = xcalloc(1, sizeof(*f));

	f->m = m;
	event_init(&f->ev, &m->clock, fdc_event, f, "fdc");
	for (unsigned i = 0; i < 4 && i < ndrives; i++)
		f->drive[i].g.present = 1;
	/* 0x3F6 is the IDE alternate status: two ranges. */
	if (bus_map_ports(m->bus, FDC_BASE, 6, &fdc_ops, f, "fdc") ||
	    bus_map_ports(m->bus, FDC_BASE + 7, 1, &fdc_dir_ops, f, "fdc-dir")) {
		free(f);
		return NULL;
	}
	state_add_hooked(&m->state, "fdc", fdc_fields, f, NULL, fdc_post_load,
			 f);
	fdc_reset(f);
	machine_add_device(m, "fdc", f, fdc_reset, fdc_destroy);
	return f;
}

int fdc_insert(struct fdc *f, unsigned dn, struct disk *disk)
{
	const struct fdc_geom *g = disk ? fdc_geom_for_size(disk_size(disk))
				       : NULL;
	if (dn >= 4 || !g)
		return -1;
	struct fdc_drive *d = &f->drive[dn];
	d->disk = disk;
	d->geom = g;
	d->g.present = 1;
	d->g.has_media = 1;
	d->g.changed = 1;
	d->g.wp = disk_readonly(disk);
	return 0;
}

void fdc_eject(struct fdc *f, unsigned dn)
{
	if (dn >= 4)
		return;
	f->drive[dn].disk = NULL;
	f->drive[dn].g.has_media = 0;
	f->drive[dn].g.changed = 1;
}

void fdc_set_write_protect(struct fdc *f, unsigned dn, bool wp)
{
	if (dn < 4)
		f->drive[dn].g.wp = wp;
}
