/* cpu/paging.c: the TLB and the slow linear-access paths.
 *
 * The TLB is direct-mapped, TLB_SIZE entries per access class (supervisor
 * read, supervisor write, user read, user write; fetches use the read
 * arrays). An entry exists only for an access that was allowed, and a write
 * entry only once the walk has set the dirty bit, so a hit needs no rights
 * test. Entries hold the host page for RAM/ROM, so a hit is one compare and
 * a memcpy; the whole TLB is dropped when the physical map changes
 * (mem->write_gen: PAM, A20), on CR3 writes (except global pages with
 * CR4.PGE) and on CR0.PG/WP and CR4.PSE/PGE changes.
 */
#include "cpu/pm.h"
#include "mmu/paging.h"

#define CR4_PSE (1u << 4)
#define CR4_PGE (1u << 7)

void cpu_tlb_flush(struct cpu *c, bool global)
{
	for (unsigned a = 0; a < 4; a++)
		for (unsigned k = 0; k < TLB_SIZE; k++) {
			struct tlb_entry *e = &c->tlb[a][k];
			if (global || !(e->pa & TLB_GLOBAL))
				e->tag = TLB_NONE;
		}
	if (global)
		c->tlb_large = false;
	c->tlb_gen = c->mem->write_gen;
	c->chain_epoch++;
}

/* INVLPG. Our entries are 4 KiB even for a 4 MiB page, so with a large
 * page cached the only safe answer is a full flush. */
void cpu_tlb_flush_page(struct cpu *c, uint32_t lin)
{
	if (c->tlb_large) {
		cpu_tlb_flush(c, true);
		return;
	}
	for (unsigned a = 0; a < 4; a++) {
		struct tlb_entry *e = &c->tlb[a][(lin >> 12) & (TLB_SIZE - 1)];
		if (e->tag == lin >> 12)
			e->tag = TLB_NONE;
	}
	c->chain_epoch++;
}

bool cpu_translate(struct cpu *c, uint32_t lin, unsigned acc, bool probe,
		   uint32_t *pa)
{
	unsigned cls = ((acc & PW_USER) ? 2 : 0) + (acc & PW_WRITE);
	struct tlb_entry *e = &c->tlb[cls][(lin >> 12) & (TLB_SIZE - 1)];
	struct pw_ctl ctl;
	struct pw_result r;
	uint32_t err, page, pfn;

	if (c->mem->write_gen != c->tlb_gen)
		cpu_tlb_flush(c, true);
	if (e->tag == lin >> 12) {
		*pa = (e->pa & ~0xfffu) | (lin & 0xfff);
		return true;
	}
	if (!(c->s.cr0 & CR0_PG) || !(c->s.cr0 & CR0_PE)) {
		/* Paging forced on for data breakpoints: identity. */
		page = lin & c->mem->mask & ~0xfffu;
		pfn = page >> MEM_PAGE_SHIFT;
		e->tag = lin >> 12;
		e->pa = page;
		e->host = cpu_dbp_page(c, lin) || c->ac_check ? NULL
			  : (acc & PW_WRITE) ? c->mem->wr[pfn] : c->mem->rd[pfn];
		*pa = page | (lin & 0xfff);
		return true;
	}
	ctl.cr3 = (uint32_t)c->s.cr3;
	ctl.pse = c->s.cr4 & CR4_PSE;
	ctl.wp = c->s.cr0 & CR0_WP;
	if (!mmu_walk32(c->mem, &ctl, lin, acc, &r, &err)) {
		if (probe)
			return false;
		c->s.cr2 = lin;
		cpu_fault_err(c, EXC_PF, err);
	}
	page = r.pa & c->mem->mask & ~0xfffu;
	pfn = page >> MEM_PAGE_SHIFT;
	e->tag = lin >> 12;
	e->pa = page | ((r.global && (c->s.cr4 & CR4_PGE)) ? TLB_GLOBAL : 0);
	e->host = (acc & PW_WRITE) ? c->mem->wr[pfn] : c->mem->rd[pfn];
	if (unlikely(c->dbg_dbp) && cpu_dbp_page(c, lin))
		e->host = NULL;
	if (unlikely(c->ac_check))
		e->host = NULL;
	if (r.large)
		c->tlb_large = true;
	*pa = page | (lin & 0xfff);
	return true;
}

static uint32_t phys_rd(struct mem *m, uint32_t pa, unsigned sz)
{
	return sz == 1 ? mem_read8(m, pa)
	       : sz == 2 ? mem_read16(m, pa) : mem_read32(m, pa);
}

static void phys_wr(struct mem *m, uint32_t pa, unsigned sz, uint32_t v)
{
	if (sz == 1)
		mem_write8(m, pa, (uint8_t)v);
	else if (sz == 2)
		mem_write16(m, pa, (uint16_t)v);
	else
		mem_write32(m, pa, v);
}

uint32_t cpu_vrd(struct cpu *c, uint32_t lin, unsigned sz, bool user)
{
	unsigned acc = user ? PW_USER : 0;
	uint32_t pa, pa2, v = 0;

	if (!c->paging)
		return phys_rd(c->mem, lin, sz);
	if ((lin & 0xfff) + sz <= MEM_PAGE_SIZE) {
		cpu_translate(c, lin, acc, false, &pa);
		return phys_rd(c->mem, pa, sz);
	}
	/* Crossing a page: both translations before any access (CR2 is the
	 * second page's first byte if that one faults). */
	cpu_translate(c, lin, acc, false, &pa);
	cpu_translate(c, (lin + sz - 1) & ~0xfffu, acc, false, &pa2);
	for (unsigned k = 0; k < sz; k++) {
		uint32_t l = lin + k;
		uint32_t p = ((l ^ lin) & ~0xfffu) ? (pa2 & ~0xfffu) | (l & 0xfff)
						    : pa + k;
		v |= (uint32_t)mem_read8(c->mem, p) << (8 * k);
	}
	return v;
}

void cpu_vwr(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v, bool user)
{
	unsigned acc = PW_WRITE | (user ? PW_USER : 0);
	uint32_t pa, pa2;

	if (!c->paging) {
		phys_wr(c->mem, lin, sz, v);
		return;
	}
	if ((lin & 0xfff) + sz <= MEM_PAGE_SIZE) {
		cpu_translate(c, lin, acc, false, &pa);
		phys_wr(c->mem, pa, sz, v);
		return;
	}
	cpu_translate(c, lin, acc, false, &pa);
	cpu_translate(c, (lin + sz - 1) & ~0xfffu, acc, false, &pa2);
	for (unsigned k = 0; k < sz; k++) {
		uint32_t l = lin + k;
		uint32_t p = ((l ^ lin) & ~0xfffu) ? (pa2 & ~0xfffu) | (l & 0xfff)
						    : pa + k;
		mem_write8(c->mem, p, (uint8_t)(v >> (8 * k)));
	}
}

/* The 486's alignment check: words at even addresses, dwords at multiples
 * of 4 (an 8-byte operand is two dword accesses here, so it needs only 4),
 * a fault before the access. Active only while ac_check keeps every page
 * off the fast paths. */
void cpu_ac_sync(struct cpu *c)
{
	bool on = (c->s.cr0 & CR0_AM) && (c->s.rflags & FLAG_AC) &&
		  c->cpl == 3;

	if (on == c->ac_check)
		return;
	c->ac_check = on;
	c->paging = (c->s.cr0 & (CR0_PG | CR0_PE)) == (CR0_PG | CR0_PE) ||
		    c->dbg_dbp || on;
	cpu_tlb_flush(c, true);
}

/* Called before the operand's first access, so a segment or page fault
 * of the same access loses to #AC here (the SDM ranks them higher). */
void cpu_ac_check8(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely(c->ac_check) &&
	    (((uint32_t)c->s.seg[seg].base + off) & 7))
		cpu_fault_err(c, EXC_AC, 0);
}

static inline void ac_check(struct cpu *c, uint32_t lin, unsigned sz)
{
	if (unlikely(c->ac_check) && (lin & (sz - 1)))
		cpu_fault_err(c, EXC_AC, 0);
}

uint32_t cpu_lin_rd_slow(struct cpu *c, uint32_t lin, unsigned sz)
{
	ac_check(c, lin, sz);
	uint32_t v = cpu_vrd(c, lin, sz, c->tlb_user != 0);
	if (unlikely(c->dbg_dbp))
		cpu_dbp_check(c, lin, sz, 3);
	return v;
}

void cpu_lin_wr_slow(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v)
{
	ac_check(c, lin, sz);
	cpu_vwr(c, lin, sz, v, c->tlb_user != 0);
	if (unlikely(c->dbg_dbp))
		cpu_dbp_check(c, lin, sz, 1);
	/* A device register remapped memory: the TLB is refilled before the
	 * next instruction, so end the current block. */
	if (unlikely(c->mem->write_gen != c->tlb_gen))
		cpu_kick(c);
}

uint32_t cpu_sys_rd(struct cpu *c, uint32_t lin, unsigned sz)
{
	return cpu_vrd(c, lin, sz, false);
}

void cpu_sys_wr(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v)
{
	cpu_vwr(c, lin, sz, v, false);
}
