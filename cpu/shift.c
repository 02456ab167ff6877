/* cpu/shift.c: ROL ROR RCL RCR SHL SHR SAR (groups D0-D3, C0/C1) and the
 * 8086's undocumented SETMO (/6).
 *
 * The 8086 does not mask the count (CL up to 255 shifts bit by bit); 186
 * and later mask it to 5 bits. Results are computed in closed form, which
 * equals the bit-by-bit result for any count.
 */
#include "cpu/interp.h"

static unsigned shift_count(struct cpu *c, const struct insn *i)
{
	unsigned n;

	if (i->op == 0xd0 || i->op == 0xd1)
		n = 1;
	else if (i->op == 0xd2 || i->op == 0xd3)
		n = (uint8_t)c->s.gpr[REG_CX];
	else
		n = i->imm & 0xff;
	return c->q->shift_unmasked ? n : (n & 0x1f);
}

/* Rotate through carry, one bit at a time: counts are small once reduced
 * modulo (bits + 1). */
static uint32_t rcl(uint32_t a, unsigned bits, unsigned n, uint32_t *cf)
{
	uint32_t m = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
	for (n %= bits + 1; n; n--) {
		uint32_t out = (a >> (bits - 1)) & 1;
		a = ((a << 1) | *cf) & m;
		*cf = out;
	}
	return a;
}

static uint32_t rcr(uint32_t a, unsigned bits, unsigned n, uint32_t *cf)
{
	for (n %= bits + 1; n; n--) {
		uint32_t out = a & 1;
		a = (a >> 1) | (*cf << (bits - 1));
		*cf = out;
	}
	return a;
}

void op_shift(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size, bits = sz * 8, n = shift_count(c, i);
	uint32_t m = size_mask(sz), ea = 0, a, r, cf, of, msb;
	bool rotate = i->reg < 4;

	if (i->mod == 3) {
		a = reg_get(c, i->rm, sz);
	} else {
		ea = insn_ea(c, i);
		a = rdsz(c, i->seg, ea, sz);
	}
	if (n == 0)
		return;
	add_cycles(c, n);

	switch (i->reg) {
	case 0: { /* ROL */
		unsigned k = n % bits;
		r = k ? ((a << k) | (a >> (bits - k))) & m : a;
		cf = r & 1;
		of = ((r >> (bits - 1)) ^ cf) & 1;
		break;
	}
	case 1: { /* ROR */
		unsigned k = n % bits;
		r = k ? ((a >> k) | (a << (bits - k))) & m : a;
		cf = (r >> (bits - 1)) & 1;
		of = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
		break;
	}
	case 2: /* RCL */
		cf = flag_cf(c);
		r = rcl(a, bits, n, &cf);
		of = ((r >> (bits - 1)) ^ cf) & 1;
		break;
	case 3: /* RCR */
		cf = flag_cf(c);
		r = rcr(a, bits, n, &cf);
		of = ((r >> (bits - 1)) ^ (r >> (bits - 2))) & 1;
		break;
	case 5: /* SHR */
		cf = n <= bits ? (a >> (n - 1)) & 1 : 0;
		r = n < bits ? a >> n : 0;
		msb = n <= bits ? (a >> (n - 1)) >> (bits - 1) : 0;
		of = (msb ^ (r >> (bits - 1))) & 1;
		break;
	case 7: { /* SAR */
		unsigned k = n > bits ? bits : n;
		uint64_t sa = a;
		if (a & size_sign(sz))
			sa |= ~(uint64_t)m;
		/* sa is sign-extended to 64 bits, so a logical shift by at
		 * most 32 keeps the sign bits we need. */
		r = (uint32_t)(sa >> k) & m;
		if (a & size_sign(sz) && k == bits)
			r = m;
		cf = (uint32_t)(sa >> (k - 1)) & 1;
		of = 0;
		break;
	}
	default: /* SHL, SAL (/6 on 186+) */
		cf = n <= bits ? (a >> (bits - n)) & 1 : 0;
		r = n < bits ? (a << n) & m : 0;
		of = ((r >> (bits - 1)) ^ cf) & 1;
		break;
	}

	if (rotate)
		flags_set_arith(c, cf | (of ? FLAG_OF : 0), FLAG_CF | FLAG_OF);
	else /* all six flags: recorded, not computed */
		lf_set(c, LF_SHIFT, sz, r, a, cf | (of ? FLAG_OF : 0));
	if (i->mod == 3)
		reg_set(c, i->rm, sz, r);
	else
		wrsz(c, i->seg, ea, sz, r);
}

/* 8086 /6 "SETMO": the destination becomes all ones (flags as OR). */
void op_setmo(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size, n = shift_count(c, i);
	uint32_t m = size_mask(sz);

	if (i->mod != 3)
		(void)rdsz(c, i->seg, insn_ea(c, i), sz);
	if (n == 0)
		return;
	flags_set_arith(c, szp_flags(m, sz), FLAGS_ARITH);
	rm_set(c, i, sz, m);
}

/* 0F A4/A5 SHLD, 0F AC/AD SHRD: shift dst, filling from src; count mod
 * 32, 0 changes nothing. A 16-bit count above 16 is undefined; like the
 * chips, shift through dst:src:dst. CF is the last bit out, OF (defined
 * for 1) whether the sign changed. */
static void shift_double(struct cpu *c, const struct insn *i, bool left)
{
	unsigned sz = i->size, bits = sz * 8;
	unsigned n = ((i->op & 1) ? (uint8_t)c->s.gpr[REG_CX] : i->imm) & 31;
	uint32_t m = size_mask(sz), ea = 0, a, src = reg_get(c, i->reg, sz);
	uint32_t r, cf, of;
	uint64_t x;

	if (i->mod == 3) {
		a = reg_get(c, i->rm, sz);
	} else {
		ea = insn_ea(c, i);
		a = rdsz(c, i->seg, ea, sz);
	}
	if (n == 0)
		return;
	if (left) {
		/* dst in the top bits: 32: dst:src, 16: dst:src:dst. */
		x = bits == 32 ? (uint64_t)a << 32 | src
			       : (uint64_t)a << 32 | (uint64_t)src << 16 | a;
		r = (uint32_t)((x << n) >> 32) & m;
		cf = (uint32_t)(x >> ((bits == 32 ? 64 : 48) - n)) & 1;
	} else {
		/* dst in the low bits: 32: src:dst, 16: dst:src:dst. */
		x = bits == 32 ? (uint64_t)src << 32 | a
			       : (uint64_t)a << 32 | (uint64_t)src << 16 | a;
		r = (uint32_t)(x >> n) & m;
		cf = (uint32_t)(x >> (n - 1)) & 1;
	}
	of = ((r ^ a) >> (bits - 1)) & 1;
	flags_set_arith(c, szp_flags(r, sz) | cf | (of ? FLAG_OF : 0),
			FLAGS_ARITH);
	if (i->mod == 3)
		reg_set(c, i->rm, sz, r);
	else
		wrsz(c, i->seg, ea, sz, r);
}

void op_shld(struct cpu *c, const struct insn *i)
{
	shift_double(c, i, true);
}

void op_shrd(struct cpu *c, const struct insn *i)
{
	shift_double(c, i, false);
}
