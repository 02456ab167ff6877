/* cpu/priv.c: IOPL-sensitive rules: the I/O permission check (IOPL, then
 * the TSS bitmap) and which flags POPF may change.
 */
#include "cpu/pm.h"

/* Protected mode with CPL > IOPL, and V86 always, consult the I/O bitmap
 * of a 32-bit TSS: every bit for port..port+sz-1 must be clear, and bits
 * past the TSS limit count as set. */
void cpu_io_check(struct cpu *c, uint16_t port, unsigned sz)
{
	uint32_t base = (uint32_t)c->s.tr.base, lim = c->s.tr.limit;
	uint32_t map, at, bits;

	if (!cpu_v86(c) && c->cpl <= cpu_iopl(c))
		return;
	if ((c->s.tr.attr & 0x1f) != SYS_TSS32_BUSY || !(c->s.tr.attr & A_P) ||
	    lim < 0x67)
		cpu_fault_err(c, EXC_GP, 0);
	map = cpu_sys_rd(c, base + 0x66, 2);
	at = map + port / 8;
	if (at + 1 > lim)
		cpu_fault_err(c, EXC_GP, 0);
	bits = cpu_sys_rd(c, base + at, 2);
	if ((bits >> (port & 7)) & ((1u << sz) - 1))
		cpu_fault_err(c, EXC_GP, 0);
}

/* POPF: IOPL changes only at CPL 0, IF only at CPL <= IOPL; VM, VIP, VIF
 * and RF never. In V86 mode POPF needs IOPL 3 and leaves IOPL alone. */
uint32_t cpu_popf_mask(struct cpu *c, unsigned osz)
{
	uint32_t mask = osz == 4 ? 0xffffffffu : 0xffff;

	mask &= ~(FLAG_VM | FLAG_RF | FLAG_VIP | FLAG_VIF);
	if (!cpu_pe(c))
		return mask;
	if (cpu_v86(c)) {
		if (cpu_iopl(c) < 3)
			cpu_fault_err(c, EXC_GP, 0);
		return mask & ~FLAG_IOPL;
	}
	if (c->cpl > 0)
		mask &= ~FLAG_IOPL;
	if (c->cpl > cpu_iopl(c))
		mask &= ~FLAG_IF;
	return mask;
}
