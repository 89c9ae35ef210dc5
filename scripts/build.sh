#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds everything a boot needs and links the artefacts into build/ (or ART):
#   build/kernel (kernel build dir), build/Image, build/modules/*.ko (the
#   kernel's modules, with the C spi-sifive.ko, and ours), build/sifive-u.dtb,
#   build/busybox.
# Extra arguments go to the module build (e.g. CLIPPY=1).
set -euo pipefail
. "$(dirname "$0")/env.sh"

"$TOP/scripts/install-deps.sh"
kbuild=$("$TOP/scripts/build-kernel.sh")
# One module build per kernel build (their configurations differ).
mod=$MODULE_CACHE/$(basename "$kbuild")
"$TOP/scripts/build-module.sh" "$kbuild" "$mod" "$@"

art=${ART:-$TOP/build}
mkdir -p "$art/modules"
ln -sfn "$kbuild" "$art/kernel"
ln -sfn "$kbuild/arch/riscv/boot/Image" "$art/Image"
rm -rf "$art"/modules/*.ko "$art"/modules/variants
find "$kbuild/modinst" -name '*.ko' -exec ln -sfn {} "$art/modules/" \;
ln -sfn "$mod/rust/spi_sifive_rs/spi_sifive_rs.ko" "$art/modules/spi_sifive_rs.ko"
ln -sfn "$mod/rust/spi_rs_client/spi_rs_client.ko" "$art/modules/spi_rs_client.ko"
[ -f "$art/modules/spi-sifive.ko" ] || die "the kernel's spi-sifive.ko is missing from the build"
[ -f "$art/modules/spi_sifive_rs.ko" ] || die "spi_sifive_rs.ko was not built"
[ -f "$art/modules/spi_rs_client.ko" ] || die "spi_rs_client.ko was not built"
ln -sfn "$("$TOP/scripts/fetch-busybox.sh")" "$art/busybox"
"$TOP/scripts/build-dtb.sh" sifive-u "$art/sifive-u.dtb"
"$TOP/scripts/build-guest-tools.sh" "$art/guest-tools"
