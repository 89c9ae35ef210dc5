# SPDX-License-Identifier: GPL-2.0
# Unbinding the controller while spidev is in use: the user gets errors, the
# kernel does not crash, and after binding again the flash works.
# timeout: 300
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
run mtdtool erase /dev/mtd0 0x700000 64k
run mtdtool write /dev/mtd0 7 0x700000 64k
# Messages that race the unbind are refused (ESHUTDOWN) before they reach
# the driver: the kernel logs nothing.
# spidev: a message loop while the controller goes away, 5 times.
i=0
while [ $i -lt 5 ]; do
	i=$((i + 1))
	spidev_on
	spitool burst "$SPIDEV" 1000000 64 >/tmp/burst.out 2>&1 &
	pid=$!
	# The unbind must meet the device open, not before spitool opened it
	# (then open fails with ENOENT); on the debug kernel starting spitool
	# alone can take longer than any fixed pause.
	tries=0
	until ls -l /proc/$pid/fd 2>/dev/null | grep -q "$SPIDEV\$"; do
		kill -0 $pid 2>/dev/null || break
		tries=$((tries + 1))
		[ $tries -le 100 ] || fail "spitool did not open $SPIDEV within 10 s (round $i)"
		sleep 0.1
	done
	sleep 0.1
	echo 10040000.spi >"$drv/unbind" || fail "unbind during spidev I/O failed (round $i)"
	rc=0
	wait $pid || rc=$?
	echo "spidev round $i: burst exit $rc: $(tail -1 /tmp/burst.out)"
	# The user sees the controller go: an error (exit 2) with ESHUTDOWN.
	[ $rc -eq 2 ] || fail "the burst exited $rc when its controller went away, want 2 (an error)"
	grep -q '(errno 108)$' /tmp/burst.out || fail "want ESHUTDOWN (108): $(tail -1 /tmp/burst.out)"
	echo 10040000.spi >"$drv/bind" || fail "bind failed (round $i)"
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after bind (round $i)"
	run mtdtool verify /dev/mtd0 7 0x700000 64k
done

