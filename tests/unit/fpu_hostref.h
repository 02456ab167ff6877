/* tests/unit/fpu_hostref.h: the host-x87 reference (fpu_hostref.c). */
#ifndef LUCID_TESTS_FPU_HOSTREF_H
#define LUCID_TESTS_FPU_HOSTREF_H

#include "cpu/fpu_num.h"

#if defined(__x86_64__) || defined(__i386__)
#define FH_HOST_X87 1
uint16_t fh_host_run(uint16_t fcw, enum fh_op op, const struct f80 *a,
		     const struct f80 *b, struct f80 *r0, struct f80 *r1);
#else
#define FH_HOST_X87 0
#endif

#endif
