# SPDX-License-Identifier: GPL-2.0
# An erased block reads as 0xff, its neighbours keep their data.
load_spi_driver
eb=$(mtdtool info /dev/mtd0 | sed 's/.*erasesize \([0-9]*\).*/\1/')
echo "erase block: $eb bytes"
run mtdtool erase /dev/mtd0 0x200000 $((3 * eb))
run mtdtool write /dev/mtd0 77 0x200000 $((3 * eb))
run mtdtool erase /dev/mtd0 $((0x200000 + eb)) "$eb"
run mtdtool blank /dev/mtd0 $((0x200000 + eb)) "$eb"
run mtdtool verify /dev/mtd0 77 0x200000 "$eb"
run mtdtool verify /dev/mtd0 77 $((0x200000 + 2 * eb)) "$eb"
