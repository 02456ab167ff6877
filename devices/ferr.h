/* devices/ferr.h: the AT's coprocessor error latch (FERR# -> IRQ13,
 * cleared by a write to port 0xF0). */
#ifndef LUCID_DEVICES_FERR_H
#define LUCID_DEVICES_FERR_H

#include <stdbool.h>
#include <stdint.h>

struct machine;

struct ferr {
	struct machine *m;
	uint8_t latched; /* IRQ13 asserted until port 0xF0 is written */
};

struct ferr *ferr_create(struct machine *m);
/* The CPU's FERR# output (cpu_hooks.ferr): a rising edge latches IRQ13;
 * the CPU drops it when software clears the x87 error. */
void ferr_set(struct ferr *f, bool level);

#endif
