/* tests/unit/test_dma.c: the 8237A pair, programmed through its ports as
 * a BIOS and a floppy driver do, with transfers made as a device would. */
#include "tests/unit/testbed.h"

#include "devices/dma.h"

static struct machine *m;
static struct dma *dma;

static void out(uint16_t port, uint8_t v)
{
	bus_out(m->bus, port, v, 1);
}

static uint8_t in(uint16_t port)
{
	return (uint8_t)bus_in(m->bus, port, 1);
}

static void setup(void)
{
	m = testbed_new(100000);
	dma = dma_create(m);
	/* What the BIOS does: channel 4 in cascade mode and unmasked. */
	out(0xd6, 0xc0);
	out(0xd4, 0x00);
}

static void teardown(void)
{
	testbed_free(m);
}

/* Channel 2 as a floppy driver programs it. */
static void program_ch2(uint8_t mode, uint8_t page, uint16_t addr,
			uint16_t count)
{
	out(0x0a, 0x06);        /* mask channel 2 */
	out(0x0c, 0x00);        /* clear flip-flop */
	out(0x0b, mode);
	out(0x04, (uint8_t)addr);
	out(0x04, (uint8_t)(addr >> 8));
	out(0x0c, 0x00);
	out(0x05, (uint8_t)count);
	out(0x05, (uint8_t)(count >> 8));
	out(0x81, page);
	out(0x0a, 0x02);        /* unmask channel 2 */
}

static uint16_t read16(uint16_t port)
{
	out(0x0c, 0x00);
	uint8_t lo = in(port);
	return (uint16_t)(lo | in(port) << 8);
}

TestSuite(dma, .init = setup, .fini = teardown);

Test(dma, channel2_floppy_read_fills_memory_and_reports_tc)
{
	uint8_t sector[512], got[512];
	for (unsigned i = 0; i < sizeof(sector); i++)
		sector[i] = (uint8_t)(i * 7 + 1);
	program_ch2(0x46, 0x01, 0x2000, 511); /* single, write, ch 2 */

	cr_assert(dma_ready(dma, 2));
	cr_assert_eq(dma_transfer(dma, 2, sector, sizeof(sector), true), 512);
	cr_assert(dma_tc(dma, 2));
	mem_read(m->mem, 0x12000, got, sizeof(got));
	cr_assert_arr_eq(got, sector, sizeof(got));
	cr_assert_eq(in(0x08) & 0x0f, 0x04, "TC bit of channel 2");
	cr_assert_eq(in(0x08) & 0x0f, 0x00, "TC clears on read");
	cr_assert_not(dma_ready(dma, 2), "TC without auto-init masks");
	cr_assert_eq(dma_transfer(dma, 2, sector, 1, true), 0);
}

Test(dma, partial_transfer_leaves_current_address_and_count)
{
	uint8_t buf[512] = { 0 };
	program_ch2(0x46, 0x01, 0x2000, 1023);
	cr_assert_eq(dma_transfer(dma, 2, buf, 512, true), 512);
	cr_assert_not(dma_tc(dma, 2));
	cr_assert_eq(in(0x08) & 0x0f, 0);
	cr_assert_eq(read16(0x04), 0x2200);
	cr_assert_eq(read16(0x05), 511);
	cr_assert_eq(in(0x81), 0x01);
}

Test(dma, memory_to_device_read_mode)
{
	uint8_t src[4] = { 1, 2, 3, 4 }, buf[4] = { 0 };
	mem_write(m->mem, 0x13000, src, 4);
	program_ch2(0x4a, 0x01, 0x3000, 3); /* single, read, ch 2 */
	cr_assert_eq(dma_transfer(dma, 2, buf, 4, false), 4);
	cr_assert_arr_eq(buf, src, 4);
	cr_assert(dma_tc(dma, 2));
}

Test(dma, auto_init_reloads_base_address_and_count)
{
	uint8_t data[6] = { 'a', 'b', 'c', 'd', 'e', 'f' }, got[4];
	program_ch2(0x56, 0x01, 0x4000, 3); /* 4-byte ring */
	cr_assert_eq(dma_transfer(dma, 2, data, 6, true), 6);
	cr_assert(dma_tc(dma, 2));
	mem_read(m->mem, 0x14000, got, 4);
	cr_assert_arr_eq(got, "efcd", 4);
	cr_assert(dma_ready(dma, 2), "auto-init keeps the channel unmasked");
	cr_assert_eq(read16(0x04), 0x4002);
	cr_assert_eq(read16(0x05), 1);
	cr_assert_eq(in(0x08) & 0x0f, 0x04);
}

Test(dma, sixteen_bit_channel_shifts_address_and_ignores_page_bit0)
{
	uint8_t data[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, got[8];
	out(0xd4, 0x05);        /* mask channel 5 */
	out(0xd8, 0x00);        /* clear flip-flop */
	out(0xd6, 0x45);        /* single, write, channel 5 */
	out(0xc4, 0x00);        /* word address 0x0800 */
	out(0xc4, 0x08);
	out(0xc6, 0x03);        /* 4 words */
	out(0xc6, 0x00);
	out(0x8b, 0x03);        /* page: bit 0 is not used */
	out(0xd4, 0x01);
	cr_assert_eq(dma_transfer(dma, 5, data, 8, true), 8);
	cr_assert(dma_tc(dma, 5));
	mem_read(m->mem, 0x21000, got, 8);
	cr_assert_arr_eq(got, data, 8);
	cr_assert_eq(in(0xd0) & 0x0f, 0x02, "TC of channel 5 in DMA2 status");
}

Test(dma, address_wraps_inside_the_page)
{
	uint8_t data[4] = { 0x11, 0x22, 0x33, 0x44 }, zero = 0;
	mem_write(m->mem, 0x20000, &zero, 1);
	program_ch2(0x46, 0x01, 0xfffe, 3);
	cr_assert_eq(dma_transfer(dma, 2, data, 4, true), 4);
	cr_assert_eq(mem_read8(m->mem, 0x1fffe), 0x11);
	cr_assert_eq(mem_read8(m->mem, 0x1ffff), 0x22);
	cr_assert_eq(mem_read8(m->mem, 0x10000), 0x33);
	cr_assert_eq(mem_read8(m->mem, 0x10001), 0x44);
	cr_assert_eq(mem_read8(m->mem, 0x20000), 0x00, "page did not carry");
}

Test(dma, decrement_mode_walks_down)
{
	program_ch2(0x66, 0x01, 0x5003, 3);
	cr_assert_eq(dma_transfer(dma, 2, "ABCD", 4, true), 4);
	cr_assert_eq(mem_read8(m->mem, 0x15003), 'A');
	cr_assert_eq(mem_read8(m->mem, 0x15002), 'B');
	cr_assert_eq(mem_read8(m->mem, 0x15001), 'C');
	cr_assert_eq(mem_read8(m->mem, 0x15000), 'D');
	cr_assert(dma_tc(dma, 2));
}

Test(dma, dma1_is_dead_while_cascade_channel_4_is_masked)
{
	uint8_t b = 0x5a;
	program_ch2(0x46, 0x01, 0x6000, 0);
	out(0xd4, 0x04); /* mask channel 4 */
	cr_assert_eq(dma_transfer(dma, 2, &b, 1, true), 0);
	out(0xd4, 0x00);
	cr_assert_eq(dma_transfer(dma, 2, &b, 1, true), 1);
	cr_assert_eq(mem_read8(m->mem, 0x16000), 0x5a);
}

Test(dma, masked_or_mismatched_channel_moves_nothing)
{
	uint8_t b = 0x77;
	program_ch2(0x46, 0x01, 0x7000, 0);
	out(0x0a, 0x06);
	cr_assert_eq(dma_transfer(dma, 2, &b, 1, true), 0);
	out(0x0a, 0x02);
	/* Channel writes memory but the device wants to read: no move. */
	cr_assert_eq(dma_transfer(dma, 2, &b, 1, false), 1);
	cr_assert_eq(b, 0x77);
	cr_assert_eq(mem_read8(m->mem, 0x17000), 0x00);
	cr_assert(dma_tc(dma, 2));
}

Test(dma, master_clear_masks_all_and_registers_read_back)
{
	program_ch2(0x46, 0x01, 0x1234, 0x5678);
	cr_assert_eq(read16(0x04), 0x1234);
	cr_assert_eq(read16(0x05), 0x5678);
	out(0x0f, 0x05);
	cr_assert_eq(in(0x0f) & 0x0f, 0x05);
	out(0x0e, 0x00); /* clear mask register */
	cr_assert_eq(in(0x0f) & 0x0f, 0x00);
	out(0x0d, 0x00); /* master clear */
	cr_assert_eq(in(0x0f) & 0x0f, 0x0f);
	cr_assert_not(dma_ready(dma, 2));
	dma_set_dreq(dma, 2, true);
	cr_assert_eq(in(0x08), 0x40, "request bit of channel 2");
}

Test(dma, runaway_transfer_stops_at_tc_outside_ram)
{
	size_t len = 1 << 20;
	uint8_t *big = calloc(1, len);
	program_ch2(0x46, 0xff, 0x0000, 0xffff); /* 0xFF0000: no RAM there */
	cr_assert_eq(dma_transfer(dma, 2, big, len, true), 0x10000);
	cr_assert(dma_tc(dma, 2));
	program_ch2(0x56, 0xff, 0x0000, 0x00ff);
	cr_assert_eq(dma_transfer(dma, 2, big, len, true), len,
		     "auto-init runs as long as the device asks, no longer");
	free(big);
}
