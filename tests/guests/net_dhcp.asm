; tests/guests/net_dhcp.asm: DHCP over an ISA NE2000, no BIOS needed.
; A 64 KiB BIOS-style ROM (boot with --bios build/guests/net_dhcp.bin
; --nic ne2000-isa). It resets the NE2000 at 0x300, reads the MAC from the
; station PROM through remote DMA, sets up the ring like Linux's 8390
; driver (TX page 0x40, ring 0x46-0x80), sends a DHCP DISCOVER, polls for
; received frames and, on the OFFER, prints "DHCP-OFFER a.b.c.d" to the
; debug console (port 0x402); then halts with interrupts off (exit 0).
; No OFFER after a long wait: "DHCP-TIMEOUT".
	cpu	286
	bits	16
	org	0

NE	 equ 0x300
DATA	 equ NE + 0x10
DEBUGCON equ 0x402
MAC	 equ 0x0500		; RAM (segment 0)
BNRYV	 equ 0x0506
TXBUF	 equ 0x1000
RXBUF	 equ 0x2000
FRAME_LEN equ 14 + 576		; Ethernet + IP(20) + UDP(8) + BOOTP(548)
PSTART	 equ 0x46
PSTOP	 equ 0x80

%macro OUTR 2			; register, value
	mov	dx, NE + %1
	mov	al, %2
	out	dx, al
%endmacro

start:
	cli
	cld
	xor	ax, ax
	mov	ss, ax
	mov	sp, 0x7000
	mov	es, ax
	push	cs
	pop	ds

	mov	dx, NE + 0x1f		; a read of the reset port resets
	in	al, dx
	out	dx, al
	mov	dx, NE + 7
.rst:	in	al, dx
	test	al, 0x80		; ISR.RST
	jz	.rst

	mov	si, init_seq
.init:	lodsw				; AL = register, AH = value
	cmp	al, 0xff
	je	.prom
	mov	dx, NE
	add	dl, al
	mov	al, ah
	out	dx, al
	jmp	.init

.prom:	; 12 PROM bytes in byte mode: each MAC byte twice.
	mov	di, MAC
	mov	cx, 6
.pbyte:	mov	dx, DATA
	in	al, dx
	stosb
	in	al, dx
	loop	.pbyte
	call	wait_rdc

	OUTR	0x00, 0x61		; page 1, stopped
	mov	si, MAC
	mov	cx, 6
	mov	dx, NE + 1
.par:	mov	al, [es:si]
	out	dx, al
	inc	si
	inc	dx
	loop	.par
	OUTR	0x07, PSTART		; CURR
	OUTR	0x00, 0x22		; page 0, start
	OUTR	0x0d, 0x00		; TCR: normal
	mov	byte [es:BNRYV], PSTOP - 1

	; The DISCOVER: the template, then our MAC as source and chaddr.
	mov	si, tmpl
	mov	di, TXBUF
	mov	cx, FRAME_LEN
	rep	movsb
	push	es
	pop	ds
	mov	si, MAC
	mov	di, TXBUF + 6
	movsw
	movsw
	movsw
	mov	si, MAC
	mov	di, TXBUF + 42 + 28
	movsw
	movsw
	movsw

	; Into the board at 0x4000 (remote write), then transmit.
	mov	bx, 0x4000
	mov	cx, FRAME_LEN
	call	dma_setup
	OUTR	0x00, 0x12		; remote write
	mov	si, TXBUF
	mov	cx, FRAME_LEN
	mov	dx, DATA
.tx:	lodsb
	out	dx, al
	loop	.tx
	call	wait_rdc
	OUTR	0x04, 0x40		; TPSR
	OUTR	0x05, FRAME_LEN & 0xff
	OUTR	0x06, FRAME_LEN >> 8
	OUTR	0x00, 0x26		; transmit
	mov	dx, NE + 7
.ptx:	in	al, dx
	test	al, 0x02
	jz	.ptx
	mov	al, 0x02
	out	dx, al

	; Wait for frames (the host delivers them at sync points).
	mov	bp, 20			; about 4 s of guest time at 12 MHz
.wait:	xor	cx, cx
.poll:	mov	dx, NE + 7
	in	al, dx
	test	al, 0x01		; ISR.PRX
	jnz	.got
	loop	.poll
	dec	bp
	jnz	.wait
	mov	si, msg_timeout
	call	puts
	jmp	halt

.got:	mov	al, 0x01
	out	dx, al
.next:	OUTR	0x00, 0x62		; page 1: CURR
	mov	dx, NE + 7
	in	al, dx
	mov	ah, al
	OUTR	0x00, 0x22
	mov	al, [BNRYV]		; next frame = BNRY + 1
	inc	al
	cmp	al, PSTOP
	jb	.nowrap
	mov	al, PSTART
.nowrap:
	cmp	al, ah
	je	.wait			; ring empty
	; The 4-byte header, then the frame without it.
	mov	bh, al
	xor	bl, bl
	mov	cx, 4
	mov	di, RXBUF - 4
	call	dma_read
	mov	al, [RXBUF - 3]		; next page
	dec	al
	cmp	al, PSTART
	jae	.bnry
	mov	al, PSTOP - 1
.bnry:	mov	[BNRYV], al
	mov	cx, [RXBUF - 2]		; count, header included
	sub	cx, 4
	cmp	cx, 1600
	jbe	.len
	mov	cx, 1600
.len:	add	bx, 4
	mov	di, RXBUF
	call	dma_read
	mov	al, [BNRYV]
	OUTR	0x03, al		; BNRY: the frame is ours now
	call	check_offer
	jnc	.next

	mov	si, msg_offer
	call	puts
	mov	si, RXBUF + 42 + 16	; yiaddr
	mov	cx, 4
.ip:	lodsb
	call	putdec
	cmp	cx, 1
	je	.ipend
	mov	al, '.'
	call	putc
.ipend:	loop	.ip
	mov	al, 10
	call	putc
halt:	cli
.h:	hlt
	jmp	.h

; CF set if RXBUF holds a DHCPOFFER for our xid.
check_offer:
	cmp	word [RXBUF + 12], 0x0008	; IPv4
	jne	.no
	cmp	byte [RXBUF + 14 + 9], 17	; UDP
	jne	.no
	cmp	word [RXBUF + 34 + 2], 0x4400	; to port 68
	jne	.no
	cmp	byte [RXBUF + 42], 2		; BOOTREPLY
	jne	.no
	cmp	word [RXBUF + 42 + 4], 0x3412	; xid 12345678
	jne	.no
	cmp	word [RXBUF + 42 + 6], 0x7856
	jne	.no
	cmp	word [RXBUF + 42 + 240], 0x0135	; option 53, length 1
	jne	.no
	cmp	byte [RXBUF + 42 + 242], 2	; DHCPOFFER
	jne	.no
	stc
	ret
.no:	clc
	ret

; BX = board address, CX = count: RSAR, RBCR.
dma_setup:
	mov	dx, NE + 0x08
	mov	al, bl
	out	dx, al
	inc	dx
	mov	al, bh
	out	dx, al
	inc	dx
	mov	al, cl
	out	dx, al
	inc	dx
	mov	al, ch
	out	dx, al
	ret

; CX bytes from board address BX to ES:DI (ES = DS = 0 here).
dma_read:
	push	cx
	call	dma_setup
	OUTR	0x00, 0x0a		; remote read
	pop	cx
	mov	dx, DATA
.rd:	in	al, dx
	stosb
	loop	.rd
	; fall through
wait_rdc:
	mov	dx, NE + 7
.w:	in	al, dx
	test	al, 0x40
	jz	.w
	mov	al, 0x40
	out	dx, al
	ret

; Output to the debug console. puts: CS:SI, zero-terminated.
puts:
	mov	al, [cs:si]
	inc	si
	test	al, al
	jz	.done
	call	putc
	jmp	puts
.done:	ret

putc:
	push	dx
	mov	dx, DEBUGCON
	out	dx, al
	pop	dx
	ret

; AL in decimal.
putdec:
	push	cx
	xor	ah, ah
	mov	bl, 10
	xor	cx, cx
.div:	div	bl
	push	ax			; remainder in AH
	inc	cx
	xor	ah, ah
	test	al, al
	jnz	.div
.out:	pop	ax
	mov	al, ah
	add	al, '0'
	call	putc
	loop	.out
	pop	cx
	ret

; Register, value pairs (page 0): stop, byte-wide DMA, accept broadcasts,
; loopback while setting up, the ring, interrupts masked (we poll); then
; a 12-byte remote read of the PROM.
init_seq:
	db	0x00, 0x21, 0x0e, 0x48, 0x0a, 0, 0x0b, 0, 0x0c, 0x04
	db	0x0d, 0x02, 0x04, 0x40, 0x01, PSTART, 0x03, PSTOP - 1
	db	0x02, PSTOP, 0x07, 0xff, 0x0f, 0x00
	db	0x0a, 12, 0x0b, 0, 0x08, 0, 0x09, 0, 0x00, 0x0a
	db	0xff, 0xff

msg_offer	db "DHCP-OFFER ", 0
msg_timeout	db "DHCP-TIMEOUT", 10, 0

; The IPv4 header checksum of the constant header below.
%assign s 0x4500 + 0x0240 + 0x4011 + 0xffff + 0xffff
%assign s (s & 0xffff) + (s >> 16)
%assign s (s & 0xffff) + (s >> 16)
%assign ipsum (~s) & 0xffff

tmpl:
	db	0xff, 0xff, 0xff, 0xff, 0xff, 0xff	; to everyone
	times 6 db 0					; from us (patched)
	db	0x08, 0x00
	db	0x45, 0x00, 0x02, 0x40, 0, 0, 0, 0	; 576 bytes, no frags
	db	64, 17, ipsum >> 8, ipsum & 0xff	; TTL, UDP, checksum
	db	0, 0, 0, 0, 255, 255, 255, 255		; 0.0.0.0 -> broadcast
	db	0, 68, 0, 67, 0x02, 0x2c, 0, 0		; UDP 68 -> 67, 556
	db	1, 1, 6, 0				; BOOTREQUEST, Ethernet
	db	0x12, 0x34, 0x56, 0x78			; xid
	db	0, 0, 0x80, 0				; secs, flags: broadcast
	times 16 db 0					; ciaddr..giaddr
	times 16 db 0					; chaddr (patched)
	times 192 db 0					; sname, file
	db	0x63, 0x82, 0x53, 0x63			; magic cookie
	db	53, 1, 1, 255				; DHCPDISCOVER, end
	times tmpl + FRAME_LEN - $ db 0

	times	0xfff0 - ($ - $$) db 0
reset:
	jmp	0xf000:start
	times	0x10000 - ($ - $$) db 0
