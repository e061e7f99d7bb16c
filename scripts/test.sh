#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Install dependencies, build, and run the whole test suite: unit tests,
# conformance (golden), kernel, peer, malformed-object and CLI tests.
# Kernel and peer tests need root and a working bpf(); elsewhere they are
# reported as skipped with the reason.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$top/build}

"$top/scripts/setup-deps.sh"
"$top/scripts/build.sh"
ctest --test-dir "$build" --output-on-failure -j2 --timeout 300 "$@"
