# SPDX-License-Identifier: GPL-2.0
# The controller autosuspends when idle, is active during I/O, and works after
# a suspend.
load_spi_driver
status() { cat $SPI_CTRL_DEV/power/runtime_status; }
sleep 0.3
s=$(status)
echo "idle: $s"
[ "$s" = suspended ] || fail "runtime_status '$s' after idle, want suspended"
dd if=/dev/mtd0 of=/dev/null bs=64k count=16 2>/dev/null &
pid=$!
sleep 0.1
s=$(status)
wait $pid
echo "during I/O: $s"
[ "$s" = active ] || fail "runtime_status '$s' during I/O, want active"
sleep 0.3
s=$(status)
echo "idle again: $s"
[ "$s" = suspended ] || fail "runtime_status '$s' after I/O, want suspended"
run mtdtool erase /dev/mtd0 0x500000 4k
run mtdtool write /dev/mtd0 5 0x500000 4k
run mtdtool verify /dev/mtd0 5 0x500000 4k
echo "suspended $(cat $SPI_CTRL_DEV/power/runtime_suspended_time) ms, active $(cat $SPI_CTRL_DEV/power/runtime_active_time) ms"
