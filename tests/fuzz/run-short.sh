#!/bin/sh
# tests/fuzz/run-short.sh: build each libFuzzer target with clang and run it
# for a few seconds (FUZZ_SECONDS, default 10). SKIPs when clang or its
# fuzzer runtime is missing. Closing line: N passed, N failed, N skipped.
set -u
cd "$(dirname "$0")/../.."
secs=${FUZZ_SECONDS:-10}
out=${FUZZ_OUT:-build-fuzz}
pass=0 fail=0 skip=0
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	echo "SKIP fuzz: clang not installed (make deps installs it)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	if ! make --no-print-directory -s "$out/$name" >"/tmp/lucid-$name.build.log" 2>&1; then
		if grep -q "fuzzer" "/tmp/lucid-$name.build.log" &&
		   grep -qi "cannot find\|not found\|unsupported" "/tmp/lucid-$name.build.log"; then
			echo "SKIP $name: clang has no libFuzzer runtime"
			skip=$((skip + 1))
			continue
		fi
		echo "FAIL $name: build failed (/tmp/lucid-$name.build.log)"
		fail=$((fail + 1))
		continue
	fi
	corpus=$(mktemp -d)
	if "$out/$name" -max_total_time="$secs" -rss_limit_mb=2048 \
		-artifact_prefix="$out/$name-" "$corpus" \
		>"/tmp/lucid-$name.log" 2>&1; then
		echo "PASS $name ($(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "/tmp/lucid-$name.log") runs in ${secs}s)"
		pass=$((pass + 1))
	else
		echo "FAIL $name: see /tmp/lucid-$name.log; crash input in $out/"
		tail -n 20 "/tmp/lucid-$name.log"
		fail=$((fail + 1))
	fi
	rm -rf "$corpus"
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
