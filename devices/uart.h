/* devices/uart.h: NS16550A UART (COM1-COM4) and its host backends.
 *
 * The chip's timing runs on virtual time: a byte takes one frame time (10
 * bit-times for 8N1) at the programmed divisor to leave the transmitter,
 * and host input arrives one frame time per byte. Host I/O never happens
 * inside the device on its own: output goes to a backend, input enters
 * only when the machine calls uart_receive() or uart_poll_host() at a
 * sync point.
 */
#ifndef LUCID_DEVICES_UART_H
#define LUCID_DEVICES_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;

#define UART_FIFO_SIZE 16
#define UART_HOSTQ_SIZE 256

/* Where a UART's bytes go on the host. Host-only: not guest state. */
struct uart_backend {
	void (*write)(void *opaque, uint8_t byte);
	/* Up to len bytes of host input without blocking (0 if none), or
	 * NULL when input is fed by the machine through uart_receive(). */
	size_t (*read)(void *opaque, uint8_t *buf, size_t len);
	void (*close)(void *opaque);
	void *opaque;
};

enum uart_spec_kind { UART_SPEC_NONE, UART_SPEC_STDIO, UART_SPEC_FILE,
		      UART_SPEC_TCP };

struct uart_spec {
	enum uart_spec_kind kind;
	const char *path; /* FILE: points into the parsed string */
	uint16_t port;    /* TCP: listens on 127.0.0.1:port */
};

/* Parse a --serial value: stdio | file:PATH | tcp:127.0.0.1:PORT | none.
 * Returns 0, or -1 with a one-line reason in err. */
int uart_spec_parse(const char *text, struct uart_spec *spec, char *err,
		    size_t errlen);
/* Open the backend a spec names (file created, socket listening). NONE
 * gives a backend that drops output. stdio's read is NULL: the machine
 * reads stdin at sync points and calls uart_receive(). */
int uart_backend_open(const struct uart_spec *spec, struct uart_backend *be,
		      char *err, size_t errlen);

struct uart {
	struct machine *m;
	char name[8];       /* "com1": the state section and bus name */
	uint16_t base;
	unsigned irq;
	struct uart_backend be;
	void (*watch)(void *opaque, uint8_t byte);
	void *watch_opaque;
	struct event tx_ev;      /* the byte in the TSR has left */
	struct event rx_ev;      /* the next host byte has arrived */
	struct event timeout_ev; /* character timeout (FIFO mode) */

	/* Guest-visible state (all in the state table). */
	uint8_t rx_fifo[UART_FIFO_SIZE], rx_head, rx_count, rbr;
	uint8_t tx_fifo[UART_FIFO_SIZE], tx_head, tx_count;
	uint8_t tsr, tsr_busy, tsr_loop;
	uint8_t dll, dlm, ier, lcr, mcr, fcr, msr, scr;
	uint8_t lsr_err;      /* OE/PE/FE/BI until LSR is read */
	uint8_t thre_pending; /* THRE interrupt armed */
	uint8_t rx_timeout;   /* character timeout indicated */
	uint8_t irq_out;
	uint8_t hostq[UART_HOSTQ_SIZE]; /* host bytes still on the wire */
	uint16_t hq_head, hq_count;
	uint64_t tx_due, rx_due, timeout_due; /* 0 = not armed */
};

/* com: 0-3 for COM1 (0x3F8, IRQ 4), COM2 (0x2F8, IRQ 3), COM3 (0x3E8,
 * IRQ 4), COM4 (0x2E8, IRQ 3). be may be NULL (output dropped); the UART
 * owns it from here and closes it on destroy. NULL with a reason in err. */
struct uart *uart_create(struct machine *m, unsigned com,
			 const struct uart_backend *be, char *err,
			 size_t errlen);
void uart_reset(void *opaque);
void uart_destroy(void *opaque);

/* Host input at a sync point: queued, then delivered one frame time per
 * byte, never overrunning the receive FIFO. Returns how many bytes were
 * accepted (the queue holds UART_HOSTQ_SIZE). */
size_t uart_receive(struct uart *u, const uint8_t *data, size_t len);
/* Take whatever the backend has (tcp) and uart_receive() it. */
size_t uart_poll_host(struct uart *u);
/* Called with each byte the guest transmits (not in loopback), e.g. for
 * --until-serial. */
void uart_set_watch(struct uart *u, void (*fn)(void *opaque, uint8_t byte),
		    void *opaque);

#endif
