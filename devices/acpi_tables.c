/* devices/acpi_tables.c: building, linking and delivering the ACPI tables
 * (ACPI spec 5.2: RSDP, RSDT, FADT, FACS, MADT; the DSDT through aml.c). */
#include "devices/acpi_tables.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/machine.h"
#include "core/util.h"
#include "devices/fw_cfg.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "devices/pci.h"
#include "devices/piix.h"
#include "devices/piix_pm.h"
#include "mmu/mem.h"

#define HDR_LEN 36
#define FADT_LEN 244
#define FACS_LEN 64

/* PIIX3 PIRQA-D as SeaBIOS programs them (and a direct boot does). */
static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };

uint8_t acpi_sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	while (len--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Append a table: header + body, checksummed (pointers inside hold blob
 * offsets, so the checksum is right for the blob as it stands). Returns
 * the table's offset. */
static uint32_t add_table(struct aml *blob, const char *sig, uint8_t rev,
			  const uint8_t *body, size_t len)
{
	uint8_t h[HDR_LEN] = { 0 };
	uint32_t off = (uint32_t)blob->len;

	memcpy(h, sig, 4);
	put_le(h + 4, HDR_LEN + len, 4);
	h[8] = rev;
	memcpy(h + 10, "LUCID ", 6);
	memcpy(h + 16, "LUCIDPC ", 8);
	put_le(h + 24, 1, 4);
	memcpy(h + 28, "LUCD", 4);
	put_le(h + 32, 1, 4);
	aml_bytes(blob, h, HDR_LEN);
	aml_bytes(blob, body, len);
	blob->buf[off + 9] = (uint8_t)-acpi_sum(blob->buf + off, HDR_LEN + len);
	return off;
}

static void align_to(struct aml *blob, size_t align)
{
	while (blob->len % align)
		aml_byte(blob, 0);
}

/* --- DSDT ----------------------------------------------------------------- */

static void dev_hid_crs(struct aml *scope, const char *name, const char *hid,
			unsigned uid, const struct aml *res)
{
	struct aml d;

	aml_init(&d);
	aml_name_decl(&d, "_HID");
	aml_eisaid(&d, hid);
	if (uid) {
		aml_name_decl(&d, "_UID");
		aml_int(&d, uid);
	}
	aml_name_decl(&d, "_CRS");
	aml_restemplate(&d, res);
	aml_device(scope, name, &d);
	aml_free(&d);
}

static void dsdt_isa(struct aml *pci)
{
	struct aml isa, r;

	aml_init(&isa);
	aml_name_decl(&isa, "_ADR");
	aml_int(&isa, 0x00010000); /* 00:01.0 */

	aml_init(&r);
	res_io(&r, 0x60, 0x60, 1, 1);
	res_io(&r, 0x64, 0x64, 1, 1);
	res_irq_noflags(&r, 1u << 1);
	dev_hid_crs(&isa, "KBD", "PNP0303", 0, &r);
	r.len = 0;
	res_io(&r, 0x70, 0x70, 1, 2);
	res_irq_noflags(&r, 1u << 8);
	dev_hid_crs(&isa, "RTC", "PNP0B00", 0, &r);
	r.len = 0;
	res_io(&r, 0x3f8, 0x3f8, 1, 8);
	res_irq_noflags(&r, 1u << 4);
	dev_hid_crs(&isa, "COM1", "PNP0501", 1, &r);
	aml_free(&r);
	aml_device(pci, "ISA", &isa);
	aml_free(&isa);
}

/* PCI interrupt links: fixed at SeaBIOS's routing, level/active-high as
 * the IOAPIC and MADT overrides expect. _SRS accepts and keeps it. */
static void dsdt_link(struct aml *sb, unsigned i)
{
	struct aml d, r, m;
	char name[5] = "LNKA";

	name[3] = (char)('A' + i);
	aml_init(&d);
	aml_init(&r);
	aml_init(&m);
	aml_name_decl(&d, "_HID");
	aml_eisaid(&d, "PNP0C0F");
	aml_name_decl(&d, "_UID");
	aml_int(&d, i + 1);
	res_ext_irq(&r, true, false, true, pirq_irq[i]);
	aml_name_decl(&d, "_PRS");
	aml_restemplate(&d, &r);
	aml_name_decl(&d, "_CRS");
	aml_restemplate(&d, &r);
	aml_return(&m);
	aml_int(&m, 0x0b); /* present, enabled, functioning */
	aml_method(&d, "_STA", 0, false, &m);
	m.len = 0;
	aml_method(&d, "_SRS", 1, false, &m);
	aml_method(&d, "_DIS", 0, false, &m);
	aml_device(sb, name, &d);
	aml_free(&d);
	aml_free(&r);
	aml_free(&m);
}

static void dsdt_prt(struct aml *pci)
{
	struct aml all, e;
	unsigned n = 0;

	aml_init(&all);
	aml_init(&e);
	for (unsigned slot = 1; slot < 32; slot++)
		for (unsigned pin = 0; pin < 4; pin++, n++) {
			char link[5] = "LNKA";
			/* i440FX swizzle (devices/pci.c): slot 1 INTA = A. */
			link[3] = (char)('A' + ((slot + pin - 1) & 3u));
			e.len = 0;
			aml_int(&e, (uint64_t)slot << 16 | 0xffff);
			aml_int(&e, pin);
			aml_name(&e, link);
			aml_int(&e, 0);
			aml_package(&all, 4, &e);
		}
	/* More than 255 elements would need VarPackage; 124 fit. */
	aml_name_decl(pci, "_PRT");
	aml_package(pci, n, &all);
	aml_free(&all);
	aml_free(&e);
}

/* Hyper-V's VMBus: Linux's hv_vmbus binds to _HID "VMBus". On x86 the
 * VMBus interrupt is the fixed vector 0xF3 through the local APIC and any
 * IRQ in _CRS is ignored, so it stays empty (no line is taken from ISA or
 * PCI devices). */
static void dsdt_vmbus(struct aml *sb)
{
	struct aml d, r;

	aml_init(&d);
	aml_init(&r);
	aml_name_decl(&d, "_HID");
	aml_string(&d, "VMBus");
	aml_name_decl(&d, "_UID");
	aml_int(&d, 0);
	aml_name_decl(&d, "_STA");
	aml_int(&d, 0x0f);
	aml_name_decl(&d, "_CRS");
	aml_restemplate(&d, &r);
	aml_device(sb, "VMBS", &d);
	aml_free(&d);
	aml_free(&r);
}

static void build_dsdt(struct aml *out, const struct acpi_config *cfg)
{
	struct aml sb, pci, r, s5;
	uint64_t hole = cfg->ram_below_4g < 0x100000 ? 0x100000
						      : cfg->ram_below_4g;

	aml_init(&sb);
	aml_init(&pci);
	aml_init(&r);
	aml_init(&s5);

	aml_name_decl(&pci, "_HID");
	aml_eisaid(&pci, "PNP0A03");
	aml_name_decl(&pci, "_ADR");
	aml_int(&pci, 0);
	aml_name_decl(&pci, "_UID");
	aml_int(&pci, 0);
	res_word_bus(&r, 0, 0xff);
	res_io(&r, 0xcf8, 0xcf8, 1, 8);
	res_word_io(&r, 0x0000, 0x0cf7);
	res_word_io(&r, 0x0d00, 0xffff);
	res_dword_mem(&r, true, 0x000a0000, 0x000bffff);
	if (hole < IOAPIC_BASE)
		res_dword_mem(&r, false, (uint32_t)hole, IOAPIC_BASE - 1);
	aml_name_decl(&pci, "_CRS");
	aml_restemplate(&pci, &r);
	dsdt_prt(&pci);
	dsdt_isa(&pci);
	aml_device(&sb, "PCI0", &pci);
	for (unsigned i = 0; i < 4; i++)
		dsdt_link(&sb, i);
	if (cfg->vmbus)
		dsdt_vmbus(&sb);
	aml_scope(out, "\\_SB", &sb);

	/* S5: SLP_TYP 0 on the PIIX4 (devices/piix_pm.c). */
	for (unsigned i = 0; i < 4; i++)
		aml_int(&s5, 0);
	aml_name_decl(out, "\\_S5");
	aml_package(out, 4, &s5);

	aml_free(&sb);
	aml_free(&pci);
	aml_free(&r);
	aml_free(&s5);
}

/* --- fixed tables ----------------------------------------------------------- */

static void gas_io(uint8_t *g, unsigned bits, uint64_t port)
{
	g[0] = 1; /* system I/O */
	g[1] = (uint8_t)bits;
	g[2] = 0;
	g[3] = bits >= 32 ? 3 : bits >= 16 ? 2 : 1;
	put_le(g + 4, port, 8);
}

static void build_fadt(uint8_t *f, const struct acpi_config *cfg,
		       uint32_t facs, uint32_t dsdt)
{
	uint16_t pm = cfg->pm_base;
	uint8_t *b = f - HDR_LEN; /* offsets below are the spec's */

	memset(f, 0, FADT_LEN - HDR_LEN);
	put_le(b + 36, facs, 4);
	put_le(b + 40, dsdt, 4);
	put_le(b + 46, ACPI_SCI_IRQ, 2);
	put_le(b + 48, APM_CNT_PORT, 4);
	b[52] = APM_ACPI_ENABLE;
	b[53] = APM_ACPI_DISABLE;
	put_le(b + 56, pm + PM1_STS, 4);  /* PM1a_EVT_BLK */
	put_le(b + 64, pm + PM1_CNT, 4);  /* PM1a_CNT_BLK */
	put_le(b + 76, pm + PM_TMR, 4);   /* PM_TMR_BLK */
	put_le(b + 80, pm + PM_GPE0_STS, 4); /* GPE0_BLK */
	b[88] = 4;                        /* PM1_EVT_LEN */
	b[89] = 2;                        /* PM1_CNT_LEN */
	b[91] = 4;                        /* PM_TMR_LEN */
	b[92] = 4;                        /* GPE0_BLK_LEN */
	put_le(b + 96, 0x0fff, 2);        /* P_LVL2_LAT: no C2 */
	put_le(b + 98, 0x0fff, 2);        /* P_LVL3_LAT: no C3 */
	b[108] = 0x32;                    /* CENTURY: CMOS index */
	put_le(b + 109, 0x0003, 2);       /* IAPC_BOOT_ARCH: legacy, 8042 */
	/* WBINVD, PROC_C1, SLP_BUTTON (none: the power button is the fixed
	 * PM1 one), RESET_REG_SUP. A 24-bit PM timer (no TMR_VAL_EXT). */
	put_le(b + 112, 0x1u | 0x4u | 0x20u | 0x400u, 4);
	gas_io(b + 116, 8, ACPI_RESET_PORT);
	b[128] = ACPI_RESET_VALUE;
}

static void build_madt(struct aml *m)
{
	static const uint8_t pci_irqs[] = { 5, 9, 10, 11 };

	aml_le(m, LAPIC_DEFAULT_BASE, 4);
	aml_le(m, 1, 4);                  /* PCAT_COMPAT: 8259s present */
	/* Processor local APIC: UID 0, APIC ID 0, enabled. */
	aml_bytes(m, "\x00\x08\x00\x00\x01\x00\x00\x00", 8);
	/* I/O APIC: ID 0 (as QEMU), address, GSI base 0. */
	aml_byte(m, 1), aml_byte(m, 12), aml_byte(m, 0), aml_byte(m, 0);
	aml_le(m, IOAPIC_BASE, 4);
	aml_le(m, 0, 4);
	/* ISA IRQ0 is GSI 2; the PCI/SCI IRQs are level, active-high. */
	aml_bytes(m, "\x02\x0a\x00\x00", 4), aml_le(m, 2, 4), aml_le(m, 0, 2);
	for (unsigned i = 0; i < sizeof(pci_irqs); i++) {
		aml_byte(m, 2), aml_byte(m, 10), aml_byte(m, 0);
		aml_byte(m, pci_irqs[i]);
		aml_le(m, pci_irqs[i], 4);
		aml_le(m, 0x000d, 2);
	}
	/* Local APIC NMI: every processor, LINT1. */
	aml_bytes(m, "\x04\x06\xff\x00\x00\x01", 6);
}

/* 128-byte loader entries. */
static void loader_entry(struct aml *l, uint32_t cmd, const char *a,
			 const char *b, const uint32_t *words, unsigned nwords,
			 uint8_t last)
{
	uint8_t e[ACPI_LOADER_ENTRY] = { 0 };
	uint8_t *p = e + 4;

	put_le(e, cmd, 4);
	strncpy((char *)p, a, ACPI_LOADER_FNAME - 1);
	p += ACPI_LOADER_FNAME;
	if (b) {
		strncpy((char *)p, b, ACPI_LOADER_FNAME - 1);
		p += ACPI_LOADER_FNAME;
	}
	for (unsigned i = 0; i < nwords; i++, p += 4)
		put_le(p, words[i], 4);
	*p = last;
	aml_bytes(l, e, sizeof(e));
}

static void loader_alloc(struct aml *l, const char *file, uint32_t align,
			 uint8_t zone)
{
	loader_entry(l, ACPI_LOADER_ALLOCATE, file, NULL, &align, 1, zone);
}

static void loader_pointer(struct aml *l, const char *dst, const char *src,
			   uint32_t off, uint8_t size)
{
	loader_entry(l, ACPI_LOADER_ADD_POINTER, dst, src, &off, 1, size);
}

/* The table's checksum byte: 9 in a table header, 8 in the RSDP. */
static void loader_checksum(struct aml *l, const char *file, uint32_t sum_off,
			    uint32_t start, uint32_t len)
{
	const uint32_t w[3] = { sum_off, start, len };
	loader_entry(l, ACPI_LOADER_ADD_CHECKSUM, file, NULL, w, 3, 0);
}

void acpi_build(struct acpi_build *b, const struct acpi_config *cfg)
{
	struct aml *t = &b->tables, body;
	uint8_t fadt[FADT_LEN - HDR_LEN], facs[FACS_LEN] = { 0 };

	memset(b, 0, sizeof(*b));
	aml_init(&body);

	/* FACS: no checksum; 64-byte aligned (offset 0 of a 64-aligned blob). */
	b->facs = 0;
	memcpy(facs, "FACS", 4);
	put_le(facs + 4, FACS_LEN, 4);
	facs[32] = 1; /* version */
	aml_bytes(t, facs, sizeof(facs));

	build_dsdt(&body, cfg);
	b->dsdt = add_table(t, "DSDT", 1, body.buf, body.len);
	aml_free(&body);

	align_to(t, 4);
	build_fadt(fadt, cfg, b->facs, b->dsdt);
	b->fadt = add_table(t, "FACP", 3, fadt, sizeof(fadt));

	align_to(t, 4);
	aml_init(&body);
	build_madt(&body);
	b->madt = add_table(t, "APIC", 1, body.buf, body.len);
	aml_free(&body);

	align_to(t, 4);
	aml_init(&body);
	aml_le(&body, b->fadt, 4);
	aml_le(&body, b->madt, 4);
	b->rsdt = add_table(t, "RSDT", 1, body.buf, body.len);
	aml_free(&body);

	/* RSDP v0 (ACPI 1.0 layout, 20 bytes). */
	uint8_t rsdp[20] = { 0 };
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "LUCID ", 6);
	put_le(rsdp + 16, b->rsdt, 4);
	rsdp[8] = (uint8_t)-acpi_sum(rsdp, sizeof(rsdp));
	aml_bytes(&b->rsdp, rsdp, sizeof(rsdp));

	struct aml *l = &b->loader;
	loader_alloc(l, ACPI_FILE_RSDP, 16, ACPI_LOADER_ZONE_FSEG);
	loader_alloc(l, ACPI_FILE_TABLES, 64, ACPI_LOADER_ZONE_HIGH);
	loader_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, b->fadt + 36, 4);
	loader_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, b->fadt + 40, 4);
	loader_checksum(l, ACPI_FILE_TABLES, b->fadt + 9, b->fadt, FADT_LEN);
	loader_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, b->rsdt + 36, 4);
	loader_pointer(l, ACPI_FILE_TABLES, ACPI_FILE_TABLES, b->rsdt + 40, 4);
	loader_checksum(l, ACPI_FILE_TABLES, b->rsdt + 9, b->rsdt, HDR_LEN + 8);
	loader_pointer(l, ACPI_FILE_RSDP, ACPI_FILE_TABLES, 16, 4);
	loader_checksum(l, ACPI_FILE_RSDP, 8, 0, 20);
}

void acpi_build_free(struct acpi_build *b)
{
	aml_free(&b->tables);
	aml_free(&b->rsdp);
	aml_free(&b->loader);
}

/* --- the loader, run by us ------------------------------------------------ */

static struct acpi_file *loader_file(struct acpi_file *f, unsigned n,
				     const uint8_t *name)
{
	char s[ACPI_LOADER_FNAME + 1];

	memcpy(s, name, ACPI_LOADER_FNAME);
	s[ACPI_LOADER_FNAME] = 0;
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(f[i].name, s))
			return &f[i];
	return NULL;
}

int acpi_loader_run(const uint8_t *script, size_t len, struct acpi_file *f,
		    unsigned nfiles)
{
	if (len % ACPI_LOADER_ENTRY)
		return -1;
	for (const uint8_t *e = script; e < script + len; e += ACPI_LOADER_ENTRY) {
		const uint8_t *a = e + 4, *b = a + ACPI_LOADER_FNAME;
		struct acpi_file *fa = loader_file(f, nfiles, a);
		uint32_t cmd = (uint32_t)get_le(e, 4);

		if (cmd == ACPI_LOADER_ALLOCATE) {
			if (!fa)
				return -1;
		} else if (cmd == ACPI_LOADER_ADD_POINTER) {
			struct acpi_file *fb = loader_file(f, nfiles, b);
			uint32_t off = (uint32_t)get_le(b + ACPI_LOADER_FNAME, 4);
			uint8_t size = b[ACPI_LOADER_FNAME + 4];
			if (!fa || !fb || (size != 1 && size != 2 && size != 4 &&
					   size != 8) ||
			    off > fa->len || size > fa->len - off)
				return -1;
			uint64_t v = get_le(fa->data + off, size) + fb->addr;
			put_le(fa->data + off, v, size);
		} else if (cmd == ACPI_LOADER_ADD_CHECKSUM) {
			uint32_t off = (uint32_t)get_le(b, 4);
			uint32_t start = (uint32_t)get_le(b + 4, 4);
			uint32_t n = (uint32_t)get_le(b + 8, 4);
			if (!fa || off >= fa->len || start > fa->len ||
			    n > fa->len - start)
				return -1;
			fa->data[off] = (uint8_t)(fa->data[off] -
						  acpi_sum(fa->data + start, n));
		} else if (cmd) {
			return -1; /* WRITE_POINTER and later: not ours */
		}
	}
	return 0;
}

/* Link a build for tables at `tables` and the RSDP at `rsdp`. */
static int acpi_link(struct acpi_build *b, uint64_t tables, uint64_t rsdp)
{
	struct acpi_file f[2] = {
		{ ACPI_FILE_RSDP, b->rsdp.buf, b->rsdp.len, rsdp },
		{ ACPI_FILE_TABLES, b->tables.buf, b->tables.len, tables },
	};
	return acpi_loader_run(b->loader.buf, b->loader.len, f, 2);
}

static void acpi_config_of(struct machine *m, struct acpi_config *cfg)
{
	cfg->ram_below_4g = m->mem->ram_size;
	cfg->pm_base = ACPI_PM_BASE;
	cfg->vmbus = m->cfg.enlighten && !strcmp(m->cfg.enlighten, "hyperv");
}

/* --- delivery ---------------------------------------------------------- */

void acpi_install_fw_cfg(struct machine *m, struct fw_cfg *fw)
{
	struct acpi_config cfg;
	struct acpi_build b;

	acpi_config_of(m, &cfg);
	acpi_build(&b, &cfg);
	fw_cfg_add_file(fw, ACPI_FILE_TABLES, b.tables.buf, b.tables.len);
	fw_cfg_add_file(fw, ACPI_FILE_RSDP, b.rsdp.buf, b.rsdp.len);
	fw_cfg_add_file(fw, ACPI_FILE_LOADER, b.loader.buf, b.loader.len);
	acpi_build_free(&b);
}

struct acpi_direct {
	struct machine *m;
	struct acpi_build b; /* linked */
};

/* At every reset (after the PIIX devices'): tables into RAM, and the PM
 * block and PIRQ routing a BIOS would have set up. */
static void acpi_direct_reset(void *opaque)
{
	struct acpi_direct *d = opaque;
	struct machine *m = d->m;
	uint8_t ebda[2] = { ACPI_DIRECT_RSDP >> 4 & 0xff, ACPI_DIRECT_RSDP >> 12 };

	mem_load(m->mem, m->acpi_base, d->b.tables.buf, d->b.tables.len);
	mem_load(m->mem, ACPI_DIRECT_RSDP, d->b.rsdp.buf, d->b.rsdp.len);
	mem_load(m->mem, 0x40e, ebda, 2); /* BDA: EBDA segment */
	if (m->pci) {
		unsigned pm = PCI_DEVFN(1, 3), isa = PCI_DEVFN(1, 0);
		pci_config_write(m->pci, pm, PIIX_PM_BASE, ACPI_PM_BASE | 1, 4);
		pci_config_write(m->pci, pm, PIIX_PM_REGMISC, 1, 1);
		for (unsigned i = 0; i < 4; i++)
			pci_config_write(m->pci, isa, PIIX_PIRQ_ROUTE + i,
					 pirq_irq[i], 1);
	}
}

static void acpi_direct_destroy(void *opaque)
{
	struct acpi_direct *d = opaque;
	acpi_build_free(&d->b);
	free(d);
}

int acpi_install_direct(struct machine *m, uint32_t *rsdp_addr)
{
	uint64_t ram = m->mem->ram_size;
	struct acpi_config cfg;

	if (ram < 0x200000 || ram > 0x100000000ull)
		return -1;
	struct acpi_direct *d = xcalloc(1, sizeof(*d));
	d->m = m;
	acpi_config_of(m, &cfg);
	acpi_build(&d->b, &cfg);
	m->acpi_base = (uint32_t)((ram - ACPI_DIRECT_SIZE) & ~0xfffull);
	m->acpi_size = (uint32_t)(ram - m->acpi_base);
	m->acpi_rsdp = ACPI_DIRECT_RSDP;
	if (d->b.tables.len > m->acpi_size ||
	    acpi_link(&d->b, m->acpi_base, m->acpi_rsdp)) {
		m->acpi_base = m->acpi_size = m->acpi_rsdp = 0;
		acpi_direct_destroy(d);
		return -1;
	}
	machine_add_device(m, "acpi", d, acpi_direct_reset, acpi_direct_destroy);
	if (rsdp_addr)
		*rsdp_addr = m->acpi_rsdp;
	return 0;
}

/* --- acpidump ------------------------------------------------------------ */

static int dump_one(const char *dir, const char *name, const uint8_t *p,
		    size_t len, char *err, size_t errlen)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return -1;
	}
	if (fclose(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int acpi_dump(const struct acpi_config *cfg, const char *dir, char *err,
	      size_t errlen)
{
	struct acpi_build b;
	uint64_t ram = cfg->ram_below_4g;
	uint64_t base = ram >= 0x200000 ? (ram - ACPI_DIRECT_SIZE) & ~0xfffull
					: 0x100000;
	int rc = 0;

	acpi_build(&b, cfg);
	acpi_link(&b, base, ACPI_DIRECT_RSDP);
	const uint32_t offs[] = { b.facs, b.dsdt, b.fadt, b.madt, b.rsdt };
	const char *names[] = { "facs", "dsdt", "facp", "apic", "rsdt" };
	for (unsigned i = 0; i < 5 && !rc; i++) {
		const uint8_t *t = b.tables.buf + offs[i];
		rc = dump_one(dir, names[i], t, (size_t)get_le(t + 4, 4), err,
			      errlen);
	}
	if (!rc)
		rc = dump_one(dir, "rsdp", b.rsdp.buf, b.rsdp.len, err, errlen);
	acpi_build_free(&b);
	return rc;
}
