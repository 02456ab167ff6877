/* ui/script.c: the --input script: parser and executor. */
#include "ui/script.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"
#include "core/machine.h"
#include "core/util.h"

static const struct {
	const char *name;
	enum script_op op;
	bool needs_arg;
} script_ops[] = {
	{ "wait-text", SCRIPT_WAIT_TEXT, true },
	{ "wait-serial", SCRIPT_WAIT_SERIAL, true },
	{ "type", SCRIPT_TYPE, true },
	{ "key", SCRIPT_KEY, true },
	{ "wait", SCRIPT_WAIT, true },
	{ "screenshot", SCRIPT_SCREENSHOT, true },
	{ "quit", SCRIPT_QUIT, false },
};

char *script_parse_arg(const char *p, const char **why)
{
	size_t len = strlen(p);
	char *out = xcalloc(1, len + 1), *o = out;

	if (*p != '"') {
		while (*p && !isspace((unsigned char)*p))
			*o++ = *p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p) {
			*why = "one argument expected (quote text with spaces)";
			free(out);
			return NULL;
		}
		return out;
	}
	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		switch (*++p) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'b': *o++ = '\b'; break;
		case '\\': *o++ = '\\'; break;
		case '"': *o++ = '"'; break;
		default:
			/* Unknown escapes stay as written: "A:\>" is a prompt,
			 * not an escape. */
			*o++ = '\\';
			if (!*p) {
				*why = "unterminated string";
				free(out);
				return NULL;
			}
			*o++ = *p;
		}
	}
	if (*p != '"') {
		*why = "unterminated string";
		free(out);
		return NULL;
	}
	for (p++; isspace((unsigned char)*p); p++)
		;
	if (*p) {
		*why = "unexpected text after the closing quote";
		free(out);
		return NULL;
	}
	return out;
}

static const char *script_parse_line(struct script_cmd *c, char *line)
{
	char *p = line, *word = line;
	const char *why = NULL;

	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = 0;
	while (isspace((unsigned char)*p))
		p++;
	unsigned i;
	for (i = 0; i < ARRAY_SIZE(script_ops); i++)
		if (!strcmp(word, script_ops[i].name))
			break;
	if (i == ARRAY_SIZE(script_ops))
		return "unknown command (wait-text, wait-serial, type, key, wait, screenshot, quit)";
	c->op = script_ops[i].op;
	if (!script_ops[i].needs_arg)
		return *p ? "takes no argument" : NULL;
	if (!*p)
		return "needs an argument";
	c->arg = script_parse_arg(p, &why);
	if (!c->arg)
		return why;
	if (!c->arg[0])
		return "empty argument";
	if (c->op == SCRIPT_WAIT) {
		uint64_t ms;
		if (cli_parse_duration_ms(c->arg, &ms))
			return "want a duration such as 2s or 500ms";
		c->ns = ms * 1000000ull;
	} else if (c->op == SCRIPT_KEY && !keyq_combo_valid(c->arg)) {
		return "unknown key in the combination";
	} else if (c->op == SCRIPT_TYPE && !keyq_text_valid(c->arg)) {
		return "a character with no key on a US keyboard";
	}
	return NULL;
}

struct script *script_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "--input %s: %s", path, strerror(errno));
		return NULL;
	}
	struct script *s = xcalloc(1, sizeof(*s));
	char line[1024];
	unsigned lineno = 0, cap = 0;

	s->path = xstrdup(path);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		size_t n = strlen(line);
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			snprintf(err, errlen, "%s:%u: line too long", path, lineno);
			goto fail;
		}
		while (n && isspace((unsigned char)line[n - 1]))
			line[--n] = 0;
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (s->ncmd == cap) {
			cap = cap ? cap * 2 : 16;
			s->cmd = xrealloc(s->cmd, cap * sizeof(*s->cmd));
		}
		struct script_cmd *c = &s->cmd[s->ncmd++];
		memset(c, 0, sizeof(*c));
		c->line = lineno;
		const char *why = script_parse_line(c, p);
		if (why) {
			snprintf(err, errlen, "%s:%u: %s", path, lineno, why);
			goto fail;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "--input %s: read error", path);
		goto fail;
	}
	fclose(f);
	return s;
fail:
	fclose(f);
	script_free(s);
	return NULL;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->ncmd; i++)
		free(s->cmd[i].arg);
	free(s->cmd);
	keyq_free(&s->keys);
	free(s->path);
	free(s);
}

int script_check(const struct script *s, char *err, size_t errlen)
{
	for (unsigned i = 0; i < s->ncmd; i++) {
		const struct script_cmd *c = &s->cmd[i];
		bool text = c->op == SCRIPT_WAIT_TEXT && !s->hooks.screen_has;
		bool shot = c->op == SCRIPT_SCREENSHOT && !s->hooks.screenshot;
		if (text || shot || (!s->hooks.key && (c->op == SCRIPT_TYPE ||
						       c->op == SCRIPT_KEY))) {
			snprintf(err, errlen,
				 "%s:%u: this machine has no %s for it",
				 s->path, c->line,
				 text ? "text screen" : shot ? "display" : "keyboard");
			return -1;
		}
	}
	return 0;
}

/* Start or continue the current command; true when it has finished. */
static bool script_run_cmd(struct script *s, struct machine *m,
			   struct script_cmd *c, uint64_t now)
{
	char err[256];

	switch (c->op) {
	case SCRIPT_WAIT_TEXT:
		return s->hooks.screen_has(s->hooks.opaque, c->arg);
	case SCRIPT_WAIT_SERIAL:
		if (!s->started) {
			s->serial.text = c->arg;
			s->serial.matched = 0;
			s->serial_seen = false;
		}
		return s->serial_seen;
	case SCRIPT_TYPE:
	case SCRIPT_KEY:
		if (!s->started) {
			keyq_clear(&s->keys);
			if (c->op == SCRIPT_TYPE)
				keyq_type(&s->keys, c->arg);
			else
				keyq_combo(&s->keys, c->arg);
		}
		return keyq_step(&s->keys, now, s->hooks.key, s->hooks.opaque);
	case SCRIPT_WAIT:
		if (!s->started)
			s->wait_until = now + c->ns;
		return now >= s->wait_until;
	case SCRIPT_SCREENSHOT:
		if (s->hooks.screenshot(s->hooks.opaque, c->arg, err,
					sizeof(err)))
			/* The guest keeps running; the user hears why. */
			fprintf(stderr, "lucid: %s:%u: %s\n", s->path, c->line,
				err);
		return true;
	case SCRIPT_QUIT:
		machine_request_exit(m, MACHINE_EXIT_OK,
				     "input script %s quit at line %u",
				     s->path, c->line);
		return true;
	}
	return true;
}

void script_step(struct script *s, struct machine *m, uint64_t now)
{
	while (!s->done && s->pc < s->ncmd) {
		struct script_cmd *c = &s->cmd[s->pc];
		bool finished = script_run_cmd(s, m, c, now);
		s->started = true;
		if (!finished)
			return;
		s->pc++;
		s->started = false;
		s->serial.text = NULL;
	}
	s->done = true;
}

void script_feed_serial(struct script *s, uint8_t byte)
{
	if (s && text_watch_feed(&s->serial, (char)byte))
		s->serial_seen = true;
}
