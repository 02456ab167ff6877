/* core/watch.h: find a marker text in a byte stream (--until-serial,
 * --until-debugcon), one byte at a time, without buffering the stream. */
#ifndef LUCID_CORE_WATCH_H
#define LUCID_CORE_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

struct text_watch {
	const char *text; /* NULL or "" = watch nothing */
	size_t matched;   /* bytes of text matched so far */
};

/* Feed one byte; true when the text has just been completed. On a
 * mismatch, fall back to the longest prefix of text that ends the stream
 * seen so far (KMP without a table: markers are short). */
static inline bool text_watch_feed(struct text_watch *w, char ch)
{
	size_t k = w->matched;

	if (!w->text || !*w->text)
		return false;
	while (k > 0 && w->text[k] != ch) {
		size_t b = k - 1;
		while (b > 0 && memcmp(w->text, w->text + k - b, b))
			b--;
		k = b;
	}
	w->matched = w->text[k] == ch ? k + 1 : 0;
	if (w->text[w->matched])
		return false;
	w->matched = 0;
	return true;
}

#endif
