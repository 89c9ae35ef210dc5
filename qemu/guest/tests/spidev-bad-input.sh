# SPDX-License-Identifier: GPL-2.0
# Bad input through spidev, the door for untrusted user input: every class
# gets its specific errno (or its documented success) and the device answers
# READ ID right after each.
load_spi_driver
spidev_on
spitool badinput "$SPIDEV" >/tmp/bad.out 2>&1
rc=$?
cat /tmp/bad.out
[ $rc -eq 0 ] || fail "some bad-input classes did not behave"
n=$(grep -c '^ok ' /tmp/bad.out)
[ "$n" -ge 25 ] || fail "only $n classes"
spidev_off
