; tests/guests/boot_vbr.asm: a FAT12/16 volume boot record. The test
; copies its code (offset 0x3E on, up to the signature) over the boot code
; of a volume made by mkfs.fat, keeping mkfs.fat's BPB. It names the
; filesystem from the BPB, finds MARKER.TXT in the root directory, prints
; the first line of it (one cluster read through INT 13h AH=42h, so the
; whole chain BIOS -> IDE -> image is exercised), then halts for good.
	cpu	386
	bits	16
	org	0x7c00

	jmp	short start
	nop
	times 0x3e - ($ - $$) db 0	; the BPB (mkfs.fat's)

BPB_SPC		equ 0x7c0d		; sectors per cluster
BPB_RESERVED	equ 0x7c0e
BPB_NFATS	equ 0x7c10
BPB_ROOTENTS	equ 0x7c11
BPB_SPF		equ 0x7c16		; sectors per FAT
BPB_HIDDEN	equ 0x7c1c		; the partition's first LBA
BPB_FSTYPE	equ 0x7c36
BUF		equ 0x8000

start:
	cli
	xor	ax, ax
	mov	ss, ax
	mov	sp, 0x7c00
	mov	ds, ax
	mov	es, ax
	sti
	cld
	mov	[drive], dl
	call	boot_com1_init
	mov	si, msg_vbr
	call	boot_puts
	mov	si, BPB_FSTYPE
	mov	cx, 8
.fs:	lodsb
	call	boot_putc
	loop	.fs

	; Root directory: after the reserved sectors and the FATs.
	movzx	eax, word [BPB_SPF]
	movzx	ecx, byte [BPB_NFATS]
	mul	ecx
	movzx	ecx, word [BPB_RESERVED]
	add	eax, ecx
	add	eax, [BPB_HIDDEN]
	mov	[root_lba], eax
	call	read1
	mov	di, BUF
	mov	bx, 16			; entries in the first sector
.scan:	mov	si, marker_name
	mov	cx, 11
	push	di
	repe	cmpsb
	pop	di
	je	.found
	add	di, 32
	dec	bx
	jnz	.scan
	mov	si, msg_nofile
	jmp	fail
.found:
	; Data area: after the root directory; clusters count from 2.
	movzx	eax, word [di + 26]
	sub	eax, 2
	movzx	ecx, byte [BPB_SPC]
	mul	ecx
	movzx	ecx, word [BPB_ROOTENTS]
	shr	ecx, 4
	add	eax, ecx
	add	eax, [root_lba]
	call	read1
	mov	si, msg_file
	call	boot_puts
	mov	si, BUF
	mov	cx, 64
.line:	lodsb
	cmp	al, ' '
	jb	.eol
	call	boot_putc
	loop	.line
.eol:	mov	si, msg_ok
fail:	call	boot_puts
	cli
	hlt

; Sector EAX (LBA) to 0000:8000.
read1:
	mov	[dap.lba], eax
	mov	si, dap
	mov	ah, 0x42
	mov	dl, [drive]
	int	0x13
	jc	.err
	ret
.err:	mov	si, msg_ioerr
	jmp	fail

%include "boot.inc"

msg_vbr		db 'LUCID-VBR: ', 0
msg_file	db 13, 10, 'MARKER.TXT: ', 0
msg_ok		db 13, 10, 'LUCID-HDD-BOOT-OK', 13, 10, 0
msg_nofile	db ' VBR-FAIL: no file', 0
msg_ioerr	db ' VBR-FAIL: read', 0
marker_name	db 'MARKER  TXT'
drive		db 0
root_lba	dd 0
dap:		db 16, 0
		dw 1
		dw BUF, 0
.lba:		dq 0

	times 510 - ($ - $$) db 0
	dw 0xaa55
