; alu32: the 386 integer instruction set from real mode, through the 66/67
; prefixes: 32-bit ALU/flags, shifts with 5-bit count masking, MUL/DIV,
; string ops with ECX/ESI/EDI, stack ops, near branches, LOOP/JECXZ,
; 32-bit addressing with SIB, moffs32, XLAT, FS/GS, and the 386 0F page
; (MOVZX/MOVSX, SETcc, Jcc rel16, BT*, BSF/BSR, SHLD/SHRD, IMUL r, r/m,
; LSS/LFS/LGS), INT1. Expected values follow the Intel SDM vol. 2; they
; were checked under qemu-system-i386, which agrees except on two points
; where it does not model the chip: real-mode segment limits (no #GP) and
; F1 (ICEBP/INT1: #UD in QEMU's TCG, #DB on Intel chips since the 386).
%include "rm.inc"

ARITH equ 0x8d5

tests:
	; --- ALU and flags --------------------------------------------------
	mov eax, 0x7fffffff
	add eax, 1
	SAVEF
	CHECK "add32_result", 0x80000000
	CHECKF "add32_flags", ARITH, 0x894      ; OF SF AF PF

	xor eax, eax
	sub eax, 1
	SAVEF
	CHECK "sub32_result", 0xffffffff
	CHECKF "sub32_flags", ARITH, 0x95       ; SF AF PF CF

	stc
	mov eax, 0xffffffff
	adc eax, 0
	SAVEF
	CHECK "adc32_result", 0
	CHECKF "adc32_flags", ARITH, 0x55       ; ZF AF PF CF

	stc
	mov eax, 0x80000000
	sbb eax, 0
	SAVEF
	CHECK "sbb32_result", 0x7fffffff
	CHECKF "sbb32_flags", ARITH, 0x814      ; OF AF PF

	mov eax, 0x0000ff00
	mov ebx, 0x00ff0000
	or eax, ebx
	SAVEF
	CHECK "or32_result", 0x00ffff00
	CHECKF "or32_flags", 0x8c5, 0x04        ; PF (low byte 00; AF undefined)

	mov eax, 0x80000000
	neg eax
	SAVEF
	CHECK "neg32_min", 0x80000000
	CHECKF "neg32_flags", ARITH, 0x885      ; OF SF PF CF

	mov eax, 0x7fffffff
	inc eax
	SAVEF
	CHECKF "inc32_of", 0x800, 0x800

	; --- shifts and rotates ----------------------------------------------
	mov eax, 0x80000001
	mov cl, 33                              ; masked to 1
	shl eax, cl
	SAVEF
	CHECK "shl32_count_masked", 2
	CHECKF "shl32_cf", 1, 1

	stc
	mov eax, 0x12345678
	mov cl, 32                              ; masked to 0: no change
	shl eax, cl
	SAVEF
	CHECK "shl32_count32_noop", 0x12345678
	CHECKF "shl32_count32_flags", 1, 1

	mov eax, 0x80000000
	sar eax, 31
	CHECK "sar32", 0xffffffff
	mov eax, 0x80000001
	rol eax, 4
	CHECK "rol32", 0x18
	stc
	mov eax, 1
	rcr eax, 1
	SAVEF
	CHECK "rcr32", 0x80000000
	CHECKF "rcr32_cf", 1, 1
	mov eax, 0xf0000000
	shr eax, 28
	CHECK "shr32", 0xf

	; --- multiply and divide ----------------------------------------------
	mov eax, 0xffffffff
	mov ebx, eax
	mul ebx
	SAVEF
	CHECK "mul32_lo", 1
	mov eax, edx
	CHECK "mul32_hi", 0xfffffffe
	CHECKF "mul32_cf_of", 0x801, 0x801

	mov eax, -1
	mov ebx, -1
	imul ebx
	SAVEF
	CHECK "imul32_lo", 1
	mov eax, edx
	CHECK "imul32_hi", 0
	CHECKF "imul32_cf_of", 0x801, 0

	mov eax, 0x10000
	mov ebx, 0x10000
	imul eax, ebx
	SAVEF
	CHECK "imul_r_rm32", 0
	CHECKF "imul_r_rm32_ovf", 0x801, 0x801

	mov ebx, 0x10000
	imul eax, ebx, 0x12345
	CHECK "imul_imm32", 0x23450000

	mov edx, 1
	xor eax, eax
	mov ebx, 0x10
	div ebx
	CHECK "div32_q", 0x10000000
	mov eax, edx
	CHECK "div32_r", 0

	mov eax, -7
	cdq
	mov ebx, 2
	idiv ebx
	CHECK "idiv32_q", 0xfffffffd
	mov eax, edx
	CHECK "idiv32_r", 0xffffffff

	TRY .de
	mov edx, 2
	xor eax, eax
	mov ebx, 2
	div ebx                                 ; quotient 2^32: #DE
.de:	CHECKV "div32_overflow_de", 0

	; --- conversions and moves --------------------------------------------
	mov ax, 0x8000
	cwde
	CHECK "cwde", 0xffff8000
	mov eax, 0x80000000
	cdq
	mov eax, edx
	CHECK "cdq", 0xffffffff
	mov bl, 0x80
	movsx eax, bl
	CHECK "movsx_r32_r8", 0xffffff80
	movzx eax, bl
	CHECK "movzx_r32_r8", 0x80
	mov word [scratch], 0x8001
	movsx eax, word [scratch]
	CHECK "movsx_r32_m16", 0xffff8001
	mov eax, 0xffffffff
	movzx ax, bl                            ; 16-bit destination
	CHECK "movzx_r16_r8", 0xffff0080

	; --- 32-bit addressing ------------------------------------------------
	mov ebx, 0x1000
	mov ecx, 3
	lea eax, [ebx + ecx * 4 + 0x12340000]
	CHECK "lea_sib", 0x1234100c
	mov bx, 0x20
	xor si, si
	lea eax, [bx + si - 0x10]               ; 16-bit EA wraps
	CHECK "lea_a16_o32_wrap", 0x10

	mov dword [scratch + 0x10], 0xdeadbeef
	a32 mov eax, [dword scratch + 0x10]     ; moffs32
	CHECK "mov_moffs32", 0xdeadbeef
	mov esi, scratch
	mov ecx, 2
	mov eax, [esi + ecx * 8]
	CHECK "mov_sib_load", 0xdeadbeef
	mov edx, 4
	mov dword [esi + edx * 4 - 0x10 + 0x20], 0x600d
	mov eax, [scratch + 0x20]
	CHECK "mov_sib_store", 0x600d
	mov ebp, 0x200                          ; [ebp] defaults to SS (0)
	mov eax, [ebp + scratch - 0x200 + 0x10]
	CHECK "mov_ebp_base", 0xdeadbeef

	mov byte [scratch + 5], 0x77
	mov ebx, scratch
	mov al, 5
	a32 xlatb
	and eax, 0xff
	CHECK "xlat_a32", 0x77

	; Past the 64 KiB real-mode limit: #GP (QEMU does not check).
	TRY .gp1
	mov ebx, 0x10000
	mov eax, [ebx]
.gp1:	CHECKV "a32_past_limit_gp", 13

	; --- string instructions ---------------------------------------------
	mov dword [scratch + 0x40], 0x11111111
	mov dword [scratch + 0x44], 0x22222222
	mov dword [scratch + 0x48], 0x33333333
	mov ecx, 0x00010002                     ; a16: only CX counts
	mov si, scratch + 0x40
	mov di, scratch + 0x80
	rep movsd
	mov eax, ecx
	CHECK "rep_movsd_a16_cx", 0x00010000
	mov eax, [scratch + 0x84]
	CHECK "rep_movsd_data", 0x22222222
	mov eax, [scratch + 0x88]
	CHECK "rep_movsd_stops", 0

	mov ecx, 3
	mov edi, scratch + 0xc0
	mov eax, 0xa5a5a5a5
	a32 rep stosd
	mov eax, edi
	CHECK "rep_stosd_a32_edi", scratch + 0xcc
	mov eax, ecx
	CHECK "rep_stosd_a32_ecx", 0
	mov eax, [scratch + 0xc8]
	CHECK "rep_stosd_data", 0xa5a5a5a5

	mov esi, scratch + 0x40
	mov edi, scratch + 0x80
	mov ecx, 4
	a32 repe cmpsd                          ; third dword differs
	mov eax, ecx
	CHECK "repe_cmpsd_ecx", 1
	mov esi, scratch + 0x44
	a32 lodsd
	CHECK "lodsd_a32", 0x22222222
	mov eax, esi
	CHECK "lodsd_a32_esi", scratch + 0x48

	; --- stack ------------------------------------------------------------
	mov eax, 0x11223344
	mov bx, sp
	push eax
	sub bx, sp
	pop edx
	movzx eax, bx
	CHECK "push32_sp", 4
	mov eax, edx
	CHECK "pop32_value", 0x11223344

	mov eax, 1
	mov ecx, 2
	mov edx, 3
	mov ebx, 4
	mov esi, 6
	mov edi, 7
	mov bp, sp
	pushad
	xor eax, eax
	xor ecx, ecx
	xor edi, edi
	mov ax, bp
	sub ax, sp
	CHECK "pushad_sp", 32
	mov eax, [ss:bp - 20]                   ; pushed ESP
	movzx ebx, bp
	sub eax, ebx
	CHECK "pushad_esp_image", 0
	popad
	mov eax, ecx
	CHECK "popad_ecx", 2
	mov eax, edi
	CHECK "popad_edi", 7

	pushfd
	pop eax
	and eax, 2
	CHECK "pushfd_bit1", 2

	mov bx, sp
	call dword .callee
.ret1:	jmp .after
.callee:
	mov bp, sp
	mov eax, [bp]
	CHECK "call32_pushes_eip", .ret1
	o32 ret
.after:	xor eax, eax
	mov ax, bx
	sub ax, sp
	CHECK "call32_ret_sp", 0

	mov ebp, 0x12345678
	mov bx, sp
	o32 enter 8, 0
	xor eax, eax
	mov ax, bx
	sub ax, sp
	CHECK "enter32_sp", 12
	mov eax, [ss:bx - 4]
	CHECK "enter32_saved_ebp", 0x12345678
	o32 leave
	mov eax, ebp
	CHECK "leave32_ebp", 0x12345678
	xor eax, eax
	mov ax, bx
	sub ax, sp
	CHECK "leave32_sp", 0

	; --- branches and loops -----------------------------------------------
	xor edx, edx
	mov ecx, 0x00010002
.l1:	inc edx
	loop .l1                                ; a16: CX only
	mov eax, edx
	CHECK "loop_a16_count", 2
	mov eax, ecx
	CHECK "loop_a16_ecx", 0x00010000
	xor edx, edx
	mov ecx, 0x00010000
.l2:	inc edx
	a32 loop .l2
	mov eax, edx
	CHECK "loop_a32_count", 0x10000

	mov ecx, 0x00010000
	xor eax, eax
	jcxz .j1
	mov eax, 1
.j1:	CHECK "jcxz_cx_zero", 0
	jecxz .j2
	mov eax, 2
.j2:	CHECK "jecxz_not_taken", 2

	mov eax, 5
	cmp eax, 5
	jz near .jn
	mov eax, 0xbad
.jn:	CHECK "jcc_rel16", 5
	cmp eax, 6
	setl al
	setg bl
	mov ah, bl
	and eax, 0xffff
	CHECK "setcc", 0x0001

	; --- bit tests and scans ----------------------------------------------
	mov eax, 0x10
	bt eax, 4
	SAVEF
	CHECKF "bt_cf", 1, 1
	bts eax, 0
	SAVEF
	CHECK "bts_reg", 0x11
	CHECKF "bts_cf", 1, 0
	btr eax, 4
	CHECK "btr_reg", 0x01
	mov ebx, 31
	btc eax, ebx
	CHECK "btc_reg", 0x80000001
	mov ebx, 33                             ; register offset mod 32
	bt eax, ebx
	SAVEF
	CHECKF "bt_reg_mod32", 1, 0

	xor eax, eax
	mov [scratch + 0x100], eax
	mov [scratch + 0x104], eax
	mov [scratch + 0x108], eax
	mov ebx, 70                             ; dword 2, bit 6
	bts [scratch + 0x100], ebx
	mov eax, [scratch + 0x108]
	CHECK "bts_mem_bitstring", 0x40
	mov ebx, -1                             ; dword -1, bit 31
	bts [scratch + 0x108], ebx
	mov eax, [scratch + 0x104]
	CHECK "bts_mem_negative", 0x80000000
	mov bx, -17                             ; word -2, bit 15
	btc word [scratch + 0x108], bx
	mov eax, [scratch + 0x104]
	CHECK "btc_mem16_negative", 0x80008000
	bt dword [scratch + 0x104], 63          ; immediate: mod 32
	SAVEF
	CHECKF "bt_mem_imm_mod", 1, 1

	mov ebx, 0x00f00000
	bsf eax, ebx
	CHECK "bsf", 20
	bsr eax, ebx
	CHECK "bsr", 23
	mov eax, 0x1234
	xor ebx, ebx
	bsf eax, ebx
	SAVEF
	CHECK "bsf_zero_keeps_dest", 0x1234
	CHECKF "bsf_zero_zf", 0x40, 0x40
	mov ebx, 1
	bsr eax, ebx
	SAVEF
	CHECKF "bsr_nonzero_zf", 0x40, 0

	; --- double shifts ----------------------------------------------------
	mov eax, 0x12345678
	mov ebx, 0x9abcdef0
	shld eax, ebx, 8
	SAVEF
	CHECK "shld32_imm", 0x3456789a
	CHECKF "shld32_cf", 1, 0
	mov eax, 0x12345678
	shrd eax, ebx, 8
	CHECK "shrd32_imm", 0xf0123456
	mov eax, 0x12345678
	mov cl, 36                              ; masked to 4
	shld eax, ebx, cl
	SAVEF
	CHECK "shld32_cl_masked", 0x23456789
	CHECKF "shld32_cl_cf", 1, 1
	mov eax, 0xffff0000
	mov ax, 0x1234
	mov bx, 0x5678
	shld ax, bx, 4
	SAVEF
	CHECK "shld16", 0xffff2345
	CHECKF "shld16_cf", 1, 1
	mov ax, 0x1234
	shrd ax, bx, 4
	CHECK "shrd16", 0xffff8123

	; --- FS, GS and far pointers ------------------------------------------
	mov ax, scratch >> 4
	mov fs, ax
	mov dword [fs:0x180], 0xcafebabe
	mov eax, [scratch + 0x180]
	CHECK "fs_override", 0xcafebabe
	push fs
	pop gs
	mov eax, [gs:0x180]
	CHECK "push_fs_pop_gs", 0xcafebabe
	mov bx, sp
	o32 push gs
	xor eax, eax
	mov ax, bx
	sub ax, sp
	CHECK "push32_gs_sp", 4
	o32 pop fs
	xor eax, eax
	mov ax, fs
	CHECK "pop32_fs", scratch >> 4

	mov dword [scratch + 0x1c0], 0x1234
	mov word [scratch + 0x1c4], 0x0042
	xor ax, ax
	mov gs, ax
	lgs ebx, [scratch + 0x1c0]
	mov eax, ebx
	CHECK "lgs_offset", 0x1234
	mov ax, gs
	and eax, 0xffff
	CHECK "lgs_selector", 0x42
	mov word [scratch + 0x1c8], 0x5678
	mov word [scratch + 0x1ca], 0x0043
	lfs bx, [scratch + 0x1c8]
	mov ax, fs
	shl eax, 16
	mov ax, bx
	CHECK "lfs16", 0x00435678
	mov word [scratch + 0x1cc], 0x6ff0
	mov word [scratch + 0x1ce], 0
	mov dx, sp
	lss sp, [scratch + 0x1cc]
	mov ax, sp
	mov sp, dx
	and eax, 0xffff
	CHECK "lss16", 0x6ff0

	; --- dword I/O: the PCI configuration ports of the i440FX -------------
	mov dx, 0xcf8
	mov eax, 0x80000000                     ; bus 0, device 0, register 0
	out dx, eax
	xor eax, eax
	in eax, dx
	CHECK "out_in_dword", 0x80000000
	mov dx, 0xcfc
	in eax, dx
	CHECK "in_dword_host_bridge_id", 0x12378086
	mov di, scratch + 0x1e0
	insd
	mov eax, [scratch + 0x1e0]
	CHECK "insd", 0x12378086
	mov eax, edi
	and eax, 0xffff
	CHECK "insd_di", scratch + 0x1e4

	TRY .icebp
	int1                                    ; F1: ICEBP, #DB
.icebp:	CHECKV "icebp_db", 1

	; LOCK from the 386 on: only read-modify-write instructions with a
	; memory destination take it; anything else is #UD (SDM vol. 2, LOCK).
	; (QEMU's TCG lets LOCK MOV through; the manual and real CPUs don't.)
	[warning -prefix-lock]
	TRY .lk1
	mov dword [scratch], 1
	lock add dword [scratch], 2
.lk1:	CHECKV "lock_add_mem_no_fault", 0xff
	mov eax, [scratch]
	CHECK "lock_add_mem_result", 3
	TRY .lk2
	lock xchg [scratch], eax
.lk2:	CHECKV "lock_xchg_mem_no_fault", 0xff
	TRY .lk3
	lock mov [scratch], eax
.lk3:	CHECKV "lock_mov_ud", 6
	TRY .lk4
	lock add eax, ebx
.lk4:	CHECKV "lock_add_reg_dest_ud", 6
	TRY .lk5
	lock cmp [scratch], eax
.lk5:	CHECKV "lock_cmp_ud", 6
	TRY .lk6
	lock inc dword [scratch]
.lk6:	CHECKV "lock_inc_mem_no_fault", 0xff

	jmp finish

	ROM_END
