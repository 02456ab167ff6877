/* ui/display_bench.c: `lucid bench display`: host time per frame for the
 * VGA renderer in text mode, mode 13h and a 1024x768x32 VBE mode, and the
 * SDL upload (texture update, draw, present) when a display is there.
 *
 * The machine never runs: the registers are programmed through the bus as
 * a VGA BIOS would, the framebuffer is filled through guest memory (the
 * LFB through PCI BAR0, which we assign), then frames are rendered. Full:
 * every row rewritten (the worst case, a scrolling screen); idle: nothing
 * changed (the common case at 60 Hz).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bench_peer.h"
#include "core/bus.h"
#include "core/cli.h"
#include "core/machine.h"
#include "core/util.h"
#include "cpu/cpu.h"
#include "devices/vga.h"
#include "mmu/mem.h"
#include "ui/display.h"

#define LFB_BASE 0xe0000000u

static const char usage[] =
	"Usage: lucid bench display [--frames N] [--format table|json|csv]\n"
	"\n"
	"Host milliseconds per frame of the VGA renderer (text 80x25, mode\n"
	"13h, VBE 1024x768x32): full (every row changed) and idle (nothing\n"
	"changed); and the SDL upload per full frame when a display works.\n";

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void out8(struct machine *m, uint16_t port, uint8_t val)
{
	bus_out(m->bus, port, val, 1);
}

static void idx_out(struct machine *m, uint16_t port, uint8_t i, uint8_t v)
{
	out8(m, port, i);
	out8(m, port + 1, v);
}

/* IBM's mode 13h register set. */
static void set_mode13(struct machine *m)
{
	static const uint8_t seq[5] = { 0x03, 0x01, 0x0f, 0x00, 0x0e };
	static const uint8_t crtc[25] = {
		0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28,
		0x40, 0x96, 0xb9, 0xa3, 0xff,
	};
	static const uint8_t gc[9] = { 0x00, 0x00, 0x00, 0x00, 0x00,
				       0x40, 0x05, 0x0f, 0xff };

	out8(m, 0x3c2, 0x63);
	for (uint8_t i = 0; i < 5; i++)
		idx_out(m, 0x3c4, i, seq[i]);
	idx_out(m, 0x3d4, 0x11, 0x00);
	for (uint8_t i = 0; i < 25; i++)
		idx_out(m, 0x3d4, i, crtc[i]);
	for (uint8_t i = 0; i < 9; i++)
		idx_out(m, 0x3ce, i, gc[i]);
	for (uint8_t i = 0; i < 0x15; i++) {
		bus_in(m->bus, 0x3da, 1);
		out8(m, 0x3c0, i);
		out8(m, 0x3c0, i < 16 ? i : i == 0x10 ? 0x41 : i == 0x12 ? 0x0f : 0);
	}
	out8(m, 0x3c0, 0x20);
	out8(m, 0x3c8, 0);
	for (unsigned i = 0; i < 256 * 3; i++)
		out8(m, 0x3c9, (uint8_t)(i * 7 & 63));
	for (uint32_t a = 0; a < 320 * 200; a++)
		mem_write8(m->mem, 0xa0000 + a, (uint8_t)(a ^ (a >> 8)));
}

static void vbe_write(struct machine *m, uint16_t idx, uint16_t val)
{
	bus_out(m->bus, VBE_PORT_INDEX, idx, 2);
	bus_out(m->bus, VBE_PORT_INDEX + 1, val, 2);
}

/* 1024x768x32 with the LFB at BAR0 (00:02.0), assigned here. */
static void set_vbe(struct machine *m)
{
	const uint32_t cfg = 0x80000000u | 2u << 11;

	bus_out(m->bus, 0xcf8, cfg | 0x10, 4);
	bus_out(m->bus, 0xcfc, LFB_BASE, 4);
	bus_out(m->bus, 0xcf8, cfg | 0x04, 4);
	bus_out(m->bus, 0xcfc, bus_in(m->bus, 0xcfc, 4) | 0x3, 4);
	vbe_write(m, VBE_INDEX_ENABLE, 0);
	vbe_write(m, VBE_INDEX_XRES, 1024);
	vbe_write(m, VBE_INDEX_YRES, 768);
	vbe_write(m, VBE_INDEX_BPP, 32);
	vbe_write(m, VBE_INDEX_ENABLE, VBE_ENABLED | VBE_LFB_ENABLED);
	for (uint32_t y = 0; y < 768; y++)
		for (uint32_t x = 0; x < 1024; x++)
			mem_write32(m->mem, LFB_BASE + (y * 1024 + x) * 4,
				    x << 16 | y << 8 | ((x ^ y) & 0xff));
}

static void set_text(struct machine *m)
{
	for (uint32_t i = 0; i < 80 * 25; i++) {
		mem_write8(m->mem, 0xb8000 + i * 2, (uint8_t)('A' + i % 26));
		mem_write8(m->mem, 0xb8000 + i * 2 + 1, (uint8_t)(i % 127 + 1));
	}
}

struct result {
	const char *mode;
	unsigned w, h;
	double full_ms, idle_ms, sdl_ms; /* sdl_ms < 0: no display */
};

static void bench_mode(struct machine *m, struct display *d, unsigned frames,
		       uint32_t *fb, struct result *r)
{
	struct vga *v = m->vga;
	double t0;

	vga_render(v, fb, &r->w, &r->h);
	t0 = now_ms();
	for (unsigned i = 0; i < frames; i++) {
		v->last_w = 0; /* every row rendered and compared */
		vga_render(v, fb, &r->w, &r->h);
	}
	r->full_ms = (now_ms() - t0) / frames;
	t0 = now_ms();
	for (unsigned i = 0; i < frames; i++)
		vga_render(v, fb, &r->w, &r->h);
	r->idle_ms = (now_ms() - t0) / frames;
	r->sdl_ms = -1;
	if (display_has_window(d)) {
		d->ops->present(d->priv, fb, r->w, r->h, 0, r->h);
		t0 = now_ms();
		for (unsigned i = 0; i < frames; i++)
			d->ops->present(d->priv, fb, r->w, r->h, 0, r->h);
		r->sdl_ms = (now_ms() - t0) / frames;
	}
}

int display_bench_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "frames", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned frames = 200;
	const char *format = "table";
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (cli_parse_uint(optarg, 1, 100000, &frames)) {
				fprintf(stderr, "lucid: --frames %s: want 1 to 100000\n",
					optarg);
				return 1;
			}
			break;
		case 'f':
			if (!bench_format_ok(optarg))
				return 1;
			format = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fprintf(stderr, "lucid: bench display: unknown option '%s'\n",
				argv[optind - 1]);
			return 1;
		}
	}

	const struct cpu_model *model = cpu_model_find("pentium2");
	struct machine_config cfg = {
		.cpu = model, .mhz = model->default_mhz, .mem_size = 16u << 20,
		.speed_max = true, .no_acpi = true,
	};
	struct machine m;
	char err[256];
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lucid: %s\n", err);
		return 1;
	}
	struct display *d = display_open(DISPLAY_AUTO, err, sizeof(err));
	uint32_t *fb = xcalloc((size_t)VGA_FB_MAX_W * VGA_FB_MAX_H, sizeof(*fb));
	struct result res[3] = { { .mode = "text80x25" }, { .mode = "mode13h" },
				 { .mode = "vbe1024x768x32" } };

	set_text(&m);
	bench_mode(&m, d, frames, fb, &res[0]);
	set_mode13(&m);
	bench_mode(&m, d, frames, fb, &res[1]);
	set_vbe(&m);
	bench_mode(&m, d, frames, fb, &res[2]);

	if (!strcmp(format, "json")) {
		printf("{\"bench\":\"display\",\"frames\":%u,\"modes\":[", frames);
		for (unsigned i = 0; i < 3; i++) {
			printf("%s{\"mode\":\"%s\",\"width\":%u,\"height\":%u,"
			       "\"full_ms\":%.4f,\"idle_ms\":%.4f,\"sdl_ms\":",
			       i ? "," : "", res[i].mode, res[i].w, res[i].h,
			       res[i].full_ms, res[i].idle_ms);
			if (res[i].sdl_ms < 0)
				printf("null}");
			else
				printf("%.4f}", res[i].sdl_ms);
		}
		printf("]}\n");
	} else if (!strcmp(format, "csv")) {
		printf("bench,mode,width,height,full_ms,idle_ms,sdl_ms\n");
		for (unsigned i = 0; i < 3; i++) {
			printf("display,%s,%u,%u,%.4f,%.4f,", res[i].mode,
			       res[i].w, res[i].h, res[i].full_ms,
			       res[i].idle_ms);
			if (res[i].sdl_ms >= 0)
				printf("%.4f", res[i].sdl_ms);
			printf("\n");
		}
	} else {
		printf("lucid bench display: host ms per frame, %u frames\n",
		       frames);
		printf("  %-16s %10s %10s %10s %12s\n", "mode", "size", "full",
		       "idle", "sdl upload");
		for (unsigned i = 0; i < 3; i++) {
			char size[24], sdl[24];
			snprintf(size, sizeof(size), "%ux%u", res[i].w, res[i].h);
			if (res[i].sdl_ms < 0)
				snprintf(sdl, sizeof(sdl), "no display");
			else
				snprintf(sdl, sizeof(sdl), "%.3f", res[i].sdl_ms);
			printf("  %-16s %10s %10.3f %10.4f %12s\n", res[i].mode,
			       size, res[i].full_ms, res[i].idle_ms, sdl);
		}
	}
	free(fb);
	display_close(d);
	machine_destroy(&m);
	return 0;
}
