/* cpu/bits.c: BT BTS BTR BTC (0F A3/AB/B3/BB and 0F BA /4-7), BSF/BSR,
 * BSWAP (486).
 *
 * A register bit offset into memory addresses a bit string: the offset is
 * signed and reaches any word/dword relative to the operand (EA +
 * (offset >> 4) * 2 or (offset >> 5) * 4). Immediate offsets and register
 * destinations take the offset modulo the operand size.
 */
#include "cpu/interp.h"

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

void op_bt(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size, bits = sz * 8;
	/* A3/AB/B3/BB: bits 3-4 of the opcode; BA: reg 4-7. */
	unsigned kind = i->op == 0xba ? i->reg & 3 : (i->op >> 3) & 3;
	uint32_t off, v, bit, ea = 0, am;
	bool imm = i->op == 0xba;

	off = imm ? (i->imm & 0xff) : reg_get(c, i->reg, sz);
	if (i->mod == 3) {
		v = reg_get(c, i->rm, sz);
	} else {
		ea = insn_ea(c, i);
		if (!imm) {
			int32_t disp = sz == 2 ? (int16_t)off >> 4
					       : (int32_t)off >> 5;
			am = i->asize == 2 ? 0xffff : 0xffffffffu;
			ea = (ea + (uint32_t)disp * sz) & am;
		}
		v = rdsz(c, i->seg, ea, sz);
	}
	bit = 1u << (off & (bits - 1));
	flags_set_arith(c, (v & bit) ? FLAG_CF : 0, FLAG_CF);
	if (kind == BT_TEST)
		return;
	v = kind == BT_SET ? v | bit : kind == BT_RESET ? v & ~bit : v ^ bit;
	if (i->mod == 3)
		reg_set(c, i->rm, sz, v);
	else
		wrsz(c, i->seg, ea, sz, v);
}

/* BSF/BSR: ZF=1 and the destination untouched when the source is 0 (as
 * real chips do; the manual calls it undefined). */
static void bit_scan(struct cpu *c, const struct insn *i, bool rev)
{
	unsigned sz = i->size;
	uint32_t v = rm_get(c, i, sz);

	if (v == 0) {
		flags_set_arith(c, FLAG_ZF, FLAG_ZF);
		return;
	}
	reg_set(c, i->reg, sz, rev ? 31u - (unsigned)__builtin_clz(v)
				   : (unsigned)__builtin_ctz(v));
	flags_set_arith(c, 0, FLAG_ZF);
}

void op_bsf(struct cpu *c, const struct insn *i)
{
	bit_scan(c, i, false);
}

void op_bsr(struct cpu *c, const struct insn *i)
{
	bit_scan(c, i, true);
}

/* 0F C8+r. With a 16-bit operand the result is undefined; the chips
 * clear the low word. */
void op_bswap(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;

	if (i->osize == 2)
		reg_set(c, r, 2, 0);
	else
		reg_set(c, r, 4, __builtin_bswap32(reg_get(c, r, 4)));
}
