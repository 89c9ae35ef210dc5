# SPDX-License-Identifier: GPL-2.0
# 1000 spi_sync() messages on an idle controller run in the caller's context:
# no switch into the controller's kthread, spi_sync_immediate rises by 1000.
load_spi_driver
spidev_on
bus=$(spi_bus)
stats=/sys/class/spi_master/$bus/statistics
T=/sys/kernel/tracing
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/sched/sched_switch/enable
before=$(cat $stats/spi_sync_immediate)
echo 1 >$T/tracing_on
run spitool burst "$SPIDEV" 1000
echo 0 >$T/tracing_on
after=$(cat $stats/spi_sync_immediate)
echo 0 >$T/events/sched/sched_switch/enable
switches=$(grep -c "next_comm=$bus " $T/trace || true)
traced=$(grep -c 'sched_switch:' $T/trace || true)
echo "spi_sync_immediate: $before -> $after; sched_switch into $bus: $switches"
echo "sched_switch events traced: $traced"
# No switch into the kthread means something only if switches were traced,
# and none was lost.
[ "$traced" -gt 0 ] || fail "no sched_switch event traced: the trace shows nothing"
trace_complete
[ $((after - before)) -ge 1000 ] || fail "spi_sync_immediate rose by $((after - before)), want 1000"
[ "$switches" -eq 0 ] || fail "$switches switches into the $bus kthread"
spidev_off
