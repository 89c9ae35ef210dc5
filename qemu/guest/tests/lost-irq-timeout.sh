# SPDX-License-Identifier: GPL-2.0
# With the test knob debug_lose_irq, the first interrupt's completion is lost:
# that transfer fails with ETIMEDOUT within its bound, one line is logged, and
# the next transfer works.
mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
[ "$mod" = spi_sifive_rs ] || exit 4
rmmod "$mod" 2>/dev/null
run insmod "/modules/$SPI_DRIVER_MODULE.ko" debug_lose_irq=1
wait_for /dev/mtd0 10 || fail "/dev/mtd0 did not appear"
spidev_on
export SPI_HZ=1000000
start=$(cut -d' ' -f1 /proc/uptime)
if spitool jedec "$SPIDEV" 2>/tmp/err; then
	fail "the transfer with a lost interrupt succeeded"
fi
end=$(cut -d' ' -f1 /proc/uptime)
cat /tmp/err
grep -q 'errno 110' /tmp/err || fail "want ETIMEDOUT (110)"
echo "failed after $(awk "BEGIN { print $end - $start }") s"
awk "BEGIN { exit !($end - $start < 2) }" || fail "timeout took longer than its 2 s bound"
run spitool jedec "$SPIDEV"
run spitool burst "$SPIDEV" 20 64
logged=$(dmesg | grep -c 'timed out; controller reset')
echo "driver timeout lines in the log: $logged"
[ "$logged" -eq 1 ] || fail "want one timeout line, got $logged"
spidev_off
rmmod "$mod"
run insmod "/modules/$SPI_DRIVER_MODULE.ko"
wait_for /dev/mtd0 10 || fail "/dev/mtd0 did not come back"
