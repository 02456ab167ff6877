# Command line: help, version, and one clear line for every bad input.

test_help_lists_commands_and_run_options() {
	lucid_run help 5 --help
	expect_rc 0 && expect_in out "lucid run" || return 1
	lucid_run run_help 5 run --help
	expect_rc 0 && expect_in out "--cpu MODEL" && expect_in out "--timeout"
}

test_bios_defaults_to_seabios_and_builtin_keeps_the_rom() {
	lucid_run run_help_bios 5 run --help
	expect_rc 0 && expect_in out "default: Debian's SeaBIOS" || return 1
	lucid_run builtin 10 run --bios builtin --debugcon stdio --speed max \
		--timeout 5s
	expect_rc 0 && expect_in out "hello from the guest"
}

test_version_prints_version() {
	lucid_run version 5 --version
	expect_rc 0 && expect_in out "lucid "
}

test_unknown_flag_is_one_line_error() {
	lucid_run badflag 5 run --no-such-flag
	expect_rc 1 && expect_one_line_error && expect_in err "--no-such-flag"
}

test_unknown_command_is_one_line_error() {
	lucid_run badcmd 5 frobnicate
	expect_rc 1 && expect_one_line_error
}

test_missing_bios_file_is_one_line_error() {
	lucid_run nobios 5 run --bios /nonexistent/bios.bin
	expect_rc 1 && expect_one_line_error && expect_in err "/nonexistent/bios.bin"
}

test_bios_of_wrong_size_is_refused() {
	printf 'not a bios' >"$OUT/tiny.bin"
	lucid_run tinybios 5 run --bios "$OUT/tiny.bin"
	expect_rc 1 && expect_one_line_error && expect_in err "not a BIOS image"
}

test_impossible_ram_sizes_are_refused() {
	lucid_run mem8086 5 run --cpu 8086 --mem 4M
	expect_rc 1 && expect_one_line_error && expect_in err "8086" || return 1
	lucid_run memjunk 5 run --mem lots
	expect_rc 1 && expect_one_line_error || return 1
	lucid_run memsmall 5 run --mem 1K
	expect_rc 1 && expect_one_line_error
}

test_bad_values_are_refused() {
	lucid_run badcpu 5 run --cpu z80
	expect_rc 1 && expect_one_line_error && expect_in err "z80" || return 1
	lucid_run badmhz 5 run --mhz 0
	expect_rc 1 && expect_one_line_error || return 1
	lucid_run badtimeout 5 run --timeout soon
	expect_rc 1 && expect_one_line_error || return 1
	lucid_run badlog 5 run --log pit=loud
	expect_rc 1 && expect_one_line_error
}

test_corrupt_snapshot_is_refused() {
	printf 'LUCIDSS\0garbage-garbage-garbage' >"$OUT/bad.snap"
	lucid_run badsnap 5 run --loadvm "$OUT/bad.snap"
	expect_rc 1 && expect_one_line_error && expect_in err "bad.snap"
}
