/* cpu/stack.c: PUSH/POP (registers, segment registers, memory, imm),
 * PUSHA/POPA, ENTER/LEAVE, PUSHF/POPF.
 */
#include "cpu/interp.h"

/* The 8086 pushes SP after decrementing it; the 286 the value before. */
static uint32_t sp_for_push(const struct cpu *c, uint32_t v, unsigned sz)
{
	return c->q->push_sp_new ? v - sz : v;
}

void op_push_r(struct cpu *c, const struct insn *i)
{
	unsigned r = i->op & 7;
	uint32_t v = reg_get(c, r, i->osize);

	if (r == REG_SP)
		v = sp_for_push(c, v, i->osize);
	pushsz(c, i->osize, v);
}

void op_pop_r(struct cpu *c, const struct insn *i)
{
	uint32_t v = popsz(c, i->osize);
	reg_set(c, i->op & 7, i->osize, v);
}

/* 06/0E/16/1E and 0F A0/A8 (FS, GS): the sreg is in opcode bits 3-5. */
void op_push_sreg(struct cpu *c, const struct insn *i)
{
	pushsz(c, i->osize, c->s.seg[(i->op >> 3) & 7].sel);
}

/* 07/17/1F, 0F A1/A9 (FS, GS), and 0F (POP CS) on the 8086. POP SS holds off interrupts
 * for one instruction so SS:SP can be loaded as a pair. */
void op_pop_sreg(struct cpu *c, const struct insn *i)
{
	unsigned s = (i->op >> 3) & 7;
	uint16_t v = (uint16_t)popsz(c, i->osize);

	seg_load(c, s, v);
	if (s == SEG_SS)
		c->s.events.intr_shadow = true;
}

/* FF /6 (and the 8086's /7 alias). */
void op_push_rm(struct cpu *c, const struct insn *i)
{
	uint32_t v = rm_get(c, i, i->osize);

	if (i->mod == 3 && i->rm == REG_SP)
		v = sp_for_push(c, v, i->osize);
	pushsz(c, i->osize, v);
}

/* 8F /0: the destination address is formed after SP moves. */
void op_pop_rm(struct cpu *c, const struct insn *i)
{
	uint32_t v = popsz(c, i->osize);
	rm_set(c, i, i->osize, v);
}

void op_push_imm(struct cpu *c, const struct insn *i)
{
	pushsz(c, i->osize, i->imm);
}

void op_pusha(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->osize;
	uint32_t sp = reg_get(c, REG_SP, sz);

	for (unsigned r = REG_AX; r <= REG_DI; r++)
		pushsz(c, sz, r == REG_SP ? sp : reg_get(c, r, sz));
}

void op_popa(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->osize;

	for (int r = REG_DI; r >= REG_AX; r--) {
		uint32_t v = popsz(c, sz);
		if (r != REG_SP)
			reg_set(c, (unsigned)r, sz, v);
	}
}

/* C8: ENTER size, level */
void op_enter(struct cpu *c, const struct insn *i)
{
	unsigned sz = i->osize, level = i->imm2 & 0x1f;
	uint32_t m = sp_mask(c), frame, bp;

	pushsz(c, sz, reg_get(c, REG_BP, sz));
	frame = (uint32_t)c->s.gpr[REG_SP] & m;
	bp = (uint32_t)c->s.gpr[REG_BP];
	for (unsigned k = 1; k < level; k++) {
		bp = (bp - sz) & m;
		pushsz(c, sz, rdsz(c, SEG_SS, bp, sz));
	}
	if (level)
		pushsz(c, sz, frame);
	reg_set(c, REG_BP, sz, frame);
	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) |
			   (((uint32_t)c->s.gpr[REG_SP] - i->imm) & m);
	add_cycles(c, 4 * level);
}

/* C9: LEAVE */
void op_leave(struct cpu *c, const struct insn *i)
{
	uint32_t m = sp_mask(c);
	uint32_t sp = (uint32_t)c->s.gpr[REG_BP] & m;
	uint32_t v = rdsz(c, SEG_SS, sp, i->osize);

	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) |
			   ((sp + i->osize) & m);
	reg_set(c, REG_BP, i->osize, v);
}

void op_pushf(struct cpu *c, const struct insn *i)
{
	uint32_t f;

	/* V86 without IOPL 3 traps PUSHF to the monitor. */
	if ((c->s.rflags & FLAG_VM) && (c->s.rflags & FLAG_IOPL) != FLAG_IOPL)
		cpu_fault(c, EXC_GP);
	f = cpu_flags_read(c);
	/* PUSHFD clears VM and RF in the image. */
	pushsz(c, i->osize, i->osize == 4 ? f & ~(FLAG_VM | FLAG_RF) : f);
}

void op_popf(struct cpu *c, const struct insn *i)
{
	uint32_t mask = cpu_popf_mask(c, i->osize);
	uint32_t v = popsz(c, i->osize);
	cpu_flags_write(c, v, mask);
}
