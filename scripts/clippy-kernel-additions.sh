#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs clippy (the kernel's CLIPPY=1) over the kernel crate with our
# additions, in a build directory of its own so the main kernel build is not
# recompiled, and fails on any warning located in our added files. Skipped
# when the additions have not changed since the last clean run.
set -euo pipefail
. "$(dirname "$0")/env.sh"

kbuild=$(readlink -f "$TOP/build/kernel")
[ -f "$kbuild/.config" ] || die "build the kernel first (make kernel)"
src=$("$TOP/scripts/fetch-kernel.sh")
out=$(dirname "$kbuild")/clippy-$(basename "$kbuild")
# The sources as build-kernel.sh left them: our series applied.
tree=$(cat "$src/.spi-rs-series-tree" 2>/dev/null) || die "no series applied to $src (make kernel)"
key="$tree $(hash_inputs "$kbuild/.config")"
[ "$(cat "$out/.clean-stamp" 2>/dev/null)" = "$key" ] && exit 0

kernel_env
mkdir -p "$out"
cp "$kbuild/.config" "$out/.config"
log=$out/clippy.log
make -C "$src" O="$out" "${KMAKE_VARS[@]}" CLIPPY=1 -j"$(nproc)" olddefconfig rust/kernel.o >"$log" 2>&1 ||
	die "clippy build of the kernel crate failed (log: $log)"
# Our files: those the series adds or changes in the kernel crate.
ours=$(grep -E '^rust/(kernel|helpers)/' "$src/.spi-rs-series-files" | paste -sd'|')
[ -n "$ours" ] || die "no kernel-crate files in $src/.spi-rs-series-files"
# A warning's location line follows it: keep the warnings that point into our files.
found=$(awk -v ours="$ours" '
	/^(warning|error)/ { w = $0; next }
	/^ *--> / && w != "" { if ($2 ~ ("(" ours ")")) print w " at " $2; w = "" }
' "$log" | sed "s|$src/||")
if [ -n "$found" ]; then
	echo "$found" >&2
	die "clippy warnings in our kernel-crate additions (above; log: $log)"
fi
echo "$key" >"$out/.clean-stamp"
