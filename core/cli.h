/* core/cli.h: command-line parsing helpers shared by the subcommands. */
#ifndef LUCID_CORE_CLI_H
#define LUCID_CORE_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "16M", "640K", "1G"; a bare number means MiB. Returns -1 on junk. */
int cli_parse_size(const char *s, uint64_t *out);
/* "30s", "500ms", "2m"; a bare number means seconds. */
int cli_parse_duration_ms(const char *s, uint64_t *out);
/* Seconds, "5" or "0.25", to whole ms (0 allowed; at most a day). */
int cli_parse_seconds_ms(const char *s, uint64_t *out);
/* A decimal in [min, max]. */
int cli_parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);

/* "YYYY-MM-DDTHH:MM:SS" (UTC) to Unix seconds. */
int cli_parse_datetime(const char *s, int64_t *out);

#endif
