#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the kernel Image and in-tree modules in the cache.
#
# The build directory is keyed by kernel version and the set of config
# fragments (VARIANT, EXTRA_CONFIG); a stamp holds the hash of every input
# (fragment contents, the sources with our series applied), so an unchanged kernel is
# not even looked at by make, and a changed one is rebuilt incrementally.
# Prints the build directory.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache

VARIANT=${VARIANT:-base}
EXTRA_CONFIG=${EXTRA_CONFIG:-}
fragments=("$TOP/qemu/kconfig/base.config")
if [ "$VARIANT" != base ]; then
	[ -f "$TOP/qemu/kconfig/$VARIANT.config" ] ||
		die "unknown VARIANT '$VARIANT' (known: $(cd "$TOP/qemu/kconfig" && ls ./*.config | sed 's|^\./||; s/\.config$//' | paste -sd' '))"
	fragments+=("$TOP/qemu/kconfig/$VARIANT.config")
fi
name=$VARIANT
if [ -n "$EXTRA_CONFIG" ]; then
	[ -f "$EXTRA_CONFIG" ] || die "EXTRA_CONFIG=$EXTRA_CONFIG: no such file"
	EXTRA_CONFIG=$(realpath "$EXTRA_CONFIG")
	fragments+=("$EXTRA_CONFIG")
	name=$VARIANT-x$(hash_inputs "$EXTRA_CONFIG")
fi
# Without the fixes series (FIXES=0, see apply-series.sh): a build of its own.
[ "${FIXES:-1}" = 1 ] || name=$name-nofixes

"$TOP/scripts/install-bindgen.sh"
src=$("$TOP/scripts/fetch-kernel.sh")
version=$(cat "$src/.unpacked")
# The kernel-crate part of our patch series; its tree id names the sources.
tree=$("$TOP/scripts/apply-series.sh" "$src")
# The C helpers are inlined into Rust objects where the tree allows it on
# riscv (with the fixes series, fixes/08); an EXTRA_CONFIG can still turn it off.
inline=$(inline_helpers_fragment "$src")
[ -z "$inline" ] || fragments=("${fragments[0]}" "$inline" "${fragments[@]:1}")

out=$(kernel_build_root "$version")/$name
key=$(echo "$version $tree $(hash_inputs "${fragments[@]}")")
if [ -f "$out/arch/riscv/boot/Image" ] && [ "$(cat "$out/.spi-rs-stamp" 2>/dev/null)" = "$key" ]; then
	echo "$out"
	exit 0
fi

kernel_env
mkdir -p "$out"
rm -f "$out/.spi-rs-stamp"
kmake() { make -C "$src" O="$out" "${KMAKE_VARS[@]}" "$@"; }
log=$out/build.log

kmake rustavailable >"$log" 2>&1 || die "Rust toolchain not usable for the kernel: $(grep -m1 -i 'error\|not' "$log") (log: $log)"

"$TOP/scripts/kconfig.sh" "$src" "$out" "$log" "${fragments[@]}"

note "building kernel $version ($name) in $out; a cold build takes ~12 min on 2 cores"
kmake -j"$(nproc)" Image modules >>"$log" 2>&1 ||
	die "kernel build failed: $(grep -m3 -E 'error|Error' "$log" | tr '\n' ' ') (log: $log)"
rm -rf "$out/modinst"
kmake INSTALL_MOD_PATH="$out/modinst" modules_install >>"$log" 2>&1 || die "modules_install failed (log: $log)"
echo "$key" >"$out/.spi-rs-stamp"
echo "$out"
