/* accel/kvm_mem.c: guest memory as KVM slots, derived from mmu/mem's page
 * map (the one source of truth for RAM, ROM, PAM shadowing and MMIO).
 *
 * A page whose read pointer equals its write pointer is a writable slot; a
 * page with a read pointer only (ROM, or shadow RAM with writes off) is a
 * read-only slot, so its writes exit and take the interpreter's slow path
 * (dropped, or routed to the RAM behind a write-only shadow); a page with
 * no read pointer (MMIO, holes) has no slot and exits to the bus.
 */
#include "accel/kvm.h"
#include "mmu/mem.h"

#define MIB (1ull << 20)

/* The host page a guest physical page shows, NULL for none. With A20 off
 * the odd first megabyte wraps to the first (real-mode HMA tricks);
 * higher odd megabytes are not aliased under KVM (documented). */
static uint8_t *page_backing(const struct mem *mem, uint64_t pa, bool *ro)
{
	uint64_t src = pa;

	if (!mem->a20 && pa >= MIB && pa < 2 * MIB)
		src = pa - MIB;
	uint32_t pfn = (uint32_t)(src >> MEM_PAGE_SHIFT);
	uint8_t *rd = mem->rd[pfn];
	*ro = mem->wr[pfn] != rd;
	return rd;
}

int kvm_mem_layout(const struct mem *mem, struct kvm_slot *out, unsigned max)
{
	uint64_t end = (uint64_t)mem->bus_mask + 1;
	unsigned n = 0;
	struct kvm_slot cur = { 0 };

	for (uint64_t pa = 0; pa < end; pa += MEM_PAGE_SIZE) {
		bool ro;
		uint8_t *host = page_backing(mem, pa, &ro);

		if (cur.size && host && host == cur.host + cur.size &&
		    ro == cur.readonly && pa == cur.gpa + cur.size) {
			cur.size += MEM_PAGE_SIZE;
			continue;
		}
		if (cur.size) {
			if (n == max)
				return -1;
			out[n++] = cur;
			cur.size = 0;
		}
		if (host)
			cur = (struct kvm_slot){ pa, MEM_PAGE_SIZE, host, ro };
	}
	if (cur.size) {
		if (n == max)
			return -1;
		out[n++] = cur;
	}
	return (int)n;
}
