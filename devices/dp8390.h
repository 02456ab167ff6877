/* devices/dp8390.h: the National Semiconductor DP8390 network interface
 * controller, with the packet memory of an NE2000 board behind it.
 *
 * The chip: three register pages selected by CR.PS, remote DMA (the host
 * moves bytes through the board's data port), the receive ring (PSTART/
 * PSTOP/BNRY/CURR, a 4-byte header per frame), transmit from TPSR/TBCR,
 * ISR/IMR, the station address and multicast hash filter, and the tally
 * counters. The board's memory map is the NE2000's: the station-address
 * PROM (32 bytes, each byte doubled) at 0x0000 and 16 KiB of RAM at
 * 0x4000-0x7FFF (pages 0x40-0x7F); anything else reads 0xFF.
 *
 * Frames on the "wire" carry no FCS: dp8390_receive takes them without
 * one, the chip appends the CRC when storing them in the ring (as the real
 * one does), and transmitted frames are handed over without one.
 */
#ifndef LUCID_DEVICES_DP8390_H
#define LUCID_DEVICES_DP8390_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/state.h"

struct machine;

/* Register offsets (page 0 unless noted). */
#define DP_CR 0x00
#define DP_PSTART 0x01 /* write; page 2 read */
#define DP_PSTOP 0x02  /* write; page 2 read */
#define DP_BNRY 0x03
#define DP_TPSR 0x04   /* write; TSR when read */
#define DP_TSR 0x04
#define DP_TBCR0 0x05  /* write; NCR when read */
#define DP_TBCR1 0x06  /* write; FIFO when read */
#define DP_ISR 0x07
#define DP_RSAR0 0x08  /* write; CRDA0 when read */
#define DP_RSAR1 0x09
#define DP_RBCR0 0x0a
#define DP_RBCR1 0x0b
#define DP_RCR 0x0c    /* write; RSR when read */
#define DP_RSR 0x0c
#define DP_TCR 0x0d    /* write; CNTR0 when read */
#define DP_DCR 0x0e    /* write; CNTR1 when read */
#define DP_IMR 0x0f    /* write; CNTR2 when read */
#define DP_CNTR0 0x0d
#define DP_CNTR1 0x0e
#define DP_CNTR2 0x0f
#define DP_CURR 0x07   /* page 1 */

/* CR */
#define CR_STP 0x01
#define CR_STA 0x02
#define CR_TXP 0x04
#define CR_RD_MASK 0x38
#define CR_RD_READ 0x08
#define CR_RD_WRITE 0x10
#define CR_RD_SEND 0x18
#define CR_RD_ABORT 0x20
#define CR_PS_SHIFT 6
/* ISR / IMR */
#define ISR_PRX 0x01
#define ISR_PTX 0x02
#define ISR_RXE 0x04
#define ISR_TXE 0x08
#define ISR_OVW 0x10
#define ISR_CNT 0x20
#define ISR_RDC 0x40
#define ISR_RST 0x80
/* DCR */
#define DCR_WTS 0x01
/* TCR */
#define TCR_LB_MASK 0x06
/* RCR */
#define RCR_SEP 0x01
#define RCR_AR 0x02
#define RCR_AB 0x04
#define RCR_AM 0x08
#define RCR_PRO 0x10
#define RCR_MON 0x20
/* RSR (also byte 0 of a ring header) */
#define RSR_PRX 0x01
#define RSR_MPA 0x10
#define RSR_PHY 0x20
/* TSR */
#define TSR_PTX 0x01

/* The NE2000 board's memory behind the chip. */
#define DP_PROM_SIZE 32
#define DP_RAM_START 0x4000
#define DP_RAM_SIZE 0x4000

/* Ethernet sizes without the FCS. */
#define DP_FRAME_MIN 60
#define DP_FRAME_MAX 1514

struct dp8390 {
	/* Guest-visible state (the state table covers all of it). */
	uint8_t cr, isr, imr, dcr, tcr, rcr, tsr, rsr;
	uint8_t pstart, pstop, bnry, curr, tpsr;
	uint16_t tbcr, rsar, rbcr, crda;
	uint8_t par[6], mar[8];
	uint8_t cntr[3];
	uint64_t tx_due;           /* transmit completes at (ns), 0 = idle */
	uint8_t prom[DP_PROM_SIZE];
	uint8_t ram[DP_RAM_SIZE];

	/* Host side. */
	struct machine *m;
	struct event tx_event;
	bool rtl8029;              /* PCI variant: ID bytes, page 3 */
	void *opaque;
	void (*set_irq)(void *opaque, bool level);
	/* A frame leaves (60..1514 bytes, no FCS). */
	void (*transmit)(void *opaque, const uint8_t *frame, size_t len);
};

/* Fill the PROM (MAC doubled, 0x57 0x57 "word card" signature at 14/15)
 * and register the transmit event; the caller sets the callbacks. */
void dp8390_init(struct dp8390 *d, struct machine *m, const uint8_t mac[6],
		 const char *name);
/* The RESET pin (power-on, the board's reset port, ISA RESET DRV). */
void dp8390_reset(struct dp8390 *d);
/* After a snapshot load: re-arm the transmit event, re-drive INT. */
void dp8390_post_load(struct dp8390 *d);
/* Chip registers 0x00-0x0F under the current page. */
uint8_t dp8390_read(struct dp8390 *d, unsigned reg);
void dp8390_write(struct dp8390 *d, unsigned reg, uint8_t val);
/* The board's data port: one remote DMA transfer of `size` I/O bytes
 * (a byte access in word mode still moves a word, as on the NE2000). */
uint32_t dp8390_data_read(struct dp8390 *d, unsigned size);
void dp8390_data_write(struct dp8390 *d, uint32_t val, unsigned size);
/* A frame from the wire (no FCS). Dropped or stored as the chip would. */
void dp8390_receive(struct dp8390 *d, const uint8_t *frame, size_t len);
/* Would a frame of len bytes be stored now? False only while the running
 * receiver lacks ring space or is in overflow, so a host queue can hold
 * the frame back instead of losing it. */
bool dp8390_can_receive(const struct dp8390 *d, size_t len);
/* The DP8390 multicast hash: the top 6 bits of the Ethernet CRC of the
 * destination address (index into MAR0-7, bit i&7 of MAR[i>>3]). */
unsigned dp8390_hash(const uint8_t addr[6]);
uint32_t dp8390_crc32(const uint8_t *p, size_t len); /* the FCS value */

extern const struct state_field dp8390_fields[];

#endif
