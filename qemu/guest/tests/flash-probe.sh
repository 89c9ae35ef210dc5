# SPDX-License-Identifier: GPL-2.0
# After loading the SPI driver, spi-nor probes the flash and /dev/mtd0 exists.
load_spi_driver
dmesg | grep 'spi-nor spi0.0' | diag_lines
id=$(cat /sys/bus/spi/devices/spi0.0/spi-nor/jedec_id)
ktap "# flash JEDEC id: $id"
[ "$id" = 9d7019 ] || fail "JEDEC id $id, want 9d7019 (is25wp256)"
grep mtd0 /proc/mtd || fail "mtd0 not in /proc/mtd"
drv=$(basename "$(readlink "$SPI_CTRL_DEV/driver")")
echo "controller driver: $drv"
[ "$drv" = "$(spi_driver_name)" ] || fail "10040000.spi bound to '$drv', want '$(spi_driver_name)'"
