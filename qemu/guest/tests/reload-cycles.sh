# SPDX-License-Identifier: GPL-2.0
# rmmod/insmod 20 times, then unbind/bind 20 times, reading the flash back
# after each.
# timeout: 600
load_spi_driver
mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
drv=/sys/bus/platform/drivers/$(spi_driver_name)
run mtdtool erase /dev/mtd0 0x600000 4k
run mtdtool write /dev/mtd0 6 0x600000 4k
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	rmmod "$mod" || fail "rmmod $mod failed (cycle $i)"
	[ ! -e /dev/mtd0 ] || fail "/dev/mtd0 still there after rmmod (cycle $i)"
	insmod "/modules/$SPI_DRIVER_MODULE.ko" || fail "insmod failed (cycle $i)"
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after insmod (cycle $i)"
	mtdtool verify /dev/mtd0 6 0x600000 4k || fail "read check failed after insmod (cycle $i)"
done
echo "rmmod/insmod: $i cycles"
i=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	echo 10040000.spi >"$drv/unbind" || fail "unbind failed (cycle $i)"
	[ ! -e /dev/mtd0 ] || fail "/dev/mtd0 still there after unbind (cycle $i)"
	echo 10040000.spi >"$drv/bind" || fail "bind failed (cycle $i)"
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after bind (cycle $i)"
	mtdtool verify /dev/mtd0 6 0x600000 4k || fail "read check failed after bind (cycle $i)"
done
echo "unbind/bind: $i cycles"
