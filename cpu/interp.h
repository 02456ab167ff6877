/* cpu/interp.h: the interpreter's private types and inline helpers.
 *
 * Bytes are decoded once into a struct insn (cpu/decode.c) and executed by
 * calling insn->fn. Handlers reach registers, memory and lazy flags through
 * the inline helpers below. Faults unwind with longjmp to the run loop, so a
 * handler never checks a return code.
 */
#ifndef LUCID_CPU_INTERP_H
#define LUCID_CPU_INTERP_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/bus.h"
#include "core/clock.h"
#include "core/irq.h"
#include "core/log.h"
#include "cpu/cpu.h"
#include "cpu/state.h"
#include "mmu/mem.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct cpu;
struct insn;
struct cpu_ident;
typedef void (*insn_fn)(struct cpu *c, const struct insn *i);

#define REG_NONE 0xff
#define SEG_NONE 0xff

enum { REP_NONE, REP_E, REP_NE }; /* F3, F2 */

/* Exception vectors. */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4,
	EXC_BR = 5, EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10,
	EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16,
	EXC_AC = 17, EXC_MC = 18,
};

/* cpu_intr kinds (bit mask). */
#define INT_EXT 1u  /* external: hardware IRQ/NMI (EXT bit in error codes) */
#define INT_SOFT 2u /* INT n/INT3/INTO: gate DPL checked against CPL */
#define INT_IOPL 4u /* INT n: #GP in V86 mode when IOPL < 3 */
#define INT_EXC 8u  /* an exception (error code pushed if the vector has one) */

/* A decoded instruction. Pure function of the bytes and the decode mode, so
 * it can be cached per guest page later. */
struct insn {
	insn_fn fn;
	uint32_t disp;  /* displacement / moffs, truncated to address size */
	uint32_t imm;   /* first immediate (rel8 and ib sign-extended) */
	uint16_t imm2;  /* far pointer selector, ENTER nesting level */
	uint16_t cycles;
	uint8_t op;     /* opcode byte (second byte for the 0F map) */
	uint8_t map;    /* 0: one-byte, 1: 0F */
	uint8_t len;
	uint8_t npfx;
	uint8_t mod, reg, rm;
	uint8_t base, index, scale; /* EA registers (REG_NONE if absent) */
	uint8_t seg;    /* segment for memory operands (override applied) */
	uint8_t sego;   /* explicit override or SEG_NONE */
	uint8_t rep;
	uint8_t lock;
	uint8_t size;   /* operand size in bytes: 1, 2 or 4 */
	uint8_t osize;  /* 2 or 4 */
	uint8_t asize;  /* 2 or 4 */
};

/* Opcode table entry. */
struct opdesc {
	insn_fn fn;
	uint16_t f;
	uint8_t grp; /* index into the model's group tables when D_GRP */
};

/* opdesc.f bits */
#define D_MODRM 0x0001
#define D_BYTE 0x0002   /* 8-bit operand */
#define D_IB 0x0004     /* imm8, zero-extended */
#define D_IBS 0x0008    /* imm8, sign-extended (also rel8) */
#define D_IW 0x0010     /* imm16 */
#define D_IV 0x0020     /* imm of operand size (also relv) */
#define D_PTR 0x0040    /* far pointer: offset (osize) + selector */
#define D_ENTER 0x0080  /* iw + ib */
#define D_MOFFS 0x0100  /* offset of address size into disp */
#define D_GRP 0x0200    /* handler picked by ModR/M reg */
#define D_PFX 0x0400    /* a prefix; grp holds which */
#define D_MEMONLY 0x0800 /* mod == 3 is #UD (186+) */
#define D_TWO 0x1000   /* escape to the 0F map */

enum { PFX_SEG_ES, PFX_SEG_CS, PFX_SEG_SS, PFX_SEG_DS, PFX_SEG_FS,
       PFX_SEG_GS, PFX_LOCK, PFX_REPNE, PFX_REPE, PFX_OSIZE, PFX_ASIZE };

/* Groups (one table of 8 entries each per model). */
enum { GRP_ALU, GRP_SHIFT1, GRP_SHIFTCL, GRP_SHIFTIB, GRP_F6, GRP_F7,
       GRP_FE, GRP_FF, GRP_8F, GRP_C6, GRP_C7, GRP_0F00, GRP_0F01,
       GRP_0FBA, GRP_0FC7, CPU_NGRP };

/* Per-model cycle costs: register form and memory form (EA added on the
 * 8086), per opcode and per group member. */
struct cyc {
	uint8_t r, m;
};

struct cpu_cycles {
	struct cyc one[256];
	struct cyc grp[CPU_NGRP][8];
	struct cyc two[256];
	uint8_t ea[5];     /* 8086 EA: [d], [r], [r+d], [b+i], [b+i+d] */
	uint8_t rep_iter;  /* per REP iteration (string op cost per element) */
	uint8_t taken;     /* extra for a taken Jcc/LOOP/JCXZ */
	uint8_t exc;       /* interrupt / exception delivery */
};

enum cpu_class { CLS_8086, CLS_186, CLS_286, CLS_386, CLS_486, CLS_586,
		 CLS_686 };

/* Model differences as data. */
struct cpu_quirks {
	enum cpu_class cls;
	bool push_sp_new;     /* PUSH SP stores the decremented SP */
	bool shift_unmasked;  /* shift/rotate count not masked to 5 bits */
	bool seg_wrap;        /* word at offset FFFF wraps (else #GP) */
	bool div_ret_next;    /* #DE pushes the next IP */
	bool idiv_no_min;     /* IDIV quotient 80h/8000h raises #DE */
	bool rep_negates;     /* REP prefix negates IMUL/IDIV results */
	bool ud_invalid;      /* invalid opcodes raise #UD */
	bool lock_ud;         /* LOCK on a non-RMW-memory instruction: #UD */
	bool esc_limit;       /* ESC with memory checks the segment limit */
	bool str_fault_late;  /* string ops move SI/DI (and CX) before #GP */
	bool bcd_8086;        /* 8086 DAA/DAS/AAA/AAS variants */
	uint8_t max_len;      /* longer instructions raise #GP (0: none) */
	bool idt_limit;       /* real-mode IVT accesses obey IDTR.limit */
	uint8_t nsreg;        /* segment registers MOV can name */
	uint32_t dt_fill;     /* SGDT/SIDT fill of the base's top byte */
	uint16_t reset_cs;    /* reset CS selector, base and IP */
	uint32_t reset_base;
	uint16_t reset_ip;
	uint32_t reset_cr0;
	uint32_t reset_edx;   /* EDX at reset: the family/model signature */
	uint32_t cr0_rw;      /* CR0 bits MOV CR0 can change (PE..PG) */
	uint32_t cr4_rw;      /* CR4 bits the model has (0: no CR4, #UD) */
	uint32_t flags_one;   /* flag bits that read as 1 */
	uint32_t flags_rw;    /* flag bits POPF/IRET may change */
	const struct cpu_ident *ident; /* CPUID/MSRs (NULL: none) */
	const struct opdesc *ops1;
	const struct opdesc *ops2;
	const struct opdesc (*grp)[8];
	const struct cpu_cycles *cyc;
};

/* Fast segment checks (cpu/seg.c keeps them in step with the hidden
 * parts): an access of sz bytes at off is valid when
 * (uint32_t)(off - lo) <= lim - (sz - 1); lim = -1 accepts nothing (null or
 * unreadable segment). Rights and expand-down live in lo/lim, so the hot
 * path is one subtract and one compare. */
struct seg_chk {
	uint32_t lo;
	int64_t rlim, wlim;
};

/* Software TLB: direct-mapped, one array per (user, write) access class.
 * host is the RAM/ROM page (NULL: slow path through pa, e.g. MMIO). */
#define TLB_SIZE 256
#define TLB_NONE 0xffffffffu
#define TLB_GLOBAL 1u /* in pa's low bits */
struct tlb_entry {
	uint32_t tag; /* linear page number or TLB_NONE */
	uint32_t pa;  /* physical page | TLB_GLOBAL */
	uint8_t *host;
};

/* Decoded blocks (cpu/block.c): straight runs of instructions on one
 * physical page. A block is valid while its page's mem->code_gen is
 * unchanged (writes to the page's code lines, remaps and DMA bump it) and
 * the decode mode matches (key = pa << 1 | code32, with BC_VALID so that
 * no key is 0). Blocks live in an arena that is emptied when full; the
 * table is direct-mapped by physical address. */
#define BLOCK_MAX 32
#define FETCH_MAX 16 /* bytes fetched for one decode (longest insn: 15) */
#define BC_HASH 16384
#define BC_ARENA (8u << 20)
#define BC_VALID (1ull << 40)
#define BC_KEY(pa, code32) (BC_VALID | (uint64_t)(pa) << 1 | (code32))
#define BC_INDEX(pa) (((pa) ^ ((pa) >> 14)) & (BC_HASH - 1))
/* A block's successors as last seen, by the IP control went to: valid
 * while nothing that maps IPs to blocks changed (chain_epoch: TLB
 * flushes, CS and mode changes, block flushes; mem->write_gen: memory map
 * changes) and the successor's page code is unchanged. Slot 0 is the
 * fall-through IP, slot 1 the last other one. */
struct block_link {
	struct block *to;
	uint64_t epoch, wgen;
	uint32_t lin; /* CS.base + IP of the successor's first instruction */
};

struct block {
	uint64_t key;
	uint64_t gen;
	uint32_t span; /* IP offset of the last instruction */
	uint32_t end;  /* IP offset past it */
	uint32_t n;
	uint32_t pfn;
	bool term;     /* the last instruction needs the run loop's checks */
	struct block_link link[2];
	struct insn i[];
};

/* Lazy flags: the last flag-producing operation. */
enum lf_op { LF_NONE, LF_ADD, LF_SUB, LF_LOGIC, LF_INC, LF_DEC,
	     LF_SHIFT /* SF ZF PF from the result, CF|OF in lf_b, AF 0 */ };

struct cpu {
	struct cpu_state s; /* canonical; arith flags stale while lf_op set */
	uint32_t lf_res, lf_a, lf_b;
	uint8_t lf_op, lf_size;

	const struct cpu_model *model;
	const struct cpu_quirks *q;
	struct mem *mem;
	struct bus *bus;
	struct clock *clock;
	struct irq *irq;
	struct log *log;
	struct cpu_hooks hooks;

	uint64_t icount;
	uint64_t icount_limit; /* cpu_run stops when icount reaches it */
	uint64_t limit;     /* cpu_run's cycle limit */
	uint32_t insn_ip;   /* start of the current instruction */
	uint32_t insn_sp;   /* SP at its start (restored on faults) */
	uint32_t ip_mask;   /* 0xFFFF in 16-bit code */
	int exc_depth;      /* nested exception delivery */
	bool stop_req;
	bool shutdown;
	bool stepping;      /* cpu_step: REP runs to completion */
	bool single;        /* run one instruction (interrupt shadow) */
	jmp_buf jb;

	/* System architecture (seg.c, intr.c, far.c, task.c, paging.c). */
	struct seg_chk sc[CPU_NSEG];
	uint8_t cpl;        /* 0 in real mode, 3 in V86 */
	bool code32;        /* CS.D: the decoder's default operand/address size */
	bool paging;        /* CR0.PG: linear addresses go through the TLB */
	uint8_t tlb_user;   /* 2 at CPL 3 (index of the user TLB half) */
	uint8_t exc_vec;    /* exception being delivered while exc_depth > 0 */
	bool exc_ext;       /* delivering an external event (EXT error bit) */
	bool tlb_large;     /* a 4 MiB page is cached: INVLPG flushes all */
	bool dbg_ibp;       /* DR7 enables an instruction breakpoint (then
			     * fetch_fast is -1: every fetch checks them) */
	bool dbg_dbp;       /* DR7 arms a data breakpoint: paging is forced on
			     * (identity without CR0.PG) and the TLB holds no
			     * host pointer for an armed page, so only the slow
			     * path (cpu_lin_rd/wr_slow) sees those accesses */
	bool dbg_iobp;      /* DR7 arms an I/O breakpoint (CR4.DE) */
	/* Debugger watchpoints (cpu_set_watch): they set dbg_dbp too. */
	struct cpu_watch watch[CPU_MAX_WATCH];
	unsigned nwatch;
	bool watch_hit, watch_hit_write;
	unsigned watch_hit_index;
	bool ac_check;      /* CR0.AM, EFLAGS.AC and CPL 3 (cpu_ac_sync):
			     * like dbg_dbp, paging forced on and no host
			     * pointers, so the slow path checks alignment */
	uint8_t dbg_hit;    /* DR6.B0-3 of data/I/O hits in this instruction
			     * (DBG_HIT_BT: a task switch to a TSS with
			     * T set): limit is 0 until the #DB trap
			     * (dbg_limit) */
	uint64_t dbg_limit;
	uint32_t fetch_valid; /* fetch slow path: bytes before a fault */
	int64_t fetch_fast; /* IPs up to this fetch 16 bytes within CS */
	uint64_t tlb_gen;   /* mem->write_gen the TLB was filled under */
	struct tlb_entry tlb[4][TLB_SIZE];
	struct block **bc;  /* [BC_HASH] decoded blocks by physical address */
	uint8_t *bc_arena;  /* [BC_ARENA] their storage */
	size_t bc_used;
	uint64_t run_limit; /* cpu_run's budget; limit drops to 0 on a kick */
	uint64_t chain_epoch;     /* see struct block_link */
	struct block *chain_from; /* the block that ran last, if it may link */
	unsigned chain_slot;

	/* Pentium and later (msr.c): TSC = virtual cycles + tsc_offset. */
	uint64_t tsc_offset;
	uint64_t tsc_skip_ns, tsc_skip_cycles; /* clock->ns_offset in cycles */
};

/* --- decode (decode.c) and decoded blocks (block.c) -------------------- */
int cpu_block_init(struct cpu *c);
void cpu_block_free(struct cpu *c);
void cpu_block_flush(struct cpu *c);
struct block *cpu_block_build(struct cpu *c, uint32_t pa, const uint8_t *page,
			      uint32_t ip);
/* fast.c: a specialised handler for the common forms (same semantics). */
void cpu_insn_specialize(struct insn *i);
unsigned cpu_decode(const struct cpu_quirks *q, const uint8_t *b,
		    unsigned avail, bool def32, struct insn *i);

const struct cpu_quirks *cpu_model_quirks(const struct cpu_model *m);

/* --- core (cpu.c) -------------------------------------------------------- */
_Noreturn void cpu_fault(struct cpu *c, unsigned vec);
/* A fault with an error code (pushed in protected mode for vectors 8,
 * 10-14 and 17; cpu_fault passes 0). */
_Noreturn void cpu_fault_err(struct cpu *c, unsigned vec, uint32_t err);
_Noreturn void cpu_trap_exit(struct cpu *c, unsigned vec);
/* External interrupt (IRQ/NMI): cpu_intr(c, vec, INT_EXT, 0). */
void cpu_interrupt(struct cpu *c, unsigned vec);
/* Deliver vector vec in the current mode; kind is INT_* bits. */
void cpu_intr(struct cpu *c, unsigned vec, unsigned kind, uint32_t err);
/* INT n (iopl: V86 IOPL-sensitive), INT3, INTO. */
void cpu_soft_int(struct cpu *c, unsigned vec, bool iopl);
_Noreturn void cpu_seg_fault(struct cpu *c, unsigned seg, uint32_t off);
uint16_t cpu_rd16_slow(struct cpu *c, unsigned seg, uint32_t off);
void cpu_wr16_slow(struct cpu *c, unsigned seg, uint32_t off, uint16_t v);
uint32_t cpu_rd32_slow(struct cpu *c, unsigned seg, uint32_t off);
void cpu_wr32_slow(struct cpu *c, unsigned seg, uint32_t off, uint32_t v);

/* --- segments and system state (seg.c, far.c, task.c, sysreg.c) -------- */
void cpu_seg_sync(struct cpu *c, unsigned seg);   /* sc[] from the cache */
void cpu_mode_sync(struct cpu *c);   /* cpl, code32, paging, sc[] */
void cpu_seg_load_pm(struct cpu *c, unsigned seg, uint16_t sel);
void cpu_seg_load_slow(struct cpu *c, unsigned seg, uint16_t sel);
void cpu_far_jmp(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz);
void cpu_far_call(struct cpu *c, uint16_t sel, uint32_t off, unsigned osz);
void cpu_far_ret(struct cpu *c, unsigned osz, uint16_t imm);
void cpu_iret_pm(struct cpu *c, unsigned osz);
/* I/O permission: CPL <= IOPL, else the TSS bitmap (#GP(0) if denied). */
void cpu_io_check(struct cpu *c, uint16_t port, unsigned sz);
/* Flag bits POPF (popf) or IRET may change at the current CPL/IOPL; may
 * raise #GP in V86 mode. */
uint32_t cpu_popf_mask(struct cpu *c, unsigned osz);

/* --- paging and linear accesses (paging.c) ------------------------------ */
uint32_t cpu_lin_rd_slow(struct cpu *c, uint32_t lin, unsigned sz);
void cpu_lin_wr_slow(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v);
/* Supervisor ("system") accesses: descriptor tables, TSS, IDT. */
uint32_t cpu_sys_rd(struct cpu *c, uint32_t lin, unsigned sz);
void cpu_sys_wr(struct cpu *c, uint32_t lin, unsigned sz, uint32_t v);
/* Translate for an access (bit 0 write, bit 1 user, bit 2 fetch); raises
 * #PF unless probe, when it returns false instead. */
bool cpu_translate(struct cpu *c, uint32_t lin, unsigned acc, bool probe,
		   uint32_t *pa);
void cpu_tlb_flush(struct cpu *c, bool global);
/* sysreg.c: debug registers: dbg_ibp from DR7; the breakpoint check. */
void cpu_dbg_sync(struct cpu *c);
/* paging.c: ac_check from CR0.AM, EFLAGS.AC and CPL (after any of them
 * may have changed; flushes the TLB when it does). */
void cpu_ac_sync(struct cpu *c);
/* An 8-byte or x87 10-byte operand at seg:off: #AC unless 8-aligned while
 * ac_check (the data accesses themselves check 2 and 4). */
void cpu_ac_check8(struct cpu *c, unsigned seg, uint32_t off);
void cpu_ibp_check(struct cpu *c, uint32_t ip);
/* Data (acc 1 write, 3 read) and I/O (2) breakpoints: a hit of an enabled
 * one records DR6 bits and stops the run loop after the instruction. */
void cpu_dbp_check(struct cpu *c, uint32_t lin, unsigned sz, unsigned acc);
/* A linear page holding an armed data breakpoint (no TLB host pointer). */
bool cpu_dbp_page(const struct cpu *c, uint32_t lin);
/* After the instruction: deliver the pending #DB trap; or drop it (the
 * instruction faulted); or take its DR6 bits (single-step #DB). */
#define DBG_HIT_BT 0x10
void cpu_dbg_trap(struct cpu *c);
/* The TSS T bit: a #DB trap (DR6.BT) before the new task's first
 * instruction. */
void cpu_dbg_task_trap(struct cpu *c);
void cpu_dbg_cancel(struct cpu *c);
uint32_t cpu_dbg_take(struct cpu *c);
void cpu_tlb_flush_page(struct cpu *c, uint32_t lin);

/* --- flags (flags.c) ----------------------------------------------------- */
uint32_t cpu_arith_flags(const struct cpu *c);
bool cpu_cond(const struct cpu *c, unsigned cc);
uint32_t cpu_flags_read(struct cpu *c);
void cpu_flags_write(struct cpu *c, uint32_t v, uint32_t mask);

/* --- handlers (one prototype list per family) -------------------------- */
#define H(name) void name(struct cpu *c, const struct insn *i)
/* alu.c */
H(op_alu_rm_r); H(op_alu_r_rm); H(op_alu_acc_imm); H(op_alu_rm_imm);
H(op_inc_r); H(op_dec_r); H(op_inc_rm); H(op_dec_rm);
H(op_test_rm_r); H(op_test_acc_imm); H(op_test_rm_imm);
H(op_not); H(op_neg);
/* shift.c */
H(op_shift); H(op_setmo);
/* muldiv.c */
H(op_mul); H(op_imul1); H(op_div); H(op_idiv); H(op_imul_imm);
/* string.c */
H(op_movs); H(op_cmps); H(op_stos); H(op_lods); H(op_scas);
H(op_ins); H(op_outs);
/* control.c */
H(op_jcc); H(op_jmp_rel); H(op_jmp_far); H(op_call_rel); H(op_call_far);
H(op_ret); H(op_retf); H(op_loop); H(op_jcxz); H(op_int3); H(op_int);
H(op_into); H(op_iret); H(op_call_rm); H(op_callf_m); H(op_jmp_rm);
H(op_jmpf_m); H(op_bound);
/* stack.c */
H(op_push_r); H(op_pop_r); H(op_push_sreg); H(op_pop_sreg); H(op_push_rm);
H(op_pop_rm); H(op_push_imm); H(op_pusha); H(op_popa); H(op_enter);
H(op_leave); H(op_pushf); H(op_popf);
/* bcd.c */
H(op_daa); H(op_das); H(op_aaa); H(op_aas); H(op_aam); H(op_aad);
H(op_salc);
/* data.c */
H(op_mov_rm_r); H(op_mov_r_rm); H(op_mov_rm_sreg); H(op_mov_sreg_rm);
H(op_mov_r_imm); H(op_mov_rm_imm); H(op_mov_acc_moffs);
H(op_mov_moffs_acc); H(op_xchg_rm_r); H(op_xchg_acc); H(op_lea);
H(op_les); H(op_lds); H(op_xlat); H(op_cbw); H(op_cwd); H(op_lahf);
H(op_sahf); H(op_in_imm); H(op_in_dx); H(op_out_imm); H(op_out_dx);
H(op_nop);
/* system.c */
H(op_hlt); H(op_cmc); H(op_clc); H(op_stc); H(op_cli); H(op_sti);
H(op_cld); H(op_std); H(op_wait); H(op_esc); H(op_ud); H(op_pfx_only);
H(op_smsw); H(op_lmsw); H(op_sgdt); H(op_sidt);
H(op_lgdt); H(op_lidt); H(op_clts); H(op_ud_real); H(op_gp);
/* sysreg.c, segins.c: protected-mode system instructions */
H(op_mov_r_cr); H(op_mov_cr_r); H(op_mov_r_dr); H(op_mov_dr_r);
H(op_sldt); H(op_str); H(op_lldt); H(op_ltr); H(op_verr); H(op_verw);
H(op_lar); H(op_lsl); H(op_arpl); H(op_invlpg);
/* 386+ integer additions: movx.c, bits.c, atomic.c, shift.c, muldiv.c,
 * data.c, system.c; cpuid.c, msr.c, sysenter.c (Pentium, P6) */
H(op_movzx); H(op_movsx); H(op_setcc); H(op_cmov); H(op_bt); H(op_bsf);
H(op_bsr); H(op_bswap); H(op_shld); H(op_shrd); H(op_imul_r_rm);
H(op_xadd); H(op_cmpxchg); H(op_cmpxchg8b); H(op_lss); H(op_lfs);
H(op_lgs); H(op_invd); H(op_cpuid); H(op_rdtsc); H(op_rdmsr); H(op_wrmsr);
H(op_rdpmc); H(op_sysenter); H(op_sysexit); H(op_int1);
H(op_fxsave); /* 0F AE /0 /1: cpu/fpu_fxsave.c */
#undef H

/* --- registers ----------------------------------------------------------- */
static inline uint32_t reg_get(const struct cpu *c, unsigned r, unsigned sz)
{
	if (sz == 1)
		return r < 4 ? (uint8_t)c->s.gpr[r]
			     : (uint8_t)(c->s.gpr[r - 4] >> 8);
	if (sz == 2)
		return (uint16_t)c->s.gpr[r];
	return (uint32_t)c->s.gpr[r];
}

static inline void reg_set(struct cpu *c, unsigned r, unsigned sz,
			   uint32_t v)
{
	if (sz == 1) {
		if (r < 4)
			c->s.gpr[r] = (c->s.gpr[r] & ~0xffull) | (uint8_t)v;
		else
			c->s.gpr[r - 4] = (c->s.gpr[r - 4] & ~0xff00ull) |
					  ((uint64_t)(uint8_t)v << 8);
	} else if (sz == 2) {
		c->s.gpr[r] = (c->s.gpr[r] & ~0xffffull) | (uint16_t)v;
	} else {
		c->s.gpr[r] = v;
	}
}

static inline uint32_t size_mask(unsigned sz)
{
	return sz == 1 ? 0xff : sz == 2 ? 0xffff : 0xffffffffu;
}

static inline uint32_t size_sign(unsigned sz)
{
	return 1u << (sz * 8 - 1);
}

/* Stack pointer width: SS.B on 386+, 16 bits in real mode. */
static inline uint32_t sp_mask(const struct cpu *c)
{
	return (c->s.seg[SEG_SS].attr & 0x400) ? 0xffffffffu : 0xffff;
}

/* --- memory -------------------------------------------------------------- */
static inline uint32_t seg_lin(const struct cpu *c, unsigned seg,
			       uint32_t off)
{
	return (uint32_t)c->s.seg[seg].base + off;
}

static inline bool seg_rd_ok(const struct cpu *c, unsigned seg,
			     uint32_t off, unsigned sz)
{
	const struct seg_chk *k = &c->sc[seg];
	return (int64_t)(uint32_t)(off - k->lo) <= k->rlim - (int64_t)(sz - 1);
}

static inline bool seg_wr_ok(const struct cpu *c, unsigned seg,
			     uint32_t off, unsigned sz)
{
	const struct seg_chk *k = &c->sc[seg];
	return (int64_t)(uint32_t)(off - k->lo) <= k->wlim - (int64_t)(sz - 1);
}

/* Host pointer for sz bytes at lin when the TLB holds the page, else NULL. */
static inline const uint8_t *tlb_rd_host(struct cpu *c, uint32_t lin,
					 unsigned sz)
{
	const struct tlb_entry *e =
		&c->tlb[c->tlb_user][(lin >> 12) & (TLB_SIZE - 1)];
	if (likely(e->tag == lin >> 12 && e->host &&
		   (lin & 0xfff) <= MEM_PAGE_SIZE - sz))
		return e->host + (lin & 0xfff);
	return NULL;
}

static inline uint8_t *tlb_wr_host(struct cpu *c, uint32_t lin, unsigned sz)
{
	const struct tlb_entry *e =
		&c->tlb[c->tlb_user + 1][(lin >> 12) & (TLB_SIZE - 1)];
	if (likely(e->tag == lin >> 12 && e->host &&
		   (lin & 0xfff) <= MEM_PAGE_SIZE - sz)) {
		mem_note_write(c->mem, (e->pa & ~0xfffu) | (lin & 0xfff), sz);
		return e->host + (lin & 0xfff);
	}
	return NULL;
}

/* Linear accesses at the current privilege: physical without paging. */
static inline uint8_t lin_rd8(struct cpu *c, uint32_t lin)
{
	const uint8_t *p;
	if (likely(!c->paging))
		return mem_read8(c->mem, lin);
	p = tlb_rd_host(c, lin, 1);
	return p ? *p : (uint8_t)cpu_lin_rd_slow(c, lin, 1);
}

static inline uint16_t lin_rd16(struct cpu *c, uint32_t lin)
{
	const uint8_t *p;
	uint16_t v;
	if (likely(!c->paging))
		return mem_read16(c->mem, lin);
	p = tlb_rd_host(c, lin, 2);
	if (!p)
		return (uint16_t)cpu_lin_rd_slow(c, lin, 2);
	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t lin_rd32(struct cpu *c, uint32_t lin)
{
	const uint8_t *p;
	uint32_t v;
	if (likely(!c->paging))
		return mem_read32(c->mem, lin);
	p = tlb_rd_host(c, lin, 4);
	if (!p)
		return cpu_lin_rd_slow(c, lin, 4);
	memcpy(&v, p, 4);
	return v;
}

static inline void lin_wr8(struct cpu *c, uint32_t lin, uint8_t v)
{
	uint8_t *p;
	if (likely(!c->paging)) {
		mem_write8(c->mem, lin, v);
		return;
	}
	p = tlb_wr_host(c, lin, 1);
	if (p)
		*p = v;
	else
		cpu_lin_wr_slow(c, lin, 1, v);
}

static inline void lin_wr16(struct cpu *c, uint32_t lin, uint16_t v)
{
	uint8_t *p;
	if (likely(!c->paging)) {
		mem_write16(c->mem, lin, v);
		return;
	}
	p = tlb_wr_host(c, lin, 2);
	if (p)
		memcpy(p, &v, 2);
	else
		cpu_lin_wr_slow(c, lin, 2, v);
}

static inline void lin_wr32(struct cpu *c, uint32_t lin, uint32_t v)
{
	uint8_t *p;
	if (likely(!c->paging)) {
		mem_write32(c->mem, lin, v);
		return;
	}
	p = tlb_wr_host(c, lin, 4);
	if (p)
		memcpy(p, &v, 4);
	else
		cpu_lin_wr_slow(c, lin, 4, v);
}

/* Segmented accesses: the offset check, then the linear access. The slow
 * functions handle the 8086 wrap at FFFF, the 4 GiB wrap and faults. */
static inline uint8_t rd8(struct cpu *c, unsigned seg, uint32_t off)
{
	if (unlikely(!seg_rd_ok(c, seg, off, 1)))
		cpu_seg_fault(c, seg, off);
	return lin_rd8(c, seg_lin(c, seg, off));
}

static inline void wr8(struct cpu *c, unsigned seg, uint32_t off, uint8_t v)
{
	if (unlikely(!seg_wr_ok(c, seg, off, 1)))
		cpu_seg_fault(c, seg, off);
	lin_wr8(c, seg_lin(c, seg, off), v);
}

static inline uint16_t rd16(struct cpu *c, unsigned seg, uint32_t off)
{
	if (likely(seg_rd_ok(c, seg, off, 2)))
		return lin_rd16(c, seg_lin(c, seg, off));
	return cpu_rd16_slow(c, seg, off);
}

static inline void wr16(struct cpu *c, unsigned seg, uint32_t off,
			uint16_t v)
{
	if (likely(seg_wr_ok(c, seg, off, 2)))
		lin_wr16(c, seg_lin(c, seg, off), v);
	else
		cpu_wr16_slow(c, seg, off, v);
}

static inline uint32_t rd32(struct cpu *c, unsigned seg, uint32_t off)
{
	if (likely(seg_rd_ok(c, seg, off, 4)))
		return lin_rd32(c, seg_lin(c, seg, off));
	return cpu_rd32_slow(c, seg, off);
}

static inline void wr32(struct cpu *c, unsigned seg, uint32_t off,
			uint32_t v)
{
	if (likely(seg_wr_ok(c, seg, off, 4)))
		lin_wr32(c, seg_lin(c, seg, off), v);
	else
		cpu_wr32_slow(c, seg, off, v);
}

static inline uint32_t rdsz(struct cpu *c, unsigned seg, uint32_t off,
			    unsigned sz)
{
	return sz == 1 ? rd8(c, seg, off)
	       : sz == 2 ? rd16(c, seg, off) : rd32(c, seg, off);
}

static inline void wrsz(struct cpu *c, unsigned seg, uint32_t off,
			unsigned sz, uint32_t v)
{
	if (sz == 1)
		wr8(c, seg, off, (uint8_t)v);
	else if (sz == 2)
		wr16(c, seg, off, (uint16_t)v);
	else
		wr32(c, seg, off, v);
}

/* --- effective addresses and r/m operands ------------------------------ */
static inline uint32_t insn_ea(const struct cpu *c, const struct insn *i)
{
	uint32_t ea = i->disp;
	if (i->base != REG_NONE)
		ea += (uint32_t)c->s.gpr[i->base];
	if (i->index != REG_NONE)
		ea += (uint32_t)c->s.gpr[i->index] << i->scale;
	return i->asize == 2 ? (ea & 0xffff) : ea;
}

static inline uint32_t rm_get(struct cpu *c, const struct insn *i,
			      unsigned sz)
{
	if (i->mod == 3)
		return reg_get(c, i->rm, sz);
	return rdsz(c, i->seg, insn_ea(c, i), sz);
}

static inline void rm_set(struct cpu *c, const struct insn *i, unsigned sz,
			  uint32_t v)
{
	if (i->mod == 3)
		reg_set(c, i->rm, sz, v);
	else
		wrsz(c, i->seg, insn_ea(c, i), sz, v);
}

/* --- segments ------------------------------------------------------------ */
static inline void seg_load_real(struct cpu *c, unsigned seg, uint16_t sel)
{
	c->s.seg[seg].sel = sel;
	c->s.seg[seg].base = (uint32_t)sel << 4;
}

/* MOV/POP/LDS-style segment register load in any mode (not CS: far
 * transfers use cpu_far_*). Real mode keeps the limit (unreal mode) and
 * marks a data segment usable again. */
static inline void seg_load(struct cpu *c, unsigned seg, uint16_t sel)
{
	if (likely(!(c->s.cr0 & CR0_PE) &&
		   ((c->s.seg[seg].attr & 0xff) == 0x93 || seg == SEG_CS)))
		seg_load_real(c, seg, sel);
	else
		cpu_seg_load_slow(c, seg, sel);
}

/* I/O instructions: protected mode may need the IOPL/bitmap check. */
static inline void io_check(struct cpu *c, uint16_t port, unsigned sz)
{
	if (unlikely(c->s.cr0 & CR0_PE))
		cpu_io_check(c, port, sz);
	if (unlikely(c->dbg_iobp))
		cpu_dbp_check(c, port, sz, 2);
}

/* --- stack --------------------------------------------------------------- */
static inline void push16(struct cpu *c, uint16_t v)
{
	uint32_t m = sp_mask(c);
	uint32_t sp = ((uint32_t)c->s.gpr[REG_SP] - 2) & m;
	wr16(c, SEG_SS, sp, v);
	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) | sp;
}

static inline void push32(struct cpu *c, uint32_t v)
{
	uint32_t m = sp_mask(c);
	uint32_t sp = ((uint32_t)c->s.gpr[REG_SP] - 4) & m;
	wr32(c, SEG_SS, sp, v);
	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) | sp;
}

static inline void pushsz(struct cpu *c, unsigned sz, uint32_t v)
{
	if (sz == 4)
		push32(c, v);
	else
		push16(c, (uint16_t)v);
}

static inline uint16_t pop16(struct cpu *c)
{
	uint32_t m = sp_mask(c);
	uint32_t sp = (uint32_t)c->s.gpr[REG_SP] & m;
	uint16_t v = rd16(c, SEG_SS, sp);
	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) | ((sp + 2) & m);
	return v;
}

static inline uint32_t pop32(struct cpu *c)
{
	uint32_t m = sp_mask(c);
	uint32_t sp = (uint32_t)c->s.gpr[REG_SP] & m;
	uint32_t v = rd32(c, SEG_SS, sp);
	c->s.gpr[REG_SP] = (c->s.gpr[REG_SP] & ~(uint64_t)m) | ((sp + 4) & m);
	return v;
}

static inline uint32_t popsz(struct cpu *c, unsigned sz)
{
	return sz == 4 ? pop32(c) : pop16(c);
}

/* --- lazy flags -------------------------------------------------------- */
static inline void lf_set(struct cpu *c, enum lf_op op, unsigned sz,
			  uint32_t res, uint32_t a, uint32_t b)
{
	c->lf_op = (uint8_t)op;
	c->lf_size = (uint8_t)sz;
	c->lf_res = res;
	c->lf_a = a;
	c->lf_b = b;
}

/* Materialise the arithmetic flags into rflags. */
static inline void lf_flush(struct cpu *c)
{
	if (c->lf_op != LF_NONE) {
		c->s.rflags = (c->s.rflags & ~(uint64_t)FLAGS_ARITH) |
			      cpu_arith_flags(c);
		c->lf_op = LF_NONE;
	}
}

/* Condition code cc (Jcc/SETcc/CMOVcc low nibble) of the flags f. */
static inline bool flags_cond(uint32_t f, unsigned cc)
{
	bool r;

	switch ((cc >> 1) & 7) {
	case 0: r = f & FLAG_OF; break;
	case 1: r = f & FLAG_CF; break;
	case 2: r = f & FLAG_ZF; break;
	case 3: r = f & (FLAG_CF | FLAG_ZF); break;
	case 4: r = f & FLAG_SF; break;
	case 5: r = f & FLAG_PF; break;
	case 6: r = !(f & FLAG_SF) != !(f & FLAG_OF); break;
	default:
		r = (f & FLAG_ZF) || (!(f & FLAG_SF) != !(f & FLAG_OF));
		break;
	}
	return (cc & 1) ? !r : r;
}

/* Replace the arithmetic flags in `mask` by those in `v`. */
static inline void flags_set_arith(struct cpu *c, uint32_t v, uint32_t mask)
{
	lf_flush(c);
	c->s.rflags = (c->s.rflags & ~(uint64_t)mask) | (v & mask);
}

static inline bool flag_cf(const struct cpu *c)
{
	uint32_t a = c->lf_a, b = c->lf_b, r = c->lf_res;

	/* The carry-out formulas of cpu_arith_flags, without the rest. */
	switch (c->lf_op) {
	case LF_ADD:
		return ((a & b) | ((a | b) & ~r)) & size_sign(c->lf_size);
	case LF_SUB:
		return ((~a & b) | (~(a ^ b) & r)) & size_sign(c->lf_size);
	case LF_LOGIC:
		return false;
	case LF_SHIFT:
		return b & FLAG_CF;
	case LF_NONE:
	case LF_INC:
	case LF_DEC:
		return c->s.rflags & FLAG_CF;
	}
	return cpu_arith_flags(c) & FLAG_CF;
}

static inline uint32_t parity_flag(uint32_t v)
{
	return __builtin_parity(v & 0xff) ? 0 : FLAG_PF;
}

/* Flags for a result of a logical operation (CF = OF = AF = 0). */
static inline uint32_t szp_flags(uint32_t res, unsigned sz)
{
	uint32_t f = parity_flag(res);
	if ((res & size_mask(sz)) == 0)
		f |= FLAG_ZF;
	if (res & size_sign(sz))
		f |= FLAG_SF;
	return f;
}

static inline void add_cycles(struct cpu *c, unsigned n)
{
	c->clock->cycles += n;
}

/* REP: should a long string loop yield at this iteration so cpu_run can
 * take an interrupt or honour its budget? (Not while single-stepping.) */
static inline bool rep_should_yield(const struct cpu *c)
{
	if (c->stepping)
		return false;
	return c->clock->cycles >= c->limit || c->stop_req ||
	       (c->irq && c->irq->intr && (c->s.rflags & FLAG_IF)) ||
	       (c->s.events.nmi_pending && !c->s.events.nmi_masked);
}

#endif
