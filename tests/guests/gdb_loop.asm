; gdb_loop: a target for the gdb stub tests (tests/integration/
; test-gdb.sh). Flat 32-bit code, so linear addresses are EIPs:
; main_loop at F8000h calls bump (F8100h) LOOPS times; bump counts in
; [COUNTER]. The addresses are fixed: the tests break on them.
%include "pm.inc"

COUNTER equ 0x600
LOOPS   equ 50000

tests:
	PASS "gdb_start"
	mov dword [COUNTER], 0
	mov ecx, LOOPS
	jmp main_loop

	times 0x8000 - ($ - $$) db 0x90
main_loop:                      ; F8000h
	call bump
	loop main_loop
	EXPECT "gdb_counter", [COUNTER], LOOPS
	jmp finish

	times 0x8100 - ($ - $$) db 0x90
bump:                           ; F8100h
	inc dword [COUNTER]
	ret

ROM_END
