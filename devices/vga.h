/* devices/vga.h: a standard VGA with the Bochs VBE "dispi" extension, on
 * PCI as QEMU's `-vga std` (1234:1111, class 0x030000).
 *
 * Legacy registers at 0x3B0-0x3DF, the memory window 0xA0000-0xBFFFF,
 * 256 KiB of planar memory (the first 256 KiB of VRAM, planes interleaved:
 * plane p, offset o is vram[o * 4 + p]), the dispi registers at
 * 0x1CE/0x1CF, the whole VRAM as the linear framebuffer in BAR0 and the
 * VGA BIOS as the expansion ROM. Split by concept:
 *   vga.c         creation, reset, state, timing (input status 1)
 *   vga_regs.c    the register file (port I/O)
 *   vga_mem.c     the memory window: planes, write/read modes, latches
 *   vga_render.c  text and graphics rendering into a host XRGB frame
 *   vga_vbe.c     Bochs dispi registers, LFB, VBE frames
 */
#ifndef LUCID_DEVICES_VGA_H
#define LUCID_DEVICES_VGA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/pci.h"

struct machine;

#define VGA_VRAM_SIZE (16u << 20)
#define VGA_PLANE_SIZE 0x10000u /* per plane, in VGA modes */
#define VGA_WINDOW_BASE 0xa0000u
#define VGA_WINDOW_SIZE 0x20000u
#define VGA_ROM_DEFAULT "/usr/share/seabios/vgabios-stdvga.bin"

/* The largest frame vga_render produces (the dispi maximum). */
#define VGA_FB_MAX_W 2560u
#define VGA_FB_MAX_H 1600u

/* dispi registers (index port 0x1CE, data 0x1CF) */
#define VBE_PORT_INDEX 0x1ce
#define VBE_INDEX_ID 0x0
#define VBE_INDEX_XRES 0x1
#define VBE_INDEX_YRES 0x2
#define VBE_INDEX_BPP 0x3
#define VBE_INDEX_ENABLE 0x4
#define VBE_INDEX_BANK 0x5
#define VBE_INDEX_VIRT_WIDTH 0x6
#define VBE_INDEX_VIRT_HEIGHT 0x7
#define VBE_INDEX_X_OFFSET 0x8
#define VBE_INDEX_Y_OFFSET 0x9
#define VBE_INDEX_VIDEO_MEMORY_64K 0xa
#define VBE_NREGS 0xb
#define VBE_ID0 0xb0c0
#define VBE_ID5 0xb0c5
#define VBE_ENABLED 0x01
#define VBE_GETCAPS 0x02
#define VBE_8BIT_DAC 0x20
#define VBE_LFB_ENABLED 0x40
#define VBE_NOCLEARMEM 0x80
#define VBE_MAX_XRES VGA_FB_MAX_W
#define VBE_MAX_YRES VGA_FB_MAX_H
#define VBE_MAX_BPP 32

struct vga {
	struct machine *m;
	struct pci_dev pci;

	/* Guest-visible state (the "vga" state section). */
	uint8_t misc;        /* misc output (write 0x3C2, read 0x3CC) */
	uint8_t fcr;         /* feature control */
	uint8_t enable;      /* 0x3C3 VGA enable */
	uint8_t seq_idx, seq[8];
	uint8_t crtc_idx, crtc[64];
	uint8_t gc_idx, gc[16];
	uint8_t attr_idx;    /* index and palette address source (bit 5) */
	uint8_t attr_ff;     /* 0: next 0x3C0 write is an index, 1: data */
	uint8_t attr[32];
	uint8_t pel_mask;
	uint8_t dac_widx, dac_ridx, dac_sub;
	uint8_t dac_state;   /* 0x3C7 read: 0 write mode, 3 read mode */
	uint8_t dac_cache[3];
	uint8_t dac[256 * 3];
	uint8_t latch[4];
	uint16_t vbe_idx;
	uint16_t vbe[VBE_NREGS];
	uint8_t vram[VGA_VRAM_SIZE];

	/* Host only: the ROM image, and what changed since the last frame. */
	uint8_t *rom;
	uint32_t rom_len, rom_bar_size;
	uint64_t page_dirty[VGA_VRAM_SIZE / 4096 / 64];
	/* The same marks for the state hash, which clears them itself
	 * (vram is a paged state field). */
	uint64_t hash_dirty[VGA_VRAM_SIZE / 4096 / 64];
	bool regs_dirty;
	unsigned last_w, last_h, last_phase;
	unsigned dirty_y0, dirty_y1; /* rows the last render changed */
};

/* rom_path NULL: no expansion ROM. pci NULL: an ISA VGA (no BAR, no ROM).
 * Returns NULL with one line in err (a port clash, an unreadable ROM). */
struct vga *vga_create(struct machine *m, struct pci_bus *pci,
		       const char *rom_path, char *err, size_t errlen);
void vga_reset(void *opaque);
void vga_destroy(void *opaque);

/* Render the current picture as XRGB8888 rows of *w pixels into fb (room
 * for VGA_FB_MAX_W * VGA_FB_MAX_H). fb is taken to hold the previous frame
 * when the size is unchanged: only rows that differ are written. Returns
 * true if anything changed; vga_dirty_rows tells which rows. */
bool vga_render(struct vga *v, uint32_t *fb, unsigned *w, unsigned *h);
bool vga_dirty_rows(const struct vga *v, unsigned *y0, unsigned *y1);

/* Text mode as the screen shows it (false in graphics modes). */
struct vga_text_info {
	unsigned cols, rows;
	unsigned cursor_col, cursor_row;
	bool cursor_visible;
};
bool vga_text_info(const struct vga *v, struct vga_text_info *ti);
/* Character and attribute at a screen cell of the text page shown. */
void vga_text_cell(const struct vga *v, unsigned col, unsigned row,
		   uint8_t *ch, uint8_t *attr);

/* --- internal: shared between the vga*.c files --------------------------- */

static inline uint8_t *vga_plane(struct vga *v, unsigned plane, uint32_t off)
{
	return &v->vram[((off & (VGA_VRAM_SIZE / 4 - 1)) << 2) | plane];
}
static inline uint8_t vga_plane_get(const struct vga *v, unsigned plane,
				    uint32_t off)
{
	return v->vram[((off & (VGA_VRAM_SIZE / 4 - 1)) << 2) | plane];
}
static inline void vga_mark(struct vga *v, uint32_t byte)
{
	uint32_t pg = (byte & (VGA_VRAM_SIZE - 1)) >> 12;
	v->page_dirty[pg >> 6] |= 1ull << (pg & 63);
	v->hash_dirty[pg >> 6] |= 1ull << (pg & 63);
}
bool vga_vbe_on(const struct vga *v);
unsigned vga_vbe_bpp(const struct vga *v);

/* Frame timing from the CRTC (or a 70 Hz fallback), in virtual time. */
struct vga_timing {
	uint64_t dotclk;          /* Hz */
	unsigned char_dots;       /* dots per character clock */
	unsigned htotal, hde;     /* character clocks */
	unsigned vtotal, vde, vrs, vrlen; /* scan lines */
};
void vga_timing(const struct vga *v, struct vga_timing *t);
uint64_t vga_frame_ns(const struct vga *v);
uint8_t vga_input_status1(struct vga *v);

int vga_regs_map(struct vga *v);
uint8_t vga_mem_read(struct vga *v, uint32_t addr);
void vga_mem_write(struct vga *v, uint32_t addr, uint8_t val);
void vga_vbe_reset(struct vga *v);
void vga_vbe_map(struct vga *v);
void vga_vbe_write(struct vga *v, uint16_t val);
uint16_t vga_vbe_read(struct vga *v);
/* dispi's banked window and planar offset (0 when dispi is off). */
uint32_t vga_vbe_bank_offset(const struct vga *v);
void vga_vbe_size(const struct vga *v, unsigned *w, unsigned *h);
void vga_vbe_line(const struct vga *v, unsigned y, uint32_t *out);
/* Plane offset the CRTC fetches for address counter ma at row scan rs. */
uint32_t vga_crtc_addr(const struct vga *v, uint32_t ma, unsigned rs);
uint32_t vga_dac_rgb(const struct vga *v, uint8_t idx);
void vga_attr_palette(const struct vga *v, uint32_t pal[16]);

#endif
