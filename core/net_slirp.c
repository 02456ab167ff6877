/* core/net_slirp.c: libslirp user networking as the hub's backend.
 *
 * slirp is driven only from net_poll, i.e. at sync points: frames from the
 * guest go in there, its sockets are polled there without waiting, its
 * timers fire there, and its clock is the machine's virtual clock, so the
 * guest sees slirp's timeouts (TCP, ARP, DHCP leases) in guest time.
 * The guest network is slirp's default: 10.0.2.0/24, gateway and host
 * 10.0.2.2, DNS 10.0.2.3, DHCP from 10.0.2.15. No IPv6.
 */
#include "core/net.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <slirp/libslirp.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"

#define SLIRP_MAX_TIMERS 8

struct slirp_timer {
	struct net_slirp *s;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms; /* virtual ms, -1 = not armed */
	bool used;
};

struct net_slirp {
	struct net *net;
	struct clock *clock;
	struct log *log;
	Slirp *slirp;
	struct pollfd *fds;
	size_t nfds, cap;
	struct slirp_timer timer[SLIRP_MAX_TIMERS];
};

/* --- callbacks ----------------------------------------------------------- */

static ssize_t cb_send_packet(const void *buf, size_t len, void *opaque)
{
	struct net_slirp *s = opaque;
	net_host_receive(s->net, buf, len);
	return (ssize_t)len;
}

static void cb_guest_error(const char *msg, void *opaque)
{
	struct net_slirp *s = opaque;
	log_debug(s->log, NET, "slirp: guest error: %s", msg);
}

static int64_t cb_clock_get_ns(void *opaque)
{
	struct net_slirp *s = opaque;
	return (int64_t)clock_now(s->clock);
}

static void *cb_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
				 void *opaque)
{
	struct net_slirp *s = opaque;

	for (int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		struct slirp_timer *t = &s->timer[i];
		if (t->used)
			continue;
		*t = (struct slirp_timer){ .s = s, .id = id,
					   .cb_opaque = cb_opaque,
					   .expire_ms = -1, .used = true };
		return t;
	}
	log_warn(s->log, NET, "slirp: out of timers");
	return NULL;
}

static void cb_timer_free(void *timer, void *opaque)
{
	struct slirp_timer *t = timer;
	if (t)
		t->used = false;
}

static void cb_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct slirp_timer *t = timer;
	if (t)
		t->expire_ms = expire_ms;
}

static void cb_poll_fd(int fd, void *opaque)
{
}

static void cb_notify(void *opaque)
{
}

static const SlirpCb slirp_callbacks = {
	.send_packet = cb_send_packet,
	.guest_error = cb_guest_error,
	.clock_get_ns = cb_clock_get_ns,
	.timer_free = cb_timer_free,
	.timer_mod = cb_timer_mod,
	.register_poll_fd = cb_poll_fd,
	.unregister_poll_fd = cb_poll_fd,
	.notify = cb_notify,
	.timer_new_opaque = cb_timer_new_opaque,
};

/* --- polling ------------------------------------------------------------- */

static int add_poll(int fd, int events, void *opaque)
{
	struct net_slirp *s = opaque;
	short ev = 0;

	if (s->nfds == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->fds = xrealloc(s->fds, s->cap * sizeof(*s->fds));
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	s->fds[s->nfds] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)s->nfds++;
}

static int get_revents(int idx, void *opaque)
{
	struct net_slirp *s = opaque;
	short r;
	int ev = 0;

	if (idx < 0 || (size_t)idx >= s->nfds)
		return 0;
	r = s->fds[idx].revents;
	if (r & POLLIN)
		ev |= SLIRP_POLL_IN;
	if (r & POLLOUT)
		ev |= SLIRP_POLL_OUT;
	if (r & POLLPRI)
		ev |= SLIRP_POLL_PRI;
	if (r & POLLERR)
		ev |= SLIRP_POLL_ERR;
	if (r & POLLHUP)
		ev |= SLIRP_POLL_HUP;
	return ev;
}

static void slirp_be_send(void *opaque, const uint8_t *frame, size_t len)
{
	struct net_slirp *s = opaque;
	slirp_input(s->slirp, frame, (int)len);
}

/* Never waits: the machine loop owns the pace. */
static void slirp_be_poll(void *opaque)
{
	struct net_slirp *s = opaque;
	uint32_t timeout = UINT32_MAX;
	int64_t now_ms = (int64_t)(clock_now(s->clock) / 1000000u);

	for (int i = 0; i < SLIRP_MAX_TIMERS; i++) {
		struct slirp_timer *t = &s->timer[i];
		if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
			t->expire_ms = -1;
			slirp_handle_timer(s->slirp, t->id, t->cb_opaque);
		}
	}
	s->nfds = 0;
	slirp_pollfds_fill(s->slirp, &timeout, add_poll, s);
	int rc = s->nfds ? poll(s->fds, (nfds_t)s->nfds, 0) : 0;
	slirp_pollfds_poll(s->slirp, rc < 0, get_revents, s);
}

static void slirp_be_close(void *opaque)
{
	struct net_slirp *s = opaque;

	if (s->slirp)
		slirp_cleanup(s->slirp);
	free(s->fds);
	free(s);
}

/* --- options ------------------------------------------------------------- */

static int parse_addr(const char *p, size_t n, const char *dflt,
		      struct in_addr *a)
{
	char buf[32];

	if (!n)
		return inet_pton(AF_INET, dflt, a) == 1 ? 0 : -1;
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, p, n);
	buf[n] = 0;
	return inet_pton(AF_INET, buf, a) == 1 ? 0 : -1;
}

static int parse_port(const char *p, size_t n, int *port)
{
	long v = 0;

	if (!n || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT (n bytes) */
static int add_hostfwd(struct net_slirp *s, const char *p, size_t n,
		       char *err, size_t errlen)
{
	struct in_addr haddr, gaddr;
	int hport, gport, udp;
	const char *start = p, *end = p + n, *c1, *dash, *c2;

	if (n > 4 && !strncmp(p, "tcp:", 4))
		udp = 0;
	else if (n > 4 && !strncmp(p, "udp:", 4))
		udp = 1;
	else
		goto bad;
	p += 4;
	c1 = memchr(p, ':', (size_t)(end - p));
	dash = c1 ? memchr(c1, '-', (size_t)(end - c1)) : NULL;
	c2 = dash ? memchr(dash, ':', (size_t)(end - dash)) : NULL;
	if (!c2 ||
	    parse_addr(p, (size_t)(c1 - p), "127.0.0.1", &haddr) ||
	    parse_port(c1 + 1, (size_t)(dash - c1 - 1), &hport) ||
	    parse_addr(dash + 1, (size_t)(c2 - dash - 1), "10.0.2.15", &gaddr) ||
	    parse_port(c2 + 1, (size_t)(end - c2 - 1), &gport))
		goto bad;
	errno = 0;
	if (slirp_add_hostfwd(s->slirp, udp, haddr, hport, gaddr, gport) < 0) {
		char h[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &haddr, h, sizeof(h));
		snprintf(err, errlen,
			 "--net: hostfwd %s:%s:%d: cannot listen there (%s)",
			 udp ? "udp" : "tcp", h, hport,
			 errno ? strerror(errno) : "port in use?");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "--net: bad hostfwd '%.*s' (want tcp|udp:[HOSTADDR]:PORT-[GUESTADDR]:PORT)",
		 (int)n, start);
	return -1;
}

int net_slirp_open(struct net *n, struct clock *clock, struct log *log,
		   const char *spec, char *err, size_t errlen)
{
	SlirpConfig cfg = { .version = 4, .in_enabled = true };
	struct net_slirp *s;

	if (strncmp(spec, "user", 4) || (spec[4] && spec[4] != ',')) {
		snprintf(err, errlen, "--net %s: want user[,hostfwd=...] or none",
			 spec);
		return -1;
	}
	inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
	inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
	inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
	inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
	inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
	s = xcalloc(1, sizeof(*s));
	s->net = n;
	s->clock = clock;
	s->log = log;
	s->slirp = slirp_new(&cfg, &slirp_callbacks, s);
	if (!s->slirp) {
		snprintf(err, errlen, "--net %s: libslirp failed to start", spec);
		free(s);
		return -1;
	}
	for (const char *p = spec + 4; *p == ',';) {
		p++;
		size_t len = strcspn(p, ",");
		if (len > 8 && !strncmp(p, "hostfwd=", 8)) {
			if (add_hostfwd(s, p + 8, len - 8, err, errlen)) {
				slirp_be_close(s);
				return -1;
			}
		} else {
			snprintf(err, errlen, "--net: unknown option '%.*s' (want hostfwd=...)",
				 (int)len, p);
			slirp_be_close(s);
			return -1;
		}
		p += len;
	}
	net_set_backend(n, &(struct net_backend){
				   .opaque = s,
				   .send = slirp_be_send,
				   .poll = slirp_be_poll,
				   .close = slirp_be_close,
			   });
	return 0;
}
