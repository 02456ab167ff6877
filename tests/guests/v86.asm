; v86: a small V86 monitor. IRET into V86 mode, segment loads there,
; IOPL-sensitive instructions (INT n, CLI) trapping with #GP when IOPL < 3,
; IN/OUT through the TSS I/O bitmap, the ring 0 frame with GS/FS/DS/ES on
; an interrupt from V86 (IOPL 3), and HLT returning to the monitor.
%include "pm.inc"

V_INT   equ scratch + 0
V_IO    equ scratch + 4
V_CLI   equ scratch + 8
V_FLAGS equ scratch + 12
V_DS    equ scratch + 16
V_FRAME equ scratch + 20          ; ES DS FS GS from the interrupt frame
cont    equ scratch + 40
V86SEG  equ 0x1234

tests:
	mov al, 13                      ; #GP: the monitor
	mov ebx, v86_monitor
	mov dx, 0x8e00
	call set_gate
	mov al, 0x21                    ; INT 21h from V86 (IOPL 3)
	mov ebx, v86_int21
	mov dx, 0xee00
	call set_gate
	xor eax, eax
	mov [V_INT], eax
	mov [V_IO], eax
	mov [V_CLI], eax

	; Phase 1: IOPL 0.
	mov dword [cont], .p1
	push dword 0                    ; GS
	push dword 0                    ; FS
	push dword 0                    ; DS
	push dword 0                    ; ES
	push dword 0x7000               ; SS
	push dword 0xfffe               ; SP
	push dword 0x00020002           ; EFLAGS: VM, IOPL 0
	push dword 0xf000               ; CS
	push dword R(v86_a)             ; IP
	iretd
.p1:	mov ax, SEL_DATA0
	mov ds, ax
	mov es, ax
	EXPECT "v86_int_traps_iopl0", [V_INT], 0x21
	EXPECT "v86_io_bitmap_denies", [V_IO], 0x80
	EXPECT "v86_cli_traps_iopl0", [V_CLI], 1
	mov al, [V86SEG * 16]
	and eax, 0xff
	EXPECT "v86_segment_base", eax, 0x55
	mov ax, [V86SEG * 16 + 2]
	and eax, 0xffff
	EXPECT "v86_ds_after_traps", eax, V86SEG

	; Phase 2: IOPL 3: INT goes through the IDT to ring 0.
	mov dword [cont], .p2
	push dword 0x5555               ; GS
	push dword 0x4444               ; FS
	push dword V86SEG               ; DS
	push dword 0x2222               ; ES
	push dword 0x7000
	push dword 0xfffe
	push dword 0x00023002           ; VM, IOPL 3
	push dword 0xf000
	push dword R(v86_b)
	iretd
.p2:	mov ax, SEL_DATA0
	mov ds, ax
	mov es, ax
	EXPECT "v86_int_frame_vm", [V_FLAGS], 0x20000
	EXPECT "v86_int_ds_nulled", [V_DS], 0
	EXPECT "v86_int_frame_es", [V_FRAME], 0x2222
	EXPECT "v86_int_frame_ds", [V_FRAME + 4], V86SEG
	EXPECT "v86_int_frame_fs", [V_FRAME + 8], 0x4444
	EXPECT "v86_int_frame_gs", [V_FRAME + 12], 0x5555
	mov ax, [V86SEG * 16 + 4]
	and eax, 0x3200
	EXPECT "v86_iopl3_sti_pushf", eax, 0x3200
	jmp finish

; #GP from V86: emulate/record the instruction at CS:IP.
; Frame: err, EIP, CS, EFLAGS, ESP, SS, ES, DS, FS, GS.
v86_monitor:
	push eax
	push ebx
	push ds
	mov ax, SEL_DATA0
	mov ds, ax
	test dword [esp + 12 + 12], 0x20000
	jnz .v86
	jmp exc_common_gp
.v86:
	mov ebx, [esp + 12 + 8]         ; CS
	shl ebx, 4
	add ebx, [esp + 12 + 4]         ; + IP
	mov al, [ebx]
	cmp al, 0xcd
	jne .notint
	mov al, [ebx + 1]
	and eax, 0xff
	mov [V_INT], eax
	add dword [esp + 12 + 4], 2
	jmp .resume
.notint:
	cmp al, 0xe4
	jne .notin
	mov al, [ebx + 1]
	and eax, 0xff
	mov [V_IO], eax
	add dword [esp + 12 + 4], 2
	jmp .resume
.notin:
	cmp al, 0xfa
	jne .notcli
	inc dword [V_CLI]
	add dword [esp + 12 + 4], 1
	jmp .resume
.notcli:
	cmp al, 0xf4                    ; HLT: leave V86
	jne .unknown
	mov esp, STACK0
	jmp [cont]
.unknown:
	jmp exc_common_gp
.resume:
	pop ds
	pop ebx
	pop eax
	add esp, 4                      ; error code
	iretd

exc_common_gp:
	pop ds
	pop ebx
	pop eax
	push dword 13
	jmp exc_common

v86_int21:
	push eax
	mov eax, ds
	push eax
	mov ax, SEL_DATA0
	mov ds, ax
	pop eax
	and eax, 0xffff
	mov [V_DS], eax
	mov eax, [esp + 4 + 8]
	and eax, 0x20000
	mov [V_FLAGS], eax
	mov eax, [esp + 4 + 20]
	mov [V_FRAME], eax
	mov eax, [esp + 4 + 24]
	mov [V_FRAME + 4], eax
	mov eax, [esp + 4 + 28]
	mov [V_FRAME + 8], eax
	mov eax, [esp + 4 + 32]
	mov [V_FRAME + 12], eax
	pop eax
	iretd

BITS 16
v86_a:
	mov ax, V86SEG
	mov ds, ax
	mov byte [0], 0x55
	int 0x21
	in al, 0x70
	in al, 0x80
	cli
	mov ax, ds
	mov [2], ax
	hlt
v86_b:
	int 0x21
	cli
	sti
	pushf
	pop ax
	mov [4], ax
	hlt
BITS 32

ROM_END
