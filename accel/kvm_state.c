/* accel/kvm_state.c: struct cpu_state <-> KVM's vCPU structs.
 *
 * Pure functions, so the round trip is unit-tested without /dev/kvm. What
 * does not map one to one:
 * - segment attr: cpu_state packs the access byte in bits 0-7 and
 *   AVL/L/DB/G in 8-11; KVM has a field per bit plus "unusable", which is
 *   !present (KVM itself derives present from unusable).
 * - x87: cpu_fpu holds registers in physical order with the full tag word;
 *   kvm_fpu (FXSAVE) holds them in stack order with the abridged tag, so the
 *   full tag is recomputed from the contents (as FSTENV does on hardware).
 *   FIP/FDP use the 32-bit FXSAVE layout: offset | selector << 32.
 * - pending events: the interrupt shadow travels as a MOV SS shadow (it
 *   blocks NMI too, as the interpreter's does); "halted" as the MP state.
 */
#include <string.h>

#include "accel/kvm.h"

#define MSR_TSC 0x10
#define MSR_APIC_BASE 0x1b

void kvm_seg_encode(const struct cpu_segment *c, struct kvm_segment *k)
{
	memset(k, 0, sizeof(*k));
	k->base = c->base;
	k->limit = c->limit;
	k->selector = c->sel;
	k->type = c->attr & 15;
	k->s = (c->attr >> 4) & 1;
	k->dpl = (c->attr >> 5) & 3;
	k->present = (c->attr >> 7) & 1;
	k->avl = (c->attr >> 8) & 1;
	k->l = (c->attr >> 9) & 1;
	k->db = (c->attr >> 10) & 1;
	k->g = (c->attr >> 11) & 1;
	k->unusable = !k->present;
}

void kvm_seg_decode(const struct kvm_segment *k, struct cpu_segment *c)
{
	c->base = k->base;
	c->limit = k->limit;
	c->sel = k->selector;
	c->attr = (uint16_t)((k->type & 15) | (k->s & 1) << 4 |
			     (k->dpl & 3) << 5 | (!k->unusable && k->present) << 7 |
			     (k->avl & 1) << 8 | (k->l & 1) << 9 |
			     (k->db & 1) << 10 | (k->g & 1) << 11);
}

unsigned kvm_fpu_tag_of(const uint8_t reg[10])
{
	unsigned exp = (unsigned)(reg[9] & 0x7f) << 8 | reg[8];
	uint64_t mant;

	memcpy(&mant, reg, 8);
	if (exp == 0x7fff)
		return 2; /* infinity, NaN */
	if (exp == 0)
		return mant ? 2 : 1; /* denormal : zero */
	return mant >> 63 ? 0 : 2; /* valid : unnormal */
}

void kvm_fpu_encode(const struct cpu_fpu *c, struct kvm_fpu *k)
{
	unsigned top = (c->fsw >> 11) & 7;

	memset(k, 0, sizeof(*k));
	for (unsigned i = 0; i < 8; i++)
		memcpy(k->fpr[i], c->st[(top + i) & 7], 10);
	k->fcw = c->fcw;
	k->fsw = c->fsw;
	for (unsigned p = 0; p < 8; p++)
		if (((c->ftw >> (2 * p)) & 3) != 3)
			k->ftwx |= (uint8_t)(1u << p);
	k->last_opcode = c->fop;
	k->last_ip = (uint32_t)c->fip | (uint64_t)c->fcs << 32;
	k->last_dp = (uint32_t)c->fdp | (uint64_t)c->fds << 32;
	k->mxcsr = 0x1f80; /* reset value; cpu_state has no SSE yet */
}

void kvm_fpu_decode(const struct kvm_fpu *k, struct cpu_fpu *c)
{
	unsigned top = (k->fsw >> 11) & 7;

	memset(c, 0, sizeof(*c));
	for (unsigned i = 0; i < 8; i++)
		memcpy(c->st[(top + i) & 7], k->fpr[i], 10);
	c->fcw = k->fcw;
	c->fsw = k->fsw;
	for (unsigned p = 0; p < 8; p++) {
		unsigned tag = (k->ftwx >> p) & 1 ? kvm_fpu_tag_of(c->st[p]) : 3;
		c->ftw |= (uint16_t)(tag << (2 * p));
	}
	c->fop = k->last_opcode;
	c->fip = (uint32_t)k->last_ip;
	c->fcs = (uint16_t)(k->last_ip >> 32);
	c->fdp = (uint32_t)k->last_dp;
	c->fds = (uint16_t)(k->last_dp >> 32);
}

static void regs_encode(const struct cpu_state *s, struct kvm_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rax = s->gpr[REG_AX];
	r->rcx = s->gpr[REG_CX];
	r->rdx = s->gpr[REG_DX];
	r->rbx = s->gpr[REG_BX];
	r->rsp = s->gpr[REG_SP];
	r->rbp = s->gpr[REG_BP];
	r->rsi = s->gpr[REG_SI];
	r->rdi = s->gpr[REG_DI];
	r->r8 = s->gpr[REG_R8];
	r->r9 = s->gpr[REG_R9];
	r->r10 = s->gpr[REG_R10];
	r->r11 = s->gpr[REG_R11];
	r->r12 = s->gpr[REG_R12];
	r->r13 = s->gpr[REG_R13];
	r->r14 = s->gpr[REG_R14];
	r->r15 = s->gpr[REG_R15];
	r->rip = s->rip;
	r->rflags = s->rflags | 2; /* bit 1 is always one */
}

static void regs_decode(const struct kvm_regs *r, struct cpu_state *s)
{
	s->gpr[REG_AX] = r->rax;
	s->gpr[REG_CX] = r->rcx;
	s->gpr[REG_DX] = r->rdx;
	s->gpr[REG_BX] = r->rbx;
	s->gpr[REG_SP] = r->rsp;
	s->gpr[REG_BP] = r->rbp;
	s->gpr[REG_SI] = r->rsi;
	s->gpr[REG_DI] = r->rdi;
	s->gpr[REG_R8] = r->r8;
	s->gpr[REG_R9] = r->r9;
	s->gpr[REG_R10] = r->r10;
	s->gpr[REG_R11] = r->r11;
	s->gpr[REG_R12] = r->r12;
	s->gpr[REG_R13] = r->r13;
	s->gpr[REG_R14] = r->r14;
	s->gpr[REG_R15] = r->r15;
	s->rip = r->rip;
	s->rflags = r->rflags;
}

/* kvm_sregs names segments; cpu_state numbers them in ModR/M order. */
static struct kvm_segment *sreg_of(struct kvm_sregs *sr, unsigned seg)
{
	switch (seg) {
	case SEG_ES: return &sr->es;
	case SEG_CS: return &sr->cs;
	case SEG_SS: return &sr->ss;
	case SEG_DS: return &sr->ds;
	case SEG_FS: return &sr->fs;
	default: return &sr->gs;
	}
}

static uint64_t apic_base_of(const struct cpu_state *s)
{
	for (unsigned i = 0; i < s->nmsr && i < CPU_NMSR; i++)
		if (s->msr[i].index == MSR_APIC_BASE)
			return s->msr[i].value;
	return 0;
}

void kvm_state_encode(const struct cpu_state *s, struct kvm_cpu_image *img)
{
	struct kvm_sregs *sr = &img->sregs;

	memset(img, 0, sizeof(*img));
	regs_encode(s, &img->regs);
	for (unsigned i = 0; i < CPU_NSEG; i++)
		kvm_seg_encode(&s->seg[i], sreg_of(sr, i));
	kvm_seg_encode(&s->ldtr, &sr->ldt);
	kvm_seg_encode(&s->tr, &sr->tr);
	sr->gdt.base = s->gdtr.base;
	sr->gdt.limit = (uint16_t)s->gdtr.limit;
	sr->idt.base = s->idtr.base;
	sr->idt.limit = (uint16_t)s->idtr.limit;
	sr->cr0 = s->cr0;
	sr->cr2 = s->cr2;
	sr->cr3 = s->cr3;
	sr->cr4 = s->cr4;
	sr->cr8 = s->cr8;
	sr->efer = s->efer;
	sr->apic_base = apic_base_of(s);

	kvm_fpu_encode(&s->fpu, &img->fpu);

	for (unsigned i = 0; i < 4; i++)
		img->dregs.db[i] = s->dr[i];
	img->dregs.dr6 = s->dr[6];
	img->dregs.dr7 = s->dr[7];

	/* The TSC first, then the model's MSRs in their order. */
	unsigned n = 0;
	img->msrs.e[n++] = (struct kvm_msr_entry){ .index = MSR_TSC,
						   .data = s->tsc };
	for (unsigned i = 0; i < s->nmsr && i < CPU_NMSR; i++)
		img->msrs.e[n++] = (struct kvm_msr_entry){
			.index = s->msr[i].index, .data = s->msr[i].value };
	img->msrs.hdr.nmsrs = n;

	struct kvm_vcpu_events *ev = &img->events;
	const struct cpu_events *ce = &s->events;
	ev->exception.injected = ce->exception_pending;
	ev->exception.nr = ce->exception_vector;
	ev->exception.has_error_code = ce->has_error_code;
	ev->exception.error_code = ce->error_code;
	ev->interrupt.shadow = ce->intr_shadow ? KVM_X86_SHADOW_INT_MOV_SS : 0;
	ev->nmi.pending = ce->nmi_pending;
	ev->nmi.masked = ce->nmi_masked;
	ev->flags = KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_NMI_PENDING;
	img->mp.mp_state = ce->halted ? KVM_MP_STATE_HALTED
				      : KVM_MP_STATE_RUNNABLE;
}

void kvm_state_decode(const struct kvm_cpu_image *img, struct cpu_state *s)
{
	struct kvm_sregs sr = img->sregs;

	memset(s, 0, sizeof(*s));
	regs_decode(&img->regs, s);
	for (unsigned i = 0; i < CPU_NSEG; i++)
		kvm_seg_decode(sreg_of(&sr, i), &s->seg[i]);
	kvm_seg_decode(&sr.ldt, &s->ldtr);
	kvm_seg_decode(&sr.tr, &s->tr);
	s->gdtr.base = sr.gdt.base;
	s->gdtr.limit = sr.gdt.limit;
	s->idtr.base = sr.idt.base;
	s->idtr.limit = sr.idt.limit;
	s->cr0 = sr.cr0;
	s->cr2 = sr.cr2;
	s->cr3 = sr.cr3;
	s->cr4 = sr.cr4;
	s->cr8 = sr.cr8;
	s->efer = sr.efer;

	kvm_fpu_decode(&img->fpu, &s->fpu);

	for (unsigned i = 0; i < 4; i++)
		s->dr[i] = img->dregs.db[i];
	s->dr[6] = img->dregs.dr6;
	s->dr[7] = img->dregs.dr7;

	for (unsigned i = 0; i < img->msrs.hdr.nmsrs && i < KVM_STATE_MAX_MSRS;
	     i++) {
		const struct kvm_msr_entry *e = &img->msrs.e[i];
		if (e->index == MSR_TSC) {
			s->tsc = e->data;
			continue;
		}
		if (s->nmsr == CPU_NMSR)
			break;
		s->msr[s->nmsr].index = e->index;
		/* sregs and the MSR list both carry APIC_BASE: the guest's
		 * last write is in both; sregs is the one KVM defines. */
		s->msr[s->nmsr].value = e->index == MSR_APIC_BASE ? sr.apic_base
								   : e->data;
		s->nmsr++;
	}

	const struct kvm_vcpu_events *ev = &img->events;
	struct cpu_events *ce = &s->events;
	ce->exception_pending = ev->exception.injected || ev->exception.pending;
	ce->exception_vector = ev->exception.nr;
	ce->has_error_code = ev->exception.has_error_code;
	ce->error_code = ev->exception.error_code;
	ce->intr_shadow = ev->interrupt.shadow != 0;
	ce->nmi_pending = ev->nmi.pending || ev->nmi.injected;
	ce->nmi_masked = ev->nmi.masked;
	ce->halted = img->mp.mp_state == KVM_MP_STATE_HALTED;
}
