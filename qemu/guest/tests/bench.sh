# SPDX-License-Identifier: GPL-2.0
# Benchmark workload (make bench): for each round, each variant in turn loads,
# runs idle-controller spi_sync() workloads under ftrace, and unloads, so
# machine noise hits all variants alike; round R starts at the R-th variant
# (round_order), so none always runs first. The trace is shipped at the end,
# after the CPU count (for the report).
#
# /etc/bench.conf sets ROUNDS, MSGS (4-byte READ ID messages per run), READS
# (4 KiB MTD reads per run) and VARIANTS (name:module, words; a module is a
# path under /modules without .ko, e.g. musttx/spi_sifive_rs for a variant
# build).
# timeout: 3000
. /etc/bench.conf
T=/sys/kernel/tracing
marker() { echo "BENCH $*" >$T/trace_marker; }

unload_all() {
	for m in spi_sifive_rs spi_sifive; do
		grep -q "^$m " /proc/modules && rmmod $m
	done
	return 0
}

echo 0 >$T/tracing_on
# Per CPU. 8 MiB overran in the -icount boot with 7 variants x 5 rounds, and
# spitrace refuses a trace that lost events.
echo 16384 >$T/buffer_size_kb
echo >$T/trace
for e in spi/spi_message_submit spi/spi_message_start spi/spi_message_done \
	spi/spi_controller_busy spi/spi_controller_idle spi-mem/spi_mem_start_op \
	spi-mem/spi_mem_stop_op sched/sched_switch \
	irq/irq_handler_entry irq/irq_handler_exit kmem/kmalloc kmem/kfree rpm/rpm_status; do
	echo 1 >$T/events/$e/enable
done
# Only what the analysis needs: switches into SPI kthreads, SPI interrupts,
# allocations made by the SPI core, the flash controller's runtime PM.
echo 'next_comm ~ "spi*"' >$T/events/sched/sched_switch/filter
echo 'call_site.function ~ "*spi*"' >$T/events/kmem/kmalloc/filter 2>/dev/null ||
	echo "kmalloc filter not supported; unfiltered"
echo 'call_site.function ~ "*spi*"' >$T/events/kmem/kfree/filter 2>/dev/null || true
echo 'name == "10040000.spi"' >$T/events/rpm/rpm_status/filter

cpus=$(nproc) || fail "nproc failed"
echo "cpus: $cpus"

round=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	# shellcheck disable=SC2086 # one word per variant
	round_order "$round" $VARIANTS
	for v in $ORDER; do
		name=${v%%:*} mod=${v#*:}
		unload_all
		load_bench_variant "$mod"
		irq=$(ctrl_irq)
		echo "irq == $irq" >$T/events/irq/irq_handler_exit/filter
		echo "irq == $irq" >$T/events/irq/irq_handler_entry/filter
		# Idle controller: let runtime PM suspend it before each run.
		sleep 0.2
		echo 1 >$T/tracing_on
		marker "start variant=$name workload=mtd4k round=$round"
		dd if=/dev/mtd0 of=/dev/null bs=4k count="$READS" 2>/dev/null || fail "MTD read failed ($name)"
		marker "end variant=$name workload=mtd4k round=$round"
		echo 0 >$T/tracing_on
		spidev_on
		sleep 0.2
		echo 1 >$T/tracing_on
		marker "start variant=$name workload=jedec4 round=$round"
		spitool burst "$SPIDEV" "$MSGS" 4 >/dev/null || fail "spidev burst failed ($name)"
		marker "end variant=$name workload=jedec4 round=$round"
		echo 0 >$T/tracing_on
		spidev_off
		echo "round $round $name: done"
	done
done
unload_all
echo "trace: $(grep -vc '^#' $T/trace) events, $(cat $T/buffer_total_size_kb) KiB buffers"
grep -q 'entries-in-buffer.*' $T/trace && grep 'entries-in-buffer' $T/trace

# Ship the trace: gzip, base64, numbered lines, then a checksum line.
gzip -c $T/trace >/tmp/trace.gz
base64 -w 96 /tmp/trace.gz >/tmp/trace.b64
n=0
while IFS= read -r line; do
	n=$((n + 1))
	echo "spi-rs: TRACE $n $line" >/dev/kmsg
done </tmp/trace.b64
echo "spi-rs: TRACE-END $n $(md5sum </tmp/trace.gz | cut -d' ' -f1)" >/dev/kmsg
