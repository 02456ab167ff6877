/* cpu/state.h: the canonical architectural CPU state.
 *
 * One struct that every backend converts to and from (interpreter, KVM), that
 * snapshots save, and that the gdb stub reads. Sized for x86-64 from the
 * start: general registers, RIP, RFLAGS and segment bases are 64-bit so long
 * mode is new handlers, not a new layout.
 */
#ifndef LUCID_CPU_STATE_H
#define LUCID_CPU_STATE_H

#include <stdbool.h>
#include <stdint.h>

enum cpu_reg {
	REG_AX, REG_CX, REG_DX, REG_BX, REG_SP, REG_BP, REG_SI, REG_DI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	CPU_NGPR
};

/* Segment register numbers follow the ModR/M sreg encoding. */
enum cpu_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, CPU_NSEG };

/* EFLAGS bits. */
#define FLAG_CF (1u << 0)
#define FLAG_PF (1u << 2)
#define FLAG_AF (1u << 4)
#define FLAG_ZF (1u << 6)
#define FLAG_SF (1u << 7)
#define FLAG_TF (1u << 8)
#define FLAG_IF (1u << 9)
#define FLAG_DF (1u << 10)
#define FLAG_OF (1u << 11)
#define FLAG_IOPL (3u << 12)
#define FLAG_NT (1u << 14)
#define FLAG_RF (1u << 16)
#define FLAG_VM (1u << 17)
#define FLAG_AC (1u << 18)
#define FLAG_VIF (1u << 19)
#define FLAG_VIP (1u << 20)
#define FLAG_ID (1u << 21)
#define FLAGS_ARITH (FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF)

/* CR0 bits. */
#define CR0_PE (1u << 0)
#define CR0_MP (1u << 1)
#define CR0_EM (1u << 2)
#define CR0_TS (1u << 3)
#define CR0_ET (1u << 4)
#define CR0_NE (1u << 5)
#define CR0_WP (1u << 16)
#define CR0_AM (1u << 18)
#define CR0_NW (1u << 29)
#define CR0_CD (1u << 30)
#define CR0_PG (1u << 31)

/* A segment register with its hidden (descriptor cache) part. attr holds the
 * descriptor's access byte in bits 0-7 and the G/DB/L/AVL nibble in 8-11,
 * the same packing KVM and VMX use. */
struct cpu_segment {
	uint64_t base;
	uint32_t limit; /* byte granular, already scaled by G */
	uint16_t sel;
	uint16_t attr;
};

struct cpu_dtable {
	uint64_t base;
	uint32_t limit;
};

/* x87 state in its FXSAVE-like architectural form. Registers are stored as
 * 80-bit extended reals, physical order (ST(i) = st[(top + i) & 7]). */
struct cpu_fpu {
	uint8_t st[8][10];
	uint16_t fcw, fsw, ftw; /* ftw: full 2-bit tag word */
	uint16_t fop;
	uint64_t fip, fdp;
	uint16_t fcs, fds;
};

/* Events that are architecturally pending at an instruction boundary. */
struct cpu_events {
	bool nmi_pending;
	bool nmi_masked;  /* in an NMI handler: further NMIs wait for IRET */
	bool intr_shadow; /* after MOV SS / POP SS / STI: no interrupt this boundary */
	bool halted;
	bool exception_pending;
	uint8_t exception_vector;
	bool has_error_code;
	uint32_t error_code;
};

#define CPU_NMSR 64

struct cpu_msr {
	uint32_t index;
	uint64_t value;
};

struct cpu_state {
	uint64_t gpr[CPU_NGPR];
	uint64_t rip;
	uint64_t rflags;
	struct cpu_segment seg[CPU_NSEG];
	struct cpu_segment ldtr, tr;
	struct cpu_dtable gdtr, idtr;
	uint64_t cr0, cr2, cr3, cr4, cr8, efer;
	uint64_t dr[8];
	uint64_t tsc;
	uint32_t nmsr;
	struct cpu_msr msr[CPU_NMSR];
	struct cpu_fpu fpu;
	struct cpu_events events;
};

#endif
