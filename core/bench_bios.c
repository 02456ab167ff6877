/* core/bench_bios.c: `lucid bench bios`: wall-clock time from power-on to
 * SeaBIOS's "Booting from" line on Lucid and on QEMU (TCG), the same
 * firmware image on both, one run each. The finish line is the debug
 * console (port 0x402), which both machines provide. */
#include "core/bench.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bench_peer.h"
#include "core/cli.h"
#include "core/demo.h"
#include "core/machine.h"
#include "cpu/cpu.h"

#define BENCH_BIOS_MARKER "Booting from"
#define BENCH_BIOS_TIMEOUT_MS 120000u

static const char usage_bios[] =
	"Usage: lucid bench bios [options]\n"
	"\n"
	"Times SeaBIOS from power-on to its \"Booting from\" line on Lucid\n"
	"(interpreter) and on QEMU (qemu-system-i386 -accel tcg), the same\n"
	"firmware on both, one run each. QEMU comes from `make bench-deps`.\n"
	"\n"
	"  --bios FILE        firmware (default " DEMO_SEABIOS ")\n"
	"  --mhz N            Lucid's Pentium II clock (default: the model's)\n"
	"  --format table|json|csv   output format (default table)\n";

static void bios_lucid(struct peer_result *r, const char *bios, unsigned mhz)
{
	const struct cpu_model *cpu = cpu_model_find("pentium2");
	struct machine_config cfg = {
		.cpu = cpu,
		.mhz = mhz ? mhz : cpu->default_mhz,
		.mem_size = 16u << 20,
		.bios = bios,
		.accel = "interp",
		.serial = "none",
		.until_debugcon = BENCH_BIOS_MARKER,
		.timeout_ms = BENCH_BIOS_TIMEOUT_MS,
		.speed_max = true,
		.vga = "std",
	};
	static char what[64];
	struct machine m;
	char err[256];

	snprintf(what, sizeof(what), "interpreter, Pentium II %u MHz",
		 cfg.mhz);
	r->what = what;
	double t0 = peer_now_ms();
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		snprintf(r->note, sizeof(r->note), "%.90s", err);
		return;
	}
	int rc = machine_run(&m);
	double t1 = peer_now_ms();
	if (rc == MACHINE_EXIT_OK && strstr(m.exit_reason, "debug console"))
		r->ms = t1 - t0;
	else
		snprintf(r->note, sizeof(r->note), "failed: %.80s",
			 m.exit_reason);
	machine_destroy(&m);
}

static void bios_qemu(struct peer_result *r, const char *bios,
		      const char *dir)
{
	char log[4200], debugcon[4300];

	r->what = "qemu-system-i386 -accel tcg, pentium2";
	if (!peer_on_path("qemu-system-i386")) {
		snprintf(r->note, sizeof(r->note),
			 "not installed (make bench-deps)");
		return;
	}
	snprintf(log, sizeof(log), "%s/qemu-debugcon.txt", dir);
	snprintf(debugcon, sizeof(debugcon), "file:%s", log);
	char *const argv[] = {
		"qemu-system-i386", "-accel", "tcg", "-cpu", "pentium2",
		"-m", "16", "-display", "none", "-monitor", "none",
		"-bios", (char *)bios, "-debugcon", debugcon,
		/* SeaBIOS logs to QEMU's port 0x402, not debugcon's 0xE9. */
		"-global", "isa-debugcon.iobase=0x402", "-no-reboot", NULL,
	};
	peer_run_until(argv, log, BENCH_BIOS_MARKER, BENCH_BIOS_TIMEOUT_MS,
		       &r->ms, r->note, sizeof(r->note));
}

int bench_bios(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bios", required_argument, NULL, 'b' },
		{ "mhz", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bios = DEMO_SEABIOS, *format = "table";
	unsigned mhz = 0;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			bios = optarg;
			break;
		case 'm':
			if (!bench_mhz_ok(optarg, &mhz))
				return 1;
			break;
		case 'f':
			if (!bench_format_ok(optarg))
				return 1;
			format = optarg;
			break;
		case 'h':
			fputs(usage_bios, stdout);
			return 0;
		default:
			fprintf(stderr, "lucid: bench bios: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}
	char *abs = realpath(bios, NULL); /* QEMU gets an absolute path */
	if (!abs) {
		fprintf(stderr, "lucid: bench bios: %s: %s (--bios FILE)\n",
			bios, strerror(errno));
		return 1;
	}
	char dir[4096];
	if (!peer_make_workdir("bios", dir, sizeof(dir))) {
		free(abs);
		return 1;
	}
	struct peer_result res[2] = {
		{ .name = "lucid", .ms = -1 },
		{ .name = "qemu", .ms = -1 },
	};
	bios_lucid(&res[0], abs, mhz);
	bios_qemu(&res[1], abs, dir);
	char title[4200];
	snprintf(title, sizeof(title),
		 "lucid bench bios: SeaBIOS to \"Booting from\", %s", abs);
	peer_print_results(res, 2, format, "bios", title);
	rmdir(dir);
	free(abs);
	return res[0].ms >= 0 ? 0 : 1;
}
