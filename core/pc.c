/* core/pc.c: the PC board: which chips a machine has, in which order they
 * are created, and how host input reaches them at sync points. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include "core/machine.h"
#include "core/net.h"
#include "devices/cmos.h"
#include "devices/dma.h"
#include "devices/ferr.h"
#include "devices/fw_cfg.h"
#include "devices/i440fx.h"
#include "devices/i8042.h"
#include "devices/pci.h"
#include "devices/pic.h"
#include "devices/piix.h"
#include "devices/piix_pm.h"
#include "devices/pit.h"
#include "devices/port61.h"
#include "devices/port92.h"
#include "devices/post.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "mmu/mem.h"
#include "devices/ps2.h"
#include "ui/screen.h"
#include "ui/script.h"
#include "ui/ui.h"
#include "traces/record.h"
#include "traces/replay.h"

static void pc_serial_watch(void *opaque, uint8_t byte)
{
	struct machine *m = opaque;
	script_feed_serial(m->script, byte);
	if (text_watch_feed(&m->serial_watch, (char)byte))
		machine_request_exit(m, MACHINE_EXIT_OK,
				     "serial port printed \"%s\"",
				     m->serial_watch.text);
}

static int pc_build_serial(struct machine *m, char *err, size_t errlen)
{
	struct uart_spec spec;
	struct uart_backend be;

	if (uart_spec_parse(m->cfg.serial ? m->cfg.serial : "none", &spec, err,
			    errlen) ||
	    uart_backend_open(&spec, &be, err, errlen))
		return -1;
	m->uart[0] = uart_create(m, 0, &be, err, errlen);
	if (!m->uart[0]) {
		if (be.close)
			be.close(be.opaque);
		return -1;
	}
	m->serial_watch.text = m->cfg.until_serial;
	uart_set_watch(m->uart[0], pc_serial_watch, m);
	/* COM2 exists (BIOSes and DOS probe it) but goes nowhere. */
	m->uart[1] = uart_create(m, 1, NULL, err, errlen);
	return m->uart[1] ? 0 : -1;
}

static void pc_script_key(void *opaque, uint16_t key, bool pressed)
{
	struct machine *m = opaque;
	ps2_kbd_key(m->i8042->kbd, key, pressed);
}

static void pc_script_free(void *opaque)
{
	struct machine *m = opaque;
	script_free(m->script);
	m->script = NULL;
}

/* wait-text: the text screen as the user would read it (UTF-8). */
static bool pc_script_screen_has(void *opaque, const char *text)
{
	struct machine *m = opaque;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found = false;

	if (!f)
		return false;
	if (!screen_text_dump(m->vga, f)) {
		fflush(f);
		found = buf && strstr(buf, text);
	}
	fclose(f);
	free(buf);
	return found;
}

static int pc_script_screenshot(void *opaque, const char *path, char *err,
				size_t errlen)
{
	struct machine *m = opaque;
	return screen_write_png(m->vga, path, err, errlen);
}

static int pc_build_script(struct machine *m, char *err, size_t errlen)
{
	if (!m->cfg.input)
		return 0;
	m->script = script_load(m->cfg.input, err, errlen);
	if (!m->script)
		return -1;
	machine_add_device(m, "script", m, NULL, pc_script_free);
	m->script->hooks = (struct script_hooks){
		.opaque = m,
		.key = pc_script_key,
		.screen_has = m->vga ? pc_script_screen_has : NULL,
		.screenshot = m->vga ? pc_script_screenshot : NULL,
	};
	return script_check(m->script, err, errlen);
}

static void pc_ferr(void *opaque, bool level)
{
	struct machine *m = opaque;
	if (m->ferr)
		ferr_set(m->ferr, level);
}

int pc_build(struct machine *m, char *err, size_t errlen)
{
	/* The PIC first: it becomes the sink of every IRQ line. */
	m->pic = pic_create(m);
	m->pit = pit_create(m);
	if (!m->pic || !m->pit || !port61_create(m, m->pit)) {
		snprintf(err, errlen, "cannot build the PC board (port clash)");
		return -1;
	}
	m->cmos = cmos_create(m, err, errlen);
	if (!m->cmos)
		return -1;
	struct cmos_pc_info info = {
		.ram_below_4g = m->mem->ram_size,
		.fd_type = { CMOS_FD_NONE, CMOS_FD_NONE },
		.fd_bootchk = true,
	};
	if (pc_open_disks(m, &info, err, errlen) ||
	    cmos_fill_pc_defaults(m->cmos, &info, err, errlen))
		return -1;
	m->dma = dma_create(m);
	m->i8042 = i8042_create(m, 1, 12);
	port92_create(m);
	post_create(m);
	/* FERR# -> IRQ13 for x87 errors with CR0.NE clear (the AT way). */
	m->ferr = ferr_create(m);
	m->cpu_hooks.opaque = m;
	m->cpu_hooks.ferr = pc_ferr;
	if (pc_build_serial(m, err, errlen))
		return -1;

	/* The i440FX/PIIX chipset SeaBIOS knows: host bridge 00:00.0, ISA
	 * bridge 00:01.0, IDE 00:01.1, ACPI/PM 00:01.3; then fw_cfg. */
	m->pci = pci_create(m);
	if (m->pci) {
		m->i440fx = i440fx_create(m, m->pci);
		m->piix3 = piix3_create(m, m->pci);
		m->piix_ide = piix_ide_create(m, m->pci);
		m->piix_pm = piix_pm_create(m, m->pci);
	}
	m->fw_cfg = fw_cfg_create(m);
	if (!m->pci || !m->i440fx || !m->piix3 || !m->piix_ide ||
	    !m->piix_pm || !m->fw_cfg) {
		snprintf(err, errlen, "cannot build the PCI chipset (port clash)");
		return -1;
	}
	fw_cfg_add_pc_defaults(m->fw_cfg, m->mem->ram_size, NULL);
	/* P6: local APIC, I/O APIC and the ACPI tables (core/pc_apic.c). */
	if (pc_build_apic(m, err, errlen))
		return -1;
	/* --enlighten hyperv: Hyper-V CPUID/MSRs, VMBus, storvsc disks. */
	if (pc_build_vmbus(m, err, errlen))
		return -1;
	/* Floppy (DMA 2, IRQ 6) and IDE (PIIX bus master, IRQ 14/15). */
	if (pc_build_storage(m, err, errlen))
		return -1;
	/* The display: QEMU's stdvga at 00:02.0, its VGA BIOS as the ROM. */
	if (!m->cfg.vga || strcmp(m->cfg.vga, "none")) {
		m->vga = vga_create(m, m->pci, m->cfg.vga_rom ? m->cfg.vga_rom
							      : VGA_ROM_DEFAULT,
				    err, errlen);
		if (!m->vga)
			return -1;
	}
	/* NICs after the display: PCI ones from slot 3 (core/pc_net.c). */
	if (pc_build_net(m, err, errlen))
		return -1;
	return pc_build_script(m, err, errlen);
}

/* stdin feeds COM1 when the serial console is stdio. Read without
 * blocking, only here at a sync point; a recording logs these bytes with
 * the sync point's virtual time, a replay takes them from the trace. */
void pc_poll_host(struct machine *m)
{
	struct uart *com1 = m->uart[0];
	uint8_t buf[64];

	if (m->script)
		script_step(m->script, m, clock_now(&m->clock));
	/* The window, hotkeys and the monitor (and a pause, which waits in
	 * here). A replay takes no host input from them. */
	if (m->ui)
		ui_poll(m->ui);
	if (m->replay) {
		/* Replay: the trace supplies the input, the host is not read. */
		replay_input(m->replay, m);
		return;
	}
	/* Frames both ways, slirp's sockets and timers (core/net.h). */
	if (m->net)
		net_poll(m->net);
	if (!com1)
		return;
	/* Read only what the UART queue can take, so every byte read is
	 * delivered (and recorded) exactly once. */
	size_t room = UART_HOSTQ_SIZE - com1->hq_count;
	ssize_t n = 0;
	if (room > sizeof(buf))
		room = sizeof(buf);
	if (!room)
		return;
	if (com1->be.read) {
		n = (ssize_t)com1->be.read(com1->be.opaque, buf, room);
	} else if (!m->stdin_eof && m->cfg.serial &&
		   !strcmp(m->cfg.serial, "stdio")) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0)
			return;
		n = read(STDIN_FILENO, buf, room);
		if (n <= 0)
			m->stdin_eof = n == 0 || errno != EAGAIN;
	}
	if (n <= 0)
		return;
	if (m->record)
		record_input(m->record, m, TRACE_REC_SERIAL, 0, buf, (size_t)n);
	uart_receive(com1, buf, (size_t)n);
}
