/* SDL scancodes (host key positions) to PS/2 key ids (set-1 make codes). */
#include <SDL_scancode.h>
#include <criterion/criterion.h>

#include "devices/ps2.h"
#include "ui/sdl_keys.h"

Test(sdl_keys, letters_and_digits_by_position)
{
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_A), 0x1E);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_Q), 0x10);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_Z), 0x2C);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_1), 0x02);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_0), 0x0B);
}

Test(sdl_keys, non_letters)
{
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_RETURN), 0x1C);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_ESCAPE), 0x01);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_SPACE), 0x39);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_SEMICOLON), 0x27);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_GRAVE), 0x29);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_F1), 0x3B);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_F12), 0x58);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_KP_7), 0x47);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_LSHIFT), 0x2A);
}

Test(sdl_keys, extended_keys_carry_e0)
{
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_UP), 0xE048);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_DELETE), 0xE053);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_RCTRL), 0xE01D);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_RALT), 0xE038);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_KP_ENTER), 0xE01C);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_KP_DIVIDE), 0xE035);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_LGUI), 0xE05B);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_PRINTSCREEN), PS2_KEY_PRINT);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_PAUSE), PS2_KEY_PAUSE);
}

Test(sdl_keys, iso_keys_and_unknowns)
{
	/* The key left of Z on ISO boards (<> on a German layout). */
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_NONUSBACKSLASH), 0x56);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_NONUSHASH), 0x2B);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_UNKNOWN), 0);
	cr_assert_eq(sdl_keys_to_ps2(SDL_SCANCODE_F24), 0);
	cr_assert_eq(sdl_keys_to_ps2(-1), 0);
	cr_assert_eq(sdl_keys_to_ps2(SDL_NUM_SCANCODES), 0);
}

/* Every mapped key encodes: a plain code below 0x80 or an E0 code. */
Test(sdl_keys, every_mapping_is_a_valid_key_id)
{
	for (int sc = 0; sc < SDL_NUM_SCANCODES; sc++) {
		uint16_t k = sdl_keys_to_ps2(sc);
		if (!k || k == PS2_KEY_PAUSE)
			continue;
		cr_assert((k >> 8) == 0 || (k >> 8) == 0xE0, "sc %d -> %#x", sc, k);
		cr_assert((k & 0xff) && (k & 0xff) < 0x80, "sc %d -> %#x", sc, k);
	}
}
