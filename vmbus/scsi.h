/* vmbus/scsi.h: a SCSI direct-access disk (SBC-3/SPC-3 subset) over the
 * block layer (devices/disk.h): the command set storvsc's /dev/sda needs.
 * Transport-neutral: the caller moves data between the guest and buf.
 */
#ifndef LUCID_VMBUS_SCSI_H
#define LUCID_VMBUS_SCSI_H

#include <stdbool.h>
#include <stdint.h>

struct disk;

#define SCSI_GOOD 0x00
#define SCSI_CHECK_CONDITION 0x02
#define SCSI_SENSE_LEN 18

/* Sense keys. */
#define SENSE_NO_SENSE 0x0
#define SENSE_MEDIUM_ERROR 0x3
#define SENSE_ILLEGAL_REQUEST 0x5
#define SENSE_DATA_PROTECT 0x7

struct scsi_req {
	const uint8_t *cdb;
	unsigned cdb_len;
	uint8_t *buf;      /* data-out: what the guest sent; data-in: filled */
	uint32_t buf_len;  /* bytes the transfer allows */
	/* Results. */
	uint8_t status;    /* SCSI_GOOD or SCSI_CHECK_CONDITION */
	uint32_t xfer;     /* data-in bytes produced / data-out consumed */
	uint8_t sense[SCSI_SENSE_LEN]; /* fixed format, with CHECK CONDITION */
};

/* The disk at lun (nluns of them on this target, for REPORT LUNS).
 * last_sense: the LUN's saved sense for REQUEST SENSE (updated). */
void scsi_disk_exec(struct disk *d, unsigned lun, unsigned nluns,
		    uint8_t last_sense[SCSI_SENSE_LEN], struct scsi_req *r);
/* True if the command moves data from the guest to the device. */
bool scsi_cdb_is_write(const uint8_t *cdb);

#endif
