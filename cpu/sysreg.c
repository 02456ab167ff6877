/* cpu/sysreg.c: MOV to/from control and debug registers (0F 20-23).
 *
 * CR0 changes re-derive the cached mode (CPL, code size, paging, segment
 * checks) and flush the TLB when PE/PG/WP change; CR3 writes flush all but
 * global pages; CR4 writes of PSE/PGE/PAE flush everything. Which bits exist
 * is model data (quirks cr0_rw, cr4_rw).
 */
#include "cpu/pm.h"

#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)
#define CR4_DE (1u << 3)
#define DR7_GD (1u << 13)
#define DR6_BD (1u << 13)
#define DR6_BT (1u << 15)

/* MOV CR/DR: CPL 0 (real mode counts as 0), never from V86. */
static void check_cpl0(struct cpu *c)
{
	if (cpu_pe(c) && (cpu_v86(c) || c->cpl != 0))
		cpu_fault_err(c, EXC_GP, 0);
}

void cpu_cr0_write(struct cpu *c, uint32_t v)
{
	uint32_t old = (uint32_t)c->s.cr0, rw = c->q->cr0_rw;

	if ((v & CR0_PG) && !(v & CR0_PE))
		cpu_fault_err(c, EXC_GP, 0);
	if ((v & CR0_NW) && !(v & CR0_CD))
		cpu_fault_err(c, EXC_GP, 0);
	v = (v & rw) | (old & ~rw);
	c->s.cr0 = v;
	if ((old ^ v) & (CR0_PE | CR0_PG | CR0_WP))
		cpu_tlb_flush(c, true);
	if ((old ^ v) & (CR0_PE | CR0_PG))
		cpu_mode_sync(c);
	cpu_ac_sync(c);
}

static uint32_t cr_read(struct cpu *c, unsigned n)
{
	switch (n) {
	case 0: return (uint32_t)c->s.cr0;
	case 2: return (uint32_t)c->s.cr2;
	case 3: return (uint32_t)c->s.cr3;
	case 4:
		if (c->q->cr4_rw)
			return (uint32_t)c->s.cr4;
		break;
	}
	cpu_fault(c, EXC_UD);
}

static void cr_write(struct cpu *c, unsigned n, uint32_t v)
{
	uint32_t old;

	switch (n) {
	case 0:
		cpu_cr0_write(c, v);
		return;
	case 2:
		c->s.cr2 = v;
		return;
	case 3:
		c->s.cr3 = v & 0xfffff018u;
		cpu_tlb_flush(c, false);
		return;
	case 4:
		if (!c->q->cr4_rw)
			break;
		if (v & ~c->q->cr4_rw)
			cpu_fault_err(c, EXC_GP, 0);
		old = (uint32_t)c->s.cr4;
		c->s.cr4 = v;
		if ((old ^ v) & (CR4_PSE | CR4_PGE | CR4_PAE))
			cpu_tlb_flush(c, true);
		if ((old ^ v) & CR4_DE)
			cpu_dbg_sync(c);
		return;
	}
	cpu_fault(c, EXC_UD);
}

/* 0F 20: MOV r32, CRn (the ModR/M mod field is ignored). */
void op_mov_r_cr(struct cpu *c, const struct insn *i)
{
	uint32_t v;

	check_cpl0(c);
	v = cr_read(c, i->reg);
	reg_set(c, i->rm, 4, v);
}

/* 0F 22: MOV CRn, r32 */
void op_mov_cr_r(struct cpu *c, const struct insn *i)
{
	check_cpl0(c);
	cr_write(c, i->reg, reg_get(c, i->rm, 4));
}

/* DR4/DR5 alias DR6/DR7 unless CR4.DE. */
static unsigned dr_index(struct cpu *c, unsigned n)
{
	if (n == 4 || n == 5) {
		if (c->s.cr4 & CR4_DE)
			cpu_fault(c, EXC_UD);
		n += 2;
	}
	return n;
}

/* DR7.GD (general detect): any MOV DRn is a #DB fault with DR6.BD, after
 * the #GP and #UD checks; delivering a #DB clears GD (cpu_intr), so the
 * handler may use the registers. */
static void gd_check(struct cpu *c)
{
	if (c->s.dr[7] & DR7_GD) {
		c->s.dr[6] |= DR6_BD;
		cpu_fault(c, EXC_DB);
	}
}

/* 0F 21: MOV r32, DRn */
void op_mov_r_dr(struct cpu *c, const struct insn *i)
{
	unsigned n;

	check_cpl0(c);
	n = dr_index(c, i->reg);
	gd_check(c);
	reg_set(c, i->rm, 4, (uint32_t)c->s.dr[n]);
}

/* DR7 fields of breakpoint n. */
static bool bp_enabled(uint32_t dr7, unsigned n)
{
	return (dr7 >> (2 * n)) & 3;
}

static unsigned bp_rw(uint32_t dr7, unsigned n)
{
	return (dr7 >> (16 + 4 * n)) & 3;
}

/* LEN 00/01/11: 1/2/4 bytes (10: 8 bytes, as later models define it);
 * the address's low bits are ignored (the range is aligned). */
static uint32_t bp_mask(uint32_t dr7, unsigned n)
{
	static const uint8_t m[4] = { 0, 1, 7, 3 };
	return m[(dr7 >> (18 + 4 * n)) & 3];
}

/* Breakpoints: DR7 L/G enable with R/W = 00 (instruction: every fetch
 * takes the slow path), 01/11 (data: paging is forced on, identity without
 * CR0.PG, so that the TLB can keep armed pages off the fast path) and 10
 * with CR4.DE (I/O). */
void cpu_dbg_sync(struct cpu *c)
{
	uint32_t dr7 = (uint32_t)c->s.dr[7];
	bool on = false, dbp = false, iobp = false;

	for (unsigned n = 0; n < 4; n++) {
		if (!bp_enabled(dr7, n))
			continue;
		switch (bp_rw(dr7, n)) {
		case 0: on = true; break;
		case 2: iobp = (c->s.cr4 & CR4_DE) != 0 || iobp; break;
		default: dbp = true; break;
		}
	}
	c->dbg_ibp = on;
	dbp = dbp || c->nwatch;
	c->dbg_dbp = dbp;
	c->dbg_iobp = iobp;
	c->paging = (c->s.cr0 & (CR0_PG | CR0_PE)) == (CR0_PG | CR0_PE) ||
		    dbp || c->ac_check;
	cpu_cs_sync(c); /* fetch_fast: breakpoints need the slow fetch */
}

bool cpu_dbp_page(const struct cpu *c, uint32_t lin)
{
	uint32_t dr7 = (uint32_t)c->s.dr[7];

	for (unsigned n = 0; n < 4; n++)
		if (bp_enabled(dr7, n) && (bp_rw(dr7, n) & 1) &&
		    ((uint32_t)c->s.dr[n] >> 12) == lin >> 12)
			return true;
	for (unsigned n = 0; n < c->nwatch; n++) {
		const struct cpu_watch *w = &c->watch[n];
		if ((lin >> 12) - (w->addr >> 12) <=
		    ((w->addr + w->len - 1) >> 12) - (w->addr >> 12))
			return true;
	}
	return false;
}

void cpu_set_watch(struct cpu *c, const struct cpu_watch *w, unsigned n)
{
	c->nwatch = 0;
	for (unsigned i = 0; i < n && i < CPU_MAX_WATCH; i++)
		if (w[i].len)
			c->watch[c->nwatch++] = w[i];
	c->watch_hit = false;
	cpu_dbg_sync(c);
	cpu_tlb_flush(c, true); /* watched pages lose their host pointer */
}

bool cpu_watch_hit(struct cpu *c, unsigned *index, bool *write)
{
	if (!c->watch_hit)
		return false;
	c->watch_hit = false;
	*index = c->watch_hit_index;
	*write = c->watch_hit_write;
	return true;
}

/* A data access (acc 1 write, 3 read) against the debugger's watches:
 * the first hit is kept until cpu_watch_hit takes it. */
static void watch_check(struct cpu *c, uint32_t lin, unsigned sz,
			unsigned acc)
{
	for (unsigned n = 0; n < c->nwatch && !c->watch_hit; n++) {
		const struct cpu_watch *w = &c->watch[n];
		if (!(acc == 1 ? w->write : w->read))
			continue;
		if ((uint32_t)(w->addr - lin) < sz ||
		    (uint32_t)(lin - w->addr) < w->len) {
			c->watch_hit = true;
			c->watch_hit_index = n;
			c->watch_hit_write = acc == 1;
		}
	}
}

/* A #DB trap after this instruction: the run loop's limit check takes
 * it (cpu_dbg_trap). */
static void dbg_arm(struct cpu *c, uint32_t hit)
{
	if (!c->dbg_hit) {
		c->dbg_limit = c->limit;
		c->limit = 0; /* the run loop stops after the instruction */
	}
	c->dbg_hit |= (uint8_t)hit;
}

/* An access of sz bytes at lin (or port lin): acc 1 write, 3 read (data
 * breakpoints with R/W 01 match writes, 11 both), 2 I/O (R/W 10). Every
 * breakpoint whose range and type match sets its DR6 bit, enabled or not,
 * but only an enabled one raises the trap. */
void cpu_dbp_check(struct cpu *c, uint32_t lin, unsigned sz, unsigned acc)
{
	uint32_t dr7 = (uint32_t)c->s.dr[7], hit = 0, en = 0;

	if (c->nwatch && acc != 2)
		watch_check(c, lin, sz, acc);
	for (unsigned n = 0; n < 4; n++) {
		unsigned rw = bp_rw(dr7, n);
		uint32_t m = bp_mask(dr7, n);
		uint32_t a = (uint32_t)c->s.dr[n] & ~m;
		if (acc == 2 ? rw != 2 : (rw == 0 || rw == 2 ||
					  (acc == 3 && rw == 1)))
			continue;
		if (acc == 2 && !(c->s.cr4 & CR4_DE))
			continue;
		/* Overlap of [lin, lin+sz) and [a, a+m]. */
		if ((uint32_t)(a - lin) < sz || (uint32_t)(lin - a) <= m) {
			hit |= 1u << n;
			if (bp_enabled(dr7, n))
				en = 1;
		}
	}
	if (en)
		dbg_arm(c, hit);
}

void cpu_dbg_task_trap(struct cpu *c)
{
	dbg_arm(c, DBG_HIT_BT);
}

/* The pending trap's DR6.B0-3 (DR6.BT is set here). */
uint32_t cpu_dbg_take(struct cpu *c)
{
	uint32_t hit = c->dbg_hit;

	if (hit) {
		c->dbg_hit = 0;
		c->limit = c->stop_req ? 0 : c->dbg_limit;
		if (hit & DBG_HIT_BT)
			c->s.dr[6] |= DR6_BT;
	}
	return hit & 0xf;
}

void cpu_dbg_cancel(struct cpu *c)
{
	c->dbg_hit &= (uint8_t)~DBG_HIT_BT;
	cpu_dbg_take(c);
}

/* The data/I/O breakpoint #DB: a trap, EIP past the instruction (at a
 * REP string instruction when an iteration other than the last hit). */
void cpu_dbg_trap(struct cpu *c)
{
	uint32_t hit = cpu_dbg_take(c);

	c->insn_ip = (uint32_t)c->s.rip;
	c->insn_sp = (uint32_t)c->s.gpr[REG_SP];
	c->exc_depth = 0;
	c->s.events.halted = false;
	c->s.dr[6] = (c->s.dr[6] & ~0xfull) | hit;
	cpu_intr(c, EXC_DB, INT_EXC, 0);
}

/* Before executing the instruction at CS:ip: a matching instruction
 * breakpoint is a #DB fault (DR6.Bn set), unless RF says this instruction
 * already took it (the handler returns with RF set in the image). */
void cpu_ibp_check(struct cpu *c, uint32_t ip)
{
	uint32_t lin = (uint32_t)c->s.seg[SEG_CS].base + ip;
	uint32_t dr7 = (uint32_t)c->s.dr[7], hit = 0;

	if (c->s.rflags & FLAG_RF) {
		c->s.rflags &= ~(uint64_t)FLAG_RF;
		return;
	}
	for (unsigned n = 0; n < 4; n++)
		if (((dr7 >> (2 * n)) & 3) && !((dr7 >> (16 + 4 * n)) & 3) &&
		    (uint32_t)c->s.dr[n] == lin)
			hit |= 1u << n;
	if (hit) {
		c->s.dr[6] = (c->s.dr[6] & ~0xfull) | hit;
		cpu_fault(c, EXC_DB);
	}
}

/* 0F 23: MOV DRn, r32. DR6/DR7 keep their fixed bits. */
void op_mov_dr_r(struct cpu *c, const struct insn *i)
{
	unsigned n;
	uint32_t v;

	check_cpl0(c);
	n = dr_index(c, i->reg);
	gd_check(c);
	v = reg_get(c, i->rm, 4);
	if (n == 6)
		v = (v & 0x0000e00fu) | 0xffff0ff0u;
	else if (n == 7)
		v = (v & 0xffff2bffu) | 0x400;
	c->s.dr[n] = v;
	cpu_dbg_sync(c);
	if (n != 6)
		cpu_tlb_flush(c, true); /* armed pages lose their host pointer */
}
