/* ui/keymap.c: key names and US-layout characters to PS/2 key ids. */
#include "ui/keymap.h"

#include <string.h>
#include <strings.h>

#include "core/util.h"

struct key_name {
	const char *name;
	uint16_t key;
};

static const struct key_name key_names[] = {
	{ "esc", 0x01 },     { "escape", 0x01 },  { "backspace", 0x0E },
	{ "tab", 0x0F },     { "enter", 0x1C },   { "return", 0x1C },
	{ "ctrl", 0x1D },    { "lctrl", 0x1D },   { "rctrl", 0xE01D },
	{ "shift", 0x2A },   { "lshift", 0x2A },  { "rshift", 0x36 },
	{ "alt", 0x38 },     { "lalt", 0x38 },    { "ralt", 0xE038 },
	{ "altgr", 0xE038 }, { "space", 0x39 },   { "capslock", 0x3A },
	{ "f1", 0x3B },      { "f2", 0x3C },      { "f3", 0x3D },
	{ "f4", 0x3E },      { "f5", 0x3F },      { "f6", 0x40 },
	{ "f7", 0x41 },      { "f8", 0x42 },      { "f9", 0x43 },
	{ "f10", 0x44 },     { "f11", 0x57 },     { "f12", 0x58 },
	{ "numlock", 0x45 }, { "scrolllock", 0x46 },
	{ "home", 0xE047 },  { "up", 0xE048 },    { "pgup", 0xE049 },
	{ "left", 0xE04B },  { "right", 0xE04D }, { "end", 0xE04F },
	{ "down", 0xE050 },  { "pgdn", 0xE051 },  { "ins", 0xE052 },
	{ "insert", 0xE052 }, { "del", 0xE053 },  { "delete", 0xE053 },
	{ "lwin", 0xE05B },  { "rwin", 0xE05C },  { "menu", 0xE05D },
	{ "print", 0xE037 }, { "pause", 0xE11D },
};

/* US layout rows: the unshifted and shifted character of each key. */
struct key_chars {
	uint16_t key;
	char plain, shifted;
};

static const struct key_chars key_chars[] = {
	{ 0x02, '1', '!' },  { 0x03, '2', '@' },  { 0x04, '3', '#' },
	{ 0x05, '4', '$' },  { 0x06, '5', '%' },  { 0x07, '6', '^' },
	{ 0x08, '7', '&' },  { 0x09, '8', '*' },  { 0x0A, '9', '(' },
	{ 0x0B, '0', ')' },  { 0x0C, '-', '_' },  { 0x0D, '=', '+' },
	{ 0x10, 'q', 'Q' },  { 0x11, 'w', 'W' },  { 0x12, 'e', 'E' },
	{ 0x13, 'r', 'R' },  { 0x14, 't', 'T' },  { 0x15, 'y', 'Y' },
	{ 0x16, 'u', 'U' },  { 0x17, 'i', 'I' },  { 0x18, 'o', 'O' },
	{ 0x19, 'p', 'P' },  { 0x1A, '[', '{' },  { 0x1B, ']', '}' },
	{ 0x1E, 'a', 'A' },  { 0x1F, 's', 'S' },  { 0x20, 'd', 'D' },
	{ 0x21, 'f', 'F' },  { 0x22, 'g', 'G' },  { 0x23, 'h', 'H' },
	{ 0x24, 'j', 'J' },  { 0x25, 'k', 'K' },  { 0x26, 'l', 'L' },
	{ 0x27, ';', ':' },  { 0x28, '\'', '"' }, { 0x29, '`', '~' },
	{ 0x2B, '\\', '|' }, { 0x2C, 'z', 'Z' },  { 0x2D, 'x', 'X' },
	{ 0x2E, 'c', 'C' },  { 0x2F, 'v', 'V' },  { 0x30, 'b', 'B' },
	{ 0x31, 'n', 'N' },  { 0x32, 'm', 'M' },  { 0x33, ',', '<' },
	{ 0x34, '.', '>' },  { 0x35, '/', '?' },  { 0x39, ' ', ' ' },
	{ 0x1C, '\n', '\n' }, { 0x0F, '\t', '\t' }, { 0x0E, '\b', '\b' },
};

uint16_t keymap_by_name(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(key_names); i++)
		if (!strcasecmp(key_names[i].name, name))
			return key_names[i].key;
	/* A single character names its key ("a", "5", "/"). */
	if (name[0] && !name[1]) {
		bool shift;
		return keymap_by_char(name[0], &shift);
	}
	return 0;
}

uint16_t keymap_by_char(char ch, bool *shift)
{
	for (unsigned i = 0; i < ARRAY_SIZE(key_chars); i++) {
		if (key_chars[i].plain == ch) {
			*shift = false;
			return key_chars[i].key;
		}
		if (key_chars[i].shifted == ch) {
			*shift = true;
			return key_chars[i].key;
		}
	}
	return 0;
}
