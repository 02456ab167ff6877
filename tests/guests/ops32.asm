; ops32: the integer set in 32-bit flat protected mode (CS.D = 1, so 66/67
; now select 16-bit operands and addresses), and the P6 fast system calls:
; SYSEXIT to ring 3 and SYSENTER back, with the privilege checks of
; RDMSR, RDTSC (CR4.TSD), RDPMC (CR4.PCE) and SYSEXIT at CPL 3.
; Pentium II only. Expected values from the Intel SDM vol. 2.
%include "pm.inc"

%macro SAVEF 0
	pushfd
	pop dword [scratch + 0x7c]
%endmacro

%macro EXPECTF 3                ; name, mask, value of the saved flags
	push eax
	mov eax, [scratch + 0x7c]
	and eax, %2
	EXPECT %1, eax, %3
	pop eax
%endmacro

RING3_STACK equ 0x70000
SYSENTER_STACK equ 0x68000

tests:
	; --- default 32-bit operands, 66 for 16-bit --------------------------
	mov eax, 0xffffffff
	add eax, 1
	SAVEF
	EXPECT "add32_default", eax, 0
	EXPECTF "add32_default_flags", 0x8d5, 0x55
	mov eax, 0x1234ffff
	add ax, 1                               ; 66: 16-bit, upper kept
	SAVEF
	EXPECT "add16_o16", eax, 0x12340000
	EXPECTF "add16_o16_flags", 0x8d5, 0x55
	mov ecx, 0x10002
	xor edx, edx
.l1:	inc edx
	a16 loop .l1                            ; 67: CX
	EXPECT "loop_a16_in_32bit", edx, 2
	mov eax, esp
	push word 0x1234                        ; 66 6A: 2 bytes
	sub eax, esp
	add esp, 2
	EXPECT "push16_o16", eax, 2
	mov esi, scratch
	xor ebx, ebx
	a16 lea ebx, [bx + si + 0x10]           ; 16-bit EA zero-extended
	mov ecx, esi
	add ecx, 0x10
	and ecx, 0xffff
	EXPECT "lea_a16_in_32bit", ebx, ecx

	; --- bit strings with 32-bit offsets ---------------------------------
	mov edi, 0x20000
	mov dword [edi + 0x10000], 0
	mov ebx, 0x80000 + 3                    ; +64 KiB, bit 3
	bts [edi], ebx
	EXPECT "bts_far_bitstring", [edi + 0x10000], 8
	mov ebx, -(0x80000 - 3)                 ; -64 KiB + 3 bits ...
	mov dword [edi - 0x10000], 0
	bts [edi], ebx                          ; ... is bit 3 of edi-64K
	EXPECT "bts_far_negative", [edi - 0x10000], 8

	mov eax, 0xfedcba98
	bswap eax
	EXPECT "bswap32", eax, 0x98badcfe
	mov eax, 3
	mov ebx, 4
	cmp eax, ebx
	cmovb eax, ebx
	EXPECT "cmovb", eax, 4

	; --- SYSENTER / SYSEXIT ----------------------------------------------
	mov ecx, 0x174
	xor edx, edx
	xor eax, eax
	wrmsr
	TRY .se0
	sysenter                                ; SYSENTER_CS = 0: #GP(0)
.se0:	EXPECT "sysenter_null_cs_gp", [exc_vec], 13
	mov ecx, 0x174
	mov eax, SEL_CODE0                      ; 08: code0, 10: data0,
	wrmsr                                   ; 18|3: code3, 20|3: data3
	mov ecx, 0x175
	mov eax, SYSENTER_STACK
	wrmsr
	mov ecx, 0x176
	mov eax, A(sysenter_entry)
	wrmsr
	mov eax, cr4
	or eax, (1 << 2)                        ; TSD: RDTSC at CPL 0 only
	mov cr4, eax
	mov [scratch + 0x78], esp
	mov ecx, RING3_STACK
	mov edx, A(ring3)
	sysexit

BITS 32
ring3:
	; An exception's IRET back to ring 3 nulls DS/ES holding DPL 0
	; selectors (SYSEXIT itself leaves them alone): use ring 3 data.
	mov eax, SEL_DATA3 | 3
	mov ds, eax
	mov es, eax
	mov eax, cs
	EXPECT "sysexit_cs", eax, SEL_CODE3 | 3
	mov eax, ss
	EXPECT "sysexit_ss", eax, SEL_DATA3 | 3
	mov ebx, esp
	EXPECT "sysexit_esp", ebx, RING3_STACK
	TRY .r1
	mov ecx, 0x10
	rdmsr
.r1:	EXPECT "rdmsr_cpl3_gp", [exc_vec], 13
	TRY .r2
	rdtsc
.r2:	EXPECT "rdtsc_tsd_cpl3_gp", [exc_vec], 13
	TRY .r3
	xor ecx, ecx
	rdpmc
.r3:	EXPECT "rdpmc_cpl3_gp", [exc_vec], 13
	TRY .r4
	sysexit
.r4:	EXPECT "sysexit_cpl3_gp", [exc_vec], 13
	sysenter

sysenter_entry:
	mov eax, cs
	EXPECT "sysenter_cs", eax, SEL_CODE0
	mov eax, ss
	EXPECT "sysenter_ss", eax, SEL_DATA0
	mov ebx, esp
	EXPECT "sysenter_esp", ebx, SYSENTER_STACK
	rdtsc                                   ; CPL 0 again: fine
	mov eax, SEL_DATA0
	mov ds, eax
	mov es, eax
	mov esp, [scratch + 0x78]
	mov eax, cr4
	and eax, ~(1 << 2)
	mov cr4, eax
	jmp finish

	ROM_END
