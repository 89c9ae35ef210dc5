# SPDX-License-Identifier: GPL-2.0
# Reproducer of fix 4 (series/fixes/04-spi-refuse-sync-after-stop): a
# client keeps the flash's device and sends to it after the flash's
# controller, driven by the C spi-sifive driver, was unbound. The core
# refuses the message with ESHUTDOWN (-108) before calling the driver.
# The client's own device is on the other controller, which stays bound.
#
# Before the fix, spi_sync()'s fast path did not look at the stopped queue
# and ran the C driver on registers it had unmapped at unbind: "Unable to
# handle kernel paging request".
# timeout: 120
load_spi_driver
client_start late_send=1
client_wait
echo 10040000.spi >"/sys/bus/platform/drivers/$(spi_driver_name)/unbind" ||
	fail "unbind of the flash's controller failed"
client_stop_late_send_refused
load_spi_driver
