# SPDX-License-Identifier: GPL-2.0
# Over 1 MiB written at an odd offset and length across erase blocks reads back;
# the bytes around it stay erased; odd-sized reads at odd offsets are right.
# timeout: 600
load_spi_driver
base=$((0x400000)) span=$((0x180000))
off=$((base + 3 * 4096 + 123)) len=$((1048576 + 4321))
run mtdtool erase /dev/mtd0 $base $span
run mtdtool write /dev/mtd0 99 $off $len
run mtdtool verify /dev/mtd0 99 $off $len
run mtdtool blank /dev/mtd0 $base $((off - base))
run mtdtool blank /dev/mtd0 $((off + len)) $((base + span - off - len))
run mtdtool verify /dev/mtd0 99 $((off + 4095)) 3
run mtdtool verify /dev/mtd0 99 $((off + 65535)) 70001
