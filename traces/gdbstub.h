/* traces/gdbstub.h: a gdb remote stub (lucid run|replay --gdb ADDR).
 *
 * Listens on loopback only. The machine stops before its first
 * instruction (or at replay --until) and waits for gdb; from then on the
 * stub is served whenever the machine is stopped, and polled for gdb's
 * interrupt (Ctrl-C) at every sync point. Breakpoints are addresses
 * compared before each instruction (guest memory is never patched, so
 * state hashes and replays stay exact); write watchpoints compare the
 * watched bytes before each instruction. Either makes the interpreter run
 * one instruction at a time. In a replay, reverse-step and
 * reverse-continue seek: restore the nearest snapshot, run forward to an
 * instruction count (traces/replay.h).
 */
#ifndef LUCID_TRACES_GDBSTUB_H
#define LUCID_TRACES_GDBSTUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct gdb;

/* Listen on addr (127.0.0.1:PORT or localhost:PORT; port 0 picks a free
 * one, printed with the "gdb: waiting" line on stderr). The machine will
 * stop for gdb once icount reaches stop_at. Sets m->gdb. The interpreter
 * must be the backend. 0, or -1 with one line in err. */
int gdb_start(struct machine *m, const char *addr, uint64_t stop_at,
	      char *err, size_t errlen);
/* The backend stopped for the debugger: serve gdb until it resumes the
 * machine. True if the machine was moved to a snapshot (a seek): the
 * caller then restarts its sync-point schedule from the snapshot's time. */
bool gdb_stopped(struct gdb *g, struct machine *m);
/* At a sync point: gdb's interrupt stops the machine. */
void gdb_poll(struct gdb *g, struct machine *m);
/* The run is over: tell gdb how it ended, close, free; clears m->gdb. */
void gdb_finish(struct machine *m);

#endif
