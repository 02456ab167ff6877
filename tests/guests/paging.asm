; paging: 2-level paging. Identity map, a 4 MiB PSE page, #PF with CR2 and
; error codes (not present, write to read-only with and without CR0.WP,
; user access to a supervisor page), accessed/dirty bits, INVLPG, a
; global page surviving a CR3 reload, page-crossing writes and fetches.
%include "pm.inc"

PD      equ 0x10000
PT0     equ 0x11000
PG_NP   equ 0x20000               ; not present
PG_RO   equ 0x21000               ; read-only, user
PG_SUP  equ 0x22000               ; supervisor only
PG_AD   equ 0x23000               ; A/D check
PG_INV  equ 0x24000               ; remapped for INVLPG
PG_ALT  equ 0x25000
PG_GLB  equ 0x26000               ; global
%define PTE(a) (PT0 + ((a) >> 12) * 4)
CR4_PSE equ 0x10
CR4_PGE equ 0x80

tests:
	mov al, 0x30
	mov ebx, svc_handler
	mov dx, 0xee00
	call set_gate
	; PT0: identity 0-4 MiB, user + writable.
	mov edi, PT0
	mov eax, 0x007
	mov ecx, 1024
.pt:	stosd
	add eax, 0x1000
	loop .pt
	mov dword [PTE(PG_NP)], PG_NP | 0x006
	mov dword [PTE(PG_RO)], PG_RO | 0x005
	mov dword [PTE(PG_SUP)], PG_SUP | 0x003
	mov dword [PTE(PG_AD)], PG_AD | 0x007
	mov dword [PTE(PG_GLB)], PG_GLB | 0x107
	; PD: PT0 for 0-4 MiB; a 4 MiB page at 8 MiB mapping physical 0.
	mov edi, PD
	xor eax, eax
	mov ecx, 1024
	rep stosd
	mov dword [PD], PT0 | 0x007
	mov dword [PD + 2 * 4], 0x000000 | 0x087
	mov dword [PG_INV], 0xaaaa
	mov dword [PG_ALT], 0xbbbb
	mov dword [PG_GLB], 0xcccc
	mov eax, cr4
	or eax, CR4_PSE | CR4_PGE
	mov cr4, eax
	mov eax, PD
	mov cr3, eax
	mov eax, cr0
	or eax, 0x80000000
	mov cr0, eax
	PASS "paging_enabled"

	; PSE: linear 8 MiB + x is physical x.
	mov dword [scratch], 0x5a5a1234
	mov eax, [0x800000 + scratch]
	EXPECT "pse_4m_read", eax, 0x5a5a1234
	mov eax, [PD + 2 * 4]
	and eax, 0x20
	EXPECT "pse_pde_accessed", eax, 0x20

	; Not present: read and write error codes, CR2.
	TRY .np1
.f1:	mov eax, [PG_NP + 0x10]
.np1:	EXPECT "pf_np_read_vector", [exc_vec], 14
	EXPECT "pf_np_read_error", [exc_err], 0
	mov eax, cr2
	EXPECT "pf_np_read_cr2", eax, PG_NP + 0x10
	EXPECT "pf_np_read_eip", [exc_eip], .f1
	TRY .np2
	mov dword [PG_NP + 0x20], 1
.np2:	EXPECT "pf_np_write_error", [exc_err], 2

	; Read-only page: ring 0 may write with WP=0, not with WP=1.
	mov dword [exc_vec], 0xff
	mov dword [PG_RO], 0x1111
	EXPECT "ro_write_ring0_nowp", [exc_vec], 0xff
	mov eax, cr0
	or eax, 0x10000
	mov cr0, eax
	TRY .wp
	mov dword [PG_RO + 4], 0x2222
.wp:	EXPECT "pf_wp_error", [exc_err], 3
	mov eax, cr2
	EXPECT "pf_wp_cr2", eax, PG_RO + 4

	; Accessed and dirty bits.
	and dword [PTE(PG_AD)], ~0x60
	invlpg [PG_AD]
	mov eax, [PG_AD]
	mov eax, [PTE(PG_AD)]
	and eax, 0x60
	EXPECT "pte_accessed_on_read", eax, 0x20
	mov dword [PG_AD], 7
	mov eax, [PTE(PG_AD)]
	and eax, 0x60
	EXPECT "pte_dirty_on_write", eax, 0x60

	; INVLPG: a changed PTE takes effect after INVLPG.
	mov eax, [PG_INV]
	mov dword [PTE(PG_INV)], PG_ALT | 0x007
	mov eax, [PG_INV]
	EXPECT "tlb_keeps_old_mapping", eax, 0xaaaa
	invlpg [PG_INV]
	mov eax, [PG_INV]
	EXPECT "invlpg_new_mapping", eax, 0xbbbb

	; Global page survives a CR3 reload; a normal one does not.
	mov dword [PTE(PG_INV)], PG_INV | 0x007
	invlpg [PG_INV]
	mov eax, [PG_INV]
	mov eax, [PG_GLB]
	mov dword [PTE(PG_GLB)], PG_ALT | 0x107
	mov dword [PTE(PG_INV)], PG_ALT | 0x007
	mov eax, cr3
	mov cr3, eax
	mov eax, [PG_GLB]
	EXPECT "global_survives_cr3", eax, 0xcccc
	mov eax, [PG_INV]
	EXPECT "cr3_flushes_nonglobal", eax, 0xbbbb
	mov dword [PTE(PG_GLB)], PG_GLB | 0x107
	mov dword [PTE(PG_INV)], PG_INV | 0x007
	mov eax, cr4                    ; PGE toggle flushes globals
	and eax, ~CR4_PGE
	mov cr4, eax
	or eax, CR4_PGE
	mov cr4, eax

	; A write across a page boundary checks both pages first.
	mov dword [PG_NP - 4], 0x44332211
	TRY .cross
	mov dword [PG_NP - 2], 0xffffffff
.cross:	EXPECT "pf_cross_write_error", [exc_err], 2
	mov eax, cr2
	EXPECT "pf_cross_write_cr2", eax, PG_NP
	mov eax, [PG_NP - 4]
	EXPECT "pf_cross_write_nothing_written", eax, 0x44332211

	; Instruction fetch: MOV EAX, imm32 ending at the page end runs;
	; the fetch at the not-present page faults with EIP = CR2 = PG_NP.
	mov byte [PG_NP - 5], 0xb8
	mov dword [PG_NP - 4], 0x11223344
	TRY .fe1
	xor eax, eax
	jmp PG_NP - 5
.fe1:	EXPECT "fetch_fault_eip", [exc_eip], PG_NP
	EXPECT "fetch_before_fault_ran", eax, 0x11223344
	mov eax, cr2
	EXPECT "fetch_fault_cr2", eax, PG_NP
	; An instruction straddling into the bad page faults at its start.
	mov byte [PG_NP - 3], 0xb8
	TRY .fe2
	jmp PG_NP - 3
.fe2:	EXPECT "fetch_straddle_eip", [exc_eip], PG_NP - 3
	mov eax, cr2
	EXPECT "fetch_straddle_cr2", eax, PG_NP

	; Data breakpoint with paging: it matches the linear address, so a
	; write through the 4 MiB alias traps and one through the identity
	; mapping of the same physical dword does not.
	mov al, 1
	mov ebx, pg_dbg_handler
	mov dx, 0x8e00
	call set_gate
	mov dword [pg_dbg_count], 0
	mov eax, 0x800000 + scratch + 8
	mov dr0, eax
	mov eax, 0x000d0401             ; L0; R/W0 = 01, LEN0 = 11
	mov dr7, eax
	mov dword [scratch + 8], 1
	EXPECT "pg_dbp_other_linear", [pg_dbg_count], 0
	mov dword [0x800000 + scratch + 8], 2
.dbpw:	mov eax, 0x400
	mov dr7, eax
	EXPECT "pg_dbp_write_traps", [pg_dbg_count], 1
	EXPECT "pg_dbp_trap_eip", [pg_dbg_eip], .dbpw
	EXPECT "pg_dbp_value_written", [scratch + 8], 2

	; Ring 3: supervisor page and read-only page.
	mov dword [cont], .back
	push dword SEL_DATA3 | 3
	push dword STACK3
	pushfd
	push dword SEL_CODE3 | 3
	push dword .ring3
	iretd
.ring3:	mov ax, SEL_DATA3 | 3
	mov ds, ax
	mov es, ax
	TRY .u1
	mov eax, [PG_SUP]
.u1:	EXPECT "pf_user_supervisor_error", [exc_err], 5
	TRY .u2
	mov dword [PG_RO], 0
.u2:	EXPECT "pf_user_readonly_error", [exc_err], 7
	mov eax, [PG_RO]
	EXPECT "user_readonly_read_ok", eax, 0x1111
	mov eax, 0xdead
	int 0x30
.back:	jmp finish

svc_handler:
	cmp eax, 0xdead
	jne .iret
	mov ax, SEL_DATA0
	mov ds, ax
	mov es, ax
	mov esp, STACK0
	jmp [cont]
.iret:	iretd

cont equ scratch + 16

pg_dbg_handler:
	inc dword [pg_dbg_count]
	push eax
	mov eax, [esp + 4]
	mov [pg_dbg_eip], eax
	pop eax
	iretd

pg_dbg_count equ scratch + 20
pg_dbg_eip   equ scratch + 24

ROM_END
