/* devices/ide.h: two IDE channels with ATA disks and ATAPI CD-ROMs.
 *
 * Primary 0x1F0-0x1F7 + 0x3F6 on IRQ 14, secondary 0x170-0x177 + 0x376 on
 * IRQ 15; bus-master DMA through the PIIX IDE function's registers.
 * ide.c has the registers, timing, PIO and DMA engines; ide_ata.c the ATA
 * command set; ide_atapi.c the packet commands of a CD-ROM.
 */
#ifndef LUCID_DEVICES_IDE_H
#define LUCID_DEVICES_IDE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;
struct disk;
struct piix_ide;

/* Status register. */
#define IDE_ST_ERR 0x01
#define IDE_ST_DRQ 0x08
#define IDE_ST_DSC 0x10
#define IDE_ST_DF 0x20
#define IDE_ST_DRDY 0x40
#define IDE_ST_BSY 0x80
/* Error register. */
#define IDE_ER_AMNF 0x01
#define IDE_ER_ABRT 0x04
#define IDE_ER_IDNF 0x10
#define IDE_ER_UNC 0x40
/* Device control register. */
#define IDE_CTL_NIEN 0x02
#define IDE_CTL_SRST 0x04
#define IDE_CTL_HOB 0x80
/* Device/head register. */
#define IDE_DEV_LBA 0x40
#define IDE_DEV_SLAVE 0x10

enum ide_kind { IDE_NONE, IDE_ATA, IDE_ATAPI };

/* What the channel does when its timer fires. */
enum ide_op {
	IDE_OP_NONE,
	IDE_OP_CMD,        /* run the command in ch->cmd */
	IDE_OP_PIO_IN,     /* load the next PIO block for the guest */
	IDE_OP_PIO_OUT,    /* store the block the guest wrote */
	IDE_OP_DMA,        /* move the whole transfer by bus-master DMA */
	IDE_OP_PACKET,     /* run the ATAPI packet in ch->buf */
	IDE_OP_ATAPI_IN,   /* load the next ATAPI DRQ block */
	IDE_OP_RESET,      /* the end of a soft reset */
};

/* What draining (PIO in) or filling (PIO out) the buffer leads to. */
enum ide_xfer {
	IDE_XFER_NONE,
	IDE_XFER_ATA_IN,
	IDE_XFER_ATA_OUT,
	IDE_XFER_PACKET,   /* the 12 command bytes of PACKET */
	IDE_XFER_ATAPI_IN,
	IDE_XFER_DMA,      /* a bus-master command is in flight */
};

/* The buffer holds one DRQ block: up to 16 sectors (READ MULTIPLE) or an
 * ATAPI byte-count window, which can start inside a 2048-byte block. */
#define IDE_BUF_SIZE (0x10000 + 2048)
#define IDE_MAX_MULT 16

struct ide_drive {
	/* Host side: the medium and its identity (set at creation). */
	struct disk *disk;
	uint8_t kind;          /* enum ide_kind */
	char serial[21], model[41];
	uint32_t cyls, heads, spt; /* default CHS translation */
	struct {               /* guest-visible (in the state table) */
		uint16_t cur_cyls, cur_heads, cur_spt; /* INIT DEV PARAMS */
		uint8_t mult;      /* sectors per READ/WRITE MULTIPLE block */
		uint8_t xfer_mode; /* SET FEATURES 03h */
		/* ATAPI. */
		uint8_t sense_key, asc, ascq;
		uint8_t unit_attention; /* media changed, not yet reported */
		uint8_t media_event; /* GET EVENT STATUS: 0, 2 new, 3 gone */
		uint8_t locked;    /* PREVENT MEDIUM REMOVAL */
		uint8_t has_media;
	} g;
};

struct ide;

struct ide_channel {
	struct ide *ide;
	unsigned idx, irq;
	struct event ev;
	struct ide_drive drive[2];

	/* Guest-visible (the state table covers everything below). */
	uint8_t feature, nsector, sector, lcyl, hcyl, select;
	uint8_t hob_feature, hob_nsector, hob_sector, hob_lcyl, hob_hcyl;
	uint8_t status, error, ctl, cmd;
	uint8_t irq_pending, op, xfer, lba48, dma_wait;
	uint64_t ev_due;       /* 0 = idle */
	uint64_t lba;          /* next sector of the command */
	uint32_t remaining;    /* sectors (ATA) or bytes (ATAPI) still to go */
	uint32_t block;        /* sectors per DRQ block (ATA) */
	uint32_t pos, end;     /* the guest's cursor in buf */
	/* ATAPI transfer: bytes from a static reply in buf, or disk blocks
	 * from lba when atapi_read is set. */
	uint8_t atapi_read;
	uint32_t atapi_total, atapi_done;
	uint8_t buf[IDE_BUF_SIZE];
};

struct ide {
	struct machine *m;
	struct piix_ide *bm;   /* bus-master registers, or NULL */
	struct ide_channel ch[2];
};

/* Maps both channels' ports. disks[ch * 2 + unit] with kinds[] saying
 * which are hard disks and which CD-ROMs (a CD-ROM may start empty with
 * disk NULL). bm may be NULL (no DMA). Returns NULL on a port clash. */
struct ide *ide_create(struct machine *m, struct piix_ide *bm,
		       struct disk *const disks[4], const uint8_t kinds[4]);
void ide_reset(void *opaque);

/* Insert (disk) or eject (NULL) the medium of a CD-ROM: the guest sees a
 * UNIT ATTENTION and a media event. The old disk is the caller's. */
void ide_cdrom_change(struct ide *ide, unsigned ch, unsigned unit,
		      struct disk *disk);

/* --- between ide.c, ide_ata.c and ide_atapi.c ---------------------------- */

static inline struct ide_drive *ide_cur(struct ide_channel *ch)
{
	return &ch->drive[(ch->select & IDE_DEV_SLAVE) ? 1 : 0];
}

/* Run op after delay ns of virtual time (status shows BSY meanwhile). */
void ide_schedule(struct ide_channel *ch, enum ide_op op, uint64_t delay);
void ide_raise_irq(struct ide_channel *ch);
/* End the command: status DRDY|DSC, or ERR with error; and interrupt. */
void ide_done(struct ide_channel *ch);
void ide_abort(struct ide_channel *ch, uint8_t error);
/* Offer buf[0, len) to the guest as one DRQ block (PIO in). */
void ide_pio_in(struct ide_channel *ch, uint32_t len, bool irq);
/* Ask the guest for len bytes into buf (PIO out). */
void ide_pio_out(struct ide_channel *ch, uint32_t len, bool irq);
/* Start a bus-master transfer (runs when the guest sets Start). */
void ide_dma_start(struct ide_channel *ch);
void ide_set_signature(struct ide_channel *ch, struct ide_drive *d);
void ide_put_string(uint16_t *w, const char *s, unsigned words);

/* ide_ata.c */
void ide_ata_command(struct ide_channel *ch);   /* IDE_OP_CMD */
void ide_ata_pio_in(struct ide_channel *ch);    /* IDE_OP_PIO_IN */
void ide_ata_pio_out(struct ide_channel *ch);   /* IDE_OP_PIO_OUT */
/* DMA data source/sink for the current command: fill or drain buf with
 * up to max bytes; returns the bytes, 0 at the end, -1 on error (the
 * command then fails with ch->error). */
int ide_ata_dma_chunk(struct ide_channel *ch, uint32_t max, bool to_mem);
void ide_ata_geometry(struct ide_drive *d);

/* ide_atapi.c */
void ide_atapi_packet(struct ide_channel *ch);  /* IDE_OP_PACKET */
void ide_atapi_next(struct ide_channel *ch);    /* IDE_OP_ATAPI_IN */
int ide_atapi_dma_chunk(struct ide_channel *ch, uint32_t max);
void ide_atapi_identify(struct ide_channel *ch, struct ide_drive *d);

#endif
