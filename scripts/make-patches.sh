#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turns our kernel-crate additions (rust/kernel/, rust/helpers/), the driver
# (rust/spi_sifive_rs/) and the sample (rust/samples/) into a `git
# format-patch` series against the pristine Debian kernel tree, one logical
# step per patch. Step NN is made of:
#   - series/NN-NAME.txt, its message (one per step; the steps are the
#     message files, 00-cover-letter.txt being the cover letter);
#   - our new files that step_of_file (below) maps to NN, kept in the repo as
#     files (dest_of_file says where they go in the kernel tree);
#   - series/NN-NAME.diff, if there is one: a plain unified diff (-p1, a/ and
#     b/ prefixes) of the files the tree already has after the steps before
#     NN: the kernel's own files (rust/kernel/lib.rs, rust/helpers/helpers.c,
#     rust/bindings/bindings_helper.h, Kconfig, Makefile, MAINTAINERS ...).
# A step's diff may also change a file of ours that an earlier step adds
# (rust/kernel/spi.rs, the module root, gets the `mod` and `pub use` lines of
# each later step that adds a module): the repo holds such a file in its final
# state, and the step that adds it gets it with the hunks of all later steps
# for it reverted, last step first. One mechanism for every change to a file
# that exists before the step, ours or the kernel's.
# So adding a patch is adding its message, its files and, if it changes
# existing files, its diff. To make a diff, change a checkout of the series
# (git am build/patches/*.patch on the pristine tree, or the commit before
# the step) and write `git diff` of those files into series/NN-NAME.diff.
# To see one of our files as a step leaves it, git am build/patches/*.patch
# on the pristine tree (or read refs/heads/series of the cache's pristine
# repository: the series of the last run that made one, from whichever
# checkout, so check its subjects).
#
# The pristine tree is a git repository in the cache, built once per kernel
# version from the tarball inside the .deb, committed with a fixed identity
# and date so its hash is reproducible. The series commits are made from the
# repo's current files without a work tree (objects and a temporary index),
# with dates fixed from the base, so unchanged inputs give identical patches.
# Prints the directory of the patches (build/patches).
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache
export LC_ALL=C

IDENT="$IDENT_NAME <$IDENT_EMAIL>"
out=$TOP/build/patches

# Our git calls see neither the user's nor the system's git configuration
# (diff algorithm, signatures, prefixes would change the patches).
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=$IDENT_NAME GIT_AUTHOR_EMAIL=$IDENT_EMAIL
export GIT_COMMITTER_NAME=$IDENT_NAME GIT_COMMITTER_EMAIL=$IDENT_EMAIL

# --- The pristine tree, as a bare repository keyed by kernel version --------

find_deb() { ls "$CACHE/downloads/${KERNEL_PKG}_"*_*.deb 2>/dev/null | head -1 || true; }
deb=$(find_deb)
if [ -z "$deb" ]; then
	"$TOP/scripts/fetch-kernel.sh" >/dev/null
	deb=$(find_deb)
	[ -n "$deb" ] || die "no $KERNEL_PKG package in $CACHE/downloads after fetching it"
fi
version=$(dpkg-deb -f "$deb" Version)
repo=$CACHE/series/linux-$version
export GIT_DIR=$repo

if [ ! -f "$repo/spi-rs-base" ]; then
	note "building the pristine git repository of $KERNEL_PKG $version (a few minutes, once)"
	tmp=$repo.tmp
	rm -rf "$repo" "$tmp"
	mkdir -p "$tmp/src"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.*'
	tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.*)
	# The base commit's date is the tarball's: fixed by the package.
	stamp_date=$(stat -c %Y "$tarball")
	tar -xf "$tarball" -C "$tmp/src" --strip-components=1
	rm -rf "${tmp:?}/usr"
	git init -q --bare "$tmp/git"
	GIT_DIR=$tmp/git git config gc.auto 0
	# Every file of the tarball, ignored patterns included (-f).
	(cd "$tmp/src" && GIT_DIR=$tmp/git GIT_WORK_TREE=$tmp/src GIT_INDEX_FILE=$tmp/index git add -A -f .)
	tree=$(GIT_DIR=$tmp/git GIT_INDEX_FILE=$tmp/index git write-tree)
	base=$(GIT_DIR=$tmp/git GIT_AUTHOR_DATE="@$stamp_date +0000" GIT_COMMITTER_DATE="@$stamp_date +0000" \
		git commit-tree -m "Linux $version (Debian $KERNEL_PKG $version)" "$tree")
	GIT_DIR=$tmp/git git update-ref refs/heads/base "$base"
	# One pack without deltas: compact enough, and quick to write.
	GIT_DIR=$tmp/git git repack -a -d -q --window=0 --depth=0
	rm -rf "$tmp/src" "$tmp/index"
	echo "$base" >"$tmp/git/spi-rs-base"
	mv "$tmp/git" "$repo"
	rm -rf "$tmp"
fi
base=$(cat "$repo/spi-rs-base")
[ "$(git rev-parse -q --verify "refs/heads/base^{commit}")" = "$base" ] ||
	die "$repo is damaged (refs/heads/base is not $base); remove it to rebuild"
base_date=$(git show -s --format=%at "$base")

# --- Which repo file goes into which patch ---------------------------------
#
# The split is by path pattern, so a new file of an existing abstraction
# (rust/kernel/spi/foo.rs) lands in its patch without editing this script: a
# new file of kernel::spi goes with the controller side (step 4) unless a
# pattern before that one names it. A kernel-crate file that matches no step
# stops the script.

step_of_file() { # repo-relative path -> step number
	case $1 in
	rust/kernel/pm.rs | rust/kernel/pm/* | rust/helpers/pm*.c) echo 1 ;;
	rust/kernel/fault_inject.rs | rust/kernel/fault_inject/* | rust/helpers/fault_inject*.c) echo 2 ;;
	rust/kernel/spi/mem.rs) echo 5 ;;
	rust/kernel/spi/driver.rs | rust/kernel/spi/owned_message.rs) echo 7 ;;
	rust/kernel/spi.rs | rust/kernel/spi/* | rust/helpers/spi*.c) echo 4 ;;
	rust/spi_sifive_rs/*.rs) echo 6 ;;
	rust/samples/rust_driver_spi.rs) echo 8 ;;
	*) echo 0 ;;
	esac
}
dest_of_file() { # repo-relative path -> its path in the kernel tree
	case $1 in
	rust/spi_sifive_rs/*) echo "drivers/spi/spi_sifive_rs/${1#rust/spi_sifive_rs/}" ;;
	rust/samples/*) echo "samples/rust/${1#rust/samples/}" ;;
	*) echo "$1" ;;
	esac
}

# The steps: one per message file series/NN-NAME.txt, in order.
steps=()
for m in "$TOP"/series/[0-9][0-9]-*.txt; do
	[ -f "$m" ] || continue
	n=$(basename "$m" | cut -c1-2)
	[ "$n" != 00 ] || continue # the cover letter
	s=$((10#$n))
	[ "${#steps[@]}" = 0 ] || [ "${steps[-1]}" != "$s" ] || die "step $n has more than one message file series/$n-*.txt"
	steps+=("$s")
done
[ ${#steps[@]} -gt 0 ] || die "nothing to put in a series: no series/NN-NAME.txt"
is_step() { [[ " ${steps[*]} " == *" $1 "* ]]; }

declare -A files_of # step -> newline-separated repo paths
cd "$TOP"
while IFS= read -r f; do
	s=$(step_of_file "$f")
	if [ "$s" = 0 ]; then
		case $f in
		rust/spi_sifive_rs/*) continue ;; # out-of-tree Kbuild and the like
		esac
		die "$f belongs to no patch of the series; add a pattern to step_of_file in $0"
	fi
	is_step "$s" || die "$f belongs to step $s, which has no message file series/$(printf %02d "$s")-*.txt"
	files_of[$s]+="$f"$'\n'
done < <({
	find rust/kernel -type f -name '*.rs'
	find rust/helpers -maxdepth 1 -type f -name '*.c'
	find rust/spi_sifive_rs -type f
	find rust/samples -type f
} 2>/dev/null | sort)

diff_of() { # step -> its diff of files the tree already has, if any
	local d
	d=$(ls "$TOP/series/$(printf %02d "$1")"-*.diff 2>/dev/null || true)
	[ "$(wc -l <<<"$d")" -le 1 ] || die "step $1 has more than one series/$(printf %02d "$1")-*.diff"
	echo "$d"
}
for d in "$TOP"/series/*.diff; do
	[ -f "$d" ] || continue
	n=$(basename "$d" | cut -c1-2)
	case $n in [0-9][0-9]) ;; *) die "$d: a diff is named NN-NAME.diff after its step" ;; esac
	is_step "$((10#$n))" || die "$d: no step $n (no message file series/$n-*.txt)"
done

msgfile() { # step -> its message file
	ls "$TOP/series/$(printf %02d "$1")"-*.txt
}
cover=$TOP/series/00-cover-letter.txt
[ -f "$cover" ] || die "missing $cover (subject, blank line, blurb)"

# --- Nothing changed since the last run? ------------------------------------

key="$version $base $(hash_inputs "$TOP/scripts/make-patches.sh" rust/kernel rust/helpers rust/spi_sifive_rs rust/samples series)"
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$key" ] && ls "$out"/0001-*.patch >/dev/null 2>&1; then
	echo "$out"
	exit 0
fi

# --- The series ------------------------------------------------------------

export GIT_INDEX_FILE=$repo/spi-rs-index
own_index=$(mktemp)
trap 'rm -f "$GIT_INDEX_FILE" "$own_index"' EXIT

# Our files: their blobs in their final state, keyed by their path in the
# kernel tree. The driver goes in as tested: its benchmark variants are
# overlays (series/variants/), not part of its source.
declare -A final_blob step_of_dest
ours=()
for s in "${steps[@]}"; do
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		dest=$(dest_of_file "$f")
		blob=$(git hash-object -w "$f")
		final_blob[$dest]=$blob
		step_of_dest[$dest]=$s
		ours+=("$dest")
	done <<<"${files_of[$s]:-}"
done

paths_of_diff() { # DIFF -> the paths it changes, one a line
	awk '/^\+\+\+ b\// { p = substr($0, 7); sub(/\t.*/, "", p); print p }' "$1"
}

# Our files as the step that adds each sees them: the final state with the
# later steps' hunks for it reverted, last step first, in an index of their
# own.
declare -A intro_blob
GIT_INDEX_FILE=$own_index git read-tree --empty
for dest in "${ours[@]}"; do
	GIT_INDEX_FILE=$own_index git update-index --add --cacheinfo "100644,${final_blob[$dest]},$dest"
done
for ((i = ${#steps[@]} - 1; i >= 0; i--)); do
	s=${steps[i]}
	for dest in "${ours[@]}"; do
		[ "${step_of_dest[$dest]}" != "$s" ] || intro_blob[$dest]=$(GIT_INDEX_FILE=$own_index git rev-parse ":$dest")
	done
	d=$(diff_of "$s")
	[ -n "$d" ] || continue
	includes=()
	while IFS= read -r p; do
		[ -n "${step_of_dest[$p]:-}" ] || continue
		[ "${step_of_dest[$p]}" -lt "$s" ] ||
			die "$d changes $p, which step ${step_of_dest[$p]} adds: change the file itself"
		includes+=("--include=$p")
	done < <(paths_of_diff "$d")
	[ ${#includes[@]} -gt 0 ] || continue
	GIT_INDEX_FILE=$own_index git apply --cached -R "${includes[@]}" "$d" ||
		die "$d: its hunks for ${includes[*]#--include=} do not apply in reverse to the repo's files (their final state): make them again, from the file as the steps before $s leave it to the repo's"
done

# Each step's tree is the previous one with the step's new files added and
# its diff applied.
git read-tree "$base"
parent=$base
for s in "${steps[@]}"; do
	for dest in "${ours[@]}"; do
		[ "${step_of_dest[$dest]}" = "$s" ] || continue
		git cat-file -e ":$dest" 2>/dev/null && die "$dest of step $s would overwrite a file of the kernel tree"
		git update-index --add --cacheinfo "100644,${intro_blob[$dest]},$dest"
	done
	d=$(diff_of "$s")
	if [ -n "$d" ]; then
		git apply --cached --whitespace=error-all "$d" ||
			die "$d does not apply to the tree of the steps before it"
	fi
	tree=$(git write-tree)
	[ "$tree" != "$(git rev-parse "$parent^{tree}")" ] || die "step $s changes nothing"
	msg=$(msgfile "$s")
	date="@$((base_date + s)) +0000"
	parent=$({ sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$msg"; printf '\nSigned-off-by: %s\n' "$IDENT"; } |
		GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git commit-tree -p "$parent" -F - "$tree")
done
# The last step has every file of ours as the repo has it.
for dest in "${ours[@]}"; do
	[ "$(git rev-parse ":$dest")" = "${final_blob[$dest]}" ] ||
		die "the series ends with a $dest that is not the repo's: check the hunks for it in series/*.diff"
done
git update-ref refs/heads/series "$parent"

format_series refs/heads/series "$base" "$cover" "$out" "@$((base_date + steps[-1] + 1)) +0000" "$key"
echo "$out"
