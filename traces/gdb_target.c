/* traces/gdb_target.c: registers and memory as the gdb stub shows them. */
#include "traces/gdb_target.h"

#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"
#include "mmu/mem.h"

/* i386 with the x87 and no SSE: gdb then expects exactly these. */
const char gdb_target_xml[] =
	"<?xml version=\"1.0\"?>"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
	"<target version=\"1.0\"><architecture>i386</architecture>"
	"<feature name=\"org.gnu.gdb.i386.core\">"
	"<reg name=\"eax\" bitsize=\"32\" type=\"int32\" regnum=\"0\"/>"
	"<reg name=\"ecx\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"edx\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"ebx\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"esp\" bitsize=\"32\" type=\"data_ptr\"/>"
	"<reg name=\"ebp\" bitsize=\"32\" type=\"data_ptr\"/>"
	"<reg name=\"esi\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"edi\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"eip\" bitsize=\"32\" type=\"code_ptr\"/>"
	"<reg name=\"eflags\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"cs\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"ss\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"ds\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"es\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"fs\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"gs\" bitsize=\"32\" type=\"int32\"/>"
	"<reg name=\"st0\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st1\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st2\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st3\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st4\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st5\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st6\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\"/>"
	"<reg name=\"fctrl\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fstat\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"ftag\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fiseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fioff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"foseg\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fooff\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"<reg name=\"fop\" bitsize=\"32\" type=\"int\" group=\"float\"/>"
	"</feature></target>";

/* gdb's segment order is cs ss ds es fs gs. */
static const unsigned gdb_seg[6] = { SEG_CS, SEG_SS, SEG_DS,
				     SEG_ES, SEG_FS, SEG_GS };

static void put32(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static unsigned fpu_phys(const struct cpu_state *s, unsigned i)
{
	return (((s->fpu.fsw >> 11) & 7) + i) & 7; /* ST(i) -> R(TOP+i) */
}

static unsigned reg_get(const struct cpu_state *s, unsigned n, uint8_t *out)
{
	const struct cpu_fpu *f = &s->fpu;

	if (n < 8)
		put32(out, s->gpr[n]);
	else if (n == 8)
		put32(out, s->rip);
	else if (n == 9)
		put32(out, s->rflags);
	else if (n < 16)
		put32(out, s->seg[gdb_seg[n - 10]].sel);
	else if (n < 24) {
		memcpy(out, f->st[fpu_phys(s, n - 16)], 10);
		return 10;
	} else if (n < GDB_NREGS) {
		const uint64_t v[8] = { f->fcw, f->fsw, f->ftw, f->fcs,
					f->fip, f->fds, f->fdp, f->fop };
		put32(out, v[n - 24]);
	} else {
		return 0;
	}
	return 4;
}

unsigned gdb_reg_get(struct machine *m, unsigned n, uint8_t *out)
{
	m->backend->get_state(m->backend_priv, &m->cpu_state);
	return reg_get(&m->cpu_state, n, out);
}

size_t gdb_regs_get(struct machine *m, uint8_t *out)
{
	size_t len = 0;

	m->backend->get_state(m->backend_priv, &m->cpu_state);
	for (unsigned n = 0; n < GDB_NREGS; n++)
		len += reg_get(&m->cpu_state, n, out + len);
	return len;
}

bool gdb_reg_set(struct machine *m, unsigned n, const uint8_t *in,
		 unsigned len)
{
	struct cpu_state *s = &m->cpu_state;
	struct cpu_fpu *f = &s->fpu;

	if (n >= GDB_NREGS || len != (n >= 16 && n < 24 ? 10u : 4u))
		return false;
	m->backend->get_state(m->backend_priv, s);
	uint32_t v = len == 4 ? get32(in) : 0;
	if (n < 8)
		s->gpr[n] = v;
	else if (n == 8)
		s->rip = v;
	else if (n == 9)
		s->rflags = v;
	else if (n < 16)
		return false; /* a selector alone would leave base/limit stale */
	else if (n < 24)
		memcpy(f->st[fpu_phys(s, n - 16)], in, 10);
	else if (n == 24)
		f->fcw = (uint16_t)v;
	else if (n == 25)
		f->fsw = (uint16_t)v;
	else if (n == 26)
		f->ftw = (uint16_t)v;
	else if (n == 31)
		f->fop = (uint16_t)v;
	else
		return true; /* pointers: accepted, not kept */
	m->backend->set_state(m->backend_priv, s);
	return true;
}

/* RAM or ROM page holding pa, or NULL (MMIO, holes). */
static uint8_t *host_page(struct machine *m, uint32_t pa, bool write)
{
	pa &= m->mem->mask;
	return (write ? m->mem->wr : m->mem->rd)[pa >> MEM_PAGE_SHIFT];
}

static bool phys_read32(struct machine *m, uint32_t pa, uint32_t *v)
{
	uint8_t *p = host_page(m, pa, false);

	if (!p)
		return false;
	*v = get32(p + (pa & (MEM_PAGE_SIZE - 1) & ~3u));
	return true;
}

/* The 32-bit walk (4 KiB and PSE pages) without setting A/D bits. */
static bool lin_to_phys(struct machine *m, const struct cpu_state *s,
			uint32_t lin, uint32_t *pa)
{
	uint32_t pde, pte;

	if (!(s->cr0 & CR0_PG)) {
		*pa = lin;
		return true;
	}
	if (!phys_read32(m, ((uint32_t)s->cr3 & ~0xfffu) + (lin >> 22) * 4,
			 &pde) || !(pde & 1))
		return false;
	if ((pde & 0x80) && (s->cr4 & 0x10)) {
		*pa = (pde & 0xffc00000u) | (lin & 0x3fffffu);
		return true;
	}
	if (!phys_read32(m, (pde & ~0xfffu) + ((lin >> 12) & 0x3ff) * 4,
			 &pte) || !(pte & 1))
		return false;
	*pa = (pte & ~0xfffu) | (lin & 0xfff);
	return true;
}

static size_t mem_access(struct machine *m, uint64_t lin, uint8_t *buf,
			 size_t len, bool write)
{
	size_t done = 0;

	m->backend->get_state(m->backend_priv, &m->cpu_state);
	while (done < len) {
		uint32_t l = (uint32_t)(lin + done), pa;
		size_t n = MEM_PAGE_SIZE - (l & (MEM_PAGE_SIZE - 1));
		if (n > len - done)
			n = len - done;
		if (!lin_to_phys(m, &m->cpu_state, l, &pa))
			break;
		uint8_t *p = host_page(m, pa, write);
		if (!p)
			break;
		uint32_t off = pa & (MEM_PAGE_SIZE - 1);
		if (write) {
			memcpy(p + off, buf + done, n);
			mem_mark_dirty(m->mem, pa & m->mem->mask);
		} else {
			memcpy(buf + done, p + off, n);
		}
		done += n;
	}
	return done;
}

size_t gdb_mem_read(struct machine *m, uint64_t lin, void *buf, size_t len)
{
	return mem_access(m, lin, buf, len, false);
}

size_t gdb_mem_write(struct machine *m, uint64_t lin, const void *buf,
		     size_t len)
{
	size_t n = mem_access(m, lin, (uint8_t *)buf, len, true);

	/* Cached decodes and translations of what changed. */
	if (n) {
		m->backend->get_state(m->backend_priv, &m->cpu_state);
		m->backend->set_state(m->backend_priv, &m->cpu_state);
	}
	return n;
}
