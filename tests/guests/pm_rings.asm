; pm_rings: privilege transitions. IRET to ring 3, a call gate with
; parameters (stack switch via TSS0.esp0), INT from ring 3 through an
; interrupt gate and back, #GP for a DPL 0 gate, IOPL-sensitive
; instructions and the I/O bitmap, a task switch through a task gate and
; back with IRET/NT, #TS for a too-small TSS.
%include "pm.inc"

tests:
	mov al, 0x30                    ; int 30h: DPL 3 interrupt gate
	mov ebx, svc_handler
	mov dx, 0xee00
	call set_gate
	mov al, 0x31                    ; int 31h: DPL 0 gate
	mov dx, 0x8e00
	call set_gate

	; TSS1: a ring 0 task starting at task1.
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
	mov word [TSS1 + 0x66], 0x68

	; #TS(sel): JMP to a TSS whose limit is below 67h.
	TRY .ts
	jmp SEL_TSSBAD:0
.ts:	EXPECT "ts_small_tss_vector", [exc_vec], 10
	EXPECT "ts_small_tss_error", [exc_err], SEL_TSSBAD

	; Call gate at the same level (ring 0 -> ring 0): no stack switch.
	mov ebp, esp
	push dword 0x1234
	push dword 0x5678
	call SEL_CGATE0:0
	EXPECT "cgate_same_level_params", ebx, 0x5678
	mov eax, ebp
	sub eax, esp
	EXPECT "cgate_same_level_esp", eax, 0

	; Enter ring 3.
	push dword SEL_DATA3 | 3
	push dword STACK3
	pushfd
	push dword SEL_CODE3 | 3
	push dword ring3
	iretd

ring3:
	mov ax, SEL_DATA3 | 3
	mov ds, ax
	mov es, ax
	mov eax, cs
	and eax, 3
	EXPECT "ring3_cpl", eax, 3

	; Call gate to ring 0 with two dword parameters.
	push dword 0x11111111
	push dword 0x22222222
	call SEL_CGATE | 3:0
	EXPECT "cgate_cpl_inside", ecx, 0
	EXPECT "cgate_caller_cs", eax, SEL_CODE3 | 3
	EXPECT "cgate_param_last", ebx, 0x22222222
	EXPECT "cgate_param_first", edx, 0x11111111
	EXPECT "cgate_caller_ss", edi, SEL_DATA3 | 3
	EXPECT "cgate_inner_esp", esi, STACK0S - 24
	mov eax, esp
	EXPECT "cgate_ret_pops_params", eax, STACK3
	mov eax, cs
	and eax, 3
	EXPECT "cgate_back_in_ring3", eax, 3
	; A DPL 0 call gate is out of reach.
	TRY .cg0
	call SEL_CGATE0 | 3:0
.cg0:	EXPECT "cgate_dpl_gp", [exc_err], SEL_CGATE0 | 0

	; INT from ring 3: stack switch to TSS0.esp0 and back.
	mov eax, 1
	int 0x30
	EXPECT "int_from_ring3_cpl", eax, 0
	EXPECT "int_from_ring3_esp", ecx, STACK0S - 20
	mov eax, esp
	EXPECT "int_iret_restores_esp", eax, STACK3

	; INT to a DPL 0 gate: #GP(vector * 8 + 2).
	TRY .i31
	int 0x31
.i31:	EXPECT "int_dpl_gp_vector", [exc_vec], 13
	EXPECT "int_dpl_gp_error", [exc_err], 0x31 * 8 + 2

	; IOPL 0 at CPL 3: CLI and HLT fault; IN/OUT follow the bitmap.
	TRY .cli
	cli
.cli:	EXPECT "cli_ring3_gp", [exc_vec], 13
	TRY .hlt
	hlt
.hlt:	EXPECT "hlt_ring3_gp", [exc_vec], 13
	mov dword [exc_vec], 0xff
	in al, 0x70                     ; allowed by the bitmap
	EXPECT "io_bitmap_allows", [exc_vec], 0xff
	TRY .io
	in al, 0x80                     ; denied (bit set)
.io:	EXPECT "io_bitmap_denies", [exc_vec], 13
	TRY .io2
	mov dx, 0x7f
	in ax, dx                       ; 7Fh ok, 80h denied
.io2:	EXPECT "io_bitmap_word_straddle", [exc_vec], 13

	; Task gate: CALL switches to TSS1, whose IRET comes back.
	mov dword [scratch], 0
	call SEL_TGATE | 3:0
	EXPECT "task_ran", [scratch], 1
	mov eax, cs
	and eax, 3
	EXPECT "task_return_cpl", eax, 3
	mov eax, esp
	EXPECT "task_return_esp", eax, STACK3
	mov al, [GDT_RAM + SEL_TSS1 + 5]
	and eax, 0xff
	EXPECT "task_busy_cleared", eax, 0x89
	pushfd
	pop eax
	and eax, 0x4000
	EXPECT "task_caller_nt_clear", eax, 0

	mov eax, 0xdead                 ; back to ring 0 and finish
	int 0x30

svc_handler:
	cmp eax, 0xdead
	jne .svc
	jmp finish
.svc:	mov ecx, esp
	mov eax, cs
	and eax, 3
	iretd

task1:
	mov dword [scratch], 1
	mov eax, cs
	and eax, 3
	EXPECT "task_cpl0", eax, 0
	pushfd
	pop eax
	and eax, 0x4000
	EXPECT "task_nt_set", eax, 0x4000
	mov eax, [TSS1]
	and eax, 0xffff
	EXPECT "task_backlink", eax, SEL_TSS0
	str ax
	and eax, 0xffff
	EXPECT "task_tr", eax, SEL_TSS1
	mov eax, cr0
	and eax, 8
	EXPECT "task_cr0_ts", eax, 8
	clts
	iretd

ROM_END
