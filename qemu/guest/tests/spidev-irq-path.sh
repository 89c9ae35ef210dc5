# SPDX-License-Identifier: GPL-2.0
# At 1 MHz a FIFO chunk takes 64 us on the wire, so the driver sleeps on the
# controller's interrupt instead of polling: messages still return the right
# data, the interrupt count rises, and the handler claims every interrupt it
# took: the kernel's spurious count (IRQ_NONE) stays where it was. A handler
# that returns IRQ_NONE for its own interrupt shows there long before the
# kernel's "nobody cared" (99,900 of 100,000), and so does one whose status
# read re-raises its own request (QEMU's PLIC latches one on every register
# access while the line is high).
load_spi_driver
spidev_on
export SPI_HZ=1000000
spurious=/proc/irq/$(ctrl_irq)/spurious
unhandled_before=$(sed -n 's/^unhandled //p' "$spurious")
before=$(ctrl_irq_count)
run spitool jedec "$SPIDEV"
run spitool split "$SPIDEV"
run spitool burst "$SPIDEV" 100 64
after=$(ctrl_irq_count)
echo "controller interrupts: $before -> $after"
[ "$after" -gt "$before" ] || fail "no controller interrupt at 1 MHz"
unhandled=$(sed -n 's/^unhandled //p' "$spurious")
echo "interrupts the handler did not claim: $unhandled_before -> $unhandled"
[ "$unhandled" = "$unhandled_before" ] || fail "the handler returned IRQ_NONE $((unhandled - unhandled_before)) times"
spidev_off
