#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the guest's static riscv64 C tools from qemu/tools/ into OUTDIR,
# and mtdtool for the host into OUTDIR/host/.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 1 ] || die "usage: build-guest-tools.sh OUTDIR"
out=$1
mkdir -p "$out"
need "$CROSS_CC_BIN"
for c in "$TOP"/qemu/tools/*.c; do
	bin=$out/$(basename "$c" .c)
	[ "$bin" -nt "$c" ] && continue
	"$CROSS_CC_BIN" -static -O2 -Wall -Wextra -Werror -o "$bin" "$c" ||
		die "cannot build $(basename "$c")"
done
# mtdtool for the host as well: it writes the pattern a boot reads from its
# flash image, and checks the one a boot wrote.
host_bin=$out/host/mtdtool
src=$TOP/qemu/tools/mtdtool.c
if ! [ "$host_bin" -nt "$src" ]; then
	need "$LLVM_BIN/clang"
	mkdir -p "$out/host"
	"$LLVM_BIN/clang" -O2 -Wall -Wextra -Werror -o "$host_bin" "$src" || die "cannot build the host's mtdtool"
fi
