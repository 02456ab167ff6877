/* cpu/pm.h: protected-mode helpers shared by seg.c, far.c, intr.c, task.c,
 * segins.c and sysreg.c (descriptors, selector faults, stacks by address).
 */
#ifndef LUCID_CPU_PM_H
#define LUCID_CPU_PM_H

#include "cpu/interp.h"

/* attr bits (access byte in 0-7, G/DB/L/AVL in 8-11). */
#define A_ACC 0x001   /* accessed (code/data) */
#define A_RW 0x002    /* data: writable; code: readable */
#define A_ED 0x004    /* data: expand-down; code: conforming */
#define A_CODE 0x008
#define A_S 0x010     /* code/data (else system) */
#define A_DPL 0x060
#define A_P 0x080
#define A_DB 0x400
#define A_G 0x800

/* System descriptor types (attr & 0x1f with S = 0). */
enum {
	SYS_TSS16 = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL16 = 4,
	SYS_TASK = 5, SYS_INT16 = 6, SYS_TRAP16 = 7, SYS_TSS32 = 9,
	SYS_TSS32_BUSY = 11, SYS_CALL32 = 12, SYS_INT32 = 14, SYS_TRAP32 = 15,
};

/* Raw 8-byte descriptor. */
struct desc {
	uint32_t lo, hi;
};

static inline uint32_t desc_base(const struct desc *d)
{
	return (d->lo >> 16) | ((d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
}

static inline uint32_t desc_limit(const struct desc *d)
{
	uint32_t l = (d->lo & 0xffff) | (d->hi & 0xf0000);
	return (d->hi & (1u << 23)) ? (l << 12) | 0xfff : l;
}

static inline uint16_t desc_attr(const struct desc *d)
{
	return (uint16_t)(((d->hi >> 8) & 0xff) | ((d->hi >> 12) & 0xf00));
}

static inline unsigned attr_dpl(uint32_t a)
{
	return (a >> 5) & 3;
}

/* Gate fields. */
static inline uint16_t gate_sel(const struct desc *d)
{
	return (uint16_t)(d->lo >> 16);
}

static inline uint32_t gate_off(const struct desc *d, bool is32)
{
	uint32_t o = d->lo & 0xffff;
	return is32 ? o | (d->hi & 0xffff0000u) : o;
}

/* Selector error code: index, TI, and EXT while delivering an event. */
static inline uint32_t sel_err(const struct cpu *c, uint16_t sel)
{
	return (sel & 0xfffcu) | (c->exc_ext ? 1u : 0u);
}

_Noreturn static inline void fault_sel(struct cpu *c, unsigned vec,
				       uint16_t sel)
{
	cpu_fault_err(c, vec, sel_err(c, sel));
}

static inline bool cpu_pe(const struct cpu *c)
{
	return c->s.cr0 & CR0_PE;
}

static inline bool cpu_v86(const struct cpu *c)
{
	return c->s.rflags & FLAG_VM;
}

static inline unsigned cpu_iopl(const struct cpu *c)
{
	return (c->s.rflags >> 12) & 3;
}

/* paging.c: linear accesses at an explicit privilege (user: CPL 3 rules);
 * a page-crossing write checks both pages before writing. */
uint32_t cpu_vrd(struct cpu *c, uint32_t lin, unsigned sz, bool user);
void cpu_vwr(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v, bool user);

/* seg.c */
bool desc_read(struct cpu *c, uint16_t sel, struct desc *d);
void desc_write_hi(struct cpu *c, uint16_t sel, uint32_t hi);
void desc_set_accessed(struct cpu *c, uint16_t sel, struct desc *d);
void seg_set_desc(struct cpu *c, unsigned seg, uint16_t sel,
		  const struct desc *d);
void seg_set_null(struct cpu *c, unsigned seg, uint16_t sel);
void seg_set_v86(struct cpu *c, unsigned seg, uint16_t sel);
void cpu_set_cpl(struct cpu *c, unsigned cpl);
void cpu_cs_sync(struct cpu *c);
/* Check sel for use as SS at privilege dpl; vec is #TS (stack switch,
 * task switch) or #GP/#SS (a plain load). Returns the descriptor. */
void seg_check_ss(struct cpu *c, uint16_t sel, unsigned cpl, unsigned vec,
		  struct desc *d);
/* Null the data segment registers a return to an outer level may not
 * keep (DPL < new CPL, unless conforming code). */
void seg_invalidate_outer(struct cpu *c);

/* sysreg.c: MOV CR0 / LMSW (validity checks, mode and TLB updates). */
void cpu_cr0_write(struct cpu *c, uint32_t v);

/* intr.c */
void intr_real(struct cpu *c, unsigned vec);
void intr_pm(struct cpu *c, unsigned vec, unsigned kind, uint32_t err);

/* task.c */
enum { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };
void task_switch(struct cpu *c, uint16_t sel, const struct desc *d,
		 unsigned reason, uint32_t next_eip);
/* Inner-level stack from the TSS for privilege dpl. */
void tss_stack(struct cpu *c, unsigned dpl, uint16_t *ss, uint32_t *esp);

/* Stack access by explicit SS:ESP (stack switches build a frame before
 * committing it): wrap per the B bit of the given SS cache. */
struct xstack {
	uint32_t base, limit, sp;
	uint16_t attr;
	bool user; /* accessed at CPL 3 */
	unsigned vec; /* #SS or #TS on a limit violation */
	uint16_t errsel;
};

void xs_push(struct cpu *c, struct xstack *x, unsigned sz, uint32_t v);
uint32_t xs_pop(struct cpu *c, struct xstack *x, unsigned sz);
void xs_from_seg(struct cpu *c, struct xstack *x, unsigned seg);

#endif
