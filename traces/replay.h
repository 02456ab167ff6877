/* traces/replay.h: replaying a trace (lucid replay FILE.lrt).
 *
 * The whole file is verified first, so a damaged trace is refused before
 * anything runs. Then the machine runs as recorded: at each sync point the
 * replayer injects the input recorded for that virtual time instead of
 * reading the host, and checks every checkpoint. The first difference
 * stops the run (REPLAY_EXIT_DIVERGED) with the virtual time, instruction
 * count and the state sections that differ.
 */
#ifndef LUCID_TRACES_REPLAY_H
#define LUCID_TRACES_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/trace.h"

struct machine;
struct replay;

#define REPLAY_EXIT_DIVERGED 2

/* NULL with "FILE: reason" in err. sum gets the whole-file summary. A
 * trace without its end record (the recording was interrupted) is refused
 * unless partial: then the replay stops, verified, at its last complete
 * checkpoint. */
struct replay *replay_open(const char *path, bool partial,
			   struct trace_summary *sum, char *err,
			   size_t errlen);
/* "incomplete: no end record (...)" for a summary with incomplete set. */
void replay_describe_incomplete(const struct trace_summary *sum, char *out,
				size_t outlen);
const struct trace_header *replay_header(const struct replay *rp);
void replay_close(struct replay *rp);

/* At a sync point: inject the input recorded for this virtual time. */
void replay_input(struct replay *rp, struct machine *m);
/* At a sync point, after input: check checkpoints; stop where a recorded
 * run was stopped by the host. */
void replay_sync(struct replay *rp, struct machine *m, uint64_t now);
/* After the run: compare with the end record, print the outcome to out
 * (one "lucid: ..." line on failure; the run's ending and the summary
 * line on success) and return the exit code: 0 verified, 2 diverged, 124
 * the replay's own --timeout, 1 a trace that could not be read. */
int replay_finish(struct replay *rp, struct machine *m, FILE *out);

/* --until ICOUNT: the backend stops there (replay_main sets its limit);
 * replay_until_reached ends the run when the machine stops at it. */
void replay_set_until(struct replay *rp, uint64_t icount);
void replay_until_reached(struct replay *rp, struct machine *m);

/* Seeking (the gdb stub's reverse execution). Before running: keep the
 * machine's start as the first snapshot. The trace's snapshot records are
 * indexed as the replay passes them. replay_seek restores the latest
 * snapshot at or before icount, repositions the input stream right after
 * it and puts its instruction count in *at; the caller runs forward from
 * there. 0, or -1 with one line in err (the machine is then unusable). */
int replay_snapshot_start(struct replay *rp, struct machine *m, char *err,
			  size_t errlen);
int replay_seek(struct replay *rp, struct machine *m, uint64_t icount,
		uint64_t *at, char *err, size_t errlen);

#endif
