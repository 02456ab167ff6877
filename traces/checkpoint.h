/* traces/checkpoint.h: taking and comparing checkpoints (state hashes). */
#ifndef LUCID_TRACES_CHECKPOINT_H
#define LUCID_TRACES_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "traces/trace.h"

struct machine;

/* Instruction count, whole-state hash and per-section hashes, now. */
void checkpoint_take(struct machine *m, struct trace_checkpoint *ck);
/* Equal (icount and every hash)? If not, the names of the sections whose
 * hashes differ go to out as "a, b, c" ("" when only icount differs). */
bool checkpoint_compare(struct machine *m, const struct trace_checkpoint *want,
			const struct trace_checkpoint *got, char *out,
			size_t outlen);

#endif
