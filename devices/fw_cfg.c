/* devices/fw_cfg.c: QEMU firmware configuration device, I/O port flavour.
 *
 * Items are byte strings read sequentially after a select; files live in
 * keys 0x20 and up behind a big-endian directory at key 0x19. The DMA
 * interface takes the guest address of a FWCfgDmaAccess {be32 control;
 * be32 length; be64 address} and runs the transfer at once. Everything the
 * guest supplies is bounded: transfers that would land outside RAM stop
 * with the error bit instead.
 */
#include "devices/fw_cfg.h"

#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/machine.h"
#include "core/util.h"
#include "mmu/mem.h"

#define FW_CFG_DMA_SIGNATURE "QEMU CFG"
#define E820_RAM 1
#define E820_ENTRY_SIZE 20

static const struct state_field fw_cfg_fields[] = {
	STATE_FIELD(struct fw_cfg, cur_key),
	STATE_FIELD(struct fw_cfg, cur_off),
	STATE_FIELD(struct fw_cfg, dma_addr),
	STATE_END,
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static struct fw_cfg_entry *fw_cfg_entry(struct fw_cfg *fw, uint16_t key)
{
	if (key == FW_CFG_INVALID || (key & FW_CFG_ENTRY_MASK) >= FW_CFG_MAX_ENTRY)
		return NULL;
	return &fw->ent[!!(key & FW_CFG_ARCH_LOCAL)][key & FW_CFG_ENTRY_MASK];
}

static void fw_cfg_select(struct fw_cfg *fw, uint16_t key)
{
	fw->cur_off = 0;
	fw->cur_key = fw_cfg_entry(fw, key) ? key : FW_CFG_INVALID;
}

void fw_cfg_add_bytes(struct fw_cfg *fw, uint16_t key, const void *data,
		      size_t len)
{
	struct fw_cfg_entry *e = fw_cfg_entry(fw, key);

	if (!e || len > UINT32_MAX)
		return;
	free(e->data);
	e->data = xcalloc(1, len ? len : 1);
	if (len)
		memcpy(e->data, data, len);
	e->len = (uint32_t)len;
}

void fw_cfg_add_i16(struct fw_cfg *fw, uint16_t key, uint16_t v)
{
	uint8_t b[2];
	put_le(b, v, 2);
	fw_cfg_add_bytes(fw, key, b, 2);
}

void fw_cfg_add_i32(struct fw_cfg *fw, uint16_t key, uint32_t v)
{
	uint8_t b[4];
	put_le(b, v, 4);
	fw_cfg_add_bytes(fw, key, b, 4);
}

void fw_cfg_add_i64(struct fw_cfg *fw, uint16_t key, uint64_t v)
{
	uint8_t b[8];
	put_le(b, v, 8);
	fw_cfg_add_bytes(fw, key, b, 8);
}

/* The directory: be32 count, then per file be32 size, be16 select,
 * be16 reserved, char name[56]. */
static void fw_cfg_rebuild_dir(struct fw_cfg *fw)
{
	size_t len = 4 + (size_t)fw->nfiles * 64;
	uint8_t *dir = xcalloc(1, len);

	put_be32(dir, fw->nfiles);
	for (unsigned i = 0; i < fw->nfiles; i++) {
		uint8_t *f = dir + 4 + 64 * i;
		uint16_t key = (uint16_t)(FW_CFG_FILE_FIRST + i);
		put_be32(f, fw->ent[0][key].len);
		f[4] = (uint8_t)(key >> 8);
		f[5] = (uint8_t)key;
		memcpy(f + 8, fw->names[i], FW_CFG_NAME_LEN);
	}
	fw_cfg_add_bytes(fw, FW_CFG_FILE_DIR, dir, len);
	free(dir);
}

int fw_cfg_find_file(const struct fw_cfg *fw, const char *name)
{
	for (unsigned i = 0; i < fw->nfiles; i++)
		if (!strncmp(fw->names[i], name, FW_CFG_NAME_LEN))
			return FW_CFG_FILE_FIRST + (int)i;
	return -1;
}

int fw_cfg_add_file(struct fw_cfg *fw, const char *name, const void *data,
		    size_t len)
{
	int key = fw_cfg_find_file(fw, name);

	if (strlen(name) >= FW_CFG_NAME_LEN) {
		log_err(&fw->m->log, CORE, "fw_cfg: file name %s too long", name);
		return -1;
	}
	if (key < 0) {
		if (fw->nfiles == FW_CFG_FILE_SLOTS) {
			log_err(&fw->m->log, CORE, "fw_cfg: no slot for %s", name);
			return -1;
		}
		key = FW_CFG_FILE_FIRST + (int)fw->nfiles;
		memset(fw->names[fw->nfiles], 0, FW_CFG_NAME_LEN);
		strcpy(fw->names[fw->nfiles], name);
		fw->nfiles++;
	}
	fw_cfg_add_bytes(fw, (uint16_t)key, data, len);
	fw_cfg_rebuild_dir(fw);
	return key;
}

void fw_cfg_add_e820(struct fw_cfg *fw, uint64_t ram_size)
{
	/* QEMU's i440FX: all RAM below 4 GiB unless that would reach into
	 * the PCI hole, then RAM above 3 GiB moves above 4 GiB. */
	uint64_t below = ram_size >= 0xe0000000ull ? 0xc0000000ull : ram_size;
	uint8_t t[2 * E820_ENTRY_SIZE] = { 0 };
	size_t n = 0;

	put_le(t, 0, 8);
	put_le(t + 8, below, 8);
	put_le(t + 16, E820_RAM, 4);
	n++;
	if (ram_size > below) {
		uint8_t *e = t + E820_ENTRY_SIZE;
		put_le(e, 1ull << 32, 8);
		put_le(e + 8, ram_size - below, 8);
		put_le(e + 16, E820_RAM, 4);
		n++;
	}
	fw_cfg_add_file(fw, "etc/e820", t, n * E820_ENTRY_SIZE);
}

void fw_cfg_add_pc_defaults(struct fw_cfg *fw, uint64_t ram_size,
			    const char *bootorder)
{
	uint8_t wait[4];

	fw_cfg_add_e820(fw, ram_size);
	fw_cfg_add_file(fw, "bootorder", bootorder ? bootorder : "",
			bootorder ? strlen(bootorder) : 0);
	put_le(wait, 0xffffffffu, 4);
	fw_cfg_add_file(fw, "etc/boot-fail-wait", wait, 4);
	/* ACPI (later issue): "etc/acpi/tables", "etc/acpi/rsdp" and
	 * "etc/table-loader" are added here by the ACPI builder. */
}

/* --- guest side ---------------------------------------------------------- */

static uint8_t fw_cfg_next_byte(struct fw_cfg *fw)
{
	struct fw_cfg_entry *e = fw_cfg_entry(fw, fw->cur_key);

	if (!e || !e->data || fw->cur_off >= e->len)
		return 0;
	return e->data[fw->cur_off++];
}

/* A DMA write into guest memory: only whole ranges inside RAM. */
static bool fw_cfg_dma_store(struct fw_cfg *fw, uint64_t addr,
			     const uint8_t *src, uint64_t len)
{
	static const uint8_t zero[4096];
	struct mem *mem = fw->m->mem;

	if (addr >= mem->ram_size || len > mem->ram_size - addr)
		return false;
	while (len) {
		size_t n = len > sizeof(zero) ? sizeof(zero) : (size_t)len;
		mem_write(mem, addr, src ? src : zero, n);
		if (src)
			src += n;
		addr += n;
		len -= n;
	}
	return true;
}

static void fw_cfg_dma(struct fw_cfg *fw)
{
	uint64_t desc_addr = fw->dma_addr;
	uint8_t desc[16], ctl[4];
	uint32_t control, len, result = 0;
	uint64_t addr;
	bool read, write;

	fw->dma_addr = 0;
	mem_read(fw->m->mem, desc_addr, desc, sizeof(desc));
	control = get_be32(desc);
	len = get_be32(desc + 4);
	addr = (uint64_t)get_be32(desc + 8) << 32 | get_be32(desc + 12);

	if (control & FW_CFG_DMA_CTL_SELECT)
		fw_cfg_select(fw, (uint16_t)(control >> 16));
	read = control & FW_CFG_DMA_CTL_READ;
	write = !read && (control & FW_CFG_DMA_CTL_WRITE);
	if (!read && !write && !(control & FW_CFG_DMA_CTL_SKIP))
		len = 0;

	while (len && !result) {
		struct fw_cfg_entry *e = fw_cfg_entry(fw, fw->cur_key);
		uint32_t n;

		if (write) {
			/* No item is guest-writable. */
			result = FW_CFG_DMA_CTL_ERROR;
			break;
		}
		if (!e || !e->data || fw->cur_off >= e->len) {
			/* Past the end reads zeros (bounded by RAM). */
			n = len;
			if (read && !fw_cfg_dma_store(fw, addr, NULL, n))
				result = FW_CFG_DMA_CTL_ERROR;
		} else {
			n = e->len - fw->cur_off < len ? e->len - fw->cur_off : len;
			if (read && !fw_cfg_dma_store(fw, addr,
						      e->data + fw->cur_off, n))
				result = FW_CFG_DMA_CTL_ERROR;
			else
				fw->cur_off += n;
		}
		addr += n;
		len -= n;
	}
	put_be32(ctl, result);
	mem_write(fw->m->mem, desc_addr, ctl, sizeof(ctl));
}

/* 0x510-0x511: a 16-bit write anywhere selects; byte reads stream data. */
static uint32_t fw_cfg_io_read(void *opaque, uint64_t offset, unsigned size)
{
	struct fw_cfg *fw = opaque;
	uint32_t v = 0;

	for (unsigned i = 0; i < size; i++)
		v |= (uint32_t)fw_cfg_next_byte(fw) << (8 * i);
	return v;
}

static void fw_cfg_io_write(void *opaque, uint64_t offset, uint32_t val,
			    unsigned size)
{
	if (size == 2)
		fw_cfg_select(opaque, (uint16_t)val);
	/* Byte writes to the data port are ignored, as in QEMU since 2.4. */
}

/* 0x514-0x51B: big-endian registers. Reads give the "QEMU CFG"
 * signature; a 32-bit write of the low half (0x518) starts the DMA. */
static uint32_t fw_cfg_dma_read(void *opaque, uint64_t offset, unsigned size)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < size && offset + i < 8; i++)
		v |= (uint32_t)(uint8_t)FW_CFG_DMA_SIGNATURE[offset + i] << (8 * i);
	return v;
}

static uint32_t bswap32(uint32_t v)
{
	return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) |
	       (v << 24);
}

static void fw_cfg_dma_write(void *opaque, uint64_t offset, uint32_t val,
			     unsigned size)
{
	struct fw_cfg *fw = opaque;

	if (size != 4)
		return;
	if (offset == 0) {
		fw->dma_addr = (uint64_t)bswap32(val) << 32;
	} else if (offset == 4) {
		fw->dma_addr |= bswap32(val);
		fw_cfg_dma(fw);
	}
}

static const struct io_ops fw_cfg_io_ops = {
	.read = fw_cfg_io_read,
	.write = fw_cfg_io_write,
};

static const struct io_ops fw_cfg_dma_ops = {
	.read = fw_cfg_dma_read,
	.write = fw_cfg_dma_write,
};

static void fw_cfg_reset(void *opaque)
{
	struct fw_cfg *fw = opaque;
	fw_cfg_select(fw, FW_CFG_SIGNATURE);
	fw->dma_addr = 0;
}

static void fw_cfg_destroy(void *opaque)
{
	struct fw_cfg *fw = opaque;
	for (unsigned a = 0; a < 2; a++)
		for (unsigned k = 0; k < FW_CFG_MAX_ENTRY; k++)
			free(fw->ent[a][k].data);
	free(fw);
}

struct fw_cfg *fw_cfg_create(struct machine *m)
{
	struct fw_cfg *fw = xcalloc(1, sizeof(*fw));

	fw->m = m;
	if (bus_map_ports(m->bus, FW_CFG_PORT_SEL, 2, &fw_cfg_io_ops, fw,
			  "fw_cfg")) {
		free(fw);
		return NULL;
	}
	if (bus_map_ports(m->bus, FW_CFG_PORT_DMA, 8, &fw_cfg_dma_ops, fw,
			  "fw_cfg-dma")) {
		bus_unmap_ports(m->bus, FW_CFG_PORT_SEL);
		free(fw);
		return NULL;
	}
	fw_cfg_add_bytes(fw, FW_CFG_SIGNATURE, "QEMU", 4);
	fw_cfg_add_i32(fw, FW_CFG_ID, FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	fw_cfg_add_i64(fw, FW_CFG_RAM_SIZE, m->mem->ram_size);
	fw_cfg_add_i16(fw, FW_CFG_NOGRAPHIC, 0);
	fw_cfg_add_i16(fw, FW_CFG_NB_CPUS, 1);
	fw_cfg_add_i16(fw, FW_CFG_MAX_CPUS, 1);
	fw_cfg_add_i16(fw, FW_CFG_BOOT_MENU, 0);
	fw_cfg_rebuild_dir(fw);
	fw_cfg_select(fw, FW_CFG_SIGNATURE);
	state_add(&m->state, "fw_cfg", fw_cfg_fields, fw);
	machine_add_device(m, "fw_cfg", fw, fw_cfg_reset, fw_cfg_destroy);
	return fw;
}
