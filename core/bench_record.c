/* core/bench_record.c: `lucid bench record`: what recording and replaying
 * cost on a fixed workload (FreeDOS booting to its COM1 marker at 25 MHz,
 * or the built-in demo when ../shared is absent): recording overhead, trace
 * bytes per guest-second (idle and typing), replay speed against the live
 * run, and one reverse-step's latency (seek from the middle of the trace
 * with 1 s snapshots, in-process). The runs are child processes of this
 * binary (the command lines a user would type); the seek runs here.
 * Figures are printed, never asserted. */
#include "core/bench.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accel/backend.h"
#include "core/bench_peer.h"
#include "core/cli.h"
#include "core/demo.h"
#include "core/machine.h"
#include "traces/config.h"
#include "traces/replay.h"
#include "traces/trace.h"

#define REC_IMAGE "../shared/testdata/freedos/freedos-serial.img"
#define REC_MARKER "FREEDOS-DONE"
#define REC_MAX_ARGS 40

static const char usage_record[] =
	"Usage: lucid bench record [options]\n"
	"\n"
	"Recording and replay costs on a fixed workload: FreeDOS booting to\n"
	"its COM1 marker (" REC_IMAGE ", Pentium II at 25 MHz), or the\n"
	"built-in demo when that image or SeaBIOS is absent. Prints the\n"
	"recording overhead (wall time with and without --record), trace bytes\n"
	"per guest-second while idle and while typing (checkpoints and input,\n"
	"no snapshots), replay speed against the live run, and the latency of\n"
	"one reverse step (seek from the middle of a trace with a snapshot\n"
	"every second, then run forward to the instruction before).\n"
	"\n"
	"  --image FILE       floppy image (default " REC_IMAGE ")\n"
	"  --runs N           runs per timing, the fastest counts (default 3)\n"
	"  --format table|json|csv   output format (default table)\n";

struct fig {
	const char *name;
	double value; /* < 0: no figure */
	const char *unit;
	char note[160];
};

struct wl {
	const char *base[REC_MAX_ARGS]; /* lucid run ... (no --record) */
	unsigned nbase;
	const char *image;
	bool dos;
	char dir[4096];
	char exe[4096];
};

/* Run this binary with args; stdout/stderr to files in dir. Wall ms, or
 * < 0 with note set. */
static double run_child(struct wl *w, const char *const *args, unsigned n,
			const char *tag, char *note, size_t notelen)
{
	char *argv[REC_MAX_ARGS + 2], out[4200];

	argv[0] = w->exe;
	for (unsigned i = 0; i < n && i < REC_MAX_ARGS; i++)
		argv[i + 1] = (char *)args[i];
	argv[n + 1] = NULL;
	snprintf(out, sizeof(out), "%s/%s.log", w->dir, tag);
	double ms = 0;
	int rc = bench_child_run(argv, out, &ms);
	if (rc) {
		snprintf(note, notelen, "%.20s failed (exit %d, see %.100s)", tag, rc,
			 out);
		return -1;
	}
	return ms;
}

/* The fastest of runs: base args + extra. */
static double time_run(struct wl *w, const char *const *extra, unsigned nx,
		       unsigned runs, const char *tag, char *note,
		       size_t notelen)
{
	const char *args[REC_MAX_ARGS];
	unsigned n = 0;
	double best = -1;

	for (unsigned i = 0; i < w->nbase; i++)
		args[n++] = w->base[i];
	for (unsigned i = 0; i < nx && n < REC_MAX_ARGS; i++)
		args[n++] = extra[i];
	for (unsigned r = 0; r < runs; r++) {
		double ms = run_child(w, args, n, tag, note, notelen);
		if (ms < 0)
			return -1;
		if (best < 0 || ms < best)
			best = ms;
	}
	return best;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long long)st.st_size;
}

/* A session driven by an --input script (run --input, no --until-*),
 * recorded without snapshots: bytes and guest seconds. */
static bool session(struct wl *w, const char *tag, const char *script,
		    long long *bytes, double *guest_s, char *note,
		    size_t notelen)
{
	char sp[4200], tp[4200];
	const char *args[REC_MAX_ARGS];
	unsigned n = 0;
	struct trace_summary sum;
	char err[512];

	snprintf(sp, sizeof(sp), "%s/%s.txt", w->dir, tag);
	snprintf(tp, sizeof(tp), "%s/%s.lrt", w->dir, tag);
	FILE *f = fopen(sp, "w");
	if (!f || fputs(script, f) < 0 || fclose(f)) {
		snprintf(note, notelen, "%.120s: cannot write", sp);
		return false;
	}
	for (unsigned i = 0; i < w->nbase; i++)
		if (strncmp(w->base[i], "--until-", 8))
			args[n++] = w->base[i];
		else
			i++; /* and its value */
	args[n++] = "--input";
	args[n++] = sp;
	args[n++] = "--record";
	args[n++] = tp;
	args[n++] = "--snapshot-every-s";
	args[n++] = "0";
	if (run_child(w, args, n, tag, note, notelen) < 0)
		return false;
	if (trace_verify(tp, &sum, err, sizeof(err))) {
		snprintf(note, notelen, "%.150s", err);
		return false;
	}
	*bytes = file_size(tp);
	*guest_s = sum.end_vtime / 1e9;
	return true;
}

/* Replay tp in-process to index its snapshots, then time one reverse
 * step from the middle: seek to the snapshot before, run forward to the
 * instruction before the middle. */
static void reverse_step(const char *tp, struct fig *f, double *seek_ms)
{
	struct trace_summary sum;
	struct machine_config cfg;
	struct machine m;
	char err[512];

	struct replay *rp = replay_open(tp, false, &sum, err, sizeof(err));
	if (!rp) {
		snprintf(f->note, sizeof(f->note), "%.150s", err);
		return;
	}
	if (trace_config_to_machine(replay_header(rp), &cfg, tp, err,
				    sizeof(err))) {
		snprintf(f->note, sizeof(f->note), "%.150s", err);
		replay_close(rp);
		return;
	}
	cfg.serial = "none";
	cfg.debugcon = NULL;
	cfg.net = "none";
	cfg.speed_max = true;
	cfg.timeout_ms = 0;
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		snprintf(f->note, sizeof(f->note), "%.150s", err);
		replay_close(rp);
		return;
	}
	m.replay = rp;
	if (replay_snapshot_start(rp, &m, err, sizeof(err))) {
		snprintf(f->note, sizeof(f->note), "%.150s", err);
		goto out;
	}
	machine_run(&m);
	uint64_t target = sum.end.end.ck.icount / 2, at;
	if (target < 2) {
		snprintf(f->note, sizeof(f->note), "trace too short");
		goto out;
	}
	target--;
	m.stop = false;
	double t0 = peer_now_ms();
	if (replay_seek(rp, &m, target, &at, err, sizeof(err))) {
		snprintf(f->note, sizeof(f->note), "%.150s", err);
		goto out;
	}
	double t1 = peer_now_ms();
	struct backend_debug d = { .icount_limit = target };
	m.backend->set_debug(m.backend_priv, &d);
	replay_set_until(rp, target);
	machine_run(&m);
	double t2 = peer_now_ms();
	uint64_t got = m.backend->icount(m.backend_priv);
	*seek_ms = t1 - t0;
	if (got != target) {
		snprintf(f->note, sizeof(f->note),
			 "stopped at instruction %llu, not %llu (%.60s)",
			 (unsigned long long)got, (unsigned long long)target,
			 m.exit_reason);
		goto out;
	}
	f->value = t2 - t0;
	snprintf(f->note, sizeof(f->note),
		 "to instruction %llu: restore %.1f ms, then %llu instructions forward",
		 (unsigned long long)target, t1 - t0,
		 (unsigned long long)(target - at));
out:
	machine_destroy(&m);
	replay_close(rp);
}

static void print_figs(const struct fig *f, unsigned n, const char *format,
		       const char *what)
{
	if (!strcmp(format, "json")) {
		printf("{\"bench\":\"record\",\"workload\":\"%s\",\"results\":[",
		       what);
		for (unsigned i = 0; i < n; i++) {
			printf("%s{\"figure\":\"%s\",\"unit\":\"%s\",", i ? "," : "",
			       f[i].name, f[i].unit);
			if (f[i].value >= 0)
				printf("\"value\":%.4f,", f[i].value);
			else
				printf("\"value\":null,");
			printf("\"note\":\"");
			for (const char *c = f[i].note; *c; c++)
				if (*c == '"' || *c == '\\')
					printf("\\%c", *c);
				else
					putchar(*c);
			printf("\"}");
		}
		printf("]}\n");
		return;
	}
	if (!strcmp(format, "csv")) {
		printf("figure,value,unit,note\n");
		for (unsigned i = 0; i < n; i++) {
			printf("\"%s\",", f[i].name);
			if (f[i].value >= 0)
				printf("%.4f", f[i].value);
			printf(",%s,\"", f[i].unit);
			for (const char *c = f[i].note; *c; c++)
				printf(*c == '"' ? "\"\"" : "%c", *c);
			printf("\"\n");
		}
		return;
	}
	printf("lucid bench record: %s\n", what);
	for (unsigned i = 0; i < n; i++) {
		if (f[i].value >= 0)
			printf("  %-26s %12.3f %-10s %s\n", f[i].name,
			       f[i].value, f[i].unit, f[i].note);
		else
			printf("  %-26s %12s %-10s %s\n", f[i].name, "-",
			       f[i].unit, f[i].note);
	}
}

enum { F_LIVE, F_REC, F_RATIO, F_REC1, F_IDLE, F_TYPE, F_SNAP, F_REPLAY, F_RSPEED,
       F_RSTEP, F_N };

int bench_record(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "runs", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table";
	unsigned runs = 3;
	struct wl w = { .image = REC_IMAGE };
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			w.image = optarg;
			break;
		case 'r':
			if (cli_parse_uint(optarg, 1, 100, &runs)) {
				fprintf(stderr, "lucid: --runs %s: want 1 to 100\n",
					optarg);
				return 1;
			}
			break;
		case 'f':
			if (!bench_format_ok(optarg))
				return 1;
			format = optarg;
			break;
		case 'h':
			fputs(usage_record, stdout);
			return 0;
		default:
			fprintf(stderr, "lucid: bench record: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}
	ssize_t k = readlink("/proc/self/exe", w.exe, sizeof(w.exe) - 1);
	if (k <= 0) {
		fprintf(stderr, "lucid: bench record: cannot find this binary\n");
		return 1;
	}
	w.exe[k] = 0;
	if (!peer_make_workdir("record", w.dir, sizeof(w.dir)))
		return 1;

	static const char *const dos[] = {
		"run", "--cpu", "pentium2", "--mhz", "25", "--bios", DEMO_SEABIOS,
		"--serial", "none", "--speed", "max", "--timeout", "300s",
		"--rtc", "2000-01-01T00:00:00", "--until-serial", REC_MARKER,
	};
	static const char *const demo[] = {
		"run", "--demo", "--bios", "builtin", "--serial", "none",
		"--speed", "max", "--timeout", "60s",
		"--rtc", "2000-01-01T00:00:00",
	};
	w.dos = access(w.image, R_OK) == 0 && demo_seabios_installed();
	const char *const *b = w.dos ? dos : demo;
	unsigned nb = w.dos ? sizeof(dos) / sizeof(dos[0])
			    : sizeof(demo) / sizeof(demo[0]);
	for (unsigned i = 0; i < nb; i++)
		w.base[w.nbase++] = b[i];
	if (w.dos) {
		w.base[w.nbase++] = "--fda";
		w.base[w.nbase++] = w.image;
	}
	char what[4300];
	snprintf(what, sizeof(what), "%s",
		 w.dos ? "FreeDOS (freedos-serial.img) to FREEDOS-DONE, Pentium II 25 MHz, interpreter"
		       : "built-in demo (FreeDOS image or SeaBIOS absent)");

	struct fig f[F_N] = {
		[F_LIVE] = { "live run", -1, "ms", "" },
		[F_REC] = { "recorded run", -1, "ms", "" },
		[F_RATIO] = { "recording overhead", -1, "x", "" },
		[F_REC1] = { "recorded, 1 s snapshots", -1, "ms", "" },
		[F_IDLE] = { "trace rate, idle", -1, "B/guest-s", "" },
		[F_TYPE] = { "trace rate, typing", -1, "B/guest-s", "" },
		[F_SNAP] = { "snapshot size", -1, "KiB", "" },
		[F_REPLAY] = { "replay", -1, "ms", "" },
		[F_RSPEED] = { "replay speed vs live", -1, "x", "" },
		[F_RSTEP] = { "reverse-step latency", -1, "ms", "" },
	};
	char tp[4200];
	snprintf(tp, sizeof(tp), "%s/boot.lrt", w.dir);
	char tp0[4200];
	snprintf(tp0, sizeof(tp0), "%s/boot-default.lrt", w.dir);
	const char *rec0_args[] = { "--record", tp0 };
	const char *rec_args[] = { "--record", tp, "--snapshot-every-s", "1" };

	f[F_LIVE].value = time_run(&w, NULL, 0, runs, "live", f[F_LIVE].note,
				   sizeof(f[F_LIVE].note));
	f[F_REC].value = time_run(&w, rec0_args, 2, runs, "record",
				  f[F_REC].note, sizeof(f[F_REC].note));
	if (f[F_REC].value >= 0)
		snprintf(f[F_REC].note, sizeof(f[F_REC].note),
			 "--record (defaults: checkpoints every 100 ms, snapshots every 5 s); fastest of %u",
			 runs);
	f[F_REC1].value = time_run(&w, rec_args, 4, runs, "record1",
				   f[F_REC1].note, sizeof(f[F_REC1].note));
	if (f[F_REC1].value >= 0 && f[F_LIVE].value > 0)
		snprintf(f[F_REC1].note, sizeof(f[F_REC1].note),
			 "--snapshot-every-s 1 (the trace replayed and sought below): %.3fx live",
			 f[F_REC1].value / f[F_LIVE].value);
	if (f[F_LIVE].value >= 0)
		snprintf(f[F_LIVE].note, sizeof(f[F_LIVE].note),
			 "fastest of %u", runs);
	if (f[F_LIVE].value > 0 && f[F_REC].value >= 0) {
		f[F_RATIO].value = f[F_REC].value / f[F_LIVE].value;
		snprintf(f[F_RATIO].note, sizeof(f[F_RATIO].note),
			 "recorded / live (goal <= 1.05)");
	}

	struct trace_summary sum;
	char err[512];
	bool have_trace = f[F_REC1].value >= 0 &&
			  !trace_verify(tp, &sum, err, sizeof(err));
	if (have_trace && !sum.snapshots)
		snprintf(f[F_SNAP].note, sizeof(f[F_SNAP].note),
			 "none: the run is shorter than 1 guest-s");
	if (have_trace && sum.snapshots) {
		f[F_SNAP].value = sum.snapshot_bytes / 1024.0 / sum.snapshots;
		snprintf(f[F_SNAP].note, sizeof(f[F_SNAP].note),
			 "state image per snapshot (%llu in %.2f guest-s)",
			 (unsigned long long)sum.snapshots, sum.end_vtime / 1e9);
	}

	/* Idle and typing: the rate beyond the boot, i.e. the size and
	 * guest time of each session minus a session that quits at the
	 * marker. */
	if (w.dos) {
		long long b0, b1, b2;
		double g0, g1, g2;
		char n0[160] = "";
		if (session(&w, "s-boot", "wait-serial \"" REC_MARKER "\"\nquit\n",
			    &b0, &g0, n0, sizeof(n0))) {
			if (session(&w, "s-idle",
				    "wait-serial \"" REC_MARKER "\"\nwait 5s\nquit\n",
				    &b1, &g1, f[F_IDLE].note,
				    sizeof(f[F_IDLE].note)) && g1 > g0) {
				f[F_IDLE].value = (b1 - b0) / (g1 - g0);
				snprintf(f[F_IDLE].note, sizeof(f[F_IDLE].note),
					 "at the prompt for %.2f guest-s (checkpoints every 100 ms, no snapshots)",
					 g1 - g0);
			}
			if (session(&w, "s-type",
				    "wait-serial \"" REC_MARKER "\"\n"
				    "type \"dir\\n\"\ntype \"echo hello, world\\n\"\n"
				    "type \"ver\\n\"\ntype \"rem the quick brown fox\\n\"\n"
				    "wait 1s\nquit\n",
				    &b2, &g2, f[F_TYPE].note,
				    sizeof(f[F_TYPE].note)) && g2 > g0) {
				f[F_TYPE].value = (b2 - b0) / (g2 - g0);
				snprintf(f[F_TYPE].note, sizeof(f[F_TYPE].note),
					 "4 typed lines over %.2f guest-s (key events + checkpoints)",
					 g2 - g0);
			}
		} else {
			snprintf(f[F_IDLE].note, sizeof(f[F_IDLE].note), "%s", n0);
			snprintf(f[F_TYPE].note, sizeof(f[F_TYPE].note), "%s", n0);
		}
	} else {
		snprintf(f[F_IDLE].note, sizeof(f[F_IDLE].note),
			 "needs the FreeDOS image and SeaBIOS");
		snprintf(f[F_TYPE].note, sizeof(f[F_TYPE].note),
			 "needs the FreeDOS image and SeaBIOS");
	}

	if (have_trace) {
		const char *rargs[] = { "replay", tp, "--serial", "none" };
		double best = -1;
		for (unsigned r = 0; r < runs; r++) {
			double ms = run_child(&w, rargs, 4, "replay",
					      f[F_REPLAY].note,
					      sizeof(f[F_REPLAY].note));
			if (ms < 0) {
				best = -1;
				break;
			}
			if (best < 0 || ms < best)
				best = ms;
		}
		f[F_REPLAY].value = best;
		if (best >= 0)
			snprintf(f[F_REPLAY].note, sizeof(f[F_REPLAY].note),
				 "lucid replay of the recorded run, verified; fastest of %u",
				 runs);
		if (best > 0 && f[F_LIVE].value > 0) {
			f[F_RSPEED].value = f[F_LIVE].value / best;
			snprintf(f[F_RSPEED].note, sizeof(f[F_RSPEED].note),
				 "live / replay wall time (> 1: replay is faster)");
		}
		double seek_ms = 0;
		reverse_step(tp, &f[F_RSTEP], &seek_ms);
	} else {
		const char *why = f[F_REC1].value < 0 ? "no recording"
						      : err;
		snprintf(f[F_REPLAY].note, sizeof(f[F_REPLAY].note), "%.150s", why);
		snprintf(f[F_RSTEP].note, sizeof(f[F_RSTEP].note), "%.150s", why);
	}
	print_figs(f, F_N, format, what);
	/* The work directory holds only our own files. */
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w.dir);
	if (system(cmd))
		fprintf(stderr, "lucid: bench record: could not remove %s\n",
			w.dir);
	return 0;
}
