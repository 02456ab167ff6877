/* core/cli.c: parsing of sizes, durations and numbers on the command line. */
#include "core/cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_u64(const char *s, uint64_t *v, char **end)
{
	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, end, 10);
	if (errno)
		return -1;
	*v = x;
	return 0;
}

int cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v, unit;

	if (parse_u64(s, &v, &end))
		return -1;
	if (!strcmp(end, "") || !strcasecmp(end, "M") || !strcasecmp(end, "MiB"))
		unit = 1ull << 20;
	else if (!strcasecmp(end, "K") || !strcasecmp(end, "KiB"))
		unit = 1ull << 10;
	else if (!strcasecmp(end, "G") || !strcasecmp(end, "GiB"))
		unit = 1ull << 30;
	else
		return -1;
	if (v > (UINT64_MAX >> 30))
		return -1;
	*out = v * unit;
	return 0;
}

int cli_parse_duration_ms(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v, mul;

	if (parse_u64(s, &v, &end))
		return -1;
	if (!strcmp(end, "") || !strcmp(end, "s"))
		mul = 1000;
	else if (!strcmp(end, "ms"))
		mul = 1;
	else if (!strcmp(end, "m") || !strcmp(end, "min"))
		mul = 60000;
	else
		return -1;
	if (v > UINT64_MAX / 60000)
		return -1;
	*out = v * mul;
	return 0;
}

int cli_parse_seconds_ms(const char *s, uint64_t *out)
{
	char *end;
	double v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v >= 0 && v <= 86400))
		return -1;
	*out = (uint64_t)(v * 1000 + 0.5);
	return v > 0 && !*out ? -1 : 0;
}

int cli_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	uint64_t v;

	if (parse_u64(s, &v, &end) || *end || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int cli_parse_datetime(const char *s, int64_t *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	if (!end || *end || tm.tm_year > 2099 - 1900)
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}
