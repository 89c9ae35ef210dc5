# SPDX-License-Identifier: GPL-2.0
# Allocation failures during probe (failslab, for the binding process only, at
# a range of points): each probe either succeeds or fails cleanly; a normal
# bind afterwards works and the flash reads back. Leaks show in the boot's
# kmemleak scan.
# timeout: 600
F=/sys/kernel/debug/failslab
[ -d $F ] || { echo "no failslab (not a debug kernel)"; exit "$KSFT_SKIP"; }
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
run mtdtool erase /dev/mtd0 0x780000 4k
run mtdtool write /dev/mtd0 78 0x780000 4k
echo 10040000.spi >"$drv/unbind"
# An injected failure makes a probe fail with ENOMEM (ours, or spi-nor's when
# its I/O cannot allocate), and the driver core says so; nothing else.
expect_log 'probe with driver (spi_sifive_rs|spi-nor) failed with error -12$'
echo N >$F/ignore-gfp-wait
echo Y >$F/task-filter
echo 0 >$F/verbose
echo 100 >$F/probability
echo 1 >$F/interval
failed=0 bound=0 nor_failed=0
for space in 0 16 64 128 256 512 1024 2048 4096 8192 16384 32768 65536; do
	echo 1 >$F/times
	echo $space >$F/space
	if sh -c "echo 1 >/proc/self/make-it-fail; echo 10040000.spi >$drv/bind" 2>/dev/null; then
		# The controller probed; the failure may have hit spi-nor's probe instead.
		bound=$((bound + 1))
		[ -e /dev/mtd0 ] || nor_failed=$((nor_failed + 1))
		echo 10040000.spi >"$drv/unbind" || fail "unbind after a probe at space $space failed"
	else
		failed=$((failed + 1))
		[ ! -e "$SPI_CTRL_DEV/driver" ] || fail "a failed probe left the device bound (space $space)"
	fi
done
echo 0 >$F/probability
echo "probes with an injected allocation failure: $failed failed cleanly, $bound succeeded ($nor_failed of them without the flash)"
[ $failed -gt 0 ] || fail "no probe saw an allocation failure"
dmesg | grep 'probe failed' | sort | uniq -c | diag_lines
echo 10040000.spi >"$drv/bind" || fail "bind after the injected failures failed"
wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after bind"
run mtdtool verify /dev/mtd0 78 0x780000 4k
