/* core/demo.h: the firmware `lucid run` boots by default, and the demo
 * floppy `lucid run --demo` boots with it. */
#ifndef LUCID_CORE_DEMO_H
#define LUCID_CORE_DEMO_H

#include <stdbool.h>
#include <stddef.h>

struct cpu_model;
struct machine_config;

/* Debian's SeaBIOS (package seabios). */
#define DEMO_SEABIOS "/usr/share/seabios/bios.bin"

/* Is SeaBIOS installed? */
bool demo_seabios_installed(void);
/* The default --bios for a model: SeaBIOS when installed and the model
 * can run it (386 and later; it has 32-bit code), else NULL (the built-in
 * demo ROM). */
const char *demo_default_bios(const struct cpu_model *cpu);

/* The demo floppy as a 1.44 MB image file: its path in path, or -1 with
 * one line in err. The file lives in $TMPDIR (or /tmp), named after its
 * content's hash, and is rewritten when missing or not exactly that
 * content, so every run (and a replay, which checks the file's hash)
 * boots the same disk. */
int demo_floppy_path(char *path, size_t len, char *err, size_t errlen);

/* `lucid run`'s firmware choice, after its flags are parsed: --bios FILE
 * (bios_set; --bios builtin leaves cfg->bios NULL) or the default. With
 * --demo and SeaBIOS: a Pentium II unless --cpu said otherwise, the demo
 * floppy in A: (path kept in fda) unless --fda said otherwise, COM1 on
 * stdio; without SeaBIOS: the built-in ROM on the debug console, with a
 * note. Returns 0, or -1 with one line in err. */
int demo_setup(struct machine_config *cfg, bool demo, bool cpu_set,
	       bool bios_set, char *fda, size_t fdalen, char *err,
	       size_t errlen);

#endif
