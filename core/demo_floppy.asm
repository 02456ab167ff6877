; core/demo_floppy.asm: the demo floppy (`lucid run --demo`, `make run`).
; A 1.44 MB FAT12 floppy whose boot sector, booted by SeaBIOS, loads the
; rest of this program from the reserved sectors behind it. The program
; prints a banner, the CPU (CPUID when there is one) and the memory the
; BIOS reports (INT 12h, INT 15h E801h), then echoes what is typed on the
; keyboard (INT 16h) or received on COM1 to the screen and COM1. Esc, or a
; line "quit", powers the machine off: APM (INT 15h 5307h), which SeaBIOS
; turns into ACPI S5; failing that the PIIX4 PM1a control port directly.
; The build keeps the image up to the root directory (the rest is zeros);
; Lucid pads it to 1.44 MB when it writes the image out (core/demo.c).
	cpu	586
	bits	16
	org	0x7c00

RESERVED	equ 16			; boot sector + program, in sectors
COM1		equ 0x3f8
PM1A_CNT	equ 0x604		; SeaBIOS puts the PIIX4 PM base at 0x600
LINE_MAX	equ 72

; --- boot sector: BPB of a 1.44 MB floppy --------------------------------
	jmp	short boot
	nop
	db	'LUCID   '		; OEM name
	dw	512			; bytes per sector
	db	1			; sectors per cluster
	dw	RESERVED		; reserved sectors (this program)
	db	2			; FATs
	dw	224			; root directory entries
	dw	2880			; sectors
	db	0xf0			; media
	dw	9			; sectors per FAT
	dw	18			; sectors per track
	dw	2			; heads
	dd	0			; hidden sectors
	dd	0			; sectors (32-bit)
	db	0			; drive
	db	0
	db	0x29			; extended boot signature
	dd	0x4c554344		; serial
	db	'LUCID DEMO '		; label
	db	'FAT12   '

boot:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, 0x7c00
	mov	ds, ax
	mov	es, ax
	sti
	cld
	jmp	0:.cs0
.cs0:	mov	[boot_drive], dl
	mov	di, 3			; tries
.load:	mov	ax, 0x0200 + RESERVED - 1 ; read sectors 2.. of track 0
	mov	bx, 0x7e00
	mov	cx, 0x0002
	xor	dh, dh
	mov	dl, [boot_drive]
	int	0x13
	jnc	main
	xor	ah, ah			; reset the controller and retry
	int	0x13
	dec	di
	jnz	.load
	mov	si, msg_loadfail
.tty:	lodsb
	test	al, al
	jz	.dead
	mov	ah, 0x0e
	xor	bx, bx
	int	0x10
	jmp	.tty
.dead:	cli
	hlt

msg_loadfail	db 'Demo floppy: cannot read the program', 13, 10, 0
boot_drive	db 0

	times 510 - ($ - $$) db 0
	dw	0xaa55

; --- the program (sectors 2-16) ------------------------------------------
main:
	call	com1_init
	mov	si, msg_banner
	call	puts
	call	show_cpu
	call	show_memory
	mov	si, msg_help
	call	puts
.prompt:
	mov	si, msg_prompt
	call	puts
	mov	word [line_len], 0
.next:
	call	getkey
	cmp	al, 27			; Esc
	je	poweroff
	cmp	al, 13
	je	.eol
	cmp	al, 10
	je	.lf
	cmp	al, 8
	je	.bs
	cmp	al, 127
	je	.bs
	cmp	al, ' '
	jb	.next
	cmp	al, '~'
	ja	.next
	mov	bx, [line_len]
	cmp	bx, LINE_MAX
	jae	.next
	mov	[line + bx], al
	inc	word [line_len]
	call	putc
	mov	[last], al
	jmp	.next
.bs:	cmp	word [line_len], 0
	je	.next
	dec	word [line_len]
	mov	si, msg_rubout
	call	puts
	jmp	.next
.lf:	cmp	byte [last], 13		; CR LF from a terminal: one line
	mov	byte [last], 10
	je	.next
.eol:	mov	[last], al
	mov	si, msg_crlf
	call	puts
	call	is_quit
	je	poweroff
	cmp	word [line_len], 0
	je	.prompt
	mov	si, msg_echo
	call	puts
	mov	cx, [line_len]
	mov	si, line
.echo:	lodsb
	call	putc
	loop	.echo
	mov	si, msg_crlf
	call	puts
	jmp	.prompt

; ZF set when the line is "quit" (any case).
is_quit:
	cmp	word [line_len], 4
	jne	.no
	mov	eax, [line]
	or	eax, 0x20202020
	cmp	eax, 'quit'
.no:	ret

; The next key: from the keyboard (INT 16h) or COM1, whichever has one;
; HLT between polls (the timer tick wakes us) so an idle demo is idle.
getkey:
	mov	ah, 0x01
	int	0x16
	jz	.serial
	xor	ah, ah
	int	0x16
	ret
.serial:
	mov	dx, COM1 + 5
	in	al, dx
	test	al, 1
	jz	.idle
	mov	dx, COM1
	in	al, dx
	ret
.idle:	sti
	hlt
	jmp	getkey

poweroff:
	mov	si, msg_off
	call	puts
	call	com1_drain
	mov	ax, 0x5300		; APM installed?
	xor	bx, bx
	int	0x15
	jc	.acpi
	mov	ax, 0x5301		; connect the real-mode interface
	xor	bx, bx
	int	0x15
	mov	ax, 0x530e		; we speak APM 1.2
	xor	bx, bx
	mov	cx, 0x0102
	int	0x15
	mov	ax, 0x5307		; all devices: off
	mov	bx, 0x0001
	mov	cx, 0x0003
	int	0x15
.acpi:	mov	dx, PM1A_CNT		; SLP_TYP 0 (S5) | SLP_EN
	mov	ax, 0x2000
	out	dx, ax
	cli
	hlt
	jmp	.acpi

; --- what the machine has --------------------------------------------------
show_cpu:
	mov	si, msg_cpu
	call	puts
	pushfd				; CPUID exists if EFLAGS.ID can toggle
	pop	eax
	mov	ecx, eax
	xor	eax, 1 << 21
	push	eax
	popfd
	pushfd
	pop	eax
	push	ecx
	popfd
	xor	eax, ecx
	test	eax, 1 << 21
	jnz	.cpuid
	pushfd				; 486: EFLAGS.AC can toggle; 386: not
	pop	eax
	mov	ecx, eax
	xor	eax, 1 << 18
	push	eax
	popfd
	pushfd
	pop	eax
	push	ecx
	popfd
	xor	eax, ecx
	mov	si, msg_386
	test	eax, 1 << 18
	jz	.named
	mov	si, msg_486
.named:	call	puts
	jmp	.done
.cpuid:
	xor	eax, eax
	cpuid
	mov	[vendor], ebx
	mov	[vendor + 4], edx
	mov	[vendor + 8], ecx
	mov	si, vendor
	call	puts
	mov	eax, 1
	cpuid
	mov	bx, ax
	mov	si, msg_family
	call	puts
	mov	ax, bx
	shr	ax, 8
	and	ax, 15
	call	putdec
	mov	si, msg_model
	call	puts
	mov	ax, bx
	shr	ax, 4
	and	ax, 15
	call	putdec
	mov	si, msg_stepping
	call	puts
	mov	ax, bx
	and	ax, 15
	call	putdec
	test	edx, 1			; the FPU flag
	jz	.done
	mov	si, msg_fpu
	call	puts
.done:	mov	si, msg_crlf
	jmp	puts

show_memory:
	mov	si, msg_mem
	call	puts
	int	0x12			; conventional memory, KiB
	call	putdec
	mov	si, msg_conv
	call	puts
	xor	cx, cx
	xor	dx, dx
	mov	ax, 0xe801		; KiB 1-16 MiB (AX/CX), 64 KiB above (BX/DX)
	int	0x15
	jc	.e88
	test	ax, ax
	jnz	.sum
	mov	ax, cx
	mov	bx, dx
.sum:	movzx	eax, ax
	movzx	ebx, bx
	shl	ebx, 6
	add	eax, ebx
	jmp	.print
.e88:	mov	ah, 0x88		; extended memory, KiB (up to 64 MiB)
	int	0x15
	movzx	eax, ax
.print:	add	eax, 1024		; the first MiB
	call	putdec
	mov	si, msg_total
	jmp	puts

; --- output: screen (INT 10h) and COM1 -------------------------------------
com1_init:
	mov	dx, COM1 + 1		; no interrupts: we poll
	xor	al, al
	out	dx, al
	mov	dl, 0xfb		; LCR: DLAB
	mov	al, 0x80
	out	dx, al
	mov	dl, 0xf8		; 115200 baud
	mov	al, 1
	out	dx, al
	inc	dx
	xor	al, al
	out	dx, al
	mov	dl, 0xfb		; 8N1 (FCR untouched: enabling the
	mov	al, 3			; FIFOs would drop what has arrived)
	out	dx, al
	mov	dl, 0xfc		; DTR, RTS
	mov	al, 3
	out	dx, al
	ret

; Wait until COM1 has sent everything (before power goes away).
com1_drain:
	mov	dx, COM1 + 5
.wait:	in	al, dx
	test	al, 0x40
	jz	.wait
	ret

; AL to the screen and COM1.
putc:
	pusha
	mov	ah, al
	mov	dx, COM1 + 5
.thr:	in	al, dx
	test	al, 0x20
	jz	.thr
	mov	dl, 0xf8
	mov	al, ah
	out	dx, al
	mov	ah, 0x0e
	xor	bx, bx
	int	0x10
	popa
	ret

; DS:SI -> zero-terminated string.
puts:
	push	ax
	push	si
.next:	lodsb
	test	al, al
	jz	.done
	call	putc
	jmp	.next
.done:	pop	si
	pop	ax
	ret

; EAX in decimal.
putdec:
	pushad
	mov	ebx, 10
	xor	cx, cx
.div:	xor	edx, edx
	div	ebx
	push	dx
	inc	cx
	test	eax, eax
	jnz	.div
.out:	pop	ax
	add	al, '0'
	call	putc
	loop	.out
	popad
	ret

msg_banner	db 13, 10, 'Lucid demo: booted from a floppy by SeaBIOS', 13, 10
		db '==========================================', 13, 10, 0
msg_cpu		db 'CPU:    ', 0
msg_386		db '386 class (no CPUID)', 0
msg_486		db '486 class (no CPUID)', 0
msg_family	db ', family ', 0
msg_model	db ' model ', 0
msg_stepping	db ' stepping ', 0
msg_fpu		db ', FPU', 0
msg_mem		db 'Memory: ', 0
msg_conv	db ' KiB conventional, ', 0
msg_total	db ' KiB in all', 13, 10, 0
msg_help	db 13, 10, 'Type a line and press Enter; it is echoed here and on COM1.'
		db 13, 10, 'Esc or "quit" powers the machine off.', 13, 10, 0
msg_prompt	db '> ', 0
msg_echo	db 'echo: ', 0
msg_rubout	db 8, ' ', 8, 0
msg_crlf	db 13, 10, 0
msg_off		db 13, 10, 'Powering off. Bye.', 13, 10, 0
vendor		times 13 db 0
last		db 0
line_len	dw 0
line		times LINE_MAX + 4 db 0

	times RESERVED * 512 - ($ - $$) db 0

; --- FAT12: two empty FATs and an empty root directory ---------------------
%macro empty_fat 0
	db	0xf0, 0xff, 0xff
	times 9 * 512 - 3 db 0
%endmacro
	empty_fat
	empty_fat
	times 224 * 32 db 0
