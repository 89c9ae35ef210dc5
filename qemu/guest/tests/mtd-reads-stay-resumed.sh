# SPDX-License-Identifier: GPL-2.0
# Back-to-back flash reads keep the controller resumed: 50 reads of 4 KiB
# (one dd, each read a spi-mem operation) may resume it once at the start
# and let it autosuspend once after the last, but not in between. The SPI
# core marks the controller busy after each message; spi-mem's put at the
# end of an operation did not (fixes/06), so once the last resume was more
# than the autosuspend delay ago every operation queued a suspend and the
# next one resumed the controller. Counted from the rpm_status trace events
# of the controller's platform device, against the end of each operation
# (spi_mem_stop_op): a suspend sooner than the delay after an operation
# ended is the bug; one later is the controller idle for the delay, which a
# guest slowed down by its host (reads of tens of ms, and gaps between them)
# can show without the bug, and only counts as a resume more.
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
S=$T/events/spi-mem/spi_mem_stop_op
echo "name == \"$(basename $SPI_CTRL_DEV)\"" >$E/filter
echo 1 >$E/enable
echo 1 >$S/enable
echo 1 >$T/tracing_on
t0=$(cut -d' ' -f1 /proc/uptime)
dd if=/dev/mtd0 of=/dev/null bs=4k count=50 2>/dev/null || fail "reading /dev/mtd0 failed"
t1=$(cut -d' ' -f1 /proc/uptime)
# After the reads: the one autosuspend that is due.
sleep 0.3
echo 0 >$T/tracing_on
echo 0 >$E/enable
echo 0 >$S/enable
echo 0 >$E/filter
ms=$(echo "$t0 $t1" | awk '{printf "%d", ($2 - $1) * 1000}')
# ops resumes early-suspends idle-suspends, from the events in trace order.
set -- $(awk -v delay="$delay" '
	{
		ev = ""
		for (i = 1; i < NF; i++)
			if ($i ~ /^[0-9]+\.[0-9]+:$/) { t = substr($i, 1, length($i) - 1); ev = $(i + 1); break }
	}
	ev == "spi_mem_stop_op:" { ops++; last = t }
	ev == "rpm_status:" && /status=RPM_ACTIVE/ { resumes++ }
	ev == "rpm_status:" && /status=RPM_SUSPENDED/ {
		if (last != "" && (t - last) * 1000 < delay) early++; else idle++
	}
	END { printf "%d %d %d %d\n", ops, resumes, early, idle }' $T/trace)
ops=$1 resumes=$2 early=$3 idle=$4
echo "reads took $ms ms (autosuspend delay $delay ms); $ops operations; rpm_status: $resumes x RPM_ACTIVE, $((early + idle)) x RPM_SUSPENDED ($early sooner than the delay after an operation ended, $idle after an idle stretch of the delay)"
grep 'status=RPM_\(ACTIVE\|SUSPENDED\)' $T/trace | sed 's/^ *//' | head -6
trace_complete
echo >$T/trace
# The case can only see the bug if the reads outlast the delay.
[ "$ms" -gt $((2 * delay)) ] || fail "the reads took $ms ms, not more than twice the $delay ms delay: nothing shown"
[ "$ops" -ge 50 ] || fail "$ops spi-mem operations traced for 50 reads: the trace shows nothing"
[ "$early" -eq 0 ] || fail "$early suspends sooner than the $delay ms delay after an operation ended"
[ "$resumes" -ge 1 ] || fail "no resume before the reads, although the controller was suspended"
[ "$resumes" -eq "$idle" ] || fail "$resumes resumes for $idle suspends after an idle stretch, want as many"
