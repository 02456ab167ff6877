# The 386..Pentium II integer instruction set: the guests alu32 (real mode,
# 66/67 prefixes), features (what each model has) and ops32 (32-bit flat
# code, SYSENTER/SYSEXIT) check themselves and print PASS/FAIL lines. (On
# the 8086/286 the prefixes stay #UD/ignored: the SingleStepTests cover it.)

cpu386_guest() { # NAME CPU GUEST KEY-PASS...: ran to DONE, no FAIL
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

cpu386_lacks() { # NAME TEXT...: none of TEXT in the output
	local n=$1
	shift
	for p in "$@"; do
		if grep -qF -- "$p" "$OUT/$n.out"; then
			fail "unexpected '$p'"
			return 1
		fi
	done
}

test_cpu386_alu32_on_every_32bit_model() {
	for m in 386 486 pentium pentium2; do
		cpu386_guest "alu32_$m" $m alu32 add32_flags shl32_count_masked \
			mul32_hi idiv32_r rep_movsd_a16_cx loop_a32_count \
			pushad_esp_image call32_pushes_eip jcc_rel16 \
			bts_mem_negative bsf_zero_keeps_dest shld16 \
			pop32_fs lgs_selector a32_past_limit_gp \
			in_dword_host_bridge_id insd icebp_db \
			lock_add_mem_result lock_mov_ud lock_add_reg_dest_ud \
			lock_cmp_ud lock_inc_mem_no_fault || return 1
	done
}

test_cpu386_features_386() {
	cpu386_guest features_386 386 features ac_fixed id_fixed bswap_ud \
		xadd_ud cmpxchg_ud wbinvd_ud cpuid_ud
}

test_cpu386_features_486() {
	cpu386_guest features_486 486 features ac_toggles id_fixed bswap \
		xadd_sum cmpxchg_equal_zf cmpxchg_differ_loads wbinvd \
		cpuid_ud || return 1
	cpu386_lacks features_486 "bswap_ud" "cpuid_vendor"
}

test_cpu386_features_pentium() {
	cpu386_guest features_p5 pentium features ac_toggles id_toggles \
		cpuid_vendor_ecx cpuid_sig_is_reset_edx cpuid_features_p5 \
		rdtsc_advances wrmsr_tsc_low wrmsr_tsc_p5_64bit \
		rdmsr_unknown_gp rdmsr_efer_gp cmpxchg8b_equal_zf \
		cmpxchg8b_differ cmov_ud ud2
}

test_cpu386_features_pentium2() {
	cpu386_guest features_p6 pentium2 features id_toggles \
		cpuid_features_p6 cpuid_leaf2_edx cpuid_high_leaf_clamps \
		wrmsr_tsc_p6_clears_high mtrrcap mtrr_physbase_rw \
		mtrr_bad_type_gp mtrr_physmask_reserved_gp sysenter_cs_rw \
		apic_base_bsp bios_sign_rev mtrrcap_write_gp cmpxchg8b_equal \
		cmovl_taken nop_rm prefetch_3dnow_ud rdpmc_zero \
		sysenter_real_mode_gp ud2 || return 1
	cpu386_lacks features_p6 "cmov_ud"
}

test_cpu386_flat32_and_sysenter() {
	cpu386_guest ops32 pentium2 ops32 add16_o16_flags loop_a16_in_32bit \
		lea_a16_in_32bit bts_far_negative sysenter_null_cs_gp \
		sysexit_cs sysexit_esp rdmsr_cpl3_gp rdtsc_tsd_cpl3_gp \
		rdpmc_cpl3_gp sysexit_cpl3_gp sysenter_cs sysenter_esp
}
