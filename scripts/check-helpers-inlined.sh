#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks that a Rust module calls none of the kernel's C helpers out of line:
# with CONFIG_RUST_INLINE_HELPERS (on riscv since fixes/08) every
# rust_helper_* is linked into the module as bitcode and inlined, so none is
# left undefined. Each left would be a call, fences included, per MMIO access.
# Usage: check-helpers-inlined.sh MODULE.ko
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 1 ] || die "usage: check-helpers-inlined.sh MODULE.ko"
module=$1
need "$LLVM_BIN/llvm-nm"
[ -f "$module" ] || die "$module: no such module"
calls=$("$LLVM_BIN/llvm-nm" -u "$module" | awk '$2 ~ /^rust_helper_/ { print $2 }')
if [ -n "$calls" ]; then
	die "$(basename "$module") calls $(wc -l <<<"$calls") C helpers out of line ($(head -3 <<<"$calls" | paste -sd' ') ...): its kernel was built without CONFIG_RUST_INLINE_HELPERS"
fi
echo "$(basename "$module"): no C helper called out of line"
