/* traces/checkpoint.c: checkpoints are what a replay is checked against:
 * the same instruction count and the same state, section by section. */
#include "traces/checkpoint.h"

#include <string.h>

#include "accel/backend.h"
#include "core/machine.h"

void checkpoint_take(struct machine *m, struct trace_checkpoint *ck)
{
	/* record_start refuses machines with more sections than fit. */
	ck->icount = m->backend->icount(m->backend_priv);
	ck->nsec = m->state.nsec + 1; /* RAM is the last section */
	ck->hash = state_hash_sections(&m->state, ck->sec_hash);
}

bool checkpoint_compare(struct machine *m, const struct trace_checkpoint *want,
			const struct trace_checkpoint *got, char *out,
			size_t outlen)
{
	size_t len = 0;

	out[0] = 0;
	for (unsigned i = 0; i < want->nsec && i < got->nsec; i++) {
		if (want->sec_hash[i] == got->sec_hash[i])
			continue;
		const char *name = state_section_name(&m->state, i);
		int n = snprintf(out + len, outlen - len, "%s%s", len ? ", " : "",
				 name ? name : "?");
		if (n < 0 || (size_t)n >= outlen - len)
			break; /* a long list is cut: the first names matter */
		len += (size_t)n;
	}
	return want->icount == got->icount && want->hash == got->hash &&
	       want->nsec == got->nsec && !out[0];
}
