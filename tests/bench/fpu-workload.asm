; tests/bench/fpu-workload.asm: an x87-heavy real-mode loop (loads, stores,
; add/sub/mul/div, FSQRT, compares and FSTSW-driven branches on a small
; array), with integer bookkeeping around it. Pass count patched by the
; host at 0xfff5; ends with LUCID-BENCH-END on COM1, then HLT.
	cpu	686
	bits	16
	org	0

start:
	cli
	cld
	mov	ax, 0x2000
	mov	ds, ax
	mov	ax, 0x1000
	mov	ss, ax
	mov	sp, 0xfffe
	mov	eax, cr0
	and	al, 0xf3		; EM = TS = 0
	mov	cr0, eax
	fninit
	mov	bp, [cs:passes]
	; 64 doubles: 1.0, 2.0, ...
	xor	si, si
	mov	word [0x400], 1
.init:	fild	word [0x400]
	fstp	qword [si]
	inc	word [0x400]
	add	si, 8
	cmp	si, 64 * 8
	jb	.init

outer:
	xor	si, si
	fldz				; st0 = sum
	mov	cx, 64
.elem:
	fld	qword [si]		; x
	fld	st0
	fmul	st0, st0		; x*x
	fadd	qword [si]		; x*x + x
	fsqrt
	fdiv	st0, st1		; sqrt(x*x+x)/x
	fcom	qword [one]
	fstsw	ax
	sahf
	jb	.small
	fsub	qword [one]
.small:
	fstp	qword [si + 0x200]
	fstp	st0
	fadd	qword [si + 0x200]
	add	si, 8
	loop	.elem
	fstp	qword [0x408]
	dec	bp
	jnz	outer
	call	done_marker
.halt:	hlt
	jmp	.halt

%include "marker.inc"

	align	8
one:	dq	1.0

	times	0xfff0 - ($ - $$) db 0
reset:
	jmp	0xf000:start
passes:	dw	1000
	times	0x10000 - ($ - $$) db 0
