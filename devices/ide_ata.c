/* devices/ide_ata.c: the ATA command set of a hard disk (and the ATA
 * commands a packet device answers). Runs when the command's delay has
 * passed (IDE_OP_CMD); ide.c moves the bytes. */
#include "devices/ide.h"

#include <string.h>

#include "core/machine.h"
#include "devices/disk.h"

#define IDE_CHS_MAX_CYLS 16383u

/* 16 heads and 63 sectors, the translation every BIOS expects of a
 * large disk; cylinders capped at 16383 (the IDENTIFY limit). */
void ide_ata_geometry(struct ide_drive *d)
{
	uint64_t n = d->disk ? disk_sectors(d->disk) : 0;
	uint64_t cyls = n / (16 * 63);

	d->heads = 16;
	d->spt = 63;
	if (cyls > IDE_CHS_MAX_CYLS)
		cyls = IDE_CHS_MAX_CYLS;
	d->cyls = cyls ? (uint32_t)cyls : 1;
}

static void put16(uint8_t *buf, unsigned word, uint16_t v)
{
	buf[2 * word] = (uint8_t)v;
	buf[2 * word + 1] = (uint8_t)(v >> 8);
}

static void identify(struct ide_channel *ch, struct ide_drive *d)
{
	uint16_t w[256];
	uint64_t n = disk_sectors(d->disk);
	uint64_t chs = (uint64_t)d->g.cur_cyls * d->g.cur_heads * d->g.cur_spt;
	uint64_t lba28 = n < 0x0fffffff ? n : 0x0fffffff;
	uint8_t mode = d->g.xfer_mode;

	memset(w, 0, sizeof(w));
	w[0] = 0x0040;                  /* fixed disk */
	w[1] = (uint16_t)d->cyls;
	w[3] = (uint16_t)d->heads;
	w[4] = (uint16_t)(512 * d->spt);
	w[5] = 512;
	w[6] = (uint16_t)d->spt;
	ide_put_string(&w[10], d->serial, 10);
	w[20] = 3;                      /* dual-ported buffer */
	w[21] = 512;
	w[22] = 4;                      /* ECC bytes for READ LONG */
	ide_put_string(&w[23], "1.0", 4);
	ide_put_string(&w[27], d->model, 20);
	w[47] = 0x8000 | IDE_MAX_MULT;
	w[49] = 0x0b00;                 /* IORDY, LBA, DMA */
	w[50] = 0x4000;
	w[51] = 0x0200;                 /* PIO timing mode 2 */
	w[52] = 0x0200;
	w[53] = 0x0007;                 /* words 54-58, 64-70, 88 valid */
	w[54] = d->g.cur_cyls;
	w[55] = d->g.cur_heads;
	w[56] = d->g.cur_spt;
	w[57] = (uint16_t)chs;
	w[58] = (uint16_t)(chs >> 16);
	if (d->g.mult)
		w[59] = 0x0100 | d->g.mult;
	w[60] = (uint16_t)lba28;
	w[61] = (uint16_t)(lba28 >> 16);
	w[63] = 0x0007;                 /* multiword DMA 0-2 */
	if ((mode & 0xf8) == 0x20)
		w[63] |= (uint16_t)(0x100 << (mode & 7));
	w[64] = 0x0003;                 /* PIO 3 and 4 */
	w[65] = w[66] = w[67] = w[68] = 120;
	w[80] = 0x007e;                 /* ATA-1 to ATA-6 */
	w[81] = 0x0019;
	w[82] = 0x4000 | 0x0020 | 0x0008 | 0x0001; /* write cache, PM */
	w[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400; /* FLUSH (EXT), LBA48 */
	w[84] = 0x4000;
	w[85] = w[82];
	w[86] = 0x2000 | 0x1000 | 0x0400;
	w[87] = 0x4000;
	w[88] = 0x003f;                 /* UDMA 0-5 */
	if ((mode & 0xf8) == 0x40)
		w[88] |= (uint16_t)(0x100 << (mode & 7));
	w[93] = 0x6000 | 0x4000 | 0x0001;
	for (unsigned i = 0; i < 4; i++)
		w[100 + i] = (uint16_t)(n >> (16 * i));
	for (unsigned i = 0; i < 256; i++)
		put16(ch->buf, i, w[i]);
	ch->remaining = 0;
	ch->xfer = IDE_XFER_ATA_IN;
	ide_pio_in(ch, 512, true);
}

/* The command's start sector and count from the task file (CHS, LBA28 or
 * LBA48); false (with IDNF) if it leaves the disk. */
static bool get_range(struct ide_channel *ch, struct ide_drive *d, bool ext)
{
	uint64_t lba;
	uint32_t count;

	if (ext) {
		lba = (uint64_t)ch->sector | (uint64_t)ch->lcyl << 8 |
		      (uint64_t)ch->hcyl << 16 |
		      (uint64_t)ch->hob_sector << 24 |
		      (uint64_t)ch->hob_lcyl << 32 |
		      (uint64_t)ch->hob_hcyl << 40;
		count = (uint32_t)ch->nsector | (uint32_t)ch->hob_nsector << 8;
		if (!count)
			count = 65536;
	} else {
		count = ch->nsector ? ch->nsector : 256;
		if (ch->select & IDE_DEV_LBA) {
			lba = (uint64_t)ch->sector | (uint64_t)ch->lcyl << 8 |
			      (uint64_t)ch->hcyl << 16 |
			      (uint64_t)(ch->select & 0x0f) << 24;
		} else {
			uint32_t cyl = (uint32_t)ch->lcyl | ch->hcyl << 8;
			uint32_t head = ch->select & 0x0f;
			if (!ch->sector || ch->sector > d->g.cur_spt ||
			    head >= d->g.cur_heads) {
				ide_abort(ch, IDE_ER_IDNF);
				return false;
			}
			lba = ((uint64_t)cyl * d->g.cur_heads + head) *
				      d->g.cur_spt + ch->sector - 1;
		}
	}
	if (lba > disk_sectors(d->disk) ||
	    count > disk_sectors(d->disk) - lba) {
		ide_abort(ch, IDE_ER_IDNF);
		return false;
	}
	ch->lba = lba;
	ch->remaining = count;
	ch->lba48 = ext;
	return true;
}

void ide_ata_pio_in(struct ide_channel *ch)
{
	uint32_t n = ch->remaining < ch->block ? ch->remaining : ch->block;

	if (disk_read(ide_cur(ch)->disk, ch->lba, ch->buf, n)) {
		log_warn(&ch->ide->m->log, IDE, "ide%u: read of sector %llu "
			 "failed on the host", ch->idx,
			 (unsigned long long)ch->lba);
		ide_abort(ch, IDE_ER_UNC);
		return;
	}
	ch->lba += n;
	ch->remaining -= n;
	ch->xfer = IDE_XFER_ATA_IN;
	ide_pio_in(ch, n * DISK_SECTOR, true);
}

static void ask_block(struct ide_channel *ch, bool irq)
{
	uint32_t n = ch->remaining < ch->block ? ch->remaining : ch->block;
	ch->xfer = IDE_XFER_ATA_OUT;
	ide_pio_out(ch, n * DISK_SECTOR, irq);
}

void ide_ata_pio_out(struct ide_channel *ch)
{
	uint32_t n = ch->end / DISK_SECTOR;

	if (disk_write(ide_cur(ch)->disk, ch->lba, ch->buf, n)) {
		log_warn(&ch->ide->m->log, IDE, "ide%u: write of sector %llu "
			 "failed on the host", ch->idx,
			 (unsigned long long)ch->lba);
		ide_abort(ch, IDE_ER_UNC);
		return;
	}
	ch->lba += n;
	ch->remaining -= n;
	if (ch->remaining)
		ask_block(ch, true);
	else
		ide_done(ch);
}

int ide_ata_dma_chunk(struct ide_channel *ch, uint32_t max, bool to_mem)
{
	struct disk *disk = ide_cur(ch)->disk;
	uint32_t n = max / DISK_SECTOR;

	if (!to_mem) {
		/* buf holds one sector from guest memory. */
		if (!ch->remaining)
			return 0;
		if (disk_write(disk, ch->lba, ch->buf, 1)) {
			ch->error = IDE_ER_UNC;
			return -1;
		}
		ch->lba++;
		return --ch->remaining ? DISK_SECTOR : 0;
	}
	if (!ch->remaining)
		return 0;
	if (n > ch->remaining)
		n = ch->remaining;
	if (disk_read(disk, ch->lba, ch->buf, n)) {
		ch->error = IDE_ER_UNC;
		return -1;
	}
	ch->lba += n;
	ch->remaining -= n;
	return (int)(n * DISK_SECTOR);
}

static void set_features(struct ide_channel *ch, struct ide_drive *d)
{
	uint8_t mode = ch->nsector;

	switch (ch->feature) {
	case 0x03: /* set transfer mode: PIO 0-4, MWDMA 0-2, UDMA 0-5 */
		if (mode <= 0x01 || (mode >= 0x08 && mode <= 0x0c) ||
		    (mode >= 0x20 && mode <= 0x22) ||
		    (mode >= 0x40 && mode <= 0x45)) {
			d->g.xfer_mode = mode;
			ide_done(ch);
			return;
		}
		break;
	case 0x02: case 0x82: /* write cache on/off */
	case 0x55: case 0xaa: /* read look-ahead off/on */
	case 0x66: case 0xcc: /* revert to power-on defaults off/on */
		ide_done(ch);
		return;
	}
	ide_abort(ch, IDE_ER_ABRT);
}

/* Commands a packet device accepts besides PACKET itself. */
static void atapi_ata_command(struct ide_channel *ch, struct ide_drive *d)
{
	switch (ch->cmd) {
	case 0xa0: /* PACKET */
		ch->lba48 = 0;
		ch->nsector = 0x01; /* C/D: the device wants the command */
		ch->xfer = IDE_XFER_PACKET;
		ide_pio_out(ch, 12, false);
		return;
	case 0xa1: /* IDENTIFY PACKET DEVICE */
		ide_atapi_identify(ch, d);
		return;
	case 0x08: /* DEVICE RESET */
		ide_set_signature(ch, d);
		ch->error = 0x01;
		ch->status = 0;
		ch->xfer = IDE_XFER_NONE;
		return;
	case 0xef:
		set_features(ch, d);
		return;
	case 0xe5: /* CHECK POWER MODE: active */
		ch->nsector = 0xff;
		ide_done(ch);
		return;
	case 0xe0: case 0xe1: case 0xe2: case 0xe3: case 0xe7:
		ide_done(ch);
		return;
	default:
		/* IDENTIFY DEVICE and the rest: abort and show who we are, so
		 * drivers probing with 0xEC find the packet device. */
		ide_set_signature(ch, d);
		ide_abort(ch, IDE_ER_ABRT);
		return;
	}
}

void ide_ata_command(struct ide_channel *ch)
{
	struct ide_drive *d = ide_cur(ch);
	uint8_t cmd = ch->cmd;
	bool ext = false;

	if (cmd == 0x90) { /* EXECUTE DEVICE DIAGNOSTIC: drive 0 answers */
		ide_set_signature(ch, &ch->drive[0]);
		ch->select &= (uint8_t)~IDE_DEV_SLAVE;
		ch->error = 0x01;
		ch->xfer = IDE_XFER_NONE;
		ch->status = ch->drive[0].kind == IDE_ATA
				     ? IDE_ST_DRDY | IDE_ST_DSC : 0;
		ide_raise_irq(ch);
		return;
	}
	if (d->kind == IDE_ATAPI) {
		atapi_ata_command(ch, d);
		return;
	}
	switch (cmd) {
	case 0xec: /* IDENTIFY DEVICE */
		identify(ch, d);
		return;
	case 0x24: case 0x29: /* READ SECTORS/MULTIPLE EXT */
		ext = true;
		/* fall through */
	case 0x20: case 0x21: case 0xc4:
		if ((cmd == 0xc4 || cmd == 0x29) && !d->g.mult)
			break;
		if (!get_range(ch, d, ext))
			return;
		ch->block = (cmd == 0xc4 || cmd == 0x29) ? d->g.mult : 1;
		ide_ata_pio_in(ch);
		return;
	case 0x34: case 0x39: /* WRITE SECTORS/MULTIPLE EXT */
		ext = true;
		/* fall through */
	case 0x30: case 0x31: case 0xc5:
		if ((cmd == 0xc5 || cmd == 0x39) && !d->g.mult)
			break;
		if (!get_range(ch, d, ext))
			return;
		ch->block = (cmd == 0xc5 || cmd == 0x39) ? d->g.mult : 1;
		ask_block(ch, false);
		return;
	case 0x25: case 0x35: /* READ/WRITE DMA EXT */
		ext = true;
		/* fall through */
	case 0xc8: case 0xc9: case 0xca: case 0xcb:
		if (!get_range(ch, d, ext))
			return;
		ide_dma_start(ch);
		return;
	case 0x42: /* READ VERIFY EXT */
		ext = true;
		/* fall through */
	case 0x40: case 0x41:
		if (get_range(ch, d, ext))
			ide_done(ch);
		return;
	case 0xc6: /* SET MULTIPLE MODE */
		if (ch->nsector && ch->nsector <= IDE_MAX_MULT &&
		    !(ch->nsector & (ch->nsector - 1))) {
			d->g.mult = ch->nsector;
			ide_done(ch);
			return;
		}
		break;
	case 0x91: { /* INITIALIZE DEVICE PARAMETERS */
		uint32_t heads = (ch->select & 0x0f) + 1u, spt = ch->nsector;
		if (!spt)
			break;
		uint64_t cyls = disk_sectors(d->disk) / (heads * spt);
		d->g.cur_heads = (uint16_t)heads;
		d->g.cur_spt = (uint16_t)spt;
		d->g.cur_cyls = (uint16_t)(cyls > 65535 ? 65535 : cyls);
		ide_done(ch);
		return;
	}
	case 0xef:
		set_features(ch, d);
		return;
	case 0xe5: /* CHECK POWER MODE */
		ch->nsector = 0xff;
		ide_done(ch);
		return;
	case 0xe7: case 0xea: /* FLUSH CACHE (EXT): writes are not cached */
	case 0xe0: case 0xe1: case 0xe2: case 0xe3: /* standby/idle */
	case 0x94: case 0x95: case 0x96: case 0x97:
		ide_done(ch);
		return;
	default:
		if ((cmd & 0xf0) == 0x10 || (cmd & 0xf0) == 0x70) {
			/* RECALIBRATE, SEEK: nothing moves. */
			ide_done(ch);
			return;
		}
		log_debug(&ch->ide->m->log, IDE, "ide%u: command %#x "
			  "unsupported", ch->idx, cmd);
		break;
	}
	ide_abort(ch, IDE_ER_ABRT);
}
