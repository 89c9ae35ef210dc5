# SPDX-License-Identifier: GPL-2.0
# Sourced by the other scripts: paths and pinned versions, nothing else.
# shellcheck shell=bash disable=SC2034 # the variables are used by the sourcing scripts

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/spi-sifive-rs}

# Versions the project was developed on; newer ones are accepted with a note.
KERNEL_PKG=linux-source-7.3
KERNEL_PKG_VERSION=7.3.4-1~bpo13+1
KERNEL_SUITE=trixie-backports
BUSYBOX_SUITE=trixie
BINDGEN_VERSION=0.73.2

BINDGEN=$CACHE/tools/bindgen-$BINDGEN_VERSION/bin/bindgen
# Clang of the LLVM that rustc-web is built on (22.1), so that the C helpers
# can be inlined into Rust objects (CONFIG_RUST_INLINE_HELPERS).
LLVM_MAJOR=22
LLVM_BIN=/usr/lib/llvm-$LLVM_MAJOR/bin
LIBCLANG_DIR=/usr/lib/llvm-$LLVM_MAJOR/lib

# The tools the scripts call, at the paths they call them by. Each may be
# pointed elsewhere from the environment (e.g. to check that a missing tool
# is reported as missing: RUSTFMT_BIN=/nonexistent make test).
RUSTC_BIN=${RUSTC_BIN:-/usr/bin/rustc}
RUSTFMT_BIN=${RUSTFMT_BIN:-/usr/bin/rustfmt}
CARGO_BIN=${CARGO_BIN:-/usr/bin/cargo}
CLIPPY_DRIVER_BIN=${CLIPPY_DRIVER_BIN:-/usr/bin/clippy-driver}
QEMU_BIN=${QEMU_BIN:-/usr/bin/qemu-system-riscv64}
SHELLCHECK_BIN=${SHELLCHECK_BIN:-/usr/bin/shellcheck}
CROSS_CC_BIN=${CROSS_CC_BIN:-/usr/bin/riscv64-linux-gnu-gcc}
DTC_BIN=${DTC_BIN:-/usr/bin/dtc}

# "path  package that provides it" for every tool above and the ones the
# kernel build needs; scripts/check-tools.sh verifies all of them.
TOOLS=(
	"$RUSTC_BIN rustc-web"
	"$RUSTFMT_BIN rustfmt-web"
	"$CARGO_BIN cargo-web"
	"$CLIPPY_DRIVER_BIN rust-web-clippy"
	"/usr/bin/cargo-clippy rust-web-clippy"
	"/usr/lib/rustlib/src/rust/library/core/src/lib.rs rust-web-src"
	"$LLVM_BIN/clang clang-$LLVM_MAJOR"
	"$LLVM_BIN/ld.lld lld-$LLVM_MAJOR"
	"$LLVM_BIN/llvm-objcopy llvm-$LLVM_MAJOR"
	"$LLVM_BIN/llvm-link llvm-$LLVM_MAJOR"
	"$LLVM_BIN/llvm-nm llvm-$LLVM_MAJOR"
	"$LIBCLANG_DIR/libclang.so libclang-$LLVM_MAJOR-dev"
	"$BINDGEN bindgen-cli(crates.io)"
	"$QEMU_BIN qemu-system-misc(bookworm-backports)"
	"/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin opensbi"
	"$SHELLCHECK_BIN shellcheck"
	"$CROSS_CC_BIN gcc-riscv64-linux-gnu"
	"/usr/riscv64-linux-gnu/lib/libc.a libc6-dev-riscv64-cross"
	"$DTC_BIN device-tree-compiler"
	"/usr/bin/cpp cpp"
	"/usr/bin/bc bc"
	"/usr/bin/flex flex"
	"/usr/bin/bison bison"
	"/usr/bin/cpio cpio"
	"/usr/bin/pkill procps"
	"/usr/bin/make make"
	"/usr/bin/perl perl"
	"/usr/include/libelf.h libelf-dev"
	"/usr/include/mtd/mtd-user.h linux-libc-dev"
	"/usr/include/openssl/ssl.h libssl-dev"
	"/usr/lib/python3/dist-packages/ply/__init__.py python3-ply"
	"/usr/lib/python3/dist-packages/git/__init__.py python3-git"
)

# Kernel builds use Debian's rustc-web (its library source sits in /usr),
# never rustup's, so ~/.cargo/bin stays off PATH for them.
kernel_env() {
	PATH=$LLVM_BIN:$(echo "$PATH" | tr ':' '\n' | grep -v '/\.cargo/bin' | paste -sd:)
	export PATH LIBCLANG_PATH=$LIBCLANG_DIR
}
KMAKE_VARS=(ARCH=riscv LLVM=1 "RUSTC=$RUSTC_BIN" "BINDGEN=$BINDGEN"
	"RUSTFMT=$RUSTFMT_BIN" "CLIPPY_DRIVER=$CLIPPY_DRIVER_BIN")

# Our module builds against those kernels, one directory per toolchain too,
# and per checkout: the boots link the modules from here, so two clones
# building at once (a make test beside a make bench) must not share them.
MODULE_CACHE=$CACHE/module-llvm$LLVM_MAJOR/checkout-$(printf '%s' "$TOP" | sha256sum | cut -c1-12)

# The directory that holds the kernel builds of one kernel version: one per
# toolchain, since kbuild does not rebuild objects when the compiler changes.
kernel_build_root() { # VERSION
	echo "$CACHE/build/$(echo "$1" | tr -c 'A-Za-z0-9.\n-' '_')-llvm$LLVM_MAJOR"
}

# The configuration fragment that inlines the C helpers into Rust objects
# (CONFIG_RUST_INLINE_HELPERS), printed if the kernel tree SRC allows it on
# riscv (from fixes/08 on), nothing otherwise: the test kernels and each
# commit of the series check decide by the same test.
inline_helpers_fragment() { # SRC
	[ -f "$1/lib/Kconfig.debug" ] || die "$1/lib/Kconfig.debug missing: not a kernel tree"
	if sed -n '/^config RUST_INLINE_HELPERS$/,/^$/p' "$1/lib/Kconfig.debug" |
		grep -q -E '^\s*depends on .*\<RISCV\>'; then
		echo "$TOP/qemu/kconfig/inline-helpers.config"
	fi
}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
# Stops with "missing", not with a failed check, when a tool is absent.
need() { # PATH...
	local t
	for t in "$@"; do
		[ -x "$t" ] || die "missing tool: $t is not installed (run: make deps)"
	done
}
note() { echo "$(basename "$0"): $*" >&2; }

# The identity both patch series (make-patches.sh, make-fixes.sh) are made with.
IDENT_NAME="Seed 9805a112 maintainers"
IDENT_EMAIL="maintainers@users.noreply.h-seed-9805a112.example"

# Makes the cache directory or says in one line why it cannot.
ensure_cache() {
	mkdir -p "$CACHE" 2>/dev/null || die "cannot create cache directory $CACHE (set CACHE=<writable dir>)"
	[ -w "$CACHE" ] || die "cache directory $CACHE is not writable (set CACHE=<writable dir>)"
}

# Writes the commits BASE..REF of the repository in GIT_DIR as a git
# format-patch series into OUT (replacing what was there), with a cover letter
# whose subject and blurb come from the file COVER and whose date is DATE, and
# stamps OUT with KEY.
format_series() { # REF BASE COVER OUT DATE KEY
	local ref=$1 base=$2 cover=$3 out=$4 date=$5 key=$6 tmp
	git config "branch.${ref#refs/heads/}.description" "$(cat "$cover")"
	mkdir -p "$out"
	tmp=$(mktemp -d "$TOP/build/.patches.XXXXXX")
	if ! GIT_COMMITTER_DATE=$date git format-patch -q --cover-letter \
		--cover-from-description=subject -o "$tmp" "$base..$ref"; then
		rm -rf "$tmp"
		die "git format-patch of $ref failed"
	fi
	rm -f "$out"/*.patch "$out/.stamp"
	mv "$tmp"/*.patch "$out/"
	rmdir "$tmp"
	echo "$key" >"$out/.stamp"
}

# Hash of files' contents and names, for cache keys. A name inside the
# checkout counts relative to it: two clones of one commit share the cache.
hash_inputs() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || continue
		echo "${f#"$TOP"/}"
		if [ -d "$f" ]; then
			(cd "$f" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
		else
			sha256sum <"$f"
		fi
	done | sha256sum | cut -c1-16
}
