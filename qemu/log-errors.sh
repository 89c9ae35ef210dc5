#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Lists the error lines of a boot's serial log that no test case asked for:
#  - runtime PM trouble (usage count underflow, "Failed to power device");
#  - error messages of the SPI and MTD stack (the core, the C driver,
#    spi-nor, spidev, mtd), such as a child driver's failed I/O;
#  - every line of our own modules (spi_sifive_rs, spi_rs_client,
#    rust_driver_spi) but their few informational ones, listed below;
#  - a wrong interrupt handler ("irq N: nobody cared", "Disabling IRQ #N");
#  - lockdep refusing a lock or switching itself off;
#  - hung tasks and RCU stalls (also splats; listed here with their case);
#  - a device probed with its DMA mask pointer cleared ("DMA mask not set");
#  - work of our code (the kernel::spi abstractions, our modules) queued on a
#    workqueue the kernel deprecates (system_wq and system_unbound_wq in
#    7.3). The kernel warns once per boot, for the first such work: 7.3's own
#    kernel-crate tests (KUnit boots) use system_wq, and are not ours.
#
# A case that provokes such a line on purpose says so first, with a KTAP
# diagnostic "# expected-log: ERE" (testlib's expect_log); the pattern then
# excuses matching lines from its declaration to the case's result line, not
# before it. "# expected-log n=COUNT: ERE" also wants exactly COUNT matching
# lines in that span; "n=@TAG" wants as many as every other pattern of the
# case with the same tag (lines that come in pairs).
#
# Usage: log-errors.sh LOG
# Prints "CASE<TAB>line" per unexcused line or unmet count: CASE is the
# number of the case whose run printed it, 0 outside any case (boot, probe,
# after the last case's result, shutdown).
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: log-errors.sh LOG" >&2; exit 2; }
# Matched against the lower-cased message.
errors='runtime pm usage count underflow|failed to power device'
errors+='|^(spi[-_a-z0-9]*|sifive_spi|mtd[-_a-z0-9]*) [^ ]+: .*(fail|error|timed out|underflow|unbalanced|bad )'
errors+='|^irq [0-9]+: nobody cared|^disabling irq #[0-9]+'
errors+='|trying to register non-static key|turning off the locking correctness validator'
errors+='|^info: task .* blocked for more than|^rcu: .*(stall|detected stalls)'
# A device whose DMA mask pointer a driver cleared (of_dma_configure_id()).
errors+='|^[^ ]+ [^ ]+: dma mask not set$'
# Our work on a deprecated workqueue (__WQ_DEPRECATED), by the mangled name.
errors+='|^workqueue: work func [^ ]*(kernel3spi|spi_sifive_rs|spi_rs_client|rust_driver_spi)[^ ]* enqueued on deprecated workqueue'
# Our own modules: any line of theirs is an error but these (exact case).
ours='^(spi_sifive_rs|spi_rs_client|rust_driver_spi) [^ ]+: '
ours_info='^spi_sifive_rs [^ ]+: (registered|benchmark variant): '
ours_info+='|^spi_rs_client [^ ]+: spi_rs_client: (bound;|async sent |sync in done: |timing round |late send: ok$)'
ours_info+='|^rust_driver_spi [^ ]+: (write_then_read|spi_sync|spi_async): id |^rust_driver_spi [^ ]+: Unbind '

tr -d '\r' <"$1" | sed -n 's/^\[ *[0-9.]*\] //p' >"$1.msgs"
trap 'rm -f "$1.msgs"' EXIT
awk -v errors="$errors" -v ours="$ours" -v ours_info="$ours_info" '
	# The case running at each line: between the plan line and the last
	# planned result, the one after the last result; otherwise 0.
	function current() { return in_plan && done < planned ? done + 1 : 0 }
	# A case ended: the counts its declarations asked for.
	function close_case(   i, t, want) {
		for (i = 1; i <= npat; i++) {
			if (want_n[i] == "") continue
			if (want_n[i] ~ /^@/) {
				t = want_n[i]
				if (!(t in tag_first)) { tag_first[t] = i; continue }
				want = seen[tag_first[t]]
			} else {
				want = want_n[i] + 0
			}
			if (seen[i] != want)
				printf "%d\texpected-log n=%s: want %d line(s) matching /%s/ after its declaration, saw %d\n",
					done_case, want_n[i], want, pat[i], seen[i]
		}
		npat = 0
		delete tag_first
	}
	/^spi-rs: 1\.\.[0-9]+$/ { in_plan = 1; done = 0; planned = substr($0, 12) + 0; next }
	/^spi-rs: # spi-rs: end of plan/ { done_case = current(); close_case(); in_plan = 0; next }
	/^spi-rs: (not )?ok [0-9]+ / {
		split($0, w, " ")
		done_case = current(); close_case()
		done = (w[2] == "not" ? w[4] : w[3]) + 0
		next
	}
	/^spi-rs: # expected-log( n=[^:]+)?: / {
		line = $0
		sub(/^spi-rs: # expected-log/, "", line)
		npat++
		want_n[npat] = ""
		seen[npat] = 0
		if (match(line, /^ n=[^:]+/)) {
			want_n[npat] = substr(line, 4, RLENGTH - 3)
			line = substr(line, RLENGTH + 1)
		}
		pat[npat] = substr(line, 3)
		next
	}
	/^spi-rs: / { next }
	{
		excused = 0
		for (i = 1; i <= npat; i++)
			if ($0 ~ pat[i]) { seen[i]++; excused = 1 }
		if (excused) next
		if (tolower($0) ~ errors || ($0 ~ ours && $0 !~ ours_info))
			print current() "\t" $0
	}
' "$1.msgs"
