/* tests/conformance/sst.c: the SingleStepTests conformance runner's driver.
 *
 * sst-runner [-v] [--model 8086|286|...] [--limit N] [--max-fail N]
 *            [--fpu] [--skip-undefined] PATH...
 *
 * Walks files and directories, loads each directory's metadata.json and
 * revocation_list.txt, decides which tests to skip, and counts. Running and
 * comparing one test is sst_run.c; reading the files is sst_json.c.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cpu/cpu.h"
#include "tests/conformance/sst.h"

struct sst_stats {
	unsigned long passed, failed, skipped;
};

/* What the files of one directory share. */
struct sst_dir {
	char path[4096];
	bool valid;
	struct sst_meta meta;
	struct sst_revoked rev;
	enum sst_suite suite;
	struct sst_machine *mach; /* NULL: every file fails with why */
	char why[288];
};

struct sst_ctx {
	bool verbose, run_fpu, skip_undefined, stop;
	long limit, max_fail;
	const char *model_opt;
	struct sst_machine *mach[CPU_NMODELS];
	struct sst_dir dir;
	struct sst_test test;
	struct sst_stats total;
};

static enum sst_suite sst_suite_of_name(const char *s)
{
	if (!strcasecmp(s, "8086") || !strcasecmp(s, "8088"))
		return SST_SUITE_8086;
	if (!strcasecmp(s, "286") || !strcasecmp(s, "80286"))
		return SST_SUITE_286;
	return SST_SUITE_NONE;
}

static const struct cpu_model *sst_model_by_name(const char *s)
{
	switch (sst_suite_of_name(s)) {
	case SST_SUITE_8086:
		return cpu_model_get(CPU_8086);
	case SST_SUITE_286:
		return cpu_model_get(CPU_286);
	default:
		return cpu_model_find(s);
	}
}

/* ESC opcodes (status "fpu") are skipped unless --fpu: they are x87
 * instructions, outside what a CPU suite is meant to hold the CPU to.
 * "undefined" encodings run by default: the vectors record what the chip
 * does, deterministically (the 8086 ignores the reg field of 8F/C6/C7, the
 * 286 raises #UD), so an emulator can and should match them. */
static bool sst_should_skip(const struct sst_ctx *c,
			    const struct sst_opinfo *op)
{
	if (op->status == SST_ST_FPU)
		return !c->run_fpu;
	return op->status == SST_ST_UNDEFINED && c->skip_undefined;
}

/* --- files and directories ---------------------------------------------- */

static bool sst_over_fail_cap(const struct sst_ctx *c,
			      const struct sst_stats *st)
{
	return c->max_fail &&
	       c->total.failed + st->failed >= (unsigned long)c->max_fail;
}

static bool sst_stopping(struct sst_ctx *c)
{
	static const struct sst_stats none;
	if (sst_over_fail_cap(c, &none))
		c->stop = true;
	return c->stop;
}

static void sst_run_file(struct sst_ctx *c, const char *file)
{
	struct sst_stats st = { 0 };
	struct sst_file f;
	char err[320], key[16];

	if (!c->dir.mach) {
		printf("%s: %s\n", file, c->dir.why);
		c->total.failed++;
		return;
	}
	if (sst_file_open(&f, file, err, sizeof(err))) {
		printf("%s: %s\n", file, err);
		c->total.failed++;
		return;
	}
	for (long n = 0; !c->limit || n < c->limit; n++) {
		if (sst_over_fail_cap(c, &st)) {
			c->stop = true;
			break;
		}
		enum sst_next r = sst_file_next(&f, &c->test, err, sizeof(err));
		if (r == SST_NEXT_END)
			break;
		if (r == SST_NEXT_BAD || r == SST_NEXT_FATAL) {
			long k = r == SST_NEXT_BAD ? f.next - 1 : f.err_test;
			if (k >= 0)
				printf("%s: test %ld: %s\n", file, k, err);
			else
				printf("%s: %s\n", file, err);
			st.failed++;
			if (r == SST_NEXT_FATAL)
				break;
			continue;
		}
		const struct sst_test *t = &c->test;
		const struct sst_opinfo *op = sst_meta_lookup(
			&c->dir.meta, t->bytes, t->nbytes, key, sizeof(key));
		if (sst_should_skip(c, op) ||
		    sst_revoked_has(&c->dir.rev, t->hash)) {
			st.skipped++;
			continue;
		}
		switch (sst_run_test(c->dir.mach, c->dir.suite, t, op, key,
				     file, f.next - 1, c->verbose)) {
		case SST_PASS:
			st.passed++;
			break;
		case SST_FAIL:
			st.failed++;
			break;
		}
	}
	sst_file_close(&f);
	printf("%s: %lu passed, %lu failed", file, st.passed, st.failed);
	if (st.skipped)
		printf(", %lu skipped", st.skipped);
	printf("\n");
	c->total.passed += st.passed;
	c->total.failed += st.failed;
	c->total.skipped += st.skipped;
}

/* Load what a directory's files share: metadata, revocations, model. */
static void sst_dir_enter(struct sst_ctx *c, const char *dir)
{
	struct sst_dir *d = &c->dir;
	char path[4200], err[256];

	if (d->valid && !strcmp(d->path, dir))
		return;
	sst_revoked_free(&d->rev);
	snprintf(d->path, sizeof(d->path), "%s", dir);
	d->valid = true;
	d->mach = NULL;

	snprintf(path, sizeof(path), "%s/metadata.json", dir);
	int r = sst_meta_load(&d->meta, path, err, sizeof(err));
	if (r < 0) {
		printf("%s: %s\n", path, err);
		c->total.failed++;
	} else if (r > 0) {
		fprintf(stderr,
			"sst-runner: no %s: flags compared unmasked, "
			"no opcode statuses\n",
			path);
	}
	snprintf(path, sizeof(path), "%s/revocation_list.txt", dir);
	if (sst_revoked_load(&d->rev, path, err, sizeof(err)) < 0) {
		printf("%s: %s\n", path, err);
		c->total.failed++;
	}

	/* The suite decides how a test runs (one step, or up to HLT); the
	 * model only which CPU runs it. */
	const char *base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	d->suite = sst_suite_of_name(d->meta.cpu);
	if (d->suite == SST_SUITE_NONE)
		d->suite = sst_suite_of_name(base);
	const struct cpu_model *model =
		c->model_opt ? sst_model_by_name(c->model_opt) : NULL;
	if (d->suite == SST_SUITE_NONE && model)
		d->suite = model->id == CPU_8086 ? SST_SUITE_8086 :
						   SST_SUITE_286;
	if (d->suite == SST_SUITE_NONE) {
		snprintf(d->why, sizeof(d->why),
			 "cannot tell the suite's CPU (metadata cpu \"%s\"); "
			 "use --model",
			 d->meta.cpu);
		return;
	}
	if (!model)
		model = cpu_model_get(d->suite == SST_SUITE_8086 ? CPU_8086 :
								   CPU_286);
	if (!model) {
		snprintf(d->why, sizeof(d->why), "CPU model not available");
		return;
	}
	if (!c->mach[model->id])
		c->mach[model->id] =
			sst_machine_create(model, c->verbose, err, sizeof(err));
	d->mach = c->mach[model->id];
	if (!d->mach)
		snprintf(d->why, sizeof(d->why), "%s", err);
}

static bool sst_is_test_file(const char *name)
{
	size_t n = strlen(name);
	if (!strcmp(name, "metadata.json") || name[0] == '.')
		return false;
	return (n > 8 && !strcmp(name + n - 8, ".json.gz")) ||
	       (n > 5 && !strcmp(name + n - 5, ".json"));
}

static int sst_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void sst_run_dir(struct sst_ctx *c, const char *dir)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dh = opendir(dir);

	if (!dh) {
		printf("%s: cannot open: %s\n", dir, strerror(errno));
		c->total.failed++;
		return;
	}
	bool oom = false;
	while (!oom && (de = readdir(dh))) {
		if (!sst_is_test_file(de->d_name))
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 512;
			char **nn = realloc(names, nc * sizeof(*nn));
			if (!nn) {
				oom = true;
				break;
			}
			names = nn;
			cap = nc;
		}
		if (!(names[n] = strdup(de->d_name)))
			oom = true;
		else
			n++;
	}
	closedir(dh);
	if (oom) {
		printf("%s: out of memory listing the directory\n", dir);
		c->total.failed++;
	} else if (!n) {
		printf("%s: no *.json.gz or *.json test files\n", dir);
		c->total.failed++;
	}
	if (n)
		qsort(names, n, sizeof(*names), sst_cmp_names);
	sst_dir_enter(c, dir);
	for (size_t i = 0; i < n && !sst_stopping(c); i++) {
		char file[4400];
		snprintf(file, sizeof(file), "%s/%s", dir, names[i]);
		sst_run_file(c, file);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void sst_run_path(struct sst_ctx *c, const char *arg)
{
	char path[4096];
	struct stat sb;

	snprintf(path, sizeof(path), "%s", arg);
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	if (stat(path, &sb)) {
		printf("%s: cannot open: %s\n", path, strerror(errno));
		c->total.failed++;
		return;
	}
	if (S_ISDIR(sb.st_mode)) {
		sst_run_dir(c, path);
		return;
	}
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	sst_dir_enter(c, dir);
	sst_run_file(c, path);
}

/* --- main --------------------------------------------------------------- */

static void sst_help(FILE *out)
{
	fputs("usage: sst-runner [-v] [--model 8086|286|...] [--limit N]\n"
	      "                  [--max-fail N] [--fpu] [--skip-undefined] "
	      "PATH...\n"
	      "  PATH       a .json.gz or .json test file, or a directory of\n"
	      "             them; metadata.json and revocation_list.txt are\n"
	      "             read next to them\n"
	      "  -v         print each failing test with a register, flags\n"
	      "             and RAM diff\n"
	      "  --model M  the CPU model to run (default: the suite's)\n"
	      "  --limit N  run the first N tests of each file (0: all)\n"
	      "  --max-fail N      stop after N failures\n"
	      "  --fpu             also run ESC (status \"fpu\") opcodes\n"
	      "  --skip-undefined  skip status \"undefined\" opcodes\n"
	      "Skipped: \"fpu\" opcodes, tests in revocation_list.txt.\n"
	      "Exit status: 0 all passed, 1 a failure or bad input, "
	      "2 usage.\n",
	      out);
}

static bool sst_parse_count(const char *s, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return false;
	*out = v;
	return true;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "model", required_argument, NULL, 'm' },
		{ "limit", required_argument, NULL, 'l' },
		{ "max-fail", required_argument, NULL, 'f' },
		{ "fpu", no_argument, NULL, 'F' },
		{ "skip-undefined", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sst_ctx *c = calloc(1, sizeof(*c));
	int opt, rc;

	if (!c) {
		fprintf(stderr, "sst-runner: out of memory\n");
		return 2;
	}
	/* Line by line, so a CPU crash still shows how far the run got. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt_long(argc, argv, "vm:l:f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'v':
			c->verbose = true;
			break;
		case 'm':
			c->model_opt = optarg;
			break;
		case 'l':
		case 'f': {
			long *n = opt == 'l' ? &c->limit : &c->max_fail;
			if (!sst_parse_count(optarg, n)) {
				fprintf(stderr, "sst-runner: bad count '%s'\n",
					optarg);
				goto usage;
			}
			break;
		}
		case 'F':
			c->run_fpu = true;
			break;
		case 'U':
			c->skip_undefined = true;
			break;
		case 'h':
			sst_help(stdout);
			free(c);
			return 0;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	if (c->model_opt && !sst_model_by_name(c->model_opt)) {
		fprintf(stderr, "sst-runner: unknown CPU model '%s'\n",
			c->model_opt);
		goto usage;
	}

	for (int i = optind; i < argc && !sst_stopping(c); i++)
		sst_run_path(c, argv[i]);
	printf("%lu passed, %lu failed, %lu skipped\n", c->total.passed,
	       c->total.failed, c->total.skipped);
	rc = c->total.failed ? 1 : 0;

	for (int i = 0; i < CPU_NMODELS; i++)
		sst_machine_destroy(c->mach[i]);
	sst_revoked_free(&c->dir.rev);
	sst_test_free(&c->test);
	free(c);
	return rc;
usage:
	fprintf(stderr, "usage: sst-runner [-v] [--model M] [--limit N] "
			"[--max-fail N] [--fpu]\n"
			"                  [--skip-undefined] PATH...\n"
			"(sst-runner --help for more)\n");
	free(c);
	return 2;
}

