#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Build bpfcompat and run it on the bundled sample objects: detect the
# dialect, inspect the model, then load each object into a private,
# temporary bpffs (or print the load plan where bpf() is unavailable).
# Everything created is removed again.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$top/build}

"$top/scripts/setup-deps.sh"
log=$(mktemp /tmp/bpfcompat-build.XXXXXX)
if ! "$top/scripts/build.sh" >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"

tool=$build/bpfcompat
corpus=$build/conformance/libbpf-legacy
if [ ! -x "$tool" ] || ! ls "$corpus"/*.o >/dev/null 2>&1; then
	echo "demo: $tool or the corpus in $corpus is missing" >&2
	exit 1
fi

bpffs=
# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	[ -n "$bpffs" ] || return 0
	# Only this mount, by path: it holds nothing else.
	umount "$bpffs" 2>/dev/null || true
	rmdir "$bpffs" 2>/dev/null || true
}
trap cleanup EXIT

live=0
if [ "$(id -u)" -eq 0 ]; then
	bpffs=$(mktemp -d /tmp/bpfcompat-demo.XXXXXX)
	if mount -t bpf bpf "$bpffs" 2>/dev/null; then
		live=1
	else
		echo "demo: cannot mount a bpffs; showing load plans only"
	fi
else
	echo "demo: not root; showing load plans only (--dry-run)"
fi

section() { printf '\n==== %s\n' "$*"; }

status=0
for obj in "$corpus"/*.o; do
	name=$(basename "$obj" .o)
	section "$name"
	echo "\$ bpfcompat detect $name.o"
	"$tool" detect "$obj" || status=1
	echo "\$ bpfcompat inspect $name.o"
	"$tool" inspect "$obj" || status=1
	if [ "$name" = sockfilter_be ]; then
		echo "(big-endian object: inspected, not loaded on this host)"
		continue
	fi
	if [ $live -eq 1 ]; then
		echo "\$ bpfcompat load $name.o --bpffs BPFFS --pin-progs BPFFS/$name"
		"$tool" load "$obj" --bpffs "$bpffs" \
			--pin-progs "$bpffs/$name" || status=1
		# Unpin this object's programs (by path); the mount goes at exit.
		rm -rf "${bpffs:?}/$name"
	else
		echo "\$ bpfcompat load $name.o --dry-run"
		"$tool" load "$obj" --dry-run || status=1
	fi
done

section "done"
[ $status -eq 0 ] && echo "all samples handled" || echo "some samples failed"
exit $status
