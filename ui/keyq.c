/* ui/keyq.c: typed text and key combinations as paced key transitions. */
#include "ui/keyq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "ui/keymap.h"

#define KEYQ_MAX_COMBO 16

bool keyq_text_valid(const char *text)
{
	for (const char *p = text; *p; p++) {
		bool shift;
		if (!keymap_by_char(*p, &shift))
			return false;
	}
	return true;
}

/* Splits "ctrl+alt+del" into key ids; 0 keys for an invalid combination. */
static unsigned keyq_parse_combo(const char *combo, uint16_t *keys)
{
	char buf[128];
	unsigned n = 0;
	size_t len = strlen(combo);

	if (!len || len >= sizeof(buf) || combo[len - 1] == '+' ||
	    combo[0] == '+' || strstr(combo, "++"))
		return 0;
	memcpy(buf, combo, len + 1);
	for (char *save = NULL, *t = strtok_r(buf, "+", &save); t;
	     t = strtok_r(NULL, "+", &save)) {
		if (n == KEYQ_MAX_COMBO || !(keys[n] = keymap_by_name(t)))
			return 0;
		n++;
	}
	return n;
}

bool keyq_combo_valid(const char *combo)
{
	uint16_t keys[KEYQ_MAX_COMBO];
	return keyq_parse_combo(combo, keys) > 0;
}

void keyq_push(struct keyq *q, uint16_t key, bool pressed)
{
	q->items = xrealloc(q->items, (q->n + 1) * sizeof(*q->items));
	q->items[q->n++] = (struct keyq_item){ key, pressed };
}

void keyq_type(struct keyq *q, const char *text)
{
	for (const char *p = text; *p; p++) {
		bool shift = false;
		uint16_t key = keymap_by_char(*p, &shift);
		if (!key)
			continue;
		if (shift)
			keyq_push(q, KEY_LSHIFT, true);
		keyq_push(q, key, true);
		keyq_push(q, key, false);
		if (shift)
			keyq_push(q, KEY_LSHIFT, false);
	}
}

/* Pressed in order, released in reverse, as fingers do. */
void keyq_combo(struct keyq *q, const char *combo)
{
	uint16_t keys[KEYQ_MAX_COMBO];
	unsigned n = keyq_parse_combo(combo, keys);

	for (unsigned i = 0; i < n; i++)
		keyq_push(q, keys[i], true);
	while (n--)
		keyq_push(q, keys[n], false);
}

bool keyq_empty(const struct keyq *q)
{
	return q->pos == q->n;
}

void keyq_clear(struct keyq *q)
{
	q->n = q->pos = 0;
}

bool keyq_step(struct keyq *q, uint64_t now, keyq_sink sink, void *opaque)
{
	/* The gap after the last transition counts too: what follows (a
	 * script's next command) starts a gap later. */
	if (now < q->next_ns)
		return false;
	if (keyq_empty(q)) {
		keyq_clear(q);
		return true;
	}
	sink(opaque, q->items[q->pos].key, q->items[q->pos].pressed);
	q->pos++;
	q->next_ns = now + KEYQ_GAP_NS;
	return false;
}

void keyq_free(struct keyq *q)
{
	free(q->items);
	memset(q, 0, sizeof(*q));
}
