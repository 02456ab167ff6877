; pm_basic: protected-mode entry, segment limit/rights faults with their
; error codes, LAR/LSL/VERR/VERW/ARPL, expand-down segments.
%include "pm.inc"

tests:
	PASS "pm_enter"
	; CPL 0 and CS.D: a 32-bit push moves ESP by 4.
	mov eax, esp
	push eax
	pop ebx
	sub eax, esp
	EXPECT "pm_flat32", eax, 0

	; #GP(0): offset past a 4 KiB data segment limit.
	mov ax, SEL_LIM
	mov fs, ax
	mov eax, [fs:0xffc]             ; last dword: fine
	TRY .r1
.f1:	mov eax, [fs:0xffd]
.r1:	EXPECT "gp_limit_vector", [exc_vec], 13
	EXPECT "gp_limit_error", [exc_err], 0
	EXPECT "gp_limit_eip", [exc_eip], .f1

	; #GP(sel): selector beyond the GDT limit.
	TRY .r2
	mov ax, 0x1f8
	mov ds, ax
.r2:	EXPECT "gp_sel_vector", [exc_vec], 13
	EXPECT "gp_sel_error", [exc_err], 0x1f8

	; #NP(sel): not-present data segment.
	TRY .r3
	mov ax, SEL_NP
	mov es, ax
.r3:	EXPECT "np_vector", [exc_vec], 11
	EXPECT "np_error", [exc_err], SEL_NP

	; #GP(0): write to a read-only data segment.
	mov ax, SEL_RO
	mov gs, ax
	mov eax, [gs:scratch]
	TRY .r4
	mov [gs:scratch], eax
.r4:	EXPECT "gp_readonly_vector", [exc_vec], 13
	EXPECT "gp_readonly_error", [exc_err], 0

	; #GP(0): use of a null segment register.
	xor ax, ax
	mov gs, ax
	TRY .r5
	mov eax, [gs:0]
.r5:	EXPECT "gp_null_vector", [exc_vec], 13

	; #GP(sel): SS with a code selector; #SS(sel) for not present.
	TRY .r6
	mov ax, SEL_CODE0
	mov ss, ax
.r6:	EXPECT "gp_ss_code_error", [exc_err], SEL_CODE0
	TRY .r7
	mov ax, SEL_NP
	mov ss, ax
.r7:	EXPECT "ss_np_vector", [exc_vec], 12
	EXPECT "ss_np_error", [exc_err], SEL_NP

	; #SS(0): stack access past a small SS limit.
	mov ebp, esp
	mov ax, SEL_SSLIM
	mov ss, ax
	mov esp, 0x1000
	push eax                        ; at 0xffc: fine
	mov esp, 0x800                  ; room for the exception frame
	mov ebx, 0xffe
	TRY .r8
	mov eax, [ss:ebx]               ; 0xffe..0x1001: past the limit
.r8:	mov ax, SEL_DATA0
	mov ss, ax
	mov esp, ebp
	EXPECT "ss_limit_vector", [exc_vec], 12
	EXPECT "ss_limit_error", [exc_err], 0

	; Expand-down, limit 0xfff: offsets 0..0xfff fault, 0x1000+ are ok.
	mov ax, SEL_EXPD
	mov fs, ax
	mov eax, [fs:scratch + 0x10000]
	TRY .r9
	mov eax, [fs:0x800]
.r9:	EXPECT "expand_down_vector", [exc_vec], 13

	; LAR/LSL/VERR/VERW.
	mov ax, SEL_LIM
	lsl ebx, ax
	EXPECT "lsl_limit", ebx, 0xfff
	mov ax, SEL_CODE0
	lar ebx, eax
	and ebx, 0x00f0fe00             ; 16-19 undefined; ignore accessed
	EXPECT "lar_code", ebx, 0x00c09a00
	mov ax, SEL_RO
	verw ax

	mov eax, 0
	jnz .v1
	mov eax, 1
.v1:	EXPECT "verw_readonly", eax, 0
	mov ax, SEL_RO
	verr ax
	mov eax, 0
	jnz .v2
	mov eax, 1
.v2:	EXPECT "verr_readonly", eax, 1
	mov ax, 0x1f8
	lsl ebx, ax
	mov eax, 0
	jnz .v3
	mov eax, 1
.v3:	EXPECT "lsl_bad_selector", eax, 0

	; ARPL raises the RPL field.
	mov ax, 0x0010
	mov bx, 0x0003
	arpl ax, bx
	and eax, 0xffff
	EXPECT "arpl", eax, 0x13

	; SLDT/STR
	str ax
	and eax, 0xffff
	EXPECT "str", eax, SEL_TSS0
	jmp finish

ROM_END
