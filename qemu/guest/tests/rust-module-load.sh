# SPDX-License-Identifier: GPL-2.0
# Our Rust module inserts and removes cleanly.
run insmod /modules/spi_sifive_rs.ko
[ -d /sys/module/spi_sifive_rs ] || fail "/sys/module/spi_sifive_rs missing after insmod"
run rmmod spi_sifive_rs
[ ! -d /sys/module/spi_sifive_rs ] || fail "/sys/module/spi_sifive_rs still there after rmmod"
