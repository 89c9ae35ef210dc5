#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks the patch series of scripts/make-patches.sh, and then the fixes
# series of scripts/make-fixes.sh, in a scratch tree cloned from the pristine
# kernel's repository (sharing its objects):
#   - each series applies with `git am` to the pristine tree;
#   - scripts/checkpatch.pl --strict finds no ERROR and no WARNING in any
#     patch (CHECKs are printed, not fatal);
#   - every commit of the Rust series builds on the pristine tree, and every
#     commit of the fixes on top of the Rust series (the two touch disjoint
#     files: the fixes apply the same to either, checked above), each with
#     allnoconfig + qemu/kconfig/base.config + kobjrel.config + the series'
#     own options ($fragment below: the in-tree driver and the sample as
#     modules); Image and modules, no compiler warning; after the Rust series
#     its modules exist;
#   - `make rustdoc` builds without a warning;
#   - `make rustfmtcheck` finds every Rust file of the tree formatted
#   (the last two for the Rust series).
# The last build, the whole Rust series and the fixes, is kept as a kernel to
# boot (make test's rs-intree boot: the in-tree driver, delayed kobject
# releases). Prints one line per check. Success is cached with a stamp keyed
# by the hash of the patches, so a warm run takes seconds.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache
export LC_ALL=C
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null

patches=$("$TOP/scripts/make-patches.sh")
fixes=$("$TOP/scripts/make-fixes.sh")
deb=$(ls "$CACHE/downloads/${KERNEL_PKG}_"*_*.deb 2>/dev/null | head -1 || true)
[ -n "$deb" ] || die "no $KERNEL_PKG package in $CACHE/downloads"
version=$(dpkg-deb -f "$deb" Version)
repo=$CACHE/series/linux-$version
base=$(cat "$repo/spi-rs-base") || die "no pristine repository at $repo (make-patches.sh should have made it)"
patches_in() { # DIR: its patches, without the cover letter
	local p
	for p in "$1"/[0-9][0-9][0-9][0-9]-*.patch; do
		[ "$(basename "$p")" = 0000-cover-letter.patch ] || [ ! -f "$p" ] || echo "$p"
	done
}
mapfile -t rust_series < <(patches_in "$patches")
mapfile -t fixes_series < <(patches_in "$fixes")
[ ${#rust_series[@]} -gt 0 ] || die "no patches in $patches"
[ ${#fixes_series[@]} -gt 0 ] || die "no patches in $fixes"

# The series' own options: its Kconfig symbols (each checked from the commit
# that adds it) and what they need.
fragment="CONFIG_SPI_SIFIVE_RUST=m
CONFIG_SAMPLES=y
CONFIG_SAMPLES_RUST=y
CONFIG_SAMPLE_RUST_DRIVER_SPI=m"
stamp=$CACHE/series/checked-linux-$version
key=$(hash_inputs "${rust_series[@]}" "${fixes_series[@]}" "$TOP/qemu/kconfig/base.config" \
	"$TOP/qemu/kconfig/kobjrel.config" "$TOP/qemu/kconfig/inline-helpers.config" \
	"$TOP/scripts/check-patches.sh" "$TOP/scripts/kconfig.sh" "$TOP/scripts/env.sh")
if [ "$(head -1 "$stamp" 2>/dev/null)" = "$key" ]; then
	tail -n +2 "$stamp"
	echo "(unchanged since the last successful check: $(date -r "$stamp" '+%F %T'))"
	exit 0
fi

summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
report() { echo "$*" | tee -a "$summary"; }
failed=0

# --- The scratch tree ----------------------------------------------------------

# A clone sharing the pristine repository's objects (a non-bare repository,
# as checkpatch's SPDX check wants), reset for each series.
wt=$CACHE/series/work-$version
export GIT_AUTHOR_NAME="check-patches" GIT_AUTHOR_EMAIL="check-patches@localhost"
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
if [ ! -d "$wt/.git" ] || ! git -C "$wt" cat-file -e "$base^{commit}" 2>/dev/null; then
	note "checking out a scratch tree of the pristine kernel (once)"
	rm -rf "$wt"
	git --git-dir="$repo" worktree prune
	git clone -q --shared --no-checkout "$repo" "$wt"
	git -C "$wt" config gc.auto 0
fi
cd "$wt"
amlog=$(mktemp)
trap 'rm -f "$summary" "$amlog"' EXIT

# checkpatch's SPDX check runs scripts/spdxcheck.py with python3 from PATH;
# Debian's python3 has its modules (ply, git) where another one may not.
cpath=/usr/bin:/bin:$PATH
PATH=$cpath python3 -c 'import ply, git' 2>/dev/null ||
	die "missing tool: checkpatch's SPDX check needs python3-ply and python3-git (apt-get install python3-ply python3-git)"

"$TOP/scripts/install-bindgen.sh"
need "$RUSTC_BIN" "$BINDGEN" "$LLVM_BIN/clang"
kernel_env
configs=("$TOP/qemu/kconfig/base.config" "$TOP/qemu/kconfig/kobjrel.config")
out=$CACHE/series/build-$({ echo "$version llvm$LLVM_MAJOR"; cat "${configs[@]}"; echo "$fragment"; } | sha256sum | cut -c1-16)
mkdir -p "$out"
echo "$fragment" >"$out/series.config"
kmake() { make -C "$wt" O="$out" "${KMAKE_VARS[@]}" "$@"; }
# The modules of the series' options, built after its last commit.
modules=(drivers/spi/spi_sifive_rs/spi_sifive_rs.ko samples/rust/rust_driver_spi.ko)
# Compiler and rustdoc warnings, without rustc's "N warnings emitted" lines.
count_warnings() { grep -E '(^|: )warning:' "$1" | grep -c -v -E '^warning: [0-9]+ warnings? emitted' || true; }

# --- Apply ---------------------------------------------------------------------

# git am of PATCHES on the commit ONTO; sets commits. NAME says which series.
apply_series() { # NAME ONTO PATCHES...
	local name=$1 onto=$2 p applied=0
	shift 2
	git am --abort >/dev/null 2>&1 || true
	git checkout -q -f --detach "$onto"
	git clean -q -f -d -x
	for p in "$@"; do
		if ! git am -q "$p" >"$amlog" 2>&1; then
			sed 's/^/    /' "$amlog"
			git am --abort >/dev/null 2>&1 || true
			report "$name: apply: $(basename "$p") does not apply to linux-$version ($applied of $# applied)"
			exit 1
		fi
		applied=$((applied + 1))
	done
	if [ "$onto" = "$base" ]; then
		report "$name: apply: $applied of $# patches applied to linux-$version (base ${base:0:12})"
	else
		report "$name: apply: $applied of $# patches applied on top of the Rust series"
	fi
	mapfile -t commits < <(git rev-list --reverse "$onto..HEAD")
}

# --- checkpatch ----------------------------------------------------------------

# EXTRA_CHECKPATCH_ARGS: more checkpatch options for this series.
checkpatch_series() { # NAME PATCHES...
	local name=$1 p log counts e w c
	shift
	for p in "$@"; do
		# shellcheck disable=SC2086 # one word per option
		log=$(PATH=$cpath ./scripts/checkpatch.pl --strict --showfile --color=never ${EXTRA_CHECKPATCH_ARGS:-} "$p" 2>&1 || true)
		counts=$(grep -E '^total: [0-9]+ errors, [0-9]+ warnings' <<<"$log" | tail -1)
		[ -n "$counts" ] || { echo "$log" >&2; die "checkpatch gave no result for $(basename "$p")"; }
		read -r e w c <<<"$(sed -E 's/^total: ([0-9]+) errors, ([0-9]+) warnings, ([0-9]+) checks.*/\1 \2 \3/' <<<"$counts")"
		report "$name: checkpatch $(basename "$p"): $e errors, $w warnings, $c checks"
		if [ "$e" != 0 ] || [ "$w" != 0 ] || [ "$c" != 0 ]; then
			# The complaints, without checkpatch's closing advice.
			awk '/^total: /{exit} {print "    " $0}' <<<"$log" | grep -v '^    $' || true
		fi
		if [ "$e" != 0 ] || [ "$w" != 0 ]; then failed=1; fi
	done
}

# --- Build every commit ----------------------------------------------------------

# Builds each of commits in order; sets built to the number that built.
build_commits() { # NAME
	local name=$1 n=0 c subject log start line opt warnings inline fragment
	built=0
	for c in "${commits[@]}"; do
		n=$((n + 1))
		git checkout -q --detach "$c"
		subject=$(git show -s --format=%s "$c")
		log=$out/build-$name-$n.log
		start=$(date +%s)
		# The configuration is made again at each commit: a commit that adds a
		# Kconfig symbol of the series sees it set, one before it goes without.
		while IFS= read -r line; do
			opt=${line%%=*}
			if git grep -q -E "^(menu)?config ${opt#CONFIG_}\$" -- '*Kconfig*'; then echo "$line"; fi
		done <"$out/series.config" >"$out/series-here.config"
		# The C helpers inlined into Rust objects, as in the test kernels, from
		# the commit that allows it on riscv (fixes/08) on.
		inline=()
		fragment=$(inline_helpers_fragment .)
		[ -z "$fragment" ] || inline=("$fragment")
		: >"$out/config-$name-$n.log"
		"$TOP/scripts/kconfig.sh" "$wt" "$out" "$out/config-$name-$n.log" "${configs[0]}" "${inline[@]}" \
			"${configs[@]:1}" "$out/series-here.config" || die "$name commit $n: no configuration with the series' options"
		# A module left over from an earlier build must not pass for this one's.
		for ko in "${modules[@]}"; do rm -f "${out:?}/$ko"; done
		if ! kmake -j"$(nproc)" Image modules >"$log" 2>&1; then
			grep -E -B2 -A8 'error(\[E[0-9]+\])?:|Error [0-9]' "$log" | head -60 | sed 's/^/    /'
			report "$name: build $n/${#commits[@]} ($subject): FAILED after $(($(date +%s) - start)) s (log: $log)"
			failed=1
			break
		fi
		built=$n
		warnings=$(count_warnings "$log")
		report "$name: build $n/${#commits[@]} ($subject): $(($(date +%s) - start)) s, $warnings warnings"
		if [ "$warnings" != 0 ]; then
			grep -E -A6 '(^|: )warning:' "$log" | head -60 | sed 's/^/    /'
			failed=1
		fi
	done
}

# --- The Rust series -------------------------------------------------------------

apply_series rust "$base" "${rust_series[@]}"
rust_head=$(git rev-parse HEAD)
kmake rustavailable >"$out/rustavailable.log" 2>&1 ||
	die "Rust toolchain not usable for the kernel: $(grep -m1 -i 'error\|not' "$out/rustavailable.log") (log: $out/rustavailable.log)"
checkpatch_series rust "${rust_series[@]}"
build_commits rust
rust_complete=0
[ "$built" = "${#commits[@]}" ] && rust_complete=1
if [ "$rust_complete" = 1 ]; then
	for ko in "${modules[@]}"; do
		if [ -f "$out/$ko" ]; then
			report "rust: module: $ko built in-tree ($(stat -c %s "$out/$ko") bytes)"
		else
			report "rust: module: $ko was not built"
			failed=1
		fi
	done

	# --- rustdoc ---------------------------------------------------------
	log=$out/rustdoc.log
	start=$(date +%s)
	if kmake -j"$(nproc)" rustdoc >"$log" 2>&1; then
		warnings=$(count_warnings "$log")
		report "rust: rustdoc: $(($(date +%s) - start)) s, $warnings warnings"
		if [ "$warnings" != 0 ]; then
			grep -E -A8 '(^|: )warning' "$log" | head -80 | sed 's/^/    /'
			failed=1
		fi
	else
		grep -E -A8 'error|warning' "$log" | head -60 | sed 's/^/    /'
		report "rust: rustdoc: FAILED (log: $log)"
		failed=1
	fi

	# --- rustfmt ---------------------------------------------------------
	log=$out/rustfmtcheck.log
	if kmake rustfmtcheck >"$log" 2>&1; then
		report "rust: rustfmtcheck: clean"
	else
		grep -E -A6 '^Diff in' "$log" | head -40 | sed 's/^/    /'
		report "rust: rustfmtcheck: FAILED (log: $log)"
		failed=1
	fi
fi

# --- The fixes series ------------------------------------------------------------

# The fixes apply to the pristine tree: checked in an index of its own, so the
# work tree stays at the Rust series (a checkout of the pristine tree would
# touch every file of the Rust series, and the build below would rebuild them).
pristine_index=$(mktemp)
GIT_INDEX_FILE=$pristine_index git read-tree "$base"
n=0
for p in "${fixes_series[@]}"; do
	if ! GIT_INDEX_FILE=$pristine_index git apply --cached "$p" >"$amlog" 2>&1; then
		sed 's/^/    /' "$amlog"
		rm -f "$pristine_index"
		report "fixes: apply: $(basename "$p") does not apply to linux-$version ($n of ${#fixes_series[@]} applied)"
		exit 1
	fi
	n=$((n + 1))
done
rm -f "$pristine_index"
report "fixes: apply: $n of ${#fixes_series[@]} patches apply to linux-$version (base ${base:0:12})"
# The ids of the Fixes: tags are upstream commits, which the pristine tree (a
# release tarball, no history) does not have: checkpatch cannot look them up.
EXTRA_CHECKPATCH_ARGS="--ignore UNKNOWN_COMMIT_ID" checkpatch_series fixes "${fixes_series[@]}"
# Built on top of the Rust series: the same commits as on the pristine tree
# for the files they touch, and the build directory needs no rebuild of what
# the Rust series changed.
fixes_complete=0
if [ "$rust_complete" = 1 ]; then
	apply_series fixes "$rust_head" "${fixes_series[@]}"
	build_commits fixes
	[ "$built" = "${#commits[@]}" ] && fixes_complete=1
else
	report "fixes: build: not tried, the Rust series did not build"
	failed=1
fi

# --- A bootable kernel with the in-tree driver ---------------------------------

# The last build (the Rust series and the fixes) as run-cases.sh wants a
# kernel build (Image, gen_init_cpio) plus the artefacts' modules/.
if [ "$failed" = 0 ] && [ "$fixes_complete" = 1 ]; then
	boot=$out/intree-boot
	rm -rf "$boot"
	mkdir -p "$boot/arch/riscv/boot" "$boot/usr" "$boot/modules"
	cp "$out/arch/riscv/boot/Image" "$boot/arch/riscv/boot/Image"
	cp "$out/usr/gen_init_cpio" "$boot/usr/gen_init_cpio"
	cp "$out/drivers/spi/spi_sifive_rs/spi_sifive_rs.ko" "$boot/modules/spi_sifive_rs.ko"
	report "in-tree boot artefacts: $boot"
fi

if [ "$failed" != 0 ]; then
	rm -f "$stamp"
	die "the series have problems (see above)"
fi
{ echo "$key"; cat "$summary"; } >"$stamp"
echo "series OK: $patches, $fixes"
