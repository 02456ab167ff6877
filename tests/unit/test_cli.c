/* Command-line value parsing and log configuration. */
#include <criterion/criterion.h>

#include "core/cli.h"
#include "core/log.h"

Test(cli, sizes_take_k_m_g_and_bare_mib)
{
	uint64_t v;
	cr_assert_eq(cli_parse_size("640K", &v), 0);
	cr_assert_eq(v, 640u << 10);
	cr_assert_eq(cli_parse_size("16M", &v), 0);
	cr_assert_eq(v, 16u << 20);
	cr_assert_eq(cli_parse_size("2G", &v), 0);
	cr_assert_eq(v, 2ull << 30);
	cr_assert_eq(cli_parse_size("32", &v), 0);
	cr_assert_eq(v, 32u << 20);
	cr_assert_eq(cli_parse_size("-1M", &v), -1);
	cr_assert_eq(cli_parse_size("16Q", &v), -1);
	cr_assert_eq(cli_parse_size("", &v), -1);
	cr_assert_eq(cli_parse_size("99999999999999999999999M", &v), -1);
}

Test(cli, durations)
{
	uint64_t v;
	cr_assert_eq(cli_parse_duration_ms("30s", &v), 0);
	cr_assert_eq(v, 30000);
	cr_assert_eq(cli_parse_duration_ms("500ms", &v), 0);
	cr_assert_eq(v, 500);
	cr_assert_eq(cli_parse_duration_ms("2m", &v), 0);
	cr_assert_eq(v, 120000);
	cr_assert_eq(cli_parse_duration_ms("5", &v), 0);
	cr_assert_eq(v, 5000);
	cr_assert_eq(cli_parse_duration_ms("5h", &v), -1);
}

Test(cli, bounded_integers)
{
	unsigned v;
	cr_assert_eq(cli_parse_uint("12", 1, 100, &v), 0);
	cr_assert_eq(v, 12);
	cr_assert_eq(cli_parse_uint("0", 1, 100, &v), -1);
	cr_assert_eq(cli_parse_uint("12x", 1, 100, &v), -1);
}

Test(log, per_subsystem_levels)
{
	struct log l;
	char err[128];
	log_init(&l, stderr);
	cr_assert_eq(log_configure(&l, "pit=debug,cpu=off", err, sizeof(err)), 0);
	cr_assert_eq(l.level[LS_PIT], LOG_DEBUG);
	cr_assert_eq(l.level[LS_CPU], LOG_OFF);
	cr_assert_eq(l.level[LS_BUS], LOG_WARN);
	cr_assert_eq(log_configure(&l, "trace", err, sizeof(err)), 0);
	cr_assert_eq(l.level[LS_BUS], LOG_TRACE);
	cr_assert_eq(log_configure(&l, "nosuch=debug", err, sizeof(err)), -1);
	cr_assert(strstr(err, "nosuch"));
	cr_assert_eq(log_configure(&l, "pit=loud", err, sizeof(err)), -1);
}

Test(cli, rtc_datetimes_are_utc_unix_seconds)
{
	int64_t t;
	cr_assert_eq(cli_parse_datetime("1994-06-01T12:00:00", &t), 0);
	cr_assert_eq(t, 770472000);
	cr_assert_eq(cli_parse_datetime("1970-01-01T00:00:00", &t), 0);
	cr_assert_eq(t, 0);
	cr_assert_eq(cli_parse_datetime("1994-06-01", &t), -1);
	cr_assert_eq(cli_parse_datetime("1994-06-01T12:00:00Z", &t), -1);
	cr_assert_eq(cli_parse_datetime("yesterday", &t), -1);
}
