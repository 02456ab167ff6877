/* ui/keymap.h: names and characters to PS/2 key ids (set-1 make codes,
 * 0xE0xx for extended keys; see devices/ps2.h). US layout for characters:
 * the guest's own keyboard driver decides what a scancode means. */
#ifndef LUCID_UI_KEYMAP_H
#define LUCID_UI_KEYMAP_H

#include <stdbool.h>
#include <stdint.h>

#define KEY_LSHIFT 0x2A
#define KEY_LCTRL 0x1D
#define KEY_LALT 0x38

/* A key name as scripts and the monitor spell it ("a", "f1", "enter",
 * "ctrl", "del", ...). Returns 0 for an unknown name. */
uint16_t keymap_by_name(const char *name);
/* A printable ASCII character (or \n, \t, \b) on a US keyboard: the key
 * and whether Shift is needed. Returns 0 when it has no key. */
uint16_t keymap_by_char(char ch, bool *shift);

#endif
