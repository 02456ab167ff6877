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
#include "accel/kvm.h"
#include "core/accel_calib.h"
#include "core/machine.h"

#define ACCEL_SWITCH_SLICE_NS 10000ull

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

/* --accel auto with KVM present: calibrate, print the figures once. */
static bool accel_auto_wants_kvm(struct machine *m)
{
	struct accel_calib c;
	char why[200];

	if (accel_calibrate(m->cfg.cpu, m->cfg.mhz, &c, why, sizeof(why))) {
		snprintf(m->accel_note, sizeof(m->accel_note),
			 "calibration failed (%.100s): using interp", why);
		fprintf(stderr, "lucid: accel auto: %s\n", m->accel_note);
		return false;
	}
	accel_calib_describe(&c, m->accel_note, sizeof(m->accel_note));
	fprintf(stderr, "lucid: accel auto: %s\n", m->accel_note);
	return accel_calib_prefers_kvm(&c);
}

int machine_accel_setup(struct machine *m, char *err, size_t errlen)
{
	bool want_kvm = accel_is(m, "kvm") || accel_is(m, "auto") ||
			m->cfg.switch_at_ms || m->cfg.switch_every;
	bool start_kvm = false;
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
		} else if (accel_is(m, "auto") && !m->cfg.switch_at_ms &&
			   !m->cfg.switch_every) {
			snprintf(m->accel_note, sizeof(m->accel_note),
				 "KVM unavailable (%.100s): using interp", why);
			fprintf(stderr, "lucid: note: --accel auto: KVM unavailable (%s); using the interpreter\n",
				why);
		} else {
			snprintf(err, errlen, "--accel kvm: %s", why);
			return -1;
		}
	}
	/* --switch-at-ms/-every-exits start on the asked-for side. */
	if (m->nbackends == 2)
		start_kvm = accel_is(m, "kvm") ||
			    (accel_is(m, "auto") && accel_auto_wants_kvm(m));
	accel_activate(m, &m->backends[start_kvm ? 1 : 0]);
	if (m->cfg.switch_at_ms)
		m->switch_at_ns = m->cfg.switch_at_ms * 1000000ull;
	if (m->cfg.switch_every) {
		m->switch_left = m->cfg.switch_every + 1; /* polled before a run */
		kvm_set_exit_budget(m->backends[1].priv, m->cfg.switch_every);
	}
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

int machine_accel_select(struct machine *m, const char *name, char *err,
			 size_t errlen)
{
	const struct backend_ops *to = !strcmp(name, "kvm") ? &kvm_backend
				       : !strcmp(name, "interp") ? &interp_backend
				       : NULL;
	char why[200];

	if (!to) {
		snprintf(err, errlen, "accel %s: want interp or kvm", name);
		return -1;
	}
	if (to == &kvm_backend && (m->record || m->replay || m->cfg.enlighten)) {
		snprintf(err, errlen, "accel kvm: %s needs the interpreter",
			 m->cfg.enlighten ? "--enlighten"
			 : m->record ? "recording" : "a replay");
		return -1;
	}
	if (to == &kvm_backend && m->nbackends < 2) {
		void *k = kvm_backend.create(m, why, sizeof(why));
		if (!k) {
			snprintf(err, errlen, "accel kvm: %s", why);
			return -1;
		}
		m->backends[1] = (struct machine_backend){ &kvm_backend, k };
		m->nbackends = 2;
	}
	return machine_switch_backend(m, to);
}

uint64_t machine_accel_limit(struct machine *m, uint64_t until)
{
	if (m->cfg.switch_every && m->backend == &interp_backend &&
	    until - clock_now(&m->clock) > ACCEL_SWITCH_SLICE_NS)
		until = clock_now(&m->clock) + ACCEL_SWITCH_SLICE_NS;
	return m->switch_at_ns && until > m->switch_at_ns ? m->switch_at_ns
							  : until;
}

static const struct backend_ops *accel_other(struct machine *m)
{
	return m->backend == &kvm_backend ? &interp_backend : &kvm_backend;
}

/* --switch-every-exits N: KVM's run() stops after N exits (its budget),
 * the interpreter runs N slices (each up to a timer deadline, a sync point
 * or ACCEL_SWITCH_SLICE_NS, so short test guests switch many times); then
 * the other backend takes over. */
static void accel_poll_every(struct machine *m)
{
	struct machine_backend *k = &m->backends[1];

	if (m->backend == &kvm_backend ? kvm_exit_budget(k->priv) > 0
				       : m->switch_left-- > 1)
		return;
	m->switch_left = m->cfg.switch_every;
	kvm_set_exit_budget(k->priv, m->cfg.switch_every);
	machine_switch_backend(m, accel_other(m));
}

/* --switch-at-ms: once the guest time is there, go to the other backend. */
void machine_accel_poll(struct machine *m)
{
	if (m->cfg.switch_every && m->nbackends == 2)
		accel_poll_every(m);
	if (!m->switch_at_ns || clock_now(&m->clock) < m->switch_at_ns)
		return;
	m->switch_at_ns = 0;
	const struct backend_ops *to = accel_other(m);
	const char *from = m->backend->name;
	if (!machine_switch_backend(m, to))
		fprintf(stderr, "lucid: switched %s -> %s at %.3f ms of guest time\n",
			from, to->name, clock_now(&m->clock) / 1e6);
}
