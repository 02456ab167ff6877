/* core/net.h: the machine's network: NICs on one segment with the host.
 *
 * Every NIC attaches to the machine's hub; one host backend (libslirp user
 * networking, or none) sits on the other side. All traffic crosses at sync
 * points only (net_poll from pc_poll_host):
 *   - a frame the guest transmits is queued (net_transmit, any time) and
 *     handed to the backend at the next sync point;
 *   - the backend runs (slirp's sockets and timers, on virtual time) and
 *     its frames are queued for every NIC;
 *   - each NIC takes queued frames while it can store them (a frame waits
 *     in the host queue instead of overflowing a busy ring); each delivery
 *     is recorded (TRACE_REC_NET: u8 nic, the frame) when recording.
 * A replay starts no backend: its frames come from the trace through
 * net_deliver at the same sync points, and frames the guest sends are
 * dropped (the checkpoints' hashes, which cover the NIC's buffer, already
 * check what the guest sent). NICs do not hear each other.
 */
#ifndef LUCID_CORE_NET_H
#define LUCID_CORE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct clock;
struct log;

#define NET_MAX_NICS 4
#define NET_FRAME_MIN 60    /* without the FCS */
#define NET_FRAME_MAX 1514
/* Frames waiting for one NIC; more are dropped (TCP resends). */
#define NET_QUEUE_LEN 256

/* A NIC's side, called at sync points only. */
struct net_nic_ops {
	/* Would the NIC store (or knowingly drop) a frame of len bytes now? */
	bool (*can_receive)(void *opaque, size_t len);
	/* A frame from the wire, 60..1514 bytes without FCS. */
	void (*receive)(void *opaque, const uint8_t *frame, size_t len);
};

/* The host side. */
struct net_backend {
	void *opaque;
	/* A frame the guest sent (at a sync point). */
	void (*send)(void *opaque, const uint8_t *frame, size_t len);
	/* Service the host (sockets, timers); frames for the guest go to
	 * net_host_receive. */
	void (*poll)(void *opaque);
	void (*close)(void *opaque);
};

struct net;

/* The hub (registered with the machine, which destroys it). */
struct net *net_create(struct machine *m);
/* Install the host backend (replacing and closing any previous one). */
void net_set_backend(struct net *n, const struct net_backend *be);
/* A NIC joins: its index (0..NET_MAX_NICS-1), or -1 if full. */
int net_attach(struct net *n, const struct net_nic_ops *ops, void *opaque);
/* The guest sent a frame on NIC nic: queued for the next sync point. */
void net_transmit(struct net *n, unsigned nic, const uint8_t *frame,
		  size_t len);
/* The backend has a frame for the guest network (padded to 60 bytes). */
void net_host_receive(struct net *n, const uint8_t *frame, size_t len);
/* The sync-point work described above. */
void net_poll(struct net *n);
/* Replay: a recorded frame straight into NIC nic. 0, or -1 if there is no
 * such NIC or the frame's size is impossible. */
int net_deliver(struct net *n, unsigned nic, const uint8_t *frame,
		size_t len);
unsigned net_nic_count(const struct net *n);

/* core/net_slirp.c: libslirp user networking as the backend.
 * spec: "user[,hostfwd=tcp|udp:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]..."
 * (HOSTADDR defaults to 127.0.0.1, GUESTADDR to 10.0.2.15). slirp's clock
 * is the virtual clock. 0, or -1 with one line in err. */
int net_slirp_open(struct net *n, struct clock *clock, struct log *log,
		   const char *spec, char *err, size_t errlen);

/* "52:54:00:12:34:56" -> bytes; 0 or -1. */
int net_parse_mac(const char *s, uint8_t mac[6]);

#endif
