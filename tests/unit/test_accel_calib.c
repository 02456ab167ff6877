/* --accel auto's rule (core/accel_calib.c) and the monitor's accel
 * command; the measurement itself needs /dev/kvm (tests/integration). */
#include <criterion/criterion.h>
#include <string.h>

#include "core/accel_calib.h"
#include "ui/monitor.h"

Test(accel_calib, kvm_must_be_twice_as_fast_with_cheap_exits)
{
	struct accel_calib c = { .interp_mips = 100, .kvm_mips = 1000,
				 .kvm_exit_us = 3 };
	cr_assert(accel_calib_prefers_kvm(&c));
	c.kvm_mips = 199; /* less than 2x */
	cr_assert_not(accel_calib_prefers_kvm(&c));
	c.kvm_mips = 200;
	cr_assert(accel_calib_prefers_kvm(&c));
	c.kvm_exit_us = 25; /* exits too dear */
	cr_assert_not(accel_calib_prefers_kvm(&c));
	/* This project's nested kvm_pvm. */
	c = (struct accel_calib){ .interp_mips = 20, .kvm_mips = 1.5,
				  .kvm_exit_us = 12 };
	cr_assert_not(accel_calib_prefers_kvm(&c));
}

Test(accel_calib, description_has_the_figures_and_the_choice)
{
	struct accel_calib c = { .interp_mips = 20, .kvm_mips = 1.5,
				 .kvm_exit_us = 12.3 };
	char buf[160];
	accel_calib_describe(&c, buf, sizeof(buf));
	cr_assert_str_eq(buf, "kvm (1.5 MIPS, 12.3 us/exit) vs interp (20.0 MIPS): using interp");
}

Test(accel_calib, monitor_accel_takes_an_optional_backend)
{
	struct monitor_cmd c;
	char err[128];
	cr_assert_eq(monitor_parse("accel", &c, err, sizeof(err)), 0);
	cr_assert_eq(c.op, MONITOR_ACCEL);
	cr_assert_null(c.arg);
	cr_assert_eq(monitor_parse("accel kvm", &c, err, sizeof(err)), 0);
	cr_assert_str_eq(c.arg, "kvm");
	monitor_cmd_free(&c);
}
