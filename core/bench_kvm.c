/* core/bench_kvm.c: lucid bench kvm: the built-in CPU workload timed under
 * the interpreter and under KVM. KVM cannot count retired instructions, so
 * its "MIPS" is the interpreter's instruction count over KVM's time (the
 * same guest code, the same work). Figures are printed, never asserted. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel/backend.h"
#include "core/accel_calib.h"
#include "core/bench.h"
#include "core/cli.h"
#include "core/machine.h"
#include "core/util.h"
#include "cpu/cpu.h"

extern const unsigned char bench_cpu_rom[], bench_cpu_rom_end[];
#define BENCH_PASSES_OFFSET 0xfff5 /* tests/bench/cpu-workload.asm */

static const char usage_kvm[] =
	"Usage: lucid bench kvm [--passes N] [--cpu MODEL]\n"
	"\n"
	"Times the built-in real-mode workload under the interpreter and under\n"
	"KVM (386 and later models; default pentium2) and prints MIPS (for KVM:\n"
	"the interpreter's instruction count over KVM's time), VM exits/s and\n"
	"the round trip of one port write (--accel auto's calibration).\n";

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct kvm_bench_run {
	double secs, guest_ms;
	uint64_t insns, exits, io, mmio;
	int rc;
};

static int kvm_bench_one(const struct cpu_model *model, const uint8_t *rom,
			 size_t len, const char *accel, struct kvm_bench_run *r)
{
	struct machine_config cfg = {
		.cpu = model, .mhz = model->default_mhz, .mem_size = 16u << 20,
		.rom = rom, .rom_len = len, .speed_max = true, .accel = accel,
		.vga = "none",
	};
	struct machine m;
	char err[256];

	if (machine_create(&m, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lucid: bench kvm: %s\n", err);
		return -1;
	}
	double t0 = now_s();
	r->rc = machine_run(&m);
	r->secs = now_s() - t0;
	r->guest_ms = clock_now(&m.clock) / 1e6;
	r->insns = m.backend->icount(m.backend_priv);
	if (m.backend == &kvm_backend)
		kvm_stats(m.backend_priv, &r->exits, &r->io, &r->mmio);
	if (r->rc)
		fprintf(stderr, "lucid: bench kvm (%s): %s\n", accel, m.exit_reason);
	machine_destroy(&m);
	return r->rc ? -1 : 0;
}

int bench_kvm(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passes", required_argument, NULL, 'p' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cpu_model *model = cpu_model_find("pentium2");
	unsigned passes = 200;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (cli_parse_uint(optarg, 1, 65535, &passes)) {
				fprintf(stderr, "lucid: --passes %s: want 1 to 65535\n",
					optarg);
				return 1;
			}
			break;
		case 'c':
			model = cpu_model_find(optarg);
			if (!model) {
				fprintf(stderr, "lucid: --cpu %s: unknown model\n",
					optarg);
				return 1;
			}
			break;
		case 'h':
			fputs(usage_kvm, stdout);
			return 0;
		default:
			fprintf(stderr, "lucid: bench kvm: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}
	size_t len = (size_t)(bench_cpu_rom_end - bench_cpu_rom);
	uint8_t *rom = xcalloc(1, len);
	memcpy(rom, bench_cpu_rom, len);
	rom[BENCH_PASSES_OFFSET] = (uint8_t)passes;
	rom[BENCH_PASSES_OFFSET + 1] = (uint8_t)(passes >> 8);

	struct kvm_bench_run in = { 0 }, kv = { 0 };
	int rc = kvm_bench_one(model, rom, len, "interp", &in) ||
		 kvm_bench_one(model, rom, len, "kvm", &kv);
	free(rom);
	struct accel_calib cal;
	char err[256];
	if (!rc && accel_calibrate(model, model->default_mhz, &cal, err,
				   sizeof(err))) {
		fprintf(stderr, "lucid: bench kvm: %s\n", err);
		rc = 1;
	}
	if (rc)
		return 1;
	const char *mod = kvm_host_module();
	printf("lucid bench kvm: %s model, %u passes, %llu instructions\n",
	       model->desc, passes, (unsigned long long)in.insns);
	printf("  %-8s %10s %12s %12s %12s %12s\n", "backend", "seconds",
	       "MIPS", "exits/s", "guest ms", "us/port");
	printf("  %-8s %10.3f %12.2f %12s %12.3f %12.3f\n", "interp", in.secs,
	       in.secs > 0 ? in.insns / in.secs / 1e6 : 0, "-", in.guest_ms,
	       cal.interp_port_us);
	printf("  %-8s %10.3f %12.2f %12.0f %12.3f %12.3f\n", "kvm", kv.secs,
	       kv.secs > 0 ? in.insns / kv.secs / 1e6 : 0,
	       kv.secs > 0 ? kv.exits / kv.secs : 0, kv.guest_ms,
	       cal.kvm_exit_us);
	accel_calib_describe(&cal, err, sizeof(err));
	printf("  us/port: one port write's round trip (a VM exit under KVM)\n"
	       "  --accel auto's calibration: %s\n", err);
	printf("  kvm exits: %llu (port I/O %llu, MMIO %llu); host module %s\n",
	       (unsigned long long)kv.exits, (unsigned long long)kv.io,
	       (unsigned long long)kv.mmio, mod);
	if (!strcmp(mod, "kvm_pvm"))
		printf("  note: kvm_pvm is a nested KVM that emulates every guest instruction;\n"
		       "  these KVM figures say nothing about VT-x/AMD-V, where the code runs natively.\n");
	return 0;
}
