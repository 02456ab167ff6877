/* Port and MMIO bus: dispatch, widths, overlap rejection, unmapped. */
#include <criterion/criterion.h>

#include "core/bus.h"

struct dev {
	uint64_t last_off;
	uint32_t last_val;
	unsigned last_size, reads, writes;
};

static uint32_t dev_read(void *opaque, uint64_t off, unsigned size)
{
	struct dev *d = opaque;
	d->last_off = off;
	d->last_size = size;
	d->reads++;
	return 0x11223344u + (uint32_t)off;
}

static void dev_write(void *opaque, uint64_t off, uint32_t val, unsigned size)
{
	struct dev *d = opaque;
	d->last_off = off;
	d->last_val = val;
	d->last_size = size;
	d->writes++;
}

static const struct io_ops dev_ops = { dev_read, dev_write };

Test(bus, port_access_reaches_device_with_offset_and_size)
{
	struct bus *b = bus_create(NULL);
	struct dev d = { 0 };
	cr_assert_eq(bus_map_ports(b, 0x40, 4, &dev_ops, &d, "pit"), 0);
	bus_out(b, 0x43, 0x36, 1);
	cr_assert_eq(d.last_off, 3);
	cr_assert_eq(d.last_val, 0x36);
	cr_assert_eq(d.last_size, 1);
	cr_assert_eq(bus_in(b, 0x41, 2), (0x11223344u + 1) & 0xffff);
	cr_assert_eq(d.last_size, 2);
	bus_destroy(b);
}

Test(bus, overlapping_port_ranges_are_rejected)
{
	struct bus *b = bus_create(NULL);
	struct dev d = { 0 };
	cr_assert_eq(bus_map_ports(b, 0x60, 1, &dev_ops, &d, "kbd"), 0);
	cr_assert_eq(bus_map_ports(b, 0x5e, 4, &dev_ops, &d, "x"), -1);
	cr_assert_eq(bus_map_ports(b, 0xffff, 2, &dev_ops, &d, "y"), -1);
	cr_assert_eq(bus_map_ports(b, 0x64, 1, &dev_ops, &d, "kbd2"), 0);
	bus_destroy(b);
}

Test(bus, unmapped_ports_read_all_ones_and_drop_writes)
{
	struct bus *b = bus_create(NULL);
	cr_assert_eq(bus_in(b, 0x1234, 1), 0xff);
	cr_assert_eq(bus_in(b, 0x1234, 2), 0xffff);
	cr_assert_eq(bus_in(b, 0x1234, 4), 0xffffffffu);
	bus_out(b, 0x1234, 0x55, 1);
	cr_assert_eq(b->unmapped_writes, 1);
	bus_destroy(b);
}

Test(bus, word_access_straddling_two_devices_is_split_into_bytes)
{
	struct bus *b = bus_create(NULL);
	struct dev a = { 0 }, c = { 0 };
	bus_map_ports(b, 0x100, 1, &dev_ops, &a, "a");
	bus_map_ports(b, 0x101, 1, &dev_ops, &c, "c");
	uint32_t v = bus_in(b, 0x100, 2);
	cr_assert_eq(v, 0x4444, "got %#x", v); /* 0x44 from each, offset 0 */
	bus_out(b, 0x100, 0xbeef, 2);
	cr_assert_eq(a.last_val, 0xef);
	cr_assert_eq(c.last_val, 0xbe);
	cr_assert_eq(a.last_size, 1);
	bus_destroy(b);
}

Test(bus, mmio_ranges_sorted_lookup_and_overlap_rejection)
{
	struct bus *b = bus_create(NULL);
	struct dev d[3] = { 0 };
	cr_assert_eq(bus_map_mmio(b, 0xfee00000, 0x1000, &dev_ops, &d[0], "apic"), 0);
	cr_assert_eq(bus_map_mmio(b, 0xa0000, 0x20000, &dev_ops, &d[1], "vga"), 0);
	cr_assert_eq(bus_map_mmio(b, 0xfec00000, 0x1000, &dev_ops, &d[2], "ioapic"), 0);
	cr_assert_eq(bus_map_mmio(b, 0xbf000, 0x2000, &dev_ops, &d[2], "bad"), -1);
	cr_assert_eq(bus_map_mmio(b, 0xfedff000, 0x2000, &dev_ops, &d[2], "bad"), -1);
	cr_assert_eq(bus_find_mmio(b, 0xfec00010)->opaque, &d[2]);
	cr_assert_null(bus_find_mmio(b, 0xfed00000));
	bus_mmio_write(b, 0xa8000, 7, 1);
	cr_assert_eq(d[1].last_off, 0x8000);
	cr_assert_eq(bus_mmio_read(b, 0x12345678, 4), 0xffffffffu);
	bus_unmap_mmio(b, 0xa0000);
	cr_assert_null(bus_find_mmio(b, 0xa0000));
	bus_destroy(b);
}

Test(bus, unmapped_port_range_frees_ports_and_can_be_mapped_elsewhere)
{
	struct bus *b = bus_create(NULL);
	struct dev d = { 0 };
	cr_assert_eq(bus_map_ports(b, 0xc000, 16, &dev_ops, &d, "bar"), 0);
	bus_unmap_ports(b, 0xc000);
	cr_assert_eq(bus_in(b, 0xc004, 1), 0xff);
	cr_assert_eq(d.reads, 0);
	/* Moving back and forth many times must not exhaust the table. */
	for (unsigned i = 0; i < 70000; i++) {
		uint16_t base = (i & 1) ? 0xc100 : 0xc200;
		cr_assert_eq(bus_map_ports(b, base, 16, &dev_ops, &d, "bar"), 0);
		bus_unmap_ports(b, base);
	}
	cr_assert_eq(bus_map_ports(b, 0xc100, 16, &dev_ops, &d, "bar"), 0);
	bus_in(b, 0xc102, 1);
	cr_assert_eq(d.last_off, 2);
	bus_destroy(b);
}
