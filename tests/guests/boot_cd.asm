; tests/guests/boot_cd.asm: an El Torito no-emulation boot image (xorriso
; -b ... -no-emul-boot). The BIOS loads it at 0000:7C00 with DL = the CD's
; drive number. It reads the ISO 9660 primary volume descriptor (LBA 16,
; one 2048-byte block, INT 13h AH=42h), checks "CD001" and prints the
; volume id, then halts for good.
	cpu	386
	bits	16
	org	0x7c00

BUF	equ 0x8000

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, 0x7c00
	mov	ds, ax
	mov	es, ax
	sti
	cld
	jmp	0:.cs0			; some BIOSes enter at 07C0:0000
.cs0:	mov	[drive], dl
	call	boot_com1_init
	mov	si, msg_boot
	call	boot_puts
	mov	al, dl
	call	boot_hex8
	mov	si, dap
	mov	ah, 0x42
	mov	dl, [drive]
	int	0x13
	mov	si, msg_ioerr
	jc	fail
	mov	si, cd001
	mov	di, BUF + 1
	mov	cx, 5
	repe	cmpsb
	mov	si, msg_nopvd
	jne	fail
	mov	si, msg_vol
	call	boot_puts
	mov	si, BUF + 40		; volume identifier, 32 characters
	mov	cx, 32
.vol:	lodsb
	cmp	al, ' '
	jbe	.eov
	call	boot_putc
	loop	.vol
.eov:	mov	si, msg_ok
fail:	call	boot_puts
	cli
	hlt

%include "boot.inc"

msg_boot	db 'LUCID-CD: no-emulation boot, drive ', 0
msg_vol		db 13, 10, 'LUCID-CD: CD001 volume ', 0
msg_ok		db 13, 10, 'LUCID-CD-BOOT-OK', 13, 10, 0
msg_ioerr	db 13, 10, 'LUCID-CD-FAIL: read error', 13, 10, 0
msg_nopvd	db 13, 10, 'LUCID-CD-FAIL: no CD001 at LBA 16', 13, 10, 0
cd001		db 'CD001'
drive		db 0
dap:		db 16, 0
		dw 1			; one 2048-byte block
		dw BUF, 0
		dq 16

	times 2048 - ($ - $$) db 0
