/* core/machine_accel.c: which CPU backend runs the machine, and switching
 * between them at an instruction boundary.
 *
 * The interpreter always exists: it defines the reset state (every model's
 * quirks live there) and takes over whenever KVM is left. KVM exists when
 * --accel kvm|auto asks for it (or --switch-at-ms needs it). A switch is
 * get_state on the running backend and set_state on the other; both run
 * the same machine (memory, bus, clock), so nothing else moves.
 */
#include <stdio.h>
#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"

static bool accel_is(const struct machine *m, const char *name)
{
	return m->cfg.accel && !strcmp(m->cfg.accel, name);
}

static struct machine_backend *accel_find(struct machine *m,
					  const struct backend_ops *ops)
{
	for (unsigned i = 0; i < m->nbackends; i++)
		if (m->backends[i].ops == ops)
			return &m->backends[i];
	return NULL;
}

static void accel_activate(struct machine *m, struct machine_backend *b)
{
	m->backend = b->ops;
	m->backend_priv = b->priv;
	if (b->ops->activate)
		b->ops->activate(b->priv);
}

int machine_accel_setup(struct machine *m, char *err, size_t errlen)
{
	bool want_kvm = accel_is(m, "kvm") || accel_is(m, "auto") ||
			m->cfg.switch_at_ms;
	char why[200];

	m->backends[0].ops = &interp_backend;
	m->backends[0].priv = interp_backend.create(m, err, (unsigned)errlen);
	if (!m->backends[0].priv)
		return -1;
	m->nbackends = 1;
	if (want_kvm) {
		void *k = kvm_backend.create(m, why, sizeof(why));
		if (k) {
			m->backends[1] = (struct machine_backend){ &kvm_backend, k };
			m->nbackends = 2;
		} else if (accel_is(m, "auto") && !m->cfg.switch_at_ms) {
			fprintf(stderr, "lucid: note: --accel auto: KVM unavailable (%s); using the interpreter\n",
				why);
		} else {
			snprintf(err, errlen, "--accel kvm: %s", why);
			return -1;
		}
	}
	/* --switch-at-ms starts on the asked-for side and goes to the other. */
	bool start_kvm = m->nbackends == 2 && !accel_is(m, "interp") &&
			 m->cfg.accel;
	accel_activate(m, &m->backends[start_kvm ? 1 : 0]);
	if (m->cfg.switch_at_ms)
		m->switch_at_ns = m->cfg.switch_at_ms * 1000000ull;
	return 0;
}

void machine_accel_destroy(struct machine *m)
{
	while (m->nbackends > 0) {
		struct machine_backend *b = &m->backends[--m->nbackends];
		b->ops->destroy(b->priv);
	}
	m->backend = NULL;
	m->backend_priv = NULL;
}

/* The reset state is the interpreter's (per model); another running
 * backend gets it through set_state. */
void machine_accel_reset(struct machine *m)
{
	struct machine_backend *in = &m->backends[0];

	in->ops->reset(in->priv);
	if (m->backend == in->ops)
		return;
	m->backend->reset(m->backend_priv);
	in->ops->get_state(in->priv, &m->cpu_state);
	m->backend->set_state(m->backend_priv, &m->cpu_state);
}

int machine_switch_backend(struct machine *m, const struct backend_ops *to)
{
	struct machine_backend *b = accel_find(m, to);

	if (!b)
		return -1;
	if (b->ops == m->backend)
		return 0;
	m->backend->get_state(m->backend_priv, &m->cpu_state);
	b->ops->set_state(b->priv, &m->cpu_state);
	log_info(&m->log, CORE, "backend %s -> %s at %.3f ms of guest time",
		 m->backend->name, b->ops->name, clock_now(&m->clock) / 1e6);
	accel_activate(m, b);
	return 0;
}

uint64_t machine_accel_limit(struct machine *m, uint64_t until)
{
	return m->switch_at_ns && until > m->switch_at_ns ? m->switch_at_ns
							  : until;
}

/* --switch-at-ms: once the guest time is there, go to the other backend. */
void machine_accel_poll(struct machine *m)
{
	if (!m->switch_at_ns || clock_now(&m->clock) < m->switch_at_ns)
		return;
	m->switch_at_ns = 0;
	const struct backend_ops *to = m->backend == &kvm_backend
					       ? &interp_backend
					       : &kvm_backend;
	const char *from = m->backend->name;
	if (!machine_switch_backend(m, to))
		fprintf(stderr, "lucid: switched %s -> %s at %.3f ms of guest time\n",
			from, to->name, clock_now(&m->clock) / 1e6);
}
