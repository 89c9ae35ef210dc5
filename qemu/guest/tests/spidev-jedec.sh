# SPDX-License-Identifier: GPL-2.0
# Through spidev, READ ID in one full-duplex message returns the flash's id.
load_spi_driver
spidev_on
run spitool jedec "$SPIDEV"
spidev_off
