; fpu: the x87 FPU in 32-bit protected mode: a small numeric workload (pi by
; Machin's series, e by its series, square roots), integer and BCD
; conversions, compares, the environment layout, and #MF/#NM. Basic
; operations are checked bit for bit (values validated under QEMU's
; softfloat x87); transcendentals against the true value within 2^-50,
; since x87 implementations differ in their last bits.
%include "pm.inc"

FB     equ 0x3000          ; scratch: FB+0 m80 result, FB+16 env, FB+64..
X2     equ 0x3100
XV     equ 0x3110
KDIV   equ 0x3120
SUM    equ 0x3130
FXA    equ 0x3200          ; 512-byte FXSAVE area (16-byte aligned)

; EAX = the word at an address (without MOVZX: plain 386 code).
%macro LDW 1
	xor eax, eax
	mov ax, [%1]
%endmacro

; EXPECT80 name, address, sign/exponent, significand high, low
%macro EXPECT80 5
	cmp word [%2 + 8], %3
	jne %%bad
	cmp dword [%2 + 4], %4
	jne %%bad
	cmp dword [%2], %5
	jne %%bad
	PASS %1
	jmp %%done
%%bad:	call lib_print_inline
	db 'FAIL ', %1, ': ', 0
	call print80
%%done:
%endmacro

; NEAR name, constant: |ST(0) - constant| < 2^-50 (pops ST(0)).
%macro NEAR 2
	fld tword [A(%2)]
	fsubp st1, st0
	fabs
	fld tword [A(eps)]
	fcomip st0, st1
	fstp st0
	ja %%ok
	call lib_print_inline
	db 'FAIL ', %1, 10, 0
	jmp %%done
%%ok:	PASS %1
%%done:
%endmacro

tests:
	fninit
	fnstcw [FB]
	LDW FB
	EXPECT "fninit_fcw", eax, 0x037f
	fnstsw ax
	and eax, 0xffff
	EXPECT "fninit_fsw", eax, 0

	; pi = 16 atan(1/5) - 4 atan(1/239)
	fld1
	mov dword [KDIV], 5
	fidiv dword [KDIV]
	call atan_series
	mov dword [KDIV], 16
	fimul dword [KDIV]
	fld1
	mov dword [KDIV], 239
	fidiv dword [KDIV]
	call atan_series
	mov dword [KDIV], 4
	fimul dword [KDIV]
	fsubp st1, st0
	fstp tword [FB]
	EXPECT80 "pi_series", FB, 0x4000, 0xc90fdaa2, 0x2168c236

	; e = sum 1/k!, k = 0..25
	fld1                    ; sum
	fld1                    ; term
	mov ecx, 1
.e:	mov [KDIV], ecx
	fidiv dword [KDIV]
	fadd st1, st0
	inc ecx
	cmp ecx, 26
	jb .e
	fstp st0
	fstp tword [FB]
	EXPECT80 "e_series", FB, 0x4000, 0xadf85458, 0xa2bb4a9b

	; square roots, 1/3 rounded each way, FST to single and double
	mov dword [KDIV], 2
	fild dword [KDIV]
	fsqrt
	fstp tword [FB]
	EXPECT80 "sqrt2", FB, 0x3fff, 0xb504f333, 0xf9de6484
	mov dword [KDIV], 3
	fild dword [KDIV]
	fsqrt
	fstp tword [FB]
	EXPECT80 "sqrt3", FB, 0x3fff, 0xddb3d742, 0xc265539e
	mov dword [KDIV], 3
	fld1
	fidiv dword [KDIV]
	fst dword [FB + 16]
	fst qword [FB + 24]
	fstp tword [FB]
	EXPECT80 "one_third", FB, 0x3ffd, 0xaaaaaaaa, 0xaaaaaaab
	EXPECT "one_third_m32", dword [FB + 16], 0x3eaaaaab
	EXPECT "one_third_m64_hi", dword [FB + 28], 0x3fd55555
	EXPECT "one_third_m64_lo", dword [FB + 24], 0x55555555
	mov word [FB + 32], 0x077f      ; round down
	fldcw [FB + 32]
	fld1
	fidiv dword [KDIV]
	fstp tword [FB]
	fldcw [A(cw_default)]
	EXPECT80 "one_third_down", FB, 0x3ffd, 0xaaaaaaaa, 0xaaaaaaaa

	; FIST under RC: -2.5 -> -2 (nearest even), -3 (down)
	fld qword [A(minus2_5)]
	fist dword [FB]
	EXPECT "fist_nearest", dword [FB], -2
	mov word [FB + 32], 0x077f
	fldcw [FB + 32]
	fistp dword [FB]
	fldcw [A(cw_default)]
	EXPECT "fist_down", dword [FB], -3

	; FBSTP / FBLD
	fild qword [A(bcd_val)]
	fbstp [FB]
	EXPECT "fbstp_lo", dword [FB], 0x67890123
	EXPECT "fbstp_hi", dword [FB + 4], 0x00012345
	fbld [FB]
	fistp qword [FB + 16]
	EXPECT "fbld", dword [FB + 16], 1234567890123 & 0xffffffff

	; transcendentals, within 2^-50
	fld1
	fsin
	NEAR "fsin_1", sin1
	fld1
	fcos
	NEAR "fcos_1", cos1
	fld1
	fptan
	fstp st0
	NEAR "fptan_1", tan1
	fld1
	fld1
	fpatan
	mov dword [KDIV], 4
	fimul dword [KDIV]
	NEAR "fpatan_pi", pi_c
	fld1
	fchs
	f2xm1
	NEAR "f2xm1_m1", minus_half
	fld1
	mov dword [KDIV], 10
	fild dword [KDIV]
	fyl2x
	NEAR "fyl2x_10", log2_10

	; FCOMI: 1 < 2 sets CF; NaN vs 2 is unordered (ZF PF CF)
	mov dword [KDIV], 2
	fild dword [KDIV]
	fld1
	fcomi st0, st1
	pushfd
	pop eax
	and eax, 0x8d5
	EXPECT "fcomi_less", eax, 0x01
	fstp st0
	fld dword [A(qnan32)]
	fucomip st0, st1
	pushfd
	pop eax
	and eax, 0x8d5
	EXPECT "fucomi_unordered", eax, 0x45
	fstp st0

	; FXAM of +infinity: C3 C2 C0 = 0 1 1
	fld dword [A(inf32)]
	fxam
	fnstsw ax
	fstp st0
	and eax, 0x4700
	EXPECT "fxam_inf", eax, 0x0500

	; a ninth push: stack overflow, IE|SF|C1
	fninit
	mov ecx, 9
.push:	fld1
	loop .push
	fnstsw ax
	and eax, 0x2ff
	EXPECT "stack_overflow", eax, 0x241

	; FNSTENV, 32-bit protected-mode layout
	fninit
.ld:	fld dword [A(inf32)]
	fnstenv [FB + 16]
	LDW FB + 16
	EXPECT "env_fcw", eax, 0x037f
	LDW FB + 20
	EXPECT "env_fsw", eax, 0x3800
	LDW FB + 24
	EXPECT "env_ftw", eax, 0xbfff
	EXPECT "env_fip", dword [FB + 28], A(.ld)
	LDW FB + 32
	EXPECT "env_fcs", eax, SEL_CODE0
	LDW FB + 34
	EXPECT "env_fop", eax, 0x105
	EXPECT "env_fdp", dword [FB + 36], A(inf32)
	LDW FB + 40
	EXPECT "env_fds", eax, SEL_DATA0
	fnstcw [FB]
	LDW FB
	EXPECT "fnstenv_masks_all", eax, 0x037f

	; unmasked ZE with CR0.NE=1: #MF at the next waiting instruction
	fninit
	mov eax, cr0
	or eax, 0x20
	mov cr0, eax
	fldcw [A(cw_zm_unmasked)]
	fld1
	fldz
	fdivp st1, st0
	fnstsw ax
	and eax, 0x80ff
	EXPECT "zero_divide_es", eax, 0x8084
	TRY .r1
.mf:	fld1
.r1:	EXPECT "mf_vector", [exc_vec], 16
	EXPECT "mf_eip", [exc_eip], A(.mf)
	fnclex
	fninit

	; CR0.EM: #NM on an FPU instruction; CR0.TS too, and WAIT with MP
	mov eax, cr0
	or eax, 4
	mov cr0, eax
	TRY .r2
	fld1
.r2:	EXPECT "em_nm", [exc_vec], 7
	mov eax, cr0
	and eax, ~4
	or eax, 0x0a                    ; TS | MP
	mov cr0, eax
	TRY .r3
	wait
.r3:	EXPECT "ts_mp_wait_nm", [exc_vec], 7
	clts
	TRY .r4
	fld1
	mov dword [exc_vec], 0
.r4:	EXPECT "clts_clears", [exc_vec], 0

	; FSIN of the double nearest pi: Lucid reduces like Intel's x87, by
	; its 66-bit pi p, so the result is p - x = 1.2246063538223773e-16
	; exactly (not sin's 1.2246467991e-16; QEMU's x87 differs here)
	fninit
	fld qword [A(pi_d)]
	fsin
	fstp tword [FB]
	EXPECT80 "fsin_pi_intel", FB, 0x3fca, 0x8d300000, 0

	; FXSAVE/FXRSTOR (P6, CPUID FXSR): the 512-byte layout
	fninit
	fld1
	fldpi
	fxsave [FXA]
	LDW FXA
	EXPECT "fxsave_fcw", eax, 0x037f
	LDW FXA + 2
	EXPECT "fxsave_fsw_top6", eax, 0x3000
	LDW FXA + 4
	EXPECT "fxsave_abridged_tags", eax, 0x00c0
	EXPECT "fxsave_mxcsr", [FXA + 24], 0x1f80
	EXPECT80 "fxsave_st0_pi", FXA + 32, 0x4000, 0xc90fdaa2, 0x2168c235
	EXPECT80 "fxsave_st1_one", FXA + 48, 0x3fff, 0x80000000, 0
	fninit
	fxrstor [FXA]
	fstp tword [FB]
	EXPECT80 "fxrstor_st0", FB, 0x4000, 0xc90fdaa2, 0x2168c235
	fnstsw ax
	and eax, 0x3800
	EXPECT "fxrstor_top", eax, 0x3800
	jmp finish

; ST(0) = x  ->  ST(0) = atan(x) by its Taylor series (|x| <= 1/5).
atan_series:
	fld st0
	fmul st0, st0
	fstp tword [X2]         ; x^2
	fld st0                 ; ST0 = power, ST1 = sum
	mov ecx, 1
.t:	fld tword [X2]
	fmulp st1, st0
	add ecx, 2
	mov [KDIV], ecx
	fld st0
	fidiv dword [KDIV]
	test ecx, 2
	jz .add
	fchs
.add:	faddp st2, st0
	cmp ecx, 41
	jb .t
	fstp st0
	ret

; Print the m80 at FB as sign/exponent, significand (hex), newline.
print80:
	push eax
	LDW FB + 8
	call lib_hex32
	mov eax, [FB + 4]
	call lib_hex32
	mov eax, [FB]
	call lib_hex32
	call lib_print_inline
	db 10, 0
	pop eax
	ret

align 16
sin1:       dt 0.84147098480789650665250232163
cos1:       dt 0.54030230586813971740093660744
tan1:       dt 1.5574077246549022305069748074
pi_c:       dt 3.1415926535897932384626433833
minus_half: dt -0.5
log2_10:    dt 3.3219280948873623478703194295
eps:        dt 8.8817841970012523233890533447e-16   ; 2^-50
minus2_5:   dq -2.5
pi_d:       dq 0x400921fb54442d18               ; the double nearest pi
bcd_val:    dq 1234567890123
qnan32:     dd 0x7fc00000
inf32:      dd 0x7f800000
cw_default: dw 0x037f
cw_zm_unmasked: dw 0x037b

	ROM_END
