# SPDX-License-Identifier: GPL-2.0
# Unbinds the controller 60 times at delays spread around its 50 ms
# autosuspend delay after I/O, so the unbind meets the device active, being
# suspended and suspended: 30 times through the driver's unbind file, 30 by
# rmmod (the path that showed the bug, before the fix, in about one cycle of
# seven: 30 cycles miss it with a chance of (6/7)^30, 1 %). spi-nor does
# I/O in its own remove (it restores 3-byte addressing on this
# 4-byte-address flash): that must work every time (a failed child I/O,
# "Failed to power device" or a PM usage count underflow fails the case
# through the host's log check), and the runtime PM usage count must come out
# balanced. Runs on the series' kernel, whose delayed kobject releases make
# each cycle take seconds (the MTD device's unregistration waits for its
# release, fixes/02).
# timeout: 900
load_spi_driver
mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
drv=/sys/bus/platform/drivers/$(spi_driver_name)
power=$SPI_CTRL_DEV/power
i=0
while [ $i -lt 60 ]; do
	i=$((i + 1))
	# 0 to 100 ms in 5 ms steps, in an order that mixes short and long ones,
	# every step for each of the two ways (8 and 16 are prime to 21).
	delay_ms=$(((i * 8) % 21 * 5))
	dd if=/dev/mtd0 of=/dev/null bs=4k count=1 2>/dev/null || fail "read failed (cycle $i)"
	sleep "$(printf '0.%03d' "$delay_ms")"
	if [ $((i % 2)) -eq 0 ]; then
		how=rmmod
		rmmod "$mod" || fail "rmmod failed (cycle $i, ${delay_ms} ms)"
	else
		how=unbind
		echo 10040000.spi >"$drv/unbind" || fail "unbind failed (cycle $i, ${delay_ms} ms)"
	fi
	[ ! -e /dev/mtd0 ] || fail "/dev/mtd0 still there after $how (cycle $i)"
	# (runtime_usage exists on kernels with CONFIG_PM_ADVANCED_DEBUG)
	if [ -r "$power/runtime_usage" ]; then
		usage=$(cat "$power/runtime_usage")
		[ "$usage" -eq 0 ] || fail "runtime PM usage count $usage after $how (cycle $i, ${delay_ms} ms)"
	fi
	if [ $how = rmmod ]; then
		insmod "/modules/$SPI_DRIVER_MODULE.ko" || fail "insmod failed (cycle $i)"
	else
		echo 10040000.spi >"$drv/bind" || fail "bind failed (cycle $i)"
	fi
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after $how (cycle $i)"
done
echo "unbind/bind and rmmod/insmod: $i cycles at 0-100 ms after I/O"
sleep 0.3
s=$(cat "$power/runtime_status")
[ "$s" = suspended ] || fail "runtime_status '$s' when idle after the cycles, want suspended"
run mtdtool erase /dev/mtd0 0x700000 4k
run mtdtool write /dev/mtd0 7 0x700000 4k
run mtdtool verify /dev/mtd0 7 0x700000 4k
