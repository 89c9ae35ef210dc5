#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turns the fixes for the kernel bugs our tests found (series/fixes/) into a
# `git format-patch` series against the pristine kernel tree, separate from
# the Rust series: one patch per bug, each made of series/fixes/NN-NAME.diff
# (a unified diff of existing kernel files, as the Rust series keeps its
# changes to existing files) and series/fixes/NN-NAME.txt (its message, with
# the Fixes: tag). The cover letter is series/fixes/00-cover-letter.txt.
#
# Same pristine repository, identity and fixed dates as make-patches.sh, so
# unchanged inputs give identical patches. Prints the directory of the
# patches (build/fixes).
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache
export LC_ALL=C GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=$IDENT_NAME GIT_AUTHOR_EMAIL=$IDENT_EMAIL
export GIT_COMMITTER_NAME=$IDENT_NAME GIT_COMMITTER_EMAIL=$IDENT_EMAIL

dir=$TOP/series/fixes
out=$TOP/build/fixes
# The pristine repository is made (once) by make-patches.sh.
find_deb() { find "$CACHE/downloads" -maxdepth 1 -name "${KERNEL_PKG}_*_*.deb" 2>/dev/null | head -1; }
deb=$(find_deb)
if [ -z "$deb" ] || [ ! -f "$CACHE/series/linux-$(dpkg-deb -f "$deb" Version)/spi-rs-base" ]; then
	"$TOP/scripts/make-patches.sh" >/dev/null
	deb=$(find_deb)
fi
[ -n "$deb" ] || die "no $KERNEL_PKG package in $CACHE/downloads"
repo=$CACHE/series/linux-$(dpkg-deb -f "$deb" Version)
[ -f "$repo/spi-rs-base" ] || die "no pristine repository at $repo (make-patches.sh should have made it)"
export GIT_DIR=$repo
base=$(cat "$repo/spi-rs-base")
base_date=$(git show -s --format=%at "$base")

diffs=()
for d in "$dir"/[0-9][0-9]-*.diff; do
	[ -f "$d" ] || continue
	[ -f "${d%.diff}.txt" ] || die "$d has no message file ${d%.diff}.txt"
	diffs+=("$d")
done
[ ${#diffs[@]} -gt 0 ] || die "no fixes in $dir"
# The patches that change behaviour without fixing a bug, by name, one per
# line (series/fixes/NOT-FIXES); every other patch has a Fixes: tag.
not_fixes=$(grep -v '^#' "$dir/NOT-FIXES" 2>/dev/null || true)
for t in "$dir"/[0-9][0-9]-*.txt; do
	case $t in */00-cover-letter.txt) continue ;; esac
	[ -f "${t%.txt}.diff" ] || die "$t has no diff ${t%.txt}.diff"
	name=$(basename "$t" .txt)
	if grep -qx "$name" <<<"$not_fixes"; then
		! grep -q '^Fixes: ' "$t" || die "$t: listed in $dir/NOT-FIXES but has a Fixes: tag"
		continue
	fi
	grep -q '^Fixes: [0-9a-f]\{12\} ("' "$t" ||
		die "$t: a fix names the commit it fixes (Fixes: <12 hex digits> (\"subject\")), or is listed in $dir/NOT-FIXES"
done
[ -f "$dir/00-cover-letter.txt" ] || die "missing $dir/00-cover-letter.txt (subject, blank line, blurb)"

key="$base $(hash_inputs "$TOP/scripts/make-fixes.sh" "$dir")"
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$key" ] && ls "$out"/0001-*.patch >/dev/null 2>&1; then
	echo "$out"
	exit 0
fi

GIT_INDEX_FILE=$(mktemp)
export GIT_INDEX_FILE
trap 'rm -f "$GIT_INDEX_FILE"' EXIT
git read-tree "$base"
parent=$base n=0
for d in "${diffs[@]}"; do
	n=$((n + 1))
	git apply --cached --whitespace=error-all "$d" || die "$d does not apply to the pristine tree (after the fixes before it)"
	tree=$(git write-tree)
	date="@$((base_date + n)) +0000"
	parent=$({ sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "${d%.diff}.txt"; printf '\nSigned-off-by: %s <%s>\n' "$IDENT_NAME" "$IDENT_EMAIL"; } |
		GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git commit-tree -p "$parent" -F - "$tree")
done
git update-ref refs/heads/fixes "$parent"
format_series refs/heads/fixes "$base" "$dir/00-cover-letter.txt" "$out" "@$((base_date + n + 1)) +0000" "$key"
echo "$out"
