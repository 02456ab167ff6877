# Where a pending hardware interrupt is taken: the irqwin guest opens the
# window with STI (one more instruction first: the shadow), POPF and an
# unmasking OUT, each in front of a straight run of instructions that the
# interpreter executes as one decoded block.

test_pending_irq_is_taken_where_the_window_opens() {
	for m in 386 pentium2; do
		lucid_run "irqwin_$m" 20 run --cpu "$m" \
			--bios build/guests/irqwin.bin --debugcon stdio \
			--speed max --timeout 10s
		expect_rc 0 && expect_in out "DONE" &&
		expect_in out "PASS irq_sti_shadow_runs_one_insn" &&
		expect_in out "PASS irq_taken_after_sti_shadow" &&
		expect_in out "PASS irq_taken_right_after_popf" &&
		expect_in out "PASS irq_taken_right_after_unmask" || return 1
		if grep -q "^FAIL" "$OUT/irqwin_$m.out"; then
			fail "guest reported a failure on $m"
			return 1
		fi
	done
}
