/* devices/ide_atapi.c: an ATAPI CD-ROM (MMC packet commands) on an ISO
 * image of 2048-byte blocks. */
#include "devices/ide.h"

#include <string.h>

#include "core/machine.h"
#include "devices/disk.h"

#define CD_BLOCK 2048u

/* Sense keys and additional sense codes (SPC/MMC). */
enum {
	SK_NOT_READY = 0x02, SK_ILLEGAL_REQUEST = 0x05,
	SK_UNIT_ATTENTION = 0x06,
	ASC_INVALID_OPCODE = 0x20, ASC_LBA_OUT_OF_RANGE = 0x21,
	ASC_INVALID_FIELD = 0x24, ASC_MEDIUM_CHANGED = 0x28,
	ASC_SAVING_UNSUPPORTED = 0x39, ASC_NO_MEDIUM = 0x3a,
	ASC_REMOVAL_PREVENTED = 0x53,
};

static uint32_t be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, v >> 16);
	put_be16(p + 2, v);
}

static uint32_t blocks(const struct ide_drive *d)
{
	return (uint32_t)(disk_size(d->disk) / CD_BLOCK);
}

void ide_atapi_identify(struct ide_channel *ch, struct ide_drive *d)
{
	uint16_t w[256];

	memset(w, 0, sizeof(w));
	/* ATAPI, CD-ROM, removable, 50 us DRQ, 12-byte packets. */
	w[0] = 0x8000 | 5 << 8 | 0x80 | 0x40;
	ide_put_string(&w[10], d->serial, 10);
	w[20] = 3;
	w[21] = 512;
	ide_put_string(&w[23], "1.0", 4);
	ide_put_string(&w[27], d->model, 20);
	w[49] = 0x0b00;                 /* IORDY, LBA, DMA */
	w[51] = 0x0200;
	w[53] = 0x0007;
	w[63] = 0x0007;
	w[64] = 0x0003;
	w[65] = w[66] = w[67] = w[68] = 120;
	w[71] = 30;                     /* ns from PACKET to release */
	w[72] = 30;
	w[80] = 0x001e;                 /* ATA/ATAPI-1 to -4 */
	w[82] = 0x4214;                 /* NOP, DEVICE RESET, PACKET, PM */
	w[83] = 0x4000;
	w[84] = 0x4000;
	w[85] = 0x4214;
	w[87] = 0x4000;
	w[88] = 0x003f;
	for (unsigned i = 0; i < 256; i++) {
		ch->buf[2 * i] = (uint8_t)w[i];
		ch->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
	ch->remaining = 0;
	ch->xfer = IDE_XFER_ATA_IN;
	ide_pio_in(ch, 512, true);
}

static void atapi_error(struct ide_channel *ch, uint8_t key, uint8_t asc)
{
	struct ide_drive *d = ide_cur(ch);
	d->g.sense_key = key;
	d->g.asc = asc;
	d->g.ascq = 0;
	ch->nsector = 0x03; /* I/O and C/D: status */
	ide_abort(ch, (uint8_t)(key << 4 | IDE_ER_ABRT));
}

static void atapi_ok(struct ide_channel *ch)
{
	struct ide_drive *d = ide_cur(ch);
	d->g.sense_key = d->g.asc = d->g.ascq = 0;
	ch->nsector = 0x03;
	ide_done(ch);
}

/* Send total bytes: a reply already in buf (read == false) or blocks from
 * the disc starting at ch->lba. */
static void atapi_send(struct ide_channel *ch, uint32_t total, bool read)
{
	ch->atapi_total = total;
	ch->atapi_done = 0;
	ch->atapi_read = read;
	if (!total) {
		atapi_ok(ch);
		return;
	}
	if (ch->feature & 0x01) { /* the packet asked for DMA */
		ide_dma_start(ch);
		return;
	}
	ide_atapi_next(ch);
}

static void atapi_reply(struct ide_channel *ch, uint32_t len, uint32_t alloc)
{
	atapi_send(ch, len < alloc ? len : alloc, false);
}

/* The next DRQ block, at most the byte count the guest allowed in the
 * cylinder registers; or the status phase once everything went. */
void ide_atapi_next(struct ide_channel *ch)
{
	struct ide_drive *d = ide_cur(ch);
	uint32_t limit = ch->block, left = ch->atapi_total - ch->atapi_done;
	uint32_t chunk = left < limit ? left : limit, off = 0;

	if (!left) {
		atapi_ok(ch);
		return;
	}
	if (ch->atapi_read) {
		uint32_t first = ch->atapi_done / CD_BLOCK;
		uint32_t last = (ch->atapi_done + chunk - 1) / CD_BLOCK;
		off = ch->atapi_done % CD_BLOCK;
		if (!d->g.has_media ||
		    disk_read(d->disk, (ch->lba + first) * 4, ch->buf,
			      (last - first + 1) * 4)) {
			atapi_error(ch, SK_NOT_READY, ASC_NO_MEDIUM);
			return;
		}
	} else {
		off = ch->atapi_done;
	}
	ch->atapi_done += chunk;
	ch->lcyl = (uint8_t)chunk;
	ch->hcyl = (uint8_t)(chunk >> 8);
	ch->nsector = 0x02; /* I/O: data to the host */
	ch->xfer = IDE_XFER_ATAPI_IN;
	ide_pio_in(ch, off + chunk, true);
	ch->pos = off;
}

int ide_atapi_dma_chunk(struct ide_channel *ch, uint32_t max)
{
	struct ide_drive *d = ide_cur(ch);
	uint32_t left = ch->atapi_total - ch->atapi_done;

	if (!left)
		return 0;
	if (!ch->atapi_read) {
		/* A reply in buf: all of it in one go, moved to the front. */
		memmove(ch->buf, ch->buf + ch->atapi_done, left);
		ch->atapi_done = ch->atapi_total;
		return (int)left;
	}
	uint32_t n = left / CD_BLOCK, cap = max / CD_BLOCK;
	if (n > cap)
		n = cap;
	if (!d->g.has_media ||
	    disk_read(d->disk, (ch->lba + ch->atapi_done / CD_BLOCK) * 4,
		      ch->buf, n * 4)) {
		d->g.sense_key = SK_NOT_READY;
		d->g.asc = ASC_NO_MEDIUM;
		ch->error = SK_NOT_READY << 4 | IDE_ER_ABRT;
		return -1;
	}
	ch->atapi_done += n * CD_BLOCK;
	return (int)(n * CD_BLOCK);
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
	lba += 150;
	p[0] = 0;
	p[1] = (uint8_t)(lba / (75 * 60));
	p[2] = (uint8_t)(lba / 75 % 60);
	p[3] = (uint8_t)(lba % 75);
}

static void toc_addr(uint8_t *p, uint32_t lba, bool msf)
{
	if (msf)
		lba_to_msf(p, lba);
	else
		put_be32(p, lba);
}

static void read_toc(struct ide_channel *ch, const uint8_t *cdb)
{
	struct ide_drive *d = ide_cur(ch);
	bool msf = cdb[1] & 0x02;
	unsigned format = cdb[2] & 0x0f, start = cdb[6];
	uint32_t alloc = be16(cdb + 7), len = 4;
	uint8_t *b = ch->buf;

	if (!format)
		format = cdb[9] >> 6; /* the SFF-8020 place */
	memset(b, 0, 64);
	b[2] = 1; /* first track or session */
	b[3] = 1; /* last */
	switch (format) {
	case 0:
		if (start > 1 && start != 0xaa) {
			atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
			return;
		}
		if (start <= 1) { /* track 1: data, starts at LBA 0 */
			b[len + 1] = 0x14;
			b[len + 2] = 1;
			toc_addr(b + len + 4, 0, msf);
			len += 8;
		}
		b[len + 1] = 0x14; /* the lead-out */
		b[len + 2] = 0xaa;
		toc_addr(b + len + 4, blocks(d), msf);
		len += 8;
		break;
	case 1: /* multisession information: one session, track 1 at 0 */
		b[5] = 0x14;
		b[6] = 1;
		toc_addr(b + 8, 0, msf);
		len = 12;
		break;
	default:
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	put_be16(b, len - 2);
	atapi_reply(ch, len, alloc);
}

static void mode_sense(struct ide_channel *ch, const uint8_t *cdb)
{
	struct ide_drive *d = ide_cur(ch);
	unsigned page = cdb[2] & 0x3f, pc = cdb[2] >> 6;
	uint32_t alloc = be16(cdb + 7), len = 8;
	uint8_t *b = ch->buf;

	if (pc == 3) {
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_SAVING_UNSUPPORTED);
		return;
	}
	if (page != 0x01 && page != 0x2a && page != 0x3f) {
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	memset(b, 0, 64);
	b[2] = d->g.has_media ? 0x01 : 0x70; /* 120 mm data disc / none */
	if (page == 0x01 || page == 0x3f) { /* read error recovery */
		b[len] = 0x01;
		b[len + 1] = 0x06;
		if (pc != 1)
			b[len + 3] = 5; /* read retry count */
		len += 8;
	}
	if (page == 0x2a || page == 0x3f) { /* capabilities */
		uint8_t *p = b + len;
		p[0] = 0x2a;
		p[1] = 0x12;
		if (pc != 1) {
			p[4] = 0x71;        /* audio play, mode 2 form 1/2 */
			p[5] = 0x00;
			/* lock supported (+ state), eject, tray loader */
			p[6] = (uint8_t)(0x29 | (d->g.locked ? 0x02 : 0));
			put_be16(p + 8, 706);   /* 4x, in kB/s */
			put_be16(p + 10, 256);  /* volume levels */
			put_be16(p + 12, 512);  /* buffer, KiB */
			put_be16(p + 14, 706);
		}
		len += 20;
	}
	put_be16(b, len - 2);
	atapi_reply(ch, len, alloc);
}

static void get_configuration(struct ide_channel *ch, const uint8_t *cdb)
{
	struct ide_drive *d = ide_cur(ch);
	unsigned rt = cdb[1] & 3, first = be16(cdb + 2);
	uint32_t alloc = be16(cdb + 7), len = 8;
	uint8_t *b = ch->buf;

	memset(b, 0, 64);
	put_be16(b + 6, d->g.has_media ? 0x0008 : 0); /* current: CD-ROM */
	/* Feature 0 (profile list) and 1 (core, ATAPI). */
	if ((rt == 2 && first == 0) || (rt != 2 && first == 0)) {
		uint8_t *p = b + len;
		p[2] = 0x03;    /* persistent, current */
		p[3] = 4;
		put_be16(p + 4, 0x0008);
		p[6] = d->g.has_media;
		len += 8;
	}
	if ((rt == 2 && first == 1) || (rt != 2 && first <= 1)) {
		uint8_t *p = b + len;
		put_be16(p, 1);
		p[2] = 0x07;    /* version 1, persistent, current */
		p[3] = 8;
		put_be32(p + 4, 2); /* ATAPI */
		len += 12;
	}
	put_be32(b, len - 4);
	atapi_reply(ch, len, alloc);
}

static void event_status(struct ide_channel *ch, const uint8_t *cdb)
{
	struct ide_drive *d = ide_cur(ch);
	uint32_t alloc = be16(cdb + 7);
	uint8_t *b = ch->buf;

	if (!(cdb[1] & 1)) { /* only polled operation */
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	memset(b, 0, 8);
	b[3] = 0x10; /* we support the media class */
	if (!(cdb[4] & 0x10)) {
		b[1] = 2;
		b[2] = 0x80; /* no event available */
		atapi_reply(ch, 4, alloc);
		return;
	}
	b[1] = 6;
	b[2] = 0x04;
	b[4] = d->g.media_event;
	b[5] = d->g.has_media ? 0x02 : 0x00;
	d->g.media_event = 0;
	atapi_reply(ch, 8, alloc);
}

static void request_sense(struct ide_channel *ch, const uint8_t *cdb)
{
	struct ide_drive *d = ide_cur(ch);
	uint8_t *b = ch->buf;

	memset(b, 0, 18);
	b[0] = 0x70; /* current error, fixed format */
	b[7] = 10;
	if (d->g.unit_attention) {
		d->g.unit_attention = 0;
		b[2] = SK_UNIT_ATTENTION;
		b[12] = ASC_MEDIUM_CHANGED;
	} else {
		b[2] = d->g.sense_key;
		b[12] = d->g.asc;
		b[13] = d->g.ascq;
	}
	d->g.sense_key = d->g.asc = d->g.ascq = 0;
	atapi_reply(ch, 18, cdb[4]);
}

static void read_blocks(struct ide_channel *ch, uint32_t lba, uint32_t n)
{
	struct ide_drive *d = ide_cur(ch);

	if (lba > blocks(d) || n > blocks(d) - lba) {
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
		return;
	}
	if ((uint64_t)n * CD_BLOCK > 0xffffffffu) {
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
		return;
	}
	ch->lba = lba;
	atapi_send(ch, n * CD_BLOCK, true);
}

/* Does the command need a disc, and may it run with a unit attention
 * pending? (SPC: INQUIRY, REQUEST SENSE and the MMC status commands
 * always run.) */
static bool ignores_ua(uint8_t op)
{
	return op == 0x12 || op == 0x03 || op == 0x46 || op == 0x4a;
}

static bool needs_media(uint8_t op)
{
	return op == 0x00 || op == 0x25 || op == 0x28 || op == 0xa8 ||
	       op == 0x43 || op == 0x2b;
}

void ide_atapi_packet(struct ide_channel *ch)
{
	struct ide_drive *d = ide_cur(ch);
	uint8_t cdb[12];
	uint32_t limit = (uint32_t)ch->lcyl | (uint32_t)ch->hcyl << 8;

	memcpy(cdb, ch->buf, sizeof(cdb));
	/* The byte count limit: even, and 0 means "as much as you like". */
	limit &= ~1u;
	ch->block = limit ? limit : 0xfffe;
	if (d->g.unit_attention && !ignores_ua(cdb[0])) {
		d->g.unit_attention = 0;
		atapi_error(ch, SK_UNIT_ATTENTION, ASC_MEDIUM_CHANGED);
		return;
	}
	if (!d->g.has_media && needs_media(cdb[0])) {
		atapi_error(ch, SK_NOT_READY, ASC_NO_MEDIUM);
		return;
	}
	uint8_t *b = ch->buf;
	switch (cdb[0]) {
	case 0x00: /* TEST UNIT READY */
	case 0x2b: /* SEEK(10) */
	case 0xbb: /* SET CD SPEED */
		atapi_ok(ch);
		return;
	case 0x03:
		request_sense(ch, cdb);
		return;
	case 0x12: /* INQUIRY */
		memset(b, 0, 36);
		b[0] = 0x05;  /* CD/DVD device */
		b[1] = 0x80;  /* removable */
		b[3] = 0x21;  /* ATAPI, response format 1 */
		b[4] = 31;
		memcpy(b + 8, "LUCID   ", 8);
		memcpy(b + 16, "CD-ROM          ", 16);
		memcpy(b + 32, "1.0 ", 4);
		atapi_reply(ch, 36, cdb[4]);
		return;
	case 0x25: /* READ CAPACITY */
		put_be32(b, blocks(d) - 1);
		put_be32(b + 4, CD_BLOCK);
		atapi_reply(ch, 8, 8);
		return;
	case 0x28: /* READ(10) */
		read_blocks(ch, be32(cdb + 2), be16(cdb + 7));
		return;
	case 0xa8: /* READ(12) */
		read_blocks(ch, be32(cdb + 2), be32(cdb + 6));
		return;
	case 0x43:
		read_toc(ch, cdb);
		return;
	case 0x5a:
		mode_sense(ch, cdb);
		return;
	case 0x46:
		get_configuration(ch, cdb);
		return;
	case 0x4a:
		event_status(ch, cdb);
		return;
	case 0x1e: /* PREVENT ALLOW MEDIUM REMOVAL */
		d->g.locked = cdb[4] & 1;
		atapi_ok(ch);
		return;
	case 0x1b: /* START STOP UNIT: LoEj with Start clear ejects */
		if ((cdb[4] & 3) == 2) {
			if (d->g.locked) {
				atapi_error(ch, SK_NOT_READY,
					    ASC_REMOVAL_PREVENTED);
				return;
			}
			if (d->g.has_media) {
				/* The disc leaves; the host still owns the
				 * image (the monitor can insert it again). */
				d->g.has_media = 0;
				d->g.media_event = 3;
			}
		}
		atapi_ok(ch);
		return;
	default:
		log_debug(&ch->ide->m->log, IDE, "ide%u: ATAPI command %#x "
			  "unsupported", ch->idx, cdb[0]);
		atapi_error(ch, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
		return;
	}
}
