/* cpu/bcd.c: DAA DAS AAA AAS AAM AAD, and SALC (D6, undocumented).
 */
#include "cpu/interp.h"

static inline uint8_t al_get(const struct cpu *c)
{
	return (uint8_t)c->s.gpr[REG_AX];
}

void op_daa(struct cpu *c, const struct insn *i)
{
	uint32_t f = cpu_arith_flags(c);
	uint8_t al = al_get(c), old = al;
	bool cf = f & FLAG_CF, af = f & FLAG_AF;
	uint32_t nf = 0;

	if ((al & 0x0f) > 9 || af) {
		if (al > 0xf9)
			nf |= FLAG_CF; /* carry out of AL + 6 */
		al = (uint8_t)(al + 6);
		nf |= FLAG_AF;
	}
	if (old > (af && c->q->bcd_8086 ? 0x9f : 0x99) || cf) {
		al = (uint8_t)(al + 0x60);
		nf |= FLAG_CF;
	}
	nf |= szp_flags(al, 1);
	/* OF as the chip's internal add leaves it: set when the sign flips
	 * from 0 to 1. */
	if (!(old & 0x80) && (al & 0x80))
		nf |= FLAG_OF;
	reg_set(c, REG_AX, 1, al);
	flags_set_arith(c, nf, FLAGS_ARITH);
}

void op_das(struct cpu *c, const struct insn *i)
{
	uint32_t f = cpu_arith_flags(c);
	uint8_t al = al_get(c), old = al;
	bool cf = f & FLAG_CF, af = f & FLAG_AF;
	uint32_t nf = 0;

	if ((al & 0x0f) > 9 || af) {
		if (al < 6 && !c->q->bcd_8086)
			nf |= FLAG_CF; /* borrow out of AL - 6 */
		al = (uint8_t)(al - 6);
		nf |= FLAG_AF;
	}
	if (old > (af && c->q->bcd_8086 ? 0x9f : 0x99) || cf) {
		al = (uint8_t)(al - 0x60);
		nf |= FLAG_CF;
	}
	nf |= szp_flags(al, 1);
	if ((old & 0x80) && !(al & 0x80))
		nf |= FLAG_OF;
	reg_set(c, REG_AX, 1, al);
	flags_set_arith(c, nf, FLAGS_ARITH);
}

/* AAA/AAS: the 8086 adjusts AL and AH separately; the 286 adds 0106h to
 * AX as a whole, so a carry out of AL reaches AH. */
static void ascii_adjust(struct cpu *c, bool sub)
{
	uint32_t f = cpu_arith_flags(c);
	uint16_t ax = (uint16_t)c->s.gpr[REG_AX];
	uint8_t al = (uint8_t)ax, ah = (uint8_t)(ax >> 8), r;
	uint32_t nf;

	if ((al & 0x0f) > 9 || (f & FLAG_AF)) {
		if (c->q->bcd_8086) {
			r = (uint8_t)(sub ? al - 6 : al + 6);
			ah = (uint8_t)(sub ? ah - 1 : ah + 1);
		} else {
			ax = (uint16_t)(sub ? ax - 0x106 : ax + 0x106);
			r = (uint8_t)ax;
			ah = (uint8_t)(ax >> 8);
		}
		nf = FLAG_AF | FLAG_CF;
	} else {
		r = al;
		nf = 0;
	}
	nf |= szp_flags(r, 1);
	reg_set(c, REG_AX, 2, (uint32_t)(r & 0x0f) | (uint32_t)ah << 8);
	flags_set_arith(c, nf, FLAGS_ARITH);
}

void op_aaa(struct cpu *c, const struct insn *i)
{
	ascii_adjust(c, false);
}

void op_aas(struct cpu *c, const struct insn *i)
{
	ascii_adjust(c, true);
}

/* D4 ib: AAM with any base; base 0 is a divide error. */
void op_aam(struct cpu *c, const struct insn *i)
{
	uint8_t base = (uint8_t)i->imm, al = al_get(c);

	if (base == 0) {
		if (c->q->div_ret_next)
			cpu_trap_exit(c, EXC_DE);
		cpu_fault(c, EXC_DE);
	}
	reg_set(c, REG_AX, 2,
		(uint32_t)(al % base) | (uint32_t)(al / base) << 8);
	lf_set(c, LF_LOGIC, 1, al % base, 0, 0);
}

/* D5 ib: AL = AL + AH * base, AH = 0; flags as the internal 8-bit add. */
void op_aad(struct cpu *c, const struct insn *i)
{
	uint8_t al = al_get(c), ah = (uint8_t)(c->s.gpr[REG_AX] >> 8);
	uint8_t prod = (uint8_t)(ah * (uint8_t)i->imm);
	uint8_t r = (uint8_t)(al + prod);

	reg_set(c, REG_AX, 2, r);
	lf_set(c, LF_ADD, 1, r, al, prod);
}

/* D6: AL = CF ? FF : 00, flags unchanged. */
void op_salc(struct cpu *c, const struct insn *i)
{
	reg_set(c, REG_AX, 1, flag_cf(c) ? 0xff : 0);
}
