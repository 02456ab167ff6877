/* traces/gdbstub.c: the gdb stub: connection, commands, stops, and
 * reverse execution by seeking in the replay.
 *
 * The stub never runs the CPU itself. A command that resumes sets the
 * backend's debugger stop (struct backend_debug) and returns to the
 * machine loop; the loop calls gdb_stopped when the backend stops. Reverse
 * execution is a little state machine over such runs:
 *   bs: seek to icount - 1 (restore the snapshot at or before it, run
 *       forward to it);
 *   bc: from the snapshot before the current position, run forward to it
 *       noting every breakpoint/watchpoint hit (GDB_SCAN); seek to the
 *       last one; none: scan the interval before, down to the start.
 */
#include "traces/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/backend.h"
#include "core/cli.h"
#include "core/linuxboot.h"
#include "core/machine.h"
#include "core/util.h"
#include "traces/gdb_target.h"
#include "traces/replay.h"
#include "traces/rsp.h"

#define GDB_MAX_BP 64
#define GDB_MAX_WP 4
#define GDB_MAX_MEM 2048 /* bytes per m/M packet (PacketSize allows it) */

enum gdb_mode {
	GDB_WAIT,     /* no gdb yet: the machine waits at its first stop */
	GDB_STOPPED,  /* serving packets */
	GDB_RUNNING,  /* c or s: report the next stop */
	GDB_SEEK,     /* running forward to a seek target, then report */
	GDB_SCAN,     /* bc: noting hits on the way to scan_end */
	GDB_DETACHED, /* no debugger stops any more */
};

enum gdb_why { WHY_TRAP, WHY_INT, WHY_BREAK, WHY_WATCH, WHY_BEGIN };

struct gdb_watch {
	uint64_t addr;
	unsigned len;
	char type;    /* '2' write (value compared), '3' read, '4' access */
	uint8_t old[8];
};

struct gdb {
	struct machine *m;
	int lfd, fd;
	bool no_ack;
	struct rsp_parser rx;
	uint8_t in[4096];
	size_t in_pos, in_len;
	char *out;            /* the last packet sent (for '-') */
	size_t out_len;
	enum gdb_mode mode;
	enum gdb_why why;
	uint64_t watch_hit;
	char watch_type;      /* of the watchpoint that stopped us */
	int acc_hit;          /* wp[] index of a read/access hit, or -1 */
	uint64_t bp[GDB_MAX_BP];
	unsigned nbp;
	struct gdb_watch wp[GDB_MAX_WP];
	unsigned nwp;
	uint64_t resume_icount; /* no breakpoint fires where we resume */
	uint64_t scan_from, scan_end, last_hit;
	bool have_hit, rewound;
	/* Why the last hit noted by a scan stopped (reported when bc lands
	 * there): a breakpoint, or which watchpoint. */
	enum gdb_why hit_why;
	char hit_type;
	uint64_t hit_addr;
};

static uint64_t gdb_icount(struct gdb *g)
{
	return g->m->backend->icount(g->m->backend_priv);
}

/* --- the connection ------------------------------------------------------ */

static void gdb_close_client(struct gdb *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
}

static void gdb_write(struct gdb *g, const char *p, size_t n)
{
	while (n && g->fd >= 0) {
		ssize_t k = send(g->fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			gdb_close_client(g);
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

static void gdb_send(struct gdb *g, const char *payload, size_t len)
{
	size_t cap = 2 * len + 8;

	free(g->out);
	g->out = xcalloc(1, cap);
	g->out_len = rsp_frame(g->out, cap, payload, len);
	gdb_write(g, g->out, g->out_len);
}

static void gdb_send_str(struct gdb *g, const char *s)
{
	gdb_send(g, s, strlen(s));
}

/* Refill the input buffer; block when wait. False on EOF or error. */
static bool gdb_fill(struct gdb *g, bool wait)
{
	if (g->in_pos < g->in_len)
		return true;
	for (;;) {
		ssize_t k = recv(g->fd, g->in, sizeof(g->in),
				 wait ? 0 : MSG_DONTWAIT);
		if (k > 0) {
			g->in_pos = 0;
			g->in_len = (size_t)k;
			return true;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		gdb_close_client(g);
		return false;
	}
}

/* --- stops and resumes --------------------------------------------------- */

static bool gdb_check(void *opaque, uint64_t pc, uint64_t icount)
{
	struct gdb *g = opaque;
	uint8_t now[8];

	if (g->acc_hit >= 0) {
		g->why = WHY_WATCH;
		g->watch_hit = g->wp[g->acc_hit].addr;
		g->watch_type = g->wp[g->acc_hit].type;
		g->acc_hit = -1;
		return true;
	}
	for (unsigned i = 0; i < g->nwp; i++) {
		struct gdb_watch *w = &g->wp[i];
		if (w->type != '2' ||
		    gdb_mem_read(g->m, w->addr, now, w->len) != w->len ||
		    !memcmp(now, w->old, w->len))
			continue;
		memcpy(w->old, now, w->len);
		g->why = WHY_WATCH;
		g->watch_hit = w->addr;
		g->watch_type = '2';
		return true;
	}
	if (icount == g->resume_icount)
		return false;
	for (unsigned i = 0; i < g->nbp; i++) {
		if (g->bp[i] == pc) {
			g->why = WHY_BREAK;
			return true;
		}
	}
	return false;
}

/* The CPU noted a read or access of watch index (the read/access
 * watchpoints in wp[] order); gdb_check stops at the next boundary. */
static void gdb_hit(void *opaque, unsigned index, bool write)
{
	struct gdb *g = opaque;

	(void)write;
	for (unsigned i = 0; i < g->nwp; i++)
		if (g->wp[i].type != '2' && !index--) {
			if (g->acc_hit < 0)
				g->acc_hit = (int)i;
			return;
		}
}

/* Run on until icount reaches limit (UINT64_MAX: no limit), stopping at
 * breakpoints and watchpoints when checked. */
static void gdb_resume(struct gdb *g, enum gdb_mode mode, uint64_t limit,
		       bool checked)
{
	struct backend_debug d = { .icount_limit = limit, .opaque = g };

	for (unsigned i = 0; i < g->nwp; i++) {
		struct gdb_watch *w = &g->wp[i];
		if (w->type == '2') {
			gdb_mem_read(g->m, w->addr, w->old, w->len);
			continue;
		}
		d.watch[d.nwatch++] = (struct backend_watch){
			w->addr, w->len, true, w->type == '4'
		};
	}
	g->acc_hit = -1;
	d.hit = gdb_hit;
	if (checked && (g->nbp || g->nwp))
		d.check = gdb_check;
	g->why = WHY_TRAP;
	g->mode = mode;
	g->m->backend->set_debug(g->m->backend_priv, &d);
}

static void gdb_stop_reply(struct gdb *g)
{
	char buf[64];

	if (g->why == WHY_WATCH)
		snprintf(buf, sizeof(buf), "T05%s:%llx;thread:01;",
			 g->watch_type == '3'   ? "rwatch"
			 : g->watch_type == '4' ? "awatch"
						: "watch",
			 (unsigned long long)g->watch_hit);
	else if (g->why == WHY_BEGIN)
		snprintf(buf, sizeof(buf), "T05replaylog:begin;thread:01;");
	else
		snprintf(buf, sizeof(buf), "T%02xthread:01;",
			 g->why == WHY_INT ? 2 : 5);
	gdb_send_str(g, buf);
}

/* Restore the snapshot at or before icount; false ends the session. */
static bool gdb_seek(struct gdb *g, uint64_t icount, uint64_t *at)
{
	char err[256];

	if (replay_seek(g->m->replay, g->m, icount, at, err, sizeof(err))) {
		fprintf(stderr, "lucid: gdb: %s\n", err);
		machine_request_exit(g->m, MACHINE_EXIT_ERROR, "seek failed");
		g->mode = GDB_DETACHED;
		return false;
	}
	g->rewound = true;
	return true;
}

/* bs / bc from the current position. */
static void gdb_reverse(struct gdb *g, bool step)
{
	uint64_t n = gdb_icount(g), at;

	if (n == 0 || !gdb_seek(g, n - 1, &at)) {
		if (g->mode != GDB_DETACHED) {
			g->why = WHY_BEGIN;
			gdb_stop_reply(g);
		}
		return;
	}
	if (step) {
		gdb_resume(g, GDB_SEEK, n - 1, false);
		return;
	}
	g->scan_from = at;
	g->scan_end = n;
	g->have_hit = false;
	g->resume_icount = UINT64_MAX; /* a hit right at the snapshot counts */
	gdb_resume(g, GDB_SCAN, n, true);
}

/* A stop during bc's scan: note a hit, or finish the interval. */
static void gdb_scan_stop(struct gdb *g)
{
	uint64_t n = gdb_icount(g), at;

	if (n < g->scan_end) {
		g->last_hit = n;
		g->have_hit = true;
		g->hit_why = g->why;
		g->hit_type = g->watch_type;
		g->hit_addr = g->watch_hit;
		g->resume_icount = n;
		gdb_resume(g, GDB_SCAN, g->scan_end, true);
		return;
	}
	if (g->have_hit) {
		if (gdb_seek(g, g->last_hit, &at))
			gdb_resume(g, GDB_SEEK, g->last_hit, false);
		g->why = g->hit_why;
		g->watch_type = g->hit_type;
		g->watch_hit = g->hit_addr;
		return;
	}
	if (g->scan_from == 0) { /* nothing since the start: stay there */
		if (gdb_seek(g, 0, &at))
			gdb_resume(g, GDB_SEEK, 0, false);
		g->why = WHY_BEGIN;
		return;
	}
	uint64_t end = g->scan_from;
	if (!gdb_seek(g, end - 1, &at))
		return;
	g->scan_from = at;
	g->scan_end = end;
	g->resume_icount = UINT64_MAX;
	gdb_resume(g, GDB_SCAN, end, true);
}

/* --- commands ------------------------------------------------------------ */

static void gdb_reply_hex(struct gdb *g, const void *data, size_t n)
{
	char *buf = xcalloc(1, 2 * n + 1);
	rsp_hex_encode(buf, data, n);
	gdb_send(g, buf, 2 * n);
	free(buf);
}

/* "ADDR,LEN" then sep: false if malformed. */
static bool parse_addr_len(const char *p, uint64_t *addr, uint64_t *len,
			   const char **rest)
{
	if (rsp_hex_u64(p, &p, addr) || *p++ != ',' ||
	    rsp_hex_u64(p, &p, len))
		return false;
	*rest = p;
	return true;
}

static void gdb_cmd_mem(struct gdb *g, const char *p, size_t plen, char op)
{
	uint64_t addr, len;
	const char *rest;
	uint8_t buf[GDB_MAX_MEM];

	if (!parse_addr_len(p, &addr, &len, &rest) || len > GDB_MAX_MEM ||
	    (op != 'm' && *rest++ != ':')) {
		gdb_send_str(g, "E01");
		return;
	}
	if (op == 'm') {
		size_t n = gdb_mem_read(g->m, addr, buf, len);
		if (!n && len)
			gdb_send_str(g, "E14");
		else
			gdb_reply_hex(g, buf, n);
		return;
	}
	size_t avail = plen - (size_t)(rest - (p - 1));
	if (op == 'M' ? (avail < 2 * len || rsp_hex_decode(buf, rest, len))
		      : avail < len) {
		gdb_send_str(g, "E01");
		return;
	}
	if (op == 'X')
		memcpy(buf, rest, len);
	gdb_send_str(g, gdb_mem_write(g->m, addr, buf, len) == len ? "OK"
								  : "E14");
}

static void gdb_cmd_break(struct gdb *g, const char *p, bool insert)
{
	char type = p[0];
	uint64_t addr, kind;
	const char *rest;

	if (!p[0] || p[1] != ',' || !parse_addr_len(p + 2, &addr, &kind, &rest)) {
		gdb_send_str(g, "E01");
		return;
	}
	if (type == '0' || type == '1') {
		unsigned i = 0;
		while (i < g->nbp && g->bp[i] != addr)
			i++;
		if (insert && i == g->nbp) {
			if (g->nbp == GDB_MAX_BP) {
				gdb_send_str(g, "E28");
				return;
			}
			g->bp[g->nbp++] = addr;
		} else if (!insert && i < g->nbp) {
			g->bp[i] = g->bp[--g->nbp];
		}
		gdb_send_str(g, "OK");
		return;
	}
	if (type < '2' || type > '4' || kind == 0 || kind > 8) {
		gdb_send_str(g, "");
		return;
	}
	unsigned i = 0;
	while (i < g->nwp && (g->wp[i].addr != addr || g->wp[i].len != kind ||
			      g->wp[i].type != type))
		i++;
	if (insert && i == g->nwp) {
		/* GDB_MAX_WP: also what the CPU and backend_debug can watch. */
		if (g->nwp == GDB_MAX_WP) {
			gdb_send_str(g, "E28");
			return;
		}
		g->wp[g->nwp++] = (struct gdb_watch){ .addr = addr,
						      .len = (unsigned)kind,
						      .type = type };
	} else if (!insert && i < g->nwp) {
		g->wp[i] = g->wp[--g->nwp];
	}
	gdb_send_str(g, "OK");
}

static void gdb_cmd_regs(struct gdb *g, const char *p, char op)
{
	uint8_t buf[GDB_REGS_BYTES];
	uint64_t n;
	const char *rest;

	if (op == 'g') {
		gdb_reply_hex(g, buf, gdb_regs_get(g->m, buf));
		return;
	}
	if (op == 'p') {
		unsigned len;
		if (rsp_hex_u64(p, NULL, &n) || n >= GDB_NREGS ||
		    !(len = gdb_reg_get(g->m, (unsigned)n, buf)))
			gdb_send_str(g, "E01");
		else
			gdb_reply_hex(g, buf, len);
		return;
	}
	if (op == 'P') {
		if (rsp_hex_u64(p, &rest, &n) || *rest++ != '=' || n >= GDB_NREGS) {
			gdb_send_str(g, "E01");
			return;
		}
		unsigned len = (unsigned)strlen(rest) / 2;
		bool ok = len <= 10 && !rsp_hex_decode(buf, rest, len) &&
			  gdb_reg_set(g->m, (unsigned)n, buf, len);
		gdb_send_str(g, ok ? "OK" : "E01");
		return;
	}
	/* G: the general registers, in order; segments and x87 as sent
	 * are checked against what is there (selectors are not loadable). */
	size_t len = strlen(p) / 2, off = 0;
	if (len > sizeof(buf) || rsp_hex_decode(buf, p, len)) {
		gdb_send_str(g, "E01");
		return;
	}
	for (unsigned r = 0; r < 10 && off + 4 <= len; r++, off += 4)
		gdb_reg_set(g->m, r, buf + off, 4);
	gdb_send_str(g, "OK");
}

/* The ELF file the machine booted (--kernel), for gdb's symbols: NULL if
 * there is none. */
static const char *gdb_exec_file(struct gdb *g)
{
	return g->m->boot ? g->m->boot->elf_path : NULL;
}

/* qXfer:OBJECT:read:ANNEX:OFF,LEN with args pointing at ANNEX. */
static void gdb_xfer(struct gdb *g, const char *args, const char *data)
{
	const char *colon = strchr(args, ':');
	uint64_t off, len;
	const char *rest;

	if (!colon || !parse_addr_len(colon + 1, &off, &len, &rest) ||
	    *rest) {
		gdb_send_str(g, "E01");
		return;
	}
	char *buf = xcalloc(1, RSP_XFER_MAX + 1);
	gdb_send(g, buf, rsp_xfer_reply(buf, data, strlen(data), off, len));
	free(buf);
}

static void gdb_cmd_query(struct gdb *g, const char *p)
{
	static const char features[] = "qXfer:features:read:";
	static const char exec_file[] = "qXfer:exec-file:read:";

	if (!strncmp(p, "qSupported", 10)) {
		char buf[192];
		snprintf(buf, sizeof(buf),
			 "PacketSize=%x;qXfer:features:read+;QStartNoAckMode+;vContSupported+%s%s",
			 RSP_MAX_PACKET,
			 g->m->replay ? ";ReverseStep+;ReverseContinue+" : "",
			 gdb_exec_file(g) ? ";qXfer:exec-file:read+" : "");
		gdb_send_str(g, buf);
	} else if (!strncmp(p, features, sizeof(features) - 1)) {
		const char *annex = p + sizeof(features) - 1;
		if (strncmp(annex, "target.xml:", 11))
			gdb_send_str(g, "E00");
		else
			gdb_xfer(g, annex, gdb_target_xml);
	} else if (!strncmp(p, exec_file, sizeof(exec_file) - 1)) {
		/* The annex is a pid (one process here): any will do. */
		if (!gdb_exec_file(g))
			gdb_send_str(g, "E00");
		else
			gdb_xfer(g, p + sizeof(exec_file) - 1,
				 gdb_exec_file(g));
	} else if (!strcmp(p, "qAttached")) {
		gdb_send_str(g, "1");
	} else if (!strcmp(p, "qC")) {
		gdb_send_str(g, "QC01");
	} else if (!strcmp(p, "qfThreadInfo")) {
		gdb_send_str(g, "m01");
	} else if (!strcmp(p, "qsThreadInfo")) {
		gdb_send_str(g, "l");
	} else if (!strncmp(p, "qSymbol", 7)) {
		gdb_send_str(g, "OK");
	} else {
		gdb_send_str(g, "");
	}
}

/* c, s, and what vCont asks for: one thread, so its first action. */
static void gdb_cmd_resume(struct gdb *g, char action)
{
	uint64_t n = gdb_icount(g);

	g->resume_icount = n;
	if (action == 's' || action == 'S')
		gdb_resume(g, GDB_RUNNING, n + 1, false);
	else
		gdb_resume(g, GDB_RUNNING, UINT64_MAX, true);
}

static void gdb_detach(struct gdb *g)
{
	struct backend_debug none = { .icount_limit = UINT64_MAX };

	g->nbp = g->nwp = 0;
	g->mode = GDB_DETACHED;
	g->m->backend->set_debug(g->m->backend_priv, &none);
	gdb_close_client(g);
}

static void gdb_kill(struct gdb *g)
{
	machine_request_exit(g->m, MACHINE_EXIT_OK, "killed by gdb");
	gdb_detach(g);
}

static void gdb_handle_packet(struct gdb *g, const char *p, size_t len)
{
	switch (p[0]) {
	case '?':
		gdb_stop_reply(g);
		return;
	case 'q':
		gdb_cmd_query(g, p);
		return;
	case 'Q':
		if (!strcmp(p, "QStartNoAckMode")) {
			gdb_send_str(g, "OK");
			g->no_ack = true;
			return;
		}
		break;
	case 'H':
	case 'T':
		gdb_send_str(g, "OK");
		return;
	case 'g':
	case 'G':
	case 'p':
	case 'P':
		gdb_cmd_regs(g, p + 1, p[0]);
		return;
	case 'm':
	case 'M':
	case 'X':
		gdb_cmd_mem(g, p + 1, len, p[0]);
		return;
	case 'Z':
	case 'z':
		gdb_cmd_break(g, p + 1, p[0] == 'Z');
		return;
	case 'c':
	case 's':
	case 'C':
	case 'S':
		gdb_cmd_resume(g, p[0]);
		return;
	case 'b':
		if (g->m->replay && (p[1] == 's' || p[1] == 'c') && !p[2]) {
			gdb_reverse(g, p[1] == 's');
			return;
		}
		break;
	case 'v':
		if (!strcmp(p, "vCont?")) {
			gdb_send_str(g, "vCont;c;C;s;S");
			return;
		}
		if (!strncmp(p, "vCont;", 6) && strchr("cCsS", p[6]) && p[6]) {
			gdb_cmd_resume(g, p[6]);
			return;
		}
		if (!strncmp(p, "vKill", 5)) {
			gdb_send_str(g, "OK");
			gdb_kill(g);
			return;
		}
		break;
	case 'k':
		gdb_kill(g);
		return;
	case 'D':
		gdb_send_str(g, "OK");
		gdb_detach(g);
		return;
	}
	gdb_send_str(g, ""); /* not supported */
}

/* Serve packets while stopped. gdb going away detaches it. */
static void gdb_serve(struct gdb *g)
{
	while (g->mode == GDB_STOPPED) {
		if (g->fd < 0 || !gdb_fill(g, true)) {
			gdb_detach(g);
			return;
		}
		uint8_t c = g->in[g->in_pos++];
		switch (rsp_feed(&g->rx, c)) {
		case RSP_PACKET:
			if (!g->no_ack)
				gdb_write(g, "+", 1);
			gdb_handle_packet(g, g->rx.buf, g->rx.len);
			break;
		case RSP_BAD:
			gdb_write(g, "-", 1);
			break;
		case RSP_NAK:
			if (g->out)
				gdb_write(g, g->out, g->out_len);
			break;
		default:
			break;
		}
	}
}

static bool gdb_accept(struct gdb *g)
{
	for (;;) {
		int fd = accept(g->lfd, NULL, NULL);
		if (fd >= 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			g->fd = fd;
			rsp_init(&g->rx);
			g->no_ack = false;
			g->in_pos = g->in_len = 0;
			return true;
		}
		if (errno != EINTR)
			return false;
	}
}

bool gdb_stopped(struct gdb *g, struct machine *m)
{
	g->rewound = false;
	switch (g->mode) {
	case GDB_WAIT:
		fprintf(stderr, "gdb: stopped at instruction %llu, waiting for gdb\n",
			(unsigned long long)gdb_icount(g));
		if (!gdb_accept(g)) {
			gdb_detach(g);
			return false;
		}
		g->why = WHY_TRAP;
		break;
	case GDB_RUNNING:
	case GDB_SEEK:
		gdb_stop_reply(g);
		break;
	case GDB_SCAN:
		gdb_scan_stop(g); /* runs on: scanning or seeking */
		return g->rewound;
	case GDB_STOPPED:
	case GDB_DETACHED:
		return false;
	}
	g->mode = GDB_STOPPED;
	gdb_serve(g);
	return g->rewound;
}

void gdb_poll(struct gdb *g, struct machine *m)
{
	if (g->mode != GDB_RUNNING || g->fd < 0)
		return;
	while (gdb_fill(g, false)) {
		/* Only the interrupt matters while running; packets and acks
		 * in between are dropped (all-stop, one thread). */
		if (rsp_feed(&g->rx, g->in[g->in_pos++]) == RSP_INTERRUPT) {
			struct backend_debug d = {
				.icount_limit = gdb_icount(g),
			};
			m->backend->set_debug(m->backend_priv, &d);
			g->why = WHY_INT;
			return;
		}
	}
	if (g->fd < 0)
		gdb_detach(g);
}

void gdb_finish(struct machine *m)
{
	struct gdb *g = m->gdb;
	char buf[16];

	if (!g)
		return;
	if (g->fd >= 0) {
		snprintf(buf, sizeof(buf), "W%02x", m->exit_code & 0xff);
		gdb_send_str(g, buf);
		gdb_close_client(g);
	}
	close(g->lfd);
	free(g->out);
	free(g);
	m->gdb = NULL;
}

int gdb_start(struct machine *m, const char *addr, uint64_t stop_at,
	      char *err, size_t errlen)
{
	const char *colon = strrchr(addr, ':');
	unsigned port;
	char host[64];

	if (!colon || (size_t)(colon - addr) >= sizeof(host) ||
	    cli_parse_uint(colon + 1, 0, 65535, &port)) {
		snprintf(err, errlen, "--gdb %s: want 127.0.0.1:PORT", addr);
		return -1;
	}
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = 0;
	if (strcmp(host, "127.0.0.1") && strcmp(host, "localhost")) {
		snprintf(err, errlen,
			 "--gdb %s: the stub listens on loopback only (127.0.0.1:PORT)",
			 addr);
		return -1;
	}
	if (!m->backend->set_debug) {
		snprintf(err, errlen, "--gdb: needs the interpreter backend");
		return -1;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	int one = 1;
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1) ||
	    getsockname(fd, (struct sockaddr *)&sa, &salen)) {
		snprintf(err, errlen, "--gdb %s: %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct gdb *g = xcalloc(1, sizeof(*g));
	g->acc_hit = -1;
	g->m = m;
	g->lfd = fd;
	g->fd = -1;
	g->mode = GDB_WAIT;
	rsp_init(&g->rx);
	m->gdb = g;
	fprintf(stderr, "gdb: listening on 127.0.0.1:%u\n",
		(unsigned)ntohs(sa.sin_port));
	struct backend_debug d = { .icount_limit = stop_at };
	m->backend->set_debug(m->backend_priv, &d);
	return 0;
}
