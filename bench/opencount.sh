#!/bin/sh
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Instructions per open, bpfcompat against libbpf, under callgrind, on the
# generated objects of 1, 8, 16 and 400 programs (docs/performance.md).
#
#   bench/opencount.sh [BUILD_DIR] [-n OPENS]
#
# BUILD_DIR (default build-rel) is a Release build with the bench on.
set -e
build=${1:-build-rel}
[ $# -gt 0 ] && shift
command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }
make -s -C "$build" opencount
exec "$build/bench/opencount" --dir "$build/bench/objs" "$@" \
	one1 verify8 verify16 scale100
