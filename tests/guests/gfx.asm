; tests/guests/gfx.asm: known pictures in mode 13h and a VBE mode, for the
; display tests (tests/integration/test-display.sh), without a VGA BIOS.
;
; Mode 13h from IBM's register table, a 256-entry DAC ramp, pixel (x, y) =
; (x ^ 3y) & 0xFF; "M13" on COM1 until a key is pressed (8042, polled);
; then the Bochs dispi 640x480x32 with the LFB at PCI BAR0 of the VGA
; (found by vendor/device, assigned if the BAR is empty), pixel = R x,
; G y, B x + y (each & 0xFF), and "VBE" on COM1 forever (the test's script
; quits). Saying it again and again lets a script's wait-serial, which only
; hears what comes after it starts, never miss it.
; tests/integration/gfx-png.py draws the same pictures.
%include "pm.inc"

COM1	equ 0x3f8
LFB_DEFAULT equ 0xe0000000
VBE_W	equ 640
VBE_H	equ 480

tests:
	call com_init
	call mode13
.m13:	call lib_com_inline
	db 'M13', 10, 0
	call key_pressed
	jz .m13
	call vbe_mode
.vbe:	call lib_com_inline
	db 'VBE', 10, 0
	jmp .vbe

; --- COM1, polled -------------------------------------------------------
com_init:
	mov dx, COM1 + 1
	xor al, al
	out dx, al		; no interrupts
	mov dx, COM1 + 3
	mov al, 0x80
	out dx, al		; DLAB
	mov dx, COM1
	mov al, 1
	out dx, al		; 115200 baud
	inc dx
	xor al, al
	out dx, al
	mov dx, COM1 + 3
	mov al, 0x03
	out dx, al		; 8N1
	ret

; The zero-terminated string after the call, to COM1.
lib_com_inline:
	xchg esi, [esp]
	push eax
	push edx
.next:	lodsb
	test al, al
	jz .done
	mov ah, al
	mov dx, COM1 + 5
.thre:	in al, dx
	test al, 0x20
	jz .thre
	mov al, ah
	mov dx, COM1
	out dx, al
	jmp .next
.done:	pop edx
	pop eax
	xchg esi, [esp]
	ret

; ZF clear when a make code arrived from the keyboard (breaks are eaten).
key_pressed:
	in al, 0x64
	test al, 1
	jz .none
	in al, 0x60
	test al, 0x80
	jnz key_pressed
	or al, 1		; ZF = 0
	ret
.none:	cmp al, al		; ZF = 1
	ret

; --- mode 13h -------------------------------------------------------------
mode13:
	mov dx, 0x3c2
	mov al, 0x63
	out dx, al
	mov esi, seq13
	mov dx, 0x3c4
	mov ecx, 5
	call idx_table
	mov dx, 0x3d4
	mov ax, 0x0011		; unlock CR0-7
	out dx, ax
	mov esi, crtc13
	mov ecx, 25
	call idx_table
	mov esi, gc13
	mov dx, 0x3ce
	mov ecx, 9
	call idx_table
	; attribute controller: index then data on 0x3C0
	mov esi, attr13
	xor ebx, ebx
.attr:	mov dx, 0x3da
	in al, dx		; flip-flop to index
	mov dx, 0x3c0
	mov al, bl
	out dx, al
	mov al, [esi + ebx]
	out dx, al
	inc ebx
	cmp ebx, 21
	jb .attr
	mov al, 0x20		; palette address source: screen on
	out dx, al
	; DAC ramp: entry i = (i >> 2, 3i & 63, 63 - (i >> 2))
	mov dx, 0x3c8
	xor al, al
	out dx, al
	mov dx, 0x3c9
	xor ecx, ecx
.dac:	mov eax, ecx
	shr eax, 2
	out dx, al
	lea eax, [ecx + ecx * 2]
	and al, 63
	out dx, al
	mov eax, ecx
	shr eax, 2
	neg eax
	add eax, 63
	out dx, al
	inc ecx
	cmp ecx, 256
	jb .dac
	; pixels (chain 4: byte per pixel at 0xA0000 + 320y + x)
	mov edi, 0xa0000
	xor ebx, ebx
.y:	xor ecx, ecx
.x:	lea eax, [ebx + ebx * 2]
	xor eax, ecx
	mov [edi], al
	inc edi
	inc ecx
	cmp ecx, 320
	jb .x
	inc ebx
	cmp ebx, 200
	jb .y
	ret

; ECX (index, value) pairs: index i gets [esi + i], through port DX/DX+1.
idx_table:
	xor ebx, ebx
.next:	mov al, bl
	mov ah, [esi + ebx]
	out dx, ax
	inc ebx
	cmp ebx, ecx
	jb .next
	ret

seq13	db 0x03, 0x01, 0x0f, 0x00, 0x0e
crtc13	db 0x5f, 0x4f, 0x50, 0x82, 0x54, 0x80, 0xbf, 0x1f, 0x00, 0x41, 0x00
	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x9c, 0x0e, 0x8f, 0x28, 0x40, 0x96
	db 0xb9, 0xa3, 0xff
gc13	db 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0f, 0xff
attr13	db 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a
	db 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x41, 0x00, 0x0f, 0x00, 0x00

; --- VBE ------------------------------------------------------------------
; PCI config dword EAX = address (bus/dev/fn/reg) -> EAX.
pci_read:
	mov dx, 0xcf8
	out dx, eax
	mov dx, 0xcfc
	in eax, dx
	ret

pci_write:			; EAX address, EBX value
	mov dx, 0xcf8
	out dx, eax
	mov dx, 0xcfc
	mov eax, ebx
	out dx, eax
	ret

dispi:				; AX index, BX value
	mov dx, 0x1ce
	out dx, ax
	inc dx
	mov ax, bx
	out dx, ax
	ret

vbe_mode:
	; Find 1234:1111 on bus 0.
	mov esi, 0x80000000
.scan:	mov eax, esi
	call pci_read
	cmp eax, 0x11111234
	je .found
	add esi, 0x800
	cmp esi, 0x80000000 + 32 * 0x800
	jb .scan
	call lib_com_inline
	db 'FAIL no VGA on PCI', 10, 0
	ret
.found:	lea eax, [esi + 0x10]
	call pci_read
	and eax, 0xfffffff0
	jnz .have
	lea eax, [esi + 0x10]	; unassigned (no BIOS ran): assign it
	mov ebx, LFB_DEFAULT
	call pci_write
	mov eax, LFB_DEFAULT
.have:	mov edi, eax
	lea eax, [esi + 0x04]	; command: memory space on
	call pci_read
	or eax, 2
	mov ebx, eax
	lea eax, [esi + 0x04]
	call pci_write
	mov ax, 4
	xor bx, bx
	call dispi		; off while the geometry changes
	mov ax, 1
	mov bx, VBE_W
	call dispi
	mov ax, 2
	mov bx, VBE_H
	call dispi
	mov ax, 3
	mov bx, 32
	call dispi
	mov ax, 4
	mov bx, 0x41		; enabled, LFB
	call dispi
	; pixels: R = x, G = y, B = x + y (each & 0xFF)
	xor ebx, ebx
.vy:	xor ecx, ecx
.vx:	movzx eax, cl
	shl eax, 16
	mov ah, bl
	mov al, cl
	add al, bl
	mov [edi], eax
	add edi, 4
	inc ecx
	cmp ecx, VBE_W
	jb .vx
	inc ebx
	cmp ebx, VBE_H
	jb .vy
	ret

ROM_END
