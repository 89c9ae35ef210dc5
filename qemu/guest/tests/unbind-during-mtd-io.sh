# SPDX-License-Identifier: GPL-2.0
# Reads through an open /dev/mtd0 while the controller goes away: the reader
# gets errors (late calls are fenced off by kernel::spi with ESHUTDOWN), the
# kernel does not crash, and after binding again the flash works.
#
# Skipped on a KASAN kernel: there the next read crashes in spi-mem first
# (spi_mem_dirmap_read() on spi-nor's dirmap, freed when spi-nor was removed
# under the open file), before any call reaches the controller driver; the
# base kernel's boot runs it.
#
# Runs last in its boot: it leaves /dev/mtd0 open until reboot, because
# closing an MTD device whose SPI controller was unbound crashes in spi-nor
# (spi_nor_put_device() dereferences the unbound controller's dev->driver),
# with the kernel's C driver as well.
# timeout: 300
if zcat /proc/config.gz | grep -qx 'CONFIG_KASAN=y'; then
	echo "skipped on this KASAN kernel (spi-nor use-after-free, see above)"
	exit 4
fi
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
run mtdtool erase /dev/mtd0 0x700000 64k
run mtdtool write /dev/mtd0 7 0x700000 64k
expect_log 'spi_master spi[0-9]+: (noqueue transfer failed|failed to transfer one message from queue)'
expect_log 'spi-nor spi[0-9.]+: .*(fail|error)'
# The reads that reach the controller after the unbind are refused by the
# kernel::spi fence with -ESHUTDOWN, and the core says so.
expect_log 'spi spi[0-9.]+: SPI transfer failed: -108'
# A read after the unbind makes the SPI core power up the unbound parent, which
# fails (runtime PM is disabled: -EACCES); the core's sync path then drops the
# reference twice (__spi_pump_transfer_message() balances its failed get, and
# __spi_transfer_message_noqueue() puts again), which the PM core reports and
# clamps. Both lines come from this deliberate use of an unbound controller.
expect_log 'spi_master spi[0-9]+: Failed to power device: -13'
expect_log 'platform 10040000\.spi: Runtime PM usage count underflow!'
# A sleeper keeps the file open so it is never closed before reboot (its output
# must not hold the harness's pipe open).
exec 3</dev/mtd0
sleep 100000 </dev/null >/dev/null 2>&1 &
(while dd bs=4k count=16 of=/dev/null 2>/dev/null; do :; done) <&3 &
reader=$!
sleep 0.3
echo 10040000.spi >"$drv/unbind" || fail "unbind during MTD I/O failed"
wait $reader
echo "MTD reader ended after unbind"
dmesg | grep -q 'spi_sifive_rs.*Oops\|Unable to handle' && fail "kernel oops"
echo 10040000.spi >"$drv/bind" || fail "bind after MTD unbind failed"
sleep 1
mtd=$(grep '"spi0.0"' /proc/mtd | tail -1 | cut -d: -f1)
[ -n "$mtd" ] || fail "no MTD device for spi0.0 after bind"
echo "flash is now /dev/$mtd"
wait_for "/dev/$mtd" 5 || fail "/dev/$mtd missing"
run mtdtool verify "/dev/$mtd" 7 0x700000 64k
