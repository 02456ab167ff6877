; tests/bench/cpu-workload.asm: the guest program behind `lucid bench cpu`.
; Real-mode 8086 code (runs on every model) mixing what real programs do:
; register ALU work, memory operands, string moves and scans, calls and
; branches. Each outer pass is the same work; the pass count is patched by
; the host at PASSES_OFFSET (a word right after the reset jump) so the
; benchmark can size the run. Ends by printing LUCID-BENCH-END on COM1
; (how `lucid bench cpu --compare` times QEMU and Bochs), then CLI; HLT.
	cpu	8086
	bits	16
	org	0

start:
	cli
	cld
	mov	ax, 0x1000
	mov	ss, ax
	mov	sp, 0xfffe
	mov	ax, 0x2000
	mov	ds, ax
	mov	ax, 0x3000
	mov	es, ax
	mov	bp, [cs:passes]

outer:
	; 1. ALU: a checksum over registers, 256 rounds.
	mov	cx, 256
	mov	ax, 0x1234
	mov	bx, 0x5678
	mov	dx, 0
.alu:
	add	ax, bx
	xor	bx, ax
	rol	ax, 1
	adc	dx, ax
	sub	bx, cx
	and	ax, 0x7fff
	or	dx, 1
	inc	bx
	dec	cx
	jnz	.alu

	; 2. Memory: read-modify-write over a 256-word array.
	xor	si, si
	mov	cx, 256
.mem:
	mov	ax, [si]
	add	ax, si
	mov	[si], ax
	add	[si + 512], ax
	add	si, 2
	loop	.mem

	; 3. Strings: block copy, fill, and a scan.
	xor	si, si
	xor	di, di
	mov	cx, 512
	rep	movsw
	xor	di, di
	mov	ax, 0x4141
	mov	cx, 256
	rep	stosw
	xor	di, di
	mov	al, 0x42
	mov	cx, 512
	repne	scasb

	; 4. Calls and branches: a small recursive-free call chain.
	mov	cx, 64
.calls:
	call	leaf
	test	ax, 1
	jz	.even
	inc	dx
	jmp	.next
.even:
	dec	dx
.next:
	loop	.calls

	dec	bp
	jnz	outer
	call	done_marker
.halt:
	hlt
	jmp	.halt

%include "marker.inc"

leaf:
	push	bx
	mov	bx, ax
	shl	bx, 1
	xor	ax, bx
	pop	bx
	ret

	times	0xfff0 - ($ - $$) db 0
reset:
	jmp	0xf000:start
passes:	dw	1000
	times	0x10000 - ($ - $$) db 0
