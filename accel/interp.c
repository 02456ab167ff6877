/* accel/interp.c: the interpreter as a backend (the reference backend). */
#include <stdio.h>
#include <stdlib.h>

#include "accel/backend.h"
#include "core/machine.h"
#include "cpu/cpu.h"

#include "core/util.h"

struct interp {
	struct cpu *cpu;
	struct clock *clock;
	struct irq *irq;
	struct backend_debug dbg;
};

static void interp_nmi(void *opaque)
{
	cpu_nmi(opaque);
}

static void interp_kick(void *opaque)
{
	cpu_kick(opaque);
}

static void *interp_create(struct machine *m, char *err, unsigned errlen)
{
	struct cpu *c = cpu_create(m->cfg.cpu, m->mem, m->bus, &m->clock,
				   &m->irq, &m->log);
	if (!c) {
		snprintf(err, errlen, "cannot create the %s interpreter",
			 m->cfg.cpu->name);
		return NULL;
	}
	struct interp *in = xcalloc(1, sizeof(*in));
	in->cpu = c;
	/* The board's MSR/CPUID hooks and the CPU's NMI pin (core/irq). */
	cpu_set_hooks(c, &m->cpu_hooks);
	irq_set_nmi_handler(&m->irq, interp_nmi, c);
	irq_set_kick(&m->irq, interp_kick, c);
	in->clock = &m->clock;
	in->irq = &m->irq;
	in->dbg.icount_limit = UINT64_MAX;
	return in;
}

static void interp_destroy(void *priv)
{
	struct interp *in = priv;
	if (in->irq->kick_opaque == in->cpu)
		irq_set_kick(in->irq, NULL, NULL);
	cpu_destroy(in->cpu);
	free(in);
}

static void interp_reset(void *priv)
{
	cpu_reset(((struct interp *)priv)->cpu);
}

static enum backend_exit interp_exit(enum cpu_exit e)
{
	switch (e) {
	case CPU_EXIT_HALT:
		return BACKEND_EXIT_HALT;
	case CPU_EXIT_STOP:
		return BACKEND_EXIT_STOP;
	case CPU_EXIT_SHUTDOWN:
		return BACKEND_EXIT_SHUTDOWN;
	case CPU_EXIT_ICOUNT:
		return BACKEND_EXIT_DEBUG;
	case CPU_EXIT_BUDGET:
		break;
	}
	return BACKEND_EXIT_DEADLINE;
}

/* Breakpoints and watchpoints: ask before every instruction, run one. */
static enum backend_exit interp_run_checked(struct interp *in, uint64_t limit)
{
	struct cpu *c = in->cpu;

	for (;;) {
		uint64_t n = cpu_icount(c);
		if (n >= in->dbg.icount_limit ||
		    in->dbg.check(in->dbg.opaque, cpu_pc_linear(c), n))
			return BACKEND_EXIT_DEBUG;
		cpu_set_icount_limit(c, n + 1);
		enum cpu_exit e = cpu_run(c, limit);
		unsigned index;
		bool write;
		if (in->dbg.hit && cpu_watch_hit(c, &index, &write))
			in->dbg.hit(in->dbg.opaque, index, write);
		if (e != CPU_EXIT_ICOUNT)
			return interp_exit(e);
		if (in->clock->cycles >= limit)
			return BACKEND_EXIT_DEADLINE;
	}
}

/* The deadline is virtual time; the CPU counts cycles. */
static enum backend_exit interp_run(void *priv, uint64_t until_ns)
{
	struct interp *in = priv;
	struct clock *clk = in->clock;
	uint64_t limit = until_ns > clk->ns_offset
				 ? clock_ns_to_cycles(clk, until_ns - clk->ns_offset)
				 : clk->cycles;

	if (in->dbg.check)
		return interp_run_checked(in, limit);
	cpu_set_icount_limit(in->cpu, in->dbg.icount_limit);
	return interp_exit(cpu_run(in->cpu, limit));
}

static void interp_set_debug(void *priv, const struct backend_debug *d)
{
	struct interp *in = priv;
	struct cpu_watch w[CPU_MAX_WATCH];
	unsigned n = 0;

	in->dbg = *d;
	/* Watches only matter while every instruction is checked. */
	for (unsigned i = 0; d->check && i < d->nwatch && n < CPU_MAX_WATCH;
	     i++)
		w[n++] = (struct cpu_watch){ (uint32_t)d->watch[i].addr,
					     d->watch[i].len, d->watch[i].read,
					     d->watch[i].write };
	cpu_set_watch(in->cpu, w, n);
}

static void interp_set_icount(void *priv, uint64_t n)
{
	cpu_set_icount(((struct interp *)priv)->cpu, n);
}

static void interp_stop(void *priv)
{
	cpu_stop(((struct interp *)priv)->cpu);
}

static void interp_get_state(void *priv, struct cpu_state *s)
{
	cpu_get_state(((struct interp *)priv)->cpu, s);
}

static void interp_set_state(void *priv, const struct cpu_state *s)
{
	cpu_set_state(((struct interp *)priv)->cpu, s);
}

static void interp_activate(void *priv)
{
	struct interp *in = priv;
	irq_set_nmi_handler(in->irq, interp_nmi, in->cpu);
	irq_set_kick(in->irq, interp_kick, in->cpu);
}

static uint64_t interp_icount(void *priv)
{
	return cpu_icount(((struct interp *)priv)->cpu);
}

const struct backend_ops interp_backend = {
	.name = "interp",
	.create = interp_create,
	.destroy = interp_destroy,
	.reset = interp_reset,
	.run = interp_run,
	.stop = interp_stop,
	.get_state = interp_get_state,
	.set_state = interp_set_state,
	.icount = interp_icount,
	.activate = interp_activate,
	.set_debug = interp_set_debug,
	.set_icount = interp_set_icount,
};
