; irqwin: where a pending hardware interrupt is taken. IRQ0 (PIT channel 0,
; one-shot) is made pending while it cannot be delivered, then opened up
; in front of a straight run of INCs; the handler records how far the run
; got. After STI the interrupt waits for exactly one more instruction (the
; STI shadow); after POPF setting IF, and after the OUT that unmasks the
; IRQ at the PIC, it is taken at once. The interpreter executes straight
; runs as decoded blocks, so this checks that a block stops where the
; interrupt window opens.
%include "rm.inc"

seen_cx equ 0x0700
seen_dx equ 0x0704

; PIT channel 0 mode 0 with a count of 2: IRQ0 rises ~2 us later; then
; spin long enough for it to be pending.
%macro ARM_IRQ0 0
	mov al, 0x30
	out 0x43, al
	mov al, 2
	out 0x40, al
	xor al, al
	out 0x40, al
	mov ecx, 200000
%%spin:	dec ecx
	jnz %%spin
%endmacro

tests:
	; 8259: edge triggered, vectors 08h-0Fh, IRQ0 only.
	mov al, 0x11
	out 0x20, al
	mov al, 0x08
	out 0x21, al
	mov al, 0x04
	out 0x21, al
	mov al, 0x01
	out 0x21, al
	mov al, 0xfe
	out 0x21, al
	mov word [8 * 4], irq0
	mov word [8 * 4 + 2], cs

	; 1. STI: the next instruction runs, then the interrupt.
	ARM_IRQ0
	mov dword [seen_cx], 0xffff
	xor cx, cx
	xor dx, dx
	sti
	inc cx
	inc dx
	inc dx
	inc dx
	cli
	movzx eax, word [seen_cx]
	CHECK "irq_sti_shadow_runs_one_insn", 1
	movzx eax, word [seen_dx]
	CHECK "irq_taken_after_sti_shadow", 0

	; 2. POPF setting IF: no shadow.
	ARM_IRQ0
	mov dword [seen_dx], 0xffff
	xor dx, dx
	pushf
	pop ax
	or ax, 0x200
	push ax
	popf
	inc dx
	inc dx
	inc dx
	cli
	movzx eax, word [seen_dx]
	CHECK "irq_taken_right_after_popf", 0

	; 3. IF=1 all along, IRQ0 masked at the PIC until the OUT that
	;    unmasks it.
	mov al, 0xff
	out 0x21, al
	sti
	ARM_IRQ0
	mov dword [seen_dx], 0xffff
	xor dx, dx
	mov al, 0xfe
	out 0x21, al
	inc dx
	inc dx
	inc dx
	cli
	movzx eax, word [seen_dx]
	CHECK "irq_taken_right_after_unmask", 0
	jmp finish

irq0:
	mov [seen_cx], cx
	mov [seen_dx], dx
	push ax
	mov al, 0x20
	out 0x20, al
	pop ax
	iret

	ROM_END
