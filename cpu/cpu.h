/* cpu/cpu.h: the x86 interpreter's public interface.
 *
 * The interpreter owns a struct cpu_state (the canonical state) and runs it
 * against guest memory (mmu/mem.h) and the port bus (core/bus.h). Time flows
 * one way: every retired instruction adds its model-table cost to
 * clock->cycles. Interrupts arrive through core/irq (INTR + acknowledge).
 * Hooks (MSRs, CPUID, hypercalls) are installed by core so cpu/ never
 * includes vmbus/ or devices/.
 */
#ifndef LUCID_CPU_CPU_H
#define LUCID_CPU_CPU_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/state.h"

struct mem;
struct bus;
struct clock;
struct irq;
struct log;
struct cpu;

enum cpu_model_id {
	CPU_8086,
	CPU_286,
	CPU_386,
	CPU_486,
	CPU_PENTIUM,
	CPU_PENTIUM2,
	CPU_NMODELS
};

/* The x87 a model has (ordered: later ones add instructions). */
enum cpu_fpu_kind {
	CPU_FPU_NONE,       /* 8086, 286: ESC decodes its operand, no more */
	CPU_FPU_387,        /* 386 with an 80387 fitted */
	CPU_FPU_INTEGRATED, /* 486, Pentium */
	CPU_FPU_P6,         /* + FCOMI/FUCOMI, FCMOVcc */
};

struct cpu_model {
	enum cpu_model_id id;
	const char *name;     /* as --cpu spells it */
	const char *desc;
	unsigned addr_bits;   /* physical address-bus width */
	unsigned default_mhz;
	enum cpu_fpu_kind fpu;
};

const struct cpu_model *cpu_model_find(const char *name);
const struct cpu_model *cpu_model_get(enum cpu_model_id id);

/* Why cpu_run returned. */
enum cpu_exit {
	CPU_EXIT_BUDGET,   /* reached the cycle limit */
	CPU_EXIT_HALT,     /* HLT with nothing to wake it */
	CPU_EXIT_STOP,     /* cpu_stop() was called (device, monitor) */
	CPU_EXIT_SHUTDOWN, /* triple fault */
	CPU_EXIT_ICOUNT,   /* reached the instruction-count limit */
};

/* Hooks core installs; any may be NULL (then: #GP for MSRs, model CPUID). */
struct cpu_hooks {
	void *opaque;
	bool (*rdmsr)(void *opaque, uint32_t index, uint64_t *value);
	bool (*wrmsr)(void *opaque, uint32_t index, uint64_t value);
	/* May change a CPUID leaf: out holds the model's answer on entry;
	 * return true if it changed it. */
	bool (*cpuid)(void *opaque, uint32_t leaf, uint32_t sub, uint32_t out[4]);
	/* FERR#: an unmasked x87 exception met a waiting FPU instruction with
	 * CR0.NE=0 (true; may repeat) or the error was cleared (false). The
	 * PC wires it to IRQ13, cleared by a write to port F0h. */
	void (*ferr)(void *opaque, bool level);
	/* VMCALL (0F 01 C1): a hypercall. The hook reads its inputs from the
	 * GPRs of s and writes its results there (GPRs only); false raises
	 * #UD, as does a NULL hook (no hypervisor). */
	bool (*hypercall)(void *opaque, struct cpu_state *s);
};

struct cpu *cpu_create(const struct cpu_model *model, struct mem *mem,
		       struct bus *bus, struct clock *clock, struct irq *irq,
		       struct log *log);
void cpu_destroy(struct cpu *c);
void cpu_set_hooks(struct cpu *c, const struct cpu_hooks *hooks);

/* Power-on / RESET state: 8086 FFFF:0000; 286+ F000:FFF0 with the high CS
 * base (FF0000 on the 286, FFFF0000 later). */
void cpu_reset(struct cpu *c);

/* Run until clock->cycles >= cycle_limit, a halt, a stop request or a
 * shutdown. Takes pending interrupts at instruction boundaries. */
enum cpu_exit cpu_run(struct cpu *c, uint64_t cycle_limit);
/* Execute exactly one instruction (with its prefixes; a REP string op runs
 * to completion). Used by the conformance runner and single-stepping. */
enum cpu_exit cpu_step(struct cpu *c);
/* Ask a running cpu_run to return at the next instruction boundary. */
void cpu_stop(struct cpu *c);
/* Raise NMI: taken at the next instruction boundary (wakes HLT). */
void cpu_nmi(struct cpu *c);
/* Something may now be pending at the next instruction boundary (INTR
 * asserted): the run loop looks at the events after this instruction. */
void cpu_kick(struct cpu *c);
/* True after HLT until an interrupt wakes the CPU. */
bool cpu_halted(const struct cpu *c);

/* The canonical state: the interpreter keeps lazy flags internally, so go
 * through these to read or write it. */
void cpu_get_state(struct cpu *c, struct cpu_state *s);
void cpu_set_state(struct cpu *c, const struct cpu_state *s);

/* Retired instructions. An exception counts its faulting instruction; a
 * REP string instruction counts once per pass: once if it runs to the
 * end, once more each time it yields to the cycle limit or an interrupt
 * and resumes (both deterministic). */
uint64_t cpu_icount(const struct cpu *c);
/* Debugging and replay seeks: cpu_run returns CPU_EXIT_ICOUNT at the first
 * instruction boundary where icount >= n (UINT64_MAX: no limit), before
 * the boundary's interrupt delivery, so stopping there and running on is
 * the same as not stopping. set_icount restores a snapshot's count. */
void cpu_set_icount_limit(struct cpu *c, uint64_t n);
void cpu_set_icount(struct cpu *c, uint64_t n);
/* CS.base + EIP: the linear address of the next instruction. */
uint64_t cpu_pc_linear(const struct cpu *c);
const struct cpu_model *cpu_model_of(const struct cpu *c);

/* Debugger watchpoints (the gdb stub's read/access watchpoints): linear
 * ranges whose data accesses are noted. Not architectural state: like the
 * DR7 data breakpoints they only keep the watched pages off the fast
 * paths. Supervisor table accesses (GDT, IDT, TSS) and DMA are not seen. */
#define CPU_MAX_WATCH 4
struct cpu_watch {
	uint32_t addr, len;
	bool read, write; /* which accesses count */
};
/* Replaces the watch list (n <= CPU_MAX_WATCH) and forgets a noted hit. */
void cpu_set_watch(struct cpu *c, const struct cpu_watch *w, unsigned n);
/* The first watched access since the last call (index into the list and
 * whether it wrote): true once per hit. */
bool cpu_watch_hit(struct cpu *c, unsigned *index, bool *write);

/* Invalidate any cached translation or decoded code (memory map changed). */
void cpu_flush_caches(struct cpu *c);

#endif
