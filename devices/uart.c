/* devices/uart.c: NS16550A UART.
 *
 * Transmit: THR (or the 16-byte TX FIFO) feeds the shift register; each
 * byte occupies it for one frame time at the programmed divisor (one event
 * per byte). The byte reaches the backend when it enters the shift
 * register, so nothing is lost if the run ends mid-frame. Receive: host
 * bytes wait in a queue and arrive one frame time apart, holding back
 * while the RX FIFO is full (as a flow-controlled sender would); overrun
 * can still happen in loopback, where the chip's own output arrives.
 */
#include "devices/uart.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"

enum { RBR = 0, IER = 1, IIR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6,
       SCR = 7 };

#define IER_RDA 0x01
#define IER_THRE 0x02
#define IER_RLS 0x04
#define IER_MS 0x08

#define IIR_NONE 0x01
#define IIR_MS 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_TIMEOUT 0x0c
#define IIR_FIFO 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_ERRS 0x1e /* OE, PE, FE, BI */
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

/* 1.8432 MHz crystal, 16 clocks per bit. */
#define UART_CLOCK_HZ 1843200u

static const struct { uint16_t base; unsigned irq; } uart_ports[4] = {
	{ 0x3f8, 4 }, { 0x2f8, 3 }, { 0x3e8, 4 }, { 0x2e8, 3 },
};

static const struct state_field uart_fields[] = {
	STATE_FIELD(struct uart, rx_fifo), STATE_FIELD(struct uart, rx_head),
	STATE_FIELD(struct uart, rx_count), STATE_FIELD(struct uart, rbr),
	STATE_FIELD(struct uart, tx_fifo), STATE_FIELD(struct uart, tx_head),
	STATE_FIELD(struct uart, tx_count), STATE_FIELD(struct uart, tsr),
	STATE_FIELD(struct uart, tsr_busy), STATE_FIELD(struct uart, tsr_loop),
	STATE_FIELD(struct uart, dll), STATE_FIELD(struct uart, dlm),
	STATE_FIELD(struct uart, ier), STATE_FIELD(struct uart, lcr),
	STATE_FIELD(struct uart, mcr), STATE_FIELD(struct uart, fcr),
	STATE_FIELD(struct uart, msr), STATE_FIELD(struct uart, scr),
	STATE_FIELD(struct uart, lsr_err),
	STATE_FIELD(struct uart, thre_pending),
	STATE_FIELD(struct uart, rx_timeout), STATE_FIELD(struct uart, irq_out),
	STATE_FIELD(struct uart, hostq), STATE_FIELD(struct uart, hq_head),
	STATE_FIELD(struct uart, hq_count), STATE_FIELD(struct uart, tx_due),
	STATE_FIELD(struct uart, rx_due), STATE_FIELD(struct uart, timeout_due),
	STATE_END
};

static uint64_t now(const struct uart *u)
{
	return clock_now(&u->m->clock);
}

static void arm(struct event *e, uint64_t *due, uint64_t when)
{
	*due = when;
	event_schedule(e, when);
}

static void disarm(struct event *e, uint64_t *due)
{
	*due = 0;
	event_cancel(e);
}

/* One frame (start + data + parity + stop bits) in virtual ns. */
static uint64_t frame_ns(const struct uart *u)
{
	unsigned div = (unsigned)u->dll | (unsigned)u->dlm << 8;
	unsigned data = 5 + (u->lcr & 3u);
	unsigned half = 2 * (1 + data + ((u->lcr & 0x08) ? 1 : 0));

	if (!div)
		div = 0x10000;
	/* Stop bits: 1, or 2 (1.5 with 5-bit words). */
	half += (u->lcr & 0x04) ? (data == 5 ? 3 : 4) : 2;
	return (uint64_t)half * div * 16 * 1000000000ull /
	       (2ull * UART_CLOCK_HZ);
}

static bool fifo_on(const struct uart *u)
{
	return u->fcr & FCR_ENABLE;
}

static unsigned rx_capacity(const struct uart *u)
{
	return fifo_on(u) ? UART_FIFO_SIZE : 1;
}

static bool rda(const struct uart *u)
{
	static const uint8_t trigger[4] = { 1, 4, 8, 14 };
	if (!fifo_on(u))
		return u->rx_count > 0;
	return u->rx_count >= trigger[u->fcr >> 6];
}

/* Interrupt identification in priority order. */
static uint8_t uart_iir_id(const struct uart *u)
{
	if ((u->ier & IER_RLS) && (u->lsr_err & LSR_ERRS))
		return IIR_RLS;
	if ((u->ier & IER_RDA) && rda(u))
		return IIR_RDA;
	if ((u->ier & IER_RDA) && u->rx_timeout)
		return IIR_TIMEOUT;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE;
	if ((u->ier & IER_MS) && (u->msr & 0x0f))
		return IIR_MS;
	return IIR_NONE;
}

/* On the PC, OUT2 enables the IRQ driver; loopback forces OUT2 inactive
 * at the pin, so interrupts do not reach the PIC then. Only transitions of
 * our own output are driven: COM1 and COM3 share a line. */
static void uart_update_irq(struct uart *u)
{
	uint8_t level = uart_iir_id(u) != IIR_NONE &&
			(u->mcr & (MCR_OUT2 | MCR_LOOP)) == MCR_OUT2;
	if (level != u->irq_out) {
		u->irq_out = level;
		irq_set(&u->m->irq, u->irq, level);
	}
}

/* The modem inputs: the MCR outputs in loopback, else a host that is
 * always there (CTS, DSR, DCD) and never rings. */
static void uart_update_msr(struct uart *u)
{
	uint8_t in = MSR_CTS | MSR_DSR | MSR_DCD, old = u->msr, d = 0;

	if (u->mcr & MCR_LOOP)
		in = (uint8_t)(((u->mcr & MCR_RTS) ? MSR_CTS : 0) |
			       ((u->mcr & MCR_DTR) ? MSR_DSR : 0) |
			       ((u->mcr & MCR_OUT1) ? MSR_RI : 0) |
			       ((u->mcr & MCR_OUT2) ? MSR_DCD : 0));
	if ((in ^ old) & MSR_CTS)
		d |= MSR_DCTS;
	if ((in ^ old) & MSR_DSR)
		d |= MSR_DDSR;
	if ((old & MSR_RI) && !(in & MSR_RI))
		d |= MSR_TERI; /* trailing edge only */
	if ((in ^ old) & MSR_DCD)
		d |= MSR_DDCD;
	u->msr = (uint8_t)(in | (old & 0x0f) | d);
}

/* --- receive --- */

static void rx_push(struct uart *u, uint8_t b)
{
	if (u->rx_count >= rx_capacity(u)) {
		u->lsr_err |= LSR_OE;
		/* Non-FIFO: the new byte overwrites RBR; FIFO: it is lost
		 * in the shift register. */
		if (!fifo_on(u))
			u->rx_fifo[u->rx_head] = b;
	} else {
		u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = b;
		u->rx_count++;
	}
	u->rx_timeout = 0;
	if (fifo_on(u))
		arm(&u->timeout_ev, &u->timeout_due, now(u) + 4 * frame_ns(u));
	uart_update_irq(u);
}

static void host_kick(struct uart *u)
{
	if (u->hq_count && !event_pending(&u->rx_ev) && !(u->mcr & MCR_LOOP))
		arm(&u->rx_ev, &u->rx_due, now(u) + frame_ns(u));
}

static void uart_rx_event(void *opaque)
{
	struct uart *u = opaque;

	u->rx_due = 0;
	/* Loopback disconnects the line; a full FIFO holds the sender back.
	 * Either way the next kick (MCR, RBR read, FCR) restarts it. */
	if (!u->hq_count || (u->mcr & MCR_LOOP) ||
	    u->rx_count >= rx_capacity(u))
		return;
	rx_push(u, u->hostq[u->hq_head]);
	u->hq_head = (uint16_t)((u->hq_head + 1) % UART_HOSTQ_SIZE);
	u->hq_count--;
	host_kick(u);
}

static void uart_timeout_event(void *opaque)
{
	struct uart *u = opaque;

	u->timeout_due = 0;
	if (fifo_on(u) && u->rx_count) {
		u->rx_timeout = 1;
		uart_update_irq(u);
	}
}

static uint8_t rbr_read(struct uart *u)
{
	if (u->rx_count) {
		u->rbr = u->rx_fifo[u->rx_head];
		u->rx_head = (uint8_t)((u->rx_head + 1) % UART_FIFO_SIZE);
		u->rx_count--;
	}
	u->rx_timeout = 0;
	if (fifo_on(u) && u->rx_count)
		arm(&u->timeout_ev, &u->timeout_due, now(u) + 4 * frame_ns(u));
	else
		disarm(&u->timeout_ev, &u->timeout_due);
	host_kick(u);
	uart_update_irq(u);
	return u->rbr;
}

static void rx_clear(struct uart *u)
{
	u->rx_head = u->rx_count = 0;
	u->rx_timeout = 0;
	disarm(&u->timeout_ev, &u->timeout_due);
}

/* --- transmit --- */

static void tx_start(struct uart *u)
{
	u->tsr = u->tx_fifo[u->tx_head];
	u->tx_head = (uint8_t)((u->tx_head + 1) % UART_FIFO_SIZE);
	u->tx_count--;
	u->tsr_busy = 1;
	u->tsr_loop = (u->mcr & MCR_LOOP) != 0;
	if (!u->tsr_loop) {
		if (u->be.write)
			u->be.write(u->be.opaque, u->tsr);
		if (u->watch)
			u->watch(u->watch_opaque, u->tsr);
	}
	if (!u->tx_count)
		u->thre_pending = 1;
	arm(&u->tx_ev, &u->tx_due, now(u) + frame_ns(u));
}

static void uart_tx_event(void *opaque)
{
	struct uart *u = opaque;

	u->tx_due = 0;
	u->tsr_busy = 0;
	if (u->tsr_loop)
		rx_push(u, u->tsr);
	if (u->tx_count)
		tx_start(u);
	uart_update_irq(u);
}

static void thr_write(struct uart *u, uint8_t b)
{
	if (u->tx_count < (fifo_on(u) ? UART_FIFO_SIZE : 1)) {
		u->tx_fifo[(u->tx_head + u->tx_count) % UART_FIFO_SIZE] = b;
		u->tx_count++;
	} else {
		log_debug(&u->m->log, UART, "%s: THR overrun, %#x lost",
			  u->name, b);
	}
	u->thre_pending = 0;
	if (!u->tsr_busy)
		tx_start(u);
	uart_update_irq(u);
}

/* --- registers --- */

static void fcr_write(struct uart *u, uint8_t val)
{
	if ((val ^ u->fcr) & FCR_ENABLE)
		val |= FCR_CLEAR_RX | FCR_CLEAR_TX; /* mode change flushes */
	if (val & FCR_CLEAR_RX)
		rx_clear(u);
	if ((val & FCR_CLEAR_TX) && u->tx_count) {
		u->tx_head = u->tx_count = 0;
		u->thre_pending = 1;
	}
	/* Other bits only program while FIFOs are enabled; 1-2 self-clear. */
	u->fcr = (val & FCR_ENABLE) ? (val & 0xc9) : 0;
	host_kick(u);
	uart_update_irq(u);
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
	uint8_t v;

	switch (reg) {
	case RBR:
		return (u->lcr & LCR_DLAB) ? u->dll : rbr_read(u);
	case IER:
		return (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
	case IIR:
		v = uart_iir_id(u);
		if (v == IIR_THRE) {
			u->thre_pending = 0; /* reading IIR acknowledges THRE */
			uart_update_irq(u);
		}
		return (uint8_t)(v | (fifo_on(u) ? IIR_FIFO : 0));
	case LCR:
		return u->lcr;
	case MCR:
		return u->mcr;
	case LSR:
		v = (uint8_t)((u->rx_count ? LSR_DR : 0) | u->lsr_err |
			      (u->tx_count ? 0 : LSR_THRE) |
			      (u->tx_count || u->tsr_busy ? 0 : LSR_TEMT));
		u->lsr_err = 0;
		uart_update_irq(u);
		return v;
	case MSR:
		v = u->msr;
		u->msr &= 0xf0;
		uart_update_irq(u);
		return v;
	default:
		return u->scr;
	}
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t val)
{
	uint8_t old;

	switch (reg) {
	case RBR:
		if (u->lcr & LCR_DLAB)
			u->dll = val;
		else
			thr_write(u, val);
		break;
	case IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			break;
		}
		old = u->ier;
		u->ier = val & 0x0f;
		/* Enabling THRE while THR is empty interrupts at once. */
		if (!(old & IER_THRE) && (u->ier & IER_THRE) && !u->tx_count)
			u->thre_pending = 1;
		uart_update_irq(u);
		break;
	case IIR:
		fcr_write(u, val);
		break;
	case LCR:
		u->lcr = val;
		break;
	case MCR:
		u->mcr = val & 0x1f;
		uart_update_msr(u);
		host_kick(u);
		uart_update_irq(u);
		break;
	case SCR:
		u->scr = val;
		break;
	default:
		log_debug(&u->m->log, UART, "%s: write %#x to read-only reg %u",
			  u->name, val, reg);
	}
}

/* The chip is 8 bits wide: a wider access is a run of byte accesses. */
static uint32_t uart_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size && offset + i < 8; i++)
		v |= (uint32_t)uart_read_reg(opaque, (unsigned)offset + i)
		     << (8 * i);
	return v;
}

static void uart_write(void *opaque, uint64_t offset, uint32_t val,
		       unsigned size)
{
	for (unsigned i = 0; i < size && offset + i < 8; i++)
		uart_write_reg(opaque, (unsigned)offset + i,
			       (uint8_t)(val >> (8 * i)));
}

static const struct io_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

static void uart_post_load(void *opaque)
{
	struct uart *u = opaque;
	struct { struct event *e; uint64_t due; } ev[3] = {
		{ &u->tx_ev, u->tx_due }, { &u->rx_ev, u->rx_due },
		{ &u->timeout_ev, u->timeout_due },
	};
	for (unsigned i = 0; i < 3; i++) {
		event_cancel(ev[i].e);
		if (ev[i].due)
			event_schedule(ev[i].e, ev[i].due);
	}
}

struct uart *uart_create(struct machine *m, unsigned com,
			 const struct uart_backend *be, char *err,
			 size_t errlen)
{
	struct uart *u;

	if (com >= 4) {
		snprintf(err, errlen, "uart: COM%u does not exist", com + 1);
		return NULL;
	}
	u = xcalloc(1, sizeof(*u));
	u->m = m;
	u->base = uart_ports[com].base;
	u->irq = uart_ports[com].irq;
	snprintf(u->name, sizeof(u->name), "com%u", com + 1);
	if (be)
		u->be = *be;
	if (bus_map_ports(m->bus, u->base, 8, &uart_ops, u, u->name)) {
		snprintf(err, errlen, "%s: ports %#x-%#x are taken", u->name,
			 u->base, u->base + 7);
		free(u);
		return NULL; /* the backend stays the caller's */
	}
	event_init(&u->tx_ev, &m->clock, uart_tx_event, u, "uart-tx");
	event_init(&u->rx_ev, &m->clock, uart_rx_event, u, "uart-rx");
	event_init(&u->timeout_ev, &m->clock, uart_timeout_event, u,
		   "uart-timeout");
	/* The divisor latch is undefined at power-on: start at 9600 baud so
	 * a guest that never programs it still sees sane timing. */
	u->dll = 12;
	uart_reset(u);
	state_add_hooked(&m->state, u->name, uart_fields, u, NULL,
			 uart_post_load, u);
	machine_add_device(m, u->name, u, uart_reset, uart_destroy);
	return u;
}

/* Master reset: registers to their datasheet values; divisor and scratch
 * keep theirs, and host bytes still queued on the wire stay queued. */
void uart_reset(void *opaque)
{
	struct uart *u = opaque;

	disarm(&u->tx_ev, &u->tx_due);
	disarm(&u->rx_ev, &u->rx_due);
	u->ier = u->lcr = u->mcr = u->fcr = 0;
	u->lsr_err = 0;
	u->thre_pending = 0;
	rx_clear(u);
	u->tx_head = u->tx_count = 0;
	u->tsr_busy = u->tsr_loop = 0;
	u->msr = 0;
	uart_update_msr(u);
	u->msr &= 0xf0;
	host_kick(u);
	uart_update_irq(u);
}

void uart_destroy(void *opaque)
{
	struct uart *u = opaque;
	if (!u)
		return;
	event_cancel(&u->tx_ev);
	event_cancel(&u->rx_ev);
	event_cancel(&u->timeout_ev);
	if (u->be.close)
		u->be.close(u->be.opaque);
	free(u);
}

size_t uart_receive(struct uart *u, const uint8_t *data, size_t len)
{
	size_t n = 0;
	while (n < len && u->hq_count < UART_HOSTQ_SIZE) {
		u->hostq[(u->hq_head + u->hq_count) % UART_HOSTQ_SIZE] = data[n++];
		u->hq_count++;
	}
	host_kick(u);
	return n;
}

size_t uart_poll_host(struct uart *u)
{
	uint8_t buf[UART_HOSTQ_SIZE];
	size_t room = UART_HOSTQ_SIZE - u->hq_count, n;

	if (!u->be.read || !room)
		return 0;
	n = u->be.read(u->be.opaque, buf, room);
	return uart_receive(u, buf, n);
}

void uart_set_watch(struct uart *u, void (*fn)(void *opaque, uint8_t byte),
		    void *opaque)
{
	u->watch = fn;
	u->watch_opaque = opaque;
}
