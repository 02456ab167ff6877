/* The ACPI tables: layout per ACPI spec 5.2 (header, RSDP, RSDT, FADT,
 * MADT), the table loader script, and the direct-boot install. */
#include "tests/unit/testbed.h"

#include <stdio.h>
#include <unistd.h>

#include "devices/acpi_tables.h"
#include "devices/fw_cfg.h"

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static const struct acpi_config cfg = { .ram_below_4g = 64 << 20,
					.pm_base = 0x600 };

/* Build and link for tables at 0x3ff0000, RSDP at 0xf5000 (as firmware). */
static void build_linked(struct acpi_build *b)
{
	acpi_build(b, &cfg);
	struct acpi_file f[2] = {
		{ ACPI_FILE_RSDP, b->rsdp.buf, b->rsdp.len, 0xf5000 },
		{ ACPI_FILE_TABLES, b->tables.buf, b->tables.len, 0x3ff0000 },
	};
	cr_assert_eq(acpi_loader_run(b->loader.buf, b->loader.len, f, 2), 0);
}

static const uint8_t *table_at(const struct acpi_build *b, uint32_t addr)
{
	cr_assert(addr >= 0x3ff0000 && addr - 0x3ff0000 < b->tables.len,
		  "address %#x outside the tables", addr);
	return b->tables.buf + (addr - 0x3ff0000);
}

Test(acpi_tables, every_checksum_sums_to_zero_before_and_after_linking)
{
	struct acpi_build b;

	for (int linked = 0; linked < 2; linked++) {
		if (linked)
			build_linked(&b);
		else
			acpi_build(&b, &cfg);
		const uint32_t offs[] = { b.dsdt, b.fadt, b.madt, b.rsdt };
		for (unsigned i = 0; i < 4; i++) {
			const uint8_t *t = b.tables.buf + offs[i];
			cr_assert_eq(acpi_sum(t, le32(t + 4)), 0, "%.4s", t);
		}
		cr_assert_eq(b.rsdp.len, 20);
		cr_assert_eq(acpi_sum(b.rsdp.buf, 20), 0, "RSDP");
		acpi_build_free(&b);
	}
}

Test(acpi_tables, rsdp_points_at_rsdt_which_lists_fadt_and_madt)
{
	struct acpi_build b;

	build_linked(&b);
	cr_assert_eq(memcmp(b.rsdp.buf, "RSD PTR ", 8), 0);
	cr_assert_eq(b.rsdp.buf[15], 0, "revision 0: RSDT only");
	const uint8_t *rsdt = table_at(&b, le32(b.rsdp.buf + 16));
	cr_assert_eq(memcmp(rsdt, "RSDT", 4), 0);
	cr_assert_eq(le32(rsdt + 4), 36 + 8);
	cr_assert_eq(memcmp(table_at(&b, le32(rsdt + 36)), "FACP", 4), 0);
	cr_assert_eq(memcmp(table_at(&b, le32(rsdt + 40)), "APIC", 4), 0);
	acpi_build_free(&b);
}

Test(acpi_tables, fadt_describes_the_piix4_pm_block)
{
	struct acpi_build b;

	build_linked(&b);
	const uint8_t *f = b.tables.buf + b.fadt;
	cr_assert_eq(le32(f + 4), 244);
	cr_assert_eq(f[8], 3, "revision 3");
	cr_assert_eq(memcmp(table_at(&b, le32(f + 36)), "FACS", 4), 0);
	cr_assert_eq((le32(f + 36) & 63), 0, "FACS 64-byte aligned");
	cr_assert_eq(memcmp(table_at(&b, le32(f + 40)), "DSDT", 4), 0);
	cr_assert_eq(le16(f + 46), 9, "SCI_INT");
	cr_assert_eq(le32(f + 48), 0xb2, "SMI_CMD");
	cr_assert_eq(f[52], 0xf1);
	cr_assert_eq(f[53], 0xf0);
	cr_assert_eq(le32(f + 56), 0x600, "PM1a_EVT_BLK");
	cr_assert_eq(le32(f + 64), 0x604, "PM1a_CNT_BLK");
	cr_assert_eq(le32(f + 76), 0x608, "PM_TMR_BLK");
	cr_assert_eq(le32(f + 80), 0x60c, "GPE0_BLK");
	cr_assert_eq(f[88], 4);
	cr_assert_eq(f[89], 2);
	cr_assert_eq(f[91], 4);
	cr_assert_eq(f[92], 4);
	cr_assert(le32(f + 112) & (1u << 10), "RESET_REG_SUP");
	cr_assert(!(le32(f + 112) & (1u << 8)), "24-bit PM timer");
	cr_assert_eq(f[116], 1, "reset register in I/O space");
	cr_assert_eq(f[117], 8);
	cr_assert_eq(le32(f + 120), 0xcf9);
	cr_assert_eq(f[128], 0x06);
	acpi_build_free(&b);
}

Test(acpi_tables, madt_has_cpu_ioapic_overrides_and_nmi)
{
	struct acpi_build b;
	unsigned n_lapic = 0, n_ioapic = 0, n_nmi = 0, n_iso = 0;
	bool irq0 = false, sci = false;

	build_linked(&b);
	const uint8_t *t = b.tables.buf + b.madt;
	uint32_t len = le32(t + 4);
	cr_assert_eq(le32(t + 36), 0xfee00000);
	cr_assert_eq(le32(t + 40), 1, "PCAT_COMPAT");
	for (uint32_t o = 44; o < len; o += t[o + 1]) {
		const uint8_t *e = t + o;
		cr_assert(e[1] >= 2 && o + e[1] <= len);
		switch (e[0]) {
		case 0:
			n_lapic++;
			cr_assert_eq(e[3], 0, "APIC ID 0");
			cr_assert_eq(le32(e + 4) & 1, 1, "enabled");
			break;
		case 1:
			n_ioapic++;
			cr_assert_eq(le32(e + 4), 0xfec00000);
			cr_assert_eq(le32(e + 8), 0, "GSI base");
			break;
		case 2:
			n_iso++;
			if (e[3] == 0)
				irq0 = le32(e + 4) == 2 && le16(e + 8) == 0;
			if (e[3] == 9)
				sci = le32(e + 4) == 9 && le16(e + 8) == 0xd;
			break;
		case 4:
			n_nmi++;
			cr_assert_eq(e[2], 0xff);
			cr_assert_eq(e[5], 1, "LINT1");
			break;
		}
	}
	cr_assert_eq(n_lapic, 1);
	cr_assert_eq(n_ioapic, 1);
	cr_assert_eq(n_nmi, 1);
	cr_assert_eq(n_iso, 5);
	cr_assert(irq0, "IRQ0 -> GSI 2, bus default flags");
	cr_assert(sci, "IRQ9 level, active-high");
	acpi_build_free(&b);
}

Test(acpi_tables, loader_script_is_allocate_pointer_checksum_entries)
{
	struct acpi_build b;
	unsigned count[4] = { 0 };

	acpi_build(&b, &cfg);
	cr_assert_eq(b.loader.len % 128, 0);
	for (size_t o = 0; o < b.loader.len; o += 128) {
		const uint8_t *e = b.loader.buf + o;
		uint32_t cmd = le32(e);
		cr_assert(cmd >= 1 && cmd <= 3);
		count[cmd]++;
		if (o == 0) {
			cr_assert_str_eq((const char *)e + 4, "etc/acpi/rsdp");
			cr_assert_eq(le32(e + 60), 16, "align");
			cr_assert_eq(e[64], 2, "FSEG");
		}
		if (cmd == 2) {
			cr_assert_str_eq((const char *)e + 60, "etc/acpi/tables");
			cr_assert_eq(e[120], 4, "32-bit pointers");
		}
	}
	cr_assert_eq(count[1], 2);
	cr_assert_eq(count[2], 5);
	cr_assert_eq(count[3], 3);
	uint8_t bad[128] = { 9 };
	struct acpi_file f = { ACPI_FILE_RSDP, b.rsdp.buf, b.rsdp.len, 0 };
	cr_assert_eq(acpi_loader_run(bad, sizeof(bad), &f, 1), -1);
	acpi_build_free(&b);
}

Test(acpi_tables, fw_cfg_gets_the_three_files)
{
	struct machine *m = testbed_new(100000);
	struct fw_cfg *fw = fw_cfg_create(m);

	acpi_install_fw_cfg(m, fw);
	cr_assert(fw_cfg_find_file(fw, "etc/acpi/tables") >= 0);
	cr_assert(fw_cfg_find_file(fw, "etc/acpi/rsdp") >= 0);
	cr_assert(fw_cfg_find_file(fw, "etc/table-loader") >= 0);
	testbed_free(m);
}

Test(acpi_tables, direct_install_puts_linked_tables_in_ram_at_reset)
{
	struct machine *m = testbed_new(100000);
	uint32_t rsdp = 0;
	uint8_t buf[64];

	mem_destroy(m->mem); /* a machine with 16 MiB */
	char err[128];
	m->mem = mem_create(16 << 20, m->bus, &m->log, err, sizeof(err));
	cr_assert_not_null(m->mem);
	cr_assert_eq(acpi_install_direct(m, &rsdp), 0);
	cr_assert_eq(rsdp, 0x9fc00);
	cr_assert_eq(m->acpi_base, (16 << 20) - 0x10000);
	cr_assert_eq(m->acpi_size, 0x10000);
	testbed_reset(m);
	mem_read(m->mem, rsdp, buf, 20);
	cr_assert_eq(memcmp(buf, "RSD PTR ", 8), 0);
	cr_assert_eq(acpi_sum(buf, 20), 0);
	uint32_t rsdt = le32(buf + 16);
	cr_assert(rsdt >= m->acpi_base && rsdt < m->acpi_base + m->acpi_size);
	mem_read(m->mem, rsdt, buf, 44);
	cr_assert_eq(memcmp(buf, "RSDT", 4), 0);
	uint32_t fadt = le32(buf + 36);
	mem_read(m->mem, fadt, buf, 44);
	cr_assert_eq(memcmp(buf, "FACP", 4), 0);
	mem_read(m->mem, 0x40e, buf, 2);
	cr_assert_eq(le16(buf), 0x9fc0, "BDA points at the EBDA");
	testbed_free(m);
}

Test(acpi_tables, iasl_disassembles_the_dsdt_when_installed)
{
	if (system("command -v iasl >/dev/null 2>&1"))
		cr_skip_test("iasl (acpica-tools) not installed");
	char dir[] = "/tmp/lucid-acpi-XXXXXX", err[256], cmd[512];
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(acpi_dump(&cfg, dir, err, sizeof(err)), 0, "%s", err);
	snprintf(cmd, sizeof(cmd),
		 "cd %s && iasl -d dsdt.dat > log 2>&1 && grep -q PNP0A03 dsdt.dsl"
		 " && iasl -d facp.dat apic.dat >> log 2>&1 && ! grep -qi error log",
		 dir);
	int rc = system(cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		cr_log_warn("cannot remove %s", dir);
	cr_assert_eq(rc, 0, "iasl -d failed");
}
