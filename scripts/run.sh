#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make run / make shell: boots the board with DRIVER bound to the flash and
# shows it working (probe line, /proc/mtd, a read). INTERACTIVE=1 leaves a
# shell on the console afterwards.
set -euo pipefail
. "$(dirname "$0")/env.sh"

driver=${1:-spi_sifive_rs}
logs=$TOP/build/logs
mkdir -p "$logs"
kbuild=$(readlink -f "$TOP/build/kernel")
flash=$TOP/build/flash.img
if [ ! -f "$flash" ]; then
	"$TOP/qemu/erased-flash.sh" "$flash"
fi
# The guest has no clock: tell it the host's date for the demo's message.
export INITRAMFS_EXTRA=$logs/run-extra
mkdir -p "$INITRAMFS_EXTRA"
date -u '+%Y-%m-%d %H:%M:%S UTC' >"$INITRAMFS_EXTRA/host-date"
"$TOP/qemu/mkinitramfs.sh" "$logs/run.cpio.gz" "$kbuild" "$driver" demo
"$TOP/scripts/build-dtb.sh" sifive-u "$logs/run.dtb"
if [ "${INTERACTIVE:-0}" = 1 ]; then
	exec "$TOP/qemu/boot.sh" "$kbuild/arch/riscv/boot/Image" "$logs/run.cpio.gz" "$logs/run.dtb" \
		"$flash" /dev/null spi_rs.shell
fi
echo "booting QEMU sifive_u with $driver (flash image: $flash)..."
rc=0
BOOT_TIMEOUT=300 "$TOP/qemu/boot.sh" "$kbuild/arch/riscv/boot/Image" "$logs/run.cpio.gz" \
	"$logs/run.dtb" "$flash" "$logs/run.log" || rc=$?
tr -d '\r' <"$logs/run.log" | sed -n 's/^\[ *[0-9.]*\] spi-rs: # \{0,1\}//p' | grep -v '^KTAP\|^1\.\.\|^spi-rs: end of plan'
grep -q 'spi-rs: ok 1 demo' "$logs/run.log" ||
	die "the demo failed (QEMU exit $rc); serial log: $logs/run.log"
