; tests/guests/tf_loop.asm: triple-faults on every boot. With an IDT limit
; of 0, INT 3 raises #GP, whose delivery raises #DF, whose delivery shuts
; the CPU down; the board resets it and the ROM does it again, forever.
; The emulator must keep running (until --timeout), log it once, and stay
; responsive. Prints "BOOT" on the debug console each pass.
	cpu	386
	bits	16
	org	0

start:
	cli
	mov	dx, 0x402
	mov	al, 'B'
	out	dx, al
	mov	al, 10
	out	dx, al
	lidt	[cs:zero_idt]
	int	3
	hlt

zero_idt:
	dw	0
	dd	0

	times	0xfff0 - ($ - $$) db 0
	jmp	0xf000:start
	times	0x10000 - ($ - $$) db 0
