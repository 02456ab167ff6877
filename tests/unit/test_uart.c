/* NS16550A: registers, transmit timing in virtual time, FIFOs and IIR,
 * loopback, IRQ gating, host input, and the --serial spec parser. Frame
 * times are from the datasheet: bit = divisor * 16 / 1.8432 MHz, so one
 * 8N1 frame at 9600 baud (divisor 12) is 10/9600 s = 1041666 ns. */
#include "tests/unit/testbed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/util.h"
#include "devices/uart.h"

#define COM1 0x3f8
#define FRAME_9600 1041666ull

struct capture {
	uint8_t buf[256];
	size_t n;
};

static struct machine *m;
static struct uart *u;
static struct capture out, watched;

static void cap_write(void *opaque, uint8_t b)
{
	struct capture *c = opaque;
	if (c->n < sizeof(c->buf))
		c->buf[c->n++] = b;
}

static void setup(void)
{
	char err[128];
	struct uart_backend be = { .write = cap_write, .opaque = &out };

	memset(&out, 0, sizeof(out));
	memset(&watched, 0, sizeof(watched));
	m = testbed_new(1000000);
	u = uart_create(m, 0, &be, err, sizeof(err));
	cr_assert_not_null(u, "%s", err);
}

static void teardown(void)
{
	testbed_free(m);
}

static uint8_t rd(unsigned reg)
{
	return (uint8_t)bus_in(m->bus, (uint16_t)(COM1 + reg), 1);
}

static void wr(unsigned reg, uint8_t v)
{
	bus_out(m->bus, (uint16_t)(COM1 + reg), v, 1);
}

/* 9600 8N1, the way a driver programs it. */
static void init_9600(void)
{
	wr(3, 0x80);
	wr(0, 12);
	wr(1, 0);
	wr(3, 0x03);
}

static bool irq(unsigned n)
{
	return m->irq.level[n] != 0;
}

static void rx(const char *s)
{
	size_t n = strlen(s);
	cr_assert_eq(uart_receive(u, (const uint8_t *)s, n), n);
}

TestSuite(uart, .init = setup, .fini = teardown);

Test(uart, reset_values_match_the_datasheet)
{
	cr_assert_eq(rd(1), 0x00);
	cr_assert_eq(rd(2), 0x01);
	cr_assert_eq(rd(3), 0x00);
	cr_assert_eq(rd(4), 0x00);
	cr_assert_eq(rd(5), 0x60);
	cr_assert_eq(rd(6) & 0x0f, 0x00);
}

Test(uart, divisor_latch_is_reached_only_with_dlab)
{
	wr(3, 0x80);
	wr(0, 0x34);
	wr(1, 0x12);
	cr_assert_eq(rd(0), 0x34);
	cr_assert_eq(rd(1), 0x12);
	wr(3, 0x03);
	wr(1, 0x05);
	cr_assert_eq(rd(1), 0x05); /* IER, not DLM */
	wr(3, 0x83);
	cr_assert_eq(rd(1), 0x12);
	cr_assert_eq(rd(0), 0x34);
	cr_assert_eq(out.n, 0); /* DLL writes are not transmitted */
}

Test(uart, scratch_register_holds_a_byte)
{
	wr(7, 0xa5);
	cr_assert_eq(rd(7), 0xa5);
}

Test(uart, thr_byte_reaches_the_backend_and_watcher)
{
	uart_set_watch(u, cap_write, &watched);
	init_9600();
	wr(0, 'H');
	wr(0, 'i');
	testbed_advance_ns(m, 2 * FRAME_9600);
	cr_assert_eq(out.n, 2);
	cr_assert_eq(out.buf[0], 'H');
	cr_assert_eq(out.buf[1], 'i');
	cr_assert_eq(watched.n, 2);
	cr_assert_eq(watched.buf[1], 'i');
}

Test(uart, lsr_thre_and_temt_follow_9600_baud_in_virtual_time)
{
	init_9600();
	wr(0, 'a'); /* straight into the shift register */
	cr_assert_eq(rd(5), 0x20); /* THRE, not TEMT */
	wr(0, 'b'); /* waits in THR */
	cr_assert_eq(rd(5), 0x00);
	testbed_advance_ns(m, FRAME_9600 - 1);
	cr_assert_eq(rd(5), 0x00);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(5), 0x20);
	testbed_advance_ns(m, FRAME_9600 - 1);
	cr_assert_eq(rd(5), 0x20);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(5), 0x60);
}

Test(uart, frame_time_follows_lcr_word_length_parity_and_stop_bits)
{
	init_9600();
	wr(3, 0x04); /* 5 data bits, 1.5 stop: 7.5 bit times */
	wr(0, 'x');
	testbed_advance_ns(m, 781249);
	cr_assert_eq(rd(5), 0x20);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(5), 0x60);
	wr(3, 0x1f); /* 8 data, even parity, 2 stop: 12 bit times */
	wr(0, 'y');
	testbed_advance_ns(m, 1249999);
	cr_assert_eq(rd(5), 0x20);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(5), 0x60);
}

Test(uart, tx_fifo_takes_16_bytes_and_drains_one_per_frame)
{
	init_9600();
	wr(2, 0x07);
	for (int i = 0; i < 17; i++) /* 1 to the TSR, 16 in the FIFO */
		wr(0, (uint8_t)('A' + i));
	cr_assert_eq(rd(5) & 0x60, 0);
	wr(0, 'Z'); /* FIFO full: lost */
	testbed_advance_ns(m, 16 * FRAME_9600);
	cr_assert_eq(rd(5), 0x20);
	cr_assert_eq(out.n, 17);
	cr_assert_eq(out.buf[16], 'A' + 16);
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(5), 0x60);
}

Test(uart, rx_fifo_trigger_levels_set_rda_in_iir)
{
	static const uint8_t fcr[4] = { 0x07, 0x47, 0x87, 0xc7 };
	static const unsigned level[4] = { 1, 4, 8, 14 };

	init_9600();
	wr(1, 0x01);
	for (int t = 0; t < 4; t++) {
		wr(2, fcr[t]);
		rx("0123456789abcdef");
		testbed_advance_ns(m, (level[t] - 1) * FRAME_9600);
		cr_assert_eq(rd(2), 0xc1, "trigger %u", level[t]);
		testbed_advance_ns(m, FRAME_9600);
		cr_assert_eq(rd(2), 0xc4, "trigger %u", level[t]);
		wr(2, 0x07); /* flush the FIFO */
		testbed_advance_ns(m, 20 * FRAME_9600);
		wr(2, 0x07);
	}
}

Test(uart, character_timeout_after_four_idle_frames)
{
	init_9600();
	wr(1, 0x01);
	wr(2, 0x87); /* trigger 8 */
	rx("abc");
	testbed_advance_ns(m, 3 * FRAME_9600);
	cr_assert_eq(rd(2), 0xc1);
	testbed_advance_ns(m, 4 * FRAME_9600 - 1);
	cr_assert_eq(rd(2), 0xc1);
	testbed_advance_ns(m, 1);
	cr_assert_eq(rd(2), 0xcc);
	cr_assert_eq(rd(0), 'a'); /* a read clears it and restarts the timer */
	cr_assert_eq(rd(2), 0xc1);
	testbed_advance_ns(m, 4 * FRAME_9600);
	cr_assert_eq(rd(2), 0xcc);
	cr_assert_eq(rd(0), 'b');
	cr_assert_eq(rd(0), 'c');
	testbed_advance_ns(m, 8 * FRAME_9600);
	cr_assert_eq(rd(2), 0xc1); /* empty FIFO: no timeout */
}

Test(uart, thre_interrupt_arms_on_enable_and_clears_on_iir_read)
{
	init_9600();
	wr(4, 0x08); /* OUT2 */
	wr(1, 0x02);
	cr_assert(irq(4));
	cr_assert_eq(rd(2), 0x02);
	cr_assert_eq(rd(2), 0x01); /* the IIR read acknowledged it */
	cr_assert(!irq(4));
	/* Re-enabling ETBEI with THR empty re-arms it. */
	wr(1, 0x00);
	wr(1, 0x02);
	cr_assert(irq(4));
	/* A THR write clears it; THR empties into the TSR and re-arms. */
	wr(0, 'a');
	cr_assert_eq(rd(2), 0x02);
	wr(0, 'b');
	cr_assert_eq(rd(2), 0x01);
	cr_assert(!irq(4));
	testbed_advance_ns(m, FRAME_9600);
	cr_assert(irq(4));
	cr_assert_eq(rd(2), 0x02);
}

Test(uart, interrupt_priority_rls_over_rda_over_thre)
{
	init_9600();
	wr(4, 0x10); /* loopback, to make an overrun */
	wr(1, 0x07);
	wr(0, '1');
	testbed_advance_ns(m, FRAME_9600);
	wr(0, '2');
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(2), 0x06); /* RLS */
	cr_assert_eq(rd(5), 0x63); /* DR | OE | THRE | TEMT */
	cr_assert_eq(rd(5), 0x61); /* OE cleared by the read */
	cr_assert_eq(rd(2), 0x04); /* RDA */
	cr_assert_eq(rd(0), '2'); /* non-FIFO: the new byte overwrote RBR */
	cr_assert_eq(rd(2), 0x02); /* THRE */
	cr_assert_eq(rd(2), 0x01);
}

Test(uart, loopback_echoes_bytes_and_modem_lines)
{
	init_9600();
	wr(4, 0x10); /* loopback: the host's CTS DSR DCD fall */
	cr_assert_eq(rd(6), 0x0b);
	wr(4, 0x1f); /* loop, OUT2, OUT1, RTS, DTR */
	cr_assert_eq(rd(6), 0xfb); /* RI rising is not TERI */
	cr_assert_eq(rd(6), 0xf0);
	wr(0, 'x');
	cr_assert_eq(rd(5) & 0x01, 0);
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(5) & 0x01, 0x01);
	cr_assert_eq(rd(0), 'x');
	cr_assert_eq(out.n, 0); /* nothing left the chip */
	wr(4, 0x10);
	cr_assert_eq(rd(6), 0x0f); /* all four fell: DCTS DDSR TERI DDCD */
	wr(4, 0x14); /* OUT1 -> RI rises: no TERI */
	cr_assert_eq(rd(6), 0x40);
}

Test(uart, modem_status_interrupt_on_delta)
{
	wr(4, 0x18);
	wr(1, 0x08);
	rd(6);
	wr(4, 0x1a); /* RTS -> CTS in loopback */
	cr_assert_eq(rd(2), 0x00);
	rd(6);
	cr_assert_eq(rd(2), 0x01);
	wr(4, 0x00);
	cr_assert_eq(rd(6), 0xb2); /* host lines CTS DSR DCD; DSR rose */
}

Test(uart, irq_needs_both_ier_and_out2)
{
	init_9600();
	rx("k");
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(2), 0x01);
	wr(1, 0x01);
	cr_assert_eq(rd(2), 0x04);
	cr_assert(!irq(4)); /* OUT2 low: the PC's IRQ driver is off */
	wr(4, 0x08);
	cr_assert(irq(4));
	wr(1, 0x00);
	cr_assert(!irq(4));
	wr(1, 0x01);
	cr_assert(irq(4));
	wr(4, 0x18); /* loopback forces OUT2 off at the pin */
	cr_assert(!irq(4));
	wr(4, 0x08);
	cr_assert_eq(rd(0), 'k');
	cr_assert(!irq(4));
}

Test(uart, receive_raises_rda_one_frame_per_byte)
{
	init_9600();
	wr(1, 0x01);
	wr(4, 0x0b);
	rx("ok");
	cr_assert_eq(rd(5) & 0x01, 0);
	testbed_advance_ns(m, FRAME_9600 - 1);
	cr_assert(!irq(4));
	testbed_advance_ns(m, 1);
	cr_assert(irq(4));
	cr_assert_eq(rd(2), 0x04);
	cr_assert_eq(rd(0), 'o');
	cr_assert(!irq(4));
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(0), 'k');
	cr_assert_eq(rd(5) & 0x01, 0);
}

Test(uart, host_input_waits_for_a_full_rbr_instead_of_overrunning)
{
	init_9600();
	rx("abc");
	testbed_advance_ns(m, 10 * FRAME_9600);
	cr_assert_eq(rd(5) & 0x03, 0x01); /* DR, no OE */
	cr_assert_eq(rd(0), 'a');
	cr_assert_eq(rd(5) & 0x01, 0);
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(0), 'b');
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(rd(0), 'c');
}

Test(uart, com2_is_at_0x2f8_on_irq3)
{
	char err[128];
	struct uart *c2 = uart_create(m, 1, NULL, err, sizeof(err));
	cr_assert_not_null(c2, "%s", err);
	bus_out(m->bus, 0x2f9, 0x02, 1);
	bus_out(m->bus, 0x2fc, 0x08, 1);
	cr_assert(irq(3));
	cr_assert(!irq(4));
	cr_assert_eq(bus_in(m->bus, 0x2fa, 1), 0x02);
}

Test(uart, shared_irq_line_is_not_lowered_by_an_idle_uart)
{
	char err[128];
	struct uart *c3 = uart_create(m, 2, NULL, err, sizeof(err));
	cr_assert_not_null(c3, "%s", err);
	wr(4, 0x08);
	wr(1, 0x02);
	cr_assert(irq(4));
	bus_out(m->bus, 0x3ec, 0x08, 1); /* COM3 OUT2, nothing pending */
	bus_out(m->bus, 0x3e9, 0x00, 1);
	cr_assert(irq(4));
}

Test(uart, reset_clears_registers_but_keeps_the_divisor)
{
	init_9600();
	wr(1, 0x0f);
	wr(4, 0x1f);
	wr(2, 0xc7);
	testbed_reset(m);
	cr_assert_eq(rd(1), 0);
	cr_assert_eq(rd(2), 0x01);
	cr_assert_eq(rd(4), 0);
	wr(3, 0x80);
	cr_assert_eq(rd(0), 12);
}

Test(uart, snapshot_restores_a_byte_in_flight)
{
	char err[128];
	FILE *f = tmpfile();

	init_9600();
	wr(0, 'a');
	wr(0, 'b');
	testbed_advance_ns(m, FRAME_9600 / 2);
	cr_assert_eq(state_write(&m->state, f, err, sizeof(err)), 0, "%s", err);
	testbed_advance_ns(m, 5 * FRAME_9600);
	rewind(f);
	cr_assert_eq(state_read(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	m->clock.ns_offset -= 5 * FRAME_9600;
	cr_assert_eq(rd(5), 0x00);
	testbed_advance_ns(m, FRAME_9600 - FRAME_9600 / 2);
	cr_assert_eq(rd(5), 0x20);
}

Test(uart, spec_parser_accepts_the_documented_forms)
{
	struct uart_spec s;
	char err[160];

	cr_assert_eq(uart_spec_parse("stdio", &s, err, sizeof(err)), 0);
	cr_assert_eq(s.kind, UART_SPEC_STDIO);
	cr_assert_eq(uart_spec_parse("none", &s, err, sizeof(err)), 0);
	cr_assert_eq(s.kind, UART_SPEC_NONE);
	cr_assert_eq(uart_spec_parse("file:/tmp/x.log", &s, err, sizeof(err)), 0);
	cr_assert_eq(s.kind, UART_SPEC_FILE);
	cr_assert_str_eq(s.path, "/tmp/x.log");
	cr_assert_eq(uart_spec_parse("tcp:127.0.0.1:4555", &s, err,
				     sizeof(err)), 0);
	cr_assert_eq(s.kind, UART_SPEC_TCP);
	cr_assert_eq(s.port, 4555);
}

Test(uart, spec_parser_refuses_bad_specs_with_one_line)
{
	static const char *bad[] = {
		"", "pty", "file:", "tcp:0.0.0.0:4555", "tcp:localhost:1",
		"tcp:127.0.0.1:", "tcp:127.0.0.1:0", "tcp:127.0.0.1:65536",
		"tcp:127.0.0.1:12ab", "tcp:127.0.0.1:-5", "stdio2",
	};
	struct uart_spec s;
	char err[160];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		cr_assert_eq(uart_spec_parse(bad[i], &s, err, sizeof(err)), -1,
			     "%s", bad[i]);
		cr_assert(err[0] && !strchr(err, '\n'), "%s: %s", bad[i], err);
		cr_assert(strstr(err, "--serial"), "%s", err);
	}
}

Test(uart, file_backend_writes_transmitted_bytes)
{
	char path[] = "/tmp/lucid-uart-XXXXXX", err[160], buf[16] = { 0 };
	struct uart_spec s;
	struct uart_backend be;
	char spec[64];
	int fd = mkstemp(path);

	cr_assert_geq(fd, 0);
	close(fd);
	snprintf(spec, sizeof(spec), "file:%s", path);
	cr_assert_eq(uart_spec_parse(spec, &s, err, sizeof(err)), 0);
	cr_assert_eq(uart_backend_open(&s, &be, err, sizeof(err)), 0, "%s", err);
	struct uart *c2 = uart_create(m, 1, &be, err, sizeof(err));
	cr_assert_not_null(c2);
	bus_out(m->bus, 0x2f8, 'o', 1);
	bus_out(m->bus, 0x2f8, 'k', 1);
	testbed_advance_ns(m, 100 * FRAME_9600);
	testbed_free(m); /* closes the file */
	m = testbed_new(1000000);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	cr_assert_eq(fread(buf, 1, sizeof(buf), f), 2);
	fclose(f);
	unlink(path);
	cr_assert_str_eq(buf, "ok");
}

Test(uart, tcp_backend_carries_bytes_both_ways)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	char err[160], spec[64];
	struct uart_spec s;
	struct uart_backend be;
	uint8_t b = 0;

	/* Find a free port, then let the backend listen there. */
	int probe = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(bind(probe, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(probe, (struct sockaddr *)&sa, &len);
	close(probe);
	snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%u", ntohs(sa.sin_port));
	cr_assert_eq(uart_spec_parse(spec, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(uart_backend_open(&s, &be, err, sizeof(err)), 0, "%s", err);
	struct uart *c2 = uart_create(m, 1, &be, err, sizeof(err));
	cr_assert_not_null(c2);

	int cl = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(cl, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(send(cl, "Q", 1, 0), 1);
	size_t got = 0;
	for (int i = 0; i < 1000 && !got; i++) {
		got = uart_poll_host(c2);
		if (!got)
			usleep(1000);
	}
	cr_assert_eq(got, 1);
	testbed_advance_ns(m, FRAME_9600);
	cr_assert_eq(bus_in(m->bus, 0x2f8, 1), 'Q');
	bus_out(m->bus, 0x2f8, 'R', 1);
	cr_assert_eq(recv(cl, &b, 1, 0), 1);
	cr_assert_eq(b, 'R');
	close(cl);
}
