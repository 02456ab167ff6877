; tests/guests/echo.asm: a COM1 echo guest for the record/replay tests.
; A 64 KiB BIOS-style ROM (boot with --bios build/guests/echo.bin). It sets
; COM1 (0x3F8) to 115200 8N1 with FIFOs, says "echo: ready", then polls the
; receiver and echoes every byte back uppercased, to COM1 and to the debug
; console (port 0x402). After a '.' it halts with interrupts off (CLI;HLT),
; which ends the run with exit 0.
	cpu	8086
	bits	16
	org	0

COM1	 equ 0x3f8
DEBUGCON equ 0x402

start:
	cli
	cld
	mov	ax, 0x0030
	mov	ss, ax
	mov	sp, 0x0100
	push	cs
	pop	ds

	mov	dx, COM1 + 1		; IER: no interrupts, we poll
	xor	al, al
	out	dx, al
	mov	dx, COM1 + 3		; LCR: DLAB to set the divisor
	mov	al, 0x80
	out	dx, al
	mov	dx, COM1		; DLL = 1: 115200 baud
	mov	al, 1
	out	dx, al
	inc	dx			; DLM = 0
	xor	al, al
	out	dx, al
	mov	dx, COM1 + 3		; LCR: 8N1, DLAB off
	mov	al, 0x03
	out	dx, al
	mov	dx, COM1 + 2		; FCR: FIFOs on and cleared
	mov	al, 0x07
	out	dx, al
	mov	dx, COM1 + 4		; MCR: DTR, RTS
	mov	al, 0x03
	out	dx, al

	mov	si, msg_ready
.banner:
	lodsb
	test	al, al
	jz	.wait
	call	putc
	jmp	.banner

.wait:
	mov	dx, COM1 + 5		; LSR bit 0: data ready
	in	al, dx
	test	al, 0x01
	jz	.wait
	mov	dx, COM1
	in	al, dx
	cmp	al, 'a'
	jb	.echo
	cmp	al, 'z'
	ja	.echo
	sub	al, 'a' - 'A'
.echo:
	call	putc
	cmp	al, '.'
	jne	.wait
	mov	al, 10
	call	putc
	mov	dx, COM1 + 5		; LSR bit 6: the last byte has left
.drain:
	in	al, dx
	test	al, 0x40
	jz	.drain
	cli
.halt:
	hlt
	jmp	.halt

; putc: AL to COM1 (once the transmitter has room) and the debug console.
putc:
	push	ax
	mov	dx, COM1 + 5
.thre:
	in	al, dx
	test	al, 0x20
	jz	.thre
	pop	ax
	mov	dx, COM1
	out	dx, al
	mov	dx, DEBUGCON
	out	dx, al
	ret

msg_ready db "echo: ready", 10, 0

	times	0xfff0 - ($ - $$) db 0
reset:
	jmp	0xf000:start
	times	0x10000 - ($ - $$) db 0
