/* tests/unit/fpu_rig.h: a pentium2 interpreter with 1 MiB of RAM for the
 * x87 unit tests: a real-mode program at 0000:0100, data at 0000:1000, run
 * with cpu_step to its HLT. */
#ifndef LUCID_TESTS_FPU_RIG_H
#define LUCID_TESTS_FPU_RIG_H

#include <criterion/criterion.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "cpu/cpu.h"
#include "mmu/mem.h"

struct rig {
	struct log log;
	struct clock clock;
	struct mem *mem;
	struct cpu *cpu;
	int ferr, ferr_clear;
};

static inline struct rig *rig_new(const char *model)
{
	static struct rig r;
	char err[128];

	memset(&r, 0, sizeof(r));
	log_init(&r.log, stderr);
	clock_init(&r.clock, 300000);
	r.mem = mem_create(1 << 20, NULL, &r.log, err, sizeof(err));
	cr_assert_not_null(r.mem, "%s", err);
	r.cpu = cpu_create(cpu_model_find(model), r.mem, NULL, &r.clock, NULL,
			   &r.log);
	cr_assert_not_null(r.cpu);
	return &r;
}

static inline void rig_free(struct rig *r)
{
	cpu_destroy(r->cpu);
	mem_destroy(r->mem);
	clock_destroy(&r->clock);
}

/* Real mode, flat segments at 0, SP 8000h, CR0 = ET (+ extra bits). */
static inline void rig_load(struct rig *r, const uint8_t *code, size_t n,
		     uint32_t cr0)
{
	struct cpu_state s;

	mem_load(r->mem, 0x100, code, n);
	cpu_get_state(r->cpu, &s);
	for (unsigned k = 0; k < CPU_NSEG; k++) {
		s.seg[k].sel = 0;
		s.seg[k].base = 0;
		s.seg[k].limit = 0xffff;
	}
	s.rip = 0x100;
	s.gpr[REG_SP] = 0x8000;
	s.cr0 = CR0_ET | cr0;
	s.idtr.base = 0;
	s.idtr.limit = 0x3ff;
	memset(&s.events, 0, sizeof(s.events));
	cpu_set_state(r->cpu, &s);
}

static inline void rig_run(struct rig *r)
{
	for (unsigned k = 0; k < 10000; k++)
		if (cpu_step(r->cpu) != CPU_EXIT_BUDGET)
			return;
	cr_assert_fail("program did not reach HLT");
}

#define RUN(r, prog, cr0)                                                    \
	do {                                                                 \
		rig_load(r, prog, sizeof(prog), cr0);                        \
		rig_run(r);                                                  \
	} while (0)

static inline void put32(struct rig *r, uint32_t a, uint32_t v)
{
	mem_load(r->mem, a, &v, 4);
}

static inline void put64(struct rig *r, uint32_t a, uint64_t v)
{
	mem_load(r->mem, a, &v, 8);
}

static inline void put80(struct rig *r, uint32_t a, uint16_t se, uint64_t m)
{
	put64(r, a, m);
	mem_load(r->mem, a + 8, &se, 2);
}

static inline uint16_t get16(struct rig *r, uint32_t a)
{
	uint16_t v;
	mem_read(r->mem, a, &v, 2);
	return v;
}

static inline uint32_t get32(struct rig *r, uint32_t a)
{
	uint32_t v;
	mem_read(r->mem, a, &v, 4);
	return v;
}

static inline uint64_t get64(struct rig *r, uint32_t a)
{
	uint64_t v;
	mem_read(r->mem, a, &v, 8);
	return v;
}

#define ASSERT80(r, a, se, m)                                                \
	do {                                                                 \
		cr_assert_eq(get16(r, (a) + 8), (se), "exp %04x",           \
			     get16(r, (a) + 8));                             \
		cr_assert_eq(get64(r, a), (m), "mant %016llx",               \
			     (unsigned long long)get64(r, a));               \
	} while (0)

static inline struct cpu_fpu fpu_of(struct rig *r)
{
	struct cpu_state s;
	cpu_get_state(r->cpu, &s);
	return s.fpu;
}

static inline uint64_t cpu_get_state_rip(struct rig *r)
{
	struct cpu_state s;
	cpu_get_state(r->cpu, &s);
	return s.rip;
}

#endif
