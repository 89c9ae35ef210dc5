#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turns our kernel-crate additions (rust/kernel/, rust/helpers/,
# rust/bindings_helper.h) and the driver (rust/spi_sifive_rs/) into a
# `git format-patch` series against the pristine Debian kernel tree, one
# logical step per patch, with the messages of series/*.txt.
#
# Our new files are kept as files; a change to a file the kernel already has
# is kept as a unified diff against the pristine tree, series/NN-NAME.diff,
# which becomes part of step NN (alone or with new files).
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
# (rust/kernel/spi/foo.rs) lands in its patch without editing this script. A
# kernel-crate file or bindings line that matches no step stops the script.

NSTEPS=6
step_of_file() { # repo-relative path -> step number
	case $1 in
	rust/kernel/pm.rs | rust/kernel/pm/* | rust/helpers/pm*.c) echo 1 ;;
	rust/kernel/fault_inject.rs | rust/kernel/fault_inject/* | rust/helpers/fault_inject*.c) echo 2 ;;
	rust/kernel/spi.rs | rust/kernel/spi/* | rust/helpers/spi*.c) echo 5 ;;
	rust/spi_sifive_rs/*.rs) echo 6 ;;
	*) echo 0 ;;
	esac
}
step_of_binding() { # a line of rust/bindings_helper.h -> step number
	case $1 in
	*'<linux/pm.h>'* | *'<linux/pm_runtime.h>'* | *RUST_CONST_HELPER_PM_* | *RUST_CONST_HELPER_RPM_*) echo 1 ;;
	*'<linux/fault-inject.h>'* | *RUST_CONST_HELPER_FAULT_*) echo 2 ;;
	*'<linux/spi/'* | *RUST_CONST_HELPER_SPI_*) echo 5 ;;
	*) echo 0 ;;
	esac
}
# Existing MAINTAINERS entries that take the F: lines of a step's files; the
# others get an entry of their own (maintainers_add_entry, below).
maintainers_existing() {
	case $1 in
	1) echo "POWER MANAGEMENT CORE" ;;
	2) echo "FAULT INJECTION SUPPORT" ;;
	esac
}

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
	files_of[$s]+="$f"$'\n'
done < <({
	find rust/kernel -type f -name '*.rs'
	find rust/helpers -maxdepth 1 -type f -name '*.c'
	find rust/spi_sifive_rs -type f
} 2>/dev/null | sort)

declare -A bind_of # step -> newline-separated lines of rust/bindings_helper.h
if [ -f rust/bindings_helper.h ]; then
	while IFS= read -r line; do
		s=$(step_of_binding "$line")
		[ "$s" != 0 ] || die "rust/bindings_helper.h: '$line' belongs to no patch; add a pattern to step_of_binding in $0"
		[ -n "${files_of[$s]:-}" ] || die "rust/bindings_helper.h: '$line' belongs to step $s, which has no files"
		bind_of[$s]+="$line"$'\n'
	done < <(grep -e '^#include' -e '^const ' rust/bindings_helper.h)
fi

diff_of() { # step -> its diff of existing kernel files, if any
	local d
	d=$(ls "$TOP/series/$(printf %02d "$1")"-*.diff 2>/dev/null || true)
	[ "$(wc -l <<<"$d")" -le 1 ] || die "step $1 has more than one series/$(printf %02d "$1")-*.diff"
	echo "$d"
}
for d in "$TOP"/series/*.diff; do
	[ -f "$d" ] || continue
	n=$(basename "$d" | cut -c1-2)
	case $n in [0-9][0-9]) ;; *) die "$d: a diff is named NN-NAME.diff after its step" ;; esac
	[ "$((10#$n))" -ge 1 ] && [ "$((10#$n))" -le $NSTEPS ] || die "$d: no step $n (steps are 1..$NSTEPS)"
done

steps=()
for s in $(seq 1 $NSTEPS); do
	if [ -n "${files_of[$s]:-}" ] || [ -n "$(diff_of "$s")" ]; then steps+=("$s"); fi
done
[ ${#steps[@]} -gt 0 ] || die "nothing to put in a series"

msgfile() { # step -> its message file
	local m
	m=$(ls "$TOP/series/$(printf %02d "$1")"-*.txt 2>/dev/null || true)
	if [ -z "$m" ] || [ "$(wc -l <<<"$m")" != 1 ]; then
		die "step $1 needs exactly one message file series/$(printf %02d "$1")-*.txt"
	fi
	echo "$m"
}
for s in "${steps[@]}"; do msgfile "$s" >/dev/null; done
cover=$TOP/series/00-cover-letter.txt
[ -f "$cover" ] || die "missing $cover (subject, blank line, blurb)"

# --- Nothing changed since the last run? ------------------------------------

key="$version $base $(hash_inputs "$TOP/scripts/make-patches.sh" rust/kernel rust/helpers rust/bindings_helper.h rust/spi_sifive_rs series)"
if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$key" ] && ls "$out"/0001-*.patch >/dev/null 2>&1; then
	echo "$out"
	exit 0
fi

# --- Edits of kernel files, each from the pristine content on stdin ---------

# Inserts TEXT after the last line matching ERE whose key (the first
# parenthesized part of ERE, taken with match/substr by the caller's KEYRE)
# sorts before KEY; before the first such line if none does. A line inside an
# #if block moves the insertion after the block's #endif.
insert_sorted() { # ERE KEY-PREFIX KEY-SUFFIX KEY TEXT
	awk -v re="$1" -v pre="$2" -v suf="$3" -v key="$4" -v text="$5" '
		{ line[NR] = $0 }
		/^#if/ { depth++ }
		/^#endif/ { depth-- }
		{ d[NR] = depth }
		$0 ~ re {
			k = $0; sub(pre, "", k); sub(suf, "", k)
			if (k == key) { dup = 1 }
			if (!first) first = NR
			if (k < key) last = NR
		}
		END {
			if (dup) { print "duplicate: " key > "/dev/stderr"; exit 1 }
			if (!first) { print "no line matches " re > "/dev/stderr"; exit 1 }
			at = last ? last : first - 1
			if (last) while (at < NR && d[at] > 0) at++
			for (i = 1; i <= NR; i++) {
				if (i == 1 && at == 0) print text
				print line[i]
				if (i == at) print text
			}
		}'
}

# rust/kernel/lib.rs: `pub mod NAME;` after the last module sorting before it
# (after a declaration line, so never between a module and its attributes).
edit_lib_rs() { # NAME...
	local m content
	content=$(cat)
	for m in "$@"; do
		content=$(insert_sorted '^pub mod [a-z0-9_]+;$' '^pub mod ' ';$' "$m" "pub mod $m;" <<<"$content") ||
			die "cannot declare module $m in rust/kernel/lib.rs"
	done
	printf '%s\n' "$content"
}

# rust/helpers/helpers.c: `#include "NAME.c"`, sorted as the file says it is.
edit_helpers_c() { # NAME.c...
	local h content
	content=$(cat)
	for h in "$@"; do
		content=$(insert_sorted '^#include "[^"]+"$' '^#include "' '"$' "$h" "#include \"$h\"" <<<"$content") ||
			die "cannot include $h in rust/helpers/helpers.c"
	done
	printf '%s\n' "$content"
}

# rust/bindings/bindings_helper.h: includes among the <linux/...> ones; each
# step's constant helpers as a group after the last top-level group.
edit_bindings_h() { # LINES (newline-separated, in step order)
	local content l hdr consts
	content=$(cat)
	while IFS= read -r l; do
		case $l in
		'#include <linux/'*)
			hdr=${l#'#include <'}
			hdr=${hdr%'>'}
			content=$(insert_sorted '^#include <linux/[^>]+>$' '^#include <' '>$' "$hdr" "$l" <<<"$content") ||
				die "cannot include <$hdr> in rust/bindings/bindings_helper.h"
			;;
		'#include'*) die "rust/bindings_helper.h: only <linux/...> includes are placed: $l" ;;
		esac
	done <<<"$1"
	consts=$(grep '^const ' <<<"$1" || true)
	if [ -n "$consts" ]; then
		content=$(awk -v text="$consts" '
			{ line[NR] = $0 }
			/^#if/ { depth++ }
			/^#endif/ { depth-- }
			depth == 0 && /^const .*RUST_CONST_HELPER_/ { last = NR }
			END {
				if (!last) exit 1
				for (i = 1; i <= NR; i++) {
					print line[i]
					if (i == last) { print ""; print text }
				}
			}' <<<"$content") || die "no RUST_CONST_HELPER_ lines in rust/bindings/bindings_helper.h"
	fi
	printf '%s\n' "$content"
}

# MAINTAINERS: F: lines merged, sorted, into an existing entry.
maintainers_add_files() { # ENTRY PATTERNS (newline-separated)
	awk -v entry="$1" -v pats="$2" '
		BEGIN { n = split(pats, p, "\n"); i = 1 }
		prev == "" && $0 == entry { in_entry = 1; found = 1 }
		in_entry && /^F:\t/ {
			v = substr($0, 4)
			while (i <= n && p[i] < v) print "F:\t" p[i++]
			lastf = 1
		}
		in_entry && !/^F:\t/ && lastf {
			while (i <= n) print "F:\t" p[i++]
			lastf = 0
		}
		in_entry && $0 == "" { in_entry = 0 }
		{ print; prev = $0 }
		END { if (!found || i <= n) exit 1 }'
}

# MAINTAINERS: a new entry after the entry whose name sorts just before it
# (upper case, as scripts/parse-maintainers.pl sorts).
maintainers_add_entry() { # NAME TEXT (without the name line)
	awk -v name="$1" -v text="$2" '
		{ line[NR] = $0 }
		END {
			un = toupper(name)
			for (i = 2; i < NR; i++) {
				if (line[i - 1] != "" || line[i] == "" || line[i + 1] !~ /^[A-Z]:\t/) continue
				h = toupper(line[i])
				if (h == un) { print "entry exists: " name > "/dev/stderr"; exit 1 }
				if (h < un && (best == "" || h > best)) { best = h; at = i }
			}
			if (!at) exit 1
			while (at < NR && line[at + 1] != "") at++
			for (i = 1; i <= NR; i++) {
				print line[i]
				if (i == at) { print ""; print name; print text }
			}
		}'
}

# drivers/spi/Kconfig: the Rust driver's entry after the C driver's.
edit_spi_kconfig() {
	awk -v text="$1" '
		/^config SPI_SIFIVE$/ { seen = 1 }
		seen == 1 && /^(config|menuconfig|menu|endmenu|if|endif|comment|source) / && !/^config SPI_SIFIVE$/ {
			print text; print ""; seen = 2
		}
		{ print }
		END { if (seen != 2) exit 1 }'
}

# drivers/spi/Makefile: a line after spi-sifive's, with `+=` in its column.
edit_spi_makefile() { # LHS RHS
	awk -v lhs="$1" -v rhs="$2" '
		{ print }
		/^obj-\$\(CONFIG_SPI_SIFIVE\)[ \t]/ {
			c = 0
			# The column of "+=" in this line, tabs expanded.
			for (j = 1; j <= length($0) && substr($0, j, 2) != "+="; j++)
				c = (substr($0, j, 1) == "\t") ? int(c / 8) * 8 + 8 : c + 1
			t = lhs; w = length(lhs)
			do { t = t "\t"; w = int(w / 8) * 8 + 8 } while (w < c)
			print t "+= " rhs
			done = 1
		}
		END { if (!done) exit 1 }'
}

KCONFIG_ENTRY='config SPI_SIFIVE_RUST
	tristate "SiFive SPI controller (Rust)"
	depends on RUST && (ARCH_SIFIVE || COMPILE_TEST) && HAS_IOMEM && COMMON_CLK
	help
	  This enables a Rust driver for the SPI controller of SiFive SoCs
	  such as the FU540, the same hardware that SPI_SIFIVE supports.
	  It uses the hardware chip selects, supports dual and quad
	  transfers of 8-bit words, and gates the controller clock through
	  runtime PM while the bus is idle.

	  To compile this driver as a module, choose M here: the module
	  will be called spi_sifive_rs.'

MAINT_SPI='M:	'"$IDENT"'
L:	linux-spi@vger.kernel.org
L:	rust-for-linux@vger.kernel.org
S:	Maintained'
MAINT_DRIVER='M:	'"$IDENT"'
L:	linux-spi@vger.kernel.org
L:	rust-for-linux@vger.kernel.org
S:	Maintained
F:	drivers/spi/spi_sifive_rs/'

# F: lines for a step's kernel-crate files: each module file, each module
# directory, each helper.
file_patterns() { # step
	local f
	while IFS= read -r f; do
		[ -n "$f" ] || continue
		case $f in
		rust/kernel/*/*) echo "rust/kernel/$(cut -d/ -f3 <<<"$f")/" ;;
		*) echo "$f" ;;
		esac
	done <<<"${files_of[$1]}" | sort -u
}

# The driver's source as it goes in-tree: without the benchmark variants,
# which only the out-of-tree build makes (--cfg from its Kbuild). They are the
# blocks between "// Benchmark variants (out-of-tree builds only): begin" and
# "// Benchmark variants: end", and the #[cfg(not(spi_sifive_rs_...))] lines
# of the items they replace. rustfmt then tidies the blank lines left.
in_tree_driver_source() {
	local out
	out=$(awk '
		/^[ \t]*\/\/ Benchmark variants \(out-of-tree builds only\): begin$/ { if (skip) exit 1; skip = 1; next }
		/^[ \t]*\/\/ Benchmark variants: end$/ { if (!skip) exit 1; skip = 0; next }
		skip { next }
		/^[ \t]*#\[cfg\(not\(spi_sifive_rs_[a-z_]+\)\)\]$/ { next }
		{ print }
		END { if (skip) exit 1 }') || die "unbalanced benchmark variant markers in the driver"
	grep -q 'spi_sifive_rs_' <<<"$out" && die "the in-tree driver would keep a variant cfg: $(grep -m1 'spi_sifive_rs_' <<<"$out")"
	"$RUSTFMT_BIN" --edition 2021 --config-path "$rustfmt_toml" <<<"$out" || die "rustfmt failed on the in-tree driver source"
}

# --- The series ------------------------------------------------------------

export GIT_INDEX_FILE=$repo/spi-rs-index
rustfmt_toml=$(mktemp)
trap 'rm -f "$GIT_INDEX_FILE" "$rustfmt_toml"' EXIT

pristine() { git show "$base:$1"; }
put() { # PATH: stdin becomes the content of PATH in the index
	local blob
	blob=$(git hash-object -w --stdin)
	git update-index --add --cacheinfo "100644,$blob,$1"
}
need "$RUSTFMT_BIN"
pristine .rustfmt.toml >"$rustfmt_toml"

parent=$base
for s in "${steps[@]}"; do
	git read-tree "$base"
	mods=() helpers=() binds="" maint=$(pristine MAINTAINERS)
	for t in "${steps[@]}"; do
		[ "$t" -le "$s" ] || break
		while IFS= read -r f; do
			[ -n "$f" ] || continue
			case $f in
			rust/spi_sifive_rs/*) dest=drivers/spi/spi_sifive_rs/${f#rust/spi_sifive_rs/} ;;
			*) dest=$f ;;
			esac
			git cat-file -e "$base:$dest" 2>/dev/null && die "$f would overwrite $dest of the kernel tree"
			case $f in
			rust/spi_sifive_rs/*.rs) in_tree_driver_source <"$f" | put "$dest" ;;
			*) put "$dest" <"$f" ;;
			esac
			case $f in
			rust/kernel/*/*) ;;
			rust/kernel/*.rs) m=${f#rust/kernel/}; mods+=("${m%.rs}") ;;
			rust/helpers/*.c) helpers+=("${f#rust/helpers/}") ;;
			esac
		done <<<"${files_of[$t]:-}"
		binds+=${bind_of[$t]:-}
		d=$(diff_of "$t")
		if [ -n "$d" ]; then
			# Applied to the index: the diff must apply to the pristine files.
			git apply --cached --whitespace=error-all "$d" || die "$d does not apply to the pristine tree"
		fi
		# A step that only changes existing files keeps their MAINTAINERS entries.
		[ -n "${files_of[$t]:-}" ] || continue
		entry=$(maintainers_existing "$t")
		case $t in
		5) maint=$(maintainers_add_entry "SPI SUBSYSTEM [RUST]" "$MAINT_SPI"$'\n'"$(file_patterns "$t" | sed 's/^/F:\t/')" <<<"$maint") ||
			die "cannot add the SPI [RUST] entry to MAINTAINERS" ;;
		6) maint=$(maintainers_add_entry "SIFIVE SPI CONTROLLER DRIVER [RUST]" "$MAINT_DRIVER" <<<"$maint") ||
			die "cannot add the driver's entry to MAINTAINERS" ;;
		*) [ -n "$entry" ] || die "step $t has no MAINTAINERS entry"
			maint=$(maintainers_add_files "$entry" "$(file_patterns "$t")" <<<"$maint") ||
				die "cannot add F: lines to MAINTAINERS entry '$entry'" ;;
		esac
		if [ "$t" = 6 ]; then
			printf '# SPDX-License-Identifier: GPL-2.0\n\nobj-$(CONFIG_SPI_SIFIVE_RUST) += spi_sifive_rs.o\n' |
				put drivers/spi/spi_sifive_rs/Makefile
			pristine drivers/spi/Kconfig | edit_spi_kconfig "$KCONFIG_ENTRY" | put drivers/spi/Kconfig ||
				die "cannot place SPI_SIFIVE_RUST after SPI_SIFIVE in drivers/spi/Kconfig"
			pristine drivers/spi/Makefile | edit_spi_makefile 'obj-$(CONFIG_SPI_SIFIVE_RUST)' spi_sifive_rs/ |
				put drivers/spi/Makefile || die "cannot place the driver after spi-sifive in drivers/spi/Makefile"
		fi
	done
	printf '%s\n' "$maint" | put MAINTAINERS
	if [ ${#mods[@]} -gt 0 ]; then
		pristine rust/kernel/lib.rs | edit_lib_rs "${mods[@]}" | put rust/kernel/lib.rs
	fi
	if [ ${#helpers[@]} -gt 0 ]; then
		pristine rust/helpers/helpers.c | edit_helpers_c "${helpers[@]}" | put rust/helpers/helpers.c
	fi
	if [ -n "$binds" ]; then
		pristine rust/bindings/bindings_helper.h | edit_bindings_h "$binds" | put rust/bindings/bindings_helper.h
	fi
	tree=$(git write-tree)
	[ "$tree" != "$(git rev-parse "$parent^{tree}")" ] || die "step $s changes nothing"
	msg=$(msgfile "$s")
	date="@$((base_date + s)) +0000"
	parent=$({ sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$msg"; printf '\nSigned-off-by: %s\n' "$IDENT"; } |
		GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git commit-tree -p "$parent" -F - "$tree")
done
git update-ref refs/heads/series "$parent"

format_series refs/heads/series "$base" "$cover" "$out" "@$((base_date + NSTEPS + 1)) +0000" "$key"
echo "$out"
