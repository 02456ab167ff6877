/* traces/gdb_target.h: what gdb sees of the machine: the i386 register
 * file and linear memory (through the guest's page tables, without faults
 * or side effects). */
#ifndef LUCID_TRACES_GDB_TARGET_H
#define LUCID_TRACES_GDB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

/* eax ecx edx ebx esp ebp esi edi eip eflags cs ss ds es fs gs (4 bytes
 * each), st0-7 (10), fctrl fstat ftag fiseg fioff foseg fooff fop (4). */
#define GDB_NREGS 32
#define GDB_REGS_BYTES (16 * 4 + 8 * 10 + 8 * 4)

extern const char gdb_target_xml[];

/* Register n as little-endian bytes into out; its size, or 0 if none. */
unsigned gdb_reg_get(struct machine *m, unsigned n, uint8_t *out);
/* Write register n (len bytes); false if no such register or size. */
bool gdb_reg_set(struct machine *m, unsigned n, const uint8_t *in,
		 unsigned len);
/* All registers in gdb's order: the byte count. */
size_t gdb_regs_get(struct machine *m, uint8_t *out);

/* Linear memory through the CPU's paging, RAM and ROM only (never MMIO).
 * Returns the bytes done before the first unmapped one. Writes reach RAM
 * only. */
size_t gdb_mem_read(struct machine *m, uint64_t lin, void *buf, size_t len);
size_t gdb_mem_write(struct machine *m, uint64_t lin, const void *buf,
		     size_t len);

#endif
