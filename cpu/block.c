/* cpu/block.c: the decoded-block cache.
 *
 * A block is a straight run of decoded instructions on one physical page,
 * keyed by the physical address of its first byte and the decode mode. The
 * run loop looks a block up once and then executes its instructions back to
 * back; the per-instruction work left is the handler call, the cycle charge
 * and three compares (IP where expected, cycle limit, page unmodified).
 *
 * A block ends after an instruction that may change what the next
 * instruction sees other than through IP: mode, CS, SS (interrupt shadow),
 * IF/TF, paging, I/O (devices), HLT. Anything else that ends a run of
 * instructions early is caught at run time: a jump (IP not the next
 * instruction), a fault (longjmp), an interrupt request or a data
 * breakpoint (the cycle limit drops to 0), a write to the page's code
 * (mem->code_gen). So a block run retires exactly what single instructions
 * would, at the same boundaries.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu/fpu.h"
#include "cpu/interp.h"

/* Handlers after which the next instruction of the page can follow in the
 * same block: they change only registers, arithmetic/direction flags, data
 * segments loaded as data (LDS/LES/LFS/LGS), memory, the FPU, or IP. */
static const insn_fn block_straight[] = {
    op_alu_rm_r,      op_alu_r_rm,
    op_alu_acc_imm,   op_alu_rm_imm,
    op_inc_r,	      op_dec_r,
    op_inc_rm,	      op_dec_rm,
    op_test_rm_r,     op_test_acc_imm,
    op_test_rm_imm,   op_not,
    op_neg,	      op_shift,
    op_setmo,	      op_mul,
    op_imul1,	      op_div,
    op_idiv,	      op_imul_imm,
    op_movs,	      op_cmps,
    op_stos,	      op_lods,
    op_scas,	      op_jcc,
    op_jmp_rel,	      op_call_rel,
    op_ret,	      op_loop,
    op_jcxz,	      op_call_rm,
    op_jmp_rm,	      op_push_r,
    op_pop_r,	      op_push_rm,
    op_pop_rm,	      op_push_imm,
    op_pusha,	      op_popa,
    op_enter,	      op_leave,
    op_pushf,	      op_push_sreg,
    op_daa,	      op_das,
    op_aaa,	      op_aas,
    op_aam,	      op_aad,
    op_salc,	      op_mov_rm_r,
    op_mov_r_rm,      op_mov_rm_sreg,
    op_mov_r_imm,     op_mov_rm_imm,
    op_mov_acc_moffs, op_mov_moffs_acc,
    op_xchg_rm_r,     op_xchg_acc,
    op_lea,	      op_les,
    op_lds,	      op_lfs,
    op_lgs,	      op_xlat,
    op_cbw,	      op_cwd,
    op_lahf,	      op_sahf,
    op_nop,	      op_cmc,
    op_clc,	      op_stc,
    op_cld,	      op_std,
    op_cli,	      op_movzx,
    op_movsx,	      op_setcc,
    op_cmov,	      op_bt,
    op_bsf,	      op_bsr,
    op_bswap,	      op_shld,
    op_shrd,	      op_imul_r_rm,
    op_xadd,	      op_cmpxchg,
    op_cmpxchg8b,     op_rdtsc,
    op_fpu,	      op_fwait,
    op_esc,	      op_wait,
};

static bool block_continues(insn_fn fn)
{
	for (size_t k = 0; k < sizeof(block_straight) / sizeof(*block_straight);
	     k++)
		if (block_straight[k] == fn)
			return true;
	return false;
}

static size_t block_bytes(unsigned n)
{
	return (sizeof(struct block) + n * sizeof(struct insn) + 15) & ~15ul;
}

int cpu_block_init(struct cpu *c)
{
	c->bc = calloc(BC_HASH, sizeof(*c->bc));
	/* Untouched arena pages cost no memory. */
	c->bc_arena = malloc(BC_ARENA);
	c->bc_used = 0;
	return c->bc && c->bc_arena ? 0 : -1;
}

void cpu_block_free(struct cpu *c)
{
	free(c->bc);
	free(c->bc_arena);
}

void cpu_block_flush(struct cpu *c)
{
	if (c->bc)
		memset(c->bc, 0, BC_HASH * sizeof(*c->bc));
	c->bc_used = 0;
	c->chain_from = NULL;
	c->chain_epoch++;
}

/* Decode the block starting at ip (physical pa, host page `page`). NULL
 * when not even the first instruction lies wholly on the page inside the
 * fast fetch range (the caller then decodes it byte by byte). */
struct block *cpu_block_build(struct cpu *c, uint32_t pa, const uint8_t *page,
			      uint32_t ip)
{
	struct mem *m = c->mem;
	uint32_t pfn = pa >> MEM_PAGE_SHIFT, po = pa & (MEM_PAGE_SIZE - 1);
	uint32_t off = 0, last = 0;
	unsigned n = 0;
	bool term = false;
	struct block *b;

	if (c->bc_used + block_bytes(BLOCK_MAX) > BC_ARENA)
		cpu_block_flush(c);
	b = (struct block *)(c->bc_arena + c->bc_used);
	while (n < BLOCK_MAX && po + off < MEM_PAGE_SIZE &&
	       (int64_t)(ip + off) <= c->fetch_fast) {
		struct insn *i = &b->i[n];
		uint32_t p = po + off;
		if (p > MEM_PAGE_SIZE - FETCH_MAX) {
			/* The page's tail; the zeros past it only matter to an
			 * instruction that runs into the next page, which is
			 * left to the byte-by-byte path. */
			uint8_t buf[FETCH_MAX] = {0};
			memcpy(buf, page + p, MEM_PAGE_SIZE - p);
			cpu_decode(c->q, buf, FETCH_MAX, c->code32, i);
			if (p + i->len > MEM_PAGE_SIZE)
				break;
		} else {
			cpu_decode(c->q, page + p, FETCH_MAX, c->code32, i);
		}
		m->code_lines[pfn] |=
		    (1ull << (p >> 6)) | (1ull << ((p + i->len - 1) >> 6));
		last = off;
		off += i->len;
		n++;
		term = !block_continues(i->fn);
		if (term)
			break;
		cpu_insn_specialize(i);
	}
	if (!n)
		return NULL;
	memset(b->link, 0, sizeof(b->link));
	b->term = term;
	b->end = off;
	b->pfn = pfn;
	b->key = BC_KEY(pa, c->code32);
	b->gen = m->code_gen[pfn];
	b->span = last;
	b->n = n;
	c->bc_used += block_bytes(n);
	c->bc[BC_INDEX(pa)] = b;
	return b;
}
