; faults: double fault when delivering #GP itself faults (a bad gate, and
; the handler's stack past its limit, with #DF through a task gate), and a
; triple fault that resets the machine (RAM keeps a pass counter, so the
; second pass through the reset vector reports it).
%include "pm.inc"

MAGIC   equ 0x600
PASSES  equ 0x604

tests:
	cmp dword [MAGIC], 0x7f1e5a17
	jne .first
	inc dword [PASSES]
	EXPECT "triple_fault_resets", [PASSES], 2
	mov dword [MAGIC], 0
	jmp finish
.first:
	; #DF: the #GP gate names a data segment, so delivering #GP raises
	; #GP(SEL_NP | EXT): contributory twice.
	mov ax, [IDT_RAM + 13 * 8 + 2]
	mov word [IDT_RAM + 13 * 8 + 2], SEL_NP
	TRY .df1
	mov bx, 0x1f8
	mov ds, bx
.df1:	mov [IDT_RAM + 13 * 8 + 2], ax
	EXPECT "df_vector", [exc_vec], 8
	EXPECT "df_error_code", [exc_err], 0

	; #DF through a task gate: #GP whose handler stack (SS limit) is
	; exhausted gives #SS, then #DF, which a fresh task takes.
	mov edi, TSS1
	xor eax, eax
	mov ecx, 0x68 / 4
	rep stosd
	mov dword [TSS1 + 0x20], df_task
	mov dword [TSS1 + 0x24], 0x2
	mov dword [TSS1 + 0x38], STACK_T1
	mov word [TSS1 + 0x48], SEL_DATA0
	mov word [TSS1 + 0x4c], SEL_CODE0
	mov word [TSS1 + 0x50], SEL_DATA0
	mov word [TSS1 + 0x54], SEL_DATA0
	mov word [IDT_RAM + 8 * 8 + 2], SEL_TSS1
	mov word [IDT_RAM + 8 * 8 + 4], 0x8500
	mov ax, SEL_SSLIM
	mov ss, ax
	mov esp, 4
	mov bx, 0x1f8
	mov ds, bx                      ; #GP -> push fails -> #SS -> #DF
	FAIL "df_task_not_taken"
	jmp finish

df_task:
	pop eax                         ; the #DF error code
	EXPECT "df_task_error_code", eax, 0
	str ax
	and eax, 0xffff
	EXPECT "df_task_tr", eax, SEL_TSS1
	mov ax, [TSS0 + 0x50]           ; the faulting task's saved SS
	and eax, 0xffff
	EXPECT "df_task_saved_ss", eax, SEL_SSLIM
	; Now a triple fault: no usable IDT at all.
	mov dword [MAGIC], 0x7f1e5a17
	mov dword [PASSES], 1
	PASS "triple_fault_next"
	lidt [A(null_idtr)]
	int3
	FAIL "triple_fault_not_taken"
	jmp finish

null_idtr:
	dw 0
	dd 0

ROM_END
