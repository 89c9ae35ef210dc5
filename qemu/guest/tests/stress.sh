# SPDX-License-Identifier: GPL-2.0
# Stress with verification. At once, for STRESS_SECONDS (default 120):
#  - MTD workers, each on its own 1 MiB region of the flash on spi0: erase,
#    write a fresh pattern, read back and compare, over and over;
#  - a spidev message loop on the second controller (spi1: spi0's only chip
#    select belongs to spi-nor for the workers);
#  - unbind/bind of that second controller in a loop (>= 200 cycles).
# Then >= 50 rmmod/insmod cycles, and every region verifies once more.
# Unbinding spi0 itself under open MTD files is not done: closing such a
# file crashes in spi-nor (see unbind-during-io).
# timeout: 2400
STRESS_SECONDS=${STRESS_SECONDS:-$(cat /etc/stress-seconds 2>/dev/null || echo 120)}
WORKERS=3
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
spi1=$(ls /sys/bus/platform/devices/10050000.spi/spi_master)
d1=/sys/bus/spi/devices/$spi1.0
[ -e "$d1" ] || fail "no device on $spi1's chip select"
echo spidev >"$d1/driver_override"
[ -e "$d1/driver" ] || echo "$spi1.0" >/sys/bus/spi/drivers/spidev/bind
dev1=/dev/spidev$(echo "$spi1" | tr -dc 0-9).0
wait_for "$dev1" 5 || fail "$dev1 did not appear"

worker() { # N: region N, prints bytes verified
	base=$((0x1000000 + $1 * 0x100000)) seed=$(($1 * 100000)) verified=0
	end=$(($(cut -d. -f1 /proc/uptime) + STRESS_SECONDS))
	while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ]; do
		seed=$((seed + 1))
		mtdtool erase /dev/mtd0 $base 0x100000 &&
			mtdtool write /dev/mtd0 $seed $base 0x100000 &&
			mtdtool verify /dev/mtd0 $seed $base 0x100000 || {
			echo "worker $1: FAILED at seed $seed"
			return 1
		}
		verified=$((verified + 0x100000))
	done
	echo "$seed" >/tmp/seed.$1
	echo "worker $1: $verified bytes verified, last seed $seed"
}

i=0
while [ $i -lt $WORKERS ]; do
	worker $i >/tmp/worker.$i 2>&1 &
	eval "w$i=$!"
	i=$((i + 1))
done
spitool loop "$dev1" "$STRESS_SECONDS" >/tmp/loop.out 2>&1 &
loop=$!
cycles=0
end=$(($(cut -d. -f1 /proc/uptime) + STRESS_SECONDS))
while [ "$(cut -d. -f1 /proc/uptime)" -lt $end ] || [ $cycles -lt 200 ]; do
	echo 10050000.spi >"$drv/unbind" || fail "unbind of 10050000.spi failed (cycle $cycles)"
	echo 10050000.spi >"$drv/bind" || fail "bind of 10050000.spi failed (cycle $cycles)"
	cycles=$((cycles + 1))
	[ -e "$d1/driver" ] || echo "$spi1.0" >/sys/bus/spi/drivers/spidev/bind 2>/dev/null
	sleep 0.05
done
echo "unbind/bind of 10050000.spi: $cycles cycles"
ok=1 total=0
i=0
while [ $i -lt $WORKERS ]; do
	eval "wait \$w$i" || ok=0
	cat /tmp/worker.$i
	total=$((total + $(sed -n 's/.*: \([0-9]*\) bytes verified.*/\1/p' /tmp/worker.$i)))
	i=$((i + 1))
done
wait $loop || ok=0
cat /tmp/loop.out
[ $ok = 1 ] || fail "a stress process failed"
echo "MTD bytes verified under stress: $total ($((total >> 20)) MiB)"

mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
i=0
while [ $i -lt 50 ]; do
	i=$((i + 1))
	rmmod "$mod" || fail "rmmod failed (cycle $i)"
	insmod "/modules/$SPI_DRIVER_MODULE.ko" || fail "insmod failed (cycle $i)"
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after insmod (cycle $i)"
done
echo "rmmod/insmod: $i cycles"
i=0
while [ $i -lt $WORKERS ]; do
	run mtdtool verify /dev/mtd0 "$(cat /tmp/seed.$i)" $((0x1000000 + i * 0x100000)) 0x100000
	i=$((i + 1))
done
[ $((total >> 20)) -ge "${STRESS_MIN_MIB:-64}" ] || fail "only $((total >> 20)) MiB verified, want ${STRESS_MIN_MIB:-64}"
