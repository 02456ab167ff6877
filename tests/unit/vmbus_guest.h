/* tests/unit/vmbus_guest.h: a test that acts as a Hyper-V guest.
 *
 * Builds a CPU-less machine with the APIC board and --enlighten hyperv,
 * then talks to the host side only the way a guest can: WRMSR/RDMSR
 * through the CPU hooks, VMCALL through the hypercall hook (32-bit
 * convention), and guest RAM (SynIC pages, GPADL pages, rings).
 *
 * Guest RAM layout (1 MiB): hypercall page 0x1000, SIMP 0x2000, SIEFP
 * 0x3000, hypercall input 0x4000; rings from 0x10000 (out: header + 4
 * data pages, in: the same); data buffers from 0x30000.
 */
#ifndef LUCID_TESTS_VMBUS_GUEST_H
#define LUCID_TESTS_VMBUS_GUEST_H

#include "tests/unit/testbed.h"

#include <stdio.h>
#include <unistd.h>

#include "devices/lapic.h"
#include "vmbus/gpa.h"
#include "vmbus/hv.h"
#include "vmbus/ring.h"
#include "vmbus/storvsp.h"
#include "vmbus/vmbus.h"

#define G_HCALL 0x1000u
#define G_SIMP 0x2000u
#define G_SIEFP 0x3000u
#define G_INPUT 0x4000u
#define G_RING 0x10000u
#define G_RING_PAGES 10u  /* 5 out + 5 in */
#define G_RING_SPLIT 5u
#define G_DATA 0x30000u
#define G_VECTOR 0xf3
#define G_UD (~0ull)      /* vg_hypercall: the CPU would raise #UD */

struct vguest {
	struct machine *m;
	uint64_t next_tid;
	char img[2][64];
};

static inline uint64_t vg_rdmsr(struct vguest *g, uint32_t idx, bool *ok)
{
	uint64_t v = 0;
	bool r = g->m->cpu_hooks.rdmsr(g->m->cpu_hooks.opaque, idx, &v);
	if (ok)
		*ok = r;
	return v;
}

static inline bool vg_wrmsr(struct vguest *g, uint32_t idx, uint64_t v)
{
	return g->m->cpu_hooks.wrmsr(g->m->cpu_hooks.opaque, idx, v);
}

static inline void vg_cpuid(struct vguest *g, uint32_t leaf, uint32_t out[4])
{
	memset(out, 0, 4 * sizeof(out[0]));
	g->m->cpu_hooks.cpuid(g->m->cpu_hooks.opaque, leaf, 0, out);
}

/* A CPL-0 protected-mode state (cpl: SS.DPL), 32-bit convention. */
static inline uint64_t vg_hypercall_cpl(struct vguest *g, uint64_t control,
					uint64_t in, uint64_t out,
					unsigned cpl, bool pe)
{
	struct cpu_state s;
	memset(&s, 0, sizeof(s));
	s.cr0 = pe ? CR0_PE : 0;
	s.seg[SEG_SS].attr = (uint16_t)(0x93 | cpl << 5);
	s.seg[SEG_CS].attr = (uint16_t)(0x9b | cpl << 5 | 1u << 10);
	s.gpr[REG_DX] = control >> 32;
	s.gpr[REG_AX] = (uint32_t)control;
	s.gpr[REG_BX] = in >> 32;
	s.gpr[REG_CX] = (uint32_t)in;
	s.gpr[REG_DI] = out >> 32;
	s.gpr[REG_SI] = (uint32_t)out;
	if (!g->m->cpu_hooks.hypercall(g->m->cpu_hooks.opaque, &s))
		return G_UD;
	return s.gpr[REG_DX] << 32 | (uint32_t)s.gpr[REG_AX];
}

static inline uint64_t vg_hypercall(struct vguest *g, uint64_t control,
				    uint64_t in, uint64_t out)
{
	return vg_hypercall_cpl(g, control, in, out, 0, true);
}

static inline void vg_write(struct vguest *g, uint64_t gpa, const void *p,
			    size_t n)
{
	mem_write(g->m->mem, gpa, p, n);
}

static inline void vg_read(struct vguest *g, uint64_t gpa, void *p, size_t n)
{
	mem_read(g->m->mem, gpa, p, n);
}

static inline uint32_t vg_rd32(struct vguest *g, uint64_t gpa)
{
	uint8_t b[4];
	vg_read(g, gpa, b, 4);
	return get_le32(b);
}

static inline void vg_wr32(struct vguest *g, uint64_t gpa, uint32_t v)
{
	uint8_t b[4];
	put_le32(b, v);
	vg_write(g, gpa, b, 4);
}

/* A raw image of nsect sectors, sector i filled with (i * 7 + byte). */
static inline void vg_make_image(char *path, size_t len, uint64_t nsect)
{
	snprintf(path, len, "/tmp/lucid-vmbus-test-XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	uint8_t s[512];
	for (uint64_t i = 0; i < nsect; i++) {
		for (unsigned b = 0; b < 512; b++)
			s[b] = (uint8_t)(i * 7 + b);
		cr_assert_eq(write(fd, s, 512), 512);
	}
	close(fd);
}

/* ndisks images of 2048 sectors (1 MiB) each. */
static inline struct vguest *vg_new(unsigned ndisks)
{
	struct vguest *g = calloc(1, sizeof(*g));
	char err[256];

	cr_assert_not_null(g);
	g->m = testbed_new(100000);
	g->m->cfg.cpu = cpu_model_find("pentium2");
	g->m->cfg.no_acpi = true;
	g->m->cfg.enlighten = "hyperv";
	for (unsigned i = 0; i < ndisks; i++) {
		vg_make_image(g->img[i], sizeof(g->img[i]), 2048);
		g->m->cfg.vmbus_disk[i] = g->img[i];
	}
	cr_assert_eq(pc_build_apic(g->m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(pc_build_vmbus(g->m, err, sizeof(err)), 0, "%s", err);
	/* Software-enable the LAPIC so SINT vectors land in IRR. */
	bus_mmio_write(g->m->bus, LAPIC_DEFAULT_BASE + LAPIC_SVR, 0x1ff, 4);
	g->next_tid = 0x100;
	return g;
}

static inline void vg_free(struct vguest *g)
{
	testbed_free(g->m);
	for (unsigned i = 0; i < 2; i++)
		if (g->img[i][0])
			unlink(g->img[i]);
	free(g);
}

static inline bool vg_irr(struct vguest *g, unsigned v)
{
	uint32_t r = bus_mmio_read(g->m->bus, LAPIC_DEFAULT_BASE + LAPIC_IRR +
					    0x10 * (v >> 5), 4);
	return r >> (v & 31) & 1;
}

/* EOI the LAPIC's vector (clears IRR/ISR of our SINT for the next check). */
static inline void vg_clear_irq(struct vguest *g)
{
	struct lapic *l = g->m->lapic;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
}

/* What Linux's hv_init and hv_synic_init do. */
static inline void vg_setup_synic(struct vguest *g)
{
	cr_assert(vg_wrmsr(g, HV_MSR_GUEST_OS_ID, 0x8100ull << 48 | 0x60100ull << 16));
	cr_assert(vg_wrmsr(g, HV_MSR_HYPERCALL, G_HCALL | 1));
	cr_assert(vg_wrmsr(g, HV_MSR_SIMP, G_SIMP | 1));
	cr_assert(vg_wrmsr(g, HV_MSR_SIEFP, G_SIEFP | 1));
	cr_assert(vg_wrmsr(g, HV_MSR_SINT0 + VMBUS_SINT, G_VECTOR));
	cr_assert(vg_wrmsr(g, HV_MSR_SCONTROL, 1));
}

/* HvPostMessage of a channel message to connection conn. */
static inline uint16_t vg_post_conn(struct vguest *g, uint32_t conn,
				    const void *msg, uint32_t size)
{
	uint8_t in[256] = { 0 };
	put_le32(in, conn);
	put_le32(in + 8, 1);
	put_le32(in + 12, size);
	memcpy(in + 16, msg, size > 240 ? 240 : size);
	vg_write(g, G_INPUT, in, sizeof(in));
	return (uint16_t)vg_hypercall(g, HVCALL_POST_MESSAGE, G_INPUT, 0);
}

static inline uint16_t vg_post(struct vguest *g, const void *msg,
			       uint32_t size)
{
	return vg_post_conn(g, VMBUS_MESSAGE_CONN_ID, msg, size);
}

/* Take the SINT2 message (as vmbus_on_msg_dpc + vmbus_signal_eom):
 * its payload size, or -1 if the slot is empty. */
static inline int vg_recv(struct vguest *g, uint8_t *buf)
{
	uint64_t slot = G_SIMP + VMBUS_SINT * 256;
	uint8_t s[256];

	vg_read(g, slot, s, sizeof(s));
	if (!get_le32(s))
		return -1;
	memcpy(buf, s + 16, 240);
	vg_wr32(g, slot, 0);
	if (s[5] & 1)
		vg_wrmsr(g, HV_MSR_EOM, 0);
	return s[4];
}

static inline void vg_connect(struct vguest *g)
{
	uint8_t m[40] = { 0 }, r[240];
	put_le32(m, VMBUS_MSG_INITIATE_CONTACT);
	put_le32(m + 8, VMBUS_VERSION_WIN10);
	put_le64(m + 24, 0x5000);
	put_le64(m + 32, 0x6000);
	cr_assert_eq(vg_post(g, m, sizeof(m)), 0);
	cr_assert_eq(vg_recv(g, r), 16);
	cr_assert_eq(get_le32(r), VMBUS_MSG_VERSION_RESPONSE);
	cr_assert_eq(r[8], 1, "version 4.0 accepted");
}

/* A GPADL over npfn pages from pfn0 (HEADER + BODY messages as Linux
 * builds them); returns GPADL_CREATED's status. */
static inline uint32_t vg_gpadl_pfns(struct vguest *g, uint32_t id,
				     uint32_t relid, const uint64_t *pfns,
				     uint32_t npfn)
{
	uint8_t m[240] = { 0 }, r[240];
	uint32_t first = npfn < 26 ? npfn : 26, sent = first, msgno = 0;

	put_le32(m, VMBUS_MSG_GPADL_HEADER);
	put_le32(m + 8, relid);
	put_le32(m + 12, id);
	put_le16(m + 16, (uint16_t)(8 + 8 * npfn));
	put_le16(m + 18, 1);
	put_le32(m + 20, npfn * 4096);
	put_le32(m + 24, 0);
	for (uint32_t i = 0; i < first; i++)
		put_le64(m + 28 + 8 * i, pfns[i]);
	cr_assert_eq(vg_post(g, m, 28 + 8 * first), 0);
	while (sent < npfn) {
		uint32_t n = npfn - sent < 28 ? npfn - sent : 28;
		cr_assert_eq(vg_recv(g, r), -1, "no answer before the last body");
		memset(m, 0, sizeof(m));
		put_le32(m, VMBUS_MSG_GPADL_BODY);
		put_le32(m + 8, ++msgno);
		put_le32(m + 12, id);
		for (uint32_t i = 0; i < n; i++)
			put_le64(m + 16 + 8 * i, pfns[sent + i]);
		cr_assert_eq(vg_post(g, m, 16 + 8 * n), 0);
		sent += n;
	}
	cr_assert_eq(vg_recv(g, r), 20);
	cr_assert_eq(get_le32(r), VMBUS_MSG_GPADL_CREATED);
	cr_assert_eq(get_le32(r + 12), id);
	return get_le32(r + 16);
}

static inline uint32_t vg_gpadl(struct vguest *g, uint32_t id, uint32_t relid,
				uint64_t gpa, uint32_t npfn)
{
	uint64_t pfns[512];
	cr_assert(npfn <= 512);
	for (uint32_t i = 0; i < npfn; i++)
		pfns[i] = (gpa >> 12) + i;
	return vg_gpadl_pfns(g, id, relid, pfns, npfn);
}

/* Offers, the ring GPADL, OPENCHANNEL for relid 1, the only channel
 * offered (Linux's order). */
static inline void vg_open_first(struct vguest *g)
{
	uint8_t m[148] = { 0 }, r[240];

	vg_setup_synic(g);
	vg_connect(g);
	put_le32(m, VMBUS_MSG_REQUESTOFFERS);
	cr_assert_eq(vg_post(g, m, 8), 0);
	cr_assert_eq(vg_recv(g, r), VMBUS_OFFER_SIZE);
	cr_assert_eq(vg_recv(g, r), 8);
	/* Ring headers as hv_ringbuffer_init leaves them. */
	uint8_t zero[4096] = { 0 };
	for (unsigned p = 0; p < G_RING_PAGES; p++)
		vg_write(g, G_RING + 4096 * p, zero, sizeof(zero));
	vg_wr32(g, G_RING + RING_HDR_FEATURES, 1);
	vg_wr32(g, G_RING + G_RING_SPLIT * 4096 + RING_HDR_FEATURES, 1);
	cr_assert_eq(vg_gpadl(g, 0xe1e10, 1, G_RING, G_RING_PAGES), 0);
	memset(m, 0, sizeof(m));
	put_le32(m, VMBUS_MSG_OPENCHANNEL);
	put_le32(m + 8, 1);
	put_le32(m + 12, 1);
	put_le32(m + 16, 0xe1e10);
	put_le32(m + 24, G_RING_SPLIT);
	cr_assert_eq(vg_post(g, m, sizeof(m)), 0);
	cr_assert_eq(vg_recv(g, r), 20);
	cr_assert_eq(get_le32(r), VMBUS_MSG_OPENCHANNEL_RESULT);
	cr_assert_eq(get_le32(r + 16), 0, "channel opened");
}

/* --- the guest's side of the rings ------------------------------------- */

#define G_OUT_HDR G_RING
#define G_OUT_DATA (G_RING + 4096)
#define G_IN_HDR (G_RING + G_RING_SPLIT * 4096)
#define G_IN_DATA (G_IN_HDR + 4096)
#define G_RING_SIZE ((G_RING_SPLIT - 1) * 4096u)

static inline void vg_ring_put(struct vguest *g, uint64_t data, uint32_t *at,
			       const void *p, uint32_t n)
{
	const uint8_t *b = p;
	for (uint32_t i = 0; i < n; i++) {
		vg_write(g, data + *at, b + i, 1);
		*at = (*at + 1) % G_RING_SIZE;
	}
}

/* Write a packet into the guest->host ring and signal the channel. */
static inline void vg_send_full(struct vguest *g, uint16_t type,
				uint16_t flags, uint64_t tid, const void *hdr,
				uint32_t hdr_len, const void *payload,
				uint32_t len)
{
	uint32_t w = vg_rd32(g, G_OUT_HDR + RING_HDR_WRITE), at = w;
	uint32_t total = (16 + hdr_len + len + 7) & ~7u;
	uint8_t d[16], pad[8] = { 0 }, tr[8];

	put_le16(d, type);
	put_le16(d + 2, (uint16_t)((16 + hdr_len) / 8));
	put_le16(d + 4, (uint16_t)(total / 8));
	put_le16(d + 6, flags);
	put_le64(d + 8, tid);
	vg_ring_put(g, G_OUT_DATA, &at, d, 16);
	vg_ring_put(g, G_OUT_DATA, &at, hdr, hdr_len);
	vg_ring_put(g, G_OUT_DATA, &at, payload, len);
	vg_ring_put(g, G_OUT_DATA, &at, pad, total - 16 - hdr_len - len);
	put_le64(tr, (uint64_t)w << 32);
	vg_ring_put(g, G_OUT_DATA, &at, tr, 8);
	vg_wr32(g, G_OUT_HDR + RING_HDR_WRITE, at);
	/* HvSignalEvent, fast form: the channel's connection id. */
	cr_assert_eq(vg_hypercall(g, 0x1005d, VMBUS_CHAN_CONN_BASE + 1, 0), 0);
}

/* A request (completion asked for): its transaction id. */
static inline uint64_t vg_send(struct vguest *g, uint16_t type,
			       const void *hdr, uint32_t hdr_len,
			       const void *payload, uint32_t len)
{
	uint64_t tid = g->next_tid++;

	vg_send_full(g, type, VMPKT_FLAG_COMPLETION, tid, hdr, hdr_len,
		     payload, len);
	return tid;
}

/* Read one packet from the host->guest ring: payload into buf, its
 * length returned (-1 if empty); type and tid out. */
static inline int vg_take(struct vguest *g, uint8_t *buf, uint16_t *type,
			  uint64_t *tid)
{
	uint32_t w = vg_rd32(g, G_IN_HDR + RING_HDR_WRITE);
	uint32_t r = vg_rd32(g, G_IN_HDR + RING_HDR_READ);
	uint8_t d[16], pkt[4096];
	if (w == r)
		return -1;
	for (unsigned i = 0; i < 16; i++)
		vg_read(g, G_IN_DATA + (r + i) % G_RING_SIZE, d + i, 1);
	uint32_t off = get_le16(d + 2) * 8u, len = get_le16(d + 4) * 8u;
	cr_assert(len <= sizeof(pkt) && off <= len);
	for (uint32_t i = 0; i < len; i++)
		vg_read(g, G_IN_DATA + (r + i) % G_RING_SIZE, pkt + i, 1);
	*type = get_le16(d);
	*tid = get_le64(d + 8);
	memcpy(buf, pkt + off, len - off);
	vg_wr32(g, G_IN_HDR + RING_HDR_READ, (r + len + 8) % G_RING_SIZE);
	return (int)(len - off);
}

/* One vstor request and its completion (payload of 64 bytes). */
static inline void vg_vstor(struct vguest *g, const uint8_t *req, uint8_t *rep,
			    uint64_t data_gpa, uint32_t data_len)
{
	uint16_t type;
	uint64_t tid, sent;

	if (data_len) {
		uint8_t h[16 + 8 * 80] = { 0 };
		uint32_t npfn = (data_len + 4095) / 4096;
		put_le32(h + 4, 1);
		put_le32(h + 8, data_len);
		put_le32(h + 12, 0);
		for (uint32_t i = 0; i < npfn; i++)
			put_le64(h + 16 + 8 * i, (data_gpa >> 12) + i);
		sent = vg_send(g, VMPKT_GPA_DIRECT, h, (16 + 8 * npfn + 7) & ~7u,
			       req, STORVSP_PACKET);
	} else {
		sent = vg_send(g, VMPKT_INBAND, NULL, 0, req, STORVSP_PACKET);
	}
	cr_assert_eq(vg_take(g, rep, &type, &tid), STORVSP_PACKET);
	cr_assert_eq(type, VMPKT_COMPLETION);
	cr_assert_eq(tid, sent, "transaction id echoed");
}

static inline uint32_t vg_vstor_op(struct vguest *g, uint32_t op,
				   uint16_t version, uint8_t *rep)
{
	uint8_t req[STORVSP_PACKET] = { 0 };
	put_le32(req, op);
	put_le32(req + 4, 1);
	put_le16(req + 12, version);
	vg_vstor(g, req, rep, 0, 0);
	cr_assert_eq(get_le32(rep), VSTOR_COMPLETE_IO);
	return get_le32(rep + 8);
}

/* EXECUTE_SRB: cdb to (target 0, lun), data of len bytes at G_DATA. */
static inline void vg_srb(struct vguest *g, unsigned lun, const uint8_t *cdb,
			  unsigned cdb_len, int data_in, uint32_t len,
			  uint8_t *rep)
{
	uint8_t req[STORVSP_PACKET] = { 0 };
	put_le32(req, VSTOR_EXECUTE_SRB);
	put_le32(req + 4, 1);
	put_le16(req + 12, 0x34);
	req[12 + 7] = (uint8_t)lun;
	req[12 + 8] = (uint8_t)cdb_len;
	req[12 + 9] = 0x14;
	req[12 + 10] = (uint8_t)data_in;
	put_le32(req + 12 + 12, len);
	memcpy(req + 28, cdb, cdb_len);
	vg_vstor(g, req, rep, G_DATA, data_in == 2 ? 0 : len);
}

#endif
