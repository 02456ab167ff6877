/* vmbus/storvsp.h: the storvsc host: a synthetic SCSI controller on one
 * VMBus channel, disk i at path 0, target 0, LUN i.
 */
#ifndef LUCID_VMBUS_STORVSP_H
#define LUCID_VMBUS_STORVSP_H

#include <stdint.h>

#include "vmbus/ring.h"
#include "vmbus/scsi.h"

struct vmbus;
struct vmbus_channel;
struct disk;
struct state;
struct log;

#define STORVSP_MAX_DISKS 8
#define STORVSP_MAX_TRANSFER 0x40000u /* advertised max_transfer_bytes */
#define STORVSP_PACKET 64             /* vstor_packet with the Win8 tail */

/* vstor_packet operations. */
enum vstor_op {
	VSTOR_COMPLETE_IO = 1,
	VSTOR_REMOVE_DEVICE = 2,
	VSTOR_EXECUTE_SRB = 3,
	VSTOR_RESET_LUN = 4,
	VSTOR_RESET_ADAPTER = 5,
	VSTOR_RESET_BUS = 6,
	VSTOR_BEGIN_INIT = 7,
	VSTOR_END_INIT = 8,
	VSTOR_QUERY_PROTOCOL = 9,
	VSTOR_QUERY_PROPERTIES = 10,
	VSTOR_ENUMERATE_BUS = 11,
	VSTOR_CREATE_SUB_CHANNELS = 13,
};

#define SRB_STATUS_SUCCESS 0x01
#define SRB_STATUS_ERROR 0x04
#define SRB_STATUS_INVALID_REQUEST 0x06
#define SRB_STATUS_INVALID_LUN 0x20
#define SRB_STATUS_AUTOSENSE_VALID 0x80
#define NT_STATUS_UNSUCCESSFUL 0xc0000001u
#define NT_STATUS_REVISION_MISMATCH 0xc0000059u

struct storvsp {
	struct vmbus *vb;
	struct vmbus_channel *ch;
	struct log *log;
	struct disk *disk[STORVSP_MAX_DISKS];
	unsigned ndisks;
	uint8_t *buf;  /* one transfer (host scratch, not state) */
	uint8_t *pkt;  /* one guest packet */

	/* State. */
	uint16_t version;  /* negotiated storage protocol, 0 = none */
	uint8_t broken;    /* the guest's ring was corrupt: stop reading */
	uint8_t pad;
	uint8_t sense[STORVSP_MAX_DISKS][SCSI_SENSE_LEN];
};

/* Adds the SCSI channel to vb (the disks stay the caller's). NULL if
 * there are too many disks or channels. */
struct storvsp *storvsp_create(struct vmbus *vb, struct disk **disks,
			       unsigned ndisks, struct log *log,
			       struct state *state);
void storvsp_reset(void *opaque);
void storvsp_destroy(void *opaque);

/* One vstor packet of a guest ring packet (exposed for the fuzzer):
 * handles it and queues its completion. 1 done, 0 no room to answer (try
 * again later), -1 dropped. */
int storvsp_handle_packet(struct storvsp *sv, const uint8_t *pkt,
			  const struct ring_pkt *p, bool *signal);

#endif
