/* devices/port92.h: system control port A (0x92): fast A20 and fast reset. */
#ifndef LUCID_DEVICES_PORT92_H
#define LUCID_DEVICES_PORT92_H

#include <stdint.h>

struct machine;

#define PORT92_PORT 0x92
#define PORT92_RESET 0x01 /* a 0 -> 1 transition resets the CPU */
#define PORT92_A20 0x02

struct port92 {
	struct machine *m;
	uint8_t val; /* the bits other than A20, which reads the gate itself */
};

struct port92 *port92_create(struct machine *m);

#endif
