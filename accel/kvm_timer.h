/* accel/kvm_timer.h: a host-clock deadline that interrupts KVM_RUN. */
#ifndef LUCID_ACCEL_KVM_TIMER_H
#define LUCID_ACCEL_KVM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct kvm_timer {
	void *id; /* timer_t */
	int sig;
	bool ready;
};

/* Creates the timer and gives vcpu_fd the run-time signal mask. */
int kvm_timer_setup(struct kvm_timer *t, int vcpu_fd, char *err,
		    unsigned errlen);
void kvm_timer_destroy(struct kvm_timer *t);
/* Fire at this CLOCK_MONOTONIC time in ns; 0 disarms. */
void kvm_timer_arm(struct kvm_timer *t, uint64_t host_ns);
/* After KVM_RUN returned -EINTR: take the pending signal. */
void kvm_timer_consume(struct kvm_timer *t);
uint64_t kvm_host_ns(void);

#endif
