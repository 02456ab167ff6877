/* cpu/movx.c: MOVZX, MOVSX (386), SETcc (386), CMOVcc (P6).
 */
#include "cpu/interp.h"

/* 0F B6/B7 (and BE/BF): bit 0 of the opcode picks a word source. */
static uint32_t movx_src(struct cpu *c, const struct insn *i)
{
	return rm_get(c, i, (i->op & 1) ? 2 : 1);
}

void op_movzx(struct cpu *c, const struct insn *i)
{
	reg_set(c, i->reg, i->osize, movx_src(c, i));
}

void op_movsx(struct cpu *c, const struct insn *i)
{
	uint32_t v = movx_src(c, i);

	v = (i->op & 1) ? (uint32_t)(int32_t)(int16_t)v
			: (uint32_t)(int32_t)(int8_t)v;
	reg_set(c, i->reg, i->osize, v);
}

/* 0F 90-9F: byte r/m = condition. */
void op_setcc(struct cpu *c, const struct insn *i)
{
	rm_set(c, i, 1, cpu_cond(c, i->op & 15) ? 1 : 0);
}

/* 0F 40-4F: the source is read (and may fault) whatever the condition. */
void op_cmov(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_get(c, i, i->osize);

	if (cpu_cond(c, i->op & 15))
		reg_set(c, i->reg, i->osize, v);
}
