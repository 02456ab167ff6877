/* core/bench_peer.h: peer emulators as child processes (lucid bench). */
#ifndef LUCID_CORE_BENCH_PEER_H
#define LUCID_CORE_BENCH_PEER_H

#include <stdbool.h>
#include <stddef.h>

/* Monotonic host time in ms. */
double peer_now_ms(void);
/* Is EXE an executable on $PATH? */
bool peer_on_path(const char *exe);
/* Start argv (stdio on /dev/null), wait until the file com1 contains
 * marker, then kill it. *ms: time from start to the marker (left alone
 * otherwise, with the reason in note). com1 is removed before and after. */
void peer_run_until(char *const argv[], const char *com1,
		    const char *marker, unsigned timeout_ms, double *ms,
		    char *note, size_t notelen);

/* --format's value: table, json or csv. False after printing the one-line
 * error, so every bench command refuses a bad value the same way. */
bool bench_format_ok(const char *arg);
/* --mhz's value (1-10000) into *mhz; false after the one-line error. */
bool bench_mhz_ok(const char *arg, unsigned *mhz);
/* A private directory for a peer's files under $TMPDIR (or /tmp), named
 * lucid-bench-WHAT-XXXXXX; false after the one-line error. */
bool peer_make_workdir(const char *what, char *dir, size_t len);

/* One emulator's row in a comparison table. */
struct peer_result {
	const char *name;
	const char *what;  /* how it ran */
	double ms;         /* < 0: no figure */
	char note[96];     /* why there is no figure */
};

/* The table (or json/csv) with each row's time and its ratio to row 0
 * (Lucid). title is the table's heading; bench names the json record. */
void peer_print_results(const struct peer_result *res, unsigned n,
			const char *format, const char *bench,
			const char *title);

#endif
