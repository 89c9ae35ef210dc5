#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the guest initramfs: busybox, the guest init and test library, the
# listed test cases, our C tools, the SPI driver modules.
#
# Usage: mkinitramfs.sh OUT.cpio.gz KBUILD_DIR DRIVER CASE...
#   DRIVER: module the cases load for the flash (spi-sifive or spi_sifive_rs)
# Files in $INITRAMFS_EXTRA (dir) are added under /etc. ART: the artefacts
# directory (default build/) whose modules and guest tools go in.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
. "$TOP/qemu/plan.sh"

[ $# -ge 3 ] || die "usage: mkinitramfs.sh OUT KBUILD_DIR DRIVER CASE..."
out=$1 kbuild=$2 driver=$3
shift 3
guest=$TOP/qemu/guest
art=${ART:-$TOP/build}
gen=$kbuild/usr/gen_init_cpio
[ -x "$gen" ] || die "$gen missing: build the kernel first"
busybox=$("$TOP/scripts/fetch-busybox.sh")
# kselftest's KTAP helpers, from the kernel source the test kernels come from.
ktap_helpers=$("$TOP/scripts/fetch-kernel.sh")/tools/testing/selftests/kselftest/ktap_helpers.sh
[ -f "$ktap_helpers" ] || die "$ktap_helpers missing from the kernel source"
"$TOP/scripts/build-guest-tools.sh" "$art/guest-tools"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
list=$work/list
{
	for d in /bin /dev /etc /lib /modules /proc /sys /tmp /tests /root; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "file /bin/busybox $busybox 0755 0 0"
	echo "file /init $guest/init 0755 0 0"
	echo "file /lib/testlib.sh $guest/testlib.sh 0644 0 0"
	echo "file /lib/ktap_helpers.sh $ktap_helpers 0644 0 0"
	for t in "$art"/guest-tools/*; do
		[ -f "$t" ] || continue # host/: the host's tools
		echo "file /bin/$(basename "$t") $t 0755 0 0"
	done
	for m in "$art"/modules/*.ko; do
		[ -e "$m" ] || continue
		echo "file /modules/$(basename "$m") $(realpath "$m") 0644 0 0"
	done
	# Variant builds of our driver (make bench), as /modules/VARIANT/NAME.ko.
	for d in "$art"/modules/variants/*/; do
		[ -d "$d" ] || continue
		v=$(basename "$d")
		echo "dir /modules/$v 0755 0 0"
		for m in "$d"*.ko; do
			[ -e "$m" ] && echo "file /modules/$v/$(basename "$m") $(realpath "$m") 0644 0 0"
		done
	done
	for c in "$@"; do
		[ -f "$guest/tests/$c.sh" ] || die "no test case '$c' in qemu/guest/tests"
		echo "file /tests/$c.sh $guest/tests/$c.sh 0644 0 0"
	done
	# The plan: one "CASE BUDGET" line per case, in order.
	for c in "$@"; do
		echo "$c $(case_budget "$c")"
	done >"$work/plan"
	echo "file /etc/plan $work/plan 0644 0 0"
	echo "$driver" >"$work/driver"
	echo "file /etc/driver $work/driver 0644 0 0"
	if [ -n "${INITRAMFS_EXTRA:-}" ]; then
		for f in "$INITRAMFS_EXTRA"/*; do
			echo "file /etc/$(basename "$f") $f 0644 0 0"
		done
	fi
} >"$list"
"$gen" "$list" | gzip -1 >"$out" || die "gen_init_cpio failed"
