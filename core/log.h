/* core/log.h: logging with a level per subsystem (--log pit=debug,cpu=info).
 *
 * The levels live in struct log inside the machine (no globals); the macro
 * tests the level before formatting so disabled debug lines cost a compare.
 */
#ifndef LUCID_CORE_LOG_H
#define LUCID_CORE_LOG_H

#include <stdio.h>

#define LOG_SUBSYSTEMS(X)                                                    \
	X(CORE, "core") X(CPU, "cpu") X(BUS, "bus") X(MEM, "mem")            \
	X(IRQ, "irq") X(STATE, "state") X(PIC, "pic") X(PIT, "pit")          \
	X(CMOS, "cmos") X(KBD, "kbd") X(DMA, "dma") X(UART, "uart")          \
	X(VGA, "vga") X(IDE, "ide") X(FDC, "fdc") X(PCI, "pci")              \
	X(NET, "net") X(ACPI, "acpi") X(KVM, "kvm") X(VMBUS, "vmbus")        \
	X(UI, "ui") X(TRACE, "trace") X(DEBUGCON, "debugcon")

#define LOG_ENUM_(id, name) LS_##id,
enum log_sub { LOG_SUBSYSTEMS(LOG_ENUM_) LOG_NSUB };
#undef LOG_ENUM_

enum log_level { LOG_OFF, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

struct log {
	unsigned char level[LOG_NSUB];
	FILE *out;
};

void log_init(struct log *l, FILE *out);
/* Parse "sub=level,sub=level" or a bare level for all. Returns 0, or -1 and
 * writes a one-line reason into err. */
int log_configure(struct log *l, const char *spec, char *err, size_t errlen);
const char *log_sub_name(enum log_sub s);

void log_write(struct log *l, enum log_sub s, enum log_level lv,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define LOG(l, sub, lv, ...)                                                 \
	do {                                                                 \
		if ((l) && (l)->level[LS_##sub] >= (lv))                    \
			log_write((l), LS_##sub, (lv), __VA_ARGS__);        \
	} while (0)
#define log_err(l, sub, ...) LOG(l, sub, LOG_ERROR, __VA_ARGS__)
#define log_warn(l, sub, ...) LOG(l, sub, LOG_WARN, __VA_ARGS__)
#define log_info(l, sub, ...) LOG(l, sub, LOG_INFO, __VA_ARGS__)
#define log_debug(l, sub, ...) LOG(l, sub, LOG_DEBUG, __VA_ARGS__)

#endif
