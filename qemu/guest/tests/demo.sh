# SPDX-License-Identifier: GPL-2.0
# What `make run` shows: the driver bound to the flash, /proc/mtd, a write and
# a read through it.
load_spi_driver
echo "controller 10040000.spi bound to: $(basename "$(readlink "$SPI_CTRL_DEV/driver")")"
dmesg | grep -E 'spi_sifive_rs|sifive_spi|spi-nor' | grep -v 'spi-rs:' | tail -5
nor=/sys/bus/spi/devices/$(spi_bus).0/spi-nor
echo "spi-nor probed the flash: $(cat $nor/partname), JEDEC id $(cat $nor/jedec_id)"
cat /proc/mtd
echo "previous message at the start of the flash:"
dd if=/dev/mtd0 bs=64 count=1 2>/dev/null | hexdump -C | head -3
msg="hello from $(spi_driver_name), written $(cat /etc/host-date 2>/dev/null || echo 'at an unknown time')"
mtdtool erase /dev/mtd0 0 4k
printf '%s' "$msg" | dd of=/dev/mtd0 bs=64 conv=sync 2>/dev/null
echo "wrote '$msg'; reading it back:"
dd if=/dev/mtd0 bs=64 count=1 2>/dev/null | hexdump -C | head -4
echo "controller runtime PM: $(cat $SPI_CTRL_DEV/power/runtime_status)"
