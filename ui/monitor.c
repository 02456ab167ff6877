/* ui/monitor.c: the monitor console: parsing, the commands, and the line
 * transport (stdin/stdout or one TCP client on loopback). */
#include "ui/monitor.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "accel/backend.h"
#include "core/cli.h"
#include "core/machine.h"
#include "core/util.h"
#include "ui/keyq.h"
#include "ui/script.h"
#include "ui/ui.h"

#define MONITOR_LINE 1024

static const struct {
	const char *name;
	enum monitor_op op;
	char arg; /* 'n' none, 'r' required, 'o' optional */
} monitor_cmds[] = {
	{ "info", MONITOR_INFO, 'n' },
	{ "stop", MONITOR_STOP, 'n' },
	{ "cont", MONITOR_CONT, 'n' },
	{ "c", MONITOR_CONT, 'n' },
	{ "screenshot", MONITOR_SCREENSHOT, 'r' },
	{ "screenshot-window", MONITOR_SCREENSHOT_WINDOW, 'r' },
	{ "sendkey", MONITOR_SENDKEY, 'r' },
	{ "type", MONITOR_TYPE, 'r' },
	{ "swap-floppy", MONITOR_SWAP_FLOPPY, 'o' },
	{ "savevm", MONITOR_SAVEVM, 'r' },
	{ "loadvm", MONITOR_LOADVM, 'r' },
	{ "accel", MONITOR_ACCEL, 'o' },
	{ "quit", MONITOR_QUIT, 'n' },
	{ "q", MONITOR_QUIT, 'n' },
	{ "help", MONITOR_HELP, 'n' },
};

static const char monitor_help[] =
	"info                     machine, CPU state, virtual time, instructions\n"
	"stop | cont              pause / resume\n"
	"screenshot FILE          the picture as a PNG\n"
	"screenshot-window FILE   the window as shown (with a window)\n"
	"sendkey COMBO            press keys together, e.g. ctrl+alt+del\n"
	"type \"TEXT\"              type text (US layout; \\n \\t \\\\ \\\" escapes)\n"
	"swap-floppy [FILE]       FILE or the next --floppies image into A:\n"
	"savevm FILE | loadvm FILE   write / restore a snapshot\n"
	"accel [interp|kvm]       switch the CPU backend (bare: show it)\n"
	"quit                     end the run\n";

int monitor_parse(const char *line, struct monitor_cmd *cmd, char *err,
		  size_t errlen)
{
	const char *p = line, *word, *why = NULL;
	size_t wlen;
	unsigned i;

	memset(cmd, 0, sizeof(*cmd));
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 1;
	word = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	wlen = (size_t)(p - word);
	while (isspace((unsigned char)*p))
		p++;
	for (i = 0; i < ARRAY_SIZE(monitor_cmds); i++)
		if (strlen(monitor_cmds[i].name) == wlen &&
		    !strncmp(monitor_cmds[i].name, word, wlen))
			break;
	if (i == ARRAY_SIZE(monitor_cmds)) {
		snprintf(err, errlen, "unknown command '%.*s' (try help)",
			 (int)(wlen > 40 ? 40 : wlen), word);
		return -1;
	}
	cmd->op = monitor_cmds[i].op;
	if (monitor_cmds[i].arg == 'n') {
		if (*p) {
			snprintf(err, errlen, "%s takes no argument",
				 monitor_cmds[i].name);
			return -1;
		}
		return 0;
	}
	if (!*p) {
		if (monitor_cmds[i].arg == 'o')
			return 0;
		snprintf(err, errlen, "%s needs an argument",
			 monitor_cmds[i].name);
		return -1;
	}
	/* Trailing blanks are not part of a bare word. */
	char *trimmed = xstrdup(p);
	size_t n = strlen(trimmed);
	while (n && isspace((unsigned char)trimmed[n - 1]))
		trimmed[--n] = 0;
	cmd->arg = script_parse_arg(trimmed, &why);
	free(trimmed);
	if (!cmd->arg || !cmd->arg[0]) {
		snprintf(err, errlen, "%s: %s", monitor_cmds[i].name,
			 why ? why : "empty argument");
		monitor_cmd_free(cmd);
		return -1;
	}
	if ((cmd->op == MONITOR_SENDKEY && !keyq_combo_valid(cmd->arg)) ||
	    (cmd->op == MONITOR_TYPE && !keyq_text_valid(cmd->arg))) {
		snprintf(err, errlen, "%s: %s", monitor_cmds[i].name,
			 cmd->op == MONITOR_SENDKEY
				 ? "unknown key in the combination"
				 : "a character with no key on a US keyboard");
		monitor_cmd_free(cmd);
		return -1;
	}
	return 0;
}

void monitor_cmd_free(struct monitor_cmd *cmd)
{
	free(cmd->arg);
	cmd->arg = NULL;
}

/* --- transport ------------------------------------------------------------- */

struct monitor {
	bool tcp;
	int lfd, cfd;       /* tcp: listening and client sockets (-1: none) */
	bool eof;           /* stdio: stdin closed */
	char buf[MONITOR_LINE];
	size_t len;
	bool overlong;      /* discarding the rest of a too-long line */
};

static int monitor_out_fd(const struct monitor *mon)
{
	return mon->tcp ? mon->cfd : STDOUT_FILENO;
}

static void monitor_printf(struct monitor *mon, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void monitor_printf(struct monitor *mon, const char *fmt, ...)
{
	char text[2048];
	va_list ap;
	int fd = monitor_out_fd(mon), n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (fd < 0 || n <= 0)
		return;
	if (!mon->tcp)
		fflush(stdout); /* keep order with stdio users of stdout */
	for (size_t off = 0, len = (size_t)n < sizeof(text) ? (size_t)n
							     : sizeof(text) - 1;
	     off < len;) {
		ssize_t w = mon->tcp ? send(fd, text + off, len - off,
					    MSG_NOSIGNAL)
				     : write(fd, text + off, len - off);
		if (w <= 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a gone client: its next read notices */
		off += (size_t)w;
	}
}

static void monitor_prompt(struct monitor *mon)
{
	if (mon->tcp || isatty(STDIN_FILENO))
		monitor_printf(mon, "(lucid) ");
}

struct monitor *monitor_open(const char *spec, char *err, size_t errlen)
{
	static const char tcp_prefix[] = "tcp:127.0.0.1:";
	struct monitor *mon;
	unsigned port;

	if (!strcmp(spec, "stdio")) {
		mon = xcalloc(1, sizeof(*mon));
		mon->lfd = mon->cfd = -1;
		monitor_prompt(mon);
		return mon;
	}
	if (strncmp(spec, tcp_prefix, sizeof(tcp_prefix) - 1) ||
	    cli_parse_uint(spec + sizeof(tcp_prefix) - 1, 1, 65535, &port)) {
		snprintf(err, errlen,
			 "--monitor %s: want stdio or tcp:127.0.0.1:PORT", spec);
		return NULL;
	}
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		snprintf(err, errlen, "--monitor %s: %s", spec,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	mon = xcalloc(1, sizeof(*mon));
	mon->tcp = true;
	mon->lfd = fd;
	mon->cfd = -1;
	return mon;
}

void monitor_close(struct monitor *mon)
{
	if (!mon)
		return;
	if (mon->cfd >= 0)
		close(mon->cfd);
	if (mon->lfd >= 0)
		close(mon->lfd);
	free(mon);
}

/* Bytes that arrived, without waiting: >0, 0 nothing, -1 closed. */
static ssize_t monitor_read(struct monitor *mon, char *buf, size_t room)
{
	ssize_t n;

	if (mon->tcp) {
		if (mon->cfd < 0) {
			mon->cfd = accept4(mon->lfd, NULL, NULL,
					   SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (mon->cfd < 0)
				return 0;
			mon->len = 0;
			monitor_printf(mon, "Lucid monitor; help lists the commands\n");
			monitor_prompt(mon);
		}
		n = recv(mon->cfd, buf, room, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (n <= 0) {
			close(mon->cfd); /* wait for the next client */
			mon->cfd = -1;
		}
		return n > 0 ? n : 0;
	}
	if (mon->eof)
		return 0;
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	if (poll(&p, 1, 0) <= 0)
		return 0;
	n = read(STDIN_FILENO, buf, room);
	if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR))) {
		mon->eof = true; /* the machine runs on without a console */
		return -1;
	}
	return n > 0 ? n : 0;
}

/* --- commands -------------------------------------------------------------- */

static const char *cpu_mode(const struct cpu_state *s)
{
	if (!(s->cr0 & 1))
		return "real mode";
	if (s->rflags & (1u << 17))
		return "virtual-8086 mode";
	return "protected mode";
}

static void monitor_info(struct monitor *mon, struct ui *ui)
{
	struct machine *m = ui->m;
	struct cpu_state *s = &m->cpu_state;
	uint64_t icount = m->backend->icount(m->backend_priv);

	m->backend->get_state(m->backend_priv, s);
	monitor_printf(mon, "machine: %s CPU at %u MHz, %llu KiB RAM, backend %s\n",
		       m->cfg.cpu->desc, m->cfg.mhz,
		       (unsigned long long)(m->cfg.mem_size >> 10),
		       m->backend->name);
	monitor_printf(mon, "state: %s, display %s%s%s\n",
		       ui->paused ? "paused" : "running",
		       display_has_window(ui->display) ? "sdl" : "none",
		       m->record ? ", recording" : "",
		       m->replay ? ", replaying" : "");
	monitor_printf(mon, "cpu: %s, CS:EIP %04x:%08llx SS:ESP %04x:%08llx EFLAGS %08llx CR0 %08llx\n",
		       cpu_mode(s), s->seg[SEG_CS].sel,
		       (unsigned long long)s->rip, s->seg[SEG_SS].sel,
		       (unsigned long long)s->gpr[4],
		       (unsigned long long)s->rflags,
		       (unsigned long long)s->cr0);
	monitor_printf(mon, "cpu: EAX %08llx EBX %08llx ECX %08llx EDX %08llx ESI %08llx EDI %08llx EBP %08llx\n",
		       (unsigned long long)s->gpr[0], (unsigned long long)s->gpr[3],
		       (unsigned long long)s->gpr[1], (unsigned long long)s->gpr[2],
		       (unsigned long long)s->gpr[6], (unsigned long long)s->gpr[7],
		       (unsigned long long)s->gpr[5]);
	monitor_printf(mon, "time: %.3f ms of guest time, %llu instructions\n",
		       clock_now(&m->clock) / 1e6, (unsigned long long)icount);
	if (m->accel_note[0])
		monitor_printf(mon, "accel auto: %s\n", m->accel_note);
}

static void monitor_exec(struct monitor *mon, struct ui *ui,
			 const struct monitor_cmd *c)
{
	char err[256];
	const char *now = NULL;
	int rc = 0;

	switch (c->op) {
	case MONITOR_INFO:
		monitor_info(mon, ui);
		break;
	case MONITOR_STOP:
		ui_set_paused(ui, true);
		break;
	case MONITOR_CONT:
		ui_set_paused(ui, false);
		break;
	case MONITOR_SCREENSHOT:
		rc = ui_screenshot(ui, c->arg, NULL, 0, err, sizeof(err));
		break;
	case MONITOR_SCREENSHOT_WINDOW:
		rc = ui_screenshot_window(ui, c->arg, err, sizeof(err));
		break;
	case MONITOR_SENDKEY:
		rc = ui_sendkey(ui, c->arg, err, sizeof(err));
		break;
	case MONITOR_TYPE:
		rc = ui_type(ui, c->arg, err, sizeof(err));
		break;
	case MONITOR_SWAP_FLOPPY:
		rc = ui_swap_floppy(ui, c->arg, &now, err, sizeof(err));
		if (!rc)
			monitor_printf(mon, "A: %s\n", now);
		break;
	case MONITOR_SAVEVM:
		rc = ui_savevm(ui, c->arg, err, sizeof(err));
		break;
	case MONITOR_LOADVM:
		rc = ui_loadvm(ui, c->arg, err, sizeof(err));
		break;
	case MONITOR_ACCEL:
		if (c->arg)
			rc = machine_accel_select(ui->m, c->arg, err,
						  sizeof(err));
		if (!rc)
			monitor_printf(mon, "accel: %s%s%s\n",
				       ui->m->backend->name,
				       ui->m->accel_note[0] ? "; auto: " : "",
				       ui->m->accel_note);
		break;
	case MONITOR_QUIT:
		ui_quit(ui, "monitor: quit");
		break;
	case MONITOR_HELP:
		monitor_printf(mon, "%s", monitor_help);
		break;
	}
	if (rc)
		monitor_printf(mon, "error: %s\n", err);
}

static void monitor_line(struct monitor *mon, struct ui *ui, const char *line)
{
	struct monitor_cmd cmd;
	char err[256];
	int rc = monitor_parse(line, &cmd, err, sizeof(err));

	if (rc < 0)
		monitor_printf(mon, "error: %s\n", err);
	else if (rc == 0)
		monitor_exec(mon, ui, &cmd);
	monitor_cmd_free(&cmd);
	monitor_prompt(mon);
}

void monitor_poll(struct monitor *mon, struct ui *ui)
{
	for (;;) {
		ssize_t n = monitor_read(mon, mon->buf + mon->len,
					 sizeof(mon->buf) - 1 - mon->len);
		if (n <= 0)
			return;
		mon->len += (size_t)n;
		char *start = mon->buf, *nl;
		while ((nl = memchr(start, '\n', mon->len - (size_t)(start - mon->buf)))) {
			*nl = 0;
			if (nl > start && nl[-1] == '\r')
				nl[-1] = 0;
			if (!mon->overlong)
				monitor_line(mon, ui, start);
			mon->overlong = false;
			start = nl + 1;
		}
		mon->len -= (size_t)(start - mon->buf);
		memmove(mon->buf, start, mon->len);
		if (mon->len == sizeof(mon->buf) - 1) {
			monitor_printf(mon, "error: line too long\n");
			mon->overlong = true;
			mon->len = 0;
		}
		if (ui->m->stop)
			return;
	}
}
