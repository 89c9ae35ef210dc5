# SPDX-License-Identifier: GPL-2.0
# For the boot on the kernel that delays every kobject release by 1 to 4 s
# (CONFIG_DEBUG_KOBJECT_RELEASE): 10 rmmod/insmod and 10 unbind/bind cycles
# of the controller driver, each followed by a JEDEC id read through spidev,
# so that the releases of the controller ("spi0") and its flash device
# ("spi0.0") run seconds after the unbind, and after rmmod when the module is
# gone. Code of ours that a release ran, or a use of an object after its last
# put, would crash or splat here instead of passing by luck. Checks that the
# releases were delayed, and waits for the last ones to run.
#
# The boot keeps spi-nor off (initcall_blacklist=spi_nor_module_init): with
# this option, the release of its MTD device runs on memory spi-nor's devres
# already freed when the flash goes away, and the kernel crashes in
# run_timer_softirq whatever controller driver is bound (spi-sifive too).
# timeout: 600
mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
[ ! -e /sys/bus/spi/drivers/spi-nor ] || fail "spi-nor is registered: this case needs initcall_blacklist=spi_nor_module_init"
flash_by_spidev() { # DESCRIPTION
	wait_for "$SPI_CTRL_DEV/spi_master" 5 || fail "controller not registered $1"
	wait_for "/sys/bus/spi/devices/$(spi_bus).0" 5 || fail "no flash device $1"
	spidev_on
	spitool jedec "$SPIDEV" >/dev/null || fail "JEDEC id read through spidev failed $1"
}
grep -q "^$mod " /proc/modules || run insmod "/modules/$SPI_DRIVER_MODULE.ko"
flash_by_spidev "after the first load"
module_cycles 10 true flash_by_spidev
bind_cycles 10 true flash_by_spidev
# The flash device's release waits for spidev's, the controller's for the
# flash device's: up to three delays of at most 4 s.
rmmod "$mod" || fail "final rmmod $mod failed"
sleep 13
for obj in spi0 spi0.0; do
	n=$(dmesg | grep -c "kobject: '$obj' (.*(delayed [0-9]*)") || true
	[ "$n" -gt 0 ] || fail "no delayed release of '$obj' in the kernel log: is CONFIG_DEBUG_KOBJECT_RELEASE set?"
	echo "delayed releases of '$obj': $n"
done
