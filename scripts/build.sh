#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Configure and build bpfcompat, its tests and the conformance corpus.
#   BUILD_DIR   build directory (default: build/ at the top of the tree)
#   BUILD_TYPE  CMake build type (default: RelWithDebInfo)
# Extra arguments are passed to the CMake configure step.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S "$top" -B "$build" \
	-DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@"
cmake --build "$build" -j "$jobs"
