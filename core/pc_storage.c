/* core/pc_storage.c: the PC's drives: disk images from the command line on
 * the floppy controller and the IDE channels, and the CMOS bytes (floppy
 * types, boot order) that tell SeaBIOS about them.
 *
 * Boot order: with --fda the floppy first (a, c, d); otherwise the hard
 * disk, then the CD-ROM, then a floppy (c, d, a). SeaBIOS reads it from
 * CMOS because fw_cfg's "bootorder" stays empty.
 */
#include <stdio.h>
#include <string.h>

#include "core/machine.h"
#include "devices/cmos.h"
#include "devices/disk.h"
#include "devices/fdc.h"
#include "devices/ide.h"

/* Index into m->disk[]: the order of the flags. */
enum { PC_FDA, PC_FDB, PC_HDA, PC_HDB, PC_CDROM, PC_NDISKS };

static void pc_close_disks(void *opaque)
{
	struct machine *m = opaque;
	for (unsigned i = 0; i < PC_NDISKS; i++) {
		disk_close(m->disk[i]);
		m->disk[i] = NULL;
	}
}

int pc_open_disks(struct machine *m, struct cmos_pc_info *info, char *err,
		  size_t errlen)
{
	const char *path[PC_NDISKS] = { m->cfg.fda, m->cfg.fdb, m->cfg.hda,
					m->cfg.hdb, m->cfg.cdrom };
	static const char *const flag[PC_NDISKS] = { "--fda", "--fdb", "--hda",
						     "--hdb", "--cdrom" };
	char why[256];

	/* Registered first, so the disks close after IDE and the FDC. */
	machine_add_device(m, "disks", m, NULL, pc_close_disks);
	for (unsigned i = 0; i < PC_NDISKS; i++) {
		unsigned flags = m->cfg.persist ? DISK_PERSIST : 0;
		if (!path[i])
			continue;
		if (i == PC_CDROM)
			flags = DISK_READONLY; /* a CD is never written */
		m->disk[i] = disk_open(path[i], flags, why, sizeof(why));
		if (!m->disk[i]) {
			snprintf(err, errlen, "%s %s", flag[i], why);
			return -1;
		}
		if (i <= PC_FDB) {
			const struct fdc_geom *g =
				fdc_geom_for_size(disk_size(m->disk[i]));
			if (!g) {
				snprintf(err, errlen, "%s %s: size %llu is not "
					 "a floppy's (360K, 720K, 1.2M, 1.44M, "
					 "1.68M, 2.88M)", flag[i], path[i],
					 (unsigned long long)
						 disk_size(m->disk[i]));
				return -1;
			}
			info->fd_type[i] = g->cmos_type;
		}
	}
	info->boot = m->cfg.fda ? "acd" : "cda";
	return 0;
}

int pc_build_storage(struct machine *m, char *err, size_t errlen)
{
	struct disk *ide_disks[4] = { m->disk[PC_HDA], m->disk[PC_HDB],
				      m->disk[PC_CDROM], NULL };
	uint8_t kinds[4] = {
		m->disk[PC_HDA] ? IDE_ATA : IDE_NONE,
		m->disk[PC_HDB] ? IDE_ATA : IDE_NONE,
		IDE_ATAPI, /* the CD-ROM drive is there, even empty */
		IDE_NONE,
	};
	unsigned nfd = m->disk[PC_FDB] ? 2 : m->disk[PC_FDA] ? 1 : 0;

	/* A hard disk on the slave position alone would be invisible to
	 * most BIOSes: --hdb without --hda becomes the master. */
	if (!ide_disks[0] && ide_disks[1]) {
		ide_disks[0] = ide_disks[1];
		ide_disks[1] = NULL;
		kinds[0] = IDE_ATA;
		kinds[1] = IDE_NONE;
	}
	m->fdc = fdc_create(m, nfd);
	m->ide = ide_create(m, m->piix_ide, ide_disks, kinds);
	if (!m->fdc || !m->ide) {
		snprintf(err, errlen, "cannot build the disk controllers "
			 "(port clash)");
		return -1;
	}
	for (unsigned i = 0; i < 2; i++)
		if (m->disk[PC_FDA + i] &&
		    fdc_insert(m->fdc, i, m->disk[PC_FDA + i])) {
			snprintf(err, errlen, "floppy %c: not a floppy image",
				 'A' + i);
			return -1;
		}
	return 0;
}

int pc_swap_floppy(struct machine *m, unsigned drive, const char *path,
		   char *err, size_t errlen)
{
	struct disk *d = NULL;
	char why[256];

	if (drive > 1 || !m->fdc || (!m->disk[PC_FDA + drive] && !path)) {
		snprintf(err, errlen, "no floppy in drive %c", 'A' + drive);
		return -1;
	}
	if (path) {
		d = disk_open(path, m->cfg.persist ? DISK_PERSIST : 0, why,
			      sizeof(why));
		if (!d) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		if (fdc_insert(m->fdc, drive, d)) {
			snprintf(err, errlen, "%s: size %llu is not a floppy's",
				 path, (unsigned long long)disk_size(d));
			disk_close(d);
			return -1;
		}
	} else {
		fdc_eject(m->fdc, drive);
	}
	/* The FDC holds the new disk now; the old one can go. */
	disk_close(m->disk[PC_FDA + drive]);
	m->disk[PC_FDA + drive] = d;
	return 0;
}
