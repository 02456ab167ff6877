/* devices/uart_backend.c: the host ends of a UART (--serial): stdio, a
 * file, or one TCP client on loopback. Host-only; nothing here is guest
 * state, and none of it is called except from the device's transmit path
 * or the machine's sync points. */
#include "devices/uart.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/util.h"

int uart_spec_parse(const char *text, struct uart_spec *spec, char *err,
		    size_t errlen)
{
	static const char tcp_prefix[] = "tcp:127.0.0.1:";

	*spec = (struct uart_spec){ .kind = UART_SPEC_NONE };
	if (!text || !*text)
		goto bad;
	if (!strcmp(text, "none"))
		return 0;
	if (!strcmp(text, "stdio")) {
		spec->kind = UART_SPEC_STDIO;
		return 0;
	}
	if (!strncmp(text, "file:", 5)) {
		if (!text[5]) {
			snprintf(err, errlen, "--serial %s: the file name is "
				 "missing", text);
			return -1;
		}
		spec->kind = UART_SPEC_FILE;
		spec->path = text + 5;
		return 0;
	}
	if (!strncmp(text, "tcp:", 4)) {
		const char *p = text + sizeof(tcp_prefix) - 1;
		char *end;
		unsigned long port;

		if (strncmp(text, tcp_prefix, sizeof(tcp_prefix) - 1)) {
			snprintf(err, errlen, "--serial %s: only "
				 "tcp:127.0.0.1:PORT is allowed (loopback)",
				 text);
			return -1;
		}
		errno = 0;
		port = strtoul(p, &end, 10);
		if (*p < '0' || *p > '9' || *end || errno || port < 1 ||
		    port > 65535) {
			snprintf(err, errlen, "--serial %s: the port must be "
				 "a number from 1 to 65535", text);
			return -1;
		}
		spec->kind = UART_SPEC_TCP;
		spec->port = (uint16_t)port;
		return 0;
	}
bad:
	snprintf(err, errlen, "--serial %s: expected stdio, file:PATH, "
		 "tcp:127.0.0.1:PORT or none", text ? text : "");
	return -1;
}

/* --- stdio: output only; the machine reads stdin at sync points --- */

static void stdio_write(void *opaque, uint8_t b)
{
	fputc(b, stdout);
	fflush(stdout); /* interactive echo has no newline to wait for */
}

/* --- file --- */

static void file_write(void *opaque, uint8_t b)
{
	FILE *f = opaque;
	fputc(b, f);
	if (b == '\n')
		fflush(f);
}

static void file_close(void *opaque)
{
	fclose(opaque);
}

/* --- tcp: one client at a time on 127.0.0.1 --- */

struct tcp_be {
	int lfd, cfd;
};

static void tcp_accept(struct tcp_be *t)
{
	if (t->cfd >= 0)
		return;
	t->cfd = accept(t->lfd, NULL, NULL);
	if (t->cfd >= 0)
		fcntl(t->cfd, F_SETFL, fcntl(t->cfd, F_GETFL) | O_NONBLOCK);
}

static void tcp_drop(struct tcp_be *t)
{
	close(t->cfd);
	t->cfd = -1;
}

/* Output with no client, or that the client cannot take right now, is
 * dropped: the guest never waits on the host. */
static void tcp_write(void *opaque, uint8_t b)
{
	struct tcp_be *t = opaque;

	tcp_accept(t);
	if (t->cfd < 0)
		return;
	if (send(t->cfd, &b, 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK)
		tcp_drop(t);
}

static size_t tcp_read(void *opaque, uint8_t *buf, size_t len)
{
	struct tcp_be *t = opaque;
	ssize_t n;

	tcp_accept(t);
	if (t->cfd < 0 || !len)
		return 0;
	n = recv(t->cfd, buf, len, MSG_DONTWAIT);
	if (n > 0)
		return (size_t)n;
	if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
		tcp_drop(t); /* closed: wait for the next client */
	return 0;
}

static void tcp_close(void *opaque)
{
	struct tcp_be *t = opaque;
	if (t->cfd >= 0)
		close(t->cfd);
	close(t->lfd);
	free(t);
}

static int tcp_open(uint16_t port, struct uart_backend *be, char *err,
		    size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1) ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)) {
		snprintf(err, errlen, "--serial tcp:127.0.0.1:%u: %s", port,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct tcp_be *t = xcalloc(1, sizeof(*t));
	t->lfd = fd;
	t->cfd = -1;
	*be = (struct uart_backend){ tcp_write, tcp_read, tcp_close, t };
	return 0;
}

int uart_backend_open(const struct uart_spec *spec, struct uart_backend *be,
		      char *err, size_t errlen)
{
	FILE *f;

	*be = (struct uart_backend){ 0 };
	switch (spec->kind) {
	case UART_SPEC_NONE:
		return 0;
	case UART_SPEC_STDIO:
		be->write = stdio_write;
		return 0;
	case UART_SPEC_FILE:
		f = fopen(spec->path, "wb");
		if (!f) {
			snprintf(err, errlen, "--serial file:%s: %s",
				 spec->path, strerror(errno));
			return -1;
		}
		*be = (struct uart_backend){ file_write, NULL, file_close, f };
		return 0;
	case UART_SPEC_TCP:
		return tcp_open(spec->port, be, err, errlen);
	}
	return -1;
}
