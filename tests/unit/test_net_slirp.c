/* The slirp backend through the network hub: a DHCP DISCOVER sent at a
 * sync point is answered with an OFFER of 10.0.2.15 (slirp's first lease),
 * delivered to the NIC at that sync point; hostfwd errors are one line. */
#include "tests/unit/testbed.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/net.h"
#include "core/util.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

struct sink {
	unsigned n;
	size_t len;
	uint8_t frame[1514];
	uint64_t at_ns;
	struct machine *m;
};

static bool sink_can(void *opaque, size_t len)
{
	return true;
}

static void sink_rx(void *opaque, const uint8_t *frame, size_t len)
{
	struct sink *s = opaque;
	if (!s->n++) {
		s->len = len;
		memcpy(s->frame, frame, len);
		s->at_ns = clock_now(&s->m->clock);
	}
}

static const struct net_nic_ops sink_ops = { sink_can, sink_rx };

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 + UDP 68->67 + a 548-byte BOOTP DISCOVER. */
static size_t dhcp_discover(uint8_t *f)
{
	size_t ip_len = 20 + 8 + 548;
	uint8_t *ip = f + 14, *udp = ip + 20, *bp = udp + 8;
	uint32_t sum = 0;

	memset(f, 0, 14 + ip_len);
	memset(f, 0xff, 6);
	memcpy(f + 6, MAC, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (unsigned)ip_len);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4);
	for (int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, ~sum & 0xffff);
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, 8 + 548);
	bp[0] = 1;  /* BOOTREQUEST */
	bp[1] = 1;  /* Ethernet */
	bp[2] = 6;
	memcpy(bp + 4, "\x12\x34\x56\x78", 4); /* xid */
	memcpy(bp + 28, MAC, 6);
	memcpy(bp + 236, "\x63\x82\x53\x63", 4);
	bp[240] = 53; /* DHCP message type: DISCOVER */
	bp[241] = 1;
	bp[242] = 1;
	bp[243] = 255;
	return 14 + ip_len;
}

Test(net_slirp, dhcp_discover_gets_an_offer_of_10_0_2_15_at_the_sync_point)
{
	struct machine *m = testbed_new(10000);
	struct net *n = net_create(m);
	struct sink s = { .m = m };
	uint8_t f[1514];
	char err[256];

	cr_assert_eq(net_attach(n, &sink_ops, &s), 0);
	cr_assert_eq(net_slirp_open(n, &m->clock, &m->log, "user", err,
				    sizeof(err)), 0, "%s", err);
	testbed_advance_ns(m, 5000000);
	net_transmit(n, 0, f, dhcp_discover(f));
	cr_assert_eq(s.n, 0, "nothing moves between sync points");
	net_poll(n);
	cr_assert_geq(s.n, 1);
	cr_assert_eq(s.at_ns, 5000000);
	const uint8_t *ip = s.frame + 14, *udp = ip + 20, *bp = udp + 8;
	cr_assert_eq(s.frame[12] << 8 | s.frame[13], 0x0800);
	cr_assert_eq(ip[9], 17);
	cr_assert_eq(udp[0] << 8 | udp[1], 67);
	cr_assert_eq(udp[2] << 8 | udp[3], 68);
	cr_assert_eq(bp[0], 2, "BOOTREPLY");
	cr_assert_arr_eq(bp + 4, "\x12\x34\x56\x78", 4);
	cr_assert_arr_eq(bp + 16, "\x0a\x00\x02\x0f", 4, "yiaddr 10.0.2.15");
	cr_assert_arr_eq(bp + 236, "\x63\x82\x53\x63", 4);
	cr_assert_eq(bp[240], 53);
	cr_assert_eq(bp[242], 2, "DHCPOFFER");
	testbed_free(m);
}

Test(net_slirp, hostfwd_on_a_port_in_use_is_one_clear_error)
{
	struct machine *m = testbed_new(10000);
	struct net *n = net_create(m);
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	char spec[128], err[256];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(fd, 1), 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	snprintf(spec, sizeof(spec), "user,hostfwd=tcp:127.0.0.1:%u-:22",
		 ntohs(a.sin_port));
	cr_assert_eq(net_slirp_open(n, &m->clock, &m->log, spec, err,
				    sizeof(err)), -1);
	cr_assert(strstr(err, "cannot listen"), "%s", err);
	cr_assert_null(strchr(err, '\n'));
	close(fd);
	testbed_free(m);
}

static unsigned free_port(int type)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, type, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	getsockname(fd, (struct sockaddr *)&a, &alen);
	close(fd);
	return ntohs(a.sin_port);
}

Test(net_slirp, several_hostfwds_on_free_ports_are_accepted)
{
	struct machine *m = testbed_new(10000);
	struct net *n = net_create(m);
	char spec[160], err[256];

	snprintf(spec, sizeof(spec),
		 "user,hostfwd=tcp:127.0.0.1:%u-:22,hostfwd=udp::%u-10.0.2.15:53",
		 free_port(SOCK_STREAM), free_port(SOCK_DGRAM));
	cr_assert_eq(net_slirp_open(n, &m->clock, &m->log, spec, err,
				    sizeof(err)), 0, "%s", err);
	testbed_free(m);
}

Test(net_slirp, bad_specs_are_refused_with_one_line)
{
	struct machine *m = testbed_new(10000);
	struct net *n = net_create(m);
	char err[256];
	static const char *const bad[] = {
		"usr", "user,foo=1", "user,hostfwd=tcp:1.2.3.4", "user,hostfwd=icmp::1-:2",
		"user,hostfwd=tcp::99999-:22", "user,hostfwd=tcp:300.1.1.1:8080-:80",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		cr_assert_eq(net_slirp_open(n, &m->clock, &m->log, bad[i], err,
					    sizeof(err)), -1, "%s", bad[i]);
		cr_assert(!strncmp(err, "--net", 5), "%s", err);
	}
	testbed_free(m);
}
