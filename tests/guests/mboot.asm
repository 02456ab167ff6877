; tests/guests/mboot.asm: a multiboot v1 kernel for the direct-boot tests.
; A flat image (nasm -f bin) whose header carries its load addresses (the
; a.out kludge, flag 0x10000), booted with --kernel build/guests/mboot.bin.
; It prints to the debug console (port 0x402):
;   MBOOT-OK magic=2BADB002 flags=... lower=... upper=... cmdline=<text>
; then halts with interrupts off, which ends the run with exit 0. Only
; one-byte opcodes (no 0F xx), so it runs on the plainest 32-bit core.
	cpu	386
	bits	32
	org	0x100000

MB_MAGIC equ 0x1badb002
MB_FLAGS equ 0x00010002		; memory info wanted, a.out kludge
DEBUGCON equ 0x402

header:
	dd	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	dd	header			; header_addr
	dd	header			; load_addr
	dd	0			; load_end_addr: the whole file
	dd	bss_end			; bss_end_addr
	dd	start			; entry_addr

start:
	cld
	mov	esp, stack_top
	mov	[magic], eax
	mov	[info], ebx

	mov	esi, msg_ok
	call	puts
	mov	eax, [magic]
	call	puthex
	mov	esi, msg_flags
	call	puts
	mov	ebx, [info]
	mov	eax, [ebx]
	call	puthex
	mov	esi, msg_lower
	call	puts
	mov	eax, [ebx + 4]
	call	puthex
	mov	esi, msg_upper
	call	puts
	mov	eax, [ebx + 8]
	call	puthex
	mov	esi, msg_cmdline
	call	puts
	test	dword [ebx], 4		; MBI_CMDLINE
	jz	.done
	mov	esi, [ebx + 16]
	call	puts
.done:
	mov	al, 10
	call	putc
	cli
	hlt
	jmp	.done

; esi: NUL-terminated string
puts:
	lodsb
	test	al, al
	jz	.ret
	call	putc
	jmp	puts
.ret:
	ret

putc:
	push	edx
	mov	dx, DEBUGCON
	out	dx, al
	pop	edx
	ret

; eax as 8 hex digits
puthex:
	push	ecx
	mov	ecx, 8
.digit:
	rol	eax, 4
	push	eax
	and	al, 15
	add	al, '0'
	cmp	al, '9'
	jbe	.out
	add	al, 'A' - '9' - 1
.out:
	call	putc
	pop	eax
	loop	.digit
	pop	ecx
	ret

msg_ok:		db	"MBOOT-OK magic=", 0
msg_flags:	db	" flags=", 0
msg_lower:	db	" lower=", 0
msg_upper:	db	" upper=", 0
msg_cmdline:	db	" cmdline=", 0

	align	4
file_end:
magic:		equ	file_end
info:		equ	file_end + 4
stack_top:	equ	file_end + 4096 + 8
bss_end:	equ	stack_top
