/* devices/fdc.h: Intel 82077AA-compatible floppy disk controller at
 * 0x3F0-0x3F5 and 0x3F7, IRQ 6, DMA channel 2; up to four drives whose
 * geometry comes from the inserted image's size.
 */
#ifndef LUCID_DEVICES_FDC_H
#define LUCID_DEVICES_FDC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;
struct disk;

#define FDC_BASE 0x3f0
#define FDC_IRQ 6
#define FDC_DMA 2

/* A medium's geometry (and the CMOS drive type that reads it). */
struct fdc_geom {
	uint32_t size;          /* bytes */
	uint8_t tracks, heads, spt;
	uint8_t cmos_type;      /* enum cmos_fd_type */
	uint8_t rate;           /* data rate code: 0 500K, 1 300K, 2 250K,
				 * 3 1M */
};

/* The geometry for an image of size bytes, or NULL if no known floppy
 * has that size (360K, 720K, 1.2M, 1.44M, 1.68M DMF, 2.88M). */
const struct fdc_geom *fdc_geom_for_size(uint64_t size);

enum fdc_phase { FDC_CMD, FDC_EXEC, FDC_RESULT };

struct fdc_drive {
	struct disk *disk;      /* host side; NULL: empty */
	const struct fdc_geom *geom;
	struct {                /* guest-visible (in the state table) */
		uint8_t pcn;        /* present cylinder */
		uint8_t head;
		uint8_t changed;    /* DIR bit 7 */
		uint8_t wp;
		uint8_t seek_end;   /* a seek finished, SENSE INT pending */
		uint8_t seek_st0;
		uint8_t present;    /* a drive is attached */
		uint8_t has_media;
	} g;
};

struct fdc {
	struct machine *m;
	struct event ev;
	struct fdc_drive drive[4];

	/* Guest-visible. */
	uint8_t dor, dsr, ccr, tdr;
	uint8_t phase;
	uint8_t cmd[9], ncmd, cmd_len;
	uint8_t res[10], nres, res_pos;
	uint8_t irq_pending;
	uint8_t reset_sense;    /* polling interrupts left to sense */
	uint8_t srt_hut, hlt_nd, config, pretrk, lock, perp;
	uint8_t in_reset;
	uint8_t ev_op;          /* what ev does: see fdc.c */
	uint8_t seek_hds, seek_to; /* the seek in flight */
	uint64_t ev_due;
};

/* Drives 0..ndrives-1 exist (a BIOS sees them through CMOS); media come
 * with fdc_insert. NULL on a port clash. */
struct fdc *fdc_create(struct machine *m, unsigned ndrives);
void fdc_reset(void *opaque);

/* Change media while running: the change line goes up. insert returns -1
 * if the image's size is not a floppy's (the old medium stays). The disk
 * stays the caller's. */
int fdc_insert(struct fdc *f, unsigned drive, struct disk *disk);
void fdc_eject(struct fdc *f, unsigned drive);
void fdc_set_write_protect(struct fdc *f, unsigned drive, bool wp);

#endif
