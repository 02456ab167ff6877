; tests/guests/boot_mbr.asm: a master boot record. It moves itself to
; 0000:0600, loads the first sector of the active partition to 0000:7C00
; with the BIOS's LBA extensions (INT 13h AH=42h) and jumps to it with DL =
; the boot drive and DS:SI = the partition entry, as DOS's MBR does. The
; partition table (offset 446) is written by the test that builds the disk.
	cpu	386
	bits	16
	org	0x600

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, 0x7c00
	mov	ds, ax
	mov	es, ax
	cld
	mov	si, 0x7c00
	mov	di, 0x600
	mov	cx, 256
	rep	movsw
	jmp	0:main
main:
	sti
	mov	[drive], dl
	call	boot_com1_init
	mov	si, msg_mbr
	call	boot_puts
	mov	al, dl
	call	boot_hex8
	mov	si, parts
	mov	cx, 4
.find:	test	byte [si], 0x80
	jnz	.found
	add	si, 16
	loop	.find
	mov	si, msg_noactive
	jmp	fail
.found:
	mov	eax, [si + 8]		; the partition's first LBA
	mov	[dap.lba], eax
	mov	bp, si
	mov	si, dap
	mov	ah, 0x42
	mov	dl, [drive]
	int	0x13
	mov	si, msg_ioerr
	jc	fail
	mov	si, msg_noboot
	cmp	word [0x7dfe], 0xaa55
	jne	fail
	mov	si, msg_chain
	call	boot_puts
	mov	si, bp
	mov	dl, [drive]
	jmp	0:0x7c00

fail:
	call	boot_puts
	cli
	hlt

%include "boot.inc"

msg_mbr		db 'LUCID-MBR: drive ', 0
msg_chain	db ', chaining to the active partition', 13, 10, 0
msg_noactive	db ' LUCID-MBR-FAIL: no active partition', 13, 10, 0
msg_ioerr	db ' LUCID-MBR-FAIL: disk read error', 13, 10, 0
msg_noboot	db ' LUCID-MBR-FAIL: partition not bootable', 13, 10, 0
drive		db 0
dap:		db 16, 0
		dw 1			; one sector
		dw 0x7c00, 0		; to 0000:7C00
.lba:		dq 0

	times 446 - ($ - $$) db 0
parts:	times 64 db 0
	dw 0xaa55
