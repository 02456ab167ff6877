/* mmu/paging.h: the x86 page walk.
 *
 * Two-level 32-bit paging with 4 KiB pages and PSE 4 MiB pages. The walk
 * reads and updates (accessed/dirty) guest page tables in physical memory
 * and reports either a translation or a #PF error code. PAE (64-bit
 * entries, three levels) is a second walker with the same result struct.
 */
#ifndef LUCID_MMU_PAGING_H
#define LUCID_MMU_PAGING_H

#include <stdbool.h>
#include <stdint.h>

struct mem;

/* #PF error code bits. */
#define PF_P 0x01u    /* protection violation (else not present) */
#define PF_W 0x02u    /* write access */
#define PF_U 0x04u    /* user-mode access */
#define PF_RSVD 0x08u /* reserved bit set in an entry */
#define PF_I 0x10u    /* instruction fetch (NX, later) */

/* Access kinds (bit mask). */
#define PW_WRITE 0x01u
#define PW_USER 0x02u
#define PW_FETCH 0x04u

/* Page-table entry bits. */
#define PTE_P 0x001u
#define PTE_W 0x002u
#define PTE_U 0x004u
#define PTE_A 0x020u
#define PTE_D 0x040u
#define PTE_PS 0x080u
#define PTE_G 0x100u

struct pw_ctl {
	uint32_t cr3;
	bool pse; /* CR4.PSE: PDE.PS selects a 4 MiB page */
	bool wp;  /* CR0.WP: supervisor writes obey R/W */
};

struct pw_result {
	uint32_t pa;   /* physical address of lin */
	bool global;   /* G bit of the final entry */
	bool large;    /* a 4 MiB page */
	bool writable; /* the page allows this privilege to write */
};

/* Walk for an access; false and *err = #PF error code on a fault. A/D bits
 * are set only for accesses that succeed. */
bool mmu_walk32(struct mem *m, const struct pw_ctl *ctl, uint32_t lin,
		unsigned acc, struct pw_result *r, uint32_t *err);

#endif
