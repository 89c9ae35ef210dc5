#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds variant builds of our driver (benchmark only) against a kernel build:
# each is the driver's source with one overlay, series/variants/VARIANT.diff,
# applied to a copy, so the driver that ships carries no variant code. Links
# them as build/modules/variants/VARIANT/spi_sifive_rs.ko (build/ or ART),
# where the initramfs picks them up.
# Usage: build-variants.sh KBUILD_DIR VARIANT...
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -ge 2 ] || die "usage: build-variants.sh KBUILD_DIR VARIANT..."
# The build directory itself, not a link to it (build/kernel): the variants'
# source and object directories are named after it, and make bench's kernel
# and make test's must not share them.
kbuild=$(readlink -f "$1")
shift
art=${ART:-$TOP/build}
rm -rf "$art/modules/variants"
for v in "$@"; do
	overlay=$TOP/series/variants/$v.diff
	[ -f "$overlay" ] || die "no variant '$v' (have: $(cd "$TOP/series/variants" && ls -- *.diff | sed 's/\.diff$//' | paste -sd' '))"
	src=$MODULE_CACHE/$(basename "$kbuild")-variant-src-$v
	rm -rf "$src"
	mkdir -p "$src/rust"
	cp -r "$TOP/rust/spi_sifive_rs" "$src/rust/"
	echo 'obj-m += rust/spi_sifive_rs/' >"$src/Kbuild"
	patch -s -p1 -d "$src" --no-backup-if-mismatch <"$overlay" ||
		die "$overlay does not apply to the driver's source: regenerate it"
	out=$MODULE_CACHE/$(basename "$kbuild")-variant-$v
	MODULE_SRC=$src "$TOP/scripts/build-module.sh" "$kbuild" "$out"
	mkdir -p "$art/modules/variants/$v"
	ln -sfn "$out/rust/spi_sifive_rs/spi_sifive_rs.ko" "$art/modules/variants/$v/spi_sifive_rs.ko"
done
