# SPDX-License-Identifier: GPL-2.0
# For the boot on the kernel that delays every kobject release by 1 to 4 s
# (CONFIG_DEBUG_KOBJECT_RELEASE): 10 rmmod/insmod and 10 unbind/bind cycles
# of the controller driver with spi-nor on the flash, each followed by a read
# of /dev/mtd0, so that the releases of the controller ("spi0"), its flash
# device ("spi0.0") and the flash's MTD device ("mtd0") run seconds after the
# unbind, and after rmmod when the module is gone. Code that a release ran,
# or a use of an object after its last put, would crash or splat here
# instead of passing by luck. Checks that the releases were delayed, and
# waits for the last ones to run.
#
# The MTD device's release used to run on memory spi-nor's devres had freed
# (mtd_device_release() wiped the pending release and returned at once): a
# crash in run_timer_softirq() seconds after the first unbind, whatever the
# controller driver. series/fixes/02 makes the unregistration wait for it.
# timeout: 600
mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
flash_by_mtd() { # DESCRIPTION
	wait_for "$SPI_CTRL_DEV/spi_master" 5 || fail "controller not registered $1"
	wait_for /dev/mtd0 10 || fail "no /dev/mtd0 $1"
	dd if=/dev/mtd0 of=/dev/null bs=4k count=1 2>/dev/null || fail "reading /dev/mtd0 failed $1"
}
load_spi_driver
flash_by_mtd "after the first load"
module_cycles 10 true flash_by_mtd
bind_cycles 10 true flash_by_mtd
# The flash device's release waits for the MTD device's, the controller's for
# the flash device's: up to three delays of at most 4 s.
rmmod "$mod" || fail "final rmmod $mod failed"
sleep 13
for obj in spi0 spi0.0 mtd0; do
	n=$(dmesg | grep -c "kobject: '$obj' (.*(delayed [0-9]*)") || true
	[ "$n" -gt 0 ] || fail "no delayed release of '$obj' in the kernel log: is CONFIG_DEBUG_KOBJECT_RELEASE set?"
	echo "delayed releases of '$obj': $n"
done
