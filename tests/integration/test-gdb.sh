# The gdb stub (--gdb), replay --until, trace snapshots and trace diff,
# driven by gdb itself in batch mode against tests/guests/gdb_loop.asm:
# main_loop at F8000h calls bump at F8100h, which counts in [600h].

GDB_BIN=${GDB_BIN:-build/guests/gdb_loop.bin}

need_gdb() {
	[ -f "$GDB_BIN" ] || skip "$GDB_BIN not built (make guests)" || return $?
	command -v gdb >/dev/null || skip "gdb is not installed (make deps)"
}

# gdb_session NAME SCRIPT LUCID-ARGS...: start lucid with --gdb on a free
# port, run gdb -batch on SCRIPT (@PORT@ replaced), leave gdb's output in
# $OUT/NAME.gdb and lucid's in $OUT/NAME.{out,err}, lucid's exit in $rc.
gdb_session() {
	name=$1 script=$2
	shift 2
	rm -f "$OUT/$name.err"
	timeout -k 5 40 "$LUCID" "$@" --gdb 127.0.0.1:0 \
		>"$OUT/$name.out" 2>"$OUT/$name.err" &
	pid=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's/^gdb: listening on 127.0.0.1:\([0-9]*\)$/\1/p' \
			"$OUT/$name.err" 2>/dev/null)
		[ -n "$port" ] && break
		sleep 0.1
	done
	printf 'set pagination off\ntarget remote 127.0.0.1:%s\n%s\n' \
		"$port" "$script" >"$OUT/$name.cmd"
	timeout -k 5 40 gdb -batch -nx -x "$OUT/$name.cmd" \
		>"$OUT/$name.gdb" 2>&1
	wait "$pid"
	rc=$?
}

# The values gdb printed for `info registers eip` / `x/wx`, in order.
gdb_eips() { sed -n 's/^eip  *\(0x[0-9a-f]*\).*/\1/p' "$OUT/$name.gdb" | tr '\n' ' '; }
gdb_words() { sed -n 's/^0x600:\t*\(0x[0-9a-f]*\)$/\1/p' "$OUT/$name.gdb" | tr '\n' ' '; }

# loop_trace: gdb_loop recorded with a snapshot every 10 ms, in
# $OUT/gdb_loop.lrt; recorded once per build of lucid and the guest.
loop_trace() {
	trace=$OUT/gdb_loop.lrt
	[ "$trace" -nt "$LUCID" ] && [ "$trace" -nt "$GDB_BIN" ] && return 0
	lucid_run gdb_loop_rec 20 run --cpu 386 --bios "$GDB_BIN" --speed max \
		--timeout 15s --record "$OUT/gdb_loop.tmp" --snapshot-every-s 0.01
	expect_rc 0 && mv "$OUT/gdb_loop.tmp" "$trace"
}

test_gdb_breaks_steps_reads_and_watches_a_live_run() {
	need_gdb || return $?
	gdb_session gdb_live 'info registers eip
break *0xf8100
continue
info registers eip
x/wx 0x600
continue
x/wx 0x600
stepi
info registers eip
delete
watch *(int*)0x600
continue
x/wx 0x600
info registers eip
set var $eax = 0x1234
p/x $eax' run --cpu 386 --bios "$GDB_BIN" --speed max --timeout 30s
	expect_rc 0 && expect_in err "guest halted" || return 1
	[ "$(gdb_eips)" = "0xfff0 0xf8100 0xf8106 0xf8106 " ] ||
		fail "EIPs: $(gdb_eips)" || return 1
	[ "$(gdb_words)" = "0x00000000 0x00000001 0x00000003 " ] ||
		fail "counter: $(gdb_words)" || return 1
	expect_in gdb "Breakpoint 1, 0x000f8100" &&
	expect_in gdb "New value = 3" && expect_in gdb '= 0x1234'
}

# rwatch/awatch (Z3/Z4): the CPU notes reads and accesses of the watched
# bytes on its slow path. bump's INC reads [600h]; the guest's first access
# is a plain write (MOV [600h], 0), which only awatch sees.
test_gdb_read_and_access_watchpoints() {
	need_gdb || return $?
	gdb_session gdb_rwatch 'rwatch *(int*)0x600
continue
info registers eip
x/wx 0x600
continue
x/wx 0x600
delete
awatch *(int*)0x600
continue
info registers eip
x/wx 0x600' run --cpu 386 --bios "$GDB_BIN" --speed max --timeout 30s
	expect_rc 0 && expect_in err "guest halted" || return 1
	expect_in gdb "Hardware read watchpoint 1" &&
	expect_in gdb "Hardware access (read/write) watchpoint 2" || return 1
	[ "$(gdb_eips)" = "0xf8106 0xf8106 " ] ||
		fail "EIPs: $(gdb_eips)" || return 1
	[ "$(gdb_words)" = "0x00000001 0x00000002 0x00000003 " ] ||
		fail "counter: $(gdb_words)" || return 1
	gdb_session gdb_awatch 'awatch *(int*)0x600
continue
info registers eip
x/wx 0x600' run --cpu 386 --bios "$GDB_BIN" --speed max --timeout 30s
	expect_rc 0 && expect_in gdb "Hardware access (read/write) watchpoint 1" ||
		return 1
	eip=$(gdb_eips)
	case $eip in
	0xf[0-7]???\ ) ;;
	*) fail "awatch did not stop after the first write: EIP $eip" ||
		return 1 ;;
	esac
	# In a replay, reverse-continue lands after the previous read and
	# says which watchpoint (it said SIGTRAP).
	loop_trace || return 1
	gdb_session gdb_rwatch_rev 'break *0xf8100
continue
continue
continue
delete
rwatch *(int*)0x600
reverse-continue
info registers eip
x/wx 0x600
reverse-continue
x/wx 0x600' replay "$trace"
	expect_rc 0 && expect_in err "final hash OK" || return 1
	[ "$(gdb_eips)" = "0xf8106 " ] || fail "EIPs: $(gdb_eips)" || return 1
	[ "$(gdb_words)" = "0x00000002 0x00000001 " ] ||
		fail "counter: $(gdb_words)" || return 1
	expect_in gdb "Value = 1"
}

test_gdb_reverse_steps_and_continues_in_a_replay() {
	need_gdb || return $?
	loop_trace || return 1
	gdb_session gdb_rev 'break *0xf8100
continue
continue
continue
x/wx 0x600
stepi
stepi
stepi
info registers eip
reverse-stepi
info registers eip
reverse-stepi
info registers eip
reverse-continue
info registers eip
x/wx 0x600
reverse-continue
x/wx 0x600
reverse-continue
x/wx 0x600
reverse-continue
info registers eip
continue
x/wx 0x600' replay "$trace"
	# The replay still matches the recording after all the seeking.
	expect_rc 0 && expect_in err "final hash OK" || return 1
	[ "$(gdb_eips)" = "0xf8000 0xf8005 0xf8106 0xf8100 0xfff0 " ] ||
		fail "EIPs: $(gdb_eips)" || return 1
	[ "$(gdb_words)" = "0x00000002 0x00000002 0x00000001 0x00000000 0x00000000 " ] ||
		fail "counter: $(gdb_words)" || return 1
	expect_in gdb "No more reverse-execution history."
}

test_gdb_reverse_from_a_trace_snapshot_lands_on_recorded_state() {
	need_gdb || return $?
	loop_trace || return 1
	# Stopped at instruction 150000 (snapshots every ~39000): step on,
	# then back; the EIPs and the counter are those seen going forward.
	gdb_session gdb_snap 'info registers eip
x/wx 0x600
stepi
info registers eip
stepi
info registers eip
reverse-stepi
info registers eip
reverse-stepi
info registers eip
x/wx 0x600
break *0xf8100
continue
x/wx 0x600
continue
x/wx 0x600
reverse-continue
x/wx 0x600' replay "$trace" --until 150000
	expect_rc 0 || return 1
	set -- $(gdb_eips)
	[ $# = 5 ] && [ "$1" = "$5" ] && [ "$2" = "$4" ] && [ "$1" != "$2" ] ||
		fail "EIPs: $(gdb_eips)" || return 1
	set -- $(gdb_words)
	[ $# = 5 ] && [ "$1" = "$2" ] && [ "$3" = "$5" ] &&
		[ $(($4 - $3)) = 1 ] || fail "counter: $(gdb_words)"
}

test_replay_until_stops_at_the_same_state_every_time() {
	need_gdb || return $?
	loop_trace || return 1
	for i in 1 2; do
		lucid_run until_$i 20 replay "$trace" --until 123457
		expect_rc 0 || return 1
		grep '^replay: stopped at instruction 123457, state hash' \
			"$OUT/until_$i.err" >"$OUT/until_$i.line" ||
			fail "no stop line" || return 1
	done
	cmp -s "$OUT/until_1.line" "$OUT/until_2.line" ||
		fail "different states at the same instruction" || return 1
	lucid_run until_3 20 replay "$trace" --until 123458
	expect_in err "stopped at instruction 123458" || return 1
	! grep -qF "$(sed 's/.*state hash \([0-9a-f]*\).*/\1/' "$OUT/until_1.line")" \
		"$OUT/until_3.err" || fail "one instruction on, the same hash"
	lucid_run until_end 20 replay "$trace" --until 99999999
	expect_rc 1 && expect_in err "the recording ends at instruction"
}

test_trace_info_lists_snapshots_and_diff_finds_the_first_difference() {
	need_gdb || return $?
	loop_trace || return 1
	lucid_run info_snap 10 trace info "$trace"
	expect_rc 0 && expect_in out "snapshots:   5 " &&
	expect_in out "snapshot 1: 10.0" && expect_in out "snapshot 5: 50.0" || return 1
	lucid_run diff_same 10 trace diff "$trace" "$trace"
	expect_rc 0 && expect_in out "traces agree: " || return 1
	lucid_run diff_b 20 run --cpu 386 --bios "$GDB_BIN" --speed max \
		--timeout 15s --record "$OUT/diff_b.lrt" --rtc 2001-01-01T00:00:00
	lucid_run diff_ab 10 trace diff "$trace" "$OUT/diff_b.lrt"
	expect_rc 2 && expect_in out "options differ: rtc" &&
	expect_in out "traces differ at checkpoint 1" &&
	expect_in out "state differs in cmos"
}

test_gdb_refuses_non_loopback_and_kvm() {
	need_gdb || return $?
	lucid_run gdb_any 10 run --cpu 386 --bios "$GDB_BIN" --gdb 0.0.0.0:1234
	expect_rc 1 && expect_one_line_error && expect_in err "loopback only" ||
		return 1
	lucid_run gdb_kvm 10 run --cpu 386 --bios "$GDB_BIN" --accel kvm \
		--gdb 127.0.0.1:1234
	expect_rc 1 && expect_one_line_error && expect_in err "interpreter"
}

# loop_symbols: an ELF that only names gdb_loop's functions (main_loop,
# bump) for gdb, which needs a function's bounds for reverse-finish.
loop_symbols() {
	command -v as >/dev/null && command -v ld >/dev/null ||
		skip "as/ld (binutils) not installed" || return $?
	printf '%s\n' .text .globl\ main_loop .type\ main_loop,@function \
		main_loop: .skip\ 0x100 .size\ main_loop,0x100 .globl\ bump \
		.type\ bump,@function bump: .skip\ 7 .size\ bump,7 \
		>"$OUT/gdb_loop_sym.s"
	as --32 -o "$OUT/gdb_loop_sym.o" "$OUT/gdb_loop_sym.s" &&
	ld -m elf_i386 -Ttext=0xf8000 -e main_loop -o "$OUT/gdb_loop_sym.elf" \
		"$OUT/gdb_loop_sym.o" || fail "cannot link the symbol file"
}

test_gdb_reverse_finish_lands_on_the_call() {
	need_gdb || return $?
	loop_symbols || return $?
	loop_trace || return 1
	# gdb's reverse-finish: Z0 at the function's entry, bc to it, bs.
	gdb_session gdb_rfin "symbol-file $OUT/gdb_loop_sym.elf
break *0xf8106
continue
continue
x/wx 0x600
reverse-finish
info registers eip
x/wx 0x600
stepi
info registers eip
continue
x/wx 0x600" replay "$trace"
	expect_rc 0 && expect_in err "final hash OK" || return 1
	# At bump's ret in its 2nd call; back to the call (count 1), into
	# bump again, on to the ret.
	[ "$(gdb_eips)" = "0xf8000 0xf8100 " ] ||
		fail "EIPs: $(gdb_eips)" || return 1
	[ "$(gdb_words)" = "0x00000002 0x00000001 0x00000002 " ] ||
		fail "counter: $(gdb_words)" || return 1
	expect_in gdb "0x000f8000 in main_loop ()"
}

# An ELF kernel (--kernel, tests/guests/gdb_elf.asm): the stub offers
# its path as gdb's exec-file (qXfer:exec-file:read), so gdb loads the
# symbols without `file` and `break tick` works by name. The kernel is
# given by a relative path; gdb gets it absolute.
ELF_BIN=build/guests/gdb_elf.elf

need_elf() {
	need_gdb || return $?
	[ -f "$ELF_BIN" ] || skip "$ELF_BIN not built (make guests)"
}

# elf_check NAME: gdb stopped in tick, by name, at tick's address, and
# read the counter through the ticks symbol.
elf_check() {
	tick=$(nm "$ELF_BIN" | sed -n 's/^\([0-9a-f]*\) T tick$/\1/p')
	[ -n "$tick" ] || fail "no tick in nm $ELF_BIN" || return 1
	tick=$(printf '0x%x' "0x$tick")
	expect_in gdb "Reading symbols from $(realpath "$ELF_BIN")" &&
	expect_in gdb "Breakpoint 1, $(printf '0x%08x' "$tick") in tick ()" &&
	expect_in gdb "tick in section .text" &&
	expect_in gdb "=> $tick <tick>:" || return 1
	[ "$(gdb_eips)" = "$tick " ] || fail "EIPs: $(gdb_eips), tick $tick" ||
		return 1
	ticks=$(nm "$ELF_BIN" | sed -n 's/^\([0-9a-f]*\) B ticks$/\1/p')
	grep -q "^$(printf '0x%x' "0x$ticks"):.*0x00000002$" "$OUT/$name.gdb" ||
		fail "ticks is not 2 at the 3rd tick"
}

ELF_SCRIPT='break tick
continue
continue
continue
info registers eip
info symbol $pc
x/i $pc
x/wx &ticks
delete
continue'

test_gdb_reads_symbols_of_an_elf_kernel() {
	need_elf || return $?
	gdb_session gdb_elf "$ELF_SCRIPT" run --cpu 386 --kernel "$ELF_BIN" \
		--debugcon stdio --speed max --timeout 30s
	expect_rc 0 && expect_in out "TTTGDB-ELF-OK" && elf_check || return 1
	# The same in a replay: the kernel's path comes from the trace.
	lucid_run gdb_elf_rec 20 run --cpu 386 --kernel "$ELF_BIN" \
		--speed max --timeout 15s --record "$OUT/gdb_elf.lrt"
	expect_rc 0 || return 1
	gdb_session gdb_elf_replay "$ELF_SCRIPT" replay "$OUT/gdb_elf.lrt"
	expect_rc 0 && expect_in err "final hash OK" && elf_check
}

test_gdb_offers_no_exec_file_for_a_flat_kernel() {
	need_gdb || return $?
	[ -f build/guests/mboot.bin ] ||
		skip "build/guests/mboot.bin missing (make guests)" || return $?
	# mboot.bin is a flat multiboot image: nothing for gdb to read.
	gdb_session gdb_flat 'info symbol $pc
info registers eip
continue' run --cpu 386 --kernel build/guests/mboot.bin --speed max \
		--timeout 30s
	expect_rc 0 && expect_in gdb "No symbol matches" || return 1
	! grep -q "Reading symbols" "$OUT/$name.gdb" ||
		fail "gdb read symbols of a flat kernel"
}
