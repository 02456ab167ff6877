/* devices/ide.c: IDE channels: task-file registers, reset and signatures,
 * interrupts, the PIO data port and the bus-master DMA engine. The command
 * sets live in ide_ata.c and ide_atapi.c.
 *
 * Every command completes after a small delay of virtual time (an event),
 * so a guest polling BSY sees it busy for a while, the same way every run.
 */
#include "devices/ide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "devices/disk.h"
#include "devices/piix.h"
#include "mmu/mem.h"

#define IDE_RESET_NS 50000ull   /* SRST released -> signature ready */
#define IDE_DMA_SETUP_NS 2000ull
#define IDE_DMA_NS_PER_32B 1ull  /* ~32 MB/s, UDMA/33 */
#define IDE_PRD_MAX 8192u       /* a 64 KiB table's worth of entries */

static const uint16_t ide_base[2] = { 0x1f0, 0x170 };
static const uint16_t ide_ctl_port[2] = { 0x3f6, 0x376 };
static const unsigned ide_irq[2] = { 14, 15 };

static void ide_update_irq(struct ide_channel *ch)
{
	bool level = ch->irq_pending && !(ch->ctl & IDE_CTL_NIEN);
	irq_set(&ch->ide->m->irq, ch->irq, level);
}

void ide_raise_irq(struct ide_channel *ch)
{
	ch->irq_pending = 1;
	/* The PIIX latches every rising edge of INTRQ in BMISTA bit 2. */
	if (ch->ide->bm && !(ch->ctl & IDE_CTL_NIEN))
		ch->ide->bm->bm[ch->idx].sts |= PIIX_BM_STS_IRQ;
	ide_update_irq(ch);
}

static void ide_lower_irq(struct ide_channel *ch)
{
	ch->irq_pending = 0;
	ide_update_irq(ch);
}

void ide_schedule(struct ide_channel *ch, enum ide_op op, uint64_t delay)
{
	ch->op = (uint8_t)op;
	ch->status = (uint8_t)((ch->status & ~IDE_ST_DRQ) | IDE_ST_BSY);
	ch->ev_due = clock_now(&ch->ide->m->clock) + (delay ? delay : 1);
	event_schedule(&ch->ev, ch->ev_due);
}

void ide_done(struct ide_channel *ch)
{
	ch->xfer = IDE_XFER_NONE;
	ch->status = IDE_ST_DRDY | IDE_ST_DSC;
	ch->error = 0;
	ide_raise_irq(ch);
}

void ide_abort(struct ide_channel *ch, uint8_t error)
{
	ch->xfer = IDE_XFER_NONE;
	ch->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_ERR;
	ch->error = error;
	ide_raise_irq(ch);
}

void ide_pio_in(struct ide_channel *ch, uint32_t len, bool irq)
{
	ch->pos = 0;
	ch->end = len;
	ch->status = IDE_ST_DRDY | IDE_ST_DSC | IDE_ST_DRQ;
	if (irq)
		ide_raise_irq(ch);
}

void ide_pio_out(struct ide_channel *ch, uint32_t len, bool irq)
{
	ide_pio_in(ch, len, irq);
}

void ide_put_string(uint16_t *w, const char *s, unsigned words)
{
	/* ATA strings: space padded, two characters per word, first in the
	 * high byte. */
	size_t n = strlen(s);
	for (unsigned i = 0; i < words * 2; i++) {
		uint8_t c = i < n ? (uint8_t)s[i] : ' ';
		if (i & 1)
			w[i / 2] |= c;
		else
			w[i / 2] = (uint16_t)(c << 8);
	}
}

void ide_set_signature(struct ide_channel *ch, struct ide_drive *d)
{
	ch->nsector = 1;
	ch->sector = 1;
	if (d->kind == IDE_ATAPI) {
		ch->lcyl = 0x14;
		ch->hcyl = 0xeb;
	} else {
		ch->lcyl = 0;
		ch->hcyl = 0;
	}
}

/* Power-on or SRST: both drives run their diagnostics; the channel shows
 * the selected drive's signature. */
static void ide_channel_reset(struct ide_channel *ch, bool hard)
{
	event_cancel(&ch->ev);
	ch->ev_due = 0;
	ch->op = IDE_OP_NONE;
	ch->xfer = IDE_XFER_NONE;
	ch->dma_wait = 0;
	ch->pos = ch->end = 0;
	ch->select = 0xa0;
	ch->feature = ch->hob_feature = 0;
	ch->hob_nsector = ch->hob_sector = ch->hob_lcyl = ch->hob_hcyl = 0;
	ch->error = 0x01; /* diagnostics passed */
	ide_set_signature(ch, &ch->drive[0]);
	/* ATAPI devices keep DRDY clear after reset (ATA-4 9.1). */
	ch->status = ch->drive[0].kind == IDE_ATA ? IDE_ST_DRDY | IDE_ST_DSC
						  : 0;
	for (unsigned u = 0; u < 2 && hard; u++) {
		struct ide_drive *d = &ch->drive[u];
		d->g.cur_cyls = (uint16_t)d->cyls;
		d->g.cur_heads = (uint16_t)d->heads;
		d->g.cur_spt = (uint16_t)d->spt;
		d->g.mult = 0;
		d->g.xfer_mode = 0;
		d->g.locked = 0;
		d->g.sense_key = d->g.asc = d->g.ascq = 0;
	}
	ide_lower_irq(ch);
}

/* --- bus-master DMA ------------------------------------------------------ */

static bool ide_dma_to_mem(struct ide_channel *ch)
{
	return ide_cur(ch)->kind == IDE_ATAPI ||
	       (ch->cmd != 0xca && ch->cmd != 0xcb && ch->cmd != 0x35);
}

static int ide_dma_chunk(struct ide_channel *ch, uint32_t max, bool to_mem)
{
	if (ide_cur(ch)->kind == IDE_ATAPI)
		return ide_atapi_dma_chunk(ch, max);
	return ide_ata_dma_chunk(ch, max, to_mem);
}

/* Walk the PRD table and move the whole transfer. The PIIX wants each
 * region inside one 64 KiB page; we move what the guest asked for anyway
 * (crossing is harmless here) and only log it. */
static void ide_dma_run(struct ide_channel *ch)
{
	struct ide *ide = ch->ide;
	struct piix_ide_bm *bm = &ide->bm->bm[ch->idx];
	bool to_mem = ide_dma_to_mem(ch), done = false, eot = false;
	uint32_t have = 0, off = 0;
	int err = 0;

	if (!(bm->cmd & PIIX_BM_CMD_START)) {
		ch->dma_wait = 1; /* runs when the guest sets Start */
		return;
	}
	ch->dma_wait = 0;
	if (!!(bm->cmd & PIIX_BM_CMD_READ) != to_mem)
		err = -1; /* direction disagrees with the command */
	for (unsigned n = 0; !err && !done && !eot && n < IDE_PRD_MAX; n++) {
		uint8_t e[8];
		mem_read(ide->m->mem, (uint64_t)bm->prd + 8u * n, e, 8);
		uint32_t addr = (uint32_t)e[0] | (uint32_t)e[1] << 8 |
				(uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
		uint32_t len = ((uint32_t)e[4] | (uint32_t)e[5] << 8) & 0xfffe;
		addr &= ~1u;
		if (!len)
			len = 0x10000;
		eot = e[7] & 0x80;
		if ((addr & 0xffff) + len > 0x10000)
			log_debug(&ide->m->log, IDE,
				  "ide%u: PRD region %#x+%#x crosses 64 KiB",
				  ch->idx, addr, len);
		while (len && !done && !err) {
			uint32_t c;
			if (to_mem) {
				if (off == have) {
					int r = ide_dma_chunk(ch, IDE_BUF_SIZE,
							      true);
					if (r <= 0) {
						err = r < 0;
						done = r == 0;
						break;
					}
					have = (uint32_t)r;
					off = 0;
				}
				c = have - off < len ? have - off : len;
				mem_write(ide->m->mem, addr, ch->buf + off, c);
				off += c;
			} else {
				c = DISK_SECTOR - have < len ? DISK_SECTOR - have
							     : len;
				mem_read(ide->m->mem, addr, ch->buf + have, c);
				have += c;
				if (have == DISK_SECTOR) {
					have = 0;
					int r = ide_dma_chunk(ch, DISK_SECTOR,
							      false);
					err = r < 0;
					done = r == 0;
				}
			}
			addr += c;
			len -= c;
		}
		/* A region that ended exactly with the data: peek whether
		 * anything is left, so a table of the right size ends with
		 * Active clear. */
		if (to_mem && !done && !err && off == have) {
			int r = ide_dma_chunk(ch, IDE_BUF_SIZE, true);
			if (r > 0) {
				have = (uint32_t)r;
				off = 0;
			}
			err = r < 0;
			done = r == 0;
		}
		if (!to_mem && !done && !err && have == 0 && ch->remaining == 0)
			done = true;
		if (done && len)
			eot = false; /* the table had room to spare */
	}
	if (done && !eot) {
		/* Interrupt with Active still set: the PRDs were larger than
		 * the transfer (PIIX datasheet, BMISTA). */
		bm->sts |= PIIX_BM_STS_ACTIVE;
	} else {
		bm->sts &= (uint8_t)~PIIX_BM_STS_ACTIVE;
	}
	if (!done && !err)
		err = -1; /* the table ran out before the data */
	if (err) {
		bm->sts |= PIIX_BM_STS_ERROR;
		ide_abort(ch, ch->error ? ch->error : IDE_ER_ABRT);
		return;
	}
	if (ide_cur(ch)->kind == IDE_ATAPI) {
		ch->nsector = 0x03; /* I/O, C/D: status phase */
		ide_cur(ch)->g.sense_key = 0;
	}
	ide_done(ch);
}

/* Time the whole transfer takes on the cable. */
static void ide_dma_arm(struct ide_channel *ch)
{
	uint64_t bytes = ide_cur(ch)->kind == IDE_ATAPI
				 ? ch->atapi_total
				 : (uint64_t)ch->remaining * DISK_SECTOR;
	ide_schedule(ch, IDE_OP_DMA,
		     IDE_DMA_SETUP_NS + bytes / 32 * IDE_DMA_NS_PER_32B);
	ch->status |= IDE_ST_DRQ;
}

void ide_dma_start(struct ide_channel *ch)
{
	if (!ch->ide->bm) {
		ide_abort(ch, IDE_ER_ABRT);
		return;
	}
	ch->xfer = IDE_XFER_DMA;
	ide_dma_arm(ch);
}

static void ide_bm_command(void *opaque, unsigned chn, uint8_t old)
{
	struct ide *ide = opaque;
	struct ide_channel *ch = &ide->ch[chn & 1];
	struct piix_ide_bm *bm = &ide->bm->bm[chn & 1];

	if (!(old & PIIX_BM_CMD_START) && (bm->cmd & PIIX_BM_CMD_START)) {
		bm->sts |= PIIX_BM_STS_ACTIVE;
		if (ch->dma_wait) {
			ch->dma_wait = 0;
			ide_dma_arm(ch);
		}
	} else if (!(bm->cmd & PIIX_BM_CMD_START)) {
		/* Stopping ends (or abandons) the transfer. */
		bm->sts &= (uint8_t)~PIIX_BM_STS_ACTIVE;
	}
}

/* --- events -------------------------------------------------------------- */

static void ide_event(void *opaque)
{
	struct ide_channel *ch = opaque;
	uint8_t op = ch->op;

	ch->ev_due = 0;
	ch->op = IDE_OP_NONE;
	switch (op) {
	case IDE_OP_CMD:
		ide_ata_command(ch);
		break;
	case IDE_OP_PIO_IN:
		ide_ata_pio_in(ch);
		break;
	case IDE_OP_PIO_OUT:
		ide_ata_pio_out(ch);
		break;
	case IDE_OP_DMA:
		ide_dma_run(ch);
		break;
	case IDE_OP_PACKET:
		ide_atapi_packet(ch);
		break;
	case IDE_OP_ATAPI_IN:
		ide_atapi_next(ch);
		break;
	case IDE_OP_RESET:
		ide_channel_reset(ch, false);
		break;
	default:
		break;
	}
}

/* --- registers ----------------------------------------------------------- */

/* The guest drained or filled the DRQ block. */
static void ide_block_done(struct ide_channel *ch)
{
	ch->status &= (uint8_t)~IDE_ST_DRQ;
	switch (ch->xfer) {
	case IDE_XFER_ATA_IN:
		if (ch->remaining)
			ide_schedule(ch, IDE_OP_PIO_IN, 2000);
		else {
			ch->xfer = IDE_XFER_NONE; /* no IRQ at the end */
			ch->status = IDE_ST_DRDY | IDE_ST_DSC;
		}
		break;
	case IDE_XFER_ATA_OUT:
		ide_schedule(ch, IDE_OP_PIO_OUT, 2000);
		break;
	case IDE_XFER_PACKET:
		ide_schedule(ch, IDE_OP_PACKET, 5000);
		break;
	case IDE_XFER_ATAPI_IN:
		ide_schedule(ch, IDE_OP_ATAPI_IN, 2000);
		break;
	default:
		ch->status = IDE_ST_DRDY | IDE_ST_DSC;
		break;
	}
}

static uint32_t ide_data_read(struct ide_channel *ch, unsigned size)
{
	uint32_t v = 0;

	if (!(ch->status & IDE_ST_DRQ) || ch->xfer == IDE_XFER_ATA_OUT ||
	    ch->xfer == IDE_XFER_PACKET || ch->xfer == IDE_XFER_DMA)
		return 0;
	for (unsigned i = 0; i < size && ch->pos < ch->end; i++)
		v |= (uint32_t)ch->buf[ch->pos++] << (8 * i);
	if (ch->pos >= ch->end)
		ide_block_done(ch);
	return v;
}

static void ide_data_write(struct ide_channel *ch, uint32_t v, unsigned size)
{
	if (!(ch->status & IDE_ST_DRQ) ||
	    (ch->xfer != IDE_XFER_ATA_OUT && ch->xfer != IDE_XFER_PACKET))
		return;
	for (unsigned i = 0; i < size && ch->pos < ch->end; i++)
		ch->buf[ch->pos++] = (uint8_t)(v >> (8 * i));
	if (ch->pos >= ch->end)
		ide_block_done(ch);
}

static uint32_t ide_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_channel *ch = opaque;
	bool hob = ch->ctl & IDE_CTL_HOB;
	bool any = ch->drive[0].kind || ch->drive[1].kind;

	if (off == 0)
		return ide_cur(ch)->kind ? ide_data_read(ch, size) : 0;
	/* No drive there: the registers read as nothing (QEMU and SeaBIOS
	 * agree on 0), but the device register still shows DEV. */
	if (!any || (!ide_cur(ch)->kind && off != 6)) {
		if (off == 7)
			ide_lower_irq(ch);
		return 0;
	}
	switch (off) {
	case 1:
		return hob ? ch->hob_feature : ch->error;
	case 2:
		return hob ? ch->hob_nsector : ch->nsector;
	case 3:
		return hob ? ch->hob_sector : ch->sector;
	case 4:
		return hob ? ch->hob_lcyl : ch->lcyl;
	case 5:
		return hob ? ch->hob_hcyl : ch->hcyl;
	case 6:
		return ch->select;
	default:
		ide_lower_irq(ch);
		return ch->status;
	}
}

static void ide_write(void *opaque, uint64_t off, uint32_t val, unsigned size)
{
	struct ide_channel *ch = opaque;
	uint8_t v = (uint8_t)val;

	if (off == 0) {
		if (ide_cur(ch)->kind)
			ide_data_write(ch, val, size);
		return;
	}
	/* Command block writes are ignored while busy, except DEVICE RESET
	 * for a packet device. */
	if ((ch->status & IDE_ST_BSY) &&
	    !(off == 7 && v == 0x08 && ide_cur(ch)->kind == IDE_ATAPI))
		return;
	ch->ctl &= (uint8_t)~IDE_CTL_HOB;
	switch (off) {
	/* The task file is a two-deep FIFO for LBA48: the old value becomes
	 * the "previous" (HOB) byte. */
	case 1:
		ch->hob_feature = ch->feature;
		ch->feature = v;
		break;
	case 2:
		ch->hob_nsector = ch->nsector;
		ch->nsector = v;
		break;
	case 3:
		ch->hob_sector = ch->sector;
		ch->sector = v;
		break;
	case 4:
		ch->hob_lcyl = ch->lcyl;
		ch->lcyl = v;
		break;
	case 5:
		ch->hob_hcyl = ch->hcyl;
		ch->hcyl = v;
		break;
	case 6:
		ch->select = (uint8_t)(v | 0xa0);
		break;
	case 7:
		if (!ide_cur(ch)->kind)
			return;
		ch->cmd = v;
		ch->xfer = IDE_XFER_NONE;
		ch->dma_wait = 0;
		ide_lower_irq(ch);
		ide_schedule(ch, IDE_OP_CMD, 10000);
		break;
	}
}

static uint32_t ide_ctl_read(void *opaque, uint64_t off, unsigned size)
{
	struct ide_channel *ch = opaque;
	if (!ch->drive[0].kind && !ch->drive[1].kind)
		return 0;
	return ide_cur(ch)->kind ? ch->status : 0;
}

static void ide_ctl_write(void *opaque, uint64_t off, uint32_t val,
			  unsigned size)
{
	struct ide_channel *ch = opaque;
	uint8_t old = ch->ctl, v = (uint8_t)val;

	ch->ctl = v;
	if (v & IDE_CTL_SRST) {
		if (!(old & IDE_CTL_SRST)) {
			event_cancel(&ch->ev);
			ch->ev_due = 0;
			ch->op = IDE_OP_NONE;
			ch->xfer = IDE_XFER_NONE;
			ch->status = IDE_ST_BSY;
		}
	} else if (old & IDE_CTL_SRST) {
		ide_schedule(ch, IDE_OP_RESET, IDE_RESET_NS);
	}
	ide_update_irq(ch);
}

static const struct io_ops ide_ops = { .read = ide_read, .write = ide_write };
static const struct io_ops ide_ctl_ops = {
	.read = ide_ctl_read,
	.write = ide_ctl_write,
};

/* --- machine glue -------------------------------------------------------- */

#define CH_FIELD(f) STATE_FIELD(struct ide_channel, f)
static const struct state_field ide_ch_fields[] = {
	CH_FIELD(drive[0].g), CH_FIELD(drive[1].g),
	CH_FIELD(feature), CH_FIELD(nsector), CH_FIELD(sector),
	CH_FIELD(lcyl), CH_FIELD(hcyl), CH_FIELD(select),
	CH_FIELD(hob_feature), CH_FIELD(hob_nsector), CH_FIELD(hob_sector),
	CH_FIELD(hob_lcyl), CH_FIELD(hob_hcyl),
	CH_FIELD(status), CH_FIELD(error), CH_FIELD(ctl), CH_FIELD(cmd),
	CH_FIELD(irq_pending), CH_FIELD(op), CH_FIELD(xfer), CH_FIELD(lba48),
	CH_FIELD(dma_wait), CH_FIELD(ev_due), CH_FIELD(lba),
	CH_FIELD(remaining), CH_FIELD(block), CH_FIELD(pos), CH_FIELD(end),
	CH_FIELD(atapi_read), CH_FIELD(atapi_total), CH_FIELD(atapi_done),
	CH_FIELD(buf),
	STATE_END,
};

static void ide_post_load(void *opaque)
{
	struct ide_channel *ch = opaque;

	event_cancel(&ch->ev);
	if (ch->ev_due)
		event_schedule(&ch->ev, ch->ev_due);
	if (ch->pos > ch->end || ch->end > IDE_BUF_SIZE)
		ch->pos = ch->end = 0; /* a damaged snapshot stays in bounds */
	ide_update_irq(ch);
}

void ide_reset(void *opaque)
{
	struct ide *ide = opaque;
	for (unsigned c = 0; c < 2; c++) {
		ide->ch[c].ctl = 0;
		ide_channel_reset(&ide->ch[c], true);
	}
}

static void ide_destroy(void *opaque)
{
	struct ide *ide = opaque;
	for (unsigned c = 0; c < 2; c++)
		event_cancel(&ide->ch[c].ev);
	if (ide->bm)
		piix_ide_set_hook(ide->bm, NULL, NULL);
	free(ide);
}

struct ide *ide_create(struct machine *m, struct piix_ide *bm,
		       struct disk *const disks[4], const uint8_t kinds[4])
{
	static const char *const names[2] = { "ide0", "ide1" };
	struct ide *ide = xcalloc(1, sizeof(*ide));

	ide->m = m;
	ide->bm = bm;
	for (unsigned c = 0; c < 2; c++) {
		struct ide_channel *ch = &ide->ch[c];
		ch->ide = ide;
		ch->idx = c;
		ch->irq = ide_irq[c];
		event_init(&ch->ev, &m->clock, ide_event, ch, names[c]);
		for (unsigned u = 0; u < 2; u++) {
			struct ide_drive *d = &ch->drive[u];
			d->kind = kinds[c * 2 + u];
			d->disk = disks[c * 2 + u];
			snprintf(d->serial, sizeof(d->serial), "LUCID%05u",
				 c * 2 + u + 1);
			if (d->kind == IDE_ATA) {
				snprintf(d->model, sizeof(d->model),
					 "LUCID HARDDISK");
				ide_ata_geometry(d);
			} else if (d->kind == IDE_ATAPI) {
				snprintf(d->model, sizeof(d->model),
					 "LUCID CD-ROM");
				d->g.has_media = d->disk != NULL;
			}
		}
		if (bus_map_ports(m->bus, ide_base[c], 8, &ide_ops, ch,
				  names[c]) ||
		    bus_map_ports(m->bus, ide_ctl_port[c], 1, &ide_ctl_ops, ch,
				  names[c])) {
			free(ide);
			return NULL;
		}
		state_add_hooked(&m->state, names[c], ide_ch_fields, ch, NULL,
				 ide_post_load, ch);
	}
	if (bm)
		piix_ide_set_hook(bm, ide_bm_command, ide);
	ide_reset(ide);
	machine_add_device(m, "ide", ide, ide_reset, ide_destroy);
	return ide;
}

void ide_cdrom_change(struct ide *ide, unsigned c, unsigned u,
		      struct disk *disk)
{
	struct ide_drive *d = &ide->ch[c & 1].drive[u & 1];

	if (d->kind != IDE_ATAPI)
		return;
	d->disk = disk;
	d->g.has_media = disk != NULL;
	d->g.unit_attention = 1;
	d->g.media_event = disk ? 2 : 3;
}
