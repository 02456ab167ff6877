/* core/machine.h: the machine: configuration, parts, and the main loop. */
#ifndef LUCID_CORE_MACHINE_H
#define LUCID_CORE_MACHINE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"
#include "core/irq.h"
#include "core/log.h"
#include "core/state.h"
#include "core/watch.h"
#include "cpu/cpu.h"
#include "cpu/state.h"

struct bus;
struct mem;
struct cpu_model;
struct backend_ops;
struct debugcon;
struct pic;
struct pit;
struct ferr;
struct cmos;
struct dma;
struct i8042;
struct uart;
struct pci_bus;
struct i440fx;
struct piix3;
struct piix_ide;
struct piix_pm;
struct fw_cfg;
struct lapic;
struct ioapic;
struct hv;
struct vmbus;
struct storvsp;
struct disk;
struct ide;
struct fdc;
struct cmos_pc_info;
struct vga;
struct script;
struct boot_image;
struct record;
struct replay;
struct gdb;
struct ui;
struct net;

#define MACHINE_VMBUS_DISKS 4

struct machine_config {
	const struct cpu_model *cpu;
	unsigned mhz;
	uint64_t mem_size;
	const char *bios;       /* firmware file, or: */
	const uint8_t *rom;     /* an in-memory image (NULL: the demo ROM) */
	size_t rom_len;
	const char *accel;      /* "interp" (NULL too), "kvm" or "auto" */
	uint64_t switch_at_ms;  /* --switch-at-ms: change backend then (0: no) */
	uint64_t switch_every;  /* --switch-every-exits: alternate (0: no) */
	const char *debugcon;   /* NULL, "stdio" or a file path */
	const char *serial;     /* COM1: stdio|file:PATH|tcp:127.0.0.1:PORT|none */
	const char *until_serial;
	const char *input;      /* --input script */
	const char *until_debugcon;
	uint64_t timeout_ms;    /* wall clock, 0 = none */
	int64_t rtc_start;      /* RTC time at power-on, Unix seconds (UTC) */
	bool speed_max;         /* don't pace virtual time to wall time */
	bool no_acpi;           /* APIC models: give the firmware no ACPI */
	bool no_reboot;         /* triple fault: exit 3 instead of a reset */
	const char *log_spec;
	const char *loadvm;     /* snapshot to restore before running */
	const char *savevm;     /* snapshot to write when the run ends */
	const char *kernel, *initrd, *append; /* direct boot (core/linuxboot.c) */
	const char *fda, *fdb, *hda, *hdb, *cdrom; /* disk images */
	bool persist;           /* guest writes reach the images */
	const char *vga;        /* "std" (default: PCI stdvga + VBE) or "none" */
	const char *vga_rom;    /* VGA BIOS (default: SeaBIOS's vgabios-stdvga) */
	/* --nic MODEL[,io=,irq=] (ne2000 = PCI RTL8029, ne2000-isa), up to
	 * 4, each with its --mac (NULL: 52:54:00:12:34:56 + index); --net:
	 * user[,hostfwd=...] (the default) or none (core/pc_net.c). */
	const char *nic[4];
	const char *mac[4];
	const char *net;
	const char *enlighten;  /* --enlighten: "hyperv" or NULL */
	const char *vmbus_disk[MACHINE_VMBUS_DISKS]; /* storvsc LUNs 0.. */
};

/* How a run ended; also the process exit code. */
enum machine_exit {
	MACHINE_EXIT_OK = 0,        /* power-off, halt for good, --until-* */
	MACHINE_EXIT_ERROR = 1,     /* setup failed */
	MACHINE_EXIT_SHUTDOWN = 3,  /* triple fault with --no-reboot */
	MACHINE_EXIT_TIMEOUT = 124, /* --timeout expired */
};

/* A device as the machine sees it: reset on machine reset, destroyed with
 * the machine (in reverse creation order). */
struct machine_device {
	const char *name;
	void *opaque;
	void (*reset)(void *opaque);
	void (*destroy)(void *opaque);
};

#define MACHINE_MAX_DEVICES 64

struct machine {
	struct machine_config cfg;
	struct log log;
	struct clock clock;
	struct irq irq;
	struct bus *bus;
	struct mem *mem;
	struct state state;
	const struct backend_ops *backend; /* the running one of backends[] */
	void *backend_priv;
	/* [0] the interpreter (always), [1] KVM if asked for
	 * (core/machine_accel.c). */
	struct machine_backend {
		const struct backend_ops *ops;
		void *priv;
	} backends[2];
	unsigned nbackends;
	uint64_t switch_at_ns; /* pending --switch-at-ms, 0 = none */
	uint64_t switch_left;  /* --switch-every-exits: interpreter slices */
	char accel_note[160];  /* --accel auto's decision with its figures */
	struct cpu_state cpu_state; /* snapshot/hash view of the CPU */
	struct debugcon *debugcon;
	struct pic *pic;
	struct pit *pit;
	struct ferr *ferr;
	struct cmos *cmos;
	struct dma *dma;
	struct i8042 *i8042;
	struct uart *uart[4];
	struct pci_bus *pci;
	struct i440fx *i440fx;
	struct piix3 *piix3;
	struct piix_ide *piix_ide;
	struct piix_pm *piix_pm;
	struct fw_cfg *fw_cfg;
	struct lapic *lapic;    /* APIC models only (core/pc_apic.c) */
	struct ioapic *ioapic;
	struct hv *hv;          /* --enlighten hyperv (core/pc_vmbus.c) */
	struct vmbus *vmbus;
	struct storvsp *storvsp;
	/* MSR/CPUID/FERR hooks the backend installs in the CPU (opaque: the
	 * machine); filled by the board. */
	struct cpu_hooks cpu_hooks;
	/* ACPI tables for a direct boot, set by the ACPI builder: the RSDP's
	 * address and the RAM range the tables use (0: none). */
	uint32_t acpi_rsdp, acpi_base, acpi_size;
	struct boot_image *boot; /* --kernel: put into RAM at every reset */
	struct fdc *fdc;
	struct ide *ide;
	struct disk *disk[5];   /* fda, fdb, hda, hdb, cdrom (core/pc_storage.c) */
	struct vga *vga;
	struct text_watch serial_watch;
	struct script *script;
	struct record *record; /* --record: input and checkpoints to a trace */
	struct replay *replay; /* lucid replay: input from a trace, not the host */
	struct gdb *gdb;       /* --gdb: the remote stub (traces/gdbstub.h) */
	struct ui *ui;         /* window, monitor, hotkeys (ui/ui.h); may be NULL */
	struct net *net;       /* NICs <-> host network (core/net.h); may be NULL */
	bool resync;           /* the UI paused or loaded: re-base pacing */
	bool stdin_eof;
	struct machine_device dev[MACHINE_MAX_DEVICES];
	unsigned ndev;

	bool stop;
	bool reset_pending;
	uint64_t triple_faults; /* CPU shutdowns turned into resets */
	int exit_code;
	char exit_reason[160];
};

/* Returns 0, or -1 with one line in err (and nothing left allocated). */
int machine_create(struct machine *m, const struct machine_config *cfg,
		   char *err, size_t errlen);
void machine_destroy(struct machine *m);
void machine_reset(struct machine *m);

/* Run until the guest or the config ends the run; returns the exit code. */
int machine_run(struct machine *m);
/* Ask the loop to stop at the next boundary with this code and reason. */
void machine_request_exit(struct machine *m, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Devices call these from their _create: the machine then resets and
 * destroys them. Either callback may be NULL. */
void machine_add_device(struct machine *m, const char *name, void *opaque,
			void (*reset)(void *), void (*destroy)(void *));
/* A device asks for a system reset (8042 pulse, port 0xCF9, triple fault):
 * done at the next instruction boundary. */
void machine_request_reset(struct machine *m);
/* The A20 gate (8042 output port, port 0x92). */
void machine_set_a20(struct machine *m, bool enabled);

/* core/pc.c: the PC board's chips (PIC, PIT, CMOS, DMA, 8042, UARTs, the
 * i440FX/PIIX PCI chipset, fw_cfg). */
int pc_build(struct machine *m, char *err, size_t errlen);
/* core/pc_storage.c: open the images (before CMOS: floppy types, boot
 * order into info), then create the FDC and IDE (after DMA and PIIX). */
int pc_open_disks(struct machine *m, struct cmos_pc_info *info, char *err,
		  size_t errlen);
int pc_build_storage(struct machine *m, char *err, size_t errlen);
/* Change the medium in floppy drive 0/1 while running (path NULL ejects).
 * 0, or -1 with one line in err (the old medium stays). */
int pc_swap_floppy(struct machine *m, unsigned drive, const char *path,
		   char *err, size_t errlen);
/* Host input at a sync point (serial console). */
void pc_poll_host(struct machine *m);
/* core/pc_net.c: the NICs (--nic/--mac) and the host network (--net). */
int pc_build_net(struct machine *m, char *err, size_t errlen);
/* core/pc_apic.c: LAPIC + IOAPIC + ACPI tables, for models with an APIC. */
bool pc_has_apic(const struct cpu_model *model);
int pc_build_apic(struct machine *m, char *err, size_t errlen);
/* core/pc_vmbus.c: Hyper-V enlightenments, VMBus and storvsp disks, for
 * --enlighten hyperv (after pc_build_apic: SINTs go to the LAPIC). */
int pc_build_vmbus(struct machine *m, char *err, size_t errlen);

/* core/machine_accel.c: the backends. Setup creates the interpreter and,
 * for --accel kvm|auto, KVM; reset gives the running one the model's
 * reset state. machine_switch_backend moves the CPU state to another
 * backend at an instruction boundary (0, or -1 if the machine lacks it). */
int machine_accel_setup(struct machine *m, char *err, size_t errlen);
void machine_accel_destroy(struct machine *m);
void machine_accel_reset(struct machine *m);
int machine_switch_backend(struct machine *m, const struct backend_ops *to);
/* "interp" or "kvm", creating KVM on first use (the monitor's accel
 * command, the hotkey). 0, or -1 with one line in err. */
int machine_accel_select(struct machine *m, const char *name, char *err,
			 size_t errlen);
uint64_t machine_accel_limit(struct machine *m, uint64_t until);
void machine_accel_poll(struct machine *m);

/* One line per part: what the machine has (for the demo and `info`). */
void machine_describe(struct machine *m, FILE *out);

#endif
