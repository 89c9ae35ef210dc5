# SPDX-License-Identifier: GPL-2.0
# The SPI core when powering the controller up fails: a runtime resume that
# fails once (fault injection, debugfs <device>-fail_resume), under one
# spi_sync() (spidev, the core's no-queue path) and under a burst of
# spi_async() messages (the Rust client, the queued path). The failed
# message gets the resume's error, every other message works, and the core
# drops the runtime-PM reference it took exactly once: the usage count is
# back where it was and there is no "Runtime PM usage count underflow!".
#
# The reproducer of series/fixes/01 (the core dropped the reference twice:
# once where the power-up failed, once more in its idle teardown).
use_fault_point resume
fault=$FAULT
power=$SPI_CTRL_DEV/power
[ -r "$power/runtime_usage" ] || fail "no $power/runtime_usage (CONFIG_PM_ADVANCED_DEBUG)"

# Waits until the controller has autosuspended, so that the next message
# makes the core power it up.
suspended() {
	local i=0
	while [ "$(cat "$power/runtime_status")" != suspended ]; do
		i=$((i + 1))
		[ $i -le 50 ] || fail "the controller did not autosuspend ($(cat "$power/runtime_status"))"
		sleep 0.1
	done
}

# Fails the next runtime resume, once.
fail_next_resume() {
	echo 0 >"$fault/verbose"
	echo 1 >"$fault/times"
	echo 100 >"$fault/probability"
}

# The usage count, once the controller is idle again, must be BEFORE.
usage_is() { # BEFORE WHEN
	local now
	suspended
	now=$(cat "$power/runtime_usage")
	echo "runtime usage $2: $now (before: $1)"
	[ "$now" = "$1" ] || fail "runtime usage $now after $2, want $1"
}

# Once for the spi_sync(), once for the queued burst.
expect_log -n 2 'spi_master spi[0-9]+: Failed to power device: -5'

echo "-- spi_sync() through spidev (no-queue path)"
spidev_on
suspended
before=$(cat "$power/runtime_usage")
fail_next_resume
if spitool jedec "$SPIDEV" 2>/tmp/err; then
	fail "the message succeeded although the controller could not be powered up"
fi
cat /tmp/err
grep -q 'errno 5)' /tmp/err || fail "want EIO (5) from the failed power-up"
[ "$(cat "$fault/times")" = 0 ] || fail "the fault point was not reached"
usage_is "$before" "the failed spi_sync()"
run spitool jedec "$SPIDEV"
usage_is "$before" "the next spi_sync()"
spidev_off

echo "-- spi_async() burst from the Rust client (queued path)"
suspended
before=$(cat "$power/runtime_usage")
fail_next_resume
# spi-nor keeps the flash: the client reaches it from the other controller's bus.
client_start count=8 burst=8
client_wait
client_expect async 'async sent 8 completed 8 refused 0 ok 7 id_mismatch 0' \
	"want the first of 8 queued messages failed and 7 done"
client_stop
usage_is "$before" "the queued burst"
[ "$(cat "$fault/times")" = 0 ] || fail "the fault point was not reached ($(cat "$fault/times") faults left)"
echo 0 >"$fault/probability"
