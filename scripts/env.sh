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
LLVM_BIN=/usr/lib/llvm-19/bin

# Kernel builds use Debian's rustc-web (its library source sits in /usr),
# never rustup's, so ~/.cargo/bin stays off PATH for them.
kernel_env() {
	PATH=$LLVM_BIN:$(echo "$PATH" | tr ':' '\n' | grep -v '/\.cargo/bin' | paste -sd:)
	export PATH LIBCLANG_PATH=/usr/lib/llvm-19/lib
}
KMAKE_VARS=(ARCH=riscv LLVM=1 RUSTC=/usr/bin/rustc "BINDGEN=$BINDGEN"
	RUSTFMT=/usr/bin/rustfmt CLIPPY_DRIVER=/usr/bin/clippy-driver)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }
note() { echo "$(basename "$0"): $*" >&2; }

# Makes the cache directory or says in one line why it cannot.
ensure_cache() {
	mkdir -p "$CACHE" 2>/dev/null || die "cannot create cache directory $CACHE (set CACHE=<writable dir>)"
	[ -w "$CACHE" ] || die "cache directory $CACHE is not writable (set CACHE=<writable dir>)"
}

# Hash of files' contents and names, for cache keys.
hash_inputs() {
	local f
	for f in "$@"; do
		[ -e "$f" ] || continue
		echo "$f"
		if [ -d "$f" ]; then
			(cd "$f" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
		else
			sha256sum <"$f"
		fi
	done | sha256sum | cut -c1-16
}
