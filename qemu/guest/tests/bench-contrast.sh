# SPDX-License-Identifier: GPL-2.0
# Benchmark part two (make bench): the idle-teardown contrast of
# tests/idle-teardown-contrast.sh for ROUNDS rounds, the variants alternating,
# and the Rust client's synchronous 4-byte messages, prebuilt, sent plain and
# optimized once (its own alternating rounds). Prints "contrast" and
# "timing" lines; bench.sh collects them for the report.
# timeout: 1800
. /etc/bench.conf
T=/sys/kernel/tracing
grep -qx __spi_pump_messages $T/available_filter_functions ||
	fail "__spi_pump_messages cannot be traced in this kernel (inlined?)"
round=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	for v in rust:spi_sifive_rs rust-unprepare:unprepare/spi_sifive_rs rust-musttx:musttx/spi_sifive_rs; do
		teardown_contrast "${v%%:*}" "${v#*:}" 2000 | sed "s/^contrast /contrast round $round /"
	done
done
for m in spi_sifive_rs spi_sifive; do
	grep -q "^$m " /proc/modules && rmmod $m
done
load_bench_variant spi_sifive_rs
client_start count=0 timing="$MSGS"
client_wait
dmesg | tail -n +$((CLIENT_LOG_FROM + 1)) | grep 'spi_rs_client: timing round' |
	sed 's/.*spi_rs_client: //'
client_stop
