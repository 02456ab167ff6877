/* cpu/data.c: MOV (all forms), XCHG, LEA, LES/LDS, XLAT, CBW/CWD,
 * LAHF/SAHF, IN/OUT, NOP.
 */
#include "cpu/interp.h"

void op_nop(struct cpu *c, const struct insn *i)
{
}

void op_mov_rm_r(struct cpu *c, const struct insn *i)
{
	rm_set(c, i, i->size, reg_get(c, i->reg, i->size));
}

void op_mov_r_rm(struct cpu *c, const struct insn *i)
{
	reg_set(c, i->reg, i->size, rm_get(c, i, i->size));
}

/* Segment register number from the ModR/M reg field: the 8086 decodes only
 * two bits; later chips raise #UD for registers they do not have. */
static unsigned sreg_of(struct cpu *c, const struct insn *i)
{
	unsigned s = i->reg;

	if (!c->q->ud_invalid)
		return s & 3;
	if (s >= c->q->nsreg)
		cpu_fault(c, EXC_UD);
	return s;
}

/* 8C */
void op_mov_rm_sreg(struct cpu *c, const struct insn *i)
{
	uint16_t v = c->s.seg[sreg_of(c, i)].sel;

	if (i->mod == 3)
		reg_set(c, i->rm, i->osize, v);
	else
		wr16(c, i->seg, insn_ea(c, i), v);
}

/* 8E: loading CS works on the 8086 only. MOV SS shadows interrupts for
 * one instruction. */
void op_mov_sreg_rm(struct cpu *c, const struct insn *i)
{
	unsigned s = sreg_of(c, i);
	uint16_t v = (uint16_t)rm_get(c, i, 2);

	if (s == SEG_CS && c->q->ud_invalid)
		cpu_fault(c, EXC_UD);
	seg_load(c, s, v);
	if (s == SEG_SS)
		c->s.events.intr_shadow = true;
}

void op_mov_r_imm(struct cpu *c, const struct insn *i)
{
	reg_set(c, i->op & 7, i->size, i->imm);
}

/* C6/C7 */
void op_mov_rm_imm(struct cpu *c, const struct insn *i)
{
	rm_set(c, i, i->size, i->imm);
}

/* A0/A1 */
void op_mov_acc_moffs(struct cpu *c, const struct insn *i)
{
	reg_set(c, REG_AX, i->size, rdsz(c, i->seg, i->disp, i->size));
}

/* A2/A3 */
void op_mov_moffs_acc(struct cpu *c, const struct insn *i)
{
	wrsz(c, i->seg, i->disp, i->size, reg_get(c, REG_AX, i->size));
}

void op_xchg_rm_r(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	uint32_t b = reg_get(c, i->reg, sz), a;

	if (i->mod == 3) {
		a = reg_get(c, i->rm, sz);
		reg_set(c, i->rm, sz, b);
	} else {
		uint32_t ea = insn_ea(c, i);
		a = rdsz(c, i->seg, ea, sz);
		wrsz(c, i->seg, ea, sz, b);
	}
	reg_set(c, i->reg, sz, a);
}

/* 91-97 */
void op_xchg_acc(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7, sz = i->osize;
	uint32_t a = reg_get(c, REG_AX, sz);

	reg_set(c, REG_AX, sz, reg_get(c, r, sz));
	reg_set(c, r, sz, a);
}

void op_lea(struct cpu *c, const struct insn *i)
{
	reg_set(c, i->reg, i->osize, insn_ea(c, i));
}

static void load_far(struct cpu *c, const struct insn *i, unsigned seg)
{
	uint32_t ea = insn_ea(c, i);
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;
	uint32_t off = rdsz(c, i->seg, ea, i->osize);
	uint16_t sel = rd16(c, i->seg, (ea + i->osize) & am);

	seg_load(c, seg, sel);
	reg_set(c, i->reg, i->osize, off);
}

void op_les(struct cpu *c, const struct insn *i)
{
	load_far(c, i, SEG_ES);
}

void op_lds(struct cpu *c, const struct insn *i)
{
	load_far(c, i, SEG_DS);
}

/* 0F B2/B4/B5 (386). LSS does not hold off interrupts as MOV SS does. */
void op_lss(struct cpu *c, const struct insn *i)
{
	load_far(c, i, SEG_SS);
}

void op_lfs(struct cpu *c, const struct insn *i)
{
	load_far(c, i, SEG_FS);
}

void op_lgs(struct cpu *c, const struct insn *i)
{
	load_far(c, i, SEG_GS);
}

void op_xlat(struct cpu *c, const struct insn *i)
{
	uint32_t am = i->asize == 2 ? 0xffff : 0xffffffffu;
	uint32_t off = ((uint32_t)c->s.gpr[REG_BX] +
			(uint8_t)c->s.gpr[REG_AX]) & am;

	reg_set(c, REG_AX, 1, rd8(c, i->seg, off));
}

/* 98: CBW / CWDE */
void op_cbw(struct cpu *c, const struct insn *i)
{
	if (i->osize == 2)
		reg_set(c, REG_AX, 2,
			(uint32_t)(int32_t)(int8_t)c->s.gpr[REG_AX]);
	else
		reg_set(c, REG_AX, 4,
			(uint32_t)(int32_t)(int16_t)c->s.gpr[REG_AX]);
}

/* 99: CWD / CDQ */
void op_cwd(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->osize;
	bool neg = reg_get(c, REG_AX, sz) & size_sign(sz);

	reg_set(c, REG_DX, sz, neg ? 0xffffffffu : 0);
}

void op_lahf(struct cpu *c, const struct insn *i)
{
	reg_set(c, REG_AX + 4, 1, cpu_flags_read(c) & 0xff);
}

void op_sahf(struct cpu *c, const struct insn *i)
{
	uint32_t ah = (uint8_t)(c->s.gpr[REG_AX] >> 8);
	flags_set_arith(c, ah, FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF |
				       FLAG_CF);
}

void op_in_imm(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	io_check(c, (uint16_t)(i->imm & 0xff), sz);
	reg_set(c, REG_AX, sz, bus_in(c->bus, (uint16_t)(i->imm & 0xff), sz));
}

void op_in_dx(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	io_check(c, (uint16_t)c->s.gpr[REG_DX], sz);
	reg_set(c, REG_AX, sz,
		bus_in(c->bus, (uint16_t)c->s.gpr[REG_DX], sz));
}

void op_out_imm(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	io_check(c, (uint16_t)(i->imm & 0xff), sz);
	bus_out(c->bus, (uint16_t)(i->imm & 0xff), reg_get(c, REG_AX, sz),
		sz);
}

void op_out_dx(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->size;
	io_check(c, (uint16_t)c->s.gpr[REG_DX], sz);
	bus_out(c->bus, (uint16_t)c->s.gpr[REG_DX], reg_get(c, REG_AX, sz),
		sz);
}
