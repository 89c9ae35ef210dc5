# SPDX-License-Identifier: GPL-2.0
# System suspend and resume (pm_test=devices: the device callbacks run, the
# machine does not sleep), with flash I/O before and after.
# timeout: 120
[ -w /sys/power/pm_test ] || { echo "no /sys/power/pm_test (PM_DEBUG off)"; exit 4; }
load_spi_driver
run mtdtool erase /dev/mtd0 0x790000 4k
run mtdtool write /dev/mtd0 79 0x790000 4k
state=freeze
grep -qw mem /sys/power/state && state=mem
echo "states: $(cat /sys/power/state); using $state"
echo devices >/sys/power/pm_test
echo "$state" >/sys/power/state || fail "suspend to $state (pm_test devices) failed"
echo none >/sys/power/pm_test
dmesg | grep -iE 'PM: (suspend|resume)|pm_test|Freezing|Restarting' | tail -6
run mtdtool verify /dev/mtd0 79 0x790000 4k
run mtdtool erase /dev/mtd0 0x790000 4k
run mtdtool write /dev/mtd0 80 0x790000 4k
run mtdtool verify /dev/mtd0 80 0x790000 4k
