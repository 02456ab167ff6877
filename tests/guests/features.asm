; features: what each model has (386, 486, Pentium, Pentium II), probed
; from real mode. Instructions a model lacks must raise #UD; the guest
; prints "PASS x_ud" for those and checks results otherwise, so the
; integration test asserts per model which lines appear. Also EFLAGS.AC
; and .ID writability, CPUID (vendor, signature = reset EDX, features,
; leaf 2), RDTSC/WRMSR TSC, MSRs (#GP for unknown ones, MTRR type checks),
; CMPXCHG8B, CMOV, RDPMC, UD2, hint NOPs, SYSENTER outside protected mode.
; Checked under qemu-system-i386 -cpu 486/pentium/pentium2: flags, the
; 486/Pentium/P6 instructions, vendor and signature agree. QEMU's TCG
; differs (so those checks fail there) where it does not model the chip:
; unknown MSRs read 0 instead of #GP, no MTRR checks, TSC writes, RDPMC
; (#UD), 0F 0D (a NOP), leaf 2, BIOS_SIGN, and its models' feature bits.
%include "rm.inc"

; PROBE label_if_ud: run the next instruction; if it raised #UD, print
; "PASS <name>_ud" and continue at the label.
%macro UD_OR 2
	cmp dword [exc_vec], 6
	jne %%ran
	call pass_inline
	db %1, '_ud', 0
	jmp %2
%%ran:
%endmacro

tests:
	; --- EFLAGS.AC (486+) and EFLAGS.ID (CPUID present) ---------------
	pushfd
	pop eax
	mov ebx, eax
	xor eax, 1 << 18
	push eax
	popfd
	pushfd
	pop eax
	push ebx
	popfd
	xor eax, ebx
	test eax, 1 << 18
	jz .ac_fixed
	call pass_inline
	db 'ac_toggles', 0
	jmp .ac_done
.ac_fixed:
	call pass_inline
	db 'ac_fixed', 0
.ac_done:
	pushfd
	pop eax
	mov ebx, eax
	xor eax, 1 << 21
	push eax
	popfd
	pushfd
	pop eax
	push ebx
	popfd
	xor eax, ebx
	test eax, 1 << 21
	jz .id_fixed
	call pass_inline
	db 'id_toggles', 0
	jmp .id_done
.id_fixed:
	call pass_inline
	db 'id_fixed', 0
.id_done:

	; --- 486 ------------------------------------------------------------
	TRY .bswap
	mov eax, 0x11223344
	bswap eax
.bswap:	UD_OR 'bswap', .xadd
	CHECK "bswap", 0x44332211

.xadd:	TRY .xadd_r
	mov eax, 5
	mov dword [scratch], 7
	xadd [scratch], eax
.xadd_r: UD_OR 'xadd', .cmpxchg
	CHECK "xadd_old", 7
	mov eax, [scratch]
	CHECK "xadd_sum", 12

.cmpxchg:
	TRY .cx_r
	mov eax, 12
	mov ebx, 99
	cmpxchg [scratch], ebx
	SAVEF
.cx_r:	UD_OR 'cmpxchg', .wbinvd
	mov eax, [scratch]
	CHECK "cmpxchg_equal_stores", 99
	CHECKF "cmpxchg_equal_zf", 0x40, 0x40
	mov eax, 1
	cmpxchg [scratch], ebx
	SAVEF
	CHECK "cmpxchg_differ_loads", 99
	CHECKF "cmpxchg_differ_zf", 0x40, 0

.wbinvd:
	TRY .wb_r
	wbinvd
	invd
.wb_r:	UD_OR 'wbinvd', .cpuid
	call pass_inline
	db 'wbinvd', 0

	; --- CPUID ------------------------------------------------------------
.cpuid:	TRY .cpuid_r
	xor eax, eax
	cpuid
.cpuid_r:
	UD_OR 'cpuid', finish
	mov [scratch + 0x20], eax               ; max leaf
	mov eax, ebx
	CHECK "cpuid_vendor_ebx", 'Genu'
	mov eax, edx
	CHECK "cpuid_vendor_edx", 'ineI'
	mov eax, ecx
	CHECK "cpuid_vendor_ecx", 'ntel'
	mov eax, 1
	cpuid
	mov [scratch + 0x24], edx               ; features
	and eax, 0x3fff
	CHECK "cpuid_sig_is_reset_edx", [sig]
	shr eax, 8
	and eax, 0xf
	mov [scratch + 0x28], eax               ; family
	cmp eax, 6
	je .p6
	; Pentium: FPU DE PSE TSC MSR CX8 (QEMU's pentium differs)
	mov eax, [scratch + 0x24]
	CHECK "cpuid_features_p5", 0x13d
	mov eax, [scratch + 0x20]
	CHECK "cpuid_max_leaf_p5", 1
	jmp .tsc
.p6:	; + SEP MTRR PGE CMOV FXSR; Lucid leaves out what it does not implement
	; (QEMU's pentium2 also has VME PAE MCE MCA PAT PSE36 MMX). The
	; APIC bit follows APIC_BASE.EN, so it depends on the board.
	mov eax, [scratch + 0x24]
	and eax, ~(1 << 9)
	CHECK "cpuid_features_p6", 0x100b93d
	mov ecx, 0x1b
	rdmsr
	shr eax, 11 - 9
	xor eax, [scratch + 0x24]
	and eax, 1 << 9
	CHECK "cpuid_apic_is_apic_base_en", 0
	mov eax, [scratch + 0x20]
	CHECK "cpuid_max_leaf_p6", 2
	mov eax, 2
	cpuid
	CHECK "cpuid_leaf2_eax", 0x03020101
	mov eax, edx
	CHECK "cpuid_leaf2_edx", 0x0c040843
	mov eax, 0x80000000                     ; past the maximum: leaf 2
	cpuid
	CHECK "cpuid_high_leaf_clamps", 0x03020101

	; --- TSC ------------------------------------------------------------
.tsc:	rdtsc
	mov esi, eax
	mov edi, edx
	rdtsc
	sub eax, esi
	sbb edx, edi
	or edx, edx
	jnz .tsc_bad
	cmp eax, 0
	jg .tsc_ok
.tsc_bad:
	call fail_inline
	db 'rdtsc_advances', 0
	jmp .tsc2
.tsc_ok:
	call pass_inline
	db 'rdtsc_advances', 0
.tsc2:	mov ecx, 0x10
	mov edx, 1
	mov eax, 0x1000
	wrmsr
	rdtsc
	sub eax, 0x1000
	cmp eax, 1000                           ; a few cycles later
	jb .tsc_near
	call fail_inline
	db 'wrmsr_tsc_low', 0
	jmp .tsc_hi
.tsc_near:
	call pass_inline
	db 'wrmsr_tsc_low', 0
.tsc_hi:
	mov eax, edx
	cmp dword [scratch + 0x28], 6
	je .tsc_p6
	CHECK "wrmsr_tsc_p5_64bit", 1
	jmp .msr
.tsc_p6:	; P6: writing the TSC clears the upper half (QEMU keeps it)
	CHECK "wrmsr_tsc_p6_clears_high", 0

	; --- MSRs -----------------------------------------------------------
.msr:	TRY .m1
	mov ecx, 0x12345678
	rdmsr
.m1:	CHECKV "rdmsr_unknown_gp", 13
	TRY .m2
	mov ecx, 0xc0000080                     ; EFER: no long mode
	rdmsr
.m2:	CHECKV "rdmsr_efer_gp", 13
	cmp dword [scratch + 0x28], 6
	jne .cx8

	mov ecx, 0xfe
	rdmsr
	CHECK "mtrrcap", 0x508
	mov ecx, 0x200
	mov eax, 0x12345006                     ; base 12345000h, WB
	xor edx, edx
	wrmsr
	xor eax, eax
	rdmsr
	CHECK "mtrr_physbase_rw", 0x12345006
	TRY .m3
	mov ecx, 0x200
	mov eax, 0x12345002                     ; type 2 is reserved
	wrmsr
.m3:	CHECKV "mtrr_bad_type_gp", 13
	TRY .m4
	mov ecx, 0x201
	mov eax, 0x00000100                     ; reserved bit 8
	wrmsr
.m4:	CHECKV "mtrr_physmask_reserved_gp", 13
	mov ecx, 0x174
	mov eax, 0x0008
	xor edx, edx
	wrmsr
	xor eax, eax
	rdmsr
	CHECK "sysenter_cs_rw", 8
	mov ecx, 0x1b
	rdmsr
	and eax, 0xfffff100                     ; QEMU: enabled APIC (900h)
	CHECK "apic_base_bsp", 0xfee00100
	mov ecx, 0x8b                           ; BIOS_SIGN: CPUID loads it
	xor eax, eax
	xor edx, edx
	wrmsr
	mov eax, 1
	cpuid
	mov ecx, 0x8b
	rdmsr
	mov eax, edx
	CHECK "bios_sign_rev", 0x2a
	TRY .m5
	mov ecx, 0xfe
	wrmsr                                   ; MTRRcap is read-only
.m5:	CHECKV "mtrrcap_write_gp", 13

	; --- CMPXCHG8B --------------------------------------------------------
.cx8:	mov dword [scratch + 0x40], 1
	mov dword [scratch + 0x44], 2
	mov eax, 1
	mov edx, 2
	mov ebx, 0xaaaa
	mov ecx, 0xbbbb
	cmpxchg8b [scratch + 0x40]
	SAVEF
	mov eax, [scratch + 0x44]
	CHECK "cmpxchg8b_equal", 0xbbbb
	CHECKF "cmpxchg8b_equal_zf", 0x40, 0x40
	xor eax, eax
	xor edx, edx
	cmpxchg8b [scratch + 0x40]
	SAVEF
	CHECK "cmpxchg8b_differ", 0xaaaa
	CHECKF "cmpxchg8b_differ_zf", 0x40, 0

	; --- P6: CMOV, RDPMC, hint NOPs, UD2, SYSENTER ------------------------
	TRY .cmov_r
	mov eax, 1
	mov ebx, 2
	cmp eax, ebx
	cmovl eax, ebx
.cmov_r:
	UD_OR 'cmov', .ud2
	CHECK "cmovl_taken", 2
	cmovg eax, ecx
	CHECK "cmovg_not_taken", 2
	TRY .nop_r
	mov eax, 0x77
	db 0x0f, 0x1f, 0x00                     ; nop word [bx+si]
.nop_r:	CHECK "nop_rm", 0x77
	TRY .prefetch_r
	db 0x0f, 0x0d, 0x00                     ; 3DNow! prefetch: none
.prefetch_r:
	CHECKV "prefetch_3dnow_ud", 6
	TRY .rdpmc_r                            ; QEMU: #UD
	mov ecx, 0
	rdpmc
.rdpmc_r:
	CHECK "rdpmc_zero", 0
	TRY .sysenter_r
	sysenter
.sysenter_r:
	CHECKV "sysenter_real_mode_gp", 13

.ud2:	TRY .ud2_r
	ud2
.ud2_r:	CHECKV "ud2", 6
	jmp finish

	ROM_END
