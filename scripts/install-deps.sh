#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs the host toolchain from Debian: the bookworm packages, and QEMU 10
# from bookworm-backports (bookworm's QEMU 7.2 models the board's flash without
# the SFDP table that Linux 7.3's spi-nor needs).
set -euo pipefail

die() { echo "install-deps: $*" >&2; exit 1; }

PACKAGES=(
	clang-22 lld-22 llvm-22 libclang-22-dev
	rustc-web rust-web-src rustfmt-web rust-web-clippy cargo-web
	opensbi device-tree-compiler
	gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
	bc flex bison libelf-dev libssl-dev cpio make python3 rsync
	kmod procps xz-utils zstd shellcheck
	python3-ply python3-git
)
BACKPORTS_LIST=/etc/apt/sources.list.d/bookworm-backports.list

need_qemu() {
	local v
	v=$(qemu-system-riscv64 --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ -z "$v" ] || [ "$v" -lt 10 ]
}

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ] && ! need_qemu; then
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "packages missing (${missing[*]:-qemu-system-misc>=10}); run as root or install them"

export DEBIAN_FRONTEND=noninteractive
if need_qemu && [ ! -e "$BACKPORTS_LIST" ]; then
	echo "deb http://deb.debian.org/debian bookworm-backports main" >"$BACKPORTS_LIST"
fi
echo "install-deps: apt-get update"
apt-get update -qq || die "apt-get update failed"
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	# One retry: a dpkg trigger failing half-way is fixed by configuring again.
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
		{ dpkg --configure -a && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } ||
		die "apt-get install failed for: ${missing[*]}"
fi
if need_qemu; then
	echo "install-deps: installing qemu-system-misc from bookworm-backports"
	apt-get install -y -qq --no-install-recommends -t bookworm-backports \
		qemu-system-misc >/dev/null || die "cannot install qemu-system-misc from bookworm-backports"
	need_qemu && die "qemu-system-riscv64 is still older than 10"
fi
echo "install-deps: done"
