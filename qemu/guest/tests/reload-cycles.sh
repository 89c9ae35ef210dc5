# SPDX-License-Identifier: GPL-2.0
# rmmod/insmod 10 times, then unbind/bind 10 times, reading the flash back
# after each.
# timeout: 600
load_spi_driver
run mtdtool erase /dev/mtd0 0x600000 4k
run mtdtool write /dev/mtd0 6 0x600000 4k
mtd_gone() { [ ! -e /dev/mtd0 ] || fail "/dev/mtd0 still there $1"; }
mtd_back() {
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing $1"
	mtdtool verify /dev/mtd0 6 0x600000 4k || fail "read check failed $1"
}
module_cycles 10 mtd_gone mtd_back
bind_cycles 10 mtd_gone mtd_back
