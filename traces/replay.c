/* traces/replay.c: the replayer. */
#include "traces/replay.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"
#include "core/net.h"
#include "core/util.h"
#include "core/version.h"
#include "devices/i8042.h"
#include "devices/ps2.h"
#include "devices/uart.h"
#include "traces/checkpoint.h"

/* Where a seek can start: the replay's own start, or a snapshot record
 * (the ordinal-th record of the trace) passed on the way. */
struct replay_snap {
	uint64_t ordinal, icount, vtime;
	uint64_t nevents, nck;
};

struct replay {
	struct trace_reader *rd;
	char *path;
	struct trace_record next; /* the first record not yet consumed */
	bool have_next;
	uint64_t nread;           /* records read, next included */
	uint64_t nevents, nck;
	uint64_t until;           /* --until ICOUNT (UINT64_MAX: none) */
	bool diverged, stopped_by_trace, read_failed, until_reached;
	/* --partial: the record number of the last checkpoint (0: not a
	 * partial replay); partial_done once the replay has checked it. */
	uint64_t partial_ck;
	uint64_t partial_cut_vtime;
	bool partial_done;
	char *start_img;          /* the machine before the first instruction */
	size_t start_len;
	struct replay_snap *snap; /* by icount; snap[0] is the start */
	unsigned nsnap;
	char msg[512];
};

static void replay_advance(struct replay *rp)
{
	int rc = trace_read_record(rp->rd, &rp->next, rp->msg,
				   sizeof(rp->msg));
	/* The file was verified: a failure now means it changed under us. */
	rp->read_failed |= rc < 0;
	rp->have_next = rc > 0;
	rp->nread += rc > 0;
}

void replay_describe_incomplete(const struct trace_summary *sum, char *out,
				size_t outlen)
{
	snprintf(out, outlen,
		 "incomplete: no end record (the recording was interrupted at guest time %.3f ms)",
		 sum->last_vtime / 1e6);
}

struct replay *replay_open(const char *path, bool partial,
			   struct trace_summary *sum, char *err,
			   size_t errlen)
{
	if (trace_verify(path, sum, err, errlen)) {
		if (!sum->incomplete)
			return NULL;
		char what[160];
		replay_describe_incomplete(sum, what, sizeof(what));
		if (!partial) {
			snprintf(err, errlen,
				 "%s: %s; lucid replay --partial replays it up to its last checkpoint",
				 path, what);
			return NULL;
		}
		if (!sum->last_ck_record) {
			snprintf(err, errlen, "%s: %s, before its first checkpoint: nothing to replay",
				 path, what);
			return NULL;
		}
	} else {
		partial = false; /* a complete trace replays to its end */
	}
	for (unsigned t = 1; t < TRACE_EVENT_TYPES; t++) {
		if (t != TRACE_REC_SERIAL && t != TRACE_REC_NET &&
		    t != TRACE_REC_KEY && t != TRACE_REC_MOUSE &&
		    sum->events[t]) {
			snprintf(err, errlen,
				 "%s: has %s input events, which this build cannot replay",
				 path, trace_type_name(t));
			return NULL;
		}
	}
	struct trace_reader *rd = trace_open(path, err, errlen);
	if (!rd)
		return NULL;
	struct replay *rp = xcalloc(1, sizeof(*rp));
	rp->rd = rd;
	rp->path = xstrdup(path);
	rp->until = UINT64_MAX;
	if (partial) {
		rp->partial_ck = sum->last_ck_record;
		rp->partial_cut_vtime = sum->last_vtime;
	}
	replay_advance(rp);
	if (rp->read_failed) {
		snprintf(err, errlen, "%s", rp->msg);
		replay_close(rp);
		return NULL;
	}
	return rp;
}

const struct trace_header *replay_header(const struct replay *rp)
{
	return trace_header(rp->rd);
}

void replay_close(struct replay *rp)
{
	if (!rp)
		return;
	trace_close_reader(rp->rd);
	free(rp->path);
	free(rp->start_img);
	free(rp->snap);
	free(rp);
}

/* The one-line report; detail says what differed. */
static void replay_report(struct replay *rp, struct machine *m,
			  uint64_t icount_want, const char *fmt, ...)
{
	char detail[320];
	va_list ap;
	const char *ver = trace_header_get(replay_header(rp), "lucid");

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	uint64_t icount = m->backend->icount(m->backend_priv);
	int n = snprintf(rp->msg, sizeof(rp->msg),
			 "%s: replay diverged at %.3f ms of guest time, instruction %llu (recorded %llu): %s",
			 rp->path, clock_now(&m->clock) / 1e6,
			 (unsigned long long)icount,
			 (unsigned long long)icount_want, detail);
	if (ver && strcmp(ver, LUCID_VERSION) && n > 0 &&
	    (size_t)n < sizeof(rp->msg))
		snprintf(rp->msg + n, sizeof(rp->msg) - (size_t)n,
			 " (recorded by lucid %s, this is %s)", ver,
			 LUCID_VERSION);
	rp->diverged = true;
}

/* Stop the run on the first divergence. */
#define replay_diverge(rp, m, want, ...)                                      \
	do {                                                                  \
		replay_report(rp, m, want, __VA_ARGS__);                      \
		machine_request_exit(m, REPLAY_EXIT_DIVERGED,                 \
				     "replay diverged");                      \
	} while (0)

static bool is_event(const struct trace_record *r)
{
	return r->type >= TRACE_REC_SERIAL && r->type < TRACE_EVENT_TYPES;
}

static void replay_inject(struct replay *rp, struct machine *m)
{
	const struct trace_record *r = &rp->next;
	uint64_t icount = m->backend->icount(m->backend_priv);
	unsigned unit = r->data[0];
	size_t len = r->len - 1;

	/* A frame for NIC `unit`, delivered as the recording did. */
	if (r->type == TRACE_REC_NET) {
		if (!m->net || net_deliver(m->net, unit, r->data + 1, len)) {
			replay_diverge(rp, m, icount,
				       "a network frame for NIC %u, which this machine lacks",
				       unit);
			return;
		}
		rp->nevents++;
		return;
	}
	/* Keys and mouse motion from the window or the monitor (ui/ui.c):
	 * u16 key, u8 pressed; i16 dx, i16 dy, i8 dz, u8 buttons. */
	if (r->type == TRACE_REC_KEY || r->type == TRACE_REC_MOUSE) {
		const uint8_t *d = r->data + 1;
		if (!m->i8042 || len != (r->type == TRACE_REC_KEY ? 3u : 6u)) {
			replay_diverge(rp, m, icount,
				       "a %s event this machine cannot take",
				       trace_type_name(r->type));
			return;
		}
		if (r->type == TRACE_REC_KEY)
			ps2_kbd_key(m->i8042->kbd, (uint16_t)(d[0] | d[1] << 8),
				    d[2]);
		else
			ps2_mouse_move(m->i8042->mouse,
				       (int16_t)(d[0] | d[1] << 8),
				       (int16_t)(d[2] | d[3] << 8),
				       (int8_t)d[4], d[5]);
		rp->nevents++;
		return;
	}
	/* replay_open refused every other input type. */
	if (unit >= ARRAY_SIZE(m->uart) || !m->uart[unit]) {
		replay_diverge(rp, m, icount,
			       "serial input for COM%u, which this machine lacks",
			       unit + 1);
		return;
	}
	size_t took = uart_receive(m->uart[unit], r->data + 1, len);
	if (took != len) {
		replay_diverge(rp, m, icount,
			       "COM%u took %zu of the %zu recorded input bytes",
			       unit + 1, took, len);
		return;
	}
	rp->nevents++;
}

void replay_input(struct replay *rp, struct machine *m)
{
	uint64_t now = clock_now(&m->clock);

	while (!rp->diverged && !rp->read_failed && rp->have_next &&
	       is_event(&rp->next) && rp->next.vtime <= now) {
		if (rp->next.vtime < now) {
			replay_diverge(rp, m, m->backend->icount(m->backend_priv),
				       "no sync point at %.3f ms, where %s input was recorded",
				       rp->next.vtime / 1e6,
				       trace_type_name(rp->next.type));
			return;
		}
		replay_inject(rp, m);
		replay_advance(rp);
	}
	if (rp->read_failed)
		machine_request_exit(m, MACHINE_EXIT_ERROR, "trace read error");
}

static void replay_check(struct replay *rp, struct machine *m)
{
	struct trace_checkpoint got;
	char secs[256];

	checkpoint_take(m, replay_header(rp)->version, &got);
	if (checkpoint_compare(m, &rp->next.end.ck, &got, secs, sizeof(secs))) {
		rp->nck++;
		return;
	}
	replay_diverge(rp, m, rp->next.end.ck.icount,
		       "checkpoint %llu: %s%s", (unsigned long long)rp->nck + 1,
		       secs[0] ? "state differs in " : "state hashes agree, instruction count differs",
		       secs);
}

/* Remember a snapshot record the first time the replay passes it. */
static void replay_note_snapshot(struct replay *rp, const struct trace_record *r)
{
	if (rp->nsnap && rp->snap[rp->nsnap - 1].ordinal >= rp->nread)
		return;
	rp->snap = xrealloc(rp->snap, (rp->nsnap + 1) * sizeof(*rp->snap));
	rp->snap[rp->nsnap++] = (struct replay_snap){
		.ordinal = rp->nread, .icount = r->end.ck.icount,
		.vtime = r->vtime, .nevents = rp->nevents, .nck = rp->nck,
	};
}

void replay_sync(struct replay *rp, struct machine *m, uint64_t now)
{
	while (!rp->diverged && !rp->read_failed && rp->have_next) {
		const struct trace_record *r = &rp->next;
		uint64_t icount = m->backend->icount(m->backend_priv);

		if (r->vtime > now)
			return;
		if (is_event(r) || (r->type == TRACE_REC_CHECKPOINT &&
				    r->vtime < now)) {
			replay_diverge(rp, m, icount,
				       "no sync point at %.3f ms, where a %s was recorded",
				       r->vtime / 1e6, trace_type_name(r->type));
			return;
		}
		if (r->type == TRACE_REC_SNAPSHOT) {
			if (r->vtime < now) {
				replay_diverge(rp, m, icount,
					       "no sync point at %.3f ms, where a snapshot was recorded",
					       r->vtime / 1e6);
				return;
			}
			replay_note_snapshot(rp, r);
			replay_advance(rp);
			continue;
		}
		if (r->type == TRACE_REC_CHECKPOINT) {
			replay_check(rp, m);
			if (rp->partial_ck && rp->nread == rp->partial_ck &&
			    !rp->diverged) {
				/* What follows may be cut: stop here. */
				rp->partial_done = true;
				machine_request_exit(m, 0, "end of the partial recording");
				return;
			}
			replay_advance(rp);
			continue;
		}
		/* The end record: where the recorded run stopped. */
		if (r->end.flags & TRACE_END_AT_SYNC) {
			if (r->vtime < now) {
				replay_diverge(rp, m, r->end.ck.icount,
					       "no sync point at %.3f ms, where the recorded run was stopped",
					       r->vtime / 1e6);
				return;
			}
			rp->stopped_by_trace = true;
			machine_request_exit(m, r->end.exit_code, "%s",
					     r->end.reason);
		} else if (r->vtime < now || !m->stop) {
			replay_diverge(rp, m, r->end.ck.icount,
				       "the recorded run had ended by %.3f ms (%s); this one goes on",
				       r->vtime / 1e6, r->end.reason);
		}
		return;
	}
	if (rp->read_failed)
		machine_request_exit(m, MACHINE_EXIT_ERROR, "trace read error");
}

void replay_set_until(struct replay *rp, uint64_t icount)
{
	rp->until = icount;
}

void replay_until_reached(struct replay *rp, struct machine *m)
{
	uint64_t n = m->backend->icount(m->backend_priv);

	if (n < rp->until)
		return;
	rp->until_reached = true;
	machine_request_exit(m, 0, "stopped at instruction %llu (--until)",
			     (unsigned long long)n);
}

int replay_snapshot_start(struct replay *rp, struct machine *m, char *err,
			  size_t errlen)
{
	FILE *f = open_memstream(&rp->start_img, &rp->start_len);

	if (!f) {
		snprintf(err, errlen, "%s: cannot snapshot the start", rp->path);
		return -1;
	}
	int rc = state_write(&m->state, f, err, errlen);
	fclose(f);
	if (rc)
		return -1;
	rp->snap = xcalloc(1, sizeof(*rp->snap));
	rp->snap[0] = (struct replay_snap){
		.icount = m->backend->icount(m->backend_priv),
		.vtime = clock_now(&m->clock),
	};
	rp->nsnap = 1;
	return 0;
}

int replay_seek(struct replay *rp, struct machine *m, uint64_t icount,
		uint64_t *at, char *err, size_t errlen)
{
	unsigned i = rp->nsnap;

	while (i > 0 && rp->snap[i - 1].icount > icount)
		i--;
	if (!i || !m->backend->set_icount) {
		snprintf(err, errlen, "%s: no snapshot at or before instruction %llu",
			 rp->path, (unsigned long long)icount);
		return -1;
	}
	const struct replay_snap *s = &rp->snap[i - 1];
	struct trace_reader *rd = trace_open(rp->path, err, errlen);
	if (!rd)
		return -1;
	/* Read up to the snapshot record again: the stream only goes on. */
	trace_close_reader(rp->rd);
	rp->rd = rd;
	rp->nread = 0;
	rp->have_next = false;
	while (rp->nread < s->ordinal && !rp->read_failed)
		replay_advance(rp);
	if (rp->read_failed || (s->ordinal && (!rp->have_next ||
			       rp->next.type != TRACE_REC_SNAPSHOT))) {
		snprintf(err, errlen, "%s: the snapshot at instruction %llu cannot be read again",
			 rp->path, (unsigned long long)s->icount);
		return -1;
	}
	const char *img = rp->start_img;
	size_t len = rp->start_len;
	if (s->ordinal) {
		img = (const char *)rp->next.data + 8;
		len = rp->next.len - 8;
	}
	FILE *f = fmemopen((void *)img, len, "rb");
	int rc = f ? state_read(&m->state, f, err, errlen) : -1;
	if (f)
		fclose(f);
	else
		snprintf(err, errlen, "%s: cannot read a snapshot", rp->path);
	if (rc)
		return -1;
	m->backend->set_icount(m->backend_priv, s->icount);
	m->reset_pending = false;
	rp->nevents = s->nevents;
	rp->nck = s->nck;
	rp->stopped_by_trace = false;
	replay_advance(rp);
	*at = s->icount;
	return 0;
}

int replay_finish(struct replay *rp, struct machine *m, FILE *out)
{
	uint64_t now = clock_now(&m->clock);
	const struct trace_record *r = &rp->next;

	if (rp->read_failed) {
		fprintf(out, "lucid: %s\n", rp->msg);
		return MACHINE_EXIT_ERROR;
	}
	if (!rp->diverged && rp->partial_done) {
		fprintf(out,
			"replay: partial trace: %llu events, %llu checkpoints verified, up to its last checkpoint at %.3f ms of guest time (instruction %llu); the recording was interrupted at %.3f ms\n",
			(unsigned long long)rp->nevents,
			(unsigned long long)rp->nck, now / 1e6,
			(unsigned long long)m->backend->icount(m->backend_priv),
			rp->partial_cut_vtime / 1e6);
		return 0;
	}
	if (!rp->diverged && rp->until_reached) {
		struct trace_checkpoint ck;

		checkpoint_take(m, replay_header(rp)->version, &ck);
		fprintf(out, "lucid: %s (%.3f ms of guest time)\n",
			m->exit_reason, now / 1e6);
		fprintf(out,
			"replay: stopped at instruction %llu, state hash %016llx (%llu events, %llu checkpoints verified on the way)\n",
			(unsigned long long)ck.icount,
			(unsigned long long)ck.hash,
			(unsigned long long)rp->nevents,
			(unsigned long long)rp->nck);
		return 0;
	}
	if (!rp->diverged && !rp->stopped_by_trace &&
	    m->exit_code == MACHINE_EXIT_TIMEOUT) {
		fprintf(out,
			"lucid: %s: replay timed out (--timeout) at %.3f ms of guest time, before the recording's end\n",
			rp->path, now / 1e6);
		return MACHINE_EXIT_TIMEOUT;
	}
	if (!rp->diverged && (!rp->have_next || r->type != TRACE_REC_END)) {
		replay_report(rp, m, rp->have_next ? r->end.ck.icount : 0,
			      "the run ended (%s) but the recording goes on: %s at %.3f ms",
			      m->exit_reason,
			      rp->have_next ? trace_type_name(r->type) : "?",
			      r->vtime / 1e6);
	}
	if (!rp->diverged) {
		struct trace_checkpoint got;
		char secs[256];

		checkpoint_take(m, replay_header(rp)->version, &got);
		bool same = checkpoint_compare(m, &r->end.ck, &got, secs,
					       sizeof(secs));
		if (r->vtime != now || r->end.exit_code != m->exit_code)
			replay_report(rp, m, r->end.ck.icount,
				      "the recorded run ended at %.3f ms with exit %d (%s); this one at %.3f ms with exit %d (%s)",
				      r->vtime / 1e6, r->end.exit_code,
				      r->end.reason, now / 1e6, m->exit_code,
				      m->exit_reason);
		else if (!same)
			replay_report(rp, m, r->end.ck.icount,
				      "final state: %s%s",
				      secs[0] ? "state differs in " : "state hashes agree, instruction count differs",
				      secs);
	}
	if (rp->diverged) {
		fprintf(out, "lucid: %s\n", rp->msg);
		return REPLAY_EXIT_DIVERGED;
	}
	fprintf(out, "lucid: %s (%.3f ms of guest time)\n", m->exit_reason,
		now / 1e6);
	fprintf(out,
		"replay: %llu events, %llu checkpoints verified, final hash OK (%016llx, %llu instructions)\n",
		(unsigned long long)rp->nevents, (unsigned long long)rp->nck,
		(unsigned long long)r->end.ck.hash,
		(unsigned long long)r->end.ck.icount);
	if (rp->until != UINT64_MAX) {
		fprintf(out, "lucid: %s: --until %llu: the recording ends at instruction %llu\n",
			rp->path, (unsigned long long)rp->until,
			(unsigned long long)r->end.ck.icount);
		return 1;
	}
	return 0;
}
