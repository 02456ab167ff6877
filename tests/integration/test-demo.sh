# The built-in demo machine: boots from its ROM, reports, halts.

test_demo_machine_reports_and_halts_on_286() {
	lucid_run demo286 20 run --demo --speed max --timeout 10s
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
	lucid_run until 20 run --debugcon stdio --until-debugcon "CPU: " --speed max --timeout 10s
	expect_rc 0 && expect_in err "debug console printed" || return 1
	if grep -q "Conventional memory" "$OUT/$name.out"; then
		fail "ran past the --until-debugcon text"
	fi
}

test_snapshot_round_trip_continues_identically() {
	lucid_run snap_a 20 run --demo --speed max --until-debugcon "CPU: " --savevm "$OUT/demo.snap"
	expect_rc 0 || return 1
	lucid_run snap_b 20 run --demo --speed max --loadvm "$OUT/demo.snap"
	expect_rc 0 && expect_in out "Conventional memory: 640 KiB" || return 1
	if grep -q "hello from the guest" "$OUT/$name.out"; then
		fail "restored machine started over instead of continuing"
	fi
}

# Regression: with less than 1 MiB of RAM the PCI hole must not start below
# 1 MiB, or it hides the BIOS (the machine then runs into all-ones).
test_small_ram_keeps_the_bios_visible() {
	lucid_run demo640k 20 run --demo --mem 512K --speed max --timeout 10s
	expect_rc 0 && expect_in out "Conventional memory: 512 KiB"
}
