# The display: pictures our own guest draws in mode 13h and in a VBE mode
# compared pixel for pixel with pictures this test generates
# (gfx-png.py), the monitor console, refusals, and, under Xvfb, the SDL
# window: FreeDOS typed into through the monitor, and the window's own
# pixels (read back from SDL) equal to the headless screenshot.

GFXPNG=tests/integration/gfx-png.py
SEABIOS=${SEABIOS:-/usr/share/seabios/bios.bin}

test_display_gfx_guest_draws_mode13h_and_vbe_exactly() {
	command -v python3 >/dev/null || { skip "python3 not found"; return $?; }
	cat >"$OUT/gfx.txt" <<SCRIPT
wait-serial "M13"
screenshot $OUT/gfx-13h.png
key space
wait-serial "VBE"
screenshot $OUT/gfx-vbe.png
quit
SCRIPT
	lucid_run gfx 30 run --cpu pentium2 --bios build/guests/gfx.bin \
		--input "$OUT/gfx.txt" --speed max --timeout 30s
	expect_rc 0 && expect_in err "quit at line 6" || return 1
	python3 $GFXPNG expect 13h "$OUT/gfx-13h-expected.png" &&
	python3 $GFXPNG expect vbe "$OUT/gfx-vbe-expected.png" || return 1
	python3 $GFXPNG compare "$OUT/gfx-13h-expected.png" "$OUT/gfx-13h.png" ||
		fail "mode 13h picture differs" || return 1
	python3 $GFXPNG compare "$OUT/gfx-vbe-expected.png" "$OUT/gfx-vbe.png" ||
		fail "VBE picture differs"
}

test_display_monitor_commands_headless() {
	rm -f "$OUT/mon-shot.png"
	printf '%s\n' info 'bogus' 'sendkey ctrl+alt+nokey' \
		"screenshot $OUT/mon-shot.png" 'type "x"' help quit |
		timeout 30 env -u DISPLAY -u WAYLAND_DISPLAY "$LUCID" run \
		--cpu pentium2 --bios build/guests/gfx.bin --monitor stdio \
		--speed max --timeout 20s >"$OUT/mon.out" 2>"$OUT/mon.err"
	rc=$? name=mon
	expect_rc 0 &&
	expect_in out "machine: Intel Pentium II CPU" &&
	expect_in out "cpu: protected mode" &&
	expect_in out "instructions" &&
	expect_in out "error: unknown command 'bogus'" &&
	expect_in out "error: sendkey: unknown key" &&
	expect_in out "savevm FILE | loadvm FILE" &&
	expect_in err "monitor: quit" || return 1
	[ -s "$OUT/mon-shot.png" ] || fail "no screenshot from the monitor"
}

test_display_sdl_without_a_display_is_one_error() {
	lucid_run nodisp 10 run --display sdl --bios build/guests/gfx.bin
	expect_rc 1 && expect_one_line_error && expect_in err "--display sdl"
}

test_display_refusals() {
	lucid_run baddisp 10 run --display vnc
	expect_rc 1 && expect_one_line_error || return 1
	lucid_run bothstdio 10 run --monitor stdio --serial stdio
	expect_rc 1 && expect_one_line_error && expect_in err "both want stdin" ||
		return 1
	lucid_run badmon 10 run --monitor tcp:0.0.0.0:4444
	expect_rc 1 && expect_one_line_error
}

# Xvfb on a free display number; sets XVFB_PID and XDISP.
xvfb_start() {
	command -v Xvfb >/dev/null || { skip "Xvfb not found (apt-get install xvfb)"; return 77; }
	for n in $(seq 90 120); do
		[ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] && continue
		Xvfb :$n -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
		XVFB_PID=$! XDISP=:$n
		for _ in $(seq 1 50); do
			[ -e /tmp/.X11-unix/X$n ] && return 0
			sleep 0.1
		done
		kill $XVFB_PID 2>/dev/null
	done
	skip "Xvfb did not start"
}

test_display_sdl_window_shows_freedos_and_reads_back_exactly() {
	command -v python3 >/dev/null || { skip "python3 not found"; return $?; }
	[ -f "$SEABIOS" ] || { skip "SeaBIOS not found at $SEABIOS"; return $?; }
	img=$SHARED/testdata/freedos/freedos-1.44M.img
	[ -f "$img" ] || { skip "FreeDOS image not found at $img"; return $?; }
	xvfb_start || return $?
	name=sdlwin
	rm -f "$OUT"/sdl-*.png "$OUT/sdl.fifo"
	mkfifo "$OUT/sdl.fifo"
	cat >"$OUT/sdl.txt" <<SCRIPT
wait-text "A:\>"
screenshot $OUT/sdl-prompt.png
wait-text "echo typed-in"
screenshot $OUT/sdl-typed.png
wait 3600s
SCRIPT
	# SDL's video drivers load and unload libraries whose allocations
	# LeakSanitizer cannot attribute; Lucid's own leaks are checked by
	# the unit tests and every headless run.
	DISPLAY=$XDISP ASAN_OPTIONS=detect_leaks=0 timeout 200 "$LUCID" run \
		--cpu pentium2 --mhz 25 --bios "$SEABIOS" --fda "$img" \
		--display sdl --speed max --input "$OUT/sdl.txt" \
		--monitor stdio --screen-text --timeout 180s \
		<"$OUT/sdl.fifo" >"$OUT/$name.out" 2>"$OUT/$name.err" &
	pid=$!
	exec 3>"$OUT/sdl.fifo"
	for _ in $(seq 1 1500); do
		[ -s "$OUT/sdl-prompt.png" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	printf '%s\n' 'type "echo typed-in\n"' >&3
	for _ in $(seq 1 1500); do
		[ -s "$OUT/sdl-typed.png" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.1
	done
	printf '%s\n' stop "screenshot $OUT/sdl-frame.png" \
		"screenshot-window $OUT/sdl-window.png" quit >&3
	exec 3>&-
	wait $pid
	rc=$?
	kill $XVFB_PID 2>/dev/null
	expect_rc 0 && expect_in out "A:\>echo typed-in" &&
	expect_in err "monitor: quit" || return 1
	python3 $GFXPNG compare "$OUT/sdl-frame.png" "$OUT/sdl-window.png" ||
		fail "the window's pixels differ from the headless frame"
}

test_display_monitor_keys_are_recorded_and_replayed() {
	rm -f "$OUT/keys.lrt"
	{ sleep 1; echo 'sendkey space'; sleep 2; } |
		timeout 30 env -u DISPLAY -u WAYLAND_DISPLAY "$LUCID" run \
		--cpu pentium2 --bios build/guests/gfx.bin --monitor stdio \
		--record "$OUT/keys.lrt" --until-serial VBE --timeout 20s \
		>"$OUT/keysrec.out" 2>"$OUT/keysrec.err"
	rc=$? name=keysrec
	expect_rc 0 && expect_in err 'serial port printed "VBE"' &&
	expect_in err "input events" || return 1
	lucid_run keysplay 30 replay "$OUT/keys.lrt"
	expect_rc 0 && expect_in err "final hash OK" || return 1
	# Mode 13h and VBE drawing: every video memory write marked its page
	# for the state hash (a full rehash at every checkpoint agrees).
	lucid_run keysfull 30 replay --full-hash "$OUT/keys.lrt"
	expect_rc 0 && expect_in err "final hash OK"
}
