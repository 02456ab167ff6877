/* core/bench.c: built-in benchmarks. Figures are printed, never asserted:
 * speed is measured by running this command, not by unit tests. */
#include "core/bench.h"
#include "core/bench_peer.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel/backend.h"
#include "core/cli.h"
#include "core/machine.h"
#include "core/util.h"
#include "cpu/cpu.h"
#include "ui/display.h"

/* tests/bench/cpu-workload.asm, assembled at build time. */
extern const unsigned char bench_cpu_rom[], bench_cpu_rom_end[];
#define BENCH_PASSES_OFFSET 0xfff5

static const char usage_bench[] =
	"Usage: lucid bench cpu [options]\n"
	"       lucid bench display [--frames N] [--format table|json|csv]\n"
	"       lucid bench bios|dos [--help]   SeaBIOS / FreeDOS boot vs QEMU, Bochs\n"
	"       lucid bench record [--help]     record/replay costs, reverse-step latency\n"
	"\n"
	"Runs a built-in real-mode workload (ALU, memory, string and branch\n"
	"instructions) in the interpreter and prints instructions, seconds and\n"
	"MIPS.\n"
	"\n"
	"  --cpu MODEL        CPU model to run it on (default 286)\n"
	"  --passes N         workload passes, 1-65535 (default 20000)\n"
	"  --format table|json|csv   output format (default table)\n"
	"  --compare          the same workloads (real- and protected-mode\n"
	"                     compute loops, x87 loop, FreeDOS boot, Linux\n"
	"                     boot) on Lucid, qemu-system-i386 -accel tcg and\n"
	"                     bochs: seconds and ratios (Pentium II guests)\n";

static double host_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_cpu(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpu", required_argument, NULL, 'c' },
		{ "passes", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "compare", no_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cpu_model *model = cpu_model_find("286");
	unsigned passes = 20000;
	const char *format = "table";
	bool compare = false, passes_set = false;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			model = cpu_model_find(optarg);
			if (!model) {
				fprintf(stderr, "lucid: --cpu %s: unknown model\n",
					optarg);
				return 1;
			}
			break;
		case 'p':
			if (cli_parse_uint(optarg, 1, 65535, &passes)) {
				fprintf(stderr, "lucid: --passes %s: want 1 to 65535\n",
					optarg);
				return 1;
			}
			passes_set = true;
			break;
		case 'C':
			compare = true;
			break;
		case 'f':
			if (!bench_format_ok(optarg))
				return 1;
			format = optarg;
			break;
		case 'h':
			fputs(usage_bench, stdout);
			return 0;
		default:
			fprintf(stderr, "lucid: bench cpu: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}

	if (compare)
		return bench_compare(passes_set ? passes : 20000, format);

	size_t len = (size_t)(bench_cpu_rom_end - bench_cpu_rom);
	uint8_t *rom = xcalloc(1, len);
	memcpy(rom, bench_cpu_rom, len);
	rom[BENCH_PASSES_OFFSET] = (uint8_t)passes;
	rom[BENCH_PASSES_OFFSET + 1] = (uint8_t)(passes >> 8);

	struct machine_config cfg = {
		.cpu = model,
		.mhz = model->default_mhz,
		.mem_size = model->addr_bits <= 20 ? 640u << 10 : 16u << 20,
		.rom = rom,
		.rom_len = len,
		.speed_max = true,
	};
	struct machine m;
	char err[256];
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lucid: %s\n", err);
		free(rom);
		return 1;
	}
	double t0 = host_seconds();
	int rc = machine_run(&m);
	double secs = host_seconds() - t0;
	uint64_t insns = m.backend->icount(m.backend_priv);
	double mips = secs > 0 ? (double)insns / secs / 1e6 : 0;
	double guest_ms = clock_now(&m.clock) / 1e6;

	if (!strcmp(format, "json")) {
		printf("{\"bench\":\"cpu\",\"cpu\":\"%s\",\"passes\":%u,"
		       "\"instructions\":%llu,\"seconds\":%.4f,\"mips\":%.2f,"
		       "\"guest_ms\":%.3f}\n",
		       model->name, passes, (unsigned long long)insns, secs,
		       mips, guest_ms);
	} else if (!strcmp(format, "csv")) {
		printf("bench,cpu,passes,instructions,seconds,mips,guest_ms\n");
		printf("cpu,%s,%u,%llu,%.4f,%.2f,%.3f\n", model->name, passes,
		       (unsigned long long)insns, secs, mips, guest_ms);
	} else {
		printf("lucid bench cpu: interpreter, %s model, %u passes\n",
		       model->desc, passes);
		printf("  %-14s %15llu\n", "instructions",
		       (unsigned long long)insns);
		printf("  %-14s %15.3f\n", "host seconds", secs);
		printf("  %-14s %15.2f\n", "MIPS", mips);
		printf("  %-14s %15.3f  (at %u MHz)\n", "guest ms", guest_ms,
		       cfg.mhz);
	}
	if (rc != MACHINE_EXIT_OK)
		fprintf(stderr, "lucid: workload did not finish cleanly: %s\n",
			m.exit_reason);
	machine_destroy(&m);
	free(rom);
	return rc == MACHINE_EXIT_OK ? 0 : 1;
}

int bench_main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_bench, argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	if (!strcmp(argv[1], "cpu"))
		return bench_cpu(argc - 1, argv + 1);
	if (!strcmp(argv[1], "dos"))
		return bench_dos(argc - 1, argv + 1);
	if (!strcmp(argv[1], "kvm"))
		return bench_kvm(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bios"))
		return bench_bios(argc - 1, argv + 1);
	if (!strcmp(argv[1], "record"))
		return bench_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "display"))
		return display_bench_main(argc - 1, argv + 1);
	fprintf(stderr, "lucid: bench %s: not built yet (available: cpu, bios, dos, record, display)\n",
		argv[1]);
	return 1;
}
