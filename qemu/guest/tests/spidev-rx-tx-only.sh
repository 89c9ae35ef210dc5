# SPDX-License-Identifier: GPL-2.0
# Receive-only and transmit-only transfers work: READ ID as tx-only + rx-only,
# and tx-only WREN/WRDI seen by the flash in its status register.
load_spi_driver
spidev_on
run spitool split "$SPIDEV"
run spitool wel "$SPIDEV"
spidev_off
