/* traces/record.h: recording a run (lucid run --record FILE.lrt).
 *
 * The recorder sees the run only at sync points: the host input taken
 * there (written, stamped with the sync point's virtual time, before it is
 * injected) and, every checkpoint interval of guest time, a checkpoint.
 * The end record closes the file when the run ends.
 */
#ifndef LUCID_TRACES_RECORD_H
#define LUCID_TRACES_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "traces/trace.h"

struct machine;
struct record;

#define RECORD_DEFAULT_CHECKPOINT_MS 100
#define RECORD_DEFAULT_SNAPSHOT_MS 5000

/* Start recording the built (not yet run) machine m into path; sets
 * m->record. Every snapshot_ms of guest time (0: never) a full snapshot
 * goes into the trace for seeking. 0, or -1 with one line in err. */
int record_start(struct machine *m, const char *path, unsigned checkpoint_ms,
		 uint64_t snapshot_ms, char *err, size_t errlen);
/* Host input taken at the current sync point; unit is the port or device
 * index (0 = COM1 for serial). */
void record_input(struct record *r, struct machine *m,
		  enum trace_rec_type type, uint8_t unit, const void *data,
		  size_t len);
/* Called at every sync point after input: writes a checkpoint when due. */
void record_sync(struct record *r, struct machine *m, uint64_t now);
/* After the run: the end record, then close. Prints a one-line summary to
 * out. 0, or -1 with one line in err (the trace is then unusable). */
int record_finish(struct machine *m, FILE *out, char *err, size_t errlen);

#endif
