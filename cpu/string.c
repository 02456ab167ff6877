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
		uint32_t v = rdsz(c, i->seg, areg(c, REG_SI, &s), i->size);
		wrsz(c, SEG_ES, areg(c, REG_DI, &s), i->size, v);
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
		wrsz(c, SEG_ES, areg(c, REG_DI, &s), i->size, v);
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
		reg_set(c, REG_AX, i->size,
			rdsz(c, i->seg, areg(c, REG_SI, &s), i->size));
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
		uint32_t a = rdsz(c, i->seg, areg(c, REG_SI, &s), sz);
		uint32_t b = rdsz(c, SEG_ES, areg(c, REG_DI, &s), sz);
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
		uint32_t b = rdsz(c, SEG_ES, areg(c, REG_DI, &s), sz);
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
	do {
		uint32_t v = bus_in(c->bus, port, i->size);
		wrsz(c, SEG_ES, areg(c, REG_DI, &s), i->size, v);
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
	do {
		uint32_t v = rdsz(c, i->seg, areg(c, REG_SI, &s), i->size);
		bus_out(c->bus, port, v, i->size);
		areg_add(c, REG_SI, &s, s.step);
	} while (i->rep && !rep_next(c, i, &s, false));
}
