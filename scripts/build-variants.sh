#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds variant builds of our driver (benchmark only: the same source with a
# Kbuild --cfg, see rust/spi_sifive_rs/Kbuild) against a kernel build, and
# links them as build/modules/variants/VARIANT/spi_sifive_rs.ko (build/ or
# ART), where the initramfs picks them up.
# Usage: build-variants.sh KBUILD_DIR VARIANT...
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -ge 2 ] || die "usage: build-variants.sh KBUILD_DIR VARIANT..."
kbuild=$1
shift
art=${ART:-$TOP/build}
rm -rf "$art/modules/variants"
for v in "$@"; do
	out=$CACHE/module/$(basename "$kbuild")-variant-$v
	"$TOP/scripts/build-module.sh" "$kbuild" "$out" "SPI_SIFIVE_RS_VARIANT=$v"
	mkdir -p "$art/modules/variants/$v"
	ln -sfn "$out/rust/spi_sifive_rs/spi_sifive_rs.ko" "$art/modules/variants/$v/spi_sifive_rs.ko"
done
