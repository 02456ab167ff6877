#!/bin/sh
# Runs every test_* function in tests/integration/test-*.sh and prints the
# closing line "N passed, N failed, N skipped".
cd "$(dirname "$0")/../.." || exit 2
. tests/integration/lib.sh
pass=0 failn=0 skipn=0
for f in tests/integration/test-*.sh; do
	. "$f"
	for t in $(grep -o '^test_[a-z0-9_]*' "$f"); do
		printf '%s ... ' "$t"
		out=$($t 2>&1)
		st=$?
		case $st in
		0) echo ok; pass=$((pass + 1)) ;;
		77) echo skipped; echo "$out"; skipn=$((skipn + 1)) ;;
		*) echo FAILED; echo "$out"; failn=$((failn + 1)) ;;
		esac
	done
done
echo "integration: $pass passed, $failn failed, $skipn skipped"
[ "$failn" = 0 ]
