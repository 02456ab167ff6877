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
		bool zf = cpu_arith_flags(c) & FLAG_ZF;
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

void op_movs(struct cpu *c, const struct insn *i)
{
	struct strctx s;

	str_init(c, i, &s);
	if (i->rep && areg(c, REG_CX, &s) == 0)
		return;
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
