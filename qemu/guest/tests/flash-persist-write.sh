# SPDX-License-Identifier: GPL-2.0
# Writes a pattern (the seed in /etc/persist-seed) that the next boot reads
# back (flash-persist-read).
load_spi_driver
[ -r /etc/persist-seed ] || fail "no /etc/persist-seed: the host gave no seed to write"
seed=$(cat /etc/persist-seed)
run mtdtool erase /dev/mtd0 0x300000 64k
run mtdtool write /dev/mtd0 "$seed" 0x300000 64k
run mtdtool verify /dev/mtd0 "$seed" 0x300000 64k
