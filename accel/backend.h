/* accel/backend.h: what a CPU backend is.
 *
 * The machine loop drives one backend at a time: the interpreter (always
 * there) or KVM. Switching is get_state on one and set_state on the other,
 * at an instruction boundary, through the canonical struct cpu_state.
 */
#ifndef LUCID_ACCEL_BACKEND_H
#define LUCID_ACCEL_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/state.h"

struct machine;

enum backend_exit {
	BACKEND_EXIT_DEADLINE, /* reached until_ns */
	BACKEND_EXIT_HALT,     /* idle until an interrupt */
	BACKEND_EXIT_STOP,     /* asked to stop */
	BACKEND_EXIT_SHUTDOWN, /* triple fault or fatal entry failure */
	BACKEND_EXIT_DEBUG,    /* a struct backend_debug stop */
};

/* Debugger stops (replay --until, the gdb stub). run() returns
 * BACKEND_EXIT_DEBUG at the first instruction boundary where icount >=
 * icount_limit (UINT64_MAX: none), or, while check is set, where
 * check(opaque, linear PC, icount) says stop: then it runs one instruction
 * at a time (the cost of breakpoints and watchpoints). */
struct backend_debug {
	uint64_t icount_limit;
	bool (*check)(void *opaque, uint64_t pc, uint64_t icount);
	void *opaque;
	/* Read/access watchpoints (linear ranges; the interpreter only):
	 * while check is set, hit is called after an instruction whose data
	 * access touched watch[index] (the first one per instruction). */
	struct backend_watch {
		uint64_t addr;
		unsigned len;
		bool read, write;
	} watch[4];
	unsigned nwatch;
	void (*hit)(void *opaque, unsigned index, bool write);
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
	/* Becoming the machine's running backend: take the CPU's pins (NMI)
	 * from core/irq. May be NULL. */
	void (*activate)(void *priv);
	/* Interpreter only (NULL elsewhere): debugger stops, and setting the
	 * instruction count (a snapshot restored by a replay seek). */
	void (*set_debug)(void *priv, const struct backend_debug *d);
	void (*set_icount)(void *priv, uint64_t n);
};

extern const struct backend_ops interp_backend;
/* accel/kvm.c: the same machine under /dev/kvm (386 and later models).
 * Not deterministic: virtual time follows the host clock while it runs. */
extern const struct backend_ops kvm_backend;

/* The host's KVM module as /sys/module shows it (kvm_intel, kvm_amd, or
 * kvm_pvm, a nested KVM that emulates guest instructions). */
const char *kvm_host_module(void);
/* Exit counts of a KVM backend (lucid bench kvm). */
void kvm_stats(void *priv, uint64_t *exits, uint64_t *io, uint64_t *mmio);

#endif
