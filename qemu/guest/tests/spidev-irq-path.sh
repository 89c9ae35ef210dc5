# SPDX-License-Identifier: GPL-2.0
# At 1 MHz a FIFO chunk takes 64 us on the wire, so the driver sleeps on the
# controller's interrupt instead of polling: messages still return the right
# data and the interrupt count rises. The interrupts the handler did not
# claim (IRQ_NONE, the kernel's spurious count) are shown, not yet checked:
# our driver leaves about a third unclaimed here, where the C driver, whose
# handler claims any pending watermark, leaves none (issue 20). A handler
# that claims none fails through the host's log check ("nobody cared").
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
spidev_off
