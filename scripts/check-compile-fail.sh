#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The snippets our types must refuse: each rust/compile_fail/NAME.rs is a
# module that must fail to build against the kernel build KBUILD_DIR, with a
# first error matching the ERE on its "// expect:" line, and that must build
# without its lines marked "// refused" (so it fails for that reason alone).
# Usage: check-compile-fail.sh KBUILD_DIR
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 1 ] || die "usage: check-compile-fail.sh KBUILD_DIR"
kbuild=$1
[ -f "$kbuild/Module.symvers" ] || die "$kbuild is not a built kernel (no Module.symvers)"
kernel_env
bad=0
for case in "$TOP"/rust/compile_fail/*.rs; do
	name=$(basename "$case" .rs)
	want=$(sed -n 's|^// expect: ||p' "$case")
	[ -n "$want" ] || die "$case has no '// expect:' line"
	dir=$MODULE_CACHE/compile-fail/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$case" "$dir/compile_fail_case.rs"
	echo 'obj-m += compile_fail_case.o' >"$dir/Kbuild"
	if make -C "$kbuild" M="$dir" "${KMAKE_VARS[@]}" modules >"$dir/build.log" 2>&1; then
		echo "$name: builds, but must not (log: $dir/build.log)" >&2
		bad=1
		continue
	fi
	first=$(grep -m1 -E '^error' "$dir/build.log" || true)
	if ! grep -q -E "$want" <<<"$first"; then
		echo "$name: fails for another reason: ${first:-no error line} (want: $want; log: $dir/build.log)" >&2
		bad=1
		continue
	fi
	grep -v '// refused$' "$case" >"$dir/compile_fail_case.rs"
	if ! make -C "$kbuild" M="$dir" "${KMAKE_VARS[@]}" modules >"$dir/build-without.log" 2>&1; then
		echo "$name: does not build without its refused lines either (log: $dir/build-without.log)" >&2
		bad=1
		continue
	fi
	echo "$name: refused: $first"
done
[ "$bad" = 0 ] || die "compile-fail cases not refused as expected"
