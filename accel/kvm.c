/* accel/kvm.c: the machine's CPU under /dev/kvm.
 *
 * The same machine as the interpreter's: guest RAM and ROM are the mmap'ed
 * pages mmu/mem owns, handed to KVM as memory slots (kvm_mem.c); every
 * port access and every access outside a slot exits here and goes to the
 * same bus the interpreter uses. Interrupts come from the userspace PIC or
 * LAPIC through core/irq (KVM_INTERRUPT when the guest can take one, an
 * interrupt window otherwise).
 *
 * Time: virtual time follows the host clock while the vCPU runs (elapsed
 * host ns become cycles at the configured MHz), so KVM runs are not
 * deterministic; --record uses the interpreter. A deadline is a per-run
 * host timer whose signal is blocked in this thread except inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK), so it can never be lost between two runs.
 *
 * Every return from run() leaves the vCPU at an instruction boundary with
 * nothing half done: a pending I/O completion is finished with
 * immediate_exit, and an injected interrupt is run until delivered, so
 * get_state always describes an architectural state (switchable).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "accel/backend.h"
#include "accel/kvm.h"
#include "accel/kvm_timer.h"
#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

#define KVM_MAX_SLOTS 128
#define KVM_TSS_ADDR 0xfeffd000u  /* 3 pages, Intel without unrestricted guest */
#define KVM_IDMAP_ADDR 0xfeffc000u
#define KVM_SETTLE_NS 20000        /* retry slice while an injection lands */
#define MSR_APIC_BASE 0x1b
#define KVM_STEP_MAX 4000          /* steps towards one interrupt window */

struct kvm_accel {
	struct machine *m;
	int sys_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	struct kvm_timer timer;
	bool readonly_ok;
	/* Memory slots as KVM has them, with their slot ids. */
	struct kvm_slot slot[KVM_MAX_SLOTS];
	uint32_t slot_id[KVM_MAX_SLOTS];
	unsigned nslot;
	uint8_t id_used[KVM_MAX_SLOTS];
	uint64_t map_gen;
	/* Events the vCPU owes the machine. */
	bool stop_req;
	bool halted;      /* HLT exit taken, no interrupt since (userspace HLT) */
	bool nmi_pending; /* raised, not yet given to KVM_NMI */
	bool io_pending;  /* last exit was I/O or MMIO: needs completion */
	bool injected;    /* an event was injected and may not be delivered */
	bool run_valid;   /* kvm_run's interrupt flags describe the vCPU */
	bool if_flag;
	uint64_t apic_base;
	/* Host time -> virtual time during one run(). */
	uint64_t host0, cyc0;
	/* Statistics for lucid bench kvm. */
	uint64_t exits, io_exits, mmio_exits;
	uint64_t exit_budget; /* --switch-every-exits: stop after these */
	/* An emulating KVM (kvm_pvm) notices an open interrupt window only
	 * now and then, and misses a one-instruction window (SeaBIOS's
	 * "sti; nop; pause; cli" idle loop) for up to ~1 s: there we single-
	 * step to the window, at most KVM_STEP_MAX steps per wait. */
	bool step_windows, stepping;
	unsigned steps_left;
	const char *module;
	/* The model's MSR list from set_state, and which ones KVM took. */
	struct cpu_msr msr[CPU_NMSR];
	unsigned nmsr;
	uint64_t msr_ok[(KVM_STATE_MAX_MSRS + 63) / 64];
};

const char *kvm_host_module(void)
{
	static const char *const names[] = { "kvm_pvm", "kvm_intel", "kvm_amd" };
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[64];
		snprintf(path, sizeof(path), "/sys/module/%s", names[i]);
		if (!access(path, F_OK))
			return names[i];
	}
	return "kvm";
}

/* --- memory slots -------------------------------------------------------- */

static int kvm_slot_set(struct kvm_accel *k, uint32_t id,
			const struct kvm_slot *s, bool remove)
{
	struct kvm_userspace_memory_region r = {
		.slot = id,
		.flags = s->readonly ? KVM_MEM_READONLY : 0,
		.guest_phys_addr = s->gpa,
		.memory_size = remove ? 0 : s->size,
		.userspace_addr = (uintptr_t)s->host,
	};
	if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
		log_err(&k->m->log, KVM, "memory slot %u at %#llx+%#llx: %s",
			id, (unsigned long long)s->gpa,
			(unsigned long long)s->size, strerror(errno));
		return -1;
	}
	return 0;
}

static bool slot_same(const struct kvm_slot *a, const struct kvm_slot *b)
{
	return a->gpa == b->gpa && a->size == b->size && a->host == b->host &&
	       a->readonly == b->readonly;
}

/* Bring KVM's slots in line with mem's map: remove what changed, then add
 * what is new (so no two slots ever overlap). */
static int kvm_mem_sync(struct kvm_accel *k)
{
	struct kvm_slot want[KVM_MAX_SLOTS];
	int n = kvm_mem_layout(k->m->mem, want, KVM_MAX_SLOTS);

	if (n < 0) {
		log_err(&k->m->log, KVM, "memory map needs more than %d slots",
			KVM_MAX_SLOTS);
		return -1;
	}
	if (!k->readonly_ok) {
		/* No read-only slots: ROM reads exit too (slow, correct). */
		int w = 0;
		for (int i = 0; i < n; i++)
			if (!want[i].readonly)
				want[w++] = want[i];
		n = w;
	}
	for (unsigned i = 0; i < k->nslot;) {
		bool keep = false;
		for (int j = 0; j < n && !keep; j++)
			keep = slot_same(&k->slot[i], &want[j]);
		if (keep) {
			i++;
			continue;
		}
		if (kvm_slot_set(k, k->slot_id[i], &k->slot[i], true))
			return -1;
		k->id_used[k->slot_id[i]] = 0;
		k->slot[i] = k->slot[k->nslot - 1];
		k->slot_id[i] = k->slot_id[k->nslot - 1];
		k->nslot--;
	}
	for (int j = 0; j < n; j++) {
		bool have = false;
		for (unsigned i = 0; i < k->nslot && !have; i++)
			have = slot_same(&k->slot[i], &want[j]);
		if (have)
			continue;
		uint32_t id = 0;
		while (k->id_used[id])
			id++; /* n <= KVM_MAX_SLOTS, so one is free */
		if (kvm_slot_set(k, id, &want[j], false))
			return -1;
		k->id_used[id] = 1;
		k->slot[k->nslot] = want[j];
		k->slot_id[k->nslot++] = id;
	}
	k->map_gen = k->m->mem->write_gen;
	return 0;
}

/* --- setup --------------------------------------------------------------- */

static int kvm_setup_cpuid(struct kvm_accel *k, char *err, unsigned errlen)
{
	struct kvm_cpuid2 *sup = NULL;
	unsigned nent = 64;

	for (;;) {
		sup = xcalloc(1, sizeof(*sup) + nent * sizeof(sup->entries[0]));
		sup->nent = nent;
		if (!ioctl(k->sys_fd, KVM_GET_SUPPORTED_CPUID, sup))
			break;
		int e = errno;
		free(sup);
		if (e != E2BIG || nent >= 4096) {
			snprintf(err, errlen, "KVM_GET_SUPPORTED_CPUID: %s",
				 strerror(e));
			return -1;
		}
		nent *= 2;
	}
	struct kvm_cpuid2 *c = xcalloc(1, sizeof(*c) + KVM_CPUID_MAX *
							   sizeof(c->entries[0]));
	c->nent = kvm_cpuid_build(k->m->cfg.cpu, &k->m->cpu_hooks, sup->entries,
				  sup->nent, c->entries, KVM_CPUID_MAX);
	int rc = ioctl(k->vcpu_fd, KVM_SET_CPUID2, c);
	if (rc < 0)
		snprintf(err, errlen, "KVM_SET_CPUID2: %s", strerror(errno));
	free(c);
	free(sup);
	return rc < 0 ? -1 : 0;
}

static void kvm_destroy(void *priv);

static void kvm_nmi(void *opaque)
{
	((struct kvm_accel *)opaque)->nmi_pending = true;
}

static void *kvm_create(struct machine *m, char *err, unsigned errlen)
{
	if (m->cfg.cpu->addr_bits < 32) {
		snprintf(err, errlen,
			 "KVM runs 386 and later models; the %s's address wrap and quirks need the interpreter",
			 m->cfg.cpu->name);
		return NULL;
	}
	struct kvm_accel *k = xcalloc(1, sizeof(*k));
	k->m = m;
	k->vm_fd = k->vcpu_fd = -1;
	k->module = kvm_host_module();
	k->sys_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (k->sys_fd < 0) {
		snprintf(err, errlen, "cannot open /dev/kvm: %s",
			 strerror(errno));
		goto fail;
	}
	if (ioctl(k->sys_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		snprintf(err, errlen, "/dev/kvm speaks an unknown API version");
		goto fail;
	}
	k->vm_fd = ioctl(k->sys_fd, KVM_CREATE_VM, 0);
	if (k->vm_fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
		goto fail;
	}
	if (ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0 ||
	    ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0 ||
	    ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_VCPU_EVENTS) <= 0) {
		snprintf(err, errlen,
			 "this KVM lacks user memory, immediate exit or vCPU events");
		goto fail;
	}
	k->readonly_ok =
		ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	k->step_windows = !strcmp(k->module, "kvm_pvm") &&
			  ioctl(k->vm_fd, KVM_CHECK_EXTENSION,
				KVM_CAP_SET_GUEST_DEBUG) > 0;
	k->steps_left = KVM_STEP_MAX;
	/* Intel without unrestricted guest runs real mode through vm86 and
	 * needs these pages; elsewhere they are harmless. */
	if (ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(k->vm_fd, KVM_SET_TSS_ADDR, KVM_TSS_ADDR) < 0)
		log_warn(&m->log, KVM, "KVM_SET_TSS_ADDR: %s", strerror(errno));
	if (ioctl(k->vm_fd, KVM_CHECK_EXTENSION,
		  KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
		uint64_t a = KVM_IDMAP_ADDR;
		if (ioctl(k->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &a) < 0)
			log_warn(&m->log, KVM, "KVM_SET_IDENTITY_MAP_ADDR: %s",
				 strerror(errno));
	}
	k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
	if (k->vcpu_fd < 0) {
		snprintf(err, errlen, "KVM_CREATE_VCPU: %s", strerror(errno));
		goto fail;
	}
	int sz = ioctl(k->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (sz < (int)sizeof(struct kvm_run)) {
		snprintf(err, errlen, "KVM_GET_VCPU_MMAP_SIZE: %s",
			 strerror(errno));
		goto fail;
	}
	k->run_size = (size_t)sz;
	k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      k->vcpu_fd, 0);
	if (k->run == MAP_FAILED) {
		k->run = NULL;
		snprintf(err, errlen, "mmap of kvm_run: %s", strerror(errno));
		goto fail;
	}
	if (kvm_setup_cpuid(k, err, errlen) || kvm_timer_setup(&k->timer, k->vcpu_fd, err, errlen))
		goto fail;
	/* The guest TSC at the model's clock where KVM can scale it. */
	if (ioctl(k->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_TSC_CONTROL) > 0 &&
	    ioctl(k->vcpu_fd, KVM_SET_TSC_KHZ, m->cfg.mhz * 1000) < 0)
		log_info(&m->log, KVM, "TSC stays at the host's rate: %s",
			 strerror(errno));
	if (kvm_mem_sync(k)) {
		snprintf(err, errlen, "cannot map guest memory into KVM");
		goto fail;
	}
	if (!k->readonly_ok)
		log_warn(&m->log, KVM,
			 "no read-only memory slots: ROM runs through exits");
	return k;
fail:
	kvm_destroy(k);
	return NULL;
}

static void kvm_destroy(void *priv)
{
	struct kvm_accel *k = priv;

	kvm_timer_destroy(&k->timer);
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu_fd >= 0)
		close(k->vcpu_fd);
	if (k->vm_fd >= 0)
		close(k->vm_fd);
	if (k->sys_fd >= 0)
		close(k->sys_fd);
	free(k);
}

/* The reset state itself comes from the interpreter (machine_reset hands
 * it over with set_state); here only what the backend owes. */
static void kvm_reset(void *priv)
{
	struct kvm_accel *k = priv;

	k->halted = k->nmi_pending = k->io_pending = k->injected = false;
	k->run_valid = false;
}

static void kvm_activate(void *priv)
{
	struct kvm_accel *k = priv;
	irq_set_nmi_handler(&k->m->irq, kvm_nmi, k);
	irq_set_kick(&k->m->irq, NULL, NULL); /* the interpreter's */
}

/* --- state ----------------------------------------------------------------- */

static int kvm_vcpu_ioctl(struct kvm_accel *k, unsigned long req, void *arg,
			  const char *what)
{
	if (ioctl(k->vcpu_fd, req, arg) >= 0)
		return 0;
	log_err(&k->m->log, KVM, "%s: %s", what, strerror(errno));
	return -1;
}

static void kvm_get_state(void *priv, struct cpu_state *s)
{
	struct kvm_accel *k = priv;
	struct kvm_cpu_image img;

	memset(&img, 0, sizeof(img));
	kvm_vcpu_ioctl(k, KVM_GET_REGS, &img.regs, "KVM_GET_REGS");
	kvm_vcpu_ioctl(k, KVM_GET_SREGS, &img.sregs, "KVM_GET_SREGS");
	kvm_vcpu_ioctl(k, KVM_GET_FPU, &img.fpu, "KVM_GET_FPU");
	kvm_vcpu_ioctl(k, KVM_GET_DEBUGREGS, &img.dregs, "KVM_GET_DEBUGREGS");
	kvm_vcpu_ioctl(k, KVM_GET_VCPU_EVENTS, &img.events,
		       "KVM_GET_VCPU_EVENTS");
	/* The MSR list is the one set_state gave (the model's). Those KVM
	 * refused keep the value they had: the guest could not change them. */
	struct cpu_state list = { .nmsr = k->nmsr };
	struct kvm_cpu_image want;
	memcpy(list.msr, k->msr, sizeof(list.msr));
	kvm_state_encode(&list, &want);
	img.msrs = want.msrs;
	for (unsigned i = 0; i < img.msrs.hdr.nmsrs; i++) {
		if (!(k->msr_ok[i / 64] >> (i % 64) & 1))
			continue;
		struct {
			struct kvm_msrs hdr;
			struct kvm_msr_entry e;
		} one = { .hdr.nmsrs = 1, .e.index = img.msrs.e[i].index };
		if (ioctl(k->vcpu_fd, KVM_GET_MSRS, &one) == 1)
			img.msrs.e[i].data = one.e.data;
	}
	kvm_state_decode(&img, s);
	s->events.halted = k->halted;
	s->events.nmi_pending |= k->nmi_pending;
}

static void kvm_set_state(void *priv, const struct cpu_state *s)
{
	struct kvm_accel *k = priv;
	struct kvm_cpu_image img;

	kvm_state_encode(s, &img);
	k->nmsr = s->nmsr < CPU_NMSR ? s->nmsr : CPU_NMSR;
	memcpy(k->msr, s->msr, sizeof(k->msr));
	kvm_vcpu_ioctl(k, KVM_SET_SREGS, &img.sregs, "KVM_SET_SREGS");
	kvm_vcpu_ioctl(k, KVM_SET_REGS, &img.regs, "KVM_SET_REGS");
	kvm_vcpu_ioctl(k, KVM_SET_FPU, &img.fpu, "KVM_SET_FPU");
	memset(k->msr_ok, 0, sizeof(k->msr_ok));
	for (unsigned i = 0; i < img.msrs.hdr.nmsrs; i++) {
		struct {
			struct kvm_msrs hdr;
			struct kvm_msr_entry e;
		} one = { .hdr.nmsrs = 1, .e = img.msrs.e[i] };
		/* One at a time: KVM stops at the first MSR it refuses, and
		 * a model MSR it lacks (PLATFORM_ID...) must not hide the
		 * rest. */
		if (ioctl(k->vcpu_fd, KVM_SET_MSRS, &one) == 1)
			k->msr_ok[i / 64] |= 1ull << (i % 64);
		else
			log_debug(&k->m->log, KVM, "MSR %#x stays outside KVM",
				  one.e.index);
	}
	kvm_vcpu_ioctl(k, KVM_SET_VCPU_EVENTS, &img.events,
		       "KVM_SET_VCPU_EVENTS");
	kvm_vcpu_ioctl(k, KVM_SET_DEBUGREGS, &img.dregs, "KVM_SET_DEBUGREGS");
	/* HLT is handled in userspace (no in-kernel irqchip), so "halted"
	 * is ours, not an MP state. */
	k->halted = s->events.halted;
	k->nmi_pending = false;
	k->io_pending = false;
	k->injected = s->events.nmi_pending;
	k->run_valid = false;
	k->if_flag = s->rflags & FLAG_IF;
	k->apic_base = img.sregs.apic_base;
}

static uint64_t kvm_icount(void *priv)
{
	return 0; /* hardware does not count retired instructions for us */
}

/* --- exits ------------------------------------------------------------------ */

static void kvm_pio(struct kvm_accel *k)
{
	struct bus *b = k->m->bus;
	uint8_t *data = (uint8_t *)k->run + k->run->io.data_offset;
	unsigned size = k->run->io.size;

	k->io_exits++;
	for (uint32_t i = 0; i < k->run->io.count; i++, data += size) {
		uint32_t v = 0;
		if (k->run->io.direction == KVM_EXIT_IO_OUT) {
			memcpy(&v, data, size);
			bus_out(b, k->run->io.port, v, size);
		} else {
			v = bus_in(b, k->run->io.port, size);
			memcpy(data, &v, size);
		}
	}
}

/* Outside every slot: MMIO, holes, ROM writes, write-only shadow RAM;
 * mmu/mem's slow path knows which. */
static void kvm_mmio(struct kvm_accel *k)
{
	struct mem *mem = k->m->mem;
	uint64_t pa = k->run->mmio.phys_addr;
	uint8_t *data = k->run->mmio.data;
	unsigned len = k->run->mmio.len;

	k->mmio_exits++;
	for (unsigned off = 0; off < len; off += 4) {
		unsigned n = len - off < 4 ? len - off : 4;
		uint64_t a = pa + off;
		uint32_t v = 0xffffffffu;
		if (k->run->mmio.is_write) {
			memcpy(&v, data + off, n);
			if (!(a >> 32))
				mem_write_slow(mem, (uint32_t)a & mem->mask, v, n);
		} else {
			if (!(a >> 32))
				v = mem_read_slow(mem, (uint32_t)a & mem->mask, n);
			memcpy(data + off, &v, n);
		}
	}
}

/* One log block with what a person needs to see why KVM gave up. */
static void kvm_report(struct kvm_accel *k, const char *what)
{
	struct kvm_regs r = { 0 };
	struct kvm_sregs sr = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return;
	ioctl(k->vcpu_fd, KVM_GET_REGS, &r);
	ioctl(k->vcpu_fd, KVM_GET_SREGS, &sr);
	fprintf(f, "%s\n", what);
	fprintf(f, "  EAX=%08llx EBX=%08llx ECX=%08llx EDX=%08llx\n",
		(unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx);
	fprintf(f, "  ESI=%08llx EDI=%08llx EBP=%08llx ESP=%08llx\n",
		(unsigned long long)r.rsi, (unsigned long long)r.rdi,
		(unsigned long long)r.rbp, (unsigned long long)r.rsp);
	fprintf(f, "  CS:RIP=%04x:%08llx EFLAGS=%08llx CR0=%08llx CR3=%08llx CR4=%08llx EFER=%llx\n",
		sr.cs.selector, (unsigned long long)r.rip,
		(unsigned long long)r.rflags, (unsigned long long)sr.cr0,
		(unsigned long long)sr.cr3, (unsigned long long)sr.cr4,
		(unsigned long long)sr.efer);
	const struct { const char *n; const struct kvm_segment *s; } segs[] = {
		{ "CS", &sr.cs }, { "SS", &sr.ss }, { "DS", &sr.ds },
		{ "ES", &sr.es }, { "FS", &sr.fs }, { "GS", &sr.gs },
		{ "TR", &sr.tr }, { "LDT", &sr.ldt },
	};
	for (unsigned i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct cpu_segment c;
		kvm_seg_decode(segs[i].s, &c);
		fprintf(f, "  %-3s %04x base %08llx limit %08x attr %03x\n",
			segs[i].n, c.sel, (unsigned long long)c.base, c.limit,
			c.attr);
	}
	/* The code bytes, through the guest's paging if it is on. */
	struct kvm_translation t = { .linear_address = sr.cs.base + r.rip };
	uint64_t pa = t.linear_address;
	bool ok = true;
	if (sr.cr0 & CR0_PG) {
		ok = !ioctl(k->vcpu_fd, KVM_TRANSLATE, &t) && t.valid;
		pa = t.physical_address;
	}
	fprintf(f, "  bytes at CS:RIP:");
	if (ok) {
		uint8_t code[16];
		mem_read(k->m->mem, pa, code, sizeof(code));
		for (unsigned i = 0; i < sizeof(code); i++)
			fprintf(f, " %02x", code[i]);
	} else {
		fprintf(f, " (linear %#llx not mapped)",
			(unsigned long long)t.linear_address);
	}
	fclose(f);
	log_err(&k->m->log, KVM, "%s", buf);
	free(buf);
}

static enum backend_exit kvm_fatal(struct kvm_accel *k, const char *what)
{
	kvm_timer_arm(&k->timer, 0);
	kvm_report(k, what);
	machine_request_exit(k->m, MACHINE_EXIT_ERROR, "kvm: %s", what);
	return BACKEND_EXIT_STOP;
}

/* --- the run loop ----------------------------------------------------------- */

static void kvm_clock_sync(struct kvm_accel *k)
{
	struct clock *clk = &k->m->clock;
	uint64_t el = kvm_host_ns() - k->host0;
	uint64_t cyc = k->cyc0 +
		       (uint64_t)((unsigned __int128)el * clk->khz / 1000000u);
	if (cyc > clk->cycles)
		clk->cycles = cyc;
}

/* After an I/O exit KVM finishes the instruction on the next KVM_RUN;
 * immediate_exit does that without running further guest code. */
static void kvm_complete_io(struct kvm_accel *k)
{
	if (!k->io_pending)
		return;
	k->run->immediate_exit = 1;
	k->m->mem->dirty_lost = true; /* KVM writes RAM unseen */
	ioctl(k->vcpu_fd, KVM_RUN, 0);
	k->run->immediate_exit = 0;
	k->io_pending = false;
}

/* True while an injected event still waits for a guest entry (the run
 * that would deliver it was cut short by the deadline signal). */
static bool kvm_unsettled(struct kvm_accel *k)
{
	struct kvm_vcpu_events ev;

	if (!k->injected)
		return false;
	if (ioctl(k->vcpu_fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return false;
	if (ev.interrupt.injected || ev.nmi.injected || ev.nmi.pending ||
	    ev.exception.injected)
		return true;
	k->injected = false;
	return false;
}

static void kvm_step(struct kvm_accel *k, bool on)
{
	struct kvm_guest_debug d = {
		.control = on ? KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP : 0,
	};

	if (k->stepping == on)
		return;
	if (ioctl(k->vcpu_fd, KVM_SET_GUEST_DEBUG, &d) < 0) {
		log_warn(&k->m->log, KVM, "KVM_SET_GUEST_DEBUG: %s",
			 strerror(errno));
		k->step_windows = on = false;
	}
	k->stepping = on;
}

static void kvm_inject(struct kvm_accel *k)
{
	struct irq *irq = &k->m->irq;
	struct kvm_run *run = k->run;

	if (k->nmi_pending) {
		if (!kvm_vcpu_ioctl(k, KVM_NMI, NULL, "KVM_NMI"))
			k->injected = true;
		k->nmi_pending = false;
	}
	if (irq->intr && k->run_valid && run->ready_for_interrupt_injection &&
	    run->if_flag) {
		int vec = irq_acknowledge(irq);
		if (vec >= 0) {
			struct kvm_interrupt in = { .irq = (uint32_t)vec & 0xff };
			if (!kvm_vcpu_ioctl(k, KVM_INTERRUPT, &in,
					    "KVM_INTERRUPT"))
				k->injected = true;
			k->steps_left = KVM_STEP_MAX;
		}
	}
	run->request_interrupt_window = irq->intr;
	if (k->step_windows)
		kvm_step(k, irq->intr && k->steps_left && k->steps_left--);
}

/* A guest write to APIC_BASE lands in KVM; the LAPIC device must see it. */
static void kvm_sync_apic_base(struct kvm_accel *k)
{
	const struct cpu_hooks *h = &k->m->cpu_hooks;

	if (k->run->apic_base == k->apic_base)
		return;
	k->apic_base = k->run->apic_base;
	if (h->wrmsr)
		h->wrmsr(h->opaque, MSR_APIC_BASE, k->apic_base);
}

/* The host time at which the clock reaches until_ns (rounded up, so the
 * timer never fires a cycle early and leaves the deadline unmet). */
static uint64_t kvm_host_deadline(struct kvm_accel *k, uint64_t until_ns)
{
	struct clock *clk = &k->m->clock;
	uint64_t target = until_ns > clk->ns_offset
				  ? clock_ns_to_cycles(clk, until_ns - clk->ns_offset)
				  : 0;
	if (target <= k->cyc0)
		return k->host0;
	unsigned __int128 ns = (unsigned __int128)(target - k->cyc0) * 1000000u;
	return k->host0 + (uint64_t)((ns + clk->khz - 1) / clk->khz);
}

static enum backend_exit kvm_exit_reason(struct kvm_accel *k)
{
	struct kvm_run *run = k->run;
	char what[160];

	LOG(&k->m->log, KVM, LOG_TRACE, "exit %u (io port %#x, mmio %#llx)",
	    run->exit_reason, run->io.port,
	    (unsigned long long)run->mmio.phys_addr);
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		k->io_pending = true;
		kvm_pio(k);
		return BACKEND_EXIT_DEADLINE;
	case KVM_EXIT_MMIO:
		k->io_pending = true;
		kvm_mmio(k);
		return BACKEND_EXIT_DEADLINE;
	case KVM_EXIT_HLT:
		k->halted = true;
		return BACKEND_EXIT_DEADLINE;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
	case KVM_EXIT_INTR:
	case KVM_EXIT_DEBUG: /* a step towards an interrupt window */
		return BACKEND_EXIT_DEADLINE;
	case KVM_EXIT_SHUTDOWN:
		k->halted = false;
		return BACKEND_EXIT_SHUTDOWN;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what),
			 "VM entry failed (hardware reason %#llx)",
			 (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return kvm_fatal(k, what);
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what),
			 "internal error (suberror %u, %u data words%s)",
			 run->internal.suberror, run->internal.ndata,
			 run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION
				 ? ": instruction emulation failed" : "");
		return kvm_fatal(k, what);
	default:
		snprintf(what, sizeof(what), "unexpected exit reason %u",
			 run->exit_reason);
		return kvm_fatal(k, what);
	}
}

static enum backend_exit kvm_run_until(void *priv, uint64_t until_ns)
{
	struct kvm_accel *k = priv;
	struct clock *clk = &k->m->clock;
	enum backend_exit ret;

	k->stop_req = false;
	k->host0 = kvm_host_ns();
	k->cyc0 = clk->cycles;
	if (until_ns != CLOCK_NEVER)
		kvm_timer_arm(&k->timer, kvm_host_deadline(k, until_ns));
	for (;;) {
		kvm_clock_sync(k);
		if (k->stop_req || clock_now(clk) >= until_ns) {
			ret = k->stop_req ? BACKEND_EXIT_STOP
					  : BACKEND_EXIT_DEADLINE;
			if (!kvm_unsettled(k))
				break;
			kvm_timer_arm(&k->timer, kvm_host_ns() + KVM_SETTLE_NS);
		}
		if (k->m->mem->write_gen != k->map_gen && kvm_mem_sync(k))
			return kvm_fatal(k, "memory map update failed");
		if (k->halted) {
			bool wake = k->nmi_pending ||
				    (k->m->irq.intr && k->if_flag);
			if (!wake) {
				ret = BACKEND_EXIT_HALT;
				break;
			}
			k->halted = false;
		}
		kvm_inject(k);
		k->m->mem->dirty_lost = true; /* no dirty log: see state_hash */
		int rc = ioctl(k->vcpu_fd, KVM_RUN, 0);
		int e = errno;
		k->exits++;
		if (k->exit_budget && !--k->exit_budget)
			k->stop_req = true;
		k->io_pending = false;
		if (rc < 0) {
			if (e == EINTR || e == EAGAIN) {
				kvm_timer_consume(&k->timer);
				continue;
			}
			char what[96];
			snprintf(what, sizeof(what), "KVM_RUN: %s", strerror(e));
			return kvm_fatal(k, what);
		}
		k->run_valid = true;
		k->if_flag = k->run->if_flag;
		kvm_sync_apic_base(k);
		ret = kvm_exit_reason(k);
		if (ret == BACKEND_EXIT_SHUTDOWN) {
			kvm_timer_arm(&k->timer, 0);
			return ret;
		}
		if (ret == BACKEND_EXIT_STOP)
			return ret; /* fatal: reported, the machine stops */
	}
	kvm_complete_io(k);
	kvm_step(k, false);
	kvm_clock_sync(k);
	kvm_timer_arm(&k->timer, 0);
	return ret;
}

static void kvm_stop(void *priv)
{
	((struct kvm_accel *)priv)->stop_req = true;
}

void kvm_stats(void *priv, uint64_t *exits, uint64_t *io, uint64_t *mmio)
{
	struct kvm_accel *k = priv;
	*exits = k->exits;
	*io = k->io_exits;
	*mmio = k->mmio_exits;
}

void kvm_set_exit_budget(void *priv, uint64_t n)
{
	((struct kvm_accel *)priv)->exit_budget = n;
}

uint64_t kvm_exit_budget(void *priv)
{
	return ((struct kvm_accel *)priv)->exit_budget;
}

const struct backend_ops kvm_backend = {
	.name = "kvm",
	.create = kvm_create,
	.destroy = kvm_destroy,
	.reset = kvm_reset,
	.run = kvm_run_until,
	.stop = kvm_stop,
	.get_state = kvm_get_state,
	.set_state = kvm_set_state,
	.icount = kvm_icount,
	.activate = kvm_activate,
};
