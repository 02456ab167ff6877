/* devices/dma.h: the AT's pair of Intel 8237A DMA controllers.
 *
 * DMA1 (ports 0x00-0x0F) has the 8-bit channels 0-3, DMA2 (0xC0-0xDF,
 * registers on even ports) the 16-bit channels 4-7; channel 4 cascades
 * DMA1. Page registers sit at 0x81-0x8F (0x80 is left to POST codes).
 *
 * Devices move data with dma_transfer, which does what the channel was
 * programmed for: address, count, direction, increment or decrement,
 * auto-init, terminal count.
 */
#ifndef LUCID_DEVICES_DMA_H
#define LUCID_DEVICES_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* Mode register. */
#define DMA_MODE_VERIFY 0x00
#define DMA_MODE_WRITE 0x04   /* device -> memory */
#define DMA_MODE_READ 0x08    /* memory -> device */
#define DMA_MODE_AUTOINIT 0x10
#define DMA_MODE_DECREMENT 0x20
#define DMA_MODE_DEMAND 0x00
#define DMA_MODE_SINGLE 0x40
#define DMA_MODE_BLOCK 0x80
#define DMA_MODE_CASCADE 0xc0

struct dma_chan {
	uint16_t base_addr, base_count;
	uint16_t cur_addr, cur_count;
	uint8_t mode;
	uint8_t pad;
};

struct dma_ctrl {
	struct dma_chan ch[4];
	uint8_t command;
	uint8_t status;   /* bits 0-3: terminal count reached */
	uint8_t request;  /* software requests */
	uint8_t mask;
	uint8_t flipflop; /* 0: next byte is the low one */
	uint8_t temp;
};

struct dma {
	struct machine *m;
	struct dma_ctrl c[2];
	uint8_t page[16]; /* by port, 0x80-0x8F */
	uint8_t dreq;     /* device request lines, by channel */
	uint8_t eop;      /* channel ended its last transfer at TC */
};

struct dma *dma_create(struct machine *m);
void dma_reset(void *opaque);

/* Move up to len bytes on channel ch (0-7) between buf and guest memory.
 * to_memory is the device's side of it (true: a floppy read). The mode
 * register decides the memory cycle; if it disagrees with the device (or
 * is verify), the counters run but nothing is moved. Stops at terminal
 * count unless the channel auto-initialises. 16-bit channels move whole
 * words (an odd trailing byte is left). Returns the bytes done; 0 if the
 * channel is masked, cascaded or its controller is off. */
size_t dma_transfer(struct dma *d, unsigned ch, void *buf, size_t len,
		    bool to_memory);
/* The last dma_transfer on ch reached terminal count (the device's EOP/TC
 * input: a floppy controller ends its command on it). */
bool dma_tc(const struct dma *d, unsigned ch);
/* The channel would transfer now (unmasked, programmed, not cascade). */
bool dma_ready(const struct dma *d, unsigned ch);
/* Device request line, visible in the status register's request bits. */
void dma_set_dreq(struct dma *d, unsigned ch, bool level);

#endif
