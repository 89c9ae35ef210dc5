# SPDX-License-Identifier: GPL-2.0
# Sourced by run-cases.sh and mkinitramfs.sh: each case's time budget, the
# one number both the guest (which kills a case at it) and the host (which
# stops a boot whose guest cannot) go by.
# shellcheck shell=bash

# A case's budget in seconds: its "# timeout: S" line, else 300.
case_budget() { # CASE
	local s
	s=$(sed -n 's/^# timeout: *\([0-9]*\)$/\1/p' "$TOP/qemu/guest/tests/$1.sh")
	echo "${s:-300}"
}
