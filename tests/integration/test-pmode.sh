# Protected mode, paging, exceptions, V86: the guests in tests/guests/
# (pm_basic, pm_rings, paging, v86, faults) check themselves and print
# PASS/FAIL lines; here we assert they ran to the end with no FAIL.

pmode_guest_passes() { # NAME CPU GUEST KEY-PASS...
	local n=$1 cpu=$2 guest=$3
	shift 3
	lucid_run "$n" 20 run --cpu "$cpu" --bios "build/guests/$guest.bin" \
		--debugcon stdio --speed max --timeout 10s
	expect_rc 0 && expect_in out "DONE" || return 1
	for p in "$@"; do
		expect_in out "PASS $p" || return 1
	done
	if grep -q "^FAIL" "$OUT/$name.out"; then
		fail "guest reported a failure"
	fi
}

test_pmode_segments_and_faults() {
	pmode_guest_passes pm_basic pentium2 pm_basic pm_enter \
		gp_limit_error gp_sel_error np_error ss_np_error \
		ss_limit_vector expand_down_vector lar_code arpl
}

test_pmode_segments_on_a_386() {
	pmode_guest_passes pm_basic_386 386 pm_basic pm_enter gp_limit_error
}

test_pmode_privilege_transitions() {
	pmode_guest_passes pm_rings pentium2 pm_rings cgate_param_first \
		cgate_inner_esp int_from_ring3_esp int_dpl_gp_error \
		io_bitmap_denies task_backlink task_return_esp \
		ts_small_tss_error
}

test_pmode_paging() {
	pmode_guest_passes paging pentium2 paging pse_4m_read \
		pf_np_read_cr2 pf_wp_error pte_dirty_on_write \
		invlpg_new_mapping global_survives_cr3 pf_cross_write_cr2 \
		fetch_straddle_eip pf_user_supervisor_error \
		pg_dbp_other_linear pg_dbp_write_traps pg_dbp_trap_eip
}

test_pmode_v86_monitor() {
	pmode_guest_passes v86 pentium2 v86 v86_int_traps_iopl0 \
		v86_io_bitmap_denies v86_int_frame_gs v86_iopl3_sti_pushf
}

# A triple fault resets the machine (logged); the guest's second pass
# through the reset vector reports it.
test_pmode_double_and_triple_fault() {
	pmode_guest_passes faults pentium2 faults df_error_code \
		df_task_error_code triple_fault_resets || return 1
	expect_in err "triple fault: system reset"
}

test_pmode_triple_fault_no_reboot_exits_3() {
	lucid_run faults_noreboot 20 run --cpu pentium2 \
		--bios build/guests/faults.bin --debugcon stdio --speed max \
		--timeout 10s --no-reboot
	expect_rc 3 && expect_in out "PASS triple_fault_next" &&
	expect_in err "triple-faulted"
}

test_pmode_ldt_conforming_and_16bit_gates() {
	pmode_guest_passes pm_more pentium2 pm_more ldt_segment_base \
		write_to_code_gp bound_eip int16_gate_frame_bytes \
		outer_return_nulls_ds conforming_keeps_cpl3 \
		popf_cpl3_keeps_if_iopl iopl3_io_and_cli tss16_task_ran \
		tss16_saved_ip ibp_fault_eip ibp_instruction_ran_once \
		dbp_write_ignores_read dbp_write_traps dbp_write_trap_eip \
		dbp_dr6_disabled_match dbp_read_traps dbp_read_trap_eip \
		dbp_len_outside dbp_len_mask_byte dbp_rep_traps_once \
		dbp_rep_trap_eip dbp_rep_iteration dbp_disabled_no_trap \
		iobp_out_traps iobp_trap_eip iobp_dr6_b3
}

# #AC (CR0.AM + EFLAGS.AC at CPL 3, 486 on) and DR7.GD (#DB on MOV DRn).
test_pmode_alignment_check_and_general_detect() {
	for m in 486 pentium2; do
		pmode_guest_passes "pm_align_$m" $m pm_align gd_read_vector \
			tss_t_vector tss_t_trap_before_first tss_t_task_ran \
			tss_t_dr6_bt \
			gd_read_fault_eip gd_cleared_on_db gd_dr6_bd \
			gd_write_vector gd_write_not_done gd_off_no_fault \
			ac_cpl0_unchecked ac_dword_read_vector ac_error_code \
			ac_fault_eip ac_word_write_vector ac_write_not_done \
			ac_aligned_no_fault ac_push_vector ac_far_call_push \
			ac_rep_movsd_vector \
			ac_rep_movsd_ecx ac_flag_clear_unchecked ac_popf_enables \
			ac_fld_m32_aligned ac_fld_m64_vector ac_fst_m64_vector \
			ac_fst_m64_not_done ac_fstp_m80_vector \
			ac_fld_m64_aligned ac_am_clear_unchecked || return 1
	done
	pmode_guest_passes pm_align_386 386 pm_align gd_read_vector tss_t_dr6_bt \
		gd_cleared_on_db gd_write_not_done ac_flag_fixed_386
}

# A guest that triple-faults in a loop: each shutdown resets the machine,
# the run keeps going until --timeout, and the fault is logged once.
test_triple_fault_loop_is_logged_once_and_survived() {
	lucid_run tfloop 20 run --cpu 486 --bios build/guests/tf_loop.bin \
		--debugcon stdio --speed max --timeout 2s
	expect_rc 124 || return 1
	boots=$(grep -c '^B$' "$OUT/$name.out")
	[ "$boots" -ge 3 ] || fail "only $boots boots: the machine did not keep resetting" || return 1
	lines=$(grep -c 'warn: triple fault' "$OUT/$name.err")
	[ "$lines" = 1 ] || fail "$lines triple-fault log lines, want 1"
}
