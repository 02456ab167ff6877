/* traces/checkpoint.h: taking and comparing checkpoints (state hashes). */
#ifndef LUCID_TRACES_CHECKPOINT_H
#define LUCID_TRACES_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "traces/trace.h"

struct machine;

/* Instruction count, whole-state hash and per-section hashes, now, as a
 * trace of that format version defines them (trace.h). */
void checkpoint_take(struct machine *m, unsigned version,
		     struct trace_checkpoint *ck);
/* Equal (icount and every hash)? If not, what differs goes to out as
 * "com1.lsr, com1.rx_fifo, ram" ("" when only icount differs): the fields
 * whose hashes differ when want carries field hashes (version 2 traces),
 * else (or when no field hash differs) the section, and fields over 4 KiB
 * (not hashed alone) when only they can differ; at most 10 names,
 * then " (+N more)". */
bool checkpoint_compare(struct machine *m, const struct trace_checkpoint *want,
			const struct trace_checkpoint *got, char *out,
			size_t outlen);

#endif
