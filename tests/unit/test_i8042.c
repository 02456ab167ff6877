/* tests/unit/test_i8042.c: the 8042 controller, PS/2 keyboard and mouse,
 * driven through ports 0x60/0x64 as a guest driver would. */
#include "tests/unit/testbed.h"

#include "devices/i8042.h"

static struct machine *m;
static struct i8042 *kbc;
static unsigned irq_edges[IRQ_NLINES];

static void count_edges(void *opaque, unsigned line, bool level)
{
	if (level && line < IRQ_NLINES)
		irq_edges[line]++;
}

static void setup(void)
{
	m = testbed_new(100000);
	memset(irq_edges, 0, sizeof(irq_edges));
	irq_set_sink(&m->irq, count_edges, NULL);
	kbc = i8042_create(m, 1, 12);
}

static void teardown(void)
{
	testbed_free(m);
}

static uint8_t status(void)
{
	return (uint8_t)bus_in(m->bus, 0x64, 1);
}

static void cmd(uint8_t c)
{
	bus_out(m->bus, 0x64, c, 1);
}

static void data(uint8_t d)
{
	bus_out(m->bus, 0x60, d, 1);
}

/* Wait (in virtual time, as a polling driver does) for OBF, then read. */
static uint8_t recv(void)
{
	for (int i = 0; i < 50 && !(status() & I8042_STR_OBF); i++)
		testbed_advance_ns(m, 100000);
	cr_assert(status() & I8042_STR_OBF, "no byte arrived");
	return (uint8_t)bus_in(m->bus, 0x60, 1);
}

/* Nothing more arrives within 10 ms. */
static void expect_quiet(void)
{
	testbed_advance_ns(m, 10000000);
	cr_assert_not(status() & I8042_STR_OBF, "unexpected byte %#x",
		      (unsigned)bus_in(m->bus, 0x60, 1));
}

static void set_cmd_byte(uint8_t v)
{
	cmd(0x60);
	data(v);
}

TestSuite(i8042, .init = setup, .fini = teardown);

Test(i8042, self_test_replies_0x55_and_sets_system_flag)
{
	cr_assert_eq(status() & I8042_STR_SYS, 0);
	cmd(0xaa);
	cr_assert(status() & I8042_STR_CMD, "A2: last write was a command");
	cr_assert_eq(recv(), 0x55);
	cr_assert(status() & I8042_STR_SYS);
	cr_assert(status() & I8042_STR_INH, "keyboard not inhibited");
}

Test(i8042, interface_tests_report_no_error)
{
	cmd(0xab);
	cr_assert_eq(recv(), 0x00);
	cmd(0xa9);
	cr_assert_eq(recv(), 0x00);
}

Test(i8042, command_byte_reads_back_what_was_written)
{
	set_cmd_byte(0x47);
	cr_assert_eq(status() & I8042_STR_CMD, 0, "A2 clear after data");
	cmd(0x20);
	cr_assert_eq(recv(), 0x47);
	cr_assert(status() & I8042_STR_SYS, "SYS mirrors command byte bit 2");
	cmd(0xa7); /* disable aux: sets bit 5 */
	cmd(0xad); /* disable kbd: sets bit 4 */
	cmd(0x20);
	cr_assert_eq(recv(), 0x77);
	cmd(0xa8);
	cmd(0xae);
	cmd(0x20);
	cr_assert_eq(recv(), 0x47);
}

Test(i8042, output_port_a20_bit_gates_address_line_20)
{
	uint8_t b = 0x5a;
	mem_write(m->mem, 0x10, &b, 1);
	cmd(0xd1);
	data(0xc1); /* reset line high, A20 off */
	cr_assert_not(m->mem->a20);
	cr_assert_eq(mem_read8(m->mem, 0x100010), 0x5a, "wraps to 0x10");
	cmd(0xd0);
	cr_assert_eq(recv(), 0xc1);
	cmd(0xd1);
	data(0xc3);
	cr_assert(m->mem->a20);
	cr_assert_neq(mem_read8(m->mem, 0x100010), 0x5a);
	cmd(0xd0);
	cr_assert_eq(recv(), 0xc3);
	cr_assert_not(m->reset_pending);
}

Test(i8042, pulse_of_output_bit0_requests_system_reset)
{
	cmd(0xff); /* pulses nothing */
	cr_assert_not(m->reset_pending);
	cmd(0xfe);
	cr_assert(m->reset_pending);
}

Test(i8042, writing_output_port_with_reset_low_requests_reset)
{
	cmd(0xd1);
	data(0xc2);
	cr_assert(m->reset_pending);
}

Test(i8042, keyboard_reset_acks_then_sends_bat_ok_a_byte_time_later)
{
	data(0xff);
	cr_assert_eq(recv(), 0xfa);
	cr_assert_not(status() & I8042_STR_OBF, "next byte still on the wire");
	testbed_advance_ns(m, I8042_BYTE_NS);
	cr_assert(status() & I8042_STR_OBF);
	cr_assert_eq(recv(), 0xaa);
	expect_quiet();
}

Test(i8042, reading_twice_before_the_next_byte_returns_the_same_byte)
{
	data(0xff);
	cr_assert_eq(recv(), 0xfa);
	cr_assert_eq(bus_in(m->bus, 0x60, 1), 0xfa);
}

Test(i8042, keyboard_identify_gives_ab_83_raw_and_ab_41_translated)
{
	set_cmd_byte(0x00);
	data(0xf2);
	cr_assert_eq(recv(), 0xfa);
	cr_assert_eq(recv(), 0xab);
	cr_assert_eq(recv(), 0x83);
	set_cmd_byte(I8042_CB_XLAT);
	data(0xf2);
	cr_assert_eq(recv(), 0xfa);
	cr_assert_eq(recv(), 0xab);
	cr_assert_eq(recv(), 0x41);
}

Test(i8042, key_with_xlat_gives_set1_make_and_break)
{
	set_cmd_byte(I8042_CB_XLAT);
	ps2_kbd_key(kbc->kbd, 0x1e, true); /* A */
	cr_assert_eq(recv(), 0x1e);
	ps2_kbd_key(kbc->kbd, 0x1e, false);
	cr_assert_eq(recv(), 0x9e);
	ps2_kbd_key(kbc->kbd, 0xe048, true); /* Up */
	cr_assert_eq(recv(), 0xe0);
	cr_assert_eq(recv(), 0x48);
	ps2_kbd_key(kbc->kbd, 0xe048, false);
	cr_assert_eq(recv(), 0xe0);
	cr_assert_eq(recv(), 0xc8);
	expect_quiet();
}

Test(i8042, key_without_xlat_gives_set2_with_f0_break)
{
	set_cmd_byte(0x00);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	cr_assert_eq(recv(), 0x1c);
	ps2_kbd_key(kbc->kbd, 0x1e, false);
	cr_assert_eq(recv(), 0xf0);
	cr_assert_eq(recv(), 0x1c);
	ps2_kbd_key(kbc->kbd, 0xe048, true);
	cr_assert_eq(recv(), 0xe0);
	cr_assert_eq(recv(), 0x75);
	ps2_kbd_key(kbc->kbd, 0xe048, false);
	cr_assert_eq(recv(), 0xe0);
	cr_assert_eq(recv(), 0xf0);
	cr_assert_eq(recv(), 0x75);
	ps2_kbd_key(kbc->kbd, 0x41, true); /* F7: the one code above 0x7F */
	cr_assert_eq(recv(), 0x83);
}

/* The keyboard's set 2 table and the 8042's translation table come from
 * different references; every key must come back as its set 1 code. */
Test(i8042, every_key_translates_back_to_its_set1_code)
{
	set_cmd_byte(I8042_CB_XLAT);
	for (unsigned code = 1; code < 0x80; code++) {
		ps2_kbd_key(kbc->kbd, (uint16_t)code, true);
		cr_assert_eq(recv(), code, "make %#x", code);
		ps2_kbd_key(kbc->kbd, (uint16_t)code, false);
		cr_assert_eq(recv(), code | 0x80, "break %#x", code);
	}
	static const uint8_t e0keys[] = { 0x1c, 0x1d, 0x35, 0x38, 0x47, 0x48,
					  0x49, 0x4b, 0x4d, 0x4f, 0x50, 0x51,
					  0x52, 0x53, 0x5b, 0x5c, 0x5d };
	for (unsigned i = 0; i < sizeof(e0keys); i++) {
		ps2_kbd_key(kbc->kbd, 0xe000 | e0keys[i], true);
		cr_assert_eq(recv(), 0xe0);
		cr_assert_eq(recv(), e0keys[i]);
		ps2_kbd_key(kbc->kbd, 0xe000 | e0keys[i], false);
		cr_assert_eq(recv(), 0xe0);
		cr_assert_eq(recv(), e0keys[i] | 0x80);
	}
}

Test(i8042, pause_key_sends_the_e1_sequence_translated)
{
	static const uint8_t want[] = { 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5 };
	set_cmd_byte(I8042_CB_XLAT);
	ps2_kbd_key(kbc->kbd, PS2_KEY_PAUSE, true);
	for (unsigned i = 0; i < sizeof(want); i++)
		cr_assert_eq(recv(), want[i], "byte %u", i);
	ps2_kbd_key(kbc->kbd, PS2_KEY_PAUSE, false);
	expect_quiet();
}

Test(i8042, irq1_follows_obf_only_when_enabled)
{
	set_cmd_byte(0x00);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	cr_assert(status() & I8042_STR_OBF);
	cr_assert_eq(m->irq.level[1], 0);
	cr_assert_eq(irq_edges[1], 0);
	cr_assert_eq(recv(), 0x1c);

	set_cmd_byte(I8042_CB_KBD_INT);
	ps2_kbd_key(kbc->kbd, 0x1e, false);
	cr_assert_eq(m->irq.level[1], 1);
	cr_assert_eq(irq_edges[1], 1);
	cr_assert_eq(recv(), 0xf0);
	cr_assert_eq(m->irq.level[1], 0, "reading the buffer drops IRQ1");
	cr_assert_eq(recv(), 0x1c);
	cr_assert_eq(irq_edges[1], 2, "one edge per byte");
	cr_assert_eq(m->irq.level[12], 0);
}

Test(i8042, disabled_keyboard_interface_holds_bytes_until_enabled)
{
	set_cmd_byte(0x00);
	cmd(0xad);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	testbed_advance_ns(m, 5000000);
	cr_assert_not(status() & I8042_STR_OBF);
	cmd(0xae);
	cr_assert_eq(recv(), 0x1c);
}

Test(i8042, scan_code_set_can_be_read_and_switched_to_set1)
{
	set_cmd_byte(0x00);
	data(0xf0);
	cr_assert_eq(recv(), 0xfa);
	data(0x00);
	cr_assert_eq(recv(), 0xfa);
	cr_assert_eq(recv(), 0x02);
	data(0xf0);
	cr_assert_eq(recv(), 0xfa);
	data(0x01);
	cr_assert_eq(recv(), 0xfa);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	cr_assert_eq(recv(), 0x1e, "set 1 straight from the keyboard");
	ps2_kbd_key(kbc->kbd, 0x1e, false);
	cr_assert_eq(recv(), 0x9e);
	data(0xf0);
	cr_assert_eq(recv(), 0xfa);
	data(0x03);
	cr_assert_eq(recv(), 0xfe, "set 3 is refused");
}

Test(i8042, echo_leds_and_resend)
{
	set_cmd_byte(0x00);
	data(0xee);
	cr_assert_eq(recv(), 0xee);
	data(0xed);
	cr_assert_eq(recv(), 0xfa);
	data(0x07);
	cr_assert_eq(recv(), 0xfa);
	cr_assert_eq(kbc->kbd->leds, 7);
	data(0xfe);
	cr_assert_eq(recv(), 0xfa, "resend repeats the last byte");
	data(0x12); /* no such command */
	cr_assert_eq(recv(), 0xfe);
}

Test(i8042, disabled_scanning_drops_keys)
{
	set_cmd_byte(0x00);
	data(0xf5);
	cr_assert_eq(recv(), 0xfa);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	expect_quiet();
	data(0xf4);
	cr_assert_eq(recv(), 0xfa);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	cr_assert_eq(recv(), 0x1c);
}

Test(i8042, held_key_repeats_after_typematic_delay)
{
	set_cmd_byte(0x00);
	data(0xf3);
	cr_assert_eq(recv(), 0xfa);
	data(0x00); /* 30 characters/s (period 8/240 s), 250 ms delay */
	cr_assert_eq(recv(), 0xfa);
	ps2_kbd_key(kbc->kbd, 0x1e, true);
	cr_assert_eq(recv(), 0x1c);
	testbed_advance_ns(m, 249000000);
	cr_assert_not(status() & I8042_STR_OBF);
	testbed_advance_ns(m, 2000000);
	cr_assert_eq(recv(), 0x1c);
	testbed_advance_ns(m, 1000000000ull * 8 / 240 - 3000000);
	cr_assert_not(status() & I8042_STR_OBF);
	testbed_advance_ns(m, 3000000);
	cr_assert_eq(recv(), 0x1c);
	ps2_kbd_key(kbc->kbd, 0x1e, false);
	cr_assert_eq(recv(), 0xf0);
	cr_assert_eq(recv(), 0x1c);
	expect_quiet();
}

Test(i8042, controller_can_inject_keyboard_and_mouse_bytes)
{
	set_cmd_byte(0x00);
	cmd(0xd2);
	data(0x42);
	cr_assert_eq(status() & (I8042_STR_OBF | I8042_STR_AUXB),
		     I8042_STR_OBF);
	cr_assert_eq(recv(), 0x42);
	cmd(0xd3);
	data(0x43);
	cr_assert_eq(status() & (I8042_STR_OBF | I8042_STR_AUXB),
		     I8042_STR_OBF | I8042_STR_AUXB);
	cr_assert_eq(recv(), 0x43);
}

/* --- mouse --------------------------------------------------------------- */

static void aux(uint8_t b)
{
	cmd(0xd4);
	data(b);
}

static uint8_t recv_aux(void)
{
	for (int i = 0; i < 50 && !(status() & I8042_STR_OBF); i++)
		testbed_advance_ns(m, 100000);
	cr_assert(status() & I8042_STR_AUXB, "byte is not from the mouse");
	return recv();
}

Test(i8042, mouse_reset_replies_fa_aa_00_on_irq12)
{
	set_cmd_byte(I8042_CB_KBD_INT | I8042_CB_AUX_INT);
	aux(0xff);
	cr_assert_eq(m->irq.level[12], 1);
	cr_assert_eq(m->irq.level[1], 0);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(m->irq.level[12], 0);
	cr_assert_eq(recv_aux(), 0xaa);
	cr_assert_eq(recv_aux(), 0x00);
	aux(0xf2);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x00, "standard mouse id");
	cr_assert_eq(irq_edges[12], 5);
}

Test(i8042, mouse_status_request_reports_defaults)
{
	set_cmd_byte(0x00);
	aux(0xe9);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x00); /* stream, disabled, 1:1 */
	cr_assert_eq(recv_aux(), 0x02); /* 4 counts/mm */
	cr_assert_eq(recv_aux(), 100);
	aux(0xe8);
	recv_aux();
	aux(0x03);
	recv_aux();
	aux(0xe7);
	recv_aux();
	aux(0xf4);
	recv_aux();
	aux(0xe9);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x30);
	cr_assert_eq(recv_aux(), 0x03);
	cr_assert_eq(recv_aux(), 100);
}

Test(i8042, mouse_packet_carries_sign_bits_for_left_and_up_motion)
{
	set_cmd_byte(0x00);
	aux(0xf4);
	cr_assert_eq(recv_aux(), 0xfa);
	/* 5 left, 3 down on screen (PS/2: y negative), left button. */
	ps2_mouse_move(kbc->mouse, -5, 3, 0, PS2_BUTTON_LEFT);
	cr_assert_eq(recv_aux(), 0x39); /* 1, Y sign, X sign, left */
	cr_assert_eq(recv_aux(), 0xfb);
	cr_assert_eq(recv_aux(), 0xfd);
	ps2_mouse_move(kbc->mouse, 0, -2, 0, 0);
	cr_assert_eq(recv_aux(), 0x08);
	cr_assert_eq(recv_aux(), 0x00);
	cr_assert_eq(recv_aux(), 0x02);
	expect_quiet();
}

Test(i8042, disabled_mouse_sends_nothing)
{
	set_cmd_byte(0x00);
	ps2_mouse_move(kbc->mouse, 10, 10, 0, 0);
	expect_quiet();
}

Test(i8042, large_motion_is_split_into_packets)
{
	set_cmd_byte(0x00);
	aux(0xf4);
	recv_aux();
	ps2_mouse_move(kbc->mouse, 300, 0, 0, 0);
	cr_assert_eq(recv_aux(), 0x08);
	cr_assert_eq(recv_aux(), 0xff); /* 255 */
	cr_assert_eq(recv_aux(), 0x00);
	cr_assert_eq(recv_aux(), 0x08);
	cr_assert_eq(recv_aux(), 45);
	cr_assert_eq(recv_aux(), 0x00);
	expect_quiet();
}

Test(i8042, intellimouse_knock_gives_id_3_and_wheel_byte)
{
	static const uint8_t knock[] = { 200, 100, 80 };
	set_cmd_byte(0x00);
	for (unsigned i = 0; i < 3; i++) {
		aux(0xf3);
		cr_assert_eq(recv_aux(), 0xfa);
		aux(knock[i]);
		cr_assert_eq(recv_aux(), 0xfa);
	}
	aux(0xf2);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x03);
	aux(0xf4);
	recv_aux();
	ps2_mouse_move(kbc->mouse, 1, 0, -1, 0);
	cr_assert_eq(recv_aux(), 0x08);
	cr_assert_eq(recv_aux(), 0x01);
	cr_assert_eq(recv_aux(), 0x00);
	cr_assert_eq(recv_aux(), 0xff);
	expect_quiet();
	aux(0xff);
	recv_aux();
	recv_aux();
	cr_assert_eq(recv_aux(), 0x00, "reset returns to a plain mouse");
}

Test(i8042, remote_mode_reports_on_read_data_only)
{
	set_cmd_byte(0x00);
	aux(0xf0);
	cr_assert_eq(recv_aux(), 0xfa);
	ps2_mouse_move(kbc->mouse, 10, 0, 0, PS2_BUTTON_RIGHT);
	expect_quiet();
	aux(0xeb);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x0a);
	cr_assert_eq(recv_aux(), 0x0a);
	cr_assert_eq(recv_aux(), 0x00);
	ps2_mouse_move(kbc->mouse, -400, 0, 0, PS2_BUTTON_RIGHT);
	aux(0xeb);
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x0a | 0x10 | 0x40, "X overflow");
	cr_assert_eq(recv_aux(), 0x00); /* -256 */
	cr_assert_eq(recv_aux(), 0x00);
}

Test(i8042, disabled_aux_interface_holds_mouse_bytes)
{
	set_cmd_byte(I8042_CB_AUX_OFF);
	aux(0xf2); /* writing to the mouse re-enables its interface */
	cr_assert_eq(recv_aux(), 0xfa);
	cr_assert_eq(recv_aux(), 0x00);
	aux(0xf4);
	cr_assert_eq(recv_aux(), 0xfa);
	cmd(0xa7);
	ps2_mouse_move(kbc->mouse, 1, 0, 0, 0);
	expect_quiet();
	cmd(0xa8);
	cr_assert_eq(recv_aux(), 0x08);
	cr_assert_eq(recv_aux(), 0x01);
	cr_assert_eq(recv_aux(), 0x00);
}

Test(i8042, snapshot_restores_queued_bytes_and_the_byte_timer)
{
	char err[128];
	FILE *f = tmpfile();

	set_cmd_byte(I8042_CB_XLAT);
	ps2_kbd_key(kbc->kbd, 0xe048, true);
	cr_assert_eq(recv(), 0xe0);
	cr_assert_eq(state_write(&m->state, f, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(recv(), 0x48);
	rewind(f);
	cr_assert_eq(state_read(&m->state, f, err, sizeof(err)), 0, "%s", err);
	fclose(f);
	cr_assert_not(status() & I8042_STR_OBF);
	cr_assert_eq(recv(), 0x48, "the byte comes again after the restore");
	expect_quiet();
}
