/* core/bench_compare.c: `lucid bench cpu --compare`: the same guest
 * workloads on Lucid's interpreter, qemu-system-i386 -accel tcg and Bochs,
 * in one run, with seconds and ratios per workload:
 *
 *   compute-rm   tests/bench/cpu-workload.asm (real mode, 8086 code)
 *   compute-pm   tests/bench/pm-workload.asm (32-bit, paging on)
 *   x87          tests/bench/fpu-workload.asm
 *   freedos      FreeDOS to the prompt (bench dos's rows)
 *   linux        Debian 686 bzImage + initrd to the busybox marker
 *                (QEMU: -kernel/-initrd/-append; Bochs cannot direct-boot)
 *
 * The ROM workloads are 64 KiB BIOS images run with -bios / romimage; they
 * end by printing LUCID-BENCH-END on COM1. A peer's seconds are the time
 * to that marker for N passes minus the time for 1 pass, which removes the
 * emulator's start-up; Lucid is timed the same way, in process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bench.h"
#include "accel/backend.h"
#include "core/bench_peer.h"
#include "core/demo.h"
#include "core/machine.h"
#include "core/util.h"
#include "cpu/cpu.h"

extern const unsigned char bench_cpu_rom[], bench_cpu_rom_end[];
extern const unsigned char bench_pm_rom[], bench_pm_rom_end[];
extern const unsigned char bench_fpu_rom[], bench_fpu_rom_end[];

#define PASSES_OFFSET 0xfff5
#define MARKER "LUCID-BENCH-END"
#define LINUX_MARKER "LUCID-LINUX-BOOT-OK"
#define LINUX_KERNEL "build/linux/bzImage"
#define LINUX_INITRD "build/linux/initrd.gz"
/* The same command line for every emulator: the console at 115200 baud
 * (Lucid paces its UART; QEMU's sends at once) and no crypto self-tests
 * (tens of seconds of guest-time bignum arithmetic). */
#define LINUX_APPEND "console=ttyS0,115200 panic=-1 cryptomgr.notests"
#define FREEDOS_IMAGE "../shared/testdata/freedos/freedos-serial.img"
#define PEER_TIMEOUT_MS 600000u
#define BOCHS_BIOS_VGA "/usr/share/bochs/VGABIOS-lgpl-latest"

enum { P_LUCID, P_QEMU, P_BOCHS, P_N };

struct row {
	const char *name, *what;
	double ms[P_N];
	char note[P_N][96];
	unsigned long long insns; /* Lucid's guest instructions (0: n/a) */
};

static void rom_patch(uint8_t *rom, unsigned passes)
{
	rom[PASSES_OFFSET] = (uint8_t)passes;
	rom[PASSES_OFFSET + 1] = (uint8_t)(passes >> 8);
}

/* Lucid, in process: ms to the halt, and the instruction count. */
static double lucid_rom(const uint8_t *rom, size_t len, char *note,
			unsigned long long *insns)
{
	const struct cpu_model *cpu = cpu_model_find("pentium2");
	struct machine_config cfg = {
		.cpu = cpu,
		.mhz = cpu->default_mhz,
		.mem_size = 16u << 20,
		.rom = rom,
		.rom_len = len,
		.serial = "none",
		.speed_max = true,
	};
	struct machine m;
	char err[256];

	if (machine_create(&m, &cfg, err, sizeof(err))) {
		snprintf(note, 96, "%.90s", err);
		return -1;
	}
	double t0 = peer_now_ms();
	int rc = machine_run(&m);
	double ms = peer_now_ms() - t0;
	if (insns)
		*insns = m.backend->icount(m.backend_priv);
	if (rc != MACHINE_EXIT_OK) {
		snprintf(note, 96, "failed: %.80s", m.exit_reason);
		ms = -1;
	}
	machine_destroy(&m);
	return ms;
}

static double qemu_run(char *const *extra, const char *com1, const char *marker,
		       char *note)
{
	char serial[4300];
	char *argv[32];
	unsigned n = 0;
	double ms = -1;

	snprintf(serial, sizeof(serial), "file:%s", com1);
	unlink(com1);
	char *base[] = { "qemu-system-i386", "-accel", "tcg", "-cpu", "pentium2",
			 "-display", "none", "-monitor", "none", "-serial",
			 serial, "-no-reboot" };
	for (unsigned k = 0; k < sizeof(base) / sizeof(base[0]); k++)
		argv[n++] = base[k];
	for (unsigned k = 0; extra[k]; k++)
		argv[n++] = extra[k];
	argv[n] = NULL;
	peer_run_until(argv, com1, marker, PEER_TIMEOUT_MS, &ms, note, 96);
	return ms;
}

static double bochs_rom(const char *dir, const char *rom, char *note)
{
	char com1[4200], rc[4200], cmds[4200];
	double ms = -1;

	snprintf(com1, sizeof(com1), "%s/bochs-com1.txt", dir);
	snprintf(rc, sizeof(rc), "%s/bochsrc", dir);
	snprintf(cmds, sizeof(cmds), "%s/bochs-debugger", dir);
	unlink(com1);
	FILE *c = fopen(cmds, "w"), *f = fopen(rc, "w");
	if (!c || !f) {
		if (c)
			fclose(c);
		if (f)
			fclose(f);
		snprintf(note, 96, "cannot write the bochsrc");
		return -1;
	}
	fputs("c\n", c); /* Debian's Bochs has its debugger built in */
	fclose(c);
	fprintf(f,
		"megs: 16\n"
		"romimage: file=%s\n"
		"vgaromimage: file=%s\n"
		"com1: enabled=1, mode=file, dev=\"%s\"\n"
		"display_library: sdl2\n"
		"speaker: enabled=0\n"
		"sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy\n"
		"clock: sync=none\n"
		"log: /dev/null\n"
		"panic: action=fatal\n"
		"error: action=ignore\n",
		rom, BOCHS_BIOS_VGA, com1);
	fclose(f);
	char *const argv[] = { "env", "SDL_VIDEODRIVER=dummy", "bochs", "-q",
			       "-rc", cmds, "-f", rc, NULL };
	peer_run_until(argv, com1, MARKER, PEER_TIMEOUT_MS, &ms, note, 96);
	unlink(rc);
	unlink(cmds);
	return ms;
}

/* One ROM workload on all three, N passes minus 1 pass. */
static void rom_row(struct row *r, const char *dir, const unsigned char *img,
		    const unsigned char *img_end, unsigned passes)
{
	size_t len = (size_t)(img_end - img);
	uint8_t *rom = xcalloc(1, len);
	char path[2][4200], com1[4200];
	double t[P_N][2];
	unsigned pv[2] = { passes, 1 };

	memcpy(rom, img, len);
	snprintf(com1, sizeof(com1), "%s/qemu-com1.txt", dir);
	for (unsigned k = 0; k < 2; k++) {
		snprintf(path[k], sizeof(path[k]), "%s/%s-%u.bin", dir, r->name,
			 pv[k]);
		rom_patch(rom, pv[k]);
		FILE *f = fopen(path[k], "wb");
		if (!f || fwrite(rom, 1, len, f) != len) {
			if (f)
				fclose(f);
			for (unsigned p = 0; p < P_N; p++)
				snprintf(r->note[p], 96, "cannot write %.80s", path[k]);
			free(rom);
			return;
		}
		fclose(f);
		t[P_LUCID][k] = lucid_rom(rom, len, r->note[P_LUCID],
					  k == 0 ? &r->insns : NULL);
		if (peer_on_path("qemu-system-i386")) {
			char *extra[] = { "-m", "16", "-bios", path[k], NULL };
			t[P_QEMU][k] = qemu_run(extra, com1, MARKER,
						r->note[P_QEMU]);
		} else {
			t[P_QEMU][k] = -1;
			snprintf(r->note[P_QEMU], 96, "not installed (make bench-deps)");
		}
		if (peer_on_path("bochs") && !access(BOCHS_BIOS_VGA, R_OK)) {
			t[P_BOCHS][k] = bochs_rom(dir, path[k], r->note[P_BOCHS]);
		} else {
			t[P_BOCHS][k] = -1;
			snprintf(r->note[P_BOCHS], 96, "not installed (make bench-deps)");
		}
	}
	for (unsigned p = 0; p < P_N; p++) {
		if (t[p][0] >= 0 && t[p][1] >= 0) {
			r->ms[p] = t[p][0] - t[p][1];
			if (r->ms[p] < 0)
				r->ms[p] = 0;
		}
	}
	for (unsigned k = 0; k < 2; k++)
		unlink(path[k]);
	free(rom);
}

static void linux_row(struct row *r, const char *dir)
{
	char com1[4200];

	if (access(LINUX_KERNEL, R_OK) || access(LINUX_INITRD, R_OK)) {
		for (unsigned p = 0; p < P_N; p++)
			snprintf(r->note[p], 96,
				 "skipped: %s absent (make linux-guest)",
				 LINUX_KERNEL);
		return;
	}
	const struct cpu_model *cpu = cpu_model_find("pentium2");
	struct machine_config cfg = {
		.cpu = cpu,
		.mhz = cpu->default_mhz,
		.mem_size = 256u << 20,
		.bios = DEMO_SEABIOS,
		.accel = "interp",
		.serial = "none",
		.until_serial = LINUX_MARKER,
		.timeout_ms = PEER_TIMEOUT_MS,
		.speed_max = true,
		.kernel = LINUX_KERNEL,
		.initrd = LINUX_INITRD,
		.append = LINUX_APPEND,
		.vga = "std",
	};
	struct machine m;
	char err[256];
	double t0 = peer_now_ms();
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		snprintf(r->note[P_LUCID], 96, "%.90s", err);
	} else {
		int rc = machine_run(&m);
		if (rc == MACHINE_EXIT_OK && strstr(m.exit_reason, "serial port")) {
			r->ms[P_LUCID] = peer_now_ms() - t0;
			r->insns = m.backend->icount(m.backend_priv);
		} else {
			snprintf(r->note[P_LUCID], 96, "failed: %.80s",
				 m.exit_reason);
		}
		machine_destroy(&m);
	}
	snprintf(com1, sizeof(com1), "%s/qemu-com1.txt", dir);
	if (peer_on_path("qemu-system-i386")) {
		char *extra[] = { "-m", "256", "-kernel", LINUX_KERNEL,
				  "-initrd", LINUX_INITRD, "-append",
				  LINUX_APPEND, NULL };
		r->ms[P_QEMU] = qemu_run(extra, com1, LINUX_MARKER,
					 r->note[P_QEMU]);
	} else {
		snprintf(r->note[P_QEMU], 96, "not installed (make bench-deps)");
	}
	snprintf(r->note[P_BOCHS], 96, "n/a (no direct kernel boot)");
}

static void print_cell(const struct row *r, unsigned p)
{
	if (r->ms[p] >= 0)
		printf(" %9.3f", r->ms[p] / 1e3);
	else
		printf(" %9s", "-");
}

static void print_ratio(const struct row *r, unsigned p)
{
	if (r->ms[p] > 0 && r->ms[P_LUCID] > 0)
		printf(" %8.2fx", r->ms[p] / r->ms[P_LUCID]);
	else
		printf(" %9s", "-");
}

int bench_compare(unsigned passes, const char *format)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	struct row rows[] = {
		{ .name = "compute-rm", .what = "real-mode ALU/memory/REP/branches" },
		{ .name = "compute-pm", .what = "the same, 32-bit, paging on" },
		{ .name = "x87", .what = "x87 loop (fadd/fmul/fdiv/fsqrt/fcom)" },
		{ .name = "freedos", .what = "FreeDOS boot to the prompt" },
		{ .name = "linux", .what = "Debian 686 direct boot to busybox" },
	};
	unsigned nrow = sizeof(rows) / sizeof(rows[0]);

	snprintf(dir, sizeof(dir), "%s/lucid-bench-cmp-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		fprintf(stderr, "lucid: bench cpu --compare: %s\n",
			strerror(errno));
		return 1;
	}
	for (unsigned k = 0; k < nrow; k++)
		for (unsigned p = 0; p < P_N; p++)
			rows[k].ms[p] = -1;
	rom_row(&rows[0], dir, bench_cpu_rom, bench_cpu_rom_end, passes);
	rom_row(&rows[1], dir, bench_pm_rom, bench_pm_rom_end, passes);
	rom_row(&rows[2], dir, bench_fpu_rom, bench_fpu_rom_end,
		passes / 4 ? passes / 4 : 1);
	if (!access(FREEDOS_IMAGE, R_OK)) {
		struct peer_result res[3];
		bench_dos_rows(res, FREEDOS_IMAGE, dir);
		for (unsigned p = 0; p < P_N; p++) {
			rows[3].ms[p] = res[p].ms;
			snprintf(rows[3].note[p], 96, "%s", res[p].note);
		}
	} else {
		for (unsigned p = 0; p < P_N; p++)
			snprintf(rows[3].note[p], 96, "skipped: %s absent",
				 FREEDOS_IMAGE);
	}
	linux_row(&rows[4], dir);
	rmdir(dir);

	bool csv = !strcmp(format, "csv"), json = !strcmp(format, "json");
	if (csv)
		printf("workload,lucid_s,qemu_s,bochs_s,qemu_over_lucid,bochs_over_lucid,lucid_instructions,lucid_mips\n");
	else if (!json)
		printf("lucid bench cpu --compare: Pentium II guests, %u passes; "
		       "seconds (peers: N passes minus 1 pass) and peer/Lucid "
		       "time ratios (>1: Lucid is faster)\n"
		       "%-11s %9s %9s %9s %9s %9s %9s\n",
		       passes, "workload", "lucid", "qemu-tcg", "bochs",
		       "qemu/lu", "bochs/lu", "MIPS");
	for (unsigned k = 0; k < nrow; k++) {
		const struct row *r = &rows[k];
		double mips = r->ms[P_LUCID] > 0 && r->insns
				      ? (double)r->insns / r->ms[P_LUCID] / 1e3 : 0;
		if (csv || json) {
			double q = r->ms[P_QEMU] > 0 && r->ms[P_LUCID] > 0
					   ? r->ms[P_QEMU] / r->ms[P_LUCID] : -1;
			double b = r->ms[P_BOCHS] > 0 && r->ms[P_LUCID] > 0
					   ? r->ms[P_BOCHS] / r->ms[P_LUCID] : -1;
			if (csv)
				printf("%s,%.3f,%.3f,%.3f,%.3f,%.3f,%llu,%.1f\n",
				       r->name, r->ms[P_LUCID] / 1e3,
				       r->ms[P_QEMU] / 1e3, r->ms[P_BOCHS] / 1e3,
				       q, b, r->insns, mips);
			else
				printf("{\"bench\":\"cpu-compare\",\"workload\":\"%s\","
				       "\"lucid_s\":%.3f,\"qemu_s\":%.3f,\"bochs_s\":%.3f,"
				       "\"qemu_over_lucid\":%.3f,\"bochs_over_lucid\":%.3f,"
				       "\"lucid_instructions\":%llu,\"lucid_mips\":%.1f}\n",
				       r->name, r->ms[P_LUCID] / 1e3,
				       r->ms[P_QEMU] / 1e3, r->ms[P_BOCHS] / 1e3,
				       q, b, r->insns, mips);
			continue;
		}
		printf("%-11s", r->name);
		print_cell(r, P_LUCID);
		print_cell(r, P_QEMU);
		print_cell(r, P_BOCHS);
		print_ratio(r, P_QEMU);
		print_ratio(r, P_BOCHS);
		if (mips > 0)
			printf(" %9.1f", mips);
		printf("   %s\n", r->what);
		for (unsigned p = 0; p < P_N; p++)
			if (r->ms[p] < 0 && r->note[p][0])
				printf("%11s   %s: %s\n", "",
				       p == P_LUCID ? "lucid"
				       : p == P_QEMU ? "qemu" : "bochs",
				       r->note[p]);
	}
	return rows[0].ms[P_LUCID] >= 0 ? 0 : 1;
}
