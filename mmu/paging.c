/* mmu/paging.c: the 32-bit page walk (see paging.h). */
#include "mmu/paging.h"
#include "mmu/mem.h"

bool mmu_walk32(struct mem *m, const struct pw_ctl *ctl, uint32_t lin,
		unsigned acc, struct pw_result *r, uint32_t *err)
{
	uint32_t pde_pa = (ctl->cr3 & 0xfffff000u) | ((lin >> 20) & 0xffc);
	uint32_t pde = mem_read32(m, pde_pa), pte = 0, pte_pa = 0, eff;
	bool user = acc & PW_USER, write = acc & PW_WRITE;
	bool large;
	uint32_t code = (write ? PF_W : 0) | (user ? PF_U : 0);

	if (!(pde & PTE_P)) {
		*err = code;
		return false;
	}
	large = ctl->pse && (pde & PTE_PS);
	if (large) {
		eff = pde;
	} else {
		pte_pa = (pde & 0xfffff000u) | ((lin >> 10) & 0xffc);
		pte = mem_read32(m, pte_pa);
		if (!(pte & PTE_P)) {
			*err = code;
			return false;
		}
		eff = pte & pde; /* U and W must be set at both levels */
	}
	/* User pages need U at every level; writes need W for users, and
	 * for the supervisor when CR0.WP is set. */
	if (user && !(eff & PTE_U)) {
		*err = code | PF_P;
		return false;
	}
	if (write && !(eff & PTE_W) && (user || ctl->wp)) {
		*err = code | PF_P;
		return false;
	}
	r->writable = (eff & PTE_W) || (!user && !ctl->wp);
	r->large = large;
	if (large) {
		uint32_t set = PTE_A | (write ? PTE_D : 0);
		if ((pde & set) != set)
			mem_write32(m, pde_pa, pde | set);
		r->pa = (pde & 0xffc00000u) | (lin & 0x3fffff);
		r->global = pde & PTE_G;
	} else {
		uint32_t set = PTE_A | (write ? PTE_D : 0);
		if (!(pde & PTE_A))
			mem_write32(m, pde_pa, pde | PTE_A);
		if ((pte & set) != set)
			mem_write32(m, pte_pa, pte | set);
		r->pa = (pte & 0xfffff000u) | (lin & 0xfff);
		r->global = pte & PTE_G;
	}
	return true;
}
