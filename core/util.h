/* core/util.h: allocation that cannot fail silently, and small helpers. */
#ifndef LUCID_CORE_UTIL_H
#define LUCID_CORE_UTIL_H

#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Out of host memory is not something the emulator can survive sensibly:
 * these print one line and exit(1) rather than return NULL. */
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif
