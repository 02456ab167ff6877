/* accel/kvm_state.c and kvm_mem.c: the pure parts of the KVM backend
 * (no /dev/kvm needed). cpu_state -> KVM structs -> cpu_state must be the
 * identity for real-mode, protected-mode and V86 states. */
#include <criterion/criterion.h>
#include <string.h>

#include "accel/kvm.h"
#include "mmu/mem.h"

static struct cpu_segment seg(uint16_t sel, uint64_t base, uint32_t limit,
			      uint16_t attr)
{
	return (struct cpu_segment){ .base = base, .limit = limit, .sel = sel,
				     .attr = attr };
}

/* An 80-bit real: sign/exponent and 64-bit mantissa. */
static void f80(uint8_t r[10], uint16_t se, uint64_t mant)
{
	memcpy(r, &mant, 8);
	r[8] = (uint8_t)se;
	r[9] = (uint8_t)(se >> 8);
}

static void fpu_sample(struct cpu_fpu *f)
{
	memset(f, 0, sizeof(*f));
	f->fcw = 0x037f;
	f->fsw = 5u << 11 | 0x0020; /* TOP = 5, PE */
	/* Physical 5: valid 1.0; 6: zero; 7: infinity; the rest empty. */
	f80(f->st[5], 0x3fff, 1ull << 63);
	f80(f->st[6], 0, 0);
	f80(f->st[7], 0x7fff, 1ull << 63);
	f->ftw = 0xffff & ~(3u << 10) & ~(3u << 12) & ~(3u << 14);
	f->ftw |= 0u << 10 | 1u << 12 | 2u << 14;
	f->fop = 0x1d9;
	f->fip = 0x12345;
	f->fcs = 0x08;
	f->fdp = 0x6789a;
	f->fds = 0x10;
}

static void state_real(struct cpu_state *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < CPU_NSEG; i++)
		s->seg[i] = seg(0x1000 + i, 0x10000 + 0x10 * i, 0xffff, 0x93);
	s->seg[SEG_CS] = seg(0xf000, 0xf0000, 0xffff, 0x9b);
	s->ldtr = seg(0, 0, 0xffff, 0x82);
	s->tr = seg(0, 0, 0xffff, 0x8b);
	s->gdtr = (struct cpu_dtable){ 0, 0xffff };
	s->idtr = (struct cpu_dtable){ 0, 0x3ff };
	for (unsigned i = 0; i < 8; i++)
		s->gpr[i] = 0x11111111u * (i + 1);
	s->rip = 0xfff0;
	s->rflags = 0x2 | FLAG_IF | FLAG_ZF;
	s->cr0 = 0x60000010;
	s->dr[6] = 0xffff0ff0;
	s->dr[7] = 0x400;
	s->tsc = 123456789;
	s->fpu.fcw = 0x037f;
	s->fpu.ftw = 0xffff; /* all empty, as after FNINIT */
	s->events.intr_shadow = true;
}

static void state_protected(struct cpu_state *s)
{
	state_real(s);
	s->seg[SEG_CS] = seg(0x08, 0, 0xffffffff, 0xc9b);
	s->seg[SEG_SS] = seg(0x10, 0, 0xffffffff, 0xc93);
	s->seg[SEG_DS] = seg(0x23, 0x400000, 0xfffff, 0x4f3); /* DPL 3 */
	s->seg[SEG_ES] = seg(0, 0, 0, 0);                     /* null: unusable */
	s->seg[SEG_FS] = seg(0x30, 0x10000, 0xffff, 0x97);    /* expand-down */
	s->seg[SEG_GS] = seg(0x38, 0x12345678, 0x0fffffff, 0x193); /* AVL */
	s->ldtr = seg(0x40, 0x7800, 0x7f, 0x82);
	s->tr = seg(0x48, 0x4000, 0x2067, 0x8b);
	s->gdtr = (struct cpu_dtable){ 0x800, 0x4f };
	s->idtr = (struct cpu_dtable){ 0x1000, 0x7ff };
	s->cr0 = 0x80050033;
	s->cr2 = 0xdeadb000;
	s->cr3 = 0x9000;
	s->cr4 = 0x90;
	s->rip = 0xc0100000;
	s->dr[0] = 0x1000;
	s->dr[3] = 0x4000;
	s->dr[7] = 0x40f;
	s->nmsr = 3;
	s->msr[0] = (struct cpu_msr){ 0x1b, 0xfee00900 };
	s->msr[1] = (struct cpu_msr){ 0x174, 0x08 };
	s->msr[2] = (struct cpu_msr){ 0x2ff, 0xc06 };
	fpu_sample(&s->fpu);
	s->events = (struct cpu_events){ .nmi_pending = true,
					 .exception_pending = true,
					 .exception_vector = 14,
					 .has_error_code = true,
					 .error_code = 6 };
}

static void state_v86(struct cpu_state *s)
{
	state_protected(s);
	for (unsigned i = 0; i < CPU_NSEG; i++) {
		uint16_t sel = (uint16_t)(0x2000 + 0x100 * i);
		s->seg[i] = seg(sel, (uint64_t)sel << 4, 0xffff, 0xf3);
	}
	s->rflags = 0x2 | FLAG_VM | FLAG_IF | (3u << 12);
	s->rip = 0x100;
	s->events = (struct cpu_events){ .halted = true };
}

static void round_trip(const struct cpu_state *s)
{
	struct kvm_cpu_image img;
	struct cpu_state back;

	kvm_state_encode(s, &img);
	kvm_state_decode(&img, &back);
	for (unsigned i = 0; i < CPU_NSEG; i++)
		cr_assert(!memcmp(&s->seg[i], &back.seg[i], sizeof(back.seg[i])),
			  "segment %u: attr %#x came back %#x", i, s->seg[i].attr,
			  back.seg[i].attr);
	cr_assert(!memcmp(&s->fpu, &back.fpu, sizeof(back.fpu)), "x87 state");
	cr_assert(!memcmp(&s->events, &back.events, sizeof(back.events)),
		  "events");
	cr_assert_eq(back.nmsr, s->nmsr);
	cr_assert(!memcmp(s, &back, sizeof(back)), "whole state");
}

Test(kvm_state, real_mode_round_trip_is_identity)
{
	struct cpu_state s;
	state_real(&s);
	round_trip(&s);
}

Test(kvm_state, protected_mode_round_trip_is_identity)
{
	struct cpu_state s;
	state_protected(&s);
	round_trip(&s);
}

Test(kvm_state, v86_round_trip_is_identity)
{
	struct cpu_state s;
	state_v86(&s);
	round_trip(&s);
}

Test(kvm_state, segment_attr_unpacks_into_kvm_fields)
{
	struct cpu_segment c = seg(0x23, 0x400000, 0xfffff, 0xcf3);
	struct kvm_segment k;

	kvm_seg_encode(&c, &k);
	cr_assert_eq(k.type, 3);
	cr_assert_eq(k.s, 1);
	cr_assert_eq(k.dpl, 3);
	cr_assert_eq(k.present, 1);
	cr_assert_eq(k.db, 1);
	cr_assert_eq(k.g, 1);
	cr_assert_eq(k.l, 0);
	cr_assert_eq(k.avl, 0);
	cr_assert_eq(k.unusable, 0);
	c.attr = 0; /* a null selector's segment */
	kvm_seg_encode(&c, &k);
	cr_assert_eq(k.unusable, 1);
}

Test(kvm_state, fpu_goes_to_stack_order_with_the_abridged_tag)
{
	struct cpu_fpu f;
	struct kvm_fpu k;

	fpu_sample(&f);
	kvm_fpu_encode(&f, &k);
	/* TOP = 5: ST(0) is physical 5, ST(2) physical 7. */
	cr_assert(!memcmp(k.fpr[0], f.st[5], 10));
	cr_assert(!memcmp(k.fpr[2], f.st[7], 10));
	cr_assert_eq(k.ftwx, 0xe0);
	cr_assert_eq(k.last_ip, 0x12345 | 0x08ull << 32);
	cr_assert_eq(kvm_fpu_tag_of(f.st[5]), 0);
	cr_assert_eq(kvm_fpu_tag_of(f.st[6]), 1);
	cr_assert_eq(kvm_fpu_tag_of(f.st[7]), 2);
}

Test(kvm_state, msrs_carry_the_tsc_first_and_apic_base_in_sregs)
{
	struct cpu_state s;
	struct kvm_cpu_image img;

	state_protected(&s);
	kvm_state_encode(&s, &img);
	cr_assert_eq(img.msrs.hdr.nmsrs, 4);
	cr_assert_eq(img.msrs.e[0].index, 0x10);
	cr_assert_eq(img.msrs.e[0].data, 123456789);
	cr_assert_eq(img.sregs.apic_base, 0xfee00900);
	cr_assert_eq(img.events.nmi.pending, 1);
	cr_assert_eq(img.events.exception.nr, 14);
}

Test(kvm_mem, slots_follow_ram_rom_mmio_and_shadowing)
{
	char err[128];
	struct mem *m = mem_create(2 << 20, NULL, NULL, err, sizeof(err));
	static uint8_t rom[0x20000];
	struct kvm_slot s[16];

	cr_assert_not_null(m, "%s", err);
	cr_assert_eq(mem_add_mmio(m, 0xa0000, 0x20000, "vga"), 0);
	cr_assert_eq(mem_add_rom(m, 0xe0000, rom, sizeof(rom), "bios-low"), 0);
	cr_assert_eq(mem_add_rom(m, 0xfffe0000, rom, sizeof(rom), "bios"), 0);
	int n = kvm_mem_layout(m, s, 16);
	/* RAM below VGA, RAM C0000-DFFFF, the low BIOS (read-only), RAM
	 * from 1 MiB, the BIOS at the top (read-only). */
	cr_assert_eq(n, 5);
	cr_assert(s[0].gpa == 0 && s[0].size == 0xa0000 && !s[0].readonly);
	cr_assert(s[1].gpa == 0xc0000 && s[1].size == 0x20000 && !s[1].readonly);
	cr_assert(s[2].gpa == 0xe0000 && s[2].size == 0x20000 && s[2].readonly);
	cr_assert(s[3].gpa == 0x100000 && s[3].size == 0x100000 &&
		  s[3].host == m->ram + 0x100000 && !s[3].readonly);
	cr_assert(s[4].gpa == 0xfffe0000 && s[4].readonly);
	for (int i = 0; i < n; i++)
		cr_assert_eq((uintptr_t)s[i].host % MEM_PAGE_SIZE, 0);

	/* PAM: F0000 reads RAM, writes off -> a read-only RAM slot. */
	mem_set_shadow(m, 0xf0000, 0x10000, true, false);
	n = kvm_mem_layout(m, s, 16);
	cr_assert_eq(n, 6);
	cr_assert(s[3].gpa == 0xf0000 && s[3].host == m->ram + 0xf0000 &&
		  s[3].readonly);

	/* A20 off: the second megabyte shows the first. */
	mem_set_a20(m, false);
	n = kvm_mem_layout(m, s, 16);
	bool alias = false;
	for (int i = 0; i < n; i++)
		alias |= s[i].gpa == 0x100000 && s[i].host == m->ram;
	cr_assert(alias);
	cr_assert_eq(kvm_mem_layout(m, s, 2), -1);
	mem_destroy(m);
}
