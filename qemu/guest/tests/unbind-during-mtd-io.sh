# SPDX-License-Identifier: GPL-2.0
# Reads through an open /dev/mtd0 while the controller goes away: the reads
# in flight finish, the ones after the unbind fail with ENODEV (spi-nor fences
# its users off once it is removed, series/fixes/03) without reaching the
# controller, nothing touches freed memory (KASAN), and after binding again
# the flash works.
#
# Before series/fixes/03, spi-nor's memory was freed under the open file: on
# a KASAN kernel the next read crashed in spi_mem_dirmap_read().
# Closing the file after the unbind then drops spi-nor's last reference
# (before series/fixes/03 it crashed in spi_nor_put_device()).
# timeout: 300
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
run mtdtool erase /dev/mtd0 0x700000 64k
run mtdtool write /dev/mtd0 7 0x700000 64k
exec 3</dev/mtd0
(while dd bs=4k count=16 of=/dev/null 2>/tmp/dd.err; do :; done) <&3 &
reader=$!
sleep 0.3
echo 10040000.spi >"$drv/unbind" || fail "unbind during MTD I/O failed"
wait $reader
echo "MTD reader ended after unbind: $(grep -v records /tmp/dd.err | tail -1)"
grep -q 'No such device' /tmp/dd.err || fail "want ENODEV for the reads after the unbind"
dd bs=4k count=1 of=/dev/null <&3 2>/tmp/dd.err && fail "a read after the unbind succeeded"
grep -q 'No such device' /tmp/dd.err || fail "want ENODEV again: $(cat /tmp/dd.err)"
exec 3<&-
echo "closed the file that outlived its flash"
echo 10040000.spi >"$drv/bind" || fail "bind after MTD unbind failed"
sleep 1
mtd=$(grep '"spi0.0"' /proc/mtd | tail -1 | cut -d: -f1)
[ -n "$mtd" ] || fail "no MTD device for spi0.0 after bind"
echo "flash is now /dev/$mtd"
wait_for "/dev/$mtd" 5 || fail "/dev/$mtd missing"
run mtdtool verify "/dev/$mtd" 7 0x700000 64k
