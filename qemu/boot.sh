#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boots QEMU's sifive_u board once and records the serial console.
#
# Usage: boot.sh IMAGE INITRD DTB FLASH_IMG LOG [EXTRA_APPEND]
# Env: BOOT_TIMEOUT (s, default 600), INTERACTIVE=1 (console on this
# terminal, no time limit), QEMU_EXTRA (more QEMU arguments).
# Exit: 0 if QEMU ended by itself, 124 on the time limit.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

[ $# -ge 5 ] || die "usage: boot.sh IMAGE INITRD DTB FLASH_IMG LOG [APPEND]"
image=$1 initrd=$2 dtb=$3 flash=$4 log=$5 extra=${6:-}
for f in "$image" "$initrd" "$dtb" "$flash"; do
	[ -f "$f" ] || die "$f: no such file"
done
[ "$(stat -c %s "$flash")" -eq $((32 << 20)) ] || die "$flash must be exactly 32 MiB (QEMU's is25wp256)"

need "$QEMU_BIN"
# unaligned_scalar_speed: what the kernel's boot-time probe finds on this
# board anyway ("fast"), without the probe's 10 s under the debug kernel.
# shellcheck disable=SC2206 # QEMU_EXTRA is a list of words by design
qemu=("$QEMU_BIN" -M sifive_u -smp 3 -m 512M -nographic -no-reboot
	-bios default -kernel "$image" -initrd "$initrd" -dtb "$dtb"
	-drive "if=mtd,format=raw,file=$flash"
	-append "console=ttySIF0 earlycon=sbi printk.devkmsg=on log_buf_len=16M panic=-1 unaligned_scalar_speed=fast $extra"
	${QEMU_EXTRA:-})

if [ "${INTERACTIVE:-0}" = 1 ]; then
	exec "${qemu[@]}"
fi
rc=0
timeout -k 5 "${BOOT_TIMEOUT:-600}" "${qemu[@]}" </dev/null >"$log" 2>&1 || rc=$?
exit "$rc"
