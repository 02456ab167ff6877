/* ui/sdl_keys.h: SDL scancodes (physical key positions) to PS/2 key ids
 * (set-1 make codes, 0xE0xx extended; devices/ps2.h). Positions, not
 * characters: the guest's keyboard driver applies its own layout, so a
 * host with a German or French layout still sends the key under the
 * finger. */
#ifndef LUCID_UI_SDL_KEYS_H
#define LUCID_UI_SDL_KEYS_H

#include <stdint.h>

/* sc is an SDL_Scancode; 0 for keys a PC keyboard lacks. */
uint16_t sdl_keys_to_ps2(int sc);

#endif
