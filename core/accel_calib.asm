; core/accel_calib.asm: the --accel auto calibration guest
; (core/accel_calib.c). Real mode; EAX at entry picks the loop, ECX counts
; its iterations and the host reads it after a fixed wall-clock budget:
;   EAX 0: arithmetic, 4 instructions per iteration (guest MIPS);
;   EAX 1: a port write to the POST port and 2 instructions (the cost of
;          one port access: a VM exit round trip under KVM).
; A 4 KiB ROM at F000:F000; interrupts stay off.
	cpu	686
	bits	16
	org	0xf000

start:
	xor	ecx, ecx
	xor	edx, edx
	test	eax, eax
	jnz	ports
alu:	add	edx, ecx
	xor	edx, 0x5a5a5a5a
	inc	ecx
	jmp	alu
ports:	out	0x80, al
	inc	ecx
	jmp	ports

	times	0xfff0 - ($ - $$) - 0xf000 db 0xf4
reset:
	jmp	0xf000:start
	times	0x1000 - ($ - $$) db 0xf4
