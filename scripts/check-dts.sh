#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks that dts/sifive-u.dts compiles to the same tree QEMU generates for
# the board (-machine dumpdtb=), so booting with -dtb changes nothing.
set -euo pipefail
. "$(dirname "$0")/env.sh"

need "$QEMU_BIN" "$DTC_BIN"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$QEMU_BIN" -M sifive_u,dumpdtb="$tmp/qemu.dtb" -smp 3 -m 512M -nographic >/dev/null 2>&1 ||
	die "$QEMU_BIN could not dump the sifive_u tree"
"$TOP/scripts/build-dtb.sh" sifive-u "$tmp/ours.dtb"
"$DTC_BIN" -q -I dtb -O dts "$tmp/qemu.dtb" >"$tmp/qemu.dts"
"$DTC_BIN" -q -I dtb -O dts "$tmp/ours.dtb" >"$tmp/ours.dts"
if ! diff -u "$tmp/qemu.dts" "$tmp/ours.dts" >"$tmp/diff"; then
	cat "$tmp/diff" >&2
	die "dts/sifive-u.dts differs from QEMU's own sifive_u tree (diff above)"
fi
echo "dts/sifive-u.dts matches QEMU's sifive_u tree"
