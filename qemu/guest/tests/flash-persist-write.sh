# SPDX-License-Identifier: GPL-2.0
# Writes a pattern that the next boot reads back (flash-persist-read).
load_spi_driver
seed=$(cat /etc/persist-seed)
run mtdtool erase /dev/mtd0 0x300000 64k
run mtdtool write /dev/mtd0 "$seed" 0x300000 64k
run mtdtool verify /dev/mtd0 "$seed" 0x300000 64k
