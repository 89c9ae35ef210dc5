#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the guest's static riscv64 C tools from qemu/tools/ into OUTDIR.
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
