/* Shared helpers of the IDE and ATAPI unit tests: images, port access and
 * a PIIX/IDE machine driven through the bus. */
#ifndef LUCID_TESTS_UNIT_IDE_TEST_UTIL_H
#define LUCID_TESTS_UNIT_IDE_TEST_UTIL_H

#include <fcntl.h>
#include <unistd.h>

#include "tests/unit/testbed.h"

#include "devices/disk.h"
#include "devices/ide.h"
#include "devices/pci.h"
#include "devices/piix.h"

#define BM_BASE 0xc000

/* An image of n blocks of bsize bytes; every byte of block b at offset i
 * is (b * 7 + i) & 0xff, and the block's first 4 bytes hold b. */
static inline char *ide_make_image(uint64_t n, unsigned bsize)
{
	char *path = strdup("/tmp/lucid-test-ide-XXXXXX");
	int fd = mkstemp(path);
	uint8_t *buf = malloc(bsize);
	cr_assert(fd >= 0);
	for (uint64_t b = 0; b < n; b++) {
		for (unsigned i = 0; i < bsize; i++)
			buf[i] = (uint8_t)(b * 7 + i);
		memcpy(buf, &b, 4);
		cr_assert_eq(write(fd, buf, bsize), (ssize_t)bsize);
	}
	free(buf);
	close(fd);
	return path;
}

static inline uint8_t pattern(uint64_t block, unsigned i)
{
	return i < 4 ? (uint8_t)(block >> (8 * i)) : (uint8_t)(block * 7 + i);
}

static inline struct disk *ide_open(const char *path, unsigned flags)
{
	char err[256];
	struct disk *d = disk_open(path, flags, err, sizeof(err));
	cr_assert_not_null(d, "%s", err);
	return d;
}

static inline void pci_cfg_out(struct machine *m, unsigned off, uint32_t v,
			       unsigned size)
{
	bus_out(m->bus, 0xcf8, 0x80000000u | PCI_DEVFN(1, 1) << 8 | (off & 0xfc),
		4);
	bus_out(m->bus, (uint16_t)(0xcfc + (off & 3)), v, size);
}

/* Machine with the PIIX IDE function (BAR4 at BM_BASE, bus master on)
 * and an IDE controller with the given drives. */
static inline struct machine *ide_machine(struct ide **ide,
					  struct disk *const disks[4],
					  const uint8_t kinds[4])
{
	struct machine *m = testbed_new(10000);
	struct pci_bus *bus = pci_create(m);
	cr_assert_not_null(piix3_create(m, bus));
	struct piix_ide *pi = piix_ide_create(m, bus);
	cr_assert_not_null(pi);
	*ide = ide_create(m, pi, disks, kinds);
	cr_assert_not_null(*ide);
	testbed_reset(m);
	pci_cfg_out(m, 0x20, BM_BASE | 1, 4);
	pci_cfg_out(m, 0x04, 0x05, 2); /* I/O space, bus master */
	return m;
}

static inline uint8_t in8(struct machine *m, uint16_t port)
{
	return (uint8_t)bus_in(m->bus, port, 1);
}

static inline void out8(struct machine *m, uint16_t port, uint8_t v)
{
	bus_out(m->bus, port, v, 1);
}

/* Let the drive work; returns the alternate status (IRQ untouched). */
static inline uint8_t ide_wait(struct machine *m, uint16_t base,
			       uint16_t ctl)
{
	for (int i = 0; i < 10000; i++) {
		uint8_t st = in8(m, ctl);
		if (!(st & IDE_ST_BSY))
			return st;
		testbed_advance_ns(m, 1000);
	}
	cr_assert_fail("drive stays busy");
	return 0xff;
}

static inline void ide_read_words(struct machine *m, uint16_t base,
				  uint8_t *out, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i += 2) {
		uint16_t w = (uint16_t)bus_in(m->bus, base, 2);
		out[i] = (uint8_t)w;
		out[i + 1] = (uint8_t)(w >> 8);
	}
}

#endif
