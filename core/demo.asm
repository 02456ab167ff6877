; core/demo.asm: the built-in demo machine's ROM (64 KiB at F000:0000).
; It runs on any model from the 8086 up, tells which CPU class it finds (the
; classic FLAGS test), sizes conventional memory by writing and reading back
; each 16 KiB block, prints both on the debug console (port 0x402) and halts.
	cpu	8086
	bits	16
	org	0

DEBUGCON equ 0x402

start:
	cli
	cld
	mov	ax, 0x0030
	mov	ss, ax
	mov	sp, 0x0100		; stack at 0030:0100, inside the IVT area
	push	cs
	pop	ds

	mov	si, msg_hello
	call	puts

	; 8086/88: FLAGS bits 12-15 always read as 1. 286 real mode: as 0.
	mov	si, msg_8086
	pushf
	pop	ax
	and	ax, 0x0fff
	push	ax
	popf
	pushf
	pop	ax
	and	ax, 0xf000
	cmp	ax, 0xf000
	je	.cpu_known
	mov	si, msg_286
.cpu_known:
	call	puts

	; Conventional memory: blocks of 16 KiB from 0x04000 up to 0x9FFFF.
	xor	cx, cx			; KiB found
	mov	bx, 0x0400		; segment of the block
.probe:
	mov	es, bx
	mov	ax, [es:0]
	mov	word [es:0], 0xa55a
	cmp	word [es:0], 0xa55a
	mov	[es:0], ax
	jne	.probe_done
	add	cx, 16
	add	bx, 0x0400
	cmp	bx, 0xa000
	jb	.probe
.probe_done:
	add	cx, 16			; the first block holds our stack
	mov	si, msg_mem
	call	puts
	mov	ax, cx
	call	putdec
	mov	si, msg_kib
	call	puts

	mov	si, msg_bye
	call	puts
.halt:
	hlt
	jmp	.halt

; puts: DS:SI -> zero-terminated string to the debug console.
puts:
	push	ax
	push	dx
	mov	dx, DEBUGCON
.next:
	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.next
.done:
	pop	dx
	pop	ax
	ret

; putdec: AX as unsigned decimal.
putdec:
	push	ax
	push	bx
	push	cx
	push	dx
	mov	bx, 10
	xor	cx, cx
.div:
	xor	dx, dx
	div	bx
	push	dx
	inc	cx
	test	ax, ax
	jnz	.div
	mov	dx, DEBUGCON
.out:
	pop	ax
	add	al, '0'
	out	dx, al
	loop	.out
	pop	dx
	pop	cx
	pop	bx
	pop	ax
	ret

msg_hello db "Lucid demo machine: hello from the guest.", 10, 0
msg_8086  db "CPU: 8086/8088 class (FLAGS 12-15 stuck at 1)", 10, 0
msg_286   db "CPU: 80286 or later (FLAGS 12-15 clear in real mode)", 10, 0
msg_mem   db "Conventional memory: ", 0
msg_kib   db " KiB", 10, 0
msg_bye   db "Demo done; halting with interrupts off.", 10, 0

	times	0xfff0 - ($ - $$) db 0
reset:
	jmp	0xf000:start
	times	0x10000 - ($ - $$) db 0
