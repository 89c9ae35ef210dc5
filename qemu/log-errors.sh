#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lists the error lines of a boot's serial log that no test case asked for:
# runtime PM trouble (usage count underflow, "Failed to power device") and
# error messages of the SPI and MTD stack (the core, our driver and the C
# one, spi-nor, spidev, mtd), such as a child driver's failed I/O.
#
# A case that provokes such a line on purpose says so first, with a KTAP
# diagnostic "# expected-log: ERE"; that pattern then excuses matching lines
# until the case's result line.
#
# Usage: log-errors.sh LOG
# Prints "CASE<TAB>line" per unexcused line: CASE is the number of the case
# whose run printed it, 0 outside any case (boot, probe, shutdown).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: log-errors.sh LOG" >&2; exit 2; }
errors='runtime pm usage count underflow|failed to power device|^(spi[-_a-z0-9]*|sifive_spi|mtd[-_a-z0-9]*) [^ ]+: .*(fail|error|timed out|underflow|unbalanced|bad )'

tr -d '\r' <"$1" | sed -n 's/^\[ *[0-9.]*\] //p' >"$1.msgs"
trap 'rm -f "$1.msgs"' EXIT
awk -v errors="$errors" '
	# The case running at each line: after the plan line, the one after the last result.
	function track(line) {
		if (line ~ /^spi-rs: 1\.\.[0-9]+$/) { in_plan = 1; done = 0; return 1 }
		if (line ~ /^spi-rs: # spi-rs: end of plan/) { in_plan = 0; return 1 }
		if (line ~ /^spi-rs: (not )?ok [0-9]+ /) {
			split(line, w, " "); done = (w[2] == "not" ? w[4] : w[3]) + 0; return 1
		}
		return line ~ /^spi-rs: /
	}
	function current() { return in_plan ? done + 1 : 0 }
	FNR == NR {
		if (track($0)) {
			if (sub(/^spi-rs: # expected-log: /, "")) allowed[current()] = allowed[current()] "|(" $0 ")"
		}
		next
	}
	FNR == 1 { in_plan = 0; done = 0 }
	{
		if (track($0)) next
		if (tolower($0) !~ errors) next
		c = current()
		if (c in allowed && $0 ~ substr(allowed[c], 2)) next
		print c "\t" $0
	}
' "$1.msgs" "$1.msgs"
