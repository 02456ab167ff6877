/* Guest physical memory: RAM, ROM protection, MMIO holes, A20 wrap. */
#include <criterion/criterion.h>

#include "core/bus.h"
#include "mmu/mem.h"

static struct mem *new_mem(uint64_t size, struct bus *b)
{
	char err[128];
	struct mem *m = mem_create(size, b, NULL, err, sizeof(err));
	cr_assert_not_null(m, "%s", err);
	return m;
}

Test(mem, ram_reads_back_what_was_written_at_every_width)
{
	struct mem *m = new_mem(1 << 20, NULL);
	mem_write8(m, 0x1234, 0xab);
	mem_write16(m, 0x2000, 0xbeef);
	mem_write32(m, 0x3000, 0xdeadbeef);
	cr_assert_eq(mem_read8(m, 0x1234), 0xab);
	cr_assert_eq(mem_read16(m, 0x2000), 0xbeef);
	cr_assert_eq(mem_read32(m, 0x3000), 0xdeadbeef);
	/* A dword across a page boundary goes through the slow path. */
	mem_write32(m, 0x4ffe, 0x01020304);
	cr_assert_eq(mem_read32(m, 0x4ffe), 0x01020304);
	cr_assert_eq(mem_read8(m, 0x5000), 0x02);
	mem_destroy(m);
}

Test(mem, rom_is_readable_and_write_protected)
{
	struct mem *m = new_mem(1 << 20, NULL);
	uint8_t rom[4096];
	memset(rom, 0x90, sizeof(rom));
	cr_assert_eq(mem_add_rom(m, 0xf0000, rom, sizeof(rom), "bios"), 0);
	cr_assert_eq(mem_read8(m, 0xf0010), 0x90);
	mem_write8(m, 0xf0010, 0x00);
	mem_write16(m, 0xf0fff, 0x0000); /* straddles ROM and RAM */
	cr_assert_eq(mem_read8(m, 0xf0010), 0x90);
	cr_assert_eq(mem_read8(m, 0xf0fff), 0x90);
	/* Shadowing: PAM-style read RAM / write RAM. */
	mem_set_shadow(m, 0xf0000, 0x1000, true, true);
	mem_write8(m, 0xf0010, 0x42);
	cr_assert_eq(mem_read8(m, 0xf0010), 0x42);
	mem_destroy(m);
}

Test(mem, unbacked_addresses_read_all_ones)
{
	struct mem *m = new_mem(1 << 20, NULL);
	cr_assert_eq(mem_read8(m, 0x200000), 0xff);
	cr_assert_eq(mem_read32(m, 0xfffffff0), 0xffffffffu);
	mem_write8(m, 0x200000, 1); /* dropped, no crash */
	mem_destroy(m);
}

Test(mem, a20_gate_wraps_at_1mib_when_closed)
{
	struct mem *m = new_mem(2 << 20, NULL);
	mem_write8(m, 0x000010, 0x11);
	mem_write8(m, 0x100010, 0x22);
	cr_assert_eq(mem_read8(m, 0x100010), 0x22);
	mem_set_a20(m, false);
	cr_assert_eq(mem_read8(m, 0x100010), 0x11);
	/* A word at FFFF:000F... straddles the wrap: FFFFF then 00000. */
	mem_write8(m, 0xfffff, 0xaa);
	mem_write8(m, 0x00000, 0xbb);
	cr_assert_eq(mem_read16(m, 0xfffff), 0xbbaa);
	mem_set_a20(m, true);
	cr_assert_eq(mem_read8(m, 0x100010), 0x22);
	mem_destroy(m);
}

Test(mem, bus_width_20_wraps_like_an_8086)
{
	struct mem *m = new_mem(1 << 20, NULL);
	mem_set_bus_width(m, 20);
	mem_write8(m, 0x00005, 0x5a);
	cr_assert_eq(mem_read8(m, 0x100005), 0x5a);
	mem_destroy(m);
}

struct mmio_dev {
	uint32_t last;
	unsigned size;
};

static uint32_t mmio_read(void *o, uint64_t off, unsigned size)
{
	return 0xc0de0000u | (uint32_t)off;
}

static void mmio_write(void *o, uint64_t off, uint32_t v, unsigned size)
{
	struct mmio_dev *d = o;
	d->last = v;
	d->size = size;
}

static const struct io_ops mmio_ops = { mmio_read, mmio_write };

Test(mem, mmio_hole_routes_to_bus_keeping_width)
{
	struct bus *b = bus_create(NULL);
	struct mem *m = new_mem(1 << 20, b);
	struct mmio_dev d = { 0 };
	cr_assert_eq(mem_add_mmio(m, 0xa0000, 0x20000, "vga"), 0);
	cr_assert_eq(bus_map_mmio(b, 0xa0000, 0x20000, &mmio_ops, &d, "vga"), 0);
	mem_write32(m, 0xa0100, 0x12345678);
	cr_assert_eq(d.last, 0x12345678);
	cr_assert_eq(d.size, 4);
	cr_assert_eq(mem_read32(m, 0xa0004), 0xc0de0004u);
	mem_destroy(m);
	bus_destroy(b);
}

Test(mem, dirty_bitmap_tracks_written_pages)
{
	struct mem *m = new_mem(1 << 20, NULL);
	cr_assert_not(mem_test_and_clear_dirty(m, 5));
	mem_write8(m, 0x5123, 1);
	cr_assert(mem_test_and_clear_dirty(m, 5));
	cr_assert_not(mem_test_and_clear_dirty(m, 5));
	mem_destroy(m);
}

Test(mem, impossible_sizes_are_refused_with_a_reason)
{
	char err[128] = "";
	cr_assert_null(mem_create(100, NULL, NULL, err, sizeof(err)));
	cr_assert_neq(err[0], 0);
	cr_assert_null(mem_create(8ull << 30, NULL, NULL, err, sizeof(err)));
}
