/* core/bench_peer.c: running another emulator for a benchmark: find it on
 * PATH, start it with no stdio, poll the file its COM1 writes to for a
 * marker, kill it once the marker is there. (Apart from bench_dos.c
 * because <signal.h> and the machine's headers disagree on REG_*.) */
#include "core/bench_peer.h"

#include "core/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double peer_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

bool peer_on_path(const char *exe)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, exe);
		if (n && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* Does FILE contain TEXT yet? */
static bool file_has(const char *path, const char *text)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = 0;
	for (ssize_t i = 0; i < n; i++) /* NULs from the guest: skip them */
		if (!buf[i])
			buf[i] = ' ';
	return strstr(buf, text);
}

void peer_run_until(char *const argv[], const char *com1,
		    const char *marker, unsigned timeout_ms, double *ms,
		    char *note, size_t notelen)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	unlink(com1);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	double t0 = peer_now_ms();
	int e = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e) {
		snprintf(note, notelen, "cannot start: %s",
			 strerror(e));
		return;
	}
	for (;;) {
		if (file_has(com1, marker)) {
			*ms = peer_now_ms() - t0;
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			snprintf(note, notelen,
				 "exited before the marker (status %d)", status);
			unlink(com1);
			return;
		}
		if (peer_now_ms() - t0 > timeout_ms) {
			snprintf(note, notelen, "no marker in %u s",
				 timeout_ms / 1000);
			break;
		}
		struct timespec ts = { 0, 2000000 }; /* 2 ms */
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	unlink(com1);
}

static void peer_print_row(const struct peer_result *r, double ratio,
			   const char *format, bool first)
{
	if (!strcmp(format, "csv")) {
		printf("%s,\"%s\",", r->name, r->what);
		if (r->ms >= 0)
			printf("%.1f", r->ms);
		printf(",");
		if (ratio >= 0)
			printf("%.3f", ratio);
		printf(",%s\n", r->note);
	} else if (!strcmp(format, "json")) {
		printf("%s{\"emulator\":\"%s\",\"how\":\"%s\",", first ? "" : ",",
		       r->name, r->what);
		if (r->ms >= 0)
			printf("\"ms\":%.1f,", r->ms);
		else
			printf("\"ms\":null,");
		if (ratio >= 0)
			printf("\"vs_lucid\":%.3f,", ratio);
		else
			printf("\"vs_lucid\":null,");
		printf("\"note\":\"%s\"}", r->note);
	} else if (r->ms >= 0) {
		printf("  %-8s %-40s %10.1f", r->name, r->what, r->ms);
		if (ratio >= 0)
			printf(" %8.2fx\n", ratio);
		else
			printf(" %9s\n", "-");
	} else {
		printf("  %-8s %-40s %s\n", r->name, r->what, r->note);
	}
}

void peer_print_results(const struct peer_result *res, unsigned n,
			const char *format, const char *bench,
			const char *title)
{
	double base = res[0].ms;

	if (!strcmp(format, "csv"))
		printf("emulator,how,ms,vs_lucid,note\n");
	else if (!strcmp(format, "json"))
		printf("{\"bench\":\"%s\",\"results\":[", bench);
	else
		printf("%s\n  %-8s %-40s %10s %9s\n", title, "emulator", "how",
		       "ms", "vs Lucid");
	for (unsigned i = 0; i < n; i++) {
		double ratio = res[i].ms >= 0 && base > 0 ? res[i].ms / base : -1;
		peer_print_row(&res[i], ratio, format, i == 0);
	}
	if (!strcmp(format, "json"))
		printf("]}\n");
}

bool bench_format_ok(const char *arg)
{
	if (!strcmp(arg, "table") || !strcmp(arg, "json") || !strcmp(arg, "csv"))
		return true;
	fprintf(stderr, "lucid: --format %s: want table, json or csv\n", arg);
	return false;
}

bool bench_mhz_ok(const char *arg, unsigned *mhz)
{
	if (!cli_parse_uint(arg, 1, 10000, mhz))
		return true;
	fprintf(stderr, "lucid: --mhz %s: want 1 to 10000\n", arg);
	return false;
}

bool peer_make_workdir(const char *what, char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, len, "%s/lucid-bench-%s-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", what);
	if (mkdtemp(dir))
		return true;
	fprintf(stderr, "lucid: bench %s: %s: %s\n", what, dir, strerror(errno));
	return false;
}
