# SPDX-License-Identifier: GPL-2.0
# Unbinding the controller while it is in use: the users get errors, the
# kernel does not crash, and after binding again the flash works.
#
# Runs last in its boot: the MTD part leaves /dev/mtd0 open until reboot,
# because closing an MTD device whose SPI controller was unbound crashes in
# spi-nor (spi_nor_put_device() dereferences the unbound controller's
# dev->driver), with the kernel's C driver as well.
# timeout: 300
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
run mtdtool erase /dev/mtd0 0x700000 64k
run mtdtool write /dev/mtd0 7 0x700000 64k

# spidev: a message loop while the controller goes away, 5 times.
i=0
while [ $i -lt 5 ]; do
	i=$((i + 1))
	spidev_on
	spitool burst "$SPIDEV" 1000000 64 >/tmp/burst.out 2>&1 &
	pid=$!
	sleep 0.2
	echo 10040000.spi >"$drv/unbind" || fail "unbind during spidev I/O failed (round $i)"
	wait $pid
	echo "spidev round $i: loop exit $?: $(tail -1 /tmp/burst.out)"
	echo 10040000.spi >"$drv/bind" || fail "bind failed (round $i)"
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after bind (round $i)"
	run mtdtool verify /dev/mtd0 7 0x700000 64k
done

# MTD: reads through an open /dev/mtd0 while the controller goes away. Not on
# a KASAN kernel: there the next read crashes in spi-mem first
# (spi_mem_dirmap_read() on spi-nor's dirmap, freed when spi-nor was removed
# under the open file), before any call reaches the controller driver.
if zcat /proc/config.gz | grep -qx 'CONFIG_KASAN=y'; then
	echo "MTD part skipped on this KASAN kernel (spi-nor use-after-free, see above)"
	exit 0
fi
# A
# sleeper keeps the file open so it is never closed before reboot (its output
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
