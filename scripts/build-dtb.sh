#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Compiles a board DTS from dts/ with dtc (through cpp, so variants can
# #include the base tree). Usage: build-dtb.sh NAME OUT.dtb
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 2 ] || die "usage: build-dtb.sh NAME OUT.dtb"
dts=$TOP/dts/$1.dts
[ -f "$dts" ] || die "no board tree '$1' (have: $(cd "$TOP/dts" && ls ./*.dts | sed 's|^\./||; s/\.dts$//' | paste -sd' '))"
need "$DTC_BIN" /usr/bin/cpp
mkdir -p "$(dirname "$2")"
cpp -nostdinc -undef -x assembler-with-cpp -I "$TOP/dts" "$dts" |
	"$DTC_BIN" -q -I dts -O dtb -o "$2" - || die "dtc failed on $dts"
