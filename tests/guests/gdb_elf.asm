; tests/guests/gdb_elf.asm: a multiboot v1 ELF kernel with symbols, for
; the gdb stub's exec-file (gdb loads the symbols itself, no `file`).
; Built with nasm -f elf32 and ld -m elf_i386 into build/guests/gdb_elf.elf,
; booted with --kernel. _start calls tick three times; tick counts in
; [ticks] and prints "T" to the debug console (port 0x402). Then
; "GDB-ELF-OK" and a halt with interrupts off, which ends the run (exit 0).
	cpu	386
	bits	32

MB_MAGIC equ 0x1badb002
MB_FLAGS equ 0			; ELF: the loader reads the program headers
DEBUGCON equ 0x402

	section	.text
	dd	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

	global	_start:function
_start:
	mov	esp, stack_top
	mov	ecx, 3
.again:
	call	tick
	loop	.again
	mov	esi, msg_ok
	mov	dx, DEBUGCON
.puts:
	lodsb
	test	al, al
	jz	.done
	out	dx, al
	jmp	.puts
.done:
	cli
	hlt
	jmp	.done

; The breakpoint target: gdb finds it by name. Its first instruction is
; no frame setup, so `break tick` stops on the label itself.
	global	tick:function
tick:
	inc	dword [ticks]
	mov	al, 'T'
	mov	dx, DEBUGCON
	out	dx, al
	ret

	section	.data
msg_ok:	db	"GDB-ELF-OK", 10, 0

	section	.bss
	global	ticks:data
ticks:	resd	1
	resb	1024
stack_top:
