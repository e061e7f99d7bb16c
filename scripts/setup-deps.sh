#!/bin/bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# Install the Debian packages bpfcompat needs to build and test.
# Idempotent: apt is only run when a package is missing.
set -euo pipefail

PACKAGES=(
	build-essential cmake pkg-config
	clang llvm libclang-rt-14-dev
	libelf-dev libyaml-dev libbpf-dev libjson-c-dev nettle-dev check
	zlib1g-dev
	bpftool iproute2
	python3 python3-yaml
	golang-go golang-github-iovisor-gobpf-dev golang-github-cilium-ebpf-dev
	valgrind
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	if ! dpkg -s "$pkg" 2>/dev/null | grep -q '^Status: install ok installed'; then
		missing+=("$pkg")
	fi
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

echo "setup-deps: installing: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null 2>&1; then
	SUDO=(sudo)
else
	echo "setup-deps: not root and no sudo; run as root:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi

"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y --no-install-recommends "${missing[@]}"
