/* accel/kvm_timer.c: the deadline that cuts KVM_RUN short.
 *
 * A per-vCPU POSIX timer sends a real-time signal to this thread. The
 * signal stays blocked in the thread and is unblocked only inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK), so it either interrupts a run or waits pending
 * for the next one: never lost, never delivered at a bad time. KVM puts
 * the mask back before returning -EINTR, so the signal is still pending
 * then and kvm_timer_consume takes it (sigtimedwait), or every later
 * KVM_RUN would stop at once. (Its own file because <signal.h> under
 * _GNU_SOURCE defines REG_R8... too.)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "accel/kvm_timer.h"

static void kvm_timer_signal(int sig)
{
	(void)sig;
}

int kvm_timer_setup(struct kvm_timer *t, int vcpu_fd, char *err,
		    unsigned errlen)
{
	struct sigaction sa = { .sa_handler = kvm_timer_signal };
	sigset_t block, run;

	t->sig = SIGRTMIN + 2;
	sigemptyset(&sa.sa_mask);
	if (sigaction(t->sig, &sa, NULL) < 0)
		goto fail;
	sigemptyset(&block);
	sigaddset(&block, t->sig);
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0 ||
	    sigprocmask(SIG_BLOCK, NULL, &run) < 0)
		goto fail;
	sigdelset(&run, t->sig);

	/* The kernel's sigset is 8 bytes on x86-64. */
	struct {
		struct kvm_signal_mask hdr;
		uint8_t set[8];
	} mask = { .hdr.len = 8 };
	memcpy(mask.set, &run, 8);
	if (ioctl(vcpu_fd, KVM_SET_SIGNAL_MASK, &mask) < 0)
		goto fail;

	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID,
				.sigev_signo = t->sig };
	sev._sigev_un._tid = gettid();
	timer_t id;
	if (timer_create(CLOCK_MONOTONIC, &sev, &id) < 0)
		goto fail;
	t->id = id;
	t->ready = true;
	return 0;
fail:
	snprintf(err, errlen, "KVM deadline timer: %s", strerror(errno));
	return -1;
}

void kvm_timer_destroy(struct kvm_timer *t)
{
	if (t->ready)
		timer_delete((timer_t)t->id);
	t->ready = false;
}

void kvm_timer_arm(struct kvm_timer *t, uint64_t host_ns)
{
	struct itimerspec it = { 0 };

	if (!t->ready)
		return;
	it.it_value.tv_sec = (time_t)(host_ns / 1000000000ull);
	it.it_value.tv_nsec = (long)(host_ns % 1000000000ull);
	timer_settime((timer_t)t->id, TIMER_ABSTIME, &it, NULL);
}

void kvm_timer_consume(struct kvm_timer *t)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t set;

	if (!t->ready)
		return;
	sigemptyset(&set);
	sigaddset(&set, t->sig);
	while (sigtimedwait(&set, NULL, &zero) == t->sig)
		;
}

uint64_t kvm_host_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
