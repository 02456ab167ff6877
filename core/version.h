/* core/version.h: the Lucid version (lucid --version, trace headers). */
#ifndef LUCID_CORE_VERSION_H
#define LUCID_CORE_VERSION_H

#define LUCID_VERSION "0.1.0"

#endif
