/* core/machine.c: building the machine and running its main loop. */
#include "core/machine.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accel/backend.h"
#include "core/bus.h"
#include "core/linuxboot.h"
#include "core/util.h"
#include "cpu/cpu.h"
#include "devices/debugcon.h"
#include "mmu/mem.h"
#include "traces/gdbstub.h"
#include "traces/record.h"
#include "traces/replay.h"

/* The built-in demo ROM (core/demo.asm, assembled at build time). */
extern const unsigned char demo_rom[], demo_rom_end[];

/* Host input and wall-clock checks happen at these virtual-time steps. */
#define SYNC_QUANTUM_NS 1000000ull
#define MAX_BIOS_SIZE (1u << 20)

static const struct state_field cpu_state_fields[] = {
	STATE_FIELD(struct cpu_state, gpr),
	STATE_FIELD(struct cpu_state, rip),
	STATE_FIELD(struct cpu_state, rflags),
	STATE_FIELD(struct cpu_state, seg),
	STATE_FIELD(struct cpu_state, ldtr),
	STATE_FIELD(struct cpu_state, tr),
	STATE_FIELD(struct cpu_state, gdtr),
	STATE_FIELD(struct cpu_state, idtr),
	STATE_FIELD(struct cpu_state, cr0),
	STATE_FIELD(struct cpu_state, cr2),
	STATE_FIELD(struct cpu_state, cr3),
	STATE_FIELD(struct cpu_state, cr4),
	STATE_FIELD(struct cpu_state, cr8),
	STATE_FIELD(struct cpu_state, efer),
	STATE_FIELD(struct cpu_state, dr),
	STATE_FIELD(struct cpu_state, tsc),
	STATE_FIELD(struct cpu_state, nmsr),
	STATE_FIELD(struct cpu_state, msr),
	STATE_FIELD(struct cpu_state, fpu),
	STATE_FIELD(struct cpu_state, events),
	STATE_END
};

static const struct state_field clock_fields[] = {
	STATE_FIELD(struct clock, cycles),
	STATE_FIELD(struct clock, ns_offset),
	STATE_END
};

static const struct state_field mem_fields[] = {
	STATE_FIELD(struct mem, a20),
	STATE_END
};

static void machine_cpu_pre_save(void *opaque)
{
	struct machine *m = opaque;
	m->backend->get_state(m->backend_priv, &m->cpu_state);
}

static void machine_cpu_post_load(void *opaque)
{
	struct machine *m = opaque;
	m->backend->set_state(m->backend_priv, &m->cpu_state);
}

static void machine_mem_post_load(void *opaque)
{
	struct mem *mem = opaque;
	mem_set_a20(mem, mem->a20);
}

static int read_file(const char *path, uint8_t **data, size_t *len,
		     size_t max, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	uint8_t *buf = xcalloc(1, max + 1);
	size_t n = fread(buf, 1, max + 1, f);
	bool failed = ferror(f);
	fclose(f);
	if (failed || n > max) {
		snprintf(err, errlen, failed ? "%s: read error" : "%s: too large",
			 path);
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

/* The BIOS sits at the top of the address space (where the CPU starts) and,
 * up to 128 KiB of it, below 1 MiB, as on every PC. */
static int machine_load_bios(struct machine *m, char *err, size_t errlen)
{
	uint8_t *data = NULL;
	size_t len;

	if (m->cfg.bios) {
		if (read_file(m->cfg.bios, &data, &len, MAX_BIOS_SIZE, err,
			      errlen))
			return -1;
		if (len < 0x10000 || len % 0x10000) {
			snprintf(err, errlen,
				 "%s: %zu bytes is not a BIOS image (want a multiple of 64 KiB)",
				 m->cfg.bios, len);
			free(data);
			return -1;
		}
	} else {
		const uint8_t *rom = m->cfg.rom ? m->cfg.rom : demo_rom;
		len = m->cfg.rom ? m->cfg.rom_len
				 : (size_t)(demo_rom_end - demo_rom);
		data = xcalloc(1, len);
		memcpy(data, rom, len);
	}
	uint64_t top = (uint64_t)m->mem->bus_mask + 1;
	size_t low = len < 0x20000 ? len : 0x20000;
	int rc = mem_add_rom(m->mem, 0x100000 - low, data + len - low, low,
			     "bios-low");
	if (!rc && top > 0x100000)
		rc = mem_add_rom(m->mem, top - len, data, len, "bios");
	free(data);
	if (rc)
		snprintf(err, errlen, "cannot map the BIOS");
	return rc;
}

int machine_create(struct machine *m, const struct machine_config *cfg,
		   char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->cfg = *cfg;
	log_init(&m->log, stderr);
	if (cfg->log_spec && log_configure(&m->log, cfg->log_spec, err, errlen))
		return -1;
	clock_init(&m->clock, (uint64_t)cfg->mhz * 1000);
	irq_init(&m->irq);
	m->bus = bus_create(&m->log);
	m->mem = mem_create(cfg->mem_size, m->bus, &m->log, err, errlen);
	if (!m->mem)
		goto fail;
	mem_set_bus_width(m->mem, cfg->cpu->addr_bits);
	state_init(&m->state, m->mem);
	m->debugcon = debugcon_create(m, cfg->debugcon, cfg->until_debugcon,
				      err, errlen);
	if (!m->debugcon || pc_build(m, err, errlen))
		goto fail;
	/* After the board: the BIOS decodes ahead of the PCI hole (the last
	 * region mapped wins), as the PIIX's BIOS chip select does. */
	if (machine_load_bios(m, err, errlen))
		goto fail;

	if (machine_accel_setup(m, err, errlen))
		goto fail;
	state_add_hooked(&m->state, "cpu", cpu_state_fields, &m->cpu_state,
			 machine_cpu_pre_save, machine_cpu_post_load, m);
	state_add(&m->state, "clock", clock_fields, &m->clock);
	state_add_hooked(&m->state, "mem", mem_fields, m->mem, NULL,
			 machine_mem_post_load, m->mem);
	if (boot_setup(m, err, errlen))
		goto fail;
	machine_reset(m);
	if (cfg->loadvm && state_load_file(&m->state, cfg->loadvm, err, errlen))
		goto fail;
	return 0;
fail:
	machine_destroy(m);
	return -1;
}

void machine_add_device(struct machine *m, const char *name, void *opaque,
			void (*reset)(void *), void (*destroy)(void *))
{
	if (m->ndev == MACHINE_MAX_DEVICES) {
		/* A build-time limit, not something a guest can reach. */
		fprintf(stderr, "lucid: too many devices (max %d)\n",
			MACHINE_MAX_DEVICES);
		exit(1);
	}
	m->dev[m->ndev++] = (struct machine_device){ name, opaque, reset,
						     destroy };
}

void machine_request_reset(struct machine *m)
{
	m->reset_pending = true;
	if (m->backend_priv)
		m->backend->stop(m->backend_priv);
}

void machine_set_a20(struct machine *m, bool enabled)
{
	if (m->mem->a20 != enabled)
		mem_set_a20(m->mem, enabled);
}

void machine_destroy(struct machine *m)
{
	while (m->ndev > 0) {
		struct machine_device *d = &m->dev[--m->ndev];
		if (d->destroy)
			d->destroy(d->opaque);
	}
	machine_accel_destroy(m);
	boot_release(m);
	debugcon_destroy(m->debugcon);
	state_destroy(&m->state);
	mem_destroy(m->mem);
	bus_destroy(m->bus);
	clock_destroy(&m->clock);
	memset(m, 0, sizeof(*m));
}

void machine_reset(struct machine *m)
{
	m->reset_pending = false;
	mem_set_a20(m->mem, true);
	for (unsigned i = 0; i < m->ndev; i++)
		if (m->dev[i].reset)
			m->dev[i].reset(m->dev[i].opaque);
	machine_accel_reset(m);
	boot_apply(m); /* direct boot: kernel, parameters, entry state */
}

void machine_request_exit(struct machine *m, int code, const char *fmt, ...)
{
	va_list ap;

	if (m->stop)
		return; /* the first reason wins */
	m->stop = true;
	m->exit_code = code;
	va_start(ap, fmt);
	vsnprintf(m->exit_reason, sizeof(m->exit_reason), fmt, ap);
	va_end(ap);
	if (m->backend_priv)
		m->backend->stop(m->backend_priv);
}

void machine_describe(struct machine *m, FILE *out)
{
	const struct bus *b = m->bus;

	fprintf(out, "machine: %s CPU at %u MHz, %llu KiB RAM, backend %s\n",
		m->cfg.cpu->desc, m->cfg.mhz,
		(unsigned long long)(m->mem->ram_size >> 10), m->backend->name);
	if (m->nbackends > 1)
		fprintf(out, "  accel: kvm on %s (virtual time follows the host clock: not deterministic), %s %s\n",
			kvm_host_module(),
			m->backend == &kvm_backend ? "interpreter" : "kvm",
			m->switch_at_ns ? "takes over at --switch-at-ms"
					: "on standby");
	if (m->accel_note[0])
		fprintf(out, "  accel auto: %s\n", m->accel_note);
	for (unsigned i = 0; i < m->mem->nregion; i++) {
		const struct mem_region *r = &m->mem->region[i];
		fprintf(out, "  memory %08llx-%08llx %s %s\n",
			(unsigned long long)r->base,
			(unsigned long long)(r->base + r->size - 1),
			r->kind == MEM_ROM ? "rom " : r->kind == MEM_MMIO ? "mmio" : "ram ",
			r->name);
	}
	for (unsigned i = 1; i < b->nports; i++)
		fprintf(out, "  ports  %04llx-%04llx %s\n",
			(unsigned long long)b->ports[i].base,
			(unsigned long long)(b->ports[i].base + b->ports[i].size - 1),
			b->ports[i].name);
	fprintf(out, "  firmware: %s\n",
		m->cfg.bios ? m->cfg.bios
			    : m->cfg.rom ? "in-memory image" : "built-in demo ROM");
}

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* A halted CPU sleeps until the next event; with interrupts off and no
 * event that could ever wake it, the guest has stopped for good. */
static void machine_handle_halt(struct machine *m)
{
	struct cpu_state *s = &m->cpu_state;
	uint64_t next = clock_next_deadline(&m->clock);

	m->backend->get_state(m->backend_priv, s);
	if (!(s->rflags & FLAG_IF) || next == CLOCK_NEVER) {
		machine_request_exit(
			m, MACHINE_EXIT_OK,
			"guest halted with %s at %04x:%04llx",
			(s->rflags & FLAG_IF) ? "nothing left to wake it"
					      : "interrupts disabled",
			s->seg[SEG_CS].sel, (unsigned long long)s->rip);
		return;
	}
	clock_skip_to(&m->clock, next);
}

int machine_run(struct machine *m)
{
	uint64_t wall0 = wall_ns(), virt0 = clock_now(&m->clock);
	uint64_t pace0 = wall0; /* wall time when virt0 was taken */
	uint64_t sync = virt0 + SYNC_QUANTUM_NS;

	while (!m->stop) {
		machine_accel_poll(m);
		uint64_t until = clock_next_deadline(&m->clock);
		if (until > sync)
			until = sync;
		until = machine_accel_limit(m, until);
		switch (m->backend->run(m->backend_priv, until)) {
		case BACKEND_EXIT_HALT:
			machine_handle_halt(m);
			break;
		case BACKEND_EXIT_SHUTDOWN:
			/* A PC turns the shutdown cycle into a reset. */
			if (m->cfg.no_reboot) {
				machine_request_exit(m, MACHINE_EXIT_SHUTDOWN,
						     "guest triple-faulted (CPU shutdown)");
				break;
			}
			/* Once per run: a guest that faults in a loop must
			 * not flood the terminal (the total comes at the end). */
			if (!m->triple_faults++)
				log_warn(&m->log, CORE,
					 "triple fault: system reset (more are counted, not logged)");
			m->reset_pending = true;
			break;
		case BACKEND_EXIT_DEBUG:
			/* An instruction-count stop or a breakpoint: gdb takes
			 * over, and may move the machine to a snapshot taken
			 * at a sync point (whose schedule then starts over). */
			m->resync |= m->gdb != NULL; /* time stood still */
			if (m->gdb && gdb_stopped(m->gdb, m)) {
				sync = clock_now(&m->clock) + SYNC_QUANTUM_NS;
				continue;
			}
			if (!m->gdb && m->replay)
				replay_until_reached(m->replay, m);
			break;
		case BACKEND_EXIT_DEADLINE:
		case BACKEND_EXIT_STOP:
			break;
		}
		clock_run_due(&m->clock);
		if (m->reset_pending) {
			log_info(&m->log, CORE, "system reset");
			machine_reset(m);
		}

		uint64_t now = clock_now(&m->clock);
		if (now < sync)
			continue;
		/* Sync point: wall-clock limits and pacing live here only, so
		 * guest-visible time never depends on the host. */
		sync = now + SYNC_QUANTUM_NS;
		pc_poll_host(m);
		if (m->record)
			record_sync(m->record, m, now);
		if (m->replay)
			replay_sync(m->replay, m, now);
		if (m->gdb)
			gdb_poll(m->gdb, m);
		if (m->resync) {
			/* The UI paused or loaded a snapshot: pacing starts
			 * over here, with no time to catch up or wait out. */
			m->resync = false;
			now = clock_now(&m->clock);
			sync = now + SYNC_QUANTUM_NS;
			virt0 = now;
			pace0 = wall_ns();
		}
		uint64_t wall = wall_ns() - wall0;
		if (m->cfg.timeout_ms && wall >= m->cfg.timeout_ms * 1000000ull) {
			machine_request_exit(m, MACHINE_EXIT_TIMEOUT,
					     "timed out after %llu ms (wall clock)",
					     (unsigned long long)m->cfg.timeout_ms);
			break;
		}
		uint64_t virt = now - virt0;
		uint64_t paced = wall - (pace0 - wall0);
		if (!m->cfg.speed_max && virt > paced + 2 * SYNC_QUANTUM_NS) {
			uint64_t ahead = virt - paced;
			struct timespec ts = { (time_t)(ahead / 1000000000ull),
					       (long)(ahead % 1000000000ull) };
			nanosleep(&ts, NULL);
		}
	}
	if (m->triple_faults > 1)
		log_warn(&m->log, CORE, "%llu CPU shutdowns reset the machine in all",
			 (unsigned long long)m->triple_faults);
	if (m->cfg.savevm) {
		char err[256];
		if (state_save_file(&m->state, m->cfg.savevm, err, sizeof(err))) {
			fprintf(stderr, "lucid: %s\n", err);
			return MACHINE_EXIT_ERROR;
		}
	}
	return m->exit_code;
}
