/* tests/fuzz/fuzz_common.h: a bare Hyper-V host for the fuzz targets:
 * 1 MiB of guest RAM, the SynIC enabled the way Linux enables it, VMBus,
 * and storvsp with one small disk (an overlay over a temp image, so the
 * fuzzer's writes never reach a file). Everything is rebuilt per input. */
#ifndef LUCID_TESTS_FUZZ_COMMON_H
#define LUCID_TESTS_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/log.h"
#include "devices/disk.h"
#include "mmu/mem.h"
#include "vmbus/gpa.h"
#include "vmbus/hv.h"
#include "vmbus/storvsp.h"
#include "vmbus/vmbus.h"

#define F_SIMP 0x2000u
#define F_SIEFP 0x3000u
#define F_RING 0x10000u

struct fhost {
	struct log log;
	struct clock clock;
	struct bus *bus;
	struct mem *mem;
	struct hv *hv;
	struct vmbus *vb;
	struct storvsp *sv;
	struct disk *disk;
};

static char fhost_path[64];

static void fhost_unlink(void)
{
	unlink(fhost_path);
}

/* The image: made once per process, removed at exit. */
static const char *fhost_image(void)
{
	char *path = fhost_path;
	if (!path[0]) {
		snprintf(path, sizeof(fhost_path), "/tmp/lucid-fuzz-disk-XXXXXX");
		int fd = mkstemp(path);
		if (fd < 0 || ftruncate(fd, 64 * 512))
			abort();
		close(fd);
		atexit(fhost_unlink);
	}
	return path;
}

static void fhost_init(struct fhost *h)
{
	char err[256];

	memset(h, 0, sizeof(*h));
	log_init(&h->log, stderr);
	for (unsigned i = 0; i < LOG_NSUB; i++)
		h->log.level[i] = LOG_OFF; /* hostile input logs a lot */
	clock_init(&h->clock, 100000);
	h->bus = bus_create(&h->log);
	h->mem = mem_create(1 << 20, h->bus, &h->log, err, sizeof(err));
	if (!h->mem)
		abort();
	h->disk = disk_open(fhost_image(), 0, err, sizeof(err));
	if (!h->disk)
		abort();
	h->hv = hv_create(h->mem, &h->clock, &h->log, NULL);
	h->vb = vmbus_create(h->hv, h->mem, &h->log, NULL);
	h->sv = storvsp_create(h->vb, &h->disk, 1, &h->log, NULL);
	hv_wrmsr(h->hv, HV_MSR_GUEST_OS_ID, 0x8100ull << 48);
	hv_wrmsr(h->hv, HV_MSR_SIMP, F_SIMP | 1);
	hv_wrmsr(h->hv, HV_MSR_SIEFP, F_SIEFP | 1);
	hv_wrmsr(h->hv, HV_MSR_SINT0 + VMBUS_SINT, 0xf3);
	hv_wrmsr(h->hv, HV_MSR_SCONTROL, 1);
}

/* The guest takes the SINT2 message, if any (clear + EOM). */
static void fhost_drain(struct fhost *h)
{
	uint8_t *slot = h->mem->ram + F_SIMP + VMBUS_SINT * 256;
	for (int i = 0; i < 64 && get_le32(slot); i++) {
		put_le32(slot, 0);
		hv_wrmsr(h->hv, HV_MSR_EOM, 0);
	}
}

static void fhost_free(struct fhost *h)
{
	storvsp_destroy(h->sv);
	vmbus_destroy(h->vb);
	hv_destroy(h->hv);
	disk_close(h->disk);
	mem_destroy(h->mem);
	bus_destroy(h->bus);
	clock_destroy(&h->clock);
}

#endif
