# SPDX-License-Identifier: GPL-2.0
# A lost interrupt, injected with the kernel's fault injection framework
# (debugfs <device>-fail_irq): that transfer fails with ETIMEDOUT within its
# bound, one line is logged, and the next transfers work.
use_fault_point irq
fault=$FAULT
spidev_on
expect_log -n 1 'spi_sifive_rs 10040000\.spi: transfer of [0-9]+ bytes at [0-9]+ Hz timed out'
# The core says so twice: the message failed, and so did its no-queue run.
expect_log -n 1 'spi_master spi[0-9]+: failed to transfer one message from queue'
expect_log -n 1 'spi_master spi[0-9]+: noqueue transfer failed'
expect_log -n 1 'spidev spi[0-9.]+: SPI transfer failed: -110'
echo 0 >"$fault/verbose"
echo 1 >"$fault/times"
echo 100 >"$fault/probability"
# At 1 MHz a FIFO chunk takes 64 us on the wire, so the driver waits for the interrupt.
export SPI_HZ=1000000
if spitool jedec "$SPIDEV" 2>/tmp/err; then
	fail "the transfer with a lost interrupt succeeded"
fi
echo 0 >"$fault/probability"
cat /tmp/err
grep -q 'errno 110' /tmp/err || fail "want ETIMEDOUT (110)"
# The ioctl's own time (spitool's clock around it), not the process's: the
# driver waits 200 ms past the wire time; 1 s leaves the slow debug guest
# room (the whole spitool run took 2.4 s there) and still fails a wait
# bounded in seconds rather than by the transfer.
took=$(sed -n 's/^spitool: the failed message took \([0-9.]*\) s$/\1/p' /tmp/err)
[ -n "$took" ] || fail "spitool did not say how long the failed message took"
awk "BEGIN { exit !($took < 1) }" || fail "the failed message took $took s, over its 1 s bound"
run spitool jedec "$SPIDEV"
run spitool burst "$SPIDEV" 20 64
logged=$(dmesg | grep -c 'timed out; controller reset')
echo "driver timeout lines in the log: $logged"
[ "$logged" -eq 1 ] || fail "want one timeout line, got $logged"
spidev_off
