; tests/bench/pm-workload.asm: the compute loop of cpu-workload.asm in
; 32-bit protected mode with paging on (flat segments, 4 KiB pages mapping
; the first 4 MiB one to one): register ALU work, memory operands, REP
; MOVSD/STOSD/SCASB, calls and branches. Pass count patched by the host at
; 0xfff5 as in cpu-workload.asm; ends with LUCID-BENCH-END on COM1, HLT.
	cpu	686
	bits	16
	org	0

ROMLIN	equ	0xf0000
PD	equ	0x10000
PT	equ	0x11000
DATA	equ	0x20000

start:
	cli
	cld
	xor	ax, ax
	mov	ds, ax
	o32 lgdt [cs:gdtr]
	mov	eax, cr0
	or	al, 1
	mov	cr0, eax
	jmp	dword 0x08:(ROMLIN + pm32)

	bits	32
pm32:
	mov	ax, 0x10
	mov	ds, ax
	mov	es, ax
	mov	ss, ax
	mov	esp, 0x9fff0
	; Page tables: PD[0] -> PT, PT maps 0..4 MiB identity.
	mov	edi, PD
	xor	eax, eax
	mov	ecx, 1024
	rep	stosd
	mov	dword [PD], PT | 3
	mov	edi, PT
	mov	eax, 3
	mov	ecx, 1024
.pt:	stosd
	add	eax, 0x1000
	loop	.pt
	mov	eax, PD
	mov	cr3, eax
	mov	eax, cr0
	or	eax, 0x80000000
	mov	cr0, eax
	jmp	.flush
.flush:
	movzx	ebp, word [ROMLIN + passes]

outer:
	mov	ecx, 256
	mov	eax, 0x12345678
	mov	ebx, 0x9abcdef0
	xor	edx, edx
.alu:
	add	eax, ebx
	xor	ebx, eax
	rol	eax, 1
	adc	edx, eax
	sub	ebx, ecx
	and	eax, 0x7fffffff
	or	edx, 1
	inc	ebx
	dec	ecx
	jnz	.alu

	mov	esi, DATA
	mov	ecx, 256
.mem:
	mov	eax, [esi]
	add	eax, esi
	mov	[esi], eax
	add	[esi + 1024], eax
	add	esi, 4
	loop	.mem

	mov	esi, DATA
	mov	edi, DATA + 0x2000
	mov	ecx, 512
	rep	movsd
	mov	edi, DATA + 0x2000
	mov	eax, 0x41414141
	mov	ecx, 256
	rep	stosd
	mov	edi, DATA + 0x2000
	mov	al, 0x42
	mov	ecx, 512
	repne	scasb

	mov	ecx, 64
.calls:
	call	leaf
	test	eax, 1
	jz	.even
	inc	edx
	jmp	.next
.even:
	dec	edx
.next:
	loop	.calls

	dec	ebp
	jnz	outer
	jmp	0x18:back16

leaf:
	push	ebx
	mov	ebx, eax
	shl	ebx, 1
	xor	eax, ebx
	pop	ebx
	ret

	bits	16
back16:
	; 16-bit code segment (base F0000): print the marker and halt.
	call	done_marker
.halt:	hlt
	jmp	.halt

%include "marker.inc"

	align	8
gdt:	dq	0
	dq	0x00cf9a000000ffff	; 08: code32 flat
	dq	0x00cf92000000ffff	; 10: data32 flat
	dq	0x00009a0f0000ffff	; 18: code16, base F0000
gdtr:	dw	gdtr - gdt - 1
	dd	ROMLIN + gdt

	times	0xfff0 - ($ - $$) db 0
reset:
	jmp	0xf000:start
passes:	dw	1000
	times	0x10000 - ($ - $$) db 0
