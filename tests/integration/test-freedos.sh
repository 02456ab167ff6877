# FreeDOS from ../shared boots through SeaBIOS on the interpreter.

SEABIOS=${SEABIOS:-/usr/share/seabios/bios.bin}
FREEDOS=$SHARED/testdata/freedos

freedos_ready() {
	[ -f "$SEABIOS" ] || { skip "SeaBIOS not found at $SEABIOS (apt-get install seabios)"; return 77; }
	[ -f "$FREEDOS/$1" ] || { skip "FreeDOS image not found at $FREEDOS/$1"; return 77; }
}

test_freedos_serial_image_prints_its_markers_on_com1() {
	freedos_ready freedos-serial.img || return $?
	lucid_run fdserial 120 run --cpu pentium2 --mhz 25 --bios "$SEABIOS" \
		--fda "$FREEDOS/freedos-serial.img" --serial stdio \
		--until-serial FREEDOS-DONE --speed max --timeout 120s
	expect_rc 0 &&
	expect_in out "FREEDOS-BOOT-OK" &&
	expect_in out "FreeCom version 0.82 pl 3 XMS_Swap [Dec 10 2003 06:49:21]" &&
	expect_in out "FREEDOS-DONE"
}

test_freedos_boots_to_the_prompt_and_runs_ver() {
	freedos_ready freedos-1.44M.img || return $?
	cat >"$OUT/ver.txt" <<'SCRIPT'
wait-text "A:\>"
type "ver\n"
wait-text "FreeCom version 0.82 pl 3"
screenshot build-san/integration/freedos-ver.png
quit
SCRIPT
	lucid_run fdver 120 run --cpu pentium2 --mhz 25 --bios "$SEABIOS" \
		--fda "$FREEDOS/freedos-1.44M.img" --input "$OUT/ver.txt" \
		--screen-text --speed max --timeout 120s
	expect_rc 0 &&
	expect_in out 'A:\>ver' &&
	expect_in out "FreeCom version 0.82 pl 3" &&
	expect_in err "quit at line 5" || return 1
	# A real PNG of the screen: signature and a 720x400 IHDR.
	head -c 8 "$OUT/freedos-ver.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" ||
		fail "screenshot is not a PNG"
}

test_freedos_image_is_not_modified_without_persist() {
	freedos_ready freedos-1.44M.img || return $?
	before=$(sha256sum "$FREEDOS/freedos-1.44M.img" | cut -d' ' -f1)
	cat >"$OUT/write.txt" <<'SCRIPT'
wait-text "A:\>"
type "echo hello > new.txt\n"
wait 1s
type "type new.txt\n"
wait-text "hello"
quit
SCRIPT
	lucid_run fdwrite 120 run --cpu pentium2 --mhz 25 --bios "$SEABIOS" \
		--fda "$FREEDOS/freedos-1.44M.img" --input "$OUT/write.txt" \
		--screen-text --speed max --timeout 120s
	expect_rc 0 || return 1
	after=$(sha256sum "$FREEDOS/freedos-1.44M.img" | cut -d' ' -f1)
	[ "$before" = "$after" ] || fail "the base image changed"
}

# A recorded FreeDOS session with scripted typing replays bit-exactly, the
# same every time: three replays, one final hash and instruction count.
# The third hashes all of RAM and video memory at every checkpoint
# (--full-hash), so a write that missed the dirty bitmaps diverges.
test_freedos_typing_session_replays_identically_three_times() {
	freedos_ready freedos-1.44M.img || return $?
	cat >"$OUT/rr.txt" <<'SCRIPT'
wait-text "A:\>"
type "ver\n"
wait-text "FreeCom version"
type "dir\n"
wait 500ms
quit
SCRIPT
	lucid_run fdrec 120 run --cpu pentium2 --mhz 25 --bios "$SEABIOS" \
		--fda "$FREEDOS/freedos-1.44M.img" --input "$OUT/rr.txt" \
		--speed max --timeout 120s --record "$OUT/fd.lrt"
	expect_rc 0 && expect_in err "quit at line 6" || return 1
	first=""
	for i in 1 2 3; do
		full=""
		[ "$i" = 3 ] && full=--full-hash
		lucid_run fdrep$i 120 replay "$OUT/fd.lrt" --timeout 120s $full
		expect_rc 0 && expect_in err "final hash OK" || return 1
		line=$(grep -o 'replay: .*' "$OUT/fdrep$i.err" | tail -n 1)
		[ -n "$first" ] || first=$line
		[ "$line" = "$first" ] || fail "replay $i differs: '$line' vs '$first'" || return 1
	done
}
