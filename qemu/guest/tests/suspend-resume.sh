# SPDX-License-Identifier: GPL-2.0
# System suspend and resume (pm_test=devices: the device callbacks run, the
# machine does not sleep), with flash I/O before and after. The driver's
# callbacks must run, once per bound controller each: the SPI core's
# spi_controller_suspend()/resume(), which only a controller driver's
# callbacks call, are traced.
# timeout: 120
[ -w /sys/power/pm_test ] || { echo "no /sys/power/pm_test (PM_DEBUG off)"; exit "$KSFT_SKIP"; }
load_spi_driver
T=/sys/kernel/tracing
bound=$(ls -d /sys/bus/platform/drivers/"$(spi_driver_name)"/*.spi | wc -l)
echo 0 >$T/tracing_on
echo nop >$T/current_tracer
echo >$T/trace
printf 'spi_controller_suspend\nspi_controller_resume\n' >$T/set_ftrace_filter
echo function >$T/current_tracer
run mtdtool erase /dev/mtd0 0x790000 4k
run mtdtool write /dev/mtd0 79 0x790000 4k
state=freeze
grep -qw mem /sys/power/state && state=mem
echo "states: $(cat /sys/power/state); using $state"
echo devices >/sys/power/pm_test
echo 1 >$T/tracing_on
echo "$state" >/sys/power/state || fail "suspend to $state (pm_test devices) failed"
echo 0 >$T/tracing_on
echo none >/sys/power/pm_test
suspends=$(grep -c ' spi_controller_suspend <-' $T/trace || true)
resumes=$(grep -c ' spi_controller_resume <-' $T/trace || true)
grep ' spi_controller_\(suspend\|resume\) <-' $T/trace | sed 's/^ *//' | head -4
echo nop >$T/current_tracer
echo >$T/set_ftrace_filter
echo "controllers bound: $bound; spi_controller_suspend: $suspends, spi_controller_resume: $resumes"
[ "$suspends" -eq "$bound" ] || fail "the driver's suspend ran $suspends times, want $bound"
[ "$resumes" -eq "$bound" ] || fail "the driver's resume ran $resumes times, want $bound"
dmesg | grep -iE 'PM: (suspend|resume)|pm_test|Freezing|Restarting' | tail -6
run mtdtool verify /dev/mtd0 79 0x790000 4k
run mtdtool erase /dev/mtd0 0x790000 4k
run mtdtool write /dev/mtd0 80 0x790000 4k
run mtdtool verify /dev/mtd0 80 0x790000 4k
