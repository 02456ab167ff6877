/* traces/config.h: the machine configuration a trace carries.
 *
 * The header holds the `lucid run` options that define the machine, by
 * option name and in the spelling the command line takes (cpu, mhz, mem,
 * rtc, serial, ...), plus a SHA-256 next to every file the machine reads
 * (bios or the built-in ROM, loadvm, input, kernel, initrd, fda, fdb, hda,
 * hdb, cdrom, vga-rom), the Lucid version, the checkpoint interval and the
 * list of state sections the checkpoints hash.
 */
#ifndef LUCID_TRACES_CONFIG_H
#define LUCID_TRACES_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "traces/trace.h"

struct machine;
struct machine_config;
struct state;

/* Describe the built machine m. 0, or -1 with one line in err. */
int trace_config_from_machine(struct trace_header *h, struct machine *m,
			      unsigned checkpoint_ms, char *err,
			      size_t errlen);
/* Fill cfg from a header; refuses keys this build cannot apply and files
 * whose content changed since the recording. Strings in cfg point into h.
 * 0, or -1 with "NAME: reason" in err. */
int trace_config_to_machine(const struct trace_header *h,
			    struct machine_config *cfg, const char *name,
			    char *err, size_t errlen);
/* The rebuilt machine must hash the same sections, in the same order. */
int trace_config_check_sections(const struct trace_header *h,
				struct state *s, const char *name, char *err,
				size_t errlen);
/* The machine as `lucid run` options, on one line. */
void trace_config_print_options(const struct trace_header *h, FILE *out);

#endif
