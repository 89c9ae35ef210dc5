# SPDX-License-Identifier: GPL-2.0
# Back-to-back flash reads keep the controller resumed: 50 reads of 4 KiB
# (one dd, each read a spi-mem operation) may resume it once at the start
# and let it autosuspend once after the last, but not in between. The SPI
# core marks the controller busy after each message; spi-mem's put at the
# end of an operation did not (fixes/06), so once the last resume was more
# than the autosuspend delay ago every operation queued a suspend and the
# next one resumed the controller. Counted from the rpm_status trace events
# of the controller's platform device.
# timeout: 120
load_spi_driver
T=/sys/kernel/tracing
E=$T/events/rpm/rpm_status
[ -d "$E" ] || fail "no rpm_status trace event (CONFIG_PM and tracing on?)"
delay=$(cat $SPI_CTRL_DEV/power/autosuspend_delay_ms)
# Idle: suspended, and its last activity long before the reads.
sleep 0.3
s=$(cat $SPI_CTRL_DEV/power/runtime_status)
[ "$s" = suspended ] || fail "runtime_status '$s' before the reads, want suspended"
echo 0 >$T/tracing_on
echo >$T/trace
echo "name == \"$(basename $SPI_CTRL_DEV)\"" >$E/filter
echo 1 >$E/enable
echo 1 >$T/tracing_on
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/mtd0 of=/dev/null bs=4k count=50 2>/dev/null || fail "reading /dev/mtd0 failed"
t1=$(cut -d' ' -f1 /proc/uptime)
# After the reads: the one autosuspend that is due.
sleep 0.3
echo 0 >$T/tracing_on
echo 0 >$E/enable
echo 0 >$E/filter
lost=$(sed -n 's/.*entries-in-buffer\/entries-written: \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' $T/trace)
resumes=$(grep -c 'status=RPM_ACTIVE' $T/trace || true)
suspends=$(grep -c 'status=RPM_SUSPENDED' $T/trace || true)
ms=$(echo "$t0 $t1" | awk '{printf "%d", ($2 - $1) * 1000}')
echo "reads took $ms ms (autosuspend delay $delay ms); rpm_status: $resumes x RPM_ACTIVE, $suspends x RPM_SUSPENDED"
grep 'status=RPM_\(ACTIVE\|SUSPENDED\)' $T/trace | sed 's/^ *//' | head -6
echo >$T/trace
set -- $lost
[ "$#" = 2 ] && [ "$1" = "$2" ] || fail "the trace lost events (in buffer/written: ${lost:-none})"
# The case can only see the bug if the reads outlast the delay.
[ "$ms" -gt $((2 * delay)) ] || fail "the reads took $ms ms, not more than twice the $delay ms delay: nothing shown"
[ "$resumes" -eq 1 ] || fail "$resumes resumes during 50 back-to-back reads, want 1"
[ "$suspends" -eq 1 ] || fail "$suspends suspends during and after 50 back-to-back reads, want 1"
