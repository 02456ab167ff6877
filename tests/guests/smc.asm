; smc: self-modifying code against the interpreter's decoded-instruction
; cache. Code is copied from this ROM into RAM (by REP MOVSB: the bulk
; string path) and run there by far calls, then rewritten by: a store to
; the next instruction, a store inside a loop body on every pass, REP MOVSB
; and REP STOSB over code that already ran, a string input from an I/O
; port (CMOS RAM through INSB), and stores to an instruction just below a
; page end and to one that straddles two pages. Each result is what the
; freshly written bytes compute (a stale decode would give the old one).
%include "rm.inc"

RAM     equ 0x2000            ; code runs at 0000:RAM..
XPAGE   equ 0x2ff5            ; ... and here, across the 0x3000 boundary

; R(label): where label lands in RAM once its template is copied to RAM.
%define R(x) (RAM + (x) - tpl)

%macro COPY 3                 ; COPY src, dst, len (DS = ES = 0, CS = ROM)
	push ds
	push cs
	pop ds
	mov si, %1
	mov di, %2
	mov cx, %3
	rep movsb
	pop ds
%endmacro

tests:
	; 1. The next instruction: the first store patches MOV AL's
	;    immediate right behind it. Run twice with different patches.
	COPY tpl, RAM, tpl_end - tpl
	call 0:R(t_next)
	movzx eax, al
	CHECK "smc_next_insn", 0x05
	mov byte [R(t_next) + 4], 0x07  ; the patch value itself
	call 0:R(t_next)
	movzx eax, al
	CHECK "smc_next_insn_again", 0x07

	; 2. A loop whose body bumps its own ADD immediate every pass:
	;    BX = 1 + 2 + ... + 10.
	call 0:R(t_loop)
	movzx eax, bx
	CHECK "smc_loop_body", 55
	call 0:R(t_loop)                ; runs again from immediate 11..20
	movzx eax, bx
	CHECK "smc_loop_body_again", 155

	; 3. REP MOVSB over code that ran: t_a returns 1111h, then t_b's
	;    bytes are copied over it.
	call 0:R(t_a)
	movzx eax, ax
	CHECK "smc_before_movs", 0x1111
	COPY t_b, R(t_a), t_b_end - t_b
	call 0:R(t_a)
	movzx eax, ax
	CHECK "smc_rep_movs", 0x2222

	; 4. REP STOSB: NOPs over the MOV AX of t_a (the RETF stays).
	mov ax, 0x3333
	mov di, R(t_a)
	mov cx, 3
	mov al, 0x90
	rep stosb
	mov ax, 0x3333
	call 0:R(t_a)
	movzx eax, ax
	CHECK "smc_rep_stos", 0x3333

	; 5. Port input: CMOS byte 0x40 = 0x44, INSB writes it over t_port's
	;    MOV AL immediate.
	call 0:R(t_port)
	movzx eax, al
	CHECK "smc_before_ins", 0x11
	mov al, 0x40
	out 0x70, al
	mov al, 0x44
	out 0x71, al
	mov al, 0x40
	out 0x70, al
	mov dx, 0x71
	mov di, R(t_port) + 1
	mov cx, 1
	rep insb
	call 0:R(t_port)
	movzx eax, al
	CHECK "smc_rep_ins", 0x44

	; 6. Page ends: MOV AL, imm8 near the end of a page (decoded
	;    through the slow fetch, cached), then OR EAX, imm32 straddling
	;    0x3000 with the patched byte on the next page (never cached).
	COPY t_x, XPAGE, t_x_end - t_x
	call 0:XPAGE
	CHECK "smc_page_end_before", 0x1234ab
	mov byte [XPAGE + 7], 0xcd      ; MOV AL's immediate (0x2ffc)
	mov byte [XPAGE + 14], 0x56     ; OR's imm32 byte 2, on 0x3003
	call 0:XPAGE
	CHECK "smc_page_end_after", 0x5634cd

	jmp finish

; --- templates (copied to RAM) -------------------------------------------
tpl:
t_next:
	mov byte [R(t_next) + 6], 0x05  ; C6 06 lo hi 05: patches AL's imm
	mov al, 0x01                    ; B0 01 (imm at t_next + 6)
	retf

t_loop:
	mov cx, 10
	xor bx, bx
.l:	add bx, 1                       ; 83 C3 ib
	inc byte [R(.l) + 2]
	loop .l
	retf

t_a:
	mov ax, 0x1111                  ; 3 bytes
	retf

t_port:
	mov al, 0x11                    ; B0 ib
	retf
tpl_end:

t_b:
	mov ax, 0x2222
	retf
t_b_end:

; At XPAGE: AND EAX, MOV AL (decoded from the page's last 16 bytes),
; MOV AH, then OR EAX, imm32 from 0x2fff to 0x3004 (crosses the page).
t_x:
	and eax, strict dword 0xffff    ; 2ff5: 66 25 imm32
	mov al, 0xab                    ; 2ffb: B0 ab
	mov ah, 0x34                    ; 2ffd: B4 34
	or eax, strict dword 0x120000   ; 2fff: 66 0D imm32 (0x12 at 0x3003)
	retf                            ; 3005
t_x_end:

	ROM_END
