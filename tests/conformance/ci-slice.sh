#!/bin/sh
# tests/conformance/ci-slice.sh RUNNER SSTDIR
#
# The CI-sized SingleStepTests run behind `make test`: the first $SST_CI_LIMIT
# (default 100) tests of every file of the 8086 and 80286 suites, which keeps
# an ASan build of the runner well under a minute on two cores. Files that
# pass entirely are not listed; failures, bad input and the closing
# "N passed, N failed, N skipped" line are. Exits with the runner's status.
# For the whole suites: make conformance SST=DIR.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 RUNNER SSTDIR" >&2
	exit 2
fi
runner=$1
dir=$2
limit=${SST_CI_LIMIT:-100}
maxlines=${SST_CI_LINES:-60}

if [ ! -d "$dir" ]; then
	echo "SKIP: SingleStepTests vectors not found at $dir"
	exit 0
fi

log=$(mktemp "${TMPDIR:-/tmp}/sst-ci.XXXXXX") || exit 2
trap 'rm -f "$log"' EXIT INT TERM

echo "conformance-ci: first $limit tests of each file in $dir/{8086,80286}"
start=$(date +%s)
"$runner" --limit "$limit" "$dir/8086" "$dir/80286" >"$log" 2>&1
rc=$?
end=$(date +%s)

summary_re='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'
if [ $rc -gt 1 ] || ! grep -Eq "$summary_re" "$log"; then
	# Not a verdict but a crash or a usage error: show it as it came.
	tail -n 100 "$log"
	echo "conformance-ci: runner exited with status $rc without a summary"
	[ $rc -ne 0 ] || rc=2
	exit $rc
fi

details="$runner -v --limit $limit FILE"
awk -v re="$summary_re" -v max="$maxlines" -v cmd="$details" '
	$0 ~ re { summary = $0; next }
	/: [0-9]+ passed, 0 failed(, [0-9]+ skipped)?$/ { next }
	{ if (++n <= max) print }
	END {
		if (n > max)
			printf "... %d more lines (details: %s)\n", n - max, cmd
		if (summary != "")
			print summary
	}' "$log"
echo "conformance-ci: $((end - start)) s"
exit $rc
