# SPDX-License-Identifier: GPL-2.0
# The pattern written by the previous boot (flash-persist-write, with the
# seed that this boot finds in /etc/persist-seed-prev) is still on the flash.
load_spi_driver
[ -r /etc/persist-seed-prev ] || fail "no /etc/persist-seed-prev: the host did not say what the previous boot wrote"
seed=$(cat /etc/persist-seed-prev)
run mtdtool verify /dev/mtd0 "$seed" 0x300000 64k
