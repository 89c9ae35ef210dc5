# SPDX-License-Identifier: GPL-2.0
# Every mode the controller supports is accepted; unsupported modes and word
# sizes are refused with EINVAL; the device still works afterwards.
load_spi_driver
spidev_on
expect() { # WHAT ARG WANT
	got=$(spitool "$1" "$SPIDEV" "$2")
	echo "$1 $2: $got"
	[ "$got" = "$3" ] || fail "$1 $2: got '$got', want '$3'"
}
# CPHA, CPOL, both, LSB_FIRST, CS_HIGH, TX/RX dual and quad
for m in 0 1 2 3 8 4 100 200 400 800 900 a00; do
	expect mode $m ok
done
# 3WIRE, LOOP, NO_CS, READY; dual and quad at once
for m in 10 20 40 80 300 c00; do
	expect mode $m EINVAL
done
# Octal is not refused: the core drops unsupported wire-count bits with a
# warning and keeps single-wire transfers. Check they were dropped.
for m in 2000 4000; do
	expect mode $m ok
	got=$(spitool getmode "$SPIDEV")
	[ "$got" = 0 ] || fail "mode $m: the device kept mode $got"
done
expect mode 0 ok
expect bits 8 ok
for b in 7 9 16 32; do
	expect bits $b EINVAL
done
expect bits 8 ok
run spitool jedec "$SPIDEV"
spidev_off
