/* fw_cfg: the selector/data ports, the file directory, and DMA, as
 * SeaBIOS's qemu_cfg_* functions drive them. */
#include "tests/unit/testbed.h"

#include "devices/fw_cfg.h"

static void sel(struct machine *m, uint16_t key)
{
	bus_out(m->bus, FW_CFG_PORT_SEL, key, 2);
}

static void data(struct machine *m, uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)bus_in(m->bus, FW_CFG_PORT_DATA, 1);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t bswap(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | v << 24;
}

/* Build a FWCfgDmaAccess at desc in guest RAM and kick it as SeaBIOS does:
 * one outl of the big-endian low address to 0x518. Returns the control
 * word the device wrote back. */
static uint32_t dma(struct machine *m, uint32_t desc, uint32_t control,
		    uint32_t len, uint64_t addr)
{
	uint8_t d[16];
	put_be32(d, control);
	put_be32(d + 4, len);
	put_be32(d + 8, (uint32_t)(addr >> 32));
	put_be32(d + 12, (uint32_t)addr);
	mem_write(m->mem, desc, d, sizeof(d));
	bus_out(m->bus, FW_CFG_PORT_DMA + 4, bswap(desc), 4);
	mem_read(m->mem, desc, d, 4);
	return be32(d);
}

static struct machine *setup(struct fw_cfg **out)
{
	struct machine *m = testbed_new(10000);
	struct fw_cfg *fw = fw_cfg_create(m);
	cr_assert_not_null(fw);
	testbed_reset(m);
	*out = fw;
	return m;
}

Test(fw_cfg, signature_and_id_through_the_io_ports)
{
	struct fw_cfg *fw;
	struct machine *m = setup(&fw);
	uint8_t b[8];
	sel(m, FW_CFG_SIGNATURE);
	data(m, b, 4);
	cr_assert_arr_eq(b, "QEMU", 4);
	sel(m, FW_CFG_ID);
	data(m, b, 4);
	cr_assert_eq(b[0], 3, "traditional + DMA");
	cr_assert_eq(b[1] | b[2] | b[3], 0);
	sel(m, FW_CFG_RAM_SIZE);
	data(m, b, 8);
	cr_assert_eq(b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24, 1u << 20);
	sel(m, FW_CFG_NB_CPUS);
	data(m, b, 3);
	cr_assert_eq(b[0], 1);
	cr_assert_eq(b[1], 0);
	cr_assert_eq(b[2], 0, "reads past the end give zero");
	/* the DMA register reads its signature "QEMU CFG" */
	cr_assert_eq(bus_in(m->bus, FW_CFG_PORT_DMA, 4), 0x554d4551);
	cr_assert_eq(bus_in(m->bus, FW_CFG_PORT_DMA + 4, 4), 0x47464320);
	testbed_free(m);
}

Test(fw_cfg, file_directory_lists_files_by_name_with_big_endian_fields)
{
	struct fw_cfg *fw;
	struct machine *m = setup(&fw);
	uint8_t count[4], ent[64];
	int key;

	fw_cfg_add_file(fw, "etc/one", "1", 1);
	key = fw_cfg_add_file(fw, "etc/boot-fail-wait", "\xff\xff\xff\xff", 4);
	cr_assert_geq(key, FW_CFG_FILE_FIRST);
	cr_assert_eq(fw_cfg_find_file(fw, "etc/boot-fail-wait"), key);
	cr_assert_eq(fw_cfg_find_file(fw, "etc/none"), -1);

	sel(m, FW_CFG_FILE_DIR);
	data(m, count, 4);
	cr_assert_eq(be32(count), 2);
	bool found = false;
	for (unsigned i = 0; i < 2; i++) {
		data(m, ent, sizeof(ent));
		if (strcmp((char *)ent + 8, "etc/boot-fail-wait"))
			continue;
		found = true;
		cr_assert_eq(be32(ent), 4);
		cr_assert_eq(ent[4] << 8 | ent[5], key);
	}
	cr_assert(found);
	sel(m, (uint16_t)key);
	uint8_t b[4];
	data(m, b, 4);
	cr_assert_eq(be32(b), 0xffffffffu);
	testbed_free(m);
}

Test(fw_cfg, dma_select_and_read_copies_a_file_into_guest_memory)
{
	struct fw_cfg *fw;
	struct machine *m = setup(&fw);
	const char text[] = "hello, firmware";
	int key = fw_cfg_add_file(fw, "etc/hello", text, sizeof(text));
	uint8_t buf[sizeof(text)];

	uint32_t ctl = dma(m, 0x7000, (uint32_t)key << 16 |
			   FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
			   6, 0x8000);
	cr_assert_eq(ctl, 0);
	/* a READ without SELECT continues where the last one stopped */
	ctl = dma(m, 0x7000, FW_CFG_DMA_CTL_READ, sizeof(text) - 6, 0x8006);
	cr_assert_eq(ctl, 0);
	mem_read(m->mem, 0x8000, buf, sizeof(buf));
	cr_assert_str_eq((char *)buf, text);
	/* SKIP then traditional reads share the same offset */
	dma(m, 0x7000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT |
	    FW_CFG_DMA_CTL_SKIP, 7, 0);
	data(m, buf, 8);
	cr_assert_arr_eq(buf, "firmware", 8);
	testbed_free(m);
}

Test(fw_cfg, dma_with_absurd_length_stops_at_ram_end_with_error)
{
	struct fw_cfg *fw;
	struct machine *m = setup(&fw);
	int key = fw_cfg_add_file(fw, "etc/x", "ABCDEFGH", 8);
	uint8_t b[4], sentinel = 0x5a;

	mem_write(m->mem, 0x9008, &sentinel, 1);
	uint32_t ctl = dma(m, 0x7000, (uint32_t)key << 16 |
			   FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
			   0xffffffffu, 0x9000);
	cr_assert_eq(ctl, FW_CFG_DMA_CTL_ERROR);
	mem_read(m->mem, 0x9000, b, 4);
	cr_assert_arr_eq(b, "ABCD", 4, "the file itself fits and is copied");
	mem_read(m->mem, 0x9008, b, 1);
	cr_assert_eq(b[0], 0x5a, "the zero fill beyond RAM was refused whole");
	/* a destination past the end of RAM, or wrapping past 2^64 */
	ctl = dma(m, 0x7000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT |
		  FW_CFG_DMA_CTL_READ, 8, 0xfffffffffffffffcull);
	cr_assert_eq(ctl, FW_CFG_DMA_CTL_ERROR);
	ctl = dma(m, 0x7000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT |
		  FW_CFG_DMA_CTL_READ, 8, (1u << 20) - 4);
	cr_assert_eq(ctl, FW_CFG_DMA_CTL_ERROR);
	/* writes are refused: no item is writable */
	ctl = dma(m, 0x7000, (uint32_t)key << 16 | FW_CFG_DMA_CTL_SELECT |
		  FW_CFG_DMA_CTL_WRITE, 4, 0x9000);
	cr_assert_eq(ctl, FW_CFG_DMA_CTL_ERROR);
	testbed_free(m);
}

Test(fw_cfg, pc_defaults_describe_ram_in_etc_e820)
{
	struct fw_cfg *fw;
	struct machine *m = setup(&fw);
	uint8_t e[20];
	fw_cfg_add_pc_defaults(fw, 16u << 20, NULL);
	int key = fw_cfg_find_file(fw, "etc/e820");
	cr_assert_geq(key, 0);
	cr_assert_geq(fw_cfg_find_file(fw, "bootorder"), 0);
	cr_assert_geq(fw_cfg_find_file(fw, "etc/boot-fail-wait"), 0);
	sel(m, (uint16_t)key);
	data(m, e, sizeof(e));
	static const uint8_t want[20] = { 0, 0, 0, 0, 0, 0, 0, 0,
					  0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0 };
	cr_assert_arr_eq(e, want, 20, "addr 0, len 16 MiB, type 1 (RAM)");
	data(m, e, 1);
	cr_assert_eq(e[0], 0, "one entry only");
	testbed_free(m);
}
