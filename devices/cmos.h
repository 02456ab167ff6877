/* devices/cmos.h: Motorola MC146818 real-time clock and 128 bytes of CMOS
 * RAM at ports 0x70/0x71, interrupting on IRQ 8.
 *
 * The clock reads cfg.rtc_start plus the virtual time elapsed, never host
 * time. The machine fills the BIOS bytes with cmos_set() or
 * cmos_fill_pc_defaults(), which keep the standard checksum right.
 */
#ifndef LUCID_DEVICES_CMOS_H
#define LUCID_DEVICES_CMOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/clock.h"

struct machine;

#define CMOS_PORT 0x70
#define CMOS_IRQ 8
#define CMOS_SIZE 128

/* Register indexes (SeaBIOS src/hw/rtc.h names, shortened). */
enum {
	CMOS_SECONDS = 0x00, CMOS_SECONDS_ALARM = 0x01,
	CMOS_MINUTES = 0x02, CMOS_MINUTES_ALARM = 0x03,
	CMOS_HOURS = 0x04, CMOS_HOURS_ALARM = 0x05,
	CMOS_DAY_WEEK = 0x06, CMOS_DAY_MONTH = 0x07,
	CMOS_MONTH = 0x08, CMOS_YEAR = 0x09,
	CMOS_REG_A = 0x0a, CMOS_REG_B = 0x0b, CMOS_REG_C = 0x0c,
	CMOS_REG_D = 0x0d,
	CMOS_SHUTDOWN = 0x0f,
	CMOS_FLOPPY_TYPE = 0x10,
	CMOS_DISK_DATA = 0x12,
	CMOS_EQUIPMENT = 0x14,
	CMOS_BASE_MEM_LO = 0x15, CMOS_BASE_MEM_HI = 0x16,
	CMOS_EXT_MEM_LO = 0x17, CMOS_EXT_MEM_HI = 0x18,
	CMOS_CHECKSUM_HI = 0x2e, CMOS_CHECKSUM_LO = 0x2f,
	CMOS_EXT_MEM_POST_LO = 0x30, CMOS_EXT_MEM_POST_HI = 0x31,
	CMOS_CENTURY = 0x32,
	CMOS_MEM_16M_LO = 0x34, CMOS_MEM_16M_HI = 0x35, /* 64 KiB units */
	CMOS_BOOTFLAG1 = 0x38, /* boot device 3 in bits 7-4; bit 0: no sig check */
	CMOS_BOOTFLAG2 = 0x3d, /* boot device 2 in bits 7-4, device 1 in 3-0 */
	CMOS_MEM_4G_LO = 0x5b, CMOS_MEM_4G_MID = 0x5c, CMOS_MEM_4G_HI = 0x5d,
	CMOS_SMP_COUNT = 0x5f,
};

/* Floppy drive types for CMOS_FLOPPY_TYPE (drive 0 in bits 7-4). */
enum cmos_fd_type {
	CMOS_FD_NONE = 0, CMOS_FD_360K = 1, CMOS_FD_1200K = 2,
	CMOS_FD_720K = 3, CMOS_FD_1440K = 4, CMOS_FD_2880K = 5,
};

struct cmos {
	struct machine *m;
	struct event update_ev;   /* once a second while the clock runs */
	struct event periodic_ev; /* one per periodic interrupt, only if PIE */

	/* Guest-visible state (all in the state table). ram[0..9] and
	 * ram[0x32] hold the time only while updates are stopped (SET, or the
	 * divider in reset); while running the time is computed. */
	uint8_t ram[CMOS_SIZE];
	uint8_t index;
	uint8_t nmi_masked;
	uint8_t irq_out;
	int64_t base_sec;   /* Unix time during the second starting at phase */
	int64_t phase_ns;   /* virtual ns of an update (divider origin) */
	uint64_t pf_ref;    /* 32 kHz tick at which PF was last accounted */
	uint64_t update_due, periodic_due; /* event times, 0 = not armed */
};

/* IRQ 8, ports 0x70-0x71, start time m->cfg.rtc_start. Returns NULL with
 * a reason in err. */
struct cmos *cmos_create(struct machine *m, char *err, size_t errlen);
void cmos_reset(void *opaque);
void cmos_destroy(void *opaque);

/* Bit 7 of the last write to port 0x70. */
bool cmos_nmi_masked(const struct cmos *c);

/* Host-side access to the RAM bytes (not the clock): set keeps the
 * checksum at 0x2E/0x2F right when idx is within 0x10-0x2D. */
void cmos_set(struct cmos *c, unsigned idx, uint8_t val);
uint8_t cmos_get(const struct cmos *c, unsigned idx);
void cmos_update_checksum(struct cmos *c);

struct cmos_pc_info {
	uint64_t ram_below_4g;  /* bytes of RAM from 0 (incl. the first MiB) */
	uint64_t ram_above_4g;  /* bytes of RAM mapped from 4 GiB up */
	uint8_t fd_type[2];     /* enum cmos_fd_type */
	const char *boot;       /* up to 3 of a (floppy) c (disk) d (cdrom)
				 * n (network), first first; NULL = "cad" */
	bool fd_bootchk;        /* let SeaBIOS check the floppy boot sig */
};

/* The bytes SeaBIOS and the QEMU PC fill: memory sizes, floppy types,
 * equipment, boot order, century; then the checksum. Returns 0, or -1 with
 * a reason in err (a bad boot letter). */
int cmos_fill_pc_defaults(struct cmos *c, const struct cmos_pc_info *info,
			  char *err, size_t errlen);

#endif
