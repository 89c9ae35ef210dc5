#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Applies the fixes series (scripts/make-fixes.sh: the kernel bugs our tests
# found; left out with FIXES=0, to see those tests fail on the bugs) and then
# the kernel-crate part of our patch series (the patches of
# scripts/make-patches.sh that touch only rust/ and MAINTAINERS; the in-tree
# driver's and the sample's patches are left out, the test kernels load the
# out-of-tree module)
# to a kernel source tree, so that the test kernels are built from the same
# patches that are sent upstream.
#
# The patches are applied with `git apply` to the pristine tree in the
# series repository (no work tree); the tree tracks the resulting files:
#   - a file is written only when its content changed, so an unchanged
#     series never triggers a rebuild;
#   - a file the series no longer changes goes back to its pristine content,
#     or away if the kernel does not have it.
# Prints the id of the resulting git tree: it names the exact sources.
set -euo pipefail
. "$(dirname "$0")/env.sh"
export LC_ALL=C GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

[ $# -eq 1 ] || die "usage: apply-series.sh KERNEL_SRC"
src=$1
[ -f "$src/rust/kernel/lib.rs" ] && [ -f "$src/.unpacked" ] ||
	die "$src is not a kernel tree unpacked by fetch-kernel.sh"
version=$(cat "$src/.unpacked")

patches=$("$TOP/scripts/make-patches.sh")
case ${FIXES:-1} in
1) fixes=$("$TOP/scripts/make-fixes.sh") ;;
0) fixes= ;;
*) die "FIXES=${FIXES:-}: want 1 (the default: the fixes series applied) or 0 (left out)" ;;
esac
export GIT_DIR=$CACHE/series/linux-$version
base=$(cat "$GIT_DIR/spi-rs-base" 2>/dev/null) ||
	die "no pristine repository of linux $version at $GIT_DIR (make-patches.sh should have made it)"

# The kernel-crate patches: those that change only rust/ and MAINTAINERS, in
# series order. The others (the in-tree driver, the sample) are left out, so
# a kernel-crate patch after them must apply without them.
crate=()
left_out=()
for p in "$patches"/[0-9][0-9][0-9][0-9]-*.patch; do
	[ -f "$p" ] || continue
	[ "$(basename "$p")" != 0000-cover-letter.patch ] || continue
	if grep -E '^diff --git ' "$p" | grep -q -v -E '^diff --git a/(rust/|MAINTAINERS )'; then
		left_out+=("$(basename "$p")")
	else
		crate+=("$p")
	fi
done
[ ${#crate[@]} -gt 0 ] || die "no kernel-crate patches in $patches"

GIT_INDEX_FILE=$(mktemp)
export GIT_INDEX_FILE
trap 'rm -f "$GIT_INDEX_FILE"' EXIT
git read-tree "$base"
if [ -n "$fixes" ]; then
	for p in "$fixes"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "$(basename "$p")" != 0000-cover-letter.patch ] || continue
		git apply --cached "$p" || die "fix $(basename "$p") does not apply to linux $version"
	done
fi
for p in "${crate[@]}"; do
	git apply --cached "$p" ||
		die "$(basename "$p") does not apply to linux $version without the patches left out (${left_out[*]:-none})"
done
tree=$(git write-tree)

# Writes stdin to $1 only when the content differs.
update_file() {
	local tmp
	tmp=$(mktemp)
	cat >"$tmp"
	if cmp -s "$tmp" "$1"; then
		rm -f "$tmp"
	else
		mkdir -p "$(dirname "$1")"
		mv "$tmp" "$1"
		chmod 644 "$1"
	fi
}

state=$src/.spi-rs-series-files
now=$(git diff-tree -r --name-only "$base" "$tree")
before=$(cat "$state" 2>/dev/null || true)
# Trees set up by the former apply-kernel-additions.sh: its added files and
# the pristine copies of the files it edited.
old=$src/.spi-rs-orig
if [ -d "$old" ]; then
	before+=$'\n'$(sed -n 's|^.|rust/&|p' "$old/added-files" 2>/dev/null || true)
	before+=$'\n'$(cd "$old" && find . -type f ! -name added-files | sed 's|^\./||')
fi
while IFS= read -r f; do
	[ -n "$f" ] || continue
	if grep -qxF "$f" <<<"$now"; then
		git show "$tree:$f" | update_file "$src/$f"
	elif git cat-file -e "$base:$f" 2>/dev/null; then
		git show "$base:$f" | update_file "$src/$f"
	else
		rm -f "$src/$f"
	fi
done < <(printf '%s\n%s\n' "$now" "$before" | sort -u)
rm -rf "$old"
echo "$now" >"$state"
echo "$tree" >"$src/.spi-rs-series-tree"
echo "$tree"
