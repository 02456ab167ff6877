BITS 32
; pm_align: the 486 alignment check and DR7.GD.
;
; #AC (vector 17, error code 0) is a fault on a misaligned data access at
; CPL 3 while CR0.AM and EFLAGS.AC are both set: the instruction does not
; happen. Words need even addresses, dwords multiples of 4; bytes never
; fault. On a 386 EFLAGS.AC does not stick and nothing is checked.
;
; DR7.GD (general detect): any MOV to or from a debug register is a #DB
; fault with DR6.BD set; the processor clears GD on entering the handler,
; so the handler can use the debug registers.
;
; The TSS T bit: a task switch into a 32-bit TSS with T set raises a #DB
; trap before the new task's first instruction, with DR6.BT set.
%include "pm.inc"

AC_FLAG equ 0x40000
CR0_AM  equ 0x40000
ADATA   equ 0x20000               ; scratch the ring 3 code accesses
cont    equ scratch + 32          ; where int 30h (EAX = 0xdead) resumes

tests:
	; --- DR7.GD ------------------------------------------------------
	xor eax, eax
	mov dr0, eax
	mov dr6, eax
	mov eax, 0x2400                 ; GD
	mov dr7, eax
	TRY .gd1
.gdr:	mov eax, dr0
.gd1:	EXPECT "gd_read_vector", [exc_vec], 1
	EXPECT "gd_read_fault_eip", [exc_eip], .gdr
	mov eax, dr7                    ; GD is clear now: no fault
	and eax, 0x2000
	EXPECT "gd_cleared_on_db", eax, 0
	mov eax, dr6
	and eax, 0x2000
	EXPECT "gd_dr6_bd", eax, 0x2000
	xor eax, eax
	mov dr6, eax
	mov eax, 0x2400
	mov dr7, eax
	mov eax, 0x1234
	TRY .gd2
.gdw:	mov dr0, eax
.gd2:	EXPECT "gd_write_vector", [exc_vec], 1
	EXPECT "gd_write_fault_eip", [exc_eip], .gdw
	mov eax, dr0
	EXPECT "gd_write_not_done", eax, 0
	mov eax, dr6
	and eax, 0x2000
	EXPECT "gd_write_dr6_bd", eax, 0x2000
	mov eax, 0x400
	mov dr7, eax
	mov dword [exc_vec], 0xff
	mov eax, dr0
	EXPECT "gd_off_no_fault", [exc_vec], 0xff

	; --- TSS T bit ---------------------------------------------------
	mov edi, TSS1
	xor eax, eax
	mov ecx, 0x68 / 4
	rep stosd
	mov dword [TSS1 + 0x20], task1
	mov dword [TSS1 + 0x24], 0x2
	mov dword [TSS1 + 0x38], STACK_T1
	mov word [TSS1 + 0x48], SEL_DATA0  ; ES
	mov word [TSS1 + 0x4c], SEL_CODE0  ; CS
	mov word [TSS1 + 0x50], SEL_DATA0  ; SS
	mov word [TSS1 + 0x54], SEL_DATA0  ; DS
	mov word [TSS1 + 0x64], 1          ; T
	mov word [TSS1 + 0x66], 0x68
	xor eax, eax
	mov dr6, eax
	mov [scratch], eax
	TRY task1                          ; the trap returns to the task
	call SEL_TSS1:0
	EXPECT "tss_t_vector", [exc_vec], 1
	EXPECT "tss_t_trap_before_first", [exc_eip], task1
	EXPECT "tss_t_task_ran", [scratch], 1
	mov eax, dr6
	and eax, 0x8000
	EXPECT "tss_t_dr6_bt", eax, 0x8000
	clts                               ; the switch set CR0.TS

	; --- #AC ---------------------------------------------------------
	pushfd
	pop eax
	or eax, AC_FLAG
	push eax
	popfd
	pushfd
	pop eax
	test eax, AC_FLAG
	jnz .has_ac
	PASS "ac_flag_fixed_386"
	jmp finish
.has_ac:
	mov al, 0x30
	mov ebx, svc_handler
	mov dx, 0xee00
	call set_gate
	; CPL 0 is never checked.
	mov eax, cr0
	or eax, CR0_AM
	mov cr0, eax
	mov dword [exc_vec], 0xff
	mov eax, [ADATA + 1]
	EXPECT "ac_cpl0_unchecked", [exc_vec], 0xff

	mov dword [cont], .back
	push dword SEL_DATA3 | 3
	push dword STACK3
	push dword AC_FLAG | 2
	push dword SEL_CODE3 | 3
	push dword .r3
	iretd
.r3:	mov cx, SEL_DATA3 | 3
	mov ds, cx
	mov es, cx
	TRY .a1
.a1i:	mov eax, [ADATA + 1]
.a1:	EXPECT "ac_dword_read_vector", [exc_vec], 17
	EXPECT "ac_error_code", [exc_err], 0
	EXPECT "ac_fault_eip", [exc_eip], .a1i
	mov dword [ADATA], 0
	mov ax, 0xbeef
	TRY .a2
	mov [ADATA + 3], ax
.a2:	EXPECT "ac_word_write_vector", [exc_vec], 17
	EXPECT "ac_write_not_done", [ADATA], 0
	mov dword [exc_vec], 0xff
	mov eax, [ADATA + 4]
	mov al, [ADATA + 3]
	mov ax, [ADATA + 2]
	mov [ADATA + 6], ax
	EXPECT "ac_aligned_no_fault", [exc_vec], 0xff
	; A misaligned stack: PUSH faults.
	mov ebx, esp
	sub esp, 2
	TRY .a3
	push eax
.a3:	mov esp, ebx
	EXPECT "ac_push_vector", [exc_vec], 17
	; A far CALL at CPL 3 pushes its frame on the misaligned stack too.
	sub esp, 2
	TRY .a9
	call SEL_CODE3 | 3:.far3
.a9:	mov esp, ebx
	EXPECT "ac_far_call_push", [exc_vec], 17
	jmp .a10
.far3:	retf
.a10:
	; REP MOVSD from a misaligned source: the first element faults.
	mov esi, ADATA + 1
	mov edi, ADATA + 0x100
	mov ecx, 4
	TRY .a4
	rep movsd
.a4:	EXPECT "ac_rep_movsd_vector", [exc_vec], 17
	EXPECT "ac_rep_movsd_ecx", ecx, 4
	; EFLAGS.AC clear: unchecked; POPF at CPL 3 sets it again.
	pushfd
	pop eax
	and eax, ~AC_FLAG
	push eax
	popfd
	mov dword [exc_vec], 0xff
	mov eax, [ADATA + 1]
	EXPECT "ac_flag_clear_unchecked", [exc_vec], 0xff
	pushfd
	pop eax
	or eax, AC_FLAG
	push eax
	popfd
	TRY .a5
	mov eax, [ADATA + 1]
.a5:	EXPECT "ac_popf_enables", [exc_vec], 17
	; x87 operands of 8 and 10 bytes need 8-byte alignment.
	fninit
	mov dword [exc_vec], 0xff
	fld dword [ADATA + 4]
	EXPECT "ac_fld_m32_aligned", [exc_vec], 0xff
	TRY .a6
	fld qword [ADATA + 4]
.a6:	EXPECT "ac_fld_m64_vector", [exc_vec], 17
	mov dword [ADATA + 0x14], 0x12345678
	TRY .a7
	fst qword [ADATA + 0x14]
.a7:	EXPECT "ac_fst_m64_vector", [exc_vec], 17
	EXPECT "ac_fst_m64_not_done", [ADATA + 0x14], 0x12345678
	TRY .a8
	fstp tword [ADATA + 0x24]
.a8:	EXPECT "ac_fstp_m80_vector", [exc_vec], 17
	mov dword [exc_vec], 0xff
	fld qword [ADATA + 8]
	EXPECT "ac_fld_m64_aligned", [exc_vec], 0xff
	mov eax, 0xdead
	int 0x30

.back:	; CR0.AM clear: CPL 3 with EFLAGS.AC set is unchecked.
	mov eax, cr0
	and eax, ~CR0_AM
	mov cr0, eax
	mov dword [cont], .back2
	push dword SEL_DATA3 | 3
	push dword STACK3
	push dword AC_FLAG | 2
	push dword SEL_CODE3 | 3
	push dword .r3b
	iretd
.r3b:	mov cx, SEL_DATA3 | 3
	mov ds, cx
	mov dword [exc_vec], 0xff
	mov eax, [ADATA + 1]
	EXPECT "ac_am_clear_unchecked", [exc_vec], 0xff
	mov eax, 0xdead
	int 0x30
.back2:
	jmp finish

task1:	mov dword [scratch], 1
	iretd

svc_handler:
	cmp eax, 0xdead
	jne .iret
	mov ax, SEL_DATA0
	mov ds, ax
	mov es, ax
	mov esp, STACK0
	jmp [cont]
.iret:	iretd

ROM_END
