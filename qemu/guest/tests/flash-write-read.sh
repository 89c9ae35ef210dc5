# SPDX-License-Identifier: GPL-2.0
# A pseudo-random pattern written to the flash reads back identically.
load_spi_driver
run mtdtool erase /dev/mtd0 0x100000 256k
run mtdtool write /dev/mtd0 1234 0x100000 256k
run mtdtool verify /dev/mtd0 1234 0x100000 256k
