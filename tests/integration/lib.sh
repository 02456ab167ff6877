# tests/integration/lib.sh: helpers for integration tests (sourced).
#
# Each test is a shell function named test_*; run-all.sh calls them. A test
# runs ./lucid headless with a wall-clock limit and asserts on what the guest
# printed (debug console, later serial and VGA text) and on the exit code.

LUCID=${LUCID:-./lucid}
SHARED=${SHARED:-../shared}
OUT=${OUT:-build-san/integration}
mkdir -p "$OUT"

# lucid_run NAME SECONDS ARGS...: runs lucid, leaves $OUT/NAME.{out,err}
# and the exit code in $rc. A hang past SECONDS (plus grace) is killed by
# timeout(1), so no test can stall the suite.
lucid_run() {
	name=$1 secs=$2
	shift 2
	# No window from --display auto on a developer's desktop.
	timeout -k 5 $((secs + 10)) env -u DISPLAY -u WAYLAND_DISPLAY \
		"$LUCID" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
}

fail() {
	echo "    $*"
	echo "    --- stdout ($OUT/$name.out):"
	tail -n 15 "$OUT/$name.out" 2>/dev/null | sed 's/^/    | /'
	echo "    --- stderr ($OUT/$name.err):"
	tail -n 15 "$OUT/$name.err" 2>/dev/null | sed 's/^/    | /'
	return 1
}

expect_rc() {
	[ "$rc" = "$1" ] || fail "exit code $rc, expected $1"
}

# expect_out FILE-SUFFIX TEXT: TEXT appears in $OUT/$name.SUFFIX
expect_in() {
	grep -qF -- "$2" "$OUT/$name.$1" || fail "no '$2' in $1"
}

# A one-line error: exactly one line on stderr, starting with "lucid: ".
expect_one_line_error() {
	lines=$(wc -l <"$OUT/$name.err")
	[ "$lines" = 1 ] && grep -q '^lucid: ' "$OUT/$name.err" ||
		fail "expected one 'lucid: ...' line on stderr, got $lines"
}

# skip REASON: the test cannot run here (exit status 77, like automake).
skip() {
	echo "    SKIP: $*"
	return 77
}

# Kernel command line of the Linux test guest: the console at 115200 baud
# (the kernel's default 9600 costs 12x the guest time on Lucid's paced
# UART) and no crypto self-tests (35 s of guest-time bignum arithmetic that
# exercises no device).
LINUX_APPEND="console=ttyS0,115200 panic=-1 cryptomgr.notests"
