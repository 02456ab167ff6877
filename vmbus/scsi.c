/* vmbus/scsi.c: a SCSI disk on the block layer (see scsi.h).
 *
 * Identity follows Hyper-V's virtual disks (vendor "Msft", product
 * "Virtual Disk") so guests take their usual path; LBAs are 512 bytes, the
 * block layer's sector. Errors are CHECK CONDITION with fixed-format sense.
 */
#include "vmbus/scsi.h"

#include <stdio.h>
#include <string.h>

#include "devices/disk.h"
#include "vmbus/gpa.h"

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
	return get_be16(p) << 16 | get_be16(p + 2);
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void scsi_fail(struct scsi_req *r, uint8_t key, uint8_t asc,
		      uint8_t ascq)
{
	memset(r->sense, 0, sizeof(r->sense));
	r->sense[0] = 0x70;  /* current error, fixed format */
	r->sense[2] = key;
	r->sense[7] = SCSI_SENSE_LEN - 8;
	r->sense[12] = asc;
	r->sense[13] = ascq;
	r->status = SCSI_CHECK_CONDITION;
	r->xfer = 0;
}

#define INVALID_OPCODE(r) scsi_fail(r, SENSE_ILLEGAL_REQUEST, 0x20, 0)
#define INVALID_FIELD(r) scsi_fail(r, SENSE_ILLEGAL_REQUEST, 0x24, 0)
#define LBA_RANGE(r) scsi_fail(r, SENSE_ILLEGAL_REQUEST, 0x21, 0)

/* Copy a reply of n bytes, cut to the allocation length and buffer. */
static void scsi_reply(struct scsi_req *r, const void *p, uint32_t n,
		       uint32_t alloc)
{
	if (n > alloc)
		n = alloc;
	if (n > r->buf_len)
		n = r->buf_len;
	memcpy(r->buf, p, n);
	r->xfer = n;
}

static void scsi_inquiry(struct disk *d, unsigned lun, struct scsi_req *r)
{
	const uint8_t *cdb = r->cdb;
	uint8_t b[64] = { 0 };
	char serial[17];
	uint32_t alloc = get_be16(cdb + 3);

	snprintf(serial, sizeof(serial), "LUCID%011u", lun);
	if (!(cdb[1] & 1)) {
		if (cdb[2])
			{ INVALID_FIELD(r); return; }
		b[2] = 0x05;        /* SPC-3 */
		b[3] = 0x02;        /* response data format */
		b[4] = 36 - 5;
		b[7] = 0x02;        /* CmdQue */
		memcpy(b + 8, "Msft    ", 8);
		memcpy(b + 16, "Virtual Disk    ", 16);
		memcpy(b + 32, "1.0 ", 4);
		{ scsi_reply(r, b, 36, alloc); return; }
	}
	b[1] = cdb[2];
	switch (cdb[2]) {
	case 0x00: /* supported pages */
		b[3] = 3;
		b[4] = 0x00, b[5] = 0x80, b[6] = 0x83;
		{ scsi_reply(r, b, 7, alloc); return; }
	case 0x80: /* unit serial number */
		b[3] = 16;
		memcpy(b + 4, serial, 16);
		{ scsi_reply(r, b, 20, alloc); return; }
	case 0x83: /* device identification: a T10 vendor id */
		b[4] = 0x02;        /* ASCII */
		b[5] = 0x01;        /* LUN-associated, T10 vendor id */
		b[7] = 8 + 16;
		memcpy(b + 8, "Msft    ", 8);
		memcpy(b + 16, serial, 16);
		put_be16(b + 2, 4 + 24);
		{ scsi_reply(r, b, 4 + 4 + 24, alloc); return; }
	}
	INVALID_FIELD(r);
}

static void scsi_mode_sense(struct disk *d, struct scsi_req *r, bool ten)
{
	const uint8_t *cdb = r->cdb;
	uint8_t b[128] = { 0 };
	unsigned page = cdb[2] & 0x3f, hdr = ten ? 8 : 4, n = hdr;
	uint32_t alloc = ten ? get_be16(cdb + 7) : cdb[4];

	if ((cdb[2] >> 6) == 3) /* saved values */
		{ scsi_fail(r, SENSE_ILLEGAL_REQUEST, 0x39, 0); return; }
	if (page == 0x08 || page == 0x3f) { /* caching: write-through */
		b[n] = 0x08, b[n + 1] = 0x12;
		n += 2 + 0x12;
	}
	if (page == 0x0a || page == 0x3f) { /* control */
		b[n] = 0x0a, b[n + 1] = 0x0a;
		n += 2 + 0x0a;
	}
	if (n == hdr)
		{ INVALID_FIELD(r); return; }
	uint8_t wp = disk_readonly(d) ? 0x80 : 0;
	if (ten) {
		put_be16(b, (uint16_t)(n - 2));
		b[3] = wp;
	} else {
		b[0] = (uint8_t)(n - 1);
		b[2] = wp;
	}
	scsi_reply(r, b, n, alloc);
}

static void scsi_report_luns(unsigned nluns, struct scsi_req *r)
{
	uint8_t b[8 + 8 * 64] = { 0 };

	if (nluns > 64)
		nluns = 64;
	put_be32(b, 8 * nluns);
	for (unsigned i = 0; i < nluns; i++)
		b[8 + 8 * i + 1] = (uint8_t)i;
	scsi_reply(r, b, 8 + 8 * nluns, get_be32(r->cdb + 6));
}

static void scsi_read_capacity(struct disk *d, struct scsi_req *r, bool sixteen)
{
	uint8_t b[32] = { 0 };
	uint64_t last = disk_sectors(d) ? disk_sectors(d) - 1 : 0;

	if (sixteen) {
		put_be64(b, last);
		put_be32(b + 8, DISK_SECTOR);
		{ scsi_reply(r, b, 32, get_be32(r->cdb + 10)); return; }
	}
	put_be32(b, last > 0xffffffffu ? 0xffffffffu : (uint32_t)last);
	put_be32(b + 4, DISK_SECTOR);
	scsi_reply(r, b, 8, 8);
}

static void scsi_rw(struct disk *d, struct scsi_req *r, uint64_t lba,
		    uint32_t count, bool write)
{
	uint64_t n = disk_sectors(d);

	if (lba > n || count > n - lba)
		{ LBA_RANGE(r); return; }
	if ((uint64_t)count * DISK_SECTOR > r->buf_len)
		{ INVALID_FIELD(r); return; } /* larger than the transfer */
	if (!count)
		return;
	if (write && disk_readonly(d))
		{ scsi_fail(r, SENSE_DATA_PROTECT, 0x27, 0); return; }
	int rc = write ? disk_write(d, lba, r->buf, count)
		       : disk_read(d, lba, r->buf, count);
	if (rc)
		{ scsi_fail(r, SENSE_MEDIUM_ERROR,
				 write ? 0x0c : 0x11, 0); return; }
	r->xfer = count * DISK_SECTOR;
}

bool scsi_cdb_is_write(const uint8_t *cdb)
{
	return cdb[0] == 0x0a || cdb[0] == 0x2a || cdb[0] == 0x8a;
}

void scsi_disk_exec(struct disk *d, unsigned lun, unsigned nluns,
		    uint8_t last_sense[SCSI_SENSE_LEN], struct scsi_req *r)
{
	const uint8_t *c = r->cdb;

	r->status = SCSI_GOOD;
	r->xfer = 0;
	switch (r->cdb_len < 6 ? 0xff : c[0]) {
	case 0x00: /* TEST UNIT READY */
	case 0x1b: /* START STOP UNIT */
	case 0x1e: /* PREVENT ALLOW MEDIUM REMOVAL */
	case 0x2f: /* VERIFY(10) */
	case 0x35: /* SYNCHRONIZE CACHE(10): writes are synchronous */
	case 0x91: /* SYNCHRONIZE CACHE(16) */
		break;
	case 0x03: { /* REQUEST SENSE */
		uint8_t s[SCSI_SENSE_LEN] = { 0x70, 0, 0, 0, 0, 0, 0, 10 };
		if (last_sense[0])
			memcpy(s, last_sense, sizeof(s));
		memset(last_sense, 0, SCSI_SENSE_LEN);
		scsi_reply(r, s, sizeof(s), c[4]);
		return;
	}
	case 0x12:
		scsi_inquiry(d, lun, r);
		break;
	case 0x1a:
		scsi_mode_sense(d, r, false);
		break;
	case 0x5a:
		if (r->cdb_len < 10)
			{ INVALID_OPCODE(r); break; }
		scsi_mode_sense(d, r, true);
		break;
	case 0xa0:
		if (r->cdb_len < 12)
			{ INVALID_OPCODE(r); break; }
		scsi_report_luns(nluns, r);
		break;
	case 0x25:
		if (r->cdb_len < 10)
			{ INVALID_OPCODE(r); break; }
		scsi_read_capacity(d, r, false);
		break;
	case 0x9e: /* SERVICE ACTION IN(16): READ CAPACITY(16) only */
		if (r->cdb_len < 16 || (c[1] & 0x1f) != 0x10)
			{ INVALID_OPCODE(r); break; }
		scsi_read_capacity(d, r, true);
		break;
	case 0x08: case 0x0a: { /* READ(6) / WRITE(6) */
		uint32_t lba = ((uint32_t)(c[1] & 0x1f) << 16) | get_be16(c + 2);
		scsi_rw(d, r, lba, c[4] ? c[4] : 256, c[0] == 0x0a);
		break;
	}
	case 0x28: case 0x2a:
		if (r->cdb_len < 10)
			{ INVALID_OPCODE(r); break; }
		scsi_rw(d, r, get_be32(c + 2), get_be16(c + 7), c[0] == 0x2a);
		break;
	case 0x88: case 0x8a:
		if (r->cdb_len < 16)
			{ INVALID_OPCODE(r); break; }
		scsi_rw(d, r, get_be64(c + 2), get_be32(c + 10), c[0] == 0x8a);
		break;
	default:
		INVALID_OPCODE(r);
	}
	if (r->status == SCSI_CHECK_CONDITION)
		memcpy(last_sense, r->sense, SCSI_SENSE_LEN);
}
