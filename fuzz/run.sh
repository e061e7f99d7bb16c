#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Drive the libFuzzer harness (fuzz/bc_fuzz.c).
#
#   run.sh regress             replay every saved crash input once
#   run.sh bounded SECONDS     fuzz from the seed corpus for SECONDS
#   run.sh campaign SECONDS [JOBS]
#                              long run, JOBS workers, corpus kept in
#                              $BC_FUZZ_WORK/corpus between runs
#
# Environment (set by fuzz/CMakeLists.txt for CTest):
#   BC_FUZZ          the harness binary
#   BC_FUZZ_DICT     libFuzzer dictionary
#   BC_FUZZ_SEEDS    directory searched for *.o seeds (conformance corpus)
#   BC_FUZZ_REGRESS  directory of regression inputs (crashes found so far)
#   BC_FUZZ_WORK     scratch: corpus/, seeds/, artifacts/
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
fuzz=${BC_FUZZ:-$top/build-fuzz/fuzz/bc_fuzz}
dict=${BC_FUZZ_DICT:-$here/bpf-elf.dict}
seeds=${BC_FUZZ_SEEDS:-$top/build-fuzz/conformance}
regress=${BC_FUZZ_REGRESS:-$top/conformance/malformed/regress}
work=${BC_FUZZ_WORK:-$top/build-fuzz/fuzz}
gen=$top/conformance/malformed/gen.py

if [ ! -x "$fuzz" ]; then
	echo "SKIP: fuzz harness $fuzz not built (configure with -DBC_FUZZ=ON)"
	exit 77
fi

# Valid objects, plus every generated malformed variant of them.
collect_seeds() {
	local out=$work/seeds legacy=$seeds/libbpf-legacy case
	mkdir -p "$out"
	find "$seeds" -name '*.o' -type f 2>/dev/null | while read -r f; do
		cp -f "$f" "$out/$(echo "${f#"$seeds"/}" | tr / _)"
	done
	if [ -d "$legacy" ] && command -v python3 >/dev/null; then
		for case in $(python3 "$gen" --list); do
			python3 "$gen" "$case" --corpus "$legacy" \
				--out "$out/malformed_$case.o" 2>/dev/null || true
		done
	fi
	if [ -d "$regress" ]; then
		cp -f "$regress"/* "$out"/ 2>/dev/null || true
	fi
}

common=(-dict="$dict" -timeout=10 -rss_limit_mb=2048 -max_len=262144
	-artifact_prefix="$work/artifacts/" -print_final_stats=1)

mode=${1:-}
case "$mode" in
regress)
	inputs=()
	if [ -d "$regress" ]; then
		mapfile -t inputs < <(find "$regress" -type f ! -name '*.md' | sort)
	fi
	if [ ${#inputs[@]} -eq 0 ]; then
		echo "fuzz: no regression inputs in $regress"
		exit 0
	fi
	echo "fuzz: replaying ${#inputs[@]} regression inputs"
	exec "$fuzz" -runs=1 "${inputs[@]}"
	;;
bounded|campaign)
	secs=${2:?seconds}
	mkdir -p "$work/corpus" "$work/artifacts"
	collect_seeds
	extra=()
	if [ "$mode" = campaign ]; then
		jobs=${3:-$(nproc)}
		extra=(-jobs="$jobs" -workers="$jobs")
	fi
	exec "$fuzz" "${common[@]}" -max_total_time="$secs" "${extra[@]}" \
		"$work/corpus" "$work/seeds"
	;;
*)
	sed -n '3,19p' "$0" >&2
	exit 2
	;;
esac
