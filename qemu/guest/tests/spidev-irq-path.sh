# SPDX-License-Identifier: GPL-2.0
# At 1 MHz a FIFO chunk takes 64 us on the wire, so the driver sleeps on the
# controller's interrupt instead of polling: messages still return the right
# data and the interrupt count rises.
load_spi_driver
spidev_on
irqs() { awk '/10040000.spi/ { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts; }
export SPI_HZ=1000000
before=$(irqs)
run spitool jedec "$SPIDEV"
run spitool split "$SPIDEV"
run spitool burst "$SPIDEV" 100 64
after=$(irqs)
echo "controller interrupts: $before -> $after"
[ "$after" -gt "$before" ] || fail "no controller interrupt at 1 MHz"
spidev_off
