#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds our out-of-tree module against a kernel build directory, with the
# object files kept out of the repo (MO=). Extra arguments go to make
# (e.g. CLIPPY=1); MODULE_SRC builds another source tree than the repo's
# (a variant, see build-variants.sh).
# Usage: build-module.sh KBUILD_DIR OUTDIR [MAKEARGS...]
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -ge 2 ] || die "usage: build-module.sh KBUILD_DIR OUTDIR [MAKEARGS...]"
kbuild=$1 out=$2
shift 2
[ -f "$kbuild/Module.symvers" ] || die "$kbuild is not a built kernel (no Module.symvers)"
kernel_env
mkdir -p "$out"
log=$out/build.log
if ! make -C "$kbuild" M="${MODULE_SRC:-$TOP}" MO="$out" "${KMAKE_VARS[@]}" "$@" modules >"$log" 2>&1; then
	grep -E -A8 '^(error|warning)|error:' "$log" | head -60 >&2
	die "module build failed (log: $log)"
fi
# Warnings count as failures: the kernel style is warning-free.
if grep -E -q '^warning|warning:' "$log"; then
	grep -E -A8 '^warning|warning:' "$log" | head -60 >&2
	die "module build has warnings (log: $log)"
fi
