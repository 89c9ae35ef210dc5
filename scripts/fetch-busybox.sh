#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Downloads Debian's busybox-static for riscv64 (trixie) and unpacks it into
# the cache; nothing is installed. Prints the path of the static binary.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache

bin=$CACHE/busybox/busybox
if [ ! -x "$bin" ]; then
	note "downloading busybox-static:riscv64 from $BUSYBOX_SUITE"
	deb=$("$TOP/scripts/apt-private.sh" "$BUSYBOX_SUITE" riscv64 busybox-static "$CACHE/downloads") ||
		die "busybox-static for riscv64 is not available from $BUSYBOX_SUITE"
	rm -rf "$CACHE/busybox.tmp"
	dpkg-deb -x "$deb" "$CACHE/busybox.tmp"
	mkdir -p "$CACHE/busybox"
	cp "$CACHE/busybox.tmp/usr/bin/busybox" "$bin.new"
	rm -rf "$CACHE/busybox.tmp"
	file_hdr=$(head -c 20 "$bin.new" | od -An -tx1 | tr -d ' \n')
	# ELF, 64-bit, little endian, e_machine 0xf3 (RISC-V)
	case $file_hdr in 7f454c460201*f300) ;; *) die "downloaded busybox is not a riscv64 ELF" ;; esac
	mv "$bin.new" "$bin"
fi
echo "$bin"
