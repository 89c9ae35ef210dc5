# SPDX-License-Identifier: GPL-2.0
# The Rust test client (device-side kernel::spi) sends asynchronous READ ID
# and READ STATUS messages to the flash while spi-nor erases, writes and
# verifies it: every message completes without error, every READ ID answer is
# the flash's id, and every byte written reads back. The two overlap: the
# MTD work starts once the client is sending, and the controller's spi_async
# count rises while the MTD work runs.
load_spi_driver
async=/sys/class/spi_master/$(spi_bus)/statistics/spi_async
base=$(cat "$async")
client_start count=3000 burst=8 pace_us=50
i=0
while [ "$(cat "$async")" -eq "$base" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || fail "the client sent nothing within 10 s"
	sleep 0.1
done
during=$(cat "$async")
run mtdtool erase /dev/mtd0 0x400000 256k
run mtdtool write /dev/mtd0 99 0x400000 256k
run mtdtool verify /dev/mtd0 99 0x400000 256k
after=$(cat "$async")
client_wait
echo "spi_async: $base before, $during when the MTD work started, $after when it ended"
[ "$after" -gt "$during" ] || fail "no asynchronous message was sent while the MTD work ran"
client_check 3000
client_stop
