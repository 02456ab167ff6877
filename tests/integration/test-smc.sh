# Self-modifying code against the decoded-instruction cache: the smc guest
# rewrites code that already ran (next instruction, loop body, REP MOVSB,
# REP STOSB, INSB from CMOS, page-end and page-crossing instructions) and
# checks what the new bytes compute, on every model with a 0F map.

test_smc_guest_sees_rewritten_code_on_every_32bit_model() {
	for m in 386 486 pentium pentium2; do
		lucid_run "smc_$m" 20 run --cpu "$m" --bios build/guests/smc.bin \
			--debugcon stdio --speed max --timeout 10s
		expect_rc 0 && expect_in out "DONE" &&
		expect_in out "PASS smc_loop_body_again" &&
		expect_in out "PASS smc_rep_movs" &&
		expect_in out "PASS smc_rep_stos" &&
		expect_in out "PASS smc_rep_ins" &&
		expect_in out "PASS smc_page_end_after" || return 1
		if grep -q "^FAIL" "$OUT/smc_$m.out"; then
			fail "guest reported a failure on $m"
			return 1
		fi
	done
}
