#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# The sanitizer pass of CI:
#   1. build-asan: clang, ASan + UBSan, the whole test suite (unit,
#      conformance, malformed, cli and, as root, kernel) with zero reports;
#   2. valgrind over the command line on every valid and malformed corpus
#      object (inspect, load --dry-run), in parallel: no error, no leak;
#   3. the libFuzzer harness: saved crash inputs, then a bounded run
#      (BC_FUZZ_SECONDS, default 60 here; longer runs: fuzz/run.sh).
# Environment: ASAN_BUILD_DIR (default build-asan), FUZZ_BUILD_DIR
# (default build-fuzz), BC_FUZZ_SECONDS, CI_SANITIZE_SKIP_FUZZ=1.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
asan=${ASAN_BUILD_DIR:-$top/build-asan}
fuzz=${FUZZ_BUILD_DIR:-$top/build-fuzz}
secs=${BC_FUZZ_SECONDS:-60}
jobs=$(nproc)

# Any report fails the test that produced it (ctest sees the exit code).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Check runs every test in a forked child; leaks are checked per child.
export CK_FORK=yes

echo "== ASan+UBSan build: $asan"
cmake -S "$top" -B "$asan" -DCMAKE_C_COMPILER=clang -DBC_SANITIZE=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
make -C "$asan" -j"$jobs" --no-print-directory >/dev/null
ctest --test-dir "$asan" --output-on-failure -j2 --timeout 300 \
	-L 'unit|conformance|malformed|cli|kernel'

echo "== valgrind: command line on valid and malformed objects"
plain=${BUILD_DIR:-$top/build}
if [ ! -x "$plain/bpfcompat" ]; then
	cmake -S "$top" -B "$plain" >/dev/null
	make -C "$plain" -j"$jobs" --no-print-directory >/dev/null
fi
vg=(valgrind -q --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite,indirect --track-fds=no)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
legacy=$plain/conformance/libbpf-legacy
gen=$top/conformance/malformed/gen.py
for c in $(python3 "$gen" --list); do
	python3 "$gen" "$c" --corpus "$legacy" --out "$work/$c.o"
done
# inspect and a dry run on a valid object; a malformed one is refused at
# open, the same code for every command, so one dry run covers it. A
# failing run leaves its report in $work.
vg_one() {
	local obj=$1 cmd rc out cmds=(inspect "load --dry-run")
	case $obj in "$work"/*) cmds=("load --dry-run") ;; esac
	for cmd in "${cmds[@]}"; do
		out=$(mktemp "$work/vg.XXXXXX")
		rc=0
		# shellcheck disable=SC2086
		"${vg[@]}" "$plain/bpfcompat" $cmd "$obj" >/dev/null 2>"$out" ||
			rc=$?
		if [ "$rc" -eq 99 ] || [ "$rc" -ge 128 ]; then
			{ echo "valgrind: bpfcompat $cmd $obj: status $rc"
			  cat "$out"; } >"$out.fail"
		fi
		rm -f "$out"
	done
}
export -f vg_one
export plain work
export VG="${vg[*]}"
# Spread over the CPUs: valgrind is the slow part of this pass.
find "$plain/conformance" "$work" -name '*.o' | sort |
	xargs -P "$jobs" -n 1 bash -c 'vg=($VG); vg_one "$1"' _
fails=$(find "$work" -name '*.fail' | wc -l)
if [ "$fails" -ne 0 ]; then
	cat "$work"/*.fail >&2
	echo "valgrind: $fails failing runs" >&2
	exit 1
fi
echo "valgrind: clean"

if [ "${CI_SANITIZE_SKIP_FUZZ:-0}" = 1 ]; then
	exit 0
fi
echo "== libFuzzer: regressions and a ${secs}s run"
cmake -S "$top" -B "$fuzz" -DCMAKE_C_COMPILER=clang -DBC_FUZZ=ON \
	-DBC_SANITIZE=ON -DBC_TESTS=ON -DBC_FUZZ_SECONDS="$secs" \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
make -C "$fuzz" -j"$jobs" --no-print-directory bc_fuzz conformance_corpus \
	>/dev/null
ctest --test-dir "$fuzz" --output-on-failure -L fuzz
