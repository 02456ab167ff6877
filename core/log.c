/* core/log.c: per-subsystem log levels. */
#include "core/log.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>

#define LOG_NAME_(id, name) name,
static const char *const log_names[LOG_NSUB] = { LOG_SUBSYSTEMS(LOG_NAME_) };
#undef LOG_NAME_

static const char *const level_names[] = { "off",   "error", "warn",
					    "info",  "debug", "trace" };

void log_init(struct log *l, FILE *out)
{
	memset(l->level, LOG_WARN, sizeof(l->level));
	l->out = out;
}

const char *log_sub_name(enum log_sub s)
{
	return s < LOG_NSUB ? log_names[s] : "?";
}

static int parse_level(const char *s, size_t n)
{
	for (unsigned i = 0; i < sizeof(level_names) / sizeof(*level_names); i++)
		if (strlen(level_names[i]) == n && !strncasecmp(s, level_names[i], n))
			return (int)i;
	return -1;
}

static int parse_sub(const char *s, size_t n)
{
	if (n == 3 && !strncmp(s, "all", 3))
		return LOG_NSUB;
	for (int i = 0; i < LOG_NSUB; i++)
		if (strlen(log_names[i]) == n && !strncmp(s, log_names[i], n))
			return i;
	return -1;
}

int log_configure(struct log *l, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;
	while (*p) {
		const char *end = strchrnul(p, ',');
		const char *eq = memchr(p, '=', (size_t)(end - p));
		int sub = LOG_NSUB, lv;
		if (eq) {
			sub = parse_sub(p, (size_t)(eq - p));
			if (sub < 0) {
				snprintf(err, errlen,
					 "--log: unknown subsystem '%.*s'",
					 (int)(eq - p), p);
				return -1;
			}
			lv = parse_level(eq + 1, (size_t)(end - eq - 1));
		} else {
			lv = parse_level(p, (size_t)(end - p));
		}
		if (lv < 0) {
			snprintf(err, errlen,
				 "--log: bad level in '%.*s' (off, error, warn, info, debug, trace)",
				 (int)(end - p), p);
			return -1;
		}
		if (sub == LOG_NSUB)
			memset(l->level, lv, sizeof(l->level));
		else
			l->level[sub] = (unsigned char)lv;
		p = *end ? end + 1 : end;
	}
	return 0;
}

void log_write(struct log *l, enum log_sub s, enum log_level lv,
	       const char *fmt, ...)
{
	va_list ap;
	FILE *out = l->out ? l->out : stderr;

	fprintf(out, "[%s] %s: ", log_sub_name(s),
		lv < sizeof(level_names) / sizeof(*level_names) ? level_names[lv]
								 : "?");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}
