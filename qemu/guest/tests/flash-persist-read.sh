# SPDX-License-Identifier: GPL-2.0
# The pattern written by the previous boot is still on the flash.
load_spi_driver
seed=$(cat /etc/persist-seed)
run mtdtool verify /dev/mtd0 "$seed" 0x300000 64k
