# Record/replay: lucid run --record, lucid replay, lucid trace info|verify.

ECHO_BIN=${ECHO_BIN:-build/guests/echo.bin}

# record_echo NAME INPUT ARGS...: the echo guest with INPUT on stdin,
# recorded to $OUT/NAME.lrt (stdout/stderr in $OUT/NAME.{out,err}).
record_echo() {
	name=$1 input=$2
	shift 2
	printf '%s' "$input" | timeout -k 5 30 "$LUCID" run --bios "$ECHO_BIN" \
		--serial stdio --debugcon "$OUT/$name.dbg" --speed max \
		--timeout 20s --record "$OUT/$name.lrt" "$@" \
		>"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
}

need_echo() {
	[ -f "$ECHO_BIN" ] || skip "$ECHO_BIN not built (make guests)"
}

test_demo_replays_with_a_matching_final_hash() {
	lucid_run demo_rec 20 run --demo --bios builtin --speed max --timeout 10s \
		--record "$OUT/demo.lrt"
	expect_rc 0 && expect_in err "record: $OUT/demo.lrt" || return 1
	lucid_run demo_rep 20 replay "$OUT/demo.lrt"
	expect_rc 0 && expect_in err "final hash OK" &&
	expect_in out "hello from the guest" &&
	expect_in err "guest halted with interrupts disabled"
}

# The page-hash caches and a full rehash at every checkpoint agree.
test_demo_replays_with_full_hashing() {
	lucid_run demo_frec 20 run --demo --bios builtin --speed max \
		--timeout 10s --record "$OUT/demo_f.lrt" --checkpoint-ms 1
	expect_rc 0 || return 1
	lucid_run demo_frep 20 replay --full-hash "$OUT/demo_f.lrt"
	expect_rc 0 && expect_in err "final hash OK"
}

test_echo_guest_replays_its_input_without_stdin() {
	need_echo || return $?
	record_echo echo_rec 'hello.' --checkpoint-ms 1
	expect_rc 0 && expect_in out "HELLO." || return 1
	name=echo_rep
	timeout -k 5 30 "$LUCID" replay "$OUT/echo_rec.lrt" \
		--debugcon "$OUT/echo_rep.dbg" </dev/null \
		>"$OUT/echo_rep.out" 2>"$OUT/echo_rep.err"
	rc=$?
	expect_rc 0 && expect_in err "replay: 1 events" &&
	expect_in err "final hash OK" || return 1
	cmp -s "$OUT/echo_rec.out" "$OUT/echo_rep.out" ||
		fail "COM1 output differs from the recording's"
	cmp -s "$OUT/echo_rec.dbg" "$OUT/echo_rep.dbg" ||
		fail "debug console output differs from the recording's"
}

test_trace_info_and_verify_describe_the_recording() {
	need_echo || return $?
	record_echo info_rec 'abc.'
	expect_rc 0 || return 1
	lucid_run info 10 trace info "$OUT/info_rec.lrt"
	expect_rc 0 && expect_in out "--bios $ECHO_BIN" &&
	expect_in out "serial 1," && expect_in out "input bytes: serial 4" &&
	expect_in out "checkpoints: " && expect_in out "instructions" &&
	expect_in out "exit 0: guest halted" || return 1
	lucid_run verify 10 trace verify "$OUT/info_rec.lrt"
	expect_rc 0 && expect_in out ": OK: "
}

test_edited_input_is_reported_as_a_divergence() {
	need_echo || return $?
	command -v python3 >/dev/null || skip "python3 is needed to edit a trace"
	record_echo edit_rec 'hello.' --checkpoint-ms 1
	expect_rc 0 || return 1
	python3 tests/integration/trace-edit.py "$OUT/edit_rec.lrt" \
		"$OUT/edited.lrt" || fail "trace-edit.py failed" || return 1
	lucid_run edited 20 trace verify "$OUT/edited.lrt"
	expect_rc 0 || return 1
	lucid_run edited_rep 20 replay "$OUT/edited.lrt"
	expect_rc 2 && expect_one_line_error &&
	expect_in err "replay diverged at " && expect_in err "instruction " &&
	expect_in err "state differs in com1." || return 1
	# Field level: the report names COM1's fields, not just the device.
	grep -Eq 'state differs in com1\.[a-z_]+' "$OUT/edited_rep.err" ||
		fail "no COM1 field named: $(cat "$OUT/edited_rep.err")"
}

# trace diff names the fields that first differ, not just the device.
test_trace_diff_names_the_first_differing_fields() {
	need_echo || return $?
	record_echo diff_a 'hello.' --checkpoint-ms 1
	expect_rc 0 || return 1
	record_echo diff_b 'hellp.' --checkpoint-ms 1
	expect_rc 0 || return 1
	lucid_run diff_ab 10 trace diff "$OUT/diff_a.lrt" "$OUT/diff_b.lrt"
	expect_rc 2 && expect_in out "traces differ at checkpoint" || return 1
	grep -Eq 'state differs in .*com1\.[a-z_]+' "$OUT/diff_ab.out" ||
		fail "no COM1 field named" || return 1
	lucid_run diff_aa 10 trace diff "$OUT/diff_a.lrt" "$OUT/diff_a.lrt"
	expect_rc 0 && expect_in out "traces agree: " || return 1
	# A format 2 trace hashes RAM and video memory another way: said.
	command -v python3 >/dev/null || return 0
	python3 - "$OUT/diff_a.lrt" "$OUT/diff_v2.lrt" <<'PY' || return 1
import struct, sys, zlib
d = bytearray(open(sys.argv[1], "rb").read())
(hlen,) = struct.unpack_from("<I", d, 12)
struct.pack_into("<I", d, 8, 2)
struct.pack_into("<I", d, 16 + hlen, zlib.crc32(bytes(d[:16 + hlen])))
open(sys.argv[2], "wb").write(d)
PY
	lucid_run diff_v2 10 trace diff "$OUT/diff_a.lrt" "$OUT/diff_v2.lrt"
	expect_in out "formats 3 and 2 hash RAM and video memory differently"
}

test_truncated_trace_is_refused_with_one_line() {
	need_echo || return $?
	record_echo trunc_rec 'hi.'
	expect_rc 0 || return 1
	size=$(wc -c <"$OUT/trunc_rec.lrt")
	head -c $((size - 3)) "$OUT/trunc_rec.lrt" >"$OUT/truncated.lrt"
	lucid_run truncated 10 replay "$OUT/truncated.lrt"
	expect_rc 1 && expect_one_line_error &&
	expect_in err "truncated" || return 1
	if [ -s "$OUT/truncated.out" ]; then
		fail "a refused trace still ran the guest"
		return 1
	fi
	lucid_run truncated_v 10 trace verify "$OUT/truncated.lrt"
	expect_rc 1 && expect_one_line_error
}

test_not_a_trace_is_refused_with_one_line() {
	lucid_run notatrace 10 replay "$ECHO_BIN"
	expect_rc 1 && expect_one_line_error && expect_in err "not a Lucid trace"
}

test_replay_refuses_a_changed_bios() {
	need_echo || return $?
	cp "$ECHO_BIN" "$OUT/echo-copy.bin"
	ECHO_BIN=$OUT/echo-copy.bin record_echo bios_rec 'x.'
	expect_rc 0 || return 1
	printf 'Z' | dd of="$OUT/echo-copy.bin" bs=1 seek=4096 conv=notrunc \
		2>/dev/null
	lucid_run bios_changed 10 replay "$OUT/bios_rec.lrt"
	expect_rc 1 && expect_one_line_error && expect_in err "has changed"
}

# A run ended by the host (wall-clock --timeout) stops at a sync point;
# the replay must stop at that same sync point.
test_a_run_stopped_by_timeout_replays_to_the_same_point() {
	need_echo || return $?
	record_echo timeout_rec '' --timeout 1s
	expect_rc 124 || return 1
	lucid_run timeout_rep 30 replay "$OUT/timeout_rec.lrt"
	expect_rc 0 && expect_in err "final hash OK" &&
	expect_in err "timed out after 1000 ms"
}

test_replay_help_and_usage_errors() {
	lucid_run replay_help 10 replay --help
	expect_rc 0 && expect_in out "Exit codes" || return 1
	lucid_run trace_help 10 trace --help
	expect_rc 0 && expect_in out "verify" || return 1
	lucid_run replay_noarg 10 replay
	expect_rc 1 && expect_one_line_error || return 1
	lucid_run record_bad_ck 10 run --demo --record "$OUT/x.lrt" \
		--checkpoint-ms 0
	expect_rc 1 && expect_one_line_error
}

test_bench_record_prints_its_figures() {
	# The built-in demo (no image): every figure has a row; none asserted.
	lucid_run bench_rec 120 bench record --image "$OUT/no-such.img" \
		--runs 1 --format csv
	expect_rc 0 && expect_in out "figure,value,unit,note" &&
	expect_in out '"recording overhead",' &&
	expect_in out '"replay speed vs live",' || return 1
	grep -q '^"reverse-step latency",[0-9]' "$OUT/bench_rec.out" ||
		fail "no reverse-step figure: $(cat "$OUT/bench_rec.out")"
}

test_killed_recording_is_readable_up_to_its_last_checkpoint() {
	need_echo || return $?
	# The echo guest waits for COM1 input that never comes; Lucid is
	# killed (-9) while recording, with the trace flushed at every
	# checkpoint.
	rm -f "$OUT/killed.lrt" "$OUT/killed.fifo"
	mkfifo "$OUT/killed.fifo" || return 1
	sleep 30 >"$OUT/killed.fifo" &
	holder=$!
	"$LUCID" run --bios "$ECHO_BIN" --serial stdio --speed max \
		--timeout 25s --record "$OUT/killed.lrt" --snapshot-every-s 0.5 \
		<"$OUT/killed.fifo" >"$OUT/killed_rec.out" 2>"$OUT/killed_rec.err" &
	victim=$!
	sleep 2
	kill -9 "$victim"
	wait "$victim" 2>/dev/null
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	rm -f "$OUT/killed.fifo"
	lucid_run killed_info 10 trace info "$OUT/killed.lrt"
	expect_rc 0 && expect_in out "incomplete: no end record (the recording was interrupted at guest time" &&
	expect_in out "snapshot 1:" && expect_in out "end:         none" || return 1
	lucid_run killed_verify 10 trace verify "$OUT/killed.lrt"
	expect_rc 1 && expect_in out "incomplete: no end record" &&
	expect_in out "complete records" || return 1
	lucid_run killed_replay 10 replay "$OUT/killed.lrt"
	expect_rc 1 && expect_in err "lucid replay --partial" || return 1
	[ "$(wc -l <"$OUT/killed_replay.err")" = 1 ] ||
		fail "replay refused it with more than one line" || return 1
	lucid_run killed_partial 60 replay --partial "$OUT/killed.lrt"
	expect_rc 0 && expect_in err "replay: partial trace: " &&
	expect_in err "checkpoints verified, up to its last checkpoint"
}
