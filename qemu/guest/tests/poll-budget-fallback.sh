# SPDX-License-Identifier: GPL-2.0
# A polled wait whose budget runs out on a healthy controller (as when the
# poller is preempted for longer than that) must not fail the transfer: the
# driver goes on waiting for the interrupt. The budget is made to run out with
# fault injection (debugfs <device>-fail_poll) on every short chunk.
use_fault_point poll
fault=$FAULT
echo 0 >"$fault/verbose"
echo -1 >"$fault/times"
echo 100 >"$fault/probability"
before=$(ctrl_irq_count)
run mtdtool erase /dev/mtd0 0x680000 4k
run mtdtool write /dev/mtd0 8 0x680000 4k
run mtdtool verify /dev/mtd0 8 0x680000 4k
spidev_on
run spitool burst "$SPIDEV" 50 4
spidev_off
after=$(ctrl_irq_count)
echo 0 >"$fault/probability"
echo "controller interrupts while polls ran out: $((after - before))"
[ "$((after - before))" -gt 0 ] || fail "no interrupt taken: the fault did not reach the polled wait"
run mtdtool verify /dev/mtd0 8 0x680000 4k
