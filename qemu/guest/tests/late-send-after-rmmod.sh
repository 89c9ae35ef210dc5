# SPDX-License-Identifier: GPL-2.0
# A client keeps a device of our controller and sends to it after the
# controller was unbound and its driver unloaded: the send fails with
# ESHUTDOWN (-108), and no code of the unloaded module runs. The core refuses
# the message (fix 4 of series/fixes); behind it, the registration put the
# kernel crate's stubs in place of the driver's callbacks for the paths the
# queue does not guard.
# Runs the build without runtime PM (nopm), whose late message is not stopped
# by a failed power-up first. The client's own device is on the other
# controller, handed to the C driver so that it outlives the rmmod.
#
# Before the registration swapped the callbacks (it left ctlr->transfer_one
# pointing into the module), the message took spi_sync's no-queue path
# straight into the freed module text.
# timeout: 180
other=10050000.spi
grep -q '^spi_sifive_rs ' /proc/modules && rmmod spi_sifive_rs
load_bench_variant nopm/spi_sifive_rs
grep -q '^spi_sifive ' /proc/modules || run insmod /modules/spi-sifive.ko
echo $other >/sys/bus/platform/drivers/spi_sifive_rs/unbind || fail "unbind of $other failed"
echo $other >/sys/bus/platform/drivers/sifive_spi/bind || fail "the C driver did not take $other"
wait_for "/sys/bus/platform/devices/$other/spi_master" 5 || fail "$other has no controller under the C driver"
client_start late_send=1
client_wait
echo 10040000.spi >/sys/bus/platform/drivers/spi_sifive_rs/unbind ||
	fail "unbind of the flash's controller failed"
rmmod spi_sifive_rs || fail "rmmod of the nopm build failed"
client_stop_late_send_refused
# Both controllers back to the driver proper, for the cases that follow.
echo $other >/sys/bus/platform/drivers/sifive_spi/unbind
rmmod spi_sifive
load_spi_driver
