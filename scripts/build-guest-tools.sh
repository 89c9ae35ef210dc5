#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the guest's static riscv64 C tools from qemu/tools/ into OUTDIR.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 1 ] || die "usage: build-guest-tools.sh OUTDIR"
out=$1
mkdir -p "$out"
command -v riscv64-linux-gnu-gcc >/dev/null || die "riscv64-linux-gnu-gcc missing (make deps)"
for c in "$TOP"/qemu/tools/*.c; do
	bin=$out/$(basename "$c" .c)
	[ "$bin" -nt "$c" ] && continue
	riscv64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$c" ||
		die "cannot build $(basename "$c")"
done
