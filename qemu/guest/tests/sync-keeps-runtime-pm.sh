# SPDX-License-Identifier: GPL-2.0
# 1000 spi_sync() messages on an idle controller do not each take and drop a
# runtime PM reference: the SPI core keeps the reference of one run for the
# next and drops it from a delayed work, a jiffy or more later, when the
# controller is idle (fixes/07). Counted from the rpm_resume trace events of
# the controller's platform device (one per pm_runtime_get_sync()): without
# the change there is one per message, with it at most one per run of that
# work. The bound below wants messages shorter than a quarter of a jiffy,
# which the debug kernel does not give: the case runs on the series' kernel.
load_spi_driver
spidev_on
T=/sys/kernel/tracing
E=$T/events/rpm/rpm_resume
[ -d "$E" ] || fail "no rpm_resume trace event (CONFIG_PM and tracing on?)"
msgs=1000
echo 0 >$T/tracing_on
echo >$T/trace
echo "name == \"$(basename $SPI_CTRL_DEV)\"" >$E/filter
echo 1 >$E/enable
echo 1 >$T/tracing_on
t0=$(cut -d' ' -f1 /proc/uptime)
run spitool burst "$SPIDEV" $msgs
t1=$(cut -d' ' -f1 /proc/uptime)
echo 0 >$T/tracing_on
echo 0 >$E/enable
echo 0 >$E/filter
resumes=$(grep -c 'rpm_resume:' $T/trace || true)
ms=$(echo "$t0 $t1" | awk '{printf "%d", ($2 - $1) * 1000}')
echo "$msgs messages in $ms ms: $resumes rpm_resume calls on $(basename $SPI_CTRL_DEV)"
trace_complete
echo >$T/trace
[ "$resumes" -gt 0 ] || fail "no rpm_resume traced: the controller was never resumed, nothing shown"
[ "$resumes" -le $((msgs / 4)) ] || fail "$resumes runtime PM resumes for $msgs messages, want at most $((msgs / 4))"
spidev_off
