# SPDX-License-Identifier: GPL-2.0
# Benchmark part two (make bench): the idle-teardown contrast of
# tests/idle-teardown-contrast.sh for ROUNDS rounds, the CONTRAST_VARIANTS
# alternating (round R starts at the R-th, see round_order), and the Rust
# client's synchronous 4-byte messages, prebuilt, sent plain and optimized
# once (its own alternating rounds). Prints "contrast" and "timing" lines;
# bench.sh collects them for the report and counts them.
# timeout: 1800
. /etc/bench.conf
T=/sys/kernel/tracing
grep -qx __spi_pump_messages $T/available_filter_functions ||
	fail "__spi_pump_messages cannot be traced in this kernel (inlined?)"
[ -n "${CONTRAST_VARIANTS:-}" ] || fail "/etc/bench.conf sets no CONTRAST_VARIANTS"
# A round runs in this shell with its output in a file, not in a pipeline:
# fail() in it must end this case, not a pipeline's subshell (which would
# drop the round from the report and pass). The trap shows the failed
# round's output.
out=/tmp/bench-contrast.round
trap 'cat "$out" 2>/dev/null' EXIT
round=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	# shellcheck disable=SC2086 # one word per variant
	round_order "$round" $CONTRAST_VARIANTS
	for v in $ORDER; do
		name=${v%%:*}
		teardown_contrast "$name" "${v#*:}" 2000 >"$out" ||
			fail "contrast round $round, $name: exit code $?"
		grep -q "^contrast $name: " "$out" || fail "contrast round $round, $name: no contrast line"
		sed "s/^contrast /contrast round $round /" "$out"
		rm -f "$out"
	done
done
trap - EXIT
for m in spi_sifive_rs spi_sifive; do
	grep -q "^$m " /proc/modules && rmmod $m
done
load_bench_variant spi_sifive_rs
client_start count=0 timing="$MSGS"
client_wait
dmesg | tail -n +$((CLIENT_LOG_FROM + 1)) | grep 'spi_rs_client: timing round' |
	sed 's/.*spi_rs_client: //'
client_stop
