/* core/bench_dos.c: `lucid bench dos`: wall-clock time for FreeDOS to boot
 * to its prompt on Lucid, QEMU (TCG) and Bochs: the same floppy image, one
 * run each. The finish line is the same for all three: COM1 printing the
 * marker that the image's AUTOEXEC.BAT sends last (freedos-serial.img:
 * "FREEDOS-DONE"). Lucid runs in-process; the peers are child processes
 * with COM1 in a file that we poll, killed once the marker is there.
 * Figures are printed, never asserted. */
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

#define BENCH_DOS_IMAGE "../shared/testdata/freedos/freedos-serial.img"
#define BENCH_DOS_MARKER "FREEDOS-DONE"
#define BENCH_DOS_TIMEOUT_MS 120000u
#define BOCHS_BIOS "/usr/share/bochs/BIOS-bochs-latest"
#define BOCHS_VGA "/usr/share/bochs/VGABIOS-lgpl-latest"

static const char usage_dos[] =
	"Usage: lucid bench dos [options]\n"
	"\n"
	"Boots FreeDOS from a floppy to its prompt on Lucid (interpreter,\n"
	"SeaBIOS), QEMU (qemu-system-i386 -accel tcg) and Bochs, one run each,\n"
	"and prints the wall-clock time until COM1 shows the marker that the\n"
	"image prints from AUTOEXEC.BAT. Peers come from `make bench-deps`.\n"
	"\n"
	"  --image FILE       floppy image (default " BENCH_DOS_IMAGE ")\n"
	"  --marker TEXT      COM1 text that means \"at the prompt\"\n"
	"                     (default " BENCH_DOS_MARKER ")\n"
	"  --mhz N            Lucid's Pentium II clock (default: the model's)\n"
	"  --format table|json|csv   output format (default table)\n";

enum { DOS_LUCID, DOS_QEMU, DOS_BOCHS, DOS_N };

static void dos_lucid(struct peer_result *r, const char *image,
		      const char *marker, unsigned mhz)
{
	const struct cpu_model *cpu = cpu_model_find("pentium2");
	struct machine_config cfg = {
		.cpu = cpu,
		.mhz = mhz ? mhz : cpu->default_mhz,
		.mem_size = 16u << 20,
		.bios = DEMO_SEABIOS,
		.accel = "interp",
		.serial = "none",
		.until_serial = marker,
		.timeout_ms = BENCH_DOS_TIMEOUT_MS,
		.rtc_start = 0,
		.speed_max = true,
		.fda = image,
		.vga = "std",
	};
	static char what[64];
	struct machine m;
	char err[256];

	snprintf(what, sizeof(what), "interpreter, Pentium II %u MHz",
		 cfg.mhz);
	r->what = what;
	if (!demo_seabios_installed()) {
		snprintf(r->note, sizeof(r->note),
			 "SeaBIOS not installed (make deps)");
		return;
	}
	double t0 = peer_now_ms();
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		snprintf(r->note, sizeof(r->note), "%.90s", err);
		return;
	}
	int rc = machine_run(&m);
	double t1 = peer_now_ms();
	if (rc == MACHINE_EXIT_OK && strstr(m.exit_reason, "serial port"))
		r->ms = t1 - t0;
	else
		snprintf(r->note, sizeof(r->note), "failed: %.80s",
			 m.exit_reason);
	machine_destroy(&m);
}

static void dos_qemu(struct peer_result *r, const char *image,
		     const char *marker, const char *dir)
{
	char com1[4200], serial[4300], drive[4300];

	r->what = "qemu-system-i386 -accel tcg, pentium2";
	if (!peer_on_path("qemu-system-i386")) {
		snprintf(r->note, sizeof(r->note),
			 "not installed (make bench-deps)");
		return;
	}
	snprintf(com1, sizeof(com1), "%s/qemu-com1.txt", dir);
	snprintf(serial, sizeof(serial), "file:%s", com1);
	snprintf(drive, sizeof(drive),
		 "if=floppy,format=raw,readonly=on,file=%s", image);
	char *const argv[] = {
		"qemu-system-i386", "-accel", "tcg", "-cpu", "pentium2",
		"-m", "16", "-display", "none", "-monitor", "none",
		"-serial", serial, "-drive", drive, "-boot", "a",
		"-no-reboot", NULL,
	};
	peer_run_until(argv, com1, marker, BENCH_DOS_TIMEOUT_MS, &r->ms,
		       r->note, sizeof(r->note));
}

static void dos_bochs(struct peer_result *r, const char *image,
		      const char *marker, const char *dir)
{
	char com1[4200], rc[4200], cmds[4200];

	r->what = "bochs, SDL2 dummy video";
	if (!peer_on_path("bochs") || access(BOCHS_BIOS, R_OK) ||
	    access(BOCHS_VGA, R_OK)) {
		snprintf(r->note, sizeof(r->note),
			 "not installed (make bench-deps)");
		return;
	}
	snprintf(com1, sizeof(com1), "%s/bochs-com1.txt", dir);
	snprintf(rc, sizeof(rc), "%s/bochsrc", dir);
	snprintf(cmds, sizeof(cmds), "%s/bochs-debugger", dir);
	/* Debian's Bochs has its debugger built in: it waits for "c". */
	FILE *c = fopen(cmds, "w");
	if (!c) {
		snprintf(r->note, sizeof(r->note), "cannot write a bochs file");
		return;
	}
	fputs("c\n", c);
	fclose(c);
	FILE *f = fopen(rc, "w");
	if (!f) {
		snprintf(r->note, sizeof(r->note), "cannot write the bochsrc");
		return;
	}
	fprintf(f,
		"megs: 16\n"
		"romimage: file=%s\n"
		"vgaromimage: file=%s\n"
		"floppya: 1_44=\"%s\", status=inserted, write_protected=1\n"
		"boot: floppy\n"
		"com1: enabled=1, mode=file, dev=\"%s\"\n"
		"display_library: sdl2\n"
		"speaker: enabled=0\n"
		"sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy\n"
		"clock: sync=none\n"
		"log: /dev/null\n"
		"panic: action=fatal\n"
		"error: action=ignore\n",
		BOCHS_BIOS, BOCHS_VGA, image, com1);
	fclose(f);
	/* No nogui library in Debian's build: SDL2 with its dummy driver. */
	char *const argv[] = { "env", "SDL_VIDEODRIVER=dummy", "bochs", "-q",
			       "-rc", cmds, "-f", rc, NULL };
	peer_run_until(argv, com1, marker, BENCH_DOS_TIMEOUT_MS, &r->ms,
		       r->note, sizeof(r->note));
	unlink(rc);
	unlink(cmds);
}

void bench_dos_rows(struct peer_result *res, const char *image,
		    const char *dir)
{
	char *abs = realpath(image, NULL);
	res[DOS_LUCID] = (struct peer_result){ .name = "lucid", .ms = -1 };
	res[DOS_QEMU] = (struct peer_result){ .name = "qemu", .ms = -1 };
	res[DOS_BOCHS] = (struct peer_result){ .name = "bochs", .ms = -1 };
	if (!abs) {
		for (unsigned k = 0; k < DOS_N; k++)
			snprintf(res[k].note, sizeof(res[k].note), "%s: %s",
				 image, strerror(errno));
		return;
	}
	dos_lucid(&res[DOS_LUCID], abs, BENCH_DOS_MARKER, 0);
	dos_qemu(&res[DOS_QEMU], abs, BENCH_DOS_MARKER, dir);
	dos_bochs(&res[DOS_BOCHS], abs, BENCH_DOS_MARKER, dir);
	free(abs);
}

int bench_dos(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "marker", required_argument, NULL, 'k' },
		{ "mhz", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *image = BENCH_DOS_IMAGE, *marker = BENCH_DOS_MARKER;
	const char *format = "table";
	unsigned mhz = 0;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
			image = optarg;
			break;
		case 'k':
			marker = optarg;
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
			fputs(usage_dos, stdout);
			return 0;
		default:
			fprintf(stderr, "lucid: bench dos: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}
	if (access(image, R_OK)) {
		fprintf(stderr, "lucid: bench dos: %s: %s (--image FILE)\n",
			image, strerror(errno));
		return 1;
	}
	char *abs = realpath(image, NULL); /* the peers get absolute paths */
	char dir[4096];
	if (!abs) {
		fprintf(stderr, "lucid: bench dos: %s: %s\n", image,
			strerror(errno));
		return 1;
	}
	if (!peer_make_workdir("dos", dir, sizeof(dir))) {
		free(abs);
		return 1;
	}

	struct peer_result res[DOS_N] = {
		[DOS_LUCID] = { .name = "lucid", .ms = -1 },
		[DOS_QEMU] = { .name = "qemu", .ms = -1 },
		[DOS_BOCHS] = { .name = "bochs", .ms = -1 },
	};
	dos_lucid(&res[DOS_LUCID], abs, marker, mhz);
	dos_qemu(&res[DOS_QEMU], abs, marker, dir);
	dos_bochs(&res[DOS_BOCHS], abs, marker, dir);
	char title[4200];
	snprintf(title, sizeof(title), "lucid bench dos: FreeDOS to the prompt, %s",
		 abs);
	peer_print_results(res, DOS_N, format, "dos", title);
	rmdir(dir);
	free(abs);
	return res[DOS_LUCID].ms >= 0 ? 0 : 1;
}
