# The demo machine. With SeaBIOS (the default firmware), --demo boots the
# demo floppy (core/demo_floppy.asm); --bios builtin keeps the built-in ROM
# (core/demo.asm), which reports on the debug console and halts.

SEABIOS=${SEABIOS:-/usr/share/seabios/bios.bin}

test_demo_machine_reports_and_halts_on_286() {
	lucid_run demo286 20 run --demo --bios builtin --speed max --timeout 10s
	expect_rc 0 &&
	expect_in out "machine: " &&
	expect_in out "hello from the guest" &&
	expect_in out "CPU: 80286 or later" &&
	expect_in out "Conventional memory: 640 KiB" &&
	expect_in err "halted with interrupts disabled"
}

test_demo_machine_tells_an_8086_by_its_flags() {
	lucid_run demo8086 20 run --demo --cpu 8086 --mem 256K --speed max --timeout 10s
	expect_rc 0 &&
	expect_in out "CPU: 8086/8088 class" &&
	expect_in out "Conventional memory: 256 KiB"
}

test_until_debugcon_stops_the_run_early() {
	lucid_run until 20 run --bios builtin --debugcon stdio --until-debugcon "CPU: " --speed max --timeout 10s
	expect_rc 0 && expect_in err "debug console printed" || return 1
	if grep -q "Conventional memory" "$OUT/$name.out"; then
		fail "ran past the --until-debugcon text"
	fi
}

test_snapshot_round_trip_continues_identically() {
	lucid_run snap_a 20 run --demo --bios builtin --speed max --until-debugcon "CPU: " --savevm "$OUT/demo.snap"
	expect_rc 0 || return 1
	lucid_run snap_b 20 run --demo --bios builtin --speed max --loadvm "$OUT/demo.snap"
	expect_rc 0 && expect_in out "Conventional memory: 640 KiB" || return 1
	if grep -q "hello from the guest" "$OUT/$name.out"; then
		fail "restored machine started over instead of continuing"
	fi
}

# Regression: with less than 1 MiB of RAM the PCI hole must not start below
# 1 MiB, or it hides the BIOS (the machine then runs into all-ones).
test_small_ram_keeps_the_bios_visible() {
	lucid_run demo640k 20 run --demo --bios builtin --mem 512K --speed max --timeout 10s
	expect_rc 0 && expect_in out "Conventional memory: 512 KiB"
}

# Before the 386 SeaBIOS cannot run: --demo falls back to the ROM, saying so.
test_demo_on_an_8086_notes_the_rom_fallback() {
	[ -f "$SEABIOS" ] || { skip "SeaBIOS not found at $SEABIOS"; return; }
	lucid_run demo8086note 20 run --demo --cpu 8086 --speed max --timeout 10s
	expect_rc 0 && expect_in err "SeaBIOS needs a 386 or later" &&
	expect_in out "CPU: 8086/8088 class"
}

# make run's demo: SeaBIOS boots the demo floppy, which reports the CPU and
# memory, echoes typed lines to the screen and COM1, and powers off on
# "quit" (APM -> ACPI S5), ending the run with exit 0.
test_demo_floppy_echoes_typed_lines_and_powers_off() {
	[ -f "$SEABIOS" ] || { skip "SeaBIOS not found at $SEABIOS"; return; }
	cat >"$OUT/demo-type.txt" <<'SCRIPT'
wait-text "powers the machine off."
type "hello lucid\n"
wait-text "echo: hello lucid"
type "quit\n"
SCRIPT
	lucid_run demofloppy 60 run --demo --mhz 25 --speed max --timeout 60s \
		--serial "file:$OUT/demofloppy.com1" --input "$OUT/demo-type.txt" \
		--screen-text </dev/null
	expect_rc 0 &&
	expect_in out "machine: " &&
	expect_in out "firmware: $SEABIOS" &&
	expect_in out "Lucid demo: booted from a floppy by SeaBIOS" &&
	expect_in out "CPU:    GenuineIntel, family 6 model 5" &&
	expect_in out "Memory: 639 KiB conventional" &&
	expect_in out "> hello lucid" &&
	expect_in out "echo: hello lucid" &&
	expect_in com1 "Lucid demo: booted from a floppy by SeaBIOS" &&
	expect_in com1 "echo: hello lucid" &&
	expect_in com1 "Powering off. Bye." &&
	expect_in err "guest powered off"
}

# Without a display the demo is driven over COM1 (stdin): the guest reads
# keys from there too.
test_demo_floppy_takes_input_from_com1() {
	[ -f "$SEABIOS" ] || { skip "SeaBIOS not found at $SEABIOS"; return; }
	name=democom1
	printf 'typed on com1\nquit\n' | timeout -k 5 70 "$LUCID" run --demo \
		--mhz 25 --speed max --timeout 60s >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	expect_rc 0 &&
	expect_in out "echo: typed on com1" &&
	expect_in out "Powering off. Bye." &&
	expect_in err "guest powered off"
}
