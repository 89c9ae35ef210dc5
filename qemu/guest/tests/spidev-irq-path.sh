# SPDX-License-Identifier: GPL-2.0
# At 1 MHz a FIFO chunk takes 64 us on the wire, so the driver sleeps on the
# controller's interrupt instead of polling: messages still return the right
# data and the interrupt count rises.
load_spi_driver
spidev_on
export SPI_HZ=1000000
before=$(ctrl_irq_count)
run spitool jedec "$SPIDEV"
run spitool split "$SPIDEV"
run spitool burst "$SPIDEV" 100 64
after=$(ctrl_irq_count)
echo "controller interrupts: $before -> $after"
[ "$after" -gt "$before" ] || fail "no controller interrupt at 1 MHz"
spidev_off
