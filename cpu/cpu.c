/* cpu/cpu.c: interpreter state, the run loop, interrupts and exceptions.
 *
 * One instruction: fetch up to 16 bytes at CS:IP, decode, advance IP, call
 * the handler, charge its cycles. A fault longjmps back to the loop after
 * the exception has been delivered, so handlers never check for errors and
 * the fast path carries no error tests.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/ident.h"
#include "cpu/pm.h"
#include "mmu/paging.h"

struct cpu *cpu_create(const struct cpu_model *model, struct mem *mem,
		       struct bus *bus, struct clock *clock, struct irq *irq,
		       struct log *log)
{
	struct cpu *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->model = model;
	c->q = cpu_model_quirks(model);
	c->mem = mem;
	c->bus = bus;
	c->clock = clock;
	c->irq = irq;
	c->log = log;
	c->icount_limit = UINT64_MAX;
	if (cpu_block_init(c)) {
		cpu_block_free(c);
		free(c);
		return NULL;
	}
	/* The CPU's address pins define the bus width (1 MiB wrap on the
	 * 8086, 16 MiB on the 286). */
	if (mem)
		mem_set_bus_width(mem, model->addr_bits > 32 ? 32u
						: model->addr_bits);
	cpu_reset(c);
	return c;
}

void cpu_destroy(struct cpu *c)
{
	if (c)
		cpu_block_free(c);
	free(c);
}

void cpu_set_hooks(struct cpu *c, const struct cpu_hooks *hooks)
{
	if (hooks)
		c->hooks = *hooks;
	else
		memset(&c->hooks, 0, sizeof(c->hooks));
}

void cpu_reset(struct cpu *c)
{
	struct cpu_state *s = &c->s;

	memset(s, 0, sizeof(*s));
	for (unsigned k = 0; k < CPU_NSEG; k++) {
		s->seg[k].limit = 0xffff;
		s->seg[k].attr = 0x93;
	}
	s->seg[SEG_CS].attr = 0x9b;
	s->ldtr.limit = s->tr.limit = 0xffff;
	s->ldtr.attr = 0x82;
	s->tr.attr = 0x8b;
	s->idtr.limit = 0x3ff;
	s->gdtr.limit = 0xffff;
	s->seg[SEG_CS].sel = c->q->reset_cs;
	s->seg[SEG_CS].base = c->q->reset_base;
	s->rip = c->q->reset_ip;
	s->cr0 = c->q->reset_cr0;
	s->rflags = c->q->flags_one;
	s->gpr[REG_DX] = c->q->reset_edx;
	s->dr[6] = 0xffff0ff0u;
	s->dr[7] = 0x400;
	fpu_reset(c);
	cpu_msr_reset(c);
	c->lf_op = LF_NONE;
	c->exc_depth = 0;
	c->exc_ext = false;
	c->shutdown = false;
	cpu_dbg_cancel(c); /* a breakpoint hit of the replaced state */
	cpu_mode_sync(c);
	if (c->mem)
		cpu_tlb_flush(c, true);
}

/* --- slow memory paths: offsets at the segment limit ------------------- */

/* The 8086 wraps a word at offset FFFF to offset 0 of the same segment;
 * the 286 raises #GP (also for SS in real mode, as the vectors show). */
uint16_t cpu_rd16_slow(struct cpu *c, unsigned seg, uint32_t off)
{
	if (!c->q->seg_wrap)
		cpu_seg_fault(c, seg, off);
	return (uint16_t)(rd8(c, seg, off & 0xffff) |
			  rd8(c, seg, (off + 1) & 0xffff) << 8);
}

void cpu_wr16_slow(struct cpu *c, unsigned seg, uint32_t off, uint16_t v)
{
	if (!c->q->seg_wrap)
		cpu_seg_fault(c, seg, off);
	wr8(c, seg, off & 0xffff, (uint8_t)v);
	wr8(c, seg, (off + 1) & 0xffff, (uint8_t)(v >> 8));
}

uint32_t cpu_rd32_slow(struct cpu *c, unsigned seg, uint32_t off)
{
	if (!c->q->seg_wrap)
		cpu_seg_fault(c, seg, off);
	return rd16(c, seg, off & 0xffff) |
	       (uint32_t)rd16(c, seg, (off + 2) & 0xffff) << 16;
}

void cpu_wr32_slow(struct cpu *c, unsigned seg, uint32_t off, uint32_t v)
{
	if (!c->q->seg_wrap)
		cpu_seg_fault(c, seg, off);
	wr16(c, seg, off & 0xffff, (uint16_t)v);
	wr16(c, seg, (off + 2) & 0xffff, (uint16_t)(v >> 16));
}

/* --- exceptions --------------------------------------------------------- */

/* #DE, #TS, #NP, #SS, #GP: a second one while delivering one of these (or
 * #PF) is a double fault. */
static bool exc_contributory(unsigned vec)
{
	return vec == EXC_DE || (vec >= EXC_TS && vec <= EXC_GP);
}

static _Noreturn void cpu_deliver_and_unwind(struct cpu *c, unsigned vec,
					     uint32_t err)
{
	if (c->exc_depth > 0) {
		unsigned prev = c->exc_vec;
		bool cv = exc_contributory(vec);
		if (prev == EXC_DF || c->exc_depth > 4) {
			/* A fault while delivering #DF: shutdown. */
			c->shutdown = true;
			/* The board logs the reset; details on request. */
			log_debug(c->log, CPU, "triple fault at %04x:%08x "
				 "(vector %u while delivering %u)",
				 c->s.seg[SEG_CS].sel, c->insn_ip, vec, prev);
			longjmp(c->jb, 1);
		}
		if ((exc_contributory(prev) && cv) ||
		    (prev == EXC_PF && (cv || vec == EXC_PF))) {
			vec = EXC_DF;
			err = 0;
		}
	}
	c->exc_depth++;
	c->exc_vec = (uint8_t)vec;
	cpu_intr(c, vec, INT_EXC, err);
	c->exc_depth = 0;
	longjmp(c->jb, 1);
}

/* A fault: the instruction is undone (IP and SP back to their values at
 * its start) and the exception returns to it. */
_Noreturn void cpu_fault_err(struct cpu *c, unsigned vec, uint32_t err)
{
	c->s.rip = c->insn_ip;
	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~0xffffffffull) | c->insn_sp;
	cpu_deliver_and_unwind(c, vec, err);
}

_Noreturn void cpu_fault(struct cpu *c, unsigned vec)
{
	cpu_fault_err(c, vec, 0);
}

/* A trap raised mid-handler: returns after the instruction. */
_Noreturn void cpu_trap_exit(struct cpu *c, unsigned vec)
{
	cpu_deliver_and_unwind(c, vec, 0);
}

/* --- the run loop ------------------------------------------------------ */

/* Byte by byte: the bytes wrap the segment (real mode), cross a page or
 * are not plain RAM/ROM, or the CS limit or paging stops the fetch early.
 * fetch_valid counts the bytes before the first that cannot be fetched;
 * the decoded length then tells whether the instruction needs it (so an
 * instruction ending right before a bad page does not fault). Bytes on a
 * later page that is not RAM/ROM read as FFh instead of touching MMIO: a
 * device register must not see a read just because code ends below it. */
static const uint8_t *cpu_fetch_slow(struct cpu *c, uint32_t ip,
				     uint8_t *buf)
{
	uint32_t base = (uint32_t)c->s.seg[SEG_CS].base;
	uint32_t lim = c->s.seg[SEG_CS].limit;
	uint32_t first = 0, page = 0;
	unsigned acc = PW_FETCH | (c->cpl == 3 ? PW_USER : 0);
	bool pe = c->s.cr0 & CR0_PE;

	/* Instruction breakpoints keep every fetch on this path. */
	if (unlikely(c->dbg_ibp))
		cpu_ibp_check(c, ip);
	if (lim > c->ip_mask)
		lim = c->ip_mask;
	c->fetch_valid = FETCH_MAX;
	for (unsigned k = 0; k < FETCH_MAX; k++) {
		uint32_t lin = base + ((ip + k) & c->ip_mask), pa;
		if (pe && (uint64_t)ip + k > lim) {
			c->fetch_valid = k;
			break;
		}
		if (c->paging) {
			if (k == 0 || (lin & 0xfff) == 0) {
				if (!cpu_translate(c, lin, acc, true, &pa)) {
					c->fetch_valid = k;
					break;
				}
				page = pa & ~0xfffu;
			}
			pa = page | (lin & 0xfff);
		} else {
			pa = lin & c->mem->mask;
		}
		if (k == 0)
			first = pa >> MEM_PAGE_SHIFT;
		if ((pa >> MEM_PAGE_SHIFT) != first &&
		    !c->mem->rd[pa >> MEM_PAGE_SHIFT])
			buf[k] = 0xff;
		else
			buf[k] = mem_read8(c->mem, pa);
	}
	for (unsigned k = c->fetch_valid; k < FETCH_MAX; k++)
		buf[k] = 0;
	return buf;
}

/* The instruction needs a byte past fetch_valid: #GP(0) at the CS limit,
 * else the #PF of the page it is on (CR2 = that byte's address). */
static _Noreturn void cpu_fetch_fault(struct cpu *c, uint32_t ip)
{
	uint32_t lim = c->s.seg[SEG_CS].limit, pa;
	unsigned k = c->fetch_valid;
	unsigned acc = PW_FETCH | (c->cpl == 3 ? PW_USER : 0);

	if (lim > c->ip_mask)
		lim = c->ip_mask;
	if ((c->s.cr0 & CR0_PE) && (uint64_t)ip + k > lim)
		cpu_fault_err(c, EXC_GP, 0);
	cpu_translate(c, (uint32_t)c->s.seg[SEG_CS].base +
			 ((ip + k) & c->ip_mask), acc, false, &pa);
	cpu_fault_err(c, EXC_GP, 0);
}

/* Uncached: fetch byte by byte (limits, page crossings, MMIO, breakpoints)
 * and decode into *tmp. */
static const struct insn *cpu_decode_slow(struct cpu *c, uint32_t ip,
					  struct insn *tmp)
{
	uint8_t buf[FETCH_MAX];

	cpu_fetch_slow(c, ip, buf);
	cpu_decode(c->q, buf, FETCH_MAX, c->code32, tmp);
	if (tmp->len > c->fetch_valid)
		cpu_fetch_fault(c, ip);
	return tmp;
}

/* The block starting at CS:IP when CS:IP is well inside the CS limit on a
 * RAM/ROM page (the linear->physical mapping is checked through the TLB
 * every time), else NULL. */
static inline __attribute__((always_inline)) struct block *
cpu_block_at(struct cpu *c, uint32_t ip)
{
	uint32_t lin = (uint32_t)c->s.seg[SEG_CS].base + ip, pa;
	const uint8_t *page;
	struct block *b;

	if (unlikely((int64_t)ip > c->fetch_fast))
		return NULL;
	if (likely(!c->paging)) {
		pa = lin & c->mem->mask;
		page = c->mem->rd[pa >> MEM_PAGE_SHIFT];
	} else {
		const struct tlb_entry *e;
		if (unlikely(c->mem->write_gen != c->tlb_gen))
			cpu_tlb_flush(c, true);
		e = &c->tlb[c->tlb_user][(lin >> 12) & (TLB_SIZE - 1)];
		page = e->tag == lin >> 12 ? e->host : NULL;
		pa = (e->pa & ~0xfffu) | (lin & 0xfff);
	}
	if (unlikely(!page))
		return NULL;
	b = c->bc[BC_INDEX(pa)];
	if (likely(b && b->key == BC_KEY(pa, c->code32) &&
		   b->gen == c->mem->code_gen[pa >> MEM_PAGE_SHIFT] &&
		   (int64_t)(ip + b->span) <= c->fetch_fast))
		return b;
	return cpu_block_build(c, pa, page, ip);
}

/* One instruction (single-stepping, TF, breakpoints, page crossings). */
static void cpu_exec(struct cpu *c)
{
	struct insn tmp;
	const struct insn *i;
	const struct block *b;
	uint32_t ip = (uint32_t)c->s.rip & c->ip_mask;
	bool tf = c->s.rflags & FLAG_TF;

	c->insn_ip = ip;
	c->insn_sp = (uint32_t)c->s.gpr[REG_SP];
	c->exc_depth = 0;
	b = cpu_block_at(c, ip);
	i = b ? &b->i[0] : cpu_decode_slow(c, ip, &tmp);
	c->s.rip = (ip + i->len) & c->ip_mask;
	i->fn(c, i);
	c->clock->cycles += i->cycles;
	c->icount++;
	if (unlikely(tf)) {
		/* Single-step trap after the instruction (also after HLT,
		 * whose handler then returns past it). */
		c->insn_ip = (uint32_t)c->s.rip;
		c->insn_sp = (uint32_t)c->s.gpr[REG_SP];
		c->s.events.halted = false;
		c->s.dr[6] |= 0x4000; /* BS */
		if (unlikely(c->dbg_hit)) /* one #DB for both */
			c->s.dr[6] = (c->s.dr[6] & ~0xfull) | cpu_dbg_take(c);
		cpu_intr(c, EXC_DB, INT_EXC, 0);
	}
}

/* Remember b as the successor of the block that ran before (see struct
 * block_link). */
static inline void cpu_block_link(struct cpu *c, struct block *b, uint32_t lin)
{
	struct block_link *l = &c->chain_from->link[c->chain_slot];

	l->to = b;
	l->epoch = c->chain_epoch;
	l->wgen = c->mem->write_gen;
	l->lin = lin;
	c->chain_from = NULL;
}

/* The successor of b at CS:ip, if b linked to it and the link still
 * holds (slot 0: fall-through). */
static inline struct block *cpu_block_next(struct cpu *c, struct block *b,
					   unsigned slot, uint32_t ip)
{
	const struct block_link *l = &b->link[slot];
	struct block *n = l->to;

	if (n && l->lin == (uint32_t)c->s.seg[SEG_CS].base + ip &&
	    l->epoch == c->chain_epoch && l->wgen == c->mem->write_gen &&
	    n->gen == c->mem->code_gen[n->pfn] &&
	    (int64_t)(ip + n->span) <= c->fetch_fast)
		return n;
	return NULL;
}

/* Run blocks from CS:IP: each stops after its last instruction, a jump, a
 * write to its page's code, or when the cycle limit is reached (an
 * interrupt request or breakpoint hit sets it to 0). Control then passes
 * straight to a linked successor unless the last instruction needs the
 * run loop's checks, the limit is reached or the link no longer holds. */
static __attribute__((noinline)) void cpu_exec_block(struct cpu *c)
{
	uint32_t ip = (uint32_t)c->s.rip & c->ip_mask;
	struct block *b;
	struct clock *clk = c->clock;

	if (unlikely(c->s.rflags & FLAG_TF) || !(b = cpu_block_at(c, ip))) {
		c->chain_from = NULL;
		cpu_exec(c);
		return;
	}
	if (c->chain_from)
		cpu_block_link(c, b, (uint32_t)c->s.seg[SEG_CS].base + ip);
	/* Exception delivery leaves through the longjmp with exc_depth back
	 * at 0, so once per block run is enough. */
	c->exc_depth = 0;
	for (;;) {
		const struct insn *i = b->i, *end;
		const uint64_t *genp = &c->mem->code_gen[b->pfn];
		uint64_t left = c->icount_limit - c->icount;
		uint32_t start = ip;
		struct block *next_b;
		unsigned slot;

		end = b->i + (left < b->n ? left : b->n);
		for (;;) {
			uint32_t next = ip + i->len;
			c->insn_ip = ip;
			c->insn_sp = (uint32_t)c->s.gpr[REG_SP];
			c->s.rip = next;
			i->fn(c, i);
			clk->cycles += i->cycles;
			c->icount++;
			if (++i == end || c->s.rip != next ||
			    clk->cycles >= c->limit || *genp != b->gen)
				break;
			ip = next;
		}
		if (b->term && i == b->i + b->n) {
			c->chain_from = NULL;
			return;
		}
		ip = (uint32_t)c->s.rip;
		slot = ip != start + b->end;
		next_b = NULL;
		if (clk->cycles < c->limit && c->icount < c->icount_limit)
			next_b = cpu_block_next(c, b, slot, ip);
		if (!next_b) {
			c->chain_from = b;
			c->chain_slot = slot;
			return;
		}
		b = next_b;
	}
}

/* Interrupt shadow, NMI, INTR and HLT at an instruction boundary. Returns
 * false if the CPU stays halted. */
static bool cpu_events(struct cpu *c)
{
	struct cpu_events *ev = &c->s.events;

	if (unlikely(c->dbg_hit))
		return true; /* the breakpoint trap comes first (below) */
	if (ev->intr_shadow) {
		/* One instruction in the shadow, then look again. */
		ev->intr_shadow = false;
		c->single = true;
		return !ev->halted;
	}
	c->insn_ip = (uint32_t)c->s.rip;
	c->insn_sp = (uint32_t)c->s.gpr[REG_SP];
	c->exc_depth = 0;
	if (ev->nmi_pending && !ev->nmi_masked) {
		ev->nmi_pending = false;
		ev->nmi_masked = true;
		ev->halted = false;
		cpu_interrupt(c, EXC_NMI);
	} else if (c->irq && c->irq->intr && (c->s.rflags & FLAG_IF)) {
		int vec = irq_acknowledge(c->irq);
		if (vec >= 0) {
			ev->halted = false;
			cpu_interrupt(c, (unsigned)vec & 0xff);
		}
	}
	return !ev->halted;
}

static inline bool cpu_events_pending(const struct cpu *c)
{
	const struct cpu_events *ev = &c->s.events;
	return ev->intr_shadow || ev->nmi_pending || ev->halted ||
	       (c->irq && c->irq->intr);
}

enum cpu_exit cpu_run(struct cpu *c, uint64_t cycle_limit)
{
	c->limit = c->run_limit = cycle_limit;
	c->stop_req = false;
	c->stepping = false;
	if (setjmp(c->jb)) {
		/* An exception was delivered; the faulting instruction
		 * counts as retired. */
		c->icount++;
		cpu_dbg_cancel(c);
	}
	if (unlikely(c->dbg_hit)) { /* pending from an ICOUNT stop */
		c->dbg_limit = c->limit;
		c->limit = 0;
	}
	if (unlikely(c->shutdown))
		return CPU_EXIT_SHUTDOWN;
	for (;;) {
		/* shutdown is only set on the way to the longjmp above. */
		/* Before the boundary's events: a stop here changes nothing. */
		if (unlikely(c->icount >= c->icount_limit))
			return CPU_EXIT_ICOUNT;
		if (unlikely(cpu_events_pending(c)) && !cpu_events(c))
			return CPU_EXIT_HALT;
		if (unlikely(c->clock->cycles >= c->limit)) {
			/* A data/I/O breakpoint hit sets limit to 0. */
			if (c->dbg_hit) {
				cpu_dbg_trap(c);
				continue;
			}
			if (c->stop_req)
				return CPU_EXIT_STOP;
			if (c->clock->cycles < c->run_limit) {
				/* A kick: look at the events again. */
				c->limit = c->run_limit;
				continue;
			}
			return CPU_EXIT_BUDGET;
		}
		if (unlikely(c->single)) {
			c->single = false;
			cpu_exec(c);
		} else {
			cpu_exec_block(c);
		}
	}
}

enum cpu_exit cpu_step(struct cpu *c)
{
	c->limit = c->run_limit = UINT64_MAX;
	c->stop_req = false;
	c->stepping = true;
	if (setjmp(c->jb)) {
		c->icount++;
		cpu_dbg_cancel(c);
	} else if (!c->shutdown) {
		if (c->dbg_hit) { /* pending from an ICOUNT stop */
			c->dbg_limit = c->limit;
			c->limit = 0;
		} else if (!cpu_events_pending(c) || cpu_events(c)) {
			cpu_exec(c);
		}
		if (c->dbg_hit)
			cpu_dbg_trap(c);
	}
	c->stepping = false;
	if (c->shutdown)
		return CPU_EXIT_SHUTDOWN;
	return c->s.events.halted ? CPU_EXIT_HALT : CPU_EXIT_BUDGET;
}

void cpu_stop(struct cpu *c)
{
	c->stop_req = true;
	c->limit = 0;
}

void cpu_nmi(struct cpu *c)
{
	c->s.events.nmi_pending = true;
	cpu_kick(c);
}

void cpu_kick(struct cpu *c)
{
	c->limit = 0;
}

bool cpu_halted(const struct cpu *c)
{
	return c->s.events.halted;
}

void cpu_get_state(struct cpu *c, struct cpu_state *s)
{
	c->s.rflags = cpu_flags_read(c);
	c->s.tsc = cpu_tsc_read(c);
	*s = c->s;
}

void cpu_set_state(struct cpu *c, const struct cpu_state *s)
{
	c->s = *s;
	c->lf_op = LF_NONE;
	c->s.rflags = (s->rflags & c->q->flags_rw) | c->q->flags_one;
	cpu_tsc_write(c, s->tsc);
	c->shutdown = false;
	cpu_mode_sync(c);
	if (c->mem)
		cpu_tlb_flush(c, true);
	cpu_block_flush(c); /* RAM may have been replaced behind the map */
}

uint64_t cpu_icount(const struct cpu *c)
{
	return c->icount;
}

void cpu_set_icount(struct cpu *c, uint64_t n)
{
	c->icount = n;
}

void cpu_set_icount_limit(struct cpu *c, uint64_t n)
{
	c->icount_limit = n;
}

uint64_t cpu_pc_linear(const struct cpu *c)
{
	return (c->s.seg[SEG_CS].base + (c->s.rip & c->ip_mask)) & 0xffffffffu;
}

const struct cpu_model *cpu_model_of(const struct cpu *c)
{
	return c->model;
}

void cpu_flush_caches(struct cpu *c)
{
	cpu_tlb_flush(c, true);
	cpu_block_flush(c); /* RAM may have been replaced behind the map */
}
