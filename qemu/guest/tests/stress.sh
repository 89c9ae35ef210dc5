# SPDX-License-Identifier: GPL-2.0
# Stress with verification. At once, until STRESS_MIN_MIB (default 32) MiB
# are verified and 100 unbind/bind cycles are done (at most STRESS_MAX_SECONDS,
# default 1500):
#  - an MTD writer on its own 256 KiB region of the flash on spi0: erase,
#    write a fresh pattern, read back and compare, over and over;
#  - MTD readers, each reading back and comparing its own pre-written 1 MiB
#    region over and over;
#  - a spidev message loop on the second controller (spi1: spi0's only chip
#    select belongs to spi-nor for the MTD workers);
#  - unbind/bind of that second controller in a loop.
# Then 25 rmmod/insmod cycles, and every region verifies once more.
# Unbinding spi0 itself under open MTD files is not done: closing such a file
# crashes in spi-nor (see unbind-during-io).
# timeout: 2400
MIN_MIB=$(cat /etc/stress-min-mib 2>/dev/null || echo 32)
MAX_SECONDS=$(cat /etc/stress-max-seconds 2>/dev/null || echo 1500)
READERS=3
CYCLES=100
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
spi1=$(ls /sys/bus/platform/devices/10050000.spi/spi_master)
d1=/sys/bus/spi/devices/$spi1.0
[ -e "$d1" ] || fail "no device on $spi1's chip select"
echo spidev >"$d1/driver_override"
[ -e "$d1/driver" ] || echo "$spi1.0" >/sys/bus/spi/drivers/spidev/bind
dev1=/dev/spidev$(echo "$spi1" | tr -dc 0-9).0
wait_for "$dev1" 5 || fail "$dev1 did not appear"
rm -f /tmp/stress.stop /tmp/verified.*

# Region N: 0 is the writer's (256 KiB), 1..READERS the readers' (1 MiB).
region() { echo $((0x1000000 + $1 * 0x100000)) $((${1:-0} == 0 ? 0x40000 : 0x100000)); }

worker() { # N
	set -- "$1" $(region "$1")
	n=$1 base=$2 len=$3 seed=$(($1 * 100000 + 1)) verified=0
	while [ ! -e /tmp/stress.stop ]; do
		if [ "$n" -eq 0 ]; then
			seed=$((seed + 1))
			mtdtool erase /dev/mtd0 $base $len && mtdtool write /dev/mtd0 $seed $base $len ||
				{ echo "worker $n: write FAILED at seed $seed"; return 1; }
		fi
		mtdtool verify /dev/mtd0 $seed $base $len ||
			{ echo "worker $n: verify FAILED at seed $seed"; return 1; }
		verified=$((verified + len))
		echo $verified >/tmp/verified.$n
	done
	echo "$seed" >/tmp/seed.$n
	echo "worker $n: $verified bytes verified, last seed $seed"
}

i=1
while [ $i -le $READERS ]; do
	set -- $(region $i)
	run mtdtool erase /dev/mtd0 "$1" "$2"
	run mtdtool write /dev/mtd0 $((i * 100000 + 1)) "$1" "$2"
	i=$((i + 1))
done
i=0
while [ $i -le $READERS ]; do
	worker $i >/tmp/worker.$i 2>&1 &
	eval "w$i=$!"
	i=$((i + 1))
done
spitool loop "$dev1" "$MAX_SECONDS" >/tmp/loop.out 2>&1 &
loop=$!

start=$(cut -d. -f1 /proc/uptime)
cycles=0
while :; do
	total=$(cat /tmp/verified.* 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
	now=$(cut -d. -f1 /proc/uptime)
	[ $((total >> 20)) -ge "$MIN_MIB" ] && [ $cycles -ge "$CYCLES" ] && break
	[ $((now - start)) -ge "$MAX_SECONDS" ] && break
	echo 10050000.spi >"$drv/unbind" || fail "unbind of 10050000.spi failed (cycle $cycles)"
	echo 10050000.spi >"$drv/bind" || fail "bind of 10050000.spi failed (cycle $cycles)"
	cycles=$((cycles + 1))
	# The bind made a new spi1.0: point it at spidev again.
	echo spidev >"$d1/driver_override"
	[ -e "$d1/driver" ] || echo "$spi1.0" >/sys/bus/spi/drivers/spidev/bind ||
		fail "spidev did not bind to $spi1.0 (cycle $cycles)"
done
touch /tmp/stress.stop
# spitool ends its loop on SIGTERM, prints its counts, and exits 0.
kill -TERM $loop 2>/dev/null
wait $loop || fail "the spidev loop exited with $?: $(tail -1 /tmp/loop.out)"
echo "stress ran $(($(cut -d. -f1 /proc/uptime) - start)) s"
echo "unbind/bind of 10050000.spi: $cycles cycles"
ok=1 total=0
i=0
while [ $i -le $READERS ]; do
	eval "wait \$w$i" || ok=0
	cat /tmp/worker.$i
	total=$((total + $(sed -n 's/.*: \([0-9]*\) bytes verified.*/\1/p' /tmp/worker.$i)))
	i=$((i + 1))
done
cat /tmp/loop.out
[ $ok = 1 ] || fail "a stress process failed"
set -- $(sed -n 's/^\([0-9]*\) messages, device lost \([0-9]*\) times.*/\1 \2/p' /tmp/loop.out)
[ "${1:-0}" -gt 0 ] || fail "the spidev loop sent no message"
[ "${2:-0}" -gt 0 ] || fail "the spidev loop never lost its device: the unbinds did not meet it"
echo "MTD bytes verified under stress: $total ($((total >> 20)) MiB)"

mtd_back() { wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing $1"; }
module_cycles 25 true mtd_back
i=0
while [ $i -le $READERS ]; do
	set -- $(region $i)
	run mtdtool verify /dev/mtd0 "$(cat /tmp/seed.$i)" "$1" "$2"
	i=$((i + 1))
done
[ $cycles -ge "$CYCLES" ] || fail "only $cycles unbind/bind cycles"
[ $((total >> 20)) -ge "$MIN_MIB" ] || fail "only $((total >> 20)) MiB verified, want $MIN_MIB"
