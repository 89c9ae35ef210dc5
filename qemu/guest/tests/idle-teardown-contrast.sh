# SPDX-License-Identifier: GPL-2.0
# Who finishes the idle teardown when spi-mem flushes a queue that has just
# run empty: __spi_pump_messages(ctlr, false), called by spi_flush_queue()
# before each spi-mem operation, finding the queue empty and the controller
# still busy. The driver as shipped (no unprepare hook, no MUST_TX) lets the
# flushing task finish it every time; the builds with a no-op
# unprepare_transfer_hardware and with SPI_CONTROLLER_MUST_TX make it queue
# the spi kthread every time. Counts from ftrace, not times: the Rust client
# queues asynchronous messages with receive-only transfers while spi-nor
# erases, writes and verifies; the counting is teardown_contrast in testlib.sh.
# timeout: 900
T=/sys/kernel/tracing
grep -qx __spi_pump_messages $T/available_filter_functions ||
	fail "__spi_pump_messages cannot be traced in this kernel (inlined?)"

check() { # NAME MODULE
	teardown_contrast "$1" "$2" 3000
	[ $((CONTRAST_IN_CALLER + CONTRAST_BOUNCED)) -gt 0 ] ||
		fail "$1: no flush found the queue empty with the controller busy"
	case $1 in
	rust)
		[ "$CONTRAST_BOUNCED" -eq 0 ] || fail "$1: $CONTRAST_BOUNCED idle teardowns handed to the kthread"
		;;
	*)
		[ "$CONTRAST_IN_CALLER" -eq 0 ] || fail "$1: $CONTRAST_IN_CALLER idle teardowns finished by the caller"
		;;
	esac
}

check rust spi_sifive_rs
check rust-unprepare unprepare/spi_sifive_rs
check rust-musttx musttx/spi_sifive_rs
rmmod spi_sifive_rs
load_spi_driver
