/* traces/record.c: the recorder. */
#include "traces/record.h"

#include <stdlib.h>
#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"
#include "core/util.h"
#include "traces/checkpoint.h"
#include "traces/config.h"

struct record {
	struct trace_writer *w;
	char *path;
	uint64_t interval_ns, next_ck;
	uint64_t snap_ns, next_snap; /* 0: no snapshots */
	uint64_t nevents, nck, nsnap;
	uint64_t last_sync;
	bool synced;
};

int record_start(struct machine *m, const char *path, unsigned checkpoint_ms,
		 uint64_t snapshot_ms, char *err, size_t errlen)
{
	struct trace_header h = { 0 };

	if (trace_config_from_machine(&h, m, checkpoint_ms, err, errlen)) {
		trace_header_free(&h);
		return -1;
	}
	struct trace_writer *w = trace_create(path, &h, err, errlen);
	trace_header_free(&h);
	if (!w)
		return -1;
	struct record *r = xcalloc(1, sizeof(*r));
	r->w = w;
	r->path = xstrdup(path);
	r->interval_ns = (uint64_t)checkpoint_ms * 1000000ull;
	/* The first sync point checkpoints: early divergence shows early. */
	r->next_ck = clock_now(&m->clock);
	/* A replay snapshots its start itself: the first one here is due
	 * an interval in. */
	r->snap_ns = snapshot_ms * 1000000ull;
	r->next_snap = r->next_ck + r->snap_ns;
	m->record = r;
	return 0;
}

void record_input(struct record *r, struct machine *m,
		  enum trace_rec_type type, uint8_t unit, const void *data,
		  size_t len)
{
	uint8_t small[1 + 256];
	uint8_t *buf = len < sizeof(small) ? small : xcalloc(1, len + 1);

	/* A write error sticks in the writer; record_finish reports it. */
	buf[0] = unit;
	memcpy(buf + 1, data, len);
	trace_write_event(r->w, type, clock_now(&m->clock), buf, len + 1);
	r->nevents++;
	if (buf != small)
		free(buf);
}

/* The whole state, as loadvm reads it, for seeking in a replay. */
static void record_snapshot(struct record *r, struct machine *m, uint64_t now)
{
	char *img = NULL, err[256];
	size_t len = 0;
	FILE *f = open_memstream(&img, &len);

	if (!f || state_write(&m->state, f, err, sizeof(err)) || fflush(f)) {
		log_warn(&m->log, CORE, "record: no snapshot at %.3f ms",
			 now / 1e6);
	} else {
		trace_write_snapshot(r->w, now, m->backend->icount(m->backend_priv),
				     img, len);
		r->nsnap++;
	}
	if (f)
		fclose(f);
	free(img);
}

void record_sync(struct record *r, struct machine *m, uint64_t now)
{
	struct trace_checkpoint ck;
	bool wrote = false;

	r->last_sync = now;
	r->synced = true;
	if (now >= r->next_ck) {
		checkpoint_take(m, TRACE_VERSION, &ck);
		trace_write_checkpoint(r->w, now, &ck);
		r->nck++;
		r->next_ck = now + r->interval_ns;
		wrote = true;
	}
	if (r->snap_ns && now >= r->next_snap) {
		record_snapshot(r, m, now);
		r->next_snap = now + r->snap_ns;
	}
	/* A killed run leaves a trace readable up to its last checkpoint
	 * (lucid replay --partial). A write error sticks in the writer. */
	if (wrote)
		trace_flush(r->w);
}

int record_finish(struct machine *m, FILE *out, char *err, size_t errlen)
{
	struct record *r = m->record;
	struct trace_end end = { .exit_code = m->exit_code };
	uint64_t now = clock_now(&m->clock);

	if (!r)
		return 0;
	checkpoint_take(m, TRACE_VERSION, &end.ck);
	snprintf(end.reason, sizeof(end.reason), "%s", m->exit_reason);
	/* A wall-clock timeout stops the run at a sync point, and nothing in
	 * the guest says where: the replay must be told. */
	if (m->exit_code == MACHINE_EXIT_TIMEOUT && r->synced &&
	    r->last_sync == now)
		end.flags |= TRACE_END_AT_SYNC;
	trace_write_end(r->w, now, &end);
	int rc = trace_close(r->w, err, errlen);
	if (!rc && out)
		fprintf(out,
			"record: %s: %llu input events, %llu checkpoints, %llu snapshots, %.3f ms of guest time\n",
			r->path, (unsigned long long)r->nevents,
			(unsigned long long)r->nck,
			(unsigned long long)r->nsnap, now / 1e6);
	free(r->path);
	free(r);
	m->record = NULL;
	return rc;
}
