# SPDX-License-Identifier: GPL-2.0
# What `make run` shows: the driver bound to the flash, /proc/mtd, a read.
load_spi_driver
echo "controller 10040000.spi bound to: $(basename "$(readlink "$SPI_CTRL_DEV/driver")")"
dmesg | grep -E 'spi_sifive_rs|sifive_spi|spi-nor' | grep -v 'spi-rs:' | tail -5
nor=/sys/bus/spi/devices/spi0.0/spi-nor
echo "spi-nor probed the flash: $(cat $nor/partname), JEDEC id $(cat $nor/jedec_id)"
cat /proc/mtd
echo "first 64 bytes of /dev/mtd0:"
dd if=/dev/mtd0 bs=64 count=1 2>/dev/null | hexdump -C
