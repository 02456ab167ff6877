/* tests/conformance/sst_run.c: one SingleStepTests test on a Lucid machine.
 *
 * One machine (mem + cpu) per model is reused for every test: a test loads
 * its registers and RAM bytes, runs, is compared, and then every page it
 * dirtied is zeroed again, so the next test starts from all-zero RAM without
 * clearing 16 MiB each time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"
#include "core/log.h"
#include "cpu/cpu.h"
#include "mmu/mem.h"
#include "tests/conformance/sst.h"

/* 286 tests end in HLT; a CPU that loops must not hang the run. */
#define SST_STEP_CAP 10000
#define SST_RAM_MAX (16u << 20)
#define SST_MAX_RAM_DIFFS 16

struct sst_machine {
	const struct cpu_model *model;
	struct log log;
	struct clock clock;
	struct irq irq;
	struct bus *bus;
	struct mem *mem;
	struct cpu *cpu;
	struct cpu_state reset; /* template every test starts from */
	uint32_t npages;
};

static const int sst_gpr_of[8] = {
	[SST_AX] = REG_AX, [SST_BX] = REG_BX, [SST_CX] = REG_CX,
	[SST_DX] = REG_DX, [SST_SI] = REG_SI, [SST_DI] = REG_DI,
	[SST_BP] = REG_BP, [SST_SP] = REG_SP,
};
static const int sst_seg_of[4] = { SEG_CS, SEG_DS, SEG_ES, SEG_SS };

void sst_machine_destroy(struct sst_machine *m)
{
	if (!m)
		return;
	if (m->cpu)
		cpu_destroy(m->cpu);
	mem_destroy(m->mem);
	bus_destroy(m->bus);
	clock_destroy(&m->clock);
	free(m);
}

struct sst_machine *sst_machine_create(const struct cpu_model *model,
				       bool verbose, char *err, size_t errlen)
{
	struct sst_machine *m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->model = model;
	log_init(&m->log, stderr);
	if (!verbose) /* a CPU warning per test would drown the report */
		memset(m->log.level, LOG_ERROR, sizeof(m->log.level));
	clock_init(&m->clock, (uint64_t)model->default_mhz * 1000);
	irq_init(&m->irq);
	m->bus = bus_create(&m->log);
	/* The suites assume RAM over the whole bus (1 MiB on the 8086, 16 MiB
	 * on the 286); wider models get the 286's 16 MiB. */
	uint64_t ram = model->addr_bits >= 24 ? SST_RAM_MAX :
						1ull << model->addr_bits;
	m->mem = mem_create(ram, m->bus, &m->log, err, errlen);
	if (!m->mem) {
		sst_machine_destroy(m);
		return NULL;
	}
	m->npages = (uint32_t)(ram >> MEM_PAGE_SHIFT);
	m->cpu = cpu_create(model, m->mem, m->bus, &m->clock, &m->irq,
			    &m->log);
	if (!m->cpu) {
		snprintf(err, errlen, "cpu_create(%s) failed", model->name);
		sst_machine_destroy(m);
		return NULL;
	}
	mem_set_bus_width(m->mem, model->addr_bits);
	mem_set_a20(m->mem, true);
	memset(m->mem->dirty, 0, (MEM_NPAGES / 64) * sizeof(uint64_t));
	cpu_reset(m->cpu);
	cpu_get_state(m->cpu, &m->reset);
	return m;
}

/* --- one test ----------------------------------------------------------- */

/* Bytes of RAM whose comparison is masked: FLAGS pushed by an interrupt
 * carry the instruction's undefined flags. */
struct sst_flagword {
	bool valid;
	uint32_t lo, hi;
};

struct sst_expect {
	uint16_t regs[SST_NREG];
	uint16_t mask;
	struct sst_flagword fw;
};

static uint16_t sst_initial_flags(const struct sst_test *t,
				  enum sst_suite suite)
{
	uint16_t f = t->init.v[SST_FLAGS];
	/* The 286 suite's README: clear the top four bits in real mode. */
	return suite == SST_SUITE_286 ? f & 0x0fff : f;
}

static void sst_expect_build(const struct sst_test *t, enum sst_suite suite,
			     const struct sst_opinfo *op, uint32_t bus_mask,
			     struct sst_expect *x)
{
	/* Registers final does not name are unchanged. */
	for (int r = 0; r < SST_NREG; r++)
		x->regs[r] = t->fin.present & (1u << r) ? t->fin.v[r] :
							  t->init.v[r];
	if (!(t->fin.present & (1u << SST_FLAGS)))
		x->regs[SST_FLAGS] = sst_initial_flags(t, suite);
	x->mask = op->has_mask ? op->flags_mask : 0xffff;
	/* The interrupt frame's FLAGS sit at SS:SP+4 (IP, CS below them). */
	uint32_t ss = (uint32_t)x->regs[SST_SS] << 4;
	uint32_t lo = (ss + (uint16_t)(x->regs[SST_SP] + 4)) & bus_mask;
	uint32_t hi = (ss + (uint16_t)(x->regs[SST_SP] + 5)) & bus_mask;
	x->fw.valid = false;
	if (t->has_exc) {
		/* flag_address is the word-aligned bus address: one below
		 * FLAGS when SP is odd. Trust it alone if the frame moved. */
		if ((lo & ~1u) != (t->flag_addr & ~1u)) {
			lo = t->flag_addr & bus_mask;
			hi = (t->flag_addr + 1) & bus_mask;
		}
		x->fw = (struct sst_flagword){ true, lo, hi };
	} else if (suite == SST_SUITE_8086 && op->has_mask &&
		   (uint16_t)(t->init.v[SST_SP] - 6) == x->regs[SST_SP]) {
		/* The 8086 suite has no "exception" key, but an instruction
		 * with undefined flags that dropped SP by 6 took an interrupt
		 * (divide error). */
		x->fw = (struct sst_flagword){ true, lo, hi };
	}
}

static void sst_regs_of_state(const struct cpu_state *s, uint16_t *v)
{
	for (int r = SST_AX; r <= SST_SP; r++)
		v[r] = (uint16_t)s->gpr[sst_gpr_of[r]];
	for (int r = SST_CS; r <= SST_SS; r++)
		v[r] = s->seg[sst_seg_of[r - SST_CS]].sel;
	v[SST_IP] = (uint16_t)s->rip;
	v[SST_FLAGS] = (uint16_t)s->rflags;
}

static void sst_flag_letters(uint16_t f, char out[9])
{
	static const char names[] = "odiszapc";
	static const uint16_t bits[] = { FLAG_OF, FLAG_DF, FLAG_IF, FLAG_SF,
					 FLAG_ZF, FLAG_AF, FLAG_PF, FLAG_CF };
	for (int i = 0; i < 8; i++)
		out[i] = f & bits[i] ? names[i] : '.';
	out[8] = '\0';
}

static void sst_print_flags(uint16_t exp, uint16_t got, uint16_t mask)
{
	char le[9], lg[9];
	uint16_t d = (exp ^ got) & mask;

	sst_flag_letters(exp, le);
	sst_flag_letters(got, lg);
	printf("    flags: expected 0x%04X %s got 0x%04X %s (differ 0x%04X",
	       exp, le, got, lg, d);
	if (mask != 0xffff)
		printf(", mask 0x%04X", mask);
	printf(")\n");
}

/* Count the differences; print them too when print is set. */
static unsigned sst_compare(struct sst_machine *m, const struct sst_test *t,
			    const struct sst_expect *x, const uint16_t *got,
			    bool print)
{
	unsigned n = 0, nram = 0;

	for (int r = 0; r < SST_NREG; r++) {
		uint16_t mask = r == SST_FLAGS ? x->mask : 0xffff;
		if (!((x->regs[r] ^ got[r]) & mask))
			continue;
		n++;
		if (!print)
			continue;
		if (r == SST_FLAGS)
			sst_print_flags(x->regs[r], got[r], mask);
		else
			printf("    %s: expected 0x%04X got 0x%04X\n",
			       sst_reg_names[r], x->regs[r], got[r]);
	}
	for (size_t i = 0; i < t->fin_ram.n; i++) {
		const struct sst_ram *e = &t->fin_ram.e[i];
		uint8_t v = mem_read8(m->mem, e->addr), bm = 0xff;
		if (x->fw.valid && e->addr == x->fw.lo)
			bm = (uint8_t)x->mask;
		else if (x->fw.valid && e->addr == x->fw.hi)
			bm = (uint8_t)(x->mask >> 8);
		if (!((v ^ e->val) & bm))
			continue;
		n++;
		if (!print || nram++ >= SST_MAX_RAM_DIFFS)
			continue;
		printf("    ram 0x%05X: expected 0x%02X got 0x%02X", e->addr,
		       e->val, v);
		if (bm != 0xff)
			printf(" (FLAGS byte, mask 0x%02X)", bm);
		printf("\n");
	}
	if (print && nram > SST_MAX_RAM_DIFFS)
		printf("    ... %u more RAM bytes differ\n",
		       nram - SST_MAX_RAM_DIFFS);
	return n;
}

/* Zero what the test touched: dirtied pages (the CPU's writes, our loads)
 * and, in case something consumed the dirty bits, the bytes it named. */
static void sst_restore(struct sst_machine *m, const struct sst_test *t)
{
	struct mem *mem = m->mem;

	for (uint32_t w = 0; w < m->npages / 64; w++) {
		uint64_t bits = mem->dirty[w];
		mem->dirty[w] = 0;
		while (bits) {
			uint64_t pfn = (uint64_t)w * 64 +
				       (unsigned)__builtin_ctzll(bits);
			bits &= bits - 1;
			memset(mem->ram + (pfn << MEM_PAGE_SHIFT), 0,
			       MEM_PAGE_SIZE);
		}
	}
	for (size_t i = 0; i < t->init_ram.n; i++)
		if (t->init_ram.e[i].addr < mem->ram_size)
			mem->ram[t->init_ram.e[i].addr] = 0;
	for (size_t i = 0; i < t->fin_ram.n; i++)
		if (t->fin_ram.e[i].addr < mem->ram_size)
			mem->ram[t->fin_ram.e[i].addr] = 0;
}

static int sst_check_ram(const struct sst_machine *m,
			 const struct sst_ramlist *l, const char *what,
			 char *err, size_t errlen)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->e[i].addr >= m->mem->ram_size) {
			snprintf(err, errlen,
				 "%s.ram: address 0x%X is beyond the %s's "
				 "%llu KiB",
				 what, l->e[i].addr, m->model->name,
				 (unsigned long long)(m->mem->ram_size >> 10));
			return -1;
		}
	return 0;
}

static void sst_load(struct sst_machine *m, const struct sst_test *t,
		     enum sst_suite suite)
{
	struct cpu_state s = m->reset;

	for (size_t i = 0; i < t->init_ram.n; i++) {
		const struct sst_ram *e = &t->init_ram.e[i];
		mem_load(m->mem, e->addr, &e->val, 1);
	}
	for (int r = SST_AX; r <= SST_SP; r++)
		s.gpr[sst_gpr_of[r]] = t->init.v[r];
	/* Real mode: base = selector * 16, 64 KiB limit; the access rights
	 * stay as the model's reset left them. */
	for (int r = SST_CS; r <= SST_SS; r++) {
		struct cpu_segment *sg = &s.seg[sst_seg_of[r - SST_CS]];
		sg->sel = t->init.v[r];
		sg->base = (uint64_t)t->init.v[r] << 4;
		sg->limit = 0xffff;
	}
	s.rip = t->init.v[SST_IP];
	s.rflags = sst_initial_flags(t, suite);
	s.events = (struct cpu_events){ 0 };
	cpu_flush_caches(m->cpu);
	cpu_set_state(m->cpu, &s);
}

/* Run the loaded test; "" or why it could not finish. */
static void sst_execute(struct sst_machine *m, enum sst_suite suite,
			struct cpu_state *s, char *why, size_t whylen)
{
	why[0] = '\0';
	if (suite == SST_SUITE_8086) {
		if (cpu_step(m->cpu) == CPU_EXIT_SHUTDOWN)
			snprintf(why, whylen, "CPU shut down");
		cpu_get_state(m->cpu, s);
		return;
	}
	for (int n = 0;; n++) {
		if (n == SST_STEP_CAP) {
			snprintf(why, whylen, "no HLT after %d instructions",
				 SST_STEP_CAP);
			break;
		}
		enum cpu_exit e = cpu_step(m->cpu);
		if (e == CPU_EXIT_HALT || cpu_halted(m->cpu))
			break;
		if (e == CPU_EXIT_SHUTDOWN) {
			snprintf(why, whylen,
				 "CPU shut down after %d instructions", n + 1);
			break;
		}
	}
	cpu_get_state(m->cpu, s);
}

static void sst_print_header(const char *file, long k, const struct sst_test *t,
			     const char *key)
{
	printf("%s: test %ld", file, k);
	if (t->idx != k)
		printf(" (idx %ld)", t->idx);
	printf(" \"%s\" bytes", t->name);
	for (unsigned i = 0; i < t->nbytes; i++)
		printf(" %02X", t->bytes[i]);
	printf(" [%s]", key);
	if (t->hash[0])
		printf(" hash %.16s", t->hash);
	printf(":\n");
}

enum sst_result sst_run_test(struct sst_machine *m, enum sst_suite suite,
			     const struct sst_test *t,
			     const struct sst_opinfo *op, const char *key,
			     const char *file, long k, bool verbose)
{
	char why[128], err[256];
	struct sst_expect x;
	struct cpu_state s;
	uint16_t got[SST_NREG];

	if (sst_check_ram(m, &t->init_ram, "initial", err, sizeof(err)) ||
	    sst_check_ram(m, &t->fin_ram, "final", err, sizeof(err))) {
		printf("%s: test %ld: %s\n", file, k, err);
		return SST_FAIL;
	}
	sst_load(m, t, suite);
	sst_execute(m, suite, &s, why, sizeof(why));
	sst_regs_of_state(&s, got);
	sst_expect_build(t, suite, op, m->mem->bus_mask, &x);
	unsigned ndiff = sst_compare(m, t, &x, got, false);
	if ((ndiff || why[0]) && verbose) {
		sst_print_header(file, k, t, key);
		if (why[0])
			printf("    %s\n", why);
		sst_compare(m, t, &x, got, true);
	}
	sst_restore(m, t);
	return ndiff || why[0] ? SST_FAIL : SST_PASS;
}
