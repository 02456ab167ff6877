/* ui/keyq.h: a queue of key transitions sent one per gap of virtual time.
 *
 * Typed text and key combinations become press/release transitions that
 * reach the keyboard at sync points, KEYQ_GAP_NS apart, so a BIOS's
 * 16-byte buffer never overflows and the pacing is a pure function of
 * virtual time. Shared by the --input script and the monitor.
 */
#ifndef LUCID_UI_KEYQ_H
#define LUCID_UI_KEYQ_H

#include <stdbool.h>
#include <stdint.h>

/* Virtual time between two transitions. */
#define KEYQ_GAP_NS 20000000ull

struct keyq_item {
	uint16_t key;
	bool pressed;
};

struct keyq {
	struct keyq_item *items;
	unsigned n, pos;
	uint64_t next_ns; /* no transition before this virtual time */
};

typedef void (*keyq_sink)(void *opaque, uint16_t key, bool pressed);

/* Is every character typeable (US layout)? Is "ctrl+alt+del" a valid
 * combination of key names? */
bool keyq_text_valid(const char *text);
bool keyq_combo_valid(const char *combo);

/* Append transitions (invalid parts are skipped: check first). */
void keyq_push(struct keyq *q, uint16_t key, bool pressed);
void keyq_type(struct keyq *q, const char *text);
void keyq_combo(struct keyq *q, const char *combo);

/* At a sync point: send the next transition if its time has come. Returns
 * true once the queue is empty and the last gap has passed (and resets
 * it). */
bool keyq_step(struct keyq *q, uint64_t now, keyq_sink sink, void *opaque);
bool keyq_empty(const struct keyq *q);
void keyq_clear(struct keyq *q);
void keyq_free(struct keyq *q);

#endif
