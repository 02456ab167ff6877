/* core/accel_calib.c: --accel auto's calibration (see accel_calib.h). */
#include "core/accel_calib.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accel/backend.h"
#include "core/machine.h"

/* core/accel_calib.asm, linked in by the Makefile. */
extern const unsigned char accel_calib_rom[], accel_calib_rom_end[];

#define CALIB_SLICE_NS 500000ull /* guest time per run() call */
#define CALIB_ALU_INSNS 4        /* instructions per arithmetic iteration */
#define CALIB_PORT_INSNS 2       /* besides the OUT */

static double calib_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t calib_counter(struct machine *m)
{
	m->backend->get_state(m->backend_priv, &m->cpu_state);
	return (uint32_t)m->cpu_state.gpr[1]; /* ECX */
}

static void calib_slice(struct machine *m)
{
	m->backend->run(m->backend_priv,
			clock_now(&m->clock) + CALIB_SLICE_NS);
}

/* Iterations per second of one loop on one backend, from reset. */
static double calib_loop(struct machine *m, const struct backend_ops *ops,
			 unsigned loop)
{
	struct cpu_state *s = &m->cpu_state;

	machine_switch_backend(m, ops);
	machine_accel_reset(m);
	m->backend->get_state(m->backend_priv, s);
	s->gpr[0] = loop; /* EAX */
	m->backend->set_state(m->backend_priv, s);
	calib_slice(m); /* warm up: first entry, page faults, decode */
	uint32_t n0 = calib_counter(m);
	double t0 = calib_now(), t;
	do
		calib_slice(m);
	while ((t = calib_now() - t0) < ACCEL_CALIB_BUDGET_MS / 1e3 && !m->stop);
	return (double)(uint32_t)(calib_counter(m) - n0) / t;
}

/* One port write's cost: an iteration less its other instructions. */
static double calib_port_us(double rate, double mips)
{
	if (rate <= 0 || mips <= 0)
		return 1e6;
	double us = 1e6 / rate - CALIB_PORT_INSNS / mips;
	return us > 0 ? us : 0;
}

int accel_calibrate(const struct cpu_model *model, unsigned mhz,
		    struct accel_calib *c, char *err, size_t errlen)
{
	struct machine_config cfg = {
		.cpu = model, .mhz = mhz, .mem_size = 1u << 20,
		.rom = accel_calib_rom,
		.rom_len = (size_t)(accel_calib_rom_end - accel_calib_rom),
		.speed_max = true, .accel = "kvm", .vga = "none", .net = "none",
		.serial = "none",
	};
	struct machine m;

	if (machine_create(&m, &cfg, err, errlen))
		return -1;
	double alu_i = calib_loop(&m, &interp_backend, 0);
	double port_i = calib_loop(&m, &interp_backend, 1);
	double alu_k = calib_loop(&m, &kvm_backend, 0);
	double port_k = calib_loop(&m, &kvm_backend, 1);
	int rc = m.stop ? -1 : 0;
	if (rc)
		snprintf(err, errlen, "calibration guest stopped: %s",
			 m.exit_reason);
	machine_destroy(&m);
	c->interp_mips = alu_i * CALIB_ALU_INSNS / 1e6;
	c->kvm_mips = alu_k * CALIB_ALU_INSNS / 1e6;
	c->interp_port_us = calib_port_us(port_i, c->interp_mips);
	c->kvm_exit_us = calib_port_us(port_k, c->kvm_mips);
	return rc;
}

bool accel_calib_prefers_kvm(const struct accel_calib *c)
{
	return c->kvm_mips >= ACCEL_AUTO_MIPS_RATIO * c->interp_mips &&
	       c->kvm_exit_us <= ACCEL_AUTO_MAX_EXIT_US;
}

void accel_calib_describe(const struct accel_calib *c, char *buf,
			  size_t len)
{
	snprintf(buf, len,
		 "kvm (%.1f MIPS, %.1f us/exit) vs interp (%.1f MIPS): using %s",
		 c->kvm_mips, c->kvm_exit_us, c->interp_mips,
		 accel_calib_prefers_kvm(c) ? "kvm" : "interp");
}
