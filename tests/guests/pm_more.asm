; pm_more: LDT segments, conforming code, 16-bit interrupt gates, data
; segments nulled on a return to an outer level, code segment rights,
; BOUND, POPF at CPL 3, IOPL 3 I/O without the bitmap.
%include "pm.inc"

SEL_LDT_DATA equ 0x0c             ; LDT entry 1, TI = 1, RPL 0

tests:
	; LDT with one data segment at 20000h.
	mov dword [LDT_RAM], 0
	mov dword [LDT_RAM + 4], 0
	mov dword [LDT_RAM + 8], 0x0000ffff
	mov dword [LDT_RAM + 12], 0x00cf9202
	mov ax, SEL_LDT
	lldt ax
	sldt bx
	and ebx, 0xffff
	EXPECT "sldt", ebx, SEL_LDT
	mov dword [0x20010], 0xfeedf00d
	mov ax, SEL_LDT_DATA
	mov fs, ax
	mov eax, [fs:0x10]
	EXPECT "ldt_segment_base", eax, 0xfeedf00d
	mov eax, [LDT_RAM + 12]
	and eax, 0x100
	EXPECT "ldt_descriptor_accessed", eax, 0x100

	; Code segment rights: CS is execute/read; a write through CS faults.
	mov eax, [cs:scratch]
	TRY .cw
	mov [cs:scratch], eax
.cw:	EXPECT "write_to_code_gp", [exc_vec], 13

	; BOUND: #BR with EIP at the instruction.
	mov dword [scratch], 10
	mov dword [scratch + 4], 20
	mov eax, 15
	bound eax, [scratch]
	mov eax, 25
	TRY .br
.brf:	bound eax, [scratch]
.br:	EXPECT "bound_vector", [exc_vec], 5
	EXPECT "bound_eip", [exc_eip], .brf

	; A 16-bit interrupt gate into a 16-bit code segment.
	mov word [IDT_RAM + 0x40 * 8], R(isr16)
	mov word [IDT_RAM + 0x40 * 8 + 2], SEL_CODE16
	mov word [IDT_RAM + 0x40 * 8 + 4], 0x8600
	mov word [IDT_RAM + 0x40 * 8 + 6], 0
	mov ebp, esp
	xor eax, eax
	xor ebx, ebx
	jmp SEL_CODE16:R(t16)           ; from 16-bit code: IP fits the frame
.t16back:
	EXPECT "int16_gate_ran", eax, 0x1616
	EXPECT "int16_gate_frame_bytes", ebx, 6
	mov eax, ebp
	sub eax, esp
	EXPECT "int16_gate_esp", eax, 0

	; Instruction breakpoint: DR0 = .bp, DR7.L0: #DB before .bp runs,
	; DR6.B0 set; the handler returns with RF so .bp runs once.
	mov al, 1
	mov ebx, dbg_handler
	mov dx, 0x8e00
	call set_gate
	mov dword [dbg_count], 0
	mov eax, .bp
	mov dr0, eax
	mov eax, 0x401
	mov dr7, eax
	xor ecx, ecx
.bp:	inc ecx
	mov eax, 0x400
	mov dr7, eax
	EXPECT "ibp_hit_once", [dbg_count], 1
	EXPECT "ibp_fault_eip", [dbg_eip], .bp
	EXPECT "ibp_instruction_ran_once", ecx, 1
	mov eax, dr6
	and eax, 0xf
	EXPECT "ibp_dr6_b0", eax, 1

	; Data breakpoints are traps: #DB after the access, EIP past the
	; instruction, DR6.Bn for each matching breakpoint (also a disabled
	; one). DR1: write, 4 bytes at wvar; DR0 has the same range but is
	; not enabled.
	mov eax, wvar
	mov dr0, eax
	mov dr1, eax
	xor eax, eax
	mov dr6, eax
	mov [dbg_count], eax
	mov eax, 0x00dd0404             ; L1; R/W0,1 = 01, LEN0,1 = 11
	mov dr7, eax
	mov eax, [wvar]                 ; a read: no trap (R/W = 01)
	EXPECT "dbp_write_ignores_read", [dbg_count], 0
	mov dword [wvar], 5
.wafter:
	EXPECT "dbp_write_traps", [dbg_count], 1
	EXPECT "dbp_write_trap_eip", [dbg_eip], .wafter
	mov eax, dr6
	and eax, 0xf
	EXPECT "dbp_dr6_disabled_match", eax, 3

	; R/W = 11 traps on a read.
	mov eax, wvar + 8
	mov dr2, eax
	xor eax, eax
	mov dr6, eax
	mov [dbg_count], eax
	mov eax, 0x0f000410             ; L2; R/W2 = 11, LEN2 = 11
	mov dr7, eax
	mov eax, [wvar + 8]
.rafter:
	EXPECT "dbp_read_traps", [dbg_count], 1
	EXPECT "dbp_read_trap_eip", [dbg_eip], .rafter
	mov eax, dr6
	and eax, 0xf
	EXPECT "dbp_read_dr6_b2", eax, 4

	; LEN masking: DR0 = wvar + 2 with LEN 4 covers wvar..wvar+3, so a
	; byte write to wvar hits; one to wvar + 4 does not.
	mov eax, wvar + 2
	mov dr0, eax
	xor eax, eax
	mov dr6, eax
	mov [dbg_count], eax
	mov eax, 0x000d0401             ; L0; R/W0 = 01, LEN0 = 11
	mov dr7, eax
	mov byte [wvar + 4], 1
	EXPECT "dbp_len_outside", [dbg_count], 0
	mov byte [wvar], 1
	EXPECT "dbp_len_mask_byte", [dbg_count], 1

	; REP STOSD over wvar+16..+31 with DR0 on the third dword: the trap
	; comes after that iteration, EIP at the REP instruction, ECX = 1.
	mov eax, wvar + 24
	mov dr0, eax
	mov dword [dbg_count], 0
	mov edi, wvar + 16
	mov ecx, 4
	xor eax, eax
.rep:	rep stosd
	EXPECT "dbp_rep_traps_once", [dbg_count], 1
	EXPECT "dbp_rep_trap_eip", [dbg_eip], .rep
	EXPECT "dbp_rep_iteration", [dbg_ecx], 1
	EXPECT "dbp_rep_completes", ecx, 0

	; Not enabled in DR7: no trap.
	mov dword [dbg_count], 0
	mov eax, 0x000d0400
	mov dr7, eax
	mov dword [wvar], 7
	EXPECT "dbp_disabled_no_trap", [dbg_count], 0

	; I/O breakpoint (R/W = 10, CR4.DE): OUT to port 80h traps after.
	mov eax, cr4
	or eax, 8
	mov cr4, eax
	mov eax, 0x80
	mov dr3, eax
	xor eax, eax
	mov dr6, eax
	mov [dbg_count], eax
	mov eax, 0x20000440             ; L3; R/W3 = 10, LEN3 = 00
	mov dr7, eax
	out 0x80, al
.ioafter:
	mov eax, 0x400
	mov dr7, eax
	mov eax, cr4
	and eax, ~8
	mov cr4, eax
	EXPECT "iobp_out_traps", [dbg_count], 1
	EXPECT "iobp_trap_eip", [dbg_eip], .ioafter
	mov eax, dr6
	and eax, 0xf
	EXPECT "iobp_dr6_b3", eax, 8

	; A 16-bit TSS: JMP there (TSS0 saved, its busy bit cleared), the
	; 16-bit task JMPs back.
	mov edi, TSS16
	xor eax, eax
	mov ecx, 0x2c / 4
	rep stosd
	mov word [TSS16 + 0x0e], R(task16)      ; IP
	mov word [TSS16 + 0x10], 0x0002         ; FLAGS
	mov word [TSS16 + 0x18], 0x1234         ; BX
	mov word [TSS16 + 0x1a], 0x7000         ; SP
	mov word [TSS16 + 0x22], SEL_DATA16     ; ES
	mov word [TSS16 + 0x24], SEL_CODE16     ; CS
	mov word [TSS16 + 0x26], SEL_DATA16     ; SS
	mov word [TSS16 + 0x28], SEL_DATA16     ; DS
	mov word [TSS0 + 0x60], SEL_LDT         ; FS holds an LDT selector
	mov dword [scratch + 40], 0
	mov ebx, 0xabcd0000
	jmp SEL_TSS16:0
	EXPECT "tss16_task_ran", [scratch + 40], 0x1234
	str ax
	and eax, 0xffff
	EXPECT "tss16_back_tr", eax, SEL_TSS0
	mov al, [GDT_RAM + SEL_TSS16 + 5]
	and eax, 0xff
	EXPECT "tss16_busy_cleared", eax, 0x81
	mov ax, [TSS16 + 0x0e]
	and eax, 0xffff
	EXPECT "tss16_saved_ip", eax, R(task16.after)

	; Ring 3: DS (DPL 0) is nulled by the IRET to CPL 3.
	mov al, 0x30
	mov ebx, svc_handler
	mov dx, 0xee00
	call set_gate
	mov dword [cont], .back
	push dword SEL_DATA3 | 3
	push dword STACK3
	pushfd
	push dword SEL_CODE3 | 3
	push dword .ring3
	iretd
.ring3:	mov eax, ds
	and eax, 0xffff
	mov ebx, ss
	and ebx, 0xffff
	mov cx, SEL_DATA3 | 3
	mov ds, cx
	mov es, cx
	EXPECT "outer_return_nulls_ds", eax, 0
	EXPECT "outer_return_ss", ebx, SEL_DATA3 | 3
	; Conforming code: callable from CPL 3, runs at CPL 3.
	call SEL_CODE0C:conf_target
	EXPECT "conforming_keeps_cpl3", eax, 3
	; A non-conforming DPL 0 segment is not.
	TRY .nc
	call SEL_CODE0:conf_target
.nc:	EXPECT "call_dpl0_code_gp", [exc_err], SEL_CODE0
	; POPF at CPL 3, IOPL 0: IF and IOPL do not change, no fault.
	pushfd
	pop eax
	mov ebx, eax
	xor eax, 0x3200
	push eax
	popfd
	pushfd
	pop eax
	xor eax, ebx
	EXPECT "popf_cpl3_keeps_if_iopl", eax, 0
	; SGDT works at CPL 3.
	sgdt [scratch + 8]
	mov eax, [scratch + 10]
	EXPECT "sgdt_cpl3", eax, GDT_RAM
	mov eax, 0xdead
	int 0x30
.back:
	; IOPL 3 at CPL 3: the bitmap is not consulted.
	mov dword [cont], .back2
	push dword SEL_DATA3 | 3
	push dword STACK3
	push dword 0x3002
	push dword SEL_CODE3 | 3
	push dword .ring3b
	iretd
.ring3b:
	mov cx, SEL_DATA3 | 3
	mov ds, cx
	mov dword [exc_vec], 0xff
	in al, 0x80
	cli
	sti
	EXPECT "iopl3_io_and_cli", [exc_vec], 0xff
	mov eax, 0xdead
	int 0x30
.back2:
	jmp finish

dbg_handler:
	inc dword [dbg_count]
	push eax
	mov eax, [esp + 4]
	mov [dbg_eip], eax
	mov [dbg_ecx], ecx
	pop eax
	or dword [esp + 8], 0x10000     ; RF: do not hit again on return
	iretd

dbg_count equ scratch + 48
dbg_eip   equ scratch + 52
dbg_ecx   equ scratch + 56
wvar      equ scratch + 64        ; 32 bytes of breakpoint targets

conf_target:
	mov eax, cs
	and eax, 3
	retf

svc_handler:
	cmp eax, 0xdead
	jne .iret
	mov ax, SEL_DATA0
	mov ds, ax
	mov es, ax
	mov esp, STACK0
	jmp [cont]
.iret:	iretd

cont equ scratch + 32

BITS 16
task16:
	mov [scratch + 40], bx
.done:	jmp SEL_TSS0:0
.after:
t16:
	int 0x40
	jmp dword SEL_CODE0:tests.t16back
isr16:
	mov ax, 0x1616
	mov bx, STACK0 & 0xffff
	sub bx, sp
	iret
BITS 32

ROM_END
