# The x87 FPU: tests/guests/fpu.asm (numerics bit for bit, transcendentals
# within 2^-50 and FSIN's Intel reduction, environment layout, FXSAVE,
# #MF and #NM) on each model with an FPU.

fpu_guest_passes() {
	lucid_run "$1" 20 run --cpu "$2" --bios build/guests/fpu.bin \
		--debugcon stdio --speed max --timeout 10s
	expect_rc 0 &&
	expect_in out "PASS pi_series" &&
	expect_in out "PASS sqrt2" &&
	expect_in out "PASS fsin_1" &&
	expect_in out "PASS mf_vector" &&
	expect_in out "PASS fsin_pi_intel" &&
	expect_in out "PASS fxsave_st0_pi" &&
	expect_in out "PASS fxrstor_st0" &&
	expect_in out "DONE" || return 1
	if grep -q "^FAIL" "$OUT/$name.out"; then
		fail "guest reported a failure"
	fi
}

test_fpu_guest_pentium2() {
	fpu_guest_passes fpu_p2 pentium2
}

# The 486 has no FCOMI/FUCOMI (P6): the guest's FCOMI checks report #UD,
# so only the numeric lines are asserted there.
test_fpu_guest_486_numerics() {
	lucid_run fpu_486 20 run --cpu 486 --bios build/guests/fpu.bin \
		--debugcon stdio --speed max --timeout 10s
	expect_in out "PASS pi_series" &&
	expect_in out "PASS e_series" &&
	expect_in out "PASS one_third_down" &&
	expect_in out "PASS fbld"
}
