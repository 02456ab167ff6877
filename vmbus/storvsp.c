/* vmbus/storvsp.c: the storvsc host (synthetic SCSI over a VMBus channel).
 *
 * Init: BEGIN_INIT, QUERY_PROTOCOL_VERSION (0x0602, 0x0600, 0x0501 are
 * accepted), QUERY_PROPERTIES, END_INIT; then EXECUTE_SRB: data commands
 * arrive as GPA-direct packets (one range), the rest in-band. Each request
 * asking for one gets a completion packet: a full 64-byte vstor_packet,
 * operation COMPLETE_IO, the transaction id echoed. Requests run to the
 * end inside the guest's HvSignalEvent (the disk is synchronous), so
 * completion order and timing are a function of the guest's work.
 */
#include "vmbus/storvsp.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/state.h"
#include "core/util.h"
#include "devices/disk.h"
#include "vmbus/gpa.h"
#include "vmbus/vmbus.h"

#define PKT_CAP 8192
/* A completion: descriptor, the packet, the trailer. */
#define REPLY_ROOM (RING_DESC + STORVSP_PACKET + RING_TRAILER)

/* ba6163d9-04a1-4d29-b605-72e2ffb1dc7f, in Windows byte order. */
static const uint8_t scsi_guid[16] = {
	0xd9, 0x63, 0x61, 0xba, 0xa1, 0x04, 0x29, 0x4d,
	0xb6, 0x05, 0x72, 0xe2, 0xff, 0xb1, 0xdc, 0x7f,
};
/* This controller's instance (any fixed value: the guest names the
 * device after it). */
static const uint8_t scsi_instance[16] = {
	0x4c, 0x55, 0x43, 0x49, 0x44, 0x53, 0x43, 0x53,
	0x49, 0x30, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
};

static const uint16_t storvsp_versions[] = { 0x0602, 0x0600, 0x0501 };

static const struct state_field storvsp_fields[] = {
	STATE_FIELD(struct storvsp, version),
	STATE_FIELD(struct storvsp, broken),
	STATE_FIELD(struct storvsp, sense),
	STATE_END,
};

/* vm_srb offsets inside the vstor packet. */
#define SRB 12
#define SRB_STATUS (SRB + 2)
#define SRB_SCSI_STATUS (SRB + 3)
#define SRB_PATH (SRB + 5)
#define SRB_TARGET (SRB + 6)
#define SRB_LUN (SRB + 7)
#define SRB_CDB_LEN (SRB + 8)
#define SRB_SENSE_LEN (SRB + 9)
#define SRB_DATA_IN (SRB + 10)
#define SRB_XFER_LEN (SRB + 12)
#define SRB_CDB (SRB + 16)
#define SRB_SENSE_AREA 20

enum { DATA_WRITE = 0, DATA_READ = 1, DATA_NONE = 2 };

static int srb_done(uint8_t *rep, uint8_t srb_status, uint8_t scsi_status,
		    uint32_t xfer)
{
	rep[SRB_STATUS] = srb_status;
	rep[SRB_SCSI_STATUS] = scsi_status;
	put_le32(rep + SRB_XFER_LEN, xfer);
	return 0;
}

/* INQUIRY of a LUN that is not there: peripheral qualifier 3. */
static uint32_t srb_no_lun_inquiry(uint8_t *buf, uint32_t len)
{
	uint8_t b[36] = { 0x7f, 0, 0x05, 0x02, 36 - 5 };
	uint32_t n = len < sizeof(b) ? len : sizeof(b);

	memcpy(buf, b, n);
	return n;
}

static int storvsp_srb(struct storvsp *sv, const uint8_t *req, uint8_t *rep,
		       const uint8_t *pkt, const struct ring_pkt *p,
		       uint32_t have)
{
	struct mem *mem = sv->vb->mem;
	struct ring_range rg;
	bool ranged = false;
	unsigned lun = req[SRB_LUN];
	uint8_t data_in = req[SRB_DATA_IN];
	uint32_t len = get_le32(req + SRB_XFER_LEN);
	uint8_t cdb[16];
	unsigned cdb_len = req[SRB_CDB_LEN] > 16 ? 16 : req[SRB_CDB_LEN];
	struct disk *d = !req[SRB_PATH] && !req[SRB_TARGET] &&
					 lun < sv->ndisks
				 ? sv->disk[lun]
				 : NULL;

	memcpy(cdb, req + SRB_CDB, sizeof(cdb));
	rep[SRB_SENSE_LEN] = 0;
	if (p->type == VMPKT_GPA_DIRECT) {
		uint32_t hdr = p->offset < have ? p->offset : have;
		if (ring_gpa_range(pkt, hdr, &rg))
			return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
		ranged = true;
	}
	if (data_in > DATA_NONE || len > STORVSP_MAX_TRANSFER)
		return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
	if (data_in == DATA_NONE)
		len = 0;
	if (len && (!ranged || rg.byte_count < len))
		return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
	if (scsi_cdb_is_write(cdb) && data_in != DATA_WRITE && len)
		return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
	if (!d) {
		/* Linux scans every target: an INQUIRY answered "no LUN" and
		 * an empty REPORT LUNS keep that quiet; anything else is
		 * INVALID_LUN (Linux then drops the device). */
		uint32_t n = 0;
		if (cdb[0] == 0xa0 && data_in == DATA_READ && len >= 8) {
			memset(sv->buf, 0, 8);
			if (ring_range_copy(mem, &rg, 0, sv->buf, 8, true))
				return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
			return srb_done(rep, SRB_STATUS_SUCCESS, SCSI_GOOD, 8);
		}
		if (cdb[0] != 0x12)
			return srb_done(rep, SRB_STATUS_INVALID_LUN, 0, 0);
		n = data_in == DATA_READ ? srb_no_lun_inquiry(sv->buf, len) : 0;
		if (n && ring_range_copy(mem, &rg, 0, sv->buf, n, true))
			return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
		return srb_done(rep, SRB_STATUS_SUCCESS, SCSI_GOOD, n);
	}
	if (data_in == DATA_WRITE && len &&
	    ring_range_copy(mem, &rg, 0, sv->buf, len, false))
		return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);

	struct scsi_req r = { .cdb = cdb, .cdb_len = cdb_len, .buf = sv->buf,
			      .buf_len = len };
	scsi_disk_exec(d, lun, sv->ndisks, sv->sense[lun], &r);
	if (data_in == DATA_READ && r.xfer &&
	    ring_range_copy(mem, &rg, 0, sv->buf, r.xfer, true))
		return srb_done(rep, SRB_STATUS_INVALID_REQUEST, 0, 0);
	if (r.status == SCSI_GOOD)
		return srb_done(rep, SRB_STATUS_SUCCESS, SCSI_GOOD, r.xfer);
	memset(rep + SRB_CDB, 0, SRB_SENSE_AREA);
	memcpy(rep + SRB_CDB, r.sense, SCSI_SENSE_LEN);
	rep[SRB_SENSE_LEN] = SCSI_SENSE_LEN;
	return srb_done(rep, SRB_STATUS_ERROR | SRB_STATUS_AUTOSENSE_VALID,
			r.status, 0);
}

int storvsp_handle_packet(struct storvsp *sv, const uint8_t *pkt,
			  const struct ring_pkt *p, bool *signal)
{
	uint8_t req[STORVSP_PACKET] = { 0 }, rep[STORVSP_PACKET];
	uint32_t have = p->len < PKT_CAP ? p->len : PKT_CAP;
	uint32_t status = 0;

	if (p->type != VMPKT_INBAND && p->type != VMPKT_GPA_DIRECT)
		return -1;
	/* Before the protocol is agreed Linux sends the 48-byte pre-Win8
	 * packet: shorter payloads read as zero-extended. */
	uint32_t n = have > p->offset ? have - p->offset : 0;
	if (n < 12)
		return -1;
	memcpy(req, pkt + p->offset, n < sizeof(req) ? n : sizeof(req));
	memcpy(rep, req, sizeof(rep));

	switch (get_le32(req)) {
	case VSTOR_BEGIN_INIT:
	case VSTOR_END_INIT:
	case VSTOR_RESET_LUN:
	case VSTOR_RESET_ADAPTER:
	case VSTOR_RESET_BUS:
		break;
	case VSTOR_QUERY_PROTOCOL: {
		uint16_t v = get_le16(req + 12);
		status = NT_STATUS_REVISION_MISMATCH;
		for (unsigned i = 0; i < ARRAY_SIZE(storvsp_versions); i++)
			if (v == storvsp_versions[i]) {
				sv->version = v;
				status = 0;
			}
		break;
	}
	case VSTOR_QUERY_PROPERTIES:
		/* One channel (no sub-channels), max_transfer_bytes. */
		memset(rep + 12, 0, sizeof(rep) - 12);
		put_le32(rep + 24, STORVSP_MAX_TRANSFER);
		break;
	case VSTOR_EXECUTE_SRB:
		storvsp_srb(sv, req, rep, pkt, p, have);
		break;
	default:
		log_debug(sv->log, VMBUS, "storvsp: operation %u refused",
			  get_le32(req));
		status = NT_STATUS_UNSUCCESSFUL;
	}
	if (!(p->flags & VMPKT_FLAG_COMPLETION))
		return 1;
	put_le32(rep, VSTOR_COMPLETE_IO);
	put_le32(rep + 4, 0);
	put_le32(rep + 8, status);
	struct ring_iov iov = { rep, sizeof(rep) };
	bool sig = false;
	int rc = ring_write_packet(&sv->ch->in, VMPKT_COMPLETION, 0,
				   p->trans_id, &iov, 1, 0, &sig);
	*signal |= sig;
	return rc;
}

/* The guest signalled: answer everything there is room to answer. */
static void storvsp_notify(void *opaque, struct vmbus_channel *ch)
{
	struct storvsp *sv = opaque;
	bool signal = false;
	struct ring_pkt p;

	while (!sv->broken) {
		if (ring_write_space(&ch->in) < REPLY_ROOM) {
			/* The guest signals once it has read enough. */
			ring_hdr_set(&ch->in, RING_HDR_PENDING, REPLY_ROOM);
			break;
		}
		int rc = ring_read_packet(&ch->out, sv->pkt, PKT_CAP, &p);
		if (!rc)
			break;
		if (rc < 0) {
			log_warn(sv->log, VMBUS,
				 "storvsp: guest ring corrupt, channel stopped");
			sv->broken = 1;
			break;
		}
		if (!storvsp_handle_packet(sv, sv->pkt, &p, &signal)) {
			ring_hdr_set(&ch->in, RING_HDR_PENDING, REPLY_ROOM);
			break; /* left in the ring for the next signal */
		}
		/* Answered or dropped: either way consumed. */
		signal |= ring_read_commit(&ch->out, &p);
	}
	if (signal)
		vmbus_channel_signal(ch);
}

static uint32_t storvsp_open(void *opaque, struct vmbus_channel *ch)
{
	struct storvsp *sv = opaque;

	sv->version = 0;
	sv->broken = 0;
	return 0;
}

static const struct vmbus_dev_ops storvsp_ops = {
	.open = storvsp_open,
	.notify = storvsp_notify,
};

struct storvsp *storvsp_create(struct vmbus *vb, struct disk **disks,
			       unsigned ndisks, struct log *log,
			       struct state *state)
{
	if (ndisks > STORVSP_MAX_DISKS)
		return NULL;
	struct storvsp *sv = xcalloc(1, sizeof(*sv));
	sv->vb = vb;
	sv->log = log;
	sv->ndisks = ndisks;
	for (unsigned i = 0; i < ndisks; i++)
		sv->disk[i] = disks[i];
	sv->ch = vmbus_add_channel(vb, scsi_guid, scsi_instance, &storvsp_ops,
				   sv);
	if (!sv->ch) {
		free(sv);
		return NULL;
	}
	sv->buf = xcalloc(1, STORVSP_MAX_TRANSFER);
	sv->pkt = xcalloc(1, PKT_CAP);
	if (state)
		state_add(state, "storvsp", storvsp_fields, sv);
	return sv;
}

void storvsp_reset(void *opaque)
{
	struct storvsp *sv = opaque;

	sv->version = 0;
	sv->broken = 0;
	memset(sv->sense, 0, sizeof(sv->sense));
}

void storvsp_destroy(void *opaque)
{
	struct storvsp *sv = opaque;

	free(sv->buf);
	free(sv->pkt);
	free(sv);
}
