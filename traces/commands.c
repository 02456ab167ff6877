/* traces/commands.c: `lucid replay` and `lucid trace info|verify`. */
#include "traces/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "accel/backend.h"
#include "core/cli.h"
#include "core/machine.h"
#include "traces/checkpoint.h"
#include "traces/gdbstub.h"
#include "traces/config.h"
#include "traces/replay.h"
#include "traces/trace.h"

static const char usage_replay[] =
	"Usage: lucid replay FILE.lrt [options]\n"
	"\n"
	"Rebuild the machine a trace was recorded on (lucid run --record) and\n"
	"run it again, feeding it the recorded input instead of the host's and\n"
	"checking every checkpoint's state hashes. The BIOS and other files the\n"
	"recording names must still have the same content (SHA-256).\n"
	"\n"
	"Options:\n"
	"  --speed max|100%   run flat out (default), or pace to real time\n"
	"  --timeout TIME     wall-clock limit, e.g. 30s (exit 124)\n"
	"  --serial TARGET    COM1 output: stdio, file:PATH, none (default:\n"
	"                     stdio if the recording used stdio, else none)\n"
	"  --debugcon TARGET  port 0x402 output: stdio or a file (default:\n"
	"                     stdio if the recording used stdio, else none)\n"
	"  --until ICOUNT     stop exactly after ICOUNT retired instructions and\n"
	"                     print the state hash there (exit 0; 1 if the\n"
	"                     recording ends first). An instruction is one\n"
	"                     executed instruction or exception; a REP string\n"
	"                     instruction counts once per pass (again after\n"
	"                     each yield to an interrupt or deadline)\n"
	"  --partial          replay a trace whose recording was interrupted\n"
	"                     (no end record: Lucid was killed) up to its\n"
	"                     last complete checkpoint, verifying on the way\n"
	"  --full-hash        hash all of RAM and video memory at every\n"
	"                     checkpoint instead of the pages written since\n"
	"                     the last one (slower; checks the dirty-page\n"
	"                     tracking that recordings rely on)\n"
	"  --gdb 127.0.0.1:PORT  gdb remote stub (loopback only; port 0 picks\n"
	"                     one). The replay waits for gdb before its first\n"
	"                     instruction (or at --until). Registers, memory,\n"
	"                     breakpoints, watchpoints, stepping, and in\n"
	"                     reverse: reverse-stepi, reverse-continue and\n"
	"                     reverse-finish (with a symbol file) seek\n"
	"                     (restore the nearest snapshot, run forward to\n"
	"                     the instruction). Output the guest writes again\n"
	"                     while re-running after a seek is written again\n"
	"\n"
	"Exit codes: 0 the replay matched the recording (final instruction\n"
	"count, state hash and exit reason), 1 unusable trace or setup error,\n"
	"2 divergence (the line says when, at which instruction and which\n"
	"state sections differ), 124 --timeout.\n";

static const char usage_trace[] =
	"Usage: lucid trace info FILE.lrt    machine, duration, events, checkpoints,\n"
	"                                    snapshots\n"
	"       lucid trace verify FILE.lrt  check the whole file's structure\n"
	"                                    without running it (exit 0 or 1)\n"
	"       lucid trace diff A.lrt B.lrt the first checkpoint where two traces\n"
	"                                    of one machine differ, and which state\n"
	"                                    fields (or sections) differ there\n"
	"                                    (exit 0 same, 2 differ)\n";

enum { OPT_SPEED = 256, OPT_TIMEOUT, OPT_SERIAL, OPT_DEBUGCON, OPT_UNTIL,
       OPT_GDB, OPT_PARTIAL, OPT_FULL_HASH };

static const struct option replay_options[] = {
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "debugcon", required_argument, NULL, OPT_DEBUGCON },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "full-hash", no_argument, NULL, OPT_FULL_HASH },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "lucid: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

int replay_main(int argc, char **argv)
{
	const char *path = NULL, *serial = NULL, *debugcon = NULL, *gdb = NULL;
	uint64_t until = UINT64_MAX;
	bool speed_max = true, partial = false, full_hash = false;
	uint64_t timeout_ms = 0;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", replay_options, NULL)) != -1) {
		switch (opt) {
		case OPT_SPEED:
			if (strcmp(optarg, "max") && strcmp(optarg, "100%"))
				return fail("--speed %s: want max or 100%%", optarg);
			speed_max = !strcmp(optarg, "max");
			break;
		case OPT_TIMEOUT:
			if (cli_parse_duration_ms(optarg, &timeout_ms) ||
			    !timeout_ms)
				return fail("--timeout %s: want a duration such as 30s or 500ms",
					    optarg);
			break;
		case OPT_SERIAL:
			/* Input comes from the trace: only output targets. */
			if (!strncmp(optarg, "tcp:", 4))
				return fail("--serial %s: a replay takes COM1 input from the trace; use stdio, file:PATH or none",
					    optarg);
			serial = optarg;
			break;
		case OPT_DEBUGCON:
			debugcon = optarg;
			break;
		case OPT_UNTIL: {
			char *end;
			errno = 0;
			until = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || errno ||
			    until == UINT64_MAX)
				return fail("--until %s: want an instruction count",
					    optarg);
			break;
		}
		case OPT_GDB:
			gdb = optarg;
			break;
		case OPT_PARTIAL:
			partial = true;
			break;
		case OPT_FULL_HASH:
			full_hash = true;
			break;
		case 'h':
			fputs(usage_replay, stdout);
			return 0;
		default:
			return fail("replay: unknown or incomplete option '%s' (see lucid replay --help)",
				    argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return fail("%s", optind < argc ? "replay: one trace file, please"
						: "replay: which trace? (lucid replay FILE.lrt)");
	path = argv[optind];

	struct trace_summary sum;
	char err[512];
	struct replay *rp = replay_open(path, partial, &sum, err, sizeof(err));
	if (!rp)
		return fail("%s", err);
	struct machine_config cfg;
	const struct trace_header *h = replay_header(rp);
	if (trace_config_to_machine(h, &cfg, path, err, sizeof(err))) {
		replay_close(rp);
		return fail("%s", err);
	}
	/* Output goes where it went if that was the terminal; files and
	 * sockets are not reopened unless asked. */
	if (!serial)
		serial = cfg.serial && !strcmp(cfg.serial, "stdio") ? "stdio"
								   : "none";
	cfg.serial = serial;
	if (!debugcon)
		debugcon = cfg.debugcon && !strcmp(cfg.debugcon, "stdio")
				   ? "stdio" : NULL;
	cfg.debugcon = debugcon;
	/* Network frames come from the trace: no slirp, no host sockets. */
	cfg.net = "none";
	cfg.speed_max = speed_max;
	cfg.timeout_ms = timeout_ms;

	struct machine m;
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		replay_close(rp);
		return fail("%s", err);
	}
	if (trace_config_check_sections(h, &m.state, path, err, sizeof(err))) {
		machine_destroy(&m);
		replay_close(rp);
		return fail("%s", err);
	}
	m.replay = rp;
	m.state.hash_full = full_hash;
	/* Under gdb, --until is only where the machine first waits. */
	if (until != UINT64_MAX && !gdb) {
		struct backend_debug d = { .icount_limit = until };
		replay_set_until(rp, until);
		m.backend->set_debug(m.backend_priv, &d);
	}
	if (gdb && (replay_snapshot_start(rp, &m, err, sizeof(err)) ||
		    gdb_start(&m, gdb, until == UINT64_MAX ? 0 : until, err,
			      sizeof(err)))) {
		machine_destroy(&m);
		replay_close(rp);
		return fail("%s", err);
	}
	machine_run(&m);
	gdb_finish(&m);
	fflush(stdout);
	int rc = replay_finish(rp, &m, stderr);
	machine_destroy(&m);
	replay_close(rp);
	return rc;
}

static const char *hget(const struct trace_header *h, const char *key,
			const char *dflt)
{
	const char *v = trace_header_get(h, key);
	return v ? v : dflt;
}

static int trace_info(const char *path)
{
	struct trace_summary sum;
	char err[512];
	struct stat st;

	bool incomplete = false;
	if (trace_verify(path, &sum, err, sizeof(err))) {
		if (!sum.incomplete)
			return fail("%s", err);
		incomplete = true;
	}
	struct trace_reader *r = trace_open(path, err, sizeof(err));
	if (!r)
		return fail("%s", err);
	const struct trace_header *h = trace_header(r);

	printf("trace:       %s, %lld bytes, format %u, recorded by lucid %s\n",
	       path, stat(path, &st) ? -1ll : (long long)st.st_size,
	       h->version, hget(h, "lucid", "?"));
	printf("machine:     ");
	trace_config_print_options(h, stdout);
	printf("firmware:    %s, sha256 %s\n",
	       hget(h, "bios", "built-in demo ROM"), hget(h, "bios-sha256", "?"));
	if (incomplete) {
		char what[160];
		replay_describe_incomplete(&sum, what, sizeof(what));
		printf("%s\n", what);
		printf("duration:    %.3f ms of guest time so far; last checkpoint at %.3f ms, instruction %llu\n",
		       sum.last_vtime / 1e6, sum.last_ck_vtime / 1e6,
		       (unsigned long long)sum.last_ck.icount);
	} else {
		printf("duration:    %.3f ms of guest time, %llu instructions\n",
		       sum.end_vtime / 1e6,
		       (unsigned long long)sum.end.end.ck.icount);
	}
	printf("events:     ");
	for (unsigned t = 1; t < TRACE_EVENT_TYPES; t++)
		printf(" %s %llu%s", trace_type_name(t),
		       (unsigned long long)sum.events[t],
		       t + 1 < TRACE_EVENT_TYPES ? "," : "\n");
	printf("input bytes: serial %llu\n",
	       (unsigned long long)sum.event_bytes[TRACE_REC_SERIAL]);
	printf("checkpoints: %llu (every %s ms of guest time), %u state sections\n",
	       (unsigned long long)sum.checkpoints,
	       hget(h, "checkpoint-ms", "?"),
	       incomplete ? sum.last_ck.nsec : sum.end.end.ck.nsec);
	printf("snapshots:   %llu (%llu KiB of state)\n",
	       (unsigned long long)sum.snapshots,
	       (unsigned long long)(sum.snapshot_bytes >> 10));
	struct trace_record rec;
	unsigned k = 0;
	while (k < sum.snapshots &&
	       trace_read_record(r, &rec, err, sizeof(err)) > 0)
		if (rec.type == TRACE_REC_SNAPSHOT)
			printf("  snapshot %u: %.3f ms of guest time, instruction %llu, %u KiB\n",
			       ++k, rec.vtime / 1e6,
			       (unsigned long long)rec.end.ck.icount,
			       (rec.len - 8) >> 10);
	if (incomplete)
		printf("end:         none (lucid replay --partial replays up to the last checkpoint)\n");
	else
		printf("end:         exit %d: %s; final hash %016llx\n",
		       sum.end.end.exit_code, sum.end.end.reason,
		       (unsigned long long)sum.end.end.ck.hash);
	trace_close_reader(r);
	return 0;
}

/* The next checkpoint or end record: 1, 0 at the end, -1 on error. */
static int next_check(struct trace_reader *r, struct trace_record *rec,
		      char *err, size_t errlen)
{
	int rc;

	while ((rc = trace_read_record(r, rec, err, errlen)) > 0)
		if (rec->type == TRACE_REC_CHECKPOINT || rec->type == TRACE_REC_END)
			return 1;
	return rc;
}

/* Section i's name from the header's list (RAM is the last). */
static void section_name(const struct trace_header *h, unsigned i, char *out,
			 size_t outlen)
{
	const char *p = hget(h, "sections", "");

	for (; i && *p; p++)
		i -= *p == ',';
	size_t n = strcspn(p, ",");
	snprintf(out, outlen, "%.*s", (int)n, *p ? p : "ram");
}

/* The names of one group of the header's "fields" list: the fields of a
 * section, ',' between them, ';' ending the group. */
static unsigned group_len(const char *p)
{
	unsigned n = 0;

	if (!*p || *p == ';')
		return 0;
	for (n = 1; *p && *p != ';'; p++)
		n += *p == ',';
	return n;
}

static const char *group_next(const char *p)
{
	p += strcspn(p, ";");
	return *p ? p + 1 : p;
}

static unsigned fields_count(const char *p)
{
	unsigned n = 0;

	for (;;) {
		n += group_len(p);
		if (!*(p += strcspn(p, ";")))
			return n;
		p++;
	}
}

/* Printed names: at most 10, then a count. */
struct diff_names {
	const char *sep;
	unsigned shown, more;
};

static void diff_name(struct diff_names *dn, const char *sec, const char *f,
		      size_t flen)
{
	if (dn->shown == 10) {
		dn->more++;
		return;
	}
	printf("%s%s%s%.*s", dn->sep, sec, f ? "." : "", (int)flen,
	       f ? f : "");
	dn->sep = ", ";
	dn->shown++;
}

/* The k-th name of the group at p (k < group_len). */
static const char *group_name(const char *p, unsigned k, size_t *len)
{
	while (k--)
		p += strcspn(p, ",;") + 1;
	*len = strcspn(p, ",;");
	return p;
}

/* What differs between two checkpoints of one machine: the fields whose
 * hashes differ when both headers list the same fields and the
 * checkpoints carry their hashes (format 2 on), else the sections. A
 * section that differs only in fields too big to hash alone (hash 0 in
 * both) names those. */
static void diff_sections(struct diff_names *dn, const struct trace_header *ha,
			  const struct trace_header *hb,
			  const struct trace_checkpoint *a,
			  const struct trace_checkpoint *b)
{
	const char *fl = hget(ha, "fields", NULL);
	const char *flb = hget(hb, "fields", NULL);
	bool fields = fl && flb && !strcmp(fl, flb) && a->nfield &&
		      a->nfield == b->nfield && fields_count(fl) == a->nfield;
	const char *p = fields ? fl : "";
	unsigned fi = 0;

	for (unsigned i = 0; i < a->nsec && i < b->nsec; i++) {
		char name[64];
		unsigned n = group_len(p), named = 0;
		size_t len;

		section_name(ha, i, name, sizeof(name));
		for (unsigned pass = 0; a->sec_hash[i] != b->sec_hash[i] &&
					pass < 2 && !named; pass++)
			for (unsigned k = 0; k < n; k++) {
				uint32_t x = a->field_hash[fi + k];
				uint32_t y = b->field_hash[fi + k];
				if (pass ? x || y : x == y)
					continue;
				const char *f = group_name(p, k, &len);
				diff_name(dn, name, f, len);
				named++;
			}
		if (a->sec_hash[i] != b->sec_hash[i] && !named)
			diff_name(dn, name, NULL, 0);
		fi += n;
		p = group_next(p);
	}
}

static int trace_diff(const char *a, const char *b)
{
	char err[512];
	struct trace_reader *ra = NULL, *rb = NULL;
	struct trace_record x, y;
	int rc = 1;

	if (!(ra = trace_open(a, err, sizeof(err))) ||
	    !(rb = trace_open(b, err, sizeof(err)))) {
		fail("%s", err);
		goto out;
	}
	if (strcmp(hget(trace_header(ra), "sections", ""),
		   hget(trace_header(rb), "sections", ""))) {
		fail("trace diff: %s", "the traces hash different state sections (not one machine)");
		goto out;
	}
	/* Not an error (a different --rtc is a different run), but the
	 * likely reason for what follows. */
	const struct trace_header *ha = trace_header(ra), *hb = trace_header(rb);
	const char *sep = "note: the recordings' options differ:";
	for (unsigned i = 0; i < ha->n; i++) {
		const char *v = trace_header_get(hb, ha->kv[i].key);
		if (!v || strcmp(v, ha->kv[i].value)) {
			printf("%s %s", sep, ha->kv[i].key);
			sep = ",";
		}
	}
	if (*sep == ',')
		printf("\n");
	if ((ha->version < 3) != (hb->version < 3))
		printf("note: formats %u and %u hash RAM and video memory differently: ram and vga.vram will differ\n",
		       ha->version, hb->version);
	for (uint64_t k = 1;; k++) {
		int na = next_check(ra, &x, err, sizeof(err));
		struct trace_checkpoint ck = x.end.ck;
		uint64_t vt = x.vtime;
		bool end_a = na > 0 && x.type == TRACE_REC_END;
		if (na < 0) {
			fail("%s", err);
			goto out;
		}
		int nb = next_check(rb, &y, err, sizeof(err));
		if (nb < 0) {
			fail("%s", err);
			goto out;
		}
		bool end_b = nb > 0 && y.type == TRACE_REC_END;
		if (!na || !nb)
			break;
		if (end_a != end_b || vt != y.vtime) {
			printf("traces differ at checkpoint %llu: %s at %.6f ms, %s at %.6f ms\n",
			       (unsigned long long)k, end_a ? "A ends" : "A checkpoints",
			       vt / 1e6, end_b ? "B ends" : "B checkpoints",
			       y.vtime / 1e6);
			rc = 2;
			goto out;
		}
		if (ck.hash != y.end.ck.hash || ck.icount != y.end.ck.icount) {
			printf("traces differ at %s %llu (%.3f ms of guest time): instruction %llu vs %llu; state differs in",
			       end_a ? "the end, checkpoint" : "checkpoint",
			       (unsigned long long)k, vt / 1e6,
			       (unsigned long long)ck.icount,
			       (unsigned long long)y.end.ck.icount);
			struct diff_names dn = { " ", 0, 0 };
			diff_sections(&dn, ha, hb, &ck, &y.end.ck);
			if (dn.more)
				printf(" (+%u more)", dn.more);
			const char *sep = dn.sep;
			printf("%s\n", *sep == ' ' ? " nothing (instruction count only)" : "");
			rc = 2;
			goto out;
		}
		if (end_a) {
			printf("traces agree: %llu checkpoints, final hash %016llx, %llu instructions\n",
			       (unsigned long long)k,
			       (unsigned long long)ck.hash,
			       (unsigned long long)ck.icount);
			rc = 0;
			goto out;
		}
	}
	fail("trace diff: %s", "a trace ends without an end record");
out:
	trace_close_reader(ra);
	trace_close_reader(rb);
	return rc;
}

int trace_main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_trace, stdout);
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "diff"))
		return trace_diff(argv[2], argv[3]);
	if (argc != 3 || (strcmp(argv[1], "info") && strcmp(argv[1], "verify"))) {
		fputs(usage_trace, stderr);
		return 1;
	}
	if (!strcmp(argv[1], "info"))
		return trace_info(argv[2]);

	struct trace_summary sum;
	char err[512];
	if (trace_verify(argv[2], &sum, err, sizeof(err))) {
		if (!sum.incomplete)
			return fail("%s", err);
		char what[160];
		replay_describe_incomplete(&sum, what, sizeof(what));
		printf("%s: %s\n", argv[2], what);
		printf("%s: readable: %llu complete records, %llu checkpoints (the last at %.3f ms of guest time, instruction %llu), %llu snapshots, %llu input events\n",
		       argv[2], (unsigned long long)sum.records,
		       (unsigned long long)sum.checkpoints,
		       sum.last_ck_vtime / 1e6,
		       (unsigned long long)sum.last_ck.icount,
		       (unsigned long long)sum.snapshots,
		       (unsigned long long)(sum.events[TRACE_REC_SERIAL] +
					    sum.events[TRACE_REC_KEY] +
					    sum.events[TRACE_REC_MOUSE] +
					    sum.events[TRACE_REC_NET]));
		fprintf(stderr, "lucid: %s\n", err);
		return 1;
	}
	printf("%s: OK: %llu records, %llu checkpoints, ends at %.3f ms of guest time (exit %d)\n",
	       argv[2], (unsigned long long)sum.records,
	       (unsigned long long)sum.checkpoints, sum.end_vtime / 1e6,
	       sum.end.end.exit_code);
	return 0;
}
