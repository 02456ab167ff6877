; tests/guests/switch.asm: a checksum that must not care which backend ran
; which part of it (tests/integration/test-kvm.sh switches between KVM and
; the interpreter in the middle and compares the debug console output).
;
; Phase A (real mode, 32-bit registers) and phase B (32-bit protected mode,
; FS based at the buffer, a second sum kept in EDI across passes) mix a
; 4 KiB buffer into a sum and print one line per pass. No x87: the nested
; kvm_pvm KVM this was written on emulates every guest instruction and
; its emulator has no x87 (the FPU state conversion has unit tests) and
; no protected-mode IRET, so phase B runs with interrupts off (its IDT is
; loaded: a fault prints FAIL). In phase A the PIT interrupts at 1 kHz,
; so interrupts are injected around the switch; only "ticks > 0" is
; printed, as the count depends on timing. Ends: RESULT, DONE, CLI+HLT.

	cpu	686
	org	0
BITS 16

%define DEBUGCON 0x402
PASSES_A equ 24
PASSES_B equ 48
ticks    equ 0x0500
fsum     equ 0x0504
BUF_SEG  equ 0x1000           ; the buffer at 0x10000
GDT_RAM  equ 0x0800
IDT_RAM  equ 0x1000           ; vectors 0-20h

SEL_CODE equ 0x08             ; 32-bit code, base F0000 (labels are offsets)
SEL_DATA equ 0x10             ; flat data
SEL_BUF  equ 0x18             ; data based at the buffer

%macro PRINT16 1+
	call print16
	db %1, 0
%endmacro

%macro PRINT32 1+
	call print32
	db %1, 0
%endmacro

start16:
	cli
	cld
	xor ax, ax
	mov ds, ax
	mov ss, ax
	mov sp, 0x7000
	mov ax, BUF_SEG
	mov es, ax
	mov dword [ticks], 0
	mov word [0x20 * 4], irq0_rm
	mov word [0x20 * 4 + 2], 0xf000
	; 8259: base 20h, IRQ0 only.
	mov al, 0x11
	out 0x20, al
	mov al, 0x20
	out 0x21, al
	mov al, 4
	out 0x21, al
	mov al, 1
	out 0x21, al
	mov al, 0xfe
	out 0x21, al
	mov al, 0xff
	out 0xa1, al
	; 8254 channel 0, rate generator, 1193 -> about 1 kHz.
	mov al, 0x34
	out 0x43, al
	mov ax, 1193
	out 0x40, al
	mov al, ah
	out 0x40, al
	; The buffer starts as its own index.
	xor esi, esi
.init:	mov [es:esi * 4], esi
	inc esi
	cmp esi, 1024
	jb .init
	PRINT16 'switch guest: phase A (real mode)', 10
	sti

	mov ebx, 0x12345678
	xor esi, esi
	mov ebp, PASSES_A
.a_outer:
	mov ecx, 1024
.a_inner:
	mov eax, [es:esi * 4]
	add eax, ebx
	rol eax, 5
	xor eax, 0x9e3779b9
	mov [es:esi * 4], eax
	add ebx, eax
	inc esi
	and esi, 1023
	dec ecx
	jnz .a_inner
	PRINT16 'A '
	mov eax, ebp
	call hex16
	PRINT16 ' '
	mov eax, ebx
	call hex16
	PRINT16 10
	dec ebp
	jnz .a_outer

	; Into protected mode: GDT and IDT in RAM.
	cli
	push ds
	pop es
	mov si, gdt
	mov di, GDT_RAM
	mov cx, gdt_end - gdt
	cs rep movsb
	mov di, IDT_RAM
	mov cx, 0x21
.idt:	mov ax, exc32               ; every vector: the fault handler
	cmp cx, 1
	jne .gate
	mov ax, irq0_pm             ; the last one (20h): the timer
.gate:	stosw
	mov ax, SEL_CODE
	stosw
	mov ax, 0x8e00              ; 32-bit interrupt gate, DPL 0
	stosw
	xor ax, ax
	stosw
	loop .idt
	o32 lgdt [cs:gdtr]
	o32 lidt [cs:idtr]
	mov eax, cr0
	or al, 1
	mov cr0, eax
	jmp dword SEL_CODE:pm32

BITS 32
pm32:
	mov ax, SEL_DATA
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov gs, ax
	mov esp, 0x7000
	mov ax, SEL_BUF
	mov fs, ax
	xor edi, edi                ; the second sum, live across passes
	PRINT32 'phase B (protected mode)', 10
	mov ebp, PASSES_B
.b_outer:
	mov ecx, 1024
.b_inner:
	mov eax, [fs:esi * 4]
	add eax, ebx
	rol eax, 7
	xor eax, 0x7f4a7c15
	mov [fs:esi * 4], eax
	add ebx, eax
	inc esi
	and esi, 1023
	dec ecx
	jnz .b_inner
	mov eax, ebx
	shr eax, 12
	add edi, eax
	PRINT32 'B '
	mov eax, ebp
	call hex32
	PRINT32 ' '
	mov eax, ebx
	call hex32
	PRINT32 10
	dec ebp
	jnz .b_outer

	cli
	mov [fsum], edi
	PRINT32 'RESULT '
	mov eax, ebx
	call hex32
	PRINT32 ' sum2 '
	mov eax, [fsum]
	call hex32
	PRINT32 10
	cmp dword [ticks], 0
	je .noticks
	PRINT32 'ticks > 0', 10
	jmp .end
.noticks:
	PRINT32 'FAIL no timer interrupts', 10
.end:	PRINT32 'DONE', 10
	hlt
	jmp .end

irq0_pm:
	inc dword [ticks]
	push eax
	mov al, 0x20
	out 0x20, al
	pop eax
	iretd

exc32:
	PRINT32 'FAIL exception in protected mode', 10
	cli
	hlt

; Print the zero-terminated string after the call (in the ROM: CS-relative).
print32:
	xchg esi, [esp]
	push eax
	push edx
	mov dx, DEBUGCON
.next:	cs lodsb
	test al, al
	jz .done
	out dx, al
	jmp .next
.done:	pop edx
	pop eax
	xchg esi, [esp]
	ret

hex32:
	push eax
	push ecx
	push edx
	mov ecx, 8
	mov dx, DEBUGCON
.digit:	rol eax, 4
	push eax
	and al, 0x0f
	add al, '0'
	cmp al, '9'
	jbe .out
	add al, 'a' - '9' - 1
.out:	out dx, al
	pop eax
	loop .digit
	pop edx
	pop ecx
	pop eax
	ret

BITS 16
irq0_rm:
	inc dword [ticks]           ; DS = 0 all through phase A
	push ax
	mov al, 0x20
	out 0x20, al
	pop ax
	iret

print16:
	push bp
	mov bp, sp
	push si
	push ax
	push dx
	mov si, [bp + 2]
	mov dx, DEBUGCON
.next:	cs lodsb
	test al, al
	jz .done
	out dx, al
	jmp .next
.done:	mov [bp + 2], si
	pop dx
	pop ax
	pop si
	pop bp
	ret

hex16:
	push eax
	push cx
	push dx
	mov cx, 8
	mov dx, DEBUGCON
.digit:	rol eax, 4
	push eax
	and al, 0x0f
	add al, '0'
	cmp al, '9'
	jbe .out
	add al, 'a' - '9' - 1
.out:	out dx, al
	pop eax
	loop .digit
	pop dx
	pop cx
	pop eax
	ret

gdt:
	dq 0
	; code: base F0000, limit 64 KiB, 32-bit, execute/read
	dw 0xffff, 0x0000
	db 0x0f, 0x9a, 0x40, 0x00
	; data: flat 4 GiB
	dw 0xffff, 0x0000
	db 0x00, 0x92, 0xcf, 0x00
	; data: base 10000h, limit 64 KiB
	dw 0xffff, 0x0000
	db 0x01, 0x92, 0x40, 0x00
gdt_end:
gdtr:	dw gdt_end - gdt - 1
	dd GDT_RAM
idtr:	dw 0x21 * 8 - 1
	dd IDT_RAM

	times 0xfff0 - ($ - $$) db 0xff
	jmp 0xf000:start16
	times 0x10000 - ($ - $$) db 0xff
