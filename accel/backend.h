/* accel/backend.h: what a CPU backend is.
 *
 * The machine loop drives one backend at a time: the interpreter (always
 * there) or KVM. Switching is get_state on one and set_state on the other,
 * at an instruction boundary, through the canonical struct cpu_state.
 */
#ifndef LUCID_ACCEL_BACKEND_H
#define LUCID_ACCEL_BACKEND_H

#include <stdint.h>

#include "cpu/state.h"

struct machine;

enum backend_exit {
	BACKEND_EXIT_DEADLINE, /* reached until_ns */
	BACKEND_EXIT_HALT,     /* idle until an interrupt */
	BACKEND_EXIT_STOP,     /* asked to stop */
	BACKEND_EXIT_SHUTDOWN, /* triple fault or fatal entry failure */
};

struct backend_ops {
	const char *name;
	/* Returns private data or NULL with a reason in err. */
	void *(*create)(struct machine *m, char *err, unsigned errlen);
	void (*destroy)(void *priv);
	void (*reset)(void *priv);
	enum backend_exit (*run)(void *priv, uint64_t until_ns);
	void (*stop)(void *priv);
	void (*get_state)(void *priv, struct cpu_state *s);
	void (*set_state)(void *priv, const struct cpu_state *s);
	uint64_t (*icount)(void *priv); /* retired instructions */
};

extern const struct backend_ops interp_backend;

#endif
