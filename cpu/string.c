/* cpu/string.c: MOVS CMPS STOS LODS SCAS INS OUTS, with REP/REPE/REPNE.
 *
 * A REP loop runs inside one handler call; in cpu_run it yields (IP back
 * at the instruction, registers showing the progress) when the budget runs
 * out or an interrupt is waiting, and resumes on the next pass.
 */
#include "cpu/interp.h"

struct strctx {
	uint32_t am;    /* address-size mask */
	uint32_t step;  /* +size or -size, modulo 2^32 */
};

static inline void str_init(struct cpu *c, const struct insn *i,
			    struct strctx *s)
{
	s->am = i->asize == 2 ? 0xffff : 0xffffffffu;
	s->step = (c->s.rflags & FLAG_DF) ? 0u - i->size : i->size;
}

static inline uint32_t areg(const struct cpu *c, unsigned r,
			    const struct strctx *s)
{
	return (uint32_t)c->s.gpr[r] & s->am;
}

static inline void areg_add(struct cpu *c, unsigned r,
			    const struct strctx *s, uint32_t d)
{
	uint32_t v = ((uint32_t)c->s.gpr[r] + d) & s->am;
	c->s.gpr[r] = (c->s.gpr[r] & ~(uint64_t)s->am) | v;
}

/* The 286 moves the index register(s) before a string access beyond the
 * segment limit faults, and in a REP loop also counts CX down: once for a
 * read, twice for a write (its write trails the next decrement), not at all
 * for CMPS. `regs` is a bit mask of index registers to step. */
static inline void str_check(struct cpu *c, const struct insn *i,
			     const struct strctx *s, unsigned seg,
			     uint32_t off, unsigned regs, unsigned cxdec)
{
	if (likely((uint64_t)off + i->size - 1 <= c->s.seg[seg].limit) ||
	    !c->q->str_fault_late)
		return;
	if (regs & (1u << REG_SI))
		areg_add(c, REG_SI, s, s->step);
	if (regs & (1u << REG_DI))
		areg_add(c, REG_DI, s, s->step);
	if (i->rep)
		areg_add(c, REG_CX, s, (0u - cxdec) & s->am);
	cpu_fault(c, EXC_GP);
}

#define SI_ (1u << REG_SI)
#define DI_ (1u << REG_DI)

/* One REP iteration done: count down; true if the loop should stop.
 * `cmp` selects the REPE/REPNE test on ZF. */
static inline bool rep_next(struct cpu *c, const struct insn *i,
			    const struct strctx *s, bool cmp)
{
	areg_add(c, REG_CX, s, s->am);
	add_cycles(c, c->q->cyc->one[i->op].r);
	if (cmp) {
		/* CMPS/SCAS just did lf_set(LF_SUB) with a masked result. */
		bool zf = c->lf_res == 0;
		if ((i->rep == REP_E) != zf)
			return true;
	}
	if (areg(c, REG_CX, s) == 0)
		return true;
	if (unlikely(rep_should_yield(c))) {
		c->s.rip = c->insn_ip;
		return true;
	}
	return false;
}

/* --- bulk REP on RAM ---------------------------------------------------
 * A REP with DF = 0 whose elements lie in one RAM page per operand, inside
 * the segment limits and address-size wrap, runs as memmove/memset/memchr
 * on host pointers: the same register results, memory and cycles as the
 * element loop (n iterations cost n * the per-iteration cycles), and the
 * chunk ends where the element loop could first yield (budget), so yields
 * happen at the same iteration. Anything else (faults, MMIO, page or
 * limit crossings, DF = 1, overlapping MOVS, a pending interrupt) takes the
 * element loop, one element at a time, then bulk is retried. */

/* Iterations a chunk may run: CX, cut where the loop could first yield
 * on the cycle budget; 0 when an event is already pending. */
static inline uint32_t rep_bound(const struct cpu *c, const struct insn *i,
				 const struct strctx *s)
{
	uint32_t n = areg(c, REG_CX, s);
	unsigned r;
	uint64_t cy;

	if (c->stepping)
		return n;
	if (c->stop_req || (c->irq && c->irq->intr && (c->s.rflags & FLAG_IF)) ||
	    (c->s.events.nmi_pending && !c->s.events.nmi_masked))
		return 0;
	r = c->q->cyc->one[i->op].r;
	cy = c->clock->cycles;
	if (r) {
		uint64_t m = cy < c->limit ? (c->limit - cy - 1) / r + 1 : 1;
		if (m < n)
			n = (uint32_t)m;
	}
	return n;
}

/* Host pointer to elements at seg:off for up to *n elements (cut to what
 * stays on the page and inside the limits), or NULL. *pa: physical. */
static inline uint8_t *str_span(struct cpu *c, const struct insn *i,
				const struct strctx *s, unsigned seg,
				uint32_t off, bool write, uint32_t *n,
				uint32_t *pa)
{
	const struct seg_chk *k = &c->sc[seg];
	unsigned sz = i->size;
	int64_t lim = write ? k->wlim : k->rlim;
	uint32_t rel = off - k->lo, lin, po;
	uint64_t m;
	uint8_t *host;

	if (lim < 0 || (int64_t)rel > lim)
		return NULL;
	m = ((uint64_t)lim - rel + 1) / sz;
	if ((uint64_t)s->am - off + 1 < m * sz)
		m = ((uint64_t)s->am - off + 1) / sz;
	if (c->q->str_fault_late) {
		uint64_t l = c->s.seg[seg].limit;
		if ((uint64_t)off + sz - 1 > l)
			return NULL;
		if ((l - off + 1) / sz < m)
			m = (l - off + 1) / sz;
	}
	lin = seg_lin(c, seg, off);
	po = lin & (MEM_PAGE_SIZE - 1);
	if ((MEM_PAGE_SIZE - po) / sz < m)
		m = (MEM_PAGE_SIZE - po) / sz;
	if (m == 0)
		return NULL;
	if (!c->paging) {
		*pa = lin & c->mem->mask;
		host = write ? c->mem->wr[*pa >> MEM_PAGE_SHIFT]
			     : c->mem->rd[*pa >> MEM_PAGE_SHIFT];
	} else {
		const struct tlb_entry *e =
			&c->tlb[c->tlb_user + write][(lin >> 12) & (TLB_SIZE - 1)];
		if (e->tag != lin >> 12)
			return NULL;
		host = e->host;
		*pa = (e->pa & ~0xfffu) | po;
	}
	if (!host)
		return NULL;
	if (m < *n)
		*n = (uint32_t)m;
	return host + po;
}

/* After a bulk chunk of n iterations: the element loop's checks at its
 * n-th rep_next (CX already counted down). True: the instruction ends. */
static inline bool rep_chunk_end(struct cpu *c, const struct insn *i,
				 const struct strctx *s, uint32_t n)
{
	add_cycles(c, c->q->cyc->one[i->op].r * n);
	if (areg(c, REG_CX, s) == 0)
		return true;
	if (unlikely(rep_should_yield(c))) {
		c->s.rip = c->insn_ip;
		return true;
	}
	return false;
}

static inline void str_fill(uint8_t *d, uint32_t v, unsigned sz, uint32_t n)
{
	if (sz == 1) {
		memset(d, (int)v, n);
	} else if (sz == 2) {
		uint16_t w = (uint16_t)v;
		for (uint32_t k = 0; k < n; k++)
			memcpy(d + 2 * k, &w, 2);
	} else {
		for (uint32_t k = 0; k < n; k++)
			memcpy(d + 4 * k, &v, 4);
	}
}

void op_movs(struct cpu *c, const struct insn *i)
{
	struct strctx s;

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	while (i->rep && !(c->s.rflags & FLAG_DF)) {
		uint32_t n = rep_bound(c, i, &s), spa, dpa, bytes;
		const uint8_t *src;
		uint8_t *dst;
		if (!n)
			break;
		src = str_span(c, i, &s, i->seg, areg(c, REG_SI, &s), false,
			       &n, &spa);
		if (!src)
			break;
		dst = str_span(c, i, &s, SEG_ES, areg(c, REG_DI, &s), true,
			       &n, &dpa);
		if (!dst)
			break;
		bytes = n * i->size;
		if (dst > src && dst < src + bytes)
			break;
		memmove(dst, src, bytes);
		mem_note_write_range(c->mem, dpa, bytes);
		areg_add(c, REG_SI, &s, bytes);
		areg_add(c, REG_DI, &s, bytes);
		areg_add(c, REG_CX, &s, (0u - n) & s.am);
		if (rep_chunk_end(c, i, &s, n))
			return;
	}
	do {
		uint32_t si = areg(c, REG_SI, &s), di = areg(c, REG_DI, &s);
		uint32_t v;
		str_check(c, i, &s, i->seg, si, SI_, 1);
		v = rdsz(c, i->seg, si, i->size);
		str_check(c, i, &s, SEG_ES, di, SI_ | DI_, 2);
		wrsz(c, SEG_ES, di, i->size, v);
		areg_add(c, REG_SI, &s, s.step);
		areg_add(c, REG_DI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, false));
}

void op_stos(struct cpu *c, const struct insn *i)
{
	struct strctx s;
	uint32_t v = reg_get(c, REG_AX, i->size);

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	while (i->rep && !(c->s.rflags & FLAG_DF)) {
		uint32_t n = rep_bound(c, i, &s), dpa, bytes;
		uint8_t *dst;
		if (!n)
			break;
		dst = str_span(c, i, &s, SEG_ES, areg(c, REG_DI, &s), true,
			       &n, &dpa);
		if (!dst)
			break;
		bytes = n * i->size;
		str_fill(dst, v, i->size, n);
		mem_note_write_range(c->mem, dpa, bytes);
		areg_add(c, REG_DI, &s, bytes);
		areg_add(c, REG_CX, &s, (0u - n) & s.am);
		if (rep_chunk_end(c, i, &s, n))
			return;
	}
	do {
		uint32_t di = areg(c, REG_DI, &s);
		str_check(c, i, &s, SEG_ES, di, DI_, 2);
		wrsz(c, SEG_ES, di, i->size, v);
		areg_add(c, REG_DI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, false));
}

void op_lods(struct cpu *c, const struct insn *i)
{
	struct strctx s;

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	do {
		uint32_t si = areg(c, REG_SI, &s);
		str_check(c, i, &s, i->seg, si, SI_, 1);
		reg_set(c, REG_AX, i->size, rdsz(c, i->seg, si, i->size));
		areg_add(c, REG_SI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, false));
}

void op_cmps(struct cpu *c, const struct insn *i)
{
	struct strctx s;
	unsigned sz = i->size;

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	do {
		uint32_t si = areg(c, REG_SI, &s), di = areg(c, REG_DI, &s);
		uint32_t a, b;
		str_check(c, i, &s, SEG_ES, di, DI_, 0);
		b = rdsz(c, SEG_ES, di, sz);
		str_check(c, i, &s, i->seg, si, SI_ | DI_, 0);
		a = rdsz(c, i->seg, si, sz);
		lf_set(c, LF_SUB, sz, (a - b) & size_mask(sz), a, b);
		areg_add(c, REG_SI, &s, s.step);
		areg_add(c, REG_DI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, true));
}

void op_scas(struct cpu *c, const struct insn *i)
{
	struct strctx s;
	unsigned sz = i->size;
	uint32_t a = reg_get(c, REG_AX, sz);

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	while (!(c->s.rflags & FLAG_DF) && i->rep) {
		uint32_t n = rep_bound(c, i, &s), dpa, k, b = 0;
		const uint8_t *p;
		bool stop = false;
		if (!n)
			break;
		p = str_span(c, i, &s, SEG_ES, areg(c, REG_DI, &s), false,
			     &n, &dpa);
		if (!p)
			break;
		/* k iterations: up to and including the first element that
		 * ends the loop on ZF (REPNE: equal, REPE: different). */
		for (k = 0; k < n;) {
			b = sz == 1 ? p[k] : sz == 2 ? (uint32_t)p[2 * k] |
						    (uint32_t)p[2 * k + 1] << 8
			    : (uint32_t)p[4 * k] | (uint32_t)p[4 * k + 1] << 8 |
				      (uint32_t)p[4 * k + 2] << 16 |
				      (uint32_t)p[4 * k + 3] << 24;
			k++;
			if ((i->rep == REP_E) != (a == b)) {
				stop = true;
				break;
			}
		}
		lf_set(c, LF_SUB, sz, (a - b) & size_mask(sz), a, b);
		areg_add(c, REG_DI, &s, k * sz);
		areg_add(c, REG_CX, &s, (0u - k) & s.am);
		if (stop) {
			add_cycles(c, c->q->cyc->one[i->op].r * k);
			return;
		}
		if (rep_chunk_end(c, i, &s, k))
			return;
	}
	do {
		uint32_t di = areg(c, REG_DI, &s), b;
		str_check(c, i, &s, SEG_ES, di, DI_, 1);
		b = rdsz(c, SEG_ES, di, sz);
		lf_set(c, LF_SUB, sz, (a - b) & size_mask(sz), a, b);
		areg_add(c, REG_DI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, true));
}

void op_ins(struct cpu *c, const struct insn *i)
{
	struct strctx s;
	uint16_t port = (uint16_t)c->s.gpr[REG_DX];

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	io_check(c, port, i->size);
	do {
		uint32_t di = areg(c, REG_DI, &s), v;
		str_check(c, i, &s, SEG_ES, di, DI_, 2);
		v = bus_in(c->bus, port, i->size);
		wrsz(c, SEG_ES, di, i->size, v);
		areg_add(c, REG_DI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, false));
}

void op_outs(struct cpu *c, const struct insn *i)
{
	struct strctx s;
	uint16_t port = (uint16_t)c->s.gpr[REG_DX];

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
	io_check(c, port, i->size);
	do {
		uint32_t si = areg(c, REG_SI, &s), v;
		str_check(c, i, &s, i->seg, si, SI_, 1);
		v = rdsz(c, i->seg, si, i->size);
		bus_out(c->bus, port, v, i->size);
		areg_add(c, REG_SI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, false));
}
