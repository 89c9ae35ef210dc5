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
# Every class spitool knows ran and behaved (36 in qemu/tools/spitool.c).
grep -qx '36 classes, 0 failed' /tmp/bad.out || fail "want '36 classes, 0 failed': $(tail -1 /tmp/bad.out)"
n=$(grep -c '^ok ' /tmp/bad.out)
[ "$n" -eq 36 ] || fail "$n classes behaved, want 36"
spidev_off
