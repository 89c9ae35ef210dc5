# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest's test cases (sourced; busybox sh).
# shellcheck shell=sh

# kselftest's KTAP helpers (ktap_test_pass/skip/fail, KSFT_SKIP...), from the
# kernel source; a case skips with "exit $KSFT_SKIP".
. /lib/ktap_helpers.sh

# One line to the kernel log, tagged for the host. Each line is written on
# its own to /dev/kmsg: the UART loses characters of fast user-space writes,
# kernel messages arrive intact; and the line lands between the kernel
# messages of the case before it and those after it.
ktap() {
	echo "spi-rs: $*" >/dev/kmsg
}

# Runs a ktap_helpers.sh function in this shell (its counters live here) and
# sends what it printed to the kernel log before returning.
to_kmsg() { # FUNCTION ARG...
	"$@" >/tmp/ktap.out
	while IFS= read -r line; do
		ktap "$line"
	done </tmp/ktap.out
}

# Forwards stdin line by line as KTAP diagnostics (not ktap_print_msg, whose
# unquoted echo would split and glob the case's output).
diag_lines() {
	while IFS= read -r line; do
		ktap "# $line"
	done
}

# Lockdep's debug_locks: 1 while it checks, 0 once it has switched itself off,
# empty on a kernel without lockdep.
debug_locks() {
	sed -n 's/^ *debug_locks: *//p' /proc/lockdep_stats 2>/dev/null
}

# Runs /tests/$2.sh, killed after its budget of $3 seconds (the plan's, from
# the case's "# timeout: S" line); reports "ok N name" or "not ok N name"
# through ktap_helpers.sh, whose test number must be N. Exit code KSFT_PASS
# passes, KSFT_SKIP skips, anything else fails.
#
# The case runs in a session of its own, and what is left of it when it ends
# or runs out of budget is killed as a group: a background process it started
# would otherwise keep the output pipe open, and the boot would wait for it.
run_case() { # N NAME BUDGET
	n=$1 name=$2 limit=$3
	rc_file=/tmp/rc.$n
	killed=/tmp/killed.$n
	locks_before=$(debug_locks)
	{
		setsid sh -c ". /lib/testlib.sh; . /tests/$name.sh" 2>&1 &
		pid=$!
		setsid sh -c "sleep $limit; : >$killed; kill -KILL -$pid" >/dev/null 2>&1 </dev/null &
		watchdog=$!
		wait "$pid" 2>/dev/null
		echo $? >"$rc_file"
		kill -KILL -"$watchdog" 2>/dev/null
		kill -KILL -"$pid" 2>/dev/null
	} | diag_lines
	rc=$(cat "$rc_file")
	[ ! -e "$killed" ] || rc=137
	if [ "$locks_before" = 1 ] && [ "$(debug_locks)" = 0 ]; then
		ktap "# $name: lockdep switched itself off during this case"
		case $rc in "$KSFT_PASS" | "$KSFT_SKIP") rc=$KSFT_FAIL ;; esac
	fi
	[ "$KTAP_TESTNO" = "$n" ] || ktap "# $name: KTAP test number $KTAP_TESTNO, want $n"
	case $rc in
	"$KSFT_PASS") to_kmsg ktap_test_pass "$name" ;;
	"$KSFT_SKIP") to_kmsg ktap_test_skip "$name" ;;
	137) ktap "# $name: killed after ${limit}s"; to_kmsg ktap_test_fail "$name" ;;
	*) ktap "# $name: exit code $rc"; to_kmsg ktap_test_fail "$name" ;;
	esac
}

# Declares kernel log lines (an ERE) this case provokes from here on, on
# purpose, such as a driver's timeout message; the host fails a case on any
# other error line, and on a matching line printed before the declaration.
# "-n COUNT" wants exactly COUNT matching lines until the case's end;
# "-n @TAG" as many as every other pattern of the case with that tag.
# Written straight to the kernel log, so that it comes before the lines the
# case goes on to provoke.
expect_log() { # [-n COUNT|@TAG] ERE
	if [ "$1" = -n ]; then
		ktap "# expected-log n=$2: $3"
	else
		ktap "# expected-log: $1"
	fi
}

# The preamble of a case that injects faults at one of our driver's fault
# points (debugfs <device>-fail_NAME): skips the case (KSFT_SKIP) for the C
# driver, which has none, and on a kernel without fault injection in debugfs;
# otherwise loads the driver, which must have made the fault point, and sets
# FAULT to its directory.
use_fault_point() { # NAME
	local mod
	mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
	[ "$mod" = spi_sifive_rs ] || { echo "no fault points in $mod"; exit "$KSFT_SKIP"; }
	zcat /proc/config.gz | grep -qx 'CONFIG_FAULT_INJECTION_DEBUG_FS=y' ||
		{ echo "no fault injection in debugfs in this kernel"; exit "$KSFT_SKIP"; }
	load_spi_driver
	FAULT=/sys/kernel/debug/10040000.spi-fail_$1
	[ -d "$FAULT" ] || fail "$FAULT missing: the driver did not create its fault point"
}

# Fails the case with a message.
# Fails the case unless ftrace's buffer kept every event written since the
# trace was last cleared (its header's entries-in-buffer/entries-written); a
# count from a trace that lost events shows nothing. Call before clearing it.
trace_complete() {
	local counts
	counts=$(sed -n 's/.*entries-in-buffer\/entries-written: \([0-9]*\)\/\([0-9]*\).*/\1 \2/p' /sys/kernel/tracing/trace)
	echo "trace: in buffer/written: ${counts:-none}"
	set -- $counts
	[ "$#" = 2 ] && [ "$1" = "$2" ] || fail "the trace lost events (in buffer/written: ${counts:-none})"
}

fail() {
	echo "FAIL: $*"
	exit 1
}

# Waits up to $2 seconds (default 10) for path $1 to exist.
wait_for() {
	local tries=0
	while [ ! -e "$1" ]; do
		tries=$((tries + 1))
		[ "$tries" -gt $((${2:-10} * 10)) ] && return 1
		sleep 0.1
	done
}

# Runs a command, printing it; fails the case if it fails.
run() {
	echo "\$ $*"
	"$@" || fail "'$*' exited with $?"
}

# The kernel's C driver or ours, as this boot's plan says (/etc/driver).
SPI_DRIVER_MODULE=$(cat /etc/driver 2>/dev/null || echo spi_sifive_rs)
SPI_CTRL_DEV=/sys/bus/platform/devices/10040000.spi

# The SPI bus name (spiN) of the flash's controller.
spi_bus() {
	ls "$SPI_CTRL_DEV/spi_master" 2>/dev/null
}

# The interrupt number of the flash's controller. The C driver names its
# interrupt after the device; ours after the driver (Rust's IRQ API takes a
# static name), and its probe line gives the number.
ctrl_irq() {
	local n
	n=$(awk '/10040000.spi/ { sub(":", "", $1); print $1 }' /proc/interrupts)
	[ -n "$n" ] || n=$(dmesg | sed -n 's/.*10040000\.spi: registered: irq \([0-9]*\),.*/\1/p' | tail -1)
	[ -n "$n" ] || fail "no interrupt found for 10040000.spi"
	echo "$n"
}

# Interrupts taken so far by the flash's controller, all CPUs.
ctrl_irq_count() {
	awk -v irq="$(ctrl_irq):" '$1 == irq { n = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i; print n }' /proc/interrupts
}

# The driver name the selected module registers.
spi_driver_name() {
	case $SPI_DRIVER_MODULE in
	spi-sifive) echo sifive_spi ;;
	*) echo "$SPI_DRIVER_MODULE" ;;
	esac
}

# N rmmod/insmod cycles of the controller driver. GONE runs after each rmmod,
# BACK after each insmod, each with the cycle's description as its argument
# (e.g. "after insmod (cycle 3)"); "true" skips a check.
module_cycles() { # N GONE BACK
	local n=$1 gone=$2 back=$3 mod i=0
	mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		rmmod "$mod" || fail "rmmod $mod failed (cycle $i)"
		$gone "after rmmod (cycle $i)"
		insmod "/modules/$SPI_DRIVER_MODULE.ko" || fail "insmod failed (cycle $i)"
		$back "after insmod (cycle $i)"
	done
	echo "rmmod/insmod: $i cycles"
}

# N unbind/bind cycles of the flash's controller, checked as in module_cycles.
bind_cycles() { # N GONE BACK
	local n=$1 gone=$2 back=$3 drv i=0
	drv=/sys/bus/platform/drivers/$(spi_driver_name)
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		echo 10040000.spi >"$drv/unbind" || fail "unbind failed (cycle $i)"
		$gone "after unbind (cycle $i)"
		echo 10040000.spi >"$drv/bind" || fail "bind failed (cycle $i)"
		$back "after bind (cycle $i)"
	done
	echo "unbind/bind: $i cycles"
}

# The last probe line of spi_sifive_rs for the flash's controller: a variant
# build names itself ("benchmark variant: ...") in the line after
# "registered:".
rs_probe_line() {
	dmesg | grep -E 'spi_sifive_rs 10040000\.spi: (registered|benchmark variant):' | tail -1
}

# Loads a benchmark variant: MODULE is a module under /modules without ".ko",
# e.g. spi-sifive, spi_sifive_rs or musttx/spi_sifive_rs (a variant build of
# ours). Checks that the probe line names the variant the module claims to be,
# and fails loudly otherwise. Sets SPI_DRIVER_MODULE.
load_bench_variant() {
	local mod=$1 want line
	insmod "/modules/$mod.ko" || fail "insmod $mod failed"
	SPI_DRIVER_MODULE=$(basename "$mod")
	wait_for /dev/mtd0 10 || fail "no /dev/mtd0 with $mod"
	[ "$SPI_DRIVER_MODULE" = spi_sifive_rs ] || return 0
	case $mod in
	musttx/*) want="benchmark variant: MUST_TX" ;;
	unprepare/*) want="benchmark variant: unprepare hook" ;;
	nopm/*) want="benchmark variant: no runtime PM" ;;
	fenced/*) want="benchmark variant: ordered FIFO accesses" ;;
	ipwait/*) want="benchmark variant: status reads before RXDATA" ;;
	locked/*) want="benchmark variant: shadow under a spinlock" ;;
	*) want="" ;;
	esac
	line=$(rs_probe_line)
	if [ -n "$want" ]; then
		echo "$line" | grep -q "$want\$" || fail "$mod is not the variant it claims ($want): $line"
	else
		echo "$line" | grep -q 'registered:' || fail "$mod is a variant build, not the driver proper: $line"
	fi
	return 0
}

# The words from the (N mod count)-th on (0 is the first), then those before
# it: the same cyclic order, started elsewhere.
rotated() { # N WORD...
	local n=$1 i=0 head="" tail="" w
	shift
	[ $# -gt 0 ] || return 0
	n=$((n % $#))
	for w in "$@"; do
		if [ $i -lt $n ]; then
			head="$head $w"
		else
			tail="$tail $w"
		fi
		i=$((i + 1))
	done
	echo "${tail# }$head"
}

# Round R's order of benchmark variants (name:module words): rotated by R-1,
# so that no variant always runs first or last in a round; printed as
# "round R order: NAME..." for the log. Sets ORDER.
round_order() { # ROUND VARIANT...
	local r=$1 v names=""
	shift
	ORDER=$(rotated $((r - 1)) "$@")
	for v in $ORDER; do
		names="$names ${v%%:*}"
	done
	echo "round $r order:$names"
}

# Binds spidev to the flash's chip select in place of spi-nor.
spidev_on() {
	local d
	d=/sys/bus/spi/devices/$(spi_bus).0
	[ -e "$d/driver" ] && echo "$(basename "$d")" >"$d/driver/unbind"
	echo spidev >"$d/driver_override"
	echo "$(basename "$d")" >/sys/bus/spi/drivers/spidev/bind
	SPIDEV=/dev/spidev$(spi_bus | tr -dc 0-9).0
	wait_for "$SPIDEV" 5 || fail "$SPIDEV did not appear"
}

# Gives the flash back to spi-nor.
spidev_off() {
	local d
	d=/sys/bus/spi/devices/$(spi_bus).0
	[ -e "$d/driver" ] && echo "$(basename "$d")" >"$d/driver/unbind"
	echo >"$d/driver_override"
	echo "$(basename "$d")" >/sys/bus/spi/drivers/spi-nor/bind
	wait_for /dev/mtd0 5 || fail "/dev/mtd0 did not come back after spidev"
}

# Whether the spi_sifive_rs loaded is the driver proper: its last probe line
# is "registered:", not a variant build's "benchmark variant:".
rs_driver_is_proper() {
	rs_probe_line | grep -q 'registered:'
}

# Loads the selected SPI controller driver and waits for the flash. A case
# that failed half-way may have left the other controller driver, or a
# variant build of ours, loaded: those go first.
load_spi_driver() {
	local mod other
	mod=$(echo "$SPI_DRIVER_MODULE" | tr - _)
	for other in spi_sifive spi_sifive_rs; do
		[ "$other" != "$mod" ] && grep -q "^$other " /proc/modules && run rmmod "$other"
	done
	if [ "$mod" = spi_sifive_rs ] && grep -q "^$mod " /proc/modules && ! rs_driver_is_proper; then
		echo "a variant build of $mod is loaded, not the driver proper: reloading"
		run rmmod "$mod"
	fi
	grep -q "^$mod " /proc/modules || run insmod "/modules/$SPI_DRIVER_MODULE.ko"
	[ "$mod" != spi_sifive_rs ] || rs_driver_is_proper ||
		fail "the loaded $mod did not probe as the driver proper: $(rs_probe_line)"
	# A previous case may have failed with the controller unbound, or with
	# spidev (or nothing) on the flash.
	if [ ! -e "$SPI_CTRL_DEV/driver" ]; then
		echo 10040000.spi >"/sys/bus/platform/drivers/$(spi_driver_name)/bind" 2>/dev/null
		wait_for "$SPI_CTRL_DEV/spi_master" 5
	fi
	if grep -q spidev "/sys/bus/spi/devices/$(spi_bus).0/driver_override" 2>/dev/null ||
		[ ! -e "/sys/bus/spi/devices/$(spi_bus).0/driver" ]; then
		spidev_off
	fi
	wait_for /dev/mtd0 10 || fail "/dev/mtd0 did not appear after loading $SPI_DRIVER_MODULE"
}

# The Rust test client (spi_rs_client, device-side kernel::spi): loaded with
# ARGS and bound, by driver_override, to the device of the other controller
# (10050000.spi), aiming at the flash's bus. Its probe, which runs the traffic,
# runs in the background until client_wait.
client_start() { # MODULE-ARGS...
	local other
	other=$(ls /sys/bus/platform/devices/10050000.spi/spi_master 2>/dev/null) ||
		fail "no SPI controller at 10050000.spi to bind the client to"
	CLIENT_DEV=$other.0
	[ -e "/sys/bus/spi/devices/$CLIENT_DEV" ] || fail "no SPI device $CLIENT_DEV"
	grep -q '^spi_rs_client ' /proc/modules && rmmod spi_rs_client
	run insmod /modules/spi_rs_client.ko target_bus="$(spi_bus | tr -dc 0-9)" "$@"
	echo spi_rs_client >"/sys/bus/spi/devices/$CLIENT_DEV/driver_override"
	CLIENT_LOG_FROM=$(dmesg | wc -l)
	(echo "$CLIENT_DEV" >/sys/bus/spi/drivers_probe) &
	CLIENT_PID=$!
}

# Waits for the client's probe (its traffic) to end.
client_wait() {
	wait "$CLIENT_PID" || fail "the client's probe failed"
	[ -e "/sys/bus/spi/devices/$CLIENT_DEV/driver" ] || fail "the client did not bind"
}

# The client's last log line about WHAT (async, timing), since client_start;
# only the driver's own lines (a case's expect_log names them too).
client_line() {
	dmesg | tail -n +$((CLIENT_LOG_FROM + 1)) | grep -E "spi_rs_client spi[0-9.]+: spi_rs_client: $1" | tail -1
}

# The client's last line about WHAT must end with WANT (a basic regular
# expression); fails with WHY otherwise. Shows the line.
client_expect() { # WHAT WANT WHY
	local line
	line=$(client_line "$1")
	[ -n "$line" ] || fail "the client printed no $1 result"
	echo "client: ${line#*spi_rs_client: }"
	echo "$line" | grep -q "$2\$" || fail "$3: ${line#*spi_rs_client: }"
}

# Every one of COUNT asynchronous messages completed, none was refused or
# failed, every READ ID answer was the flash's id.
client_check() { # COUNT
	client_expect async "async sent $1 completed $1 refused 0 ok $1 id_mismatch 0" \
		"the client's traffic was not clean"
}

# Unbinds the client (client_stop) started with late_send=1, whose send on
# unbind, after its target's controller is gone, must fail with ESHUTDOWN.
client_stop_late_send_refused() {
	expect_log -n 1 'spi_rs_client spi[0-9.]+: spi_rs_client: late send: error -108$'
	client_stop
	client_expect "late send" "late send: error -108" \
		"want the late send refused with ESHUTDOWN (-108)"
}

# Unbinds and unloads the client.
client_stop() {
	echo "$CLIENT_DEV" >/sys/bus/spi/drivers/spi_rs_client/unbind
	echo >"/sys/bus/spi/devices/$CLIENT_DEV/driver_override"
	rmmod spi_rs_client
}


# Who finishes the idle teardown when spi-mem flushes a queue that has just
# run empty (see tests/idle-teardown-contrast.sh): loads MODULE (a variant
# build, checked by load_bench_variant), has the Rust client queue COUNT
# asynchronous messages while spi-nor erases, writes and verifies, and counts
# from a function trace what followed each flush of the flushing task:
# spi_controller_idle (teardown in the caller), kthread_queue_work
# <-__spi_pump_messages without a message in between (handed to the
# kthread), spi_message_start (it pumped a queued message itself), or
# nothing. Prints one "contrast NAME:" line; sets CONTRAST_IN_CALLER and
# CONTRAST_BOUNCED.
teardown_contrast() { # NAME MODULE COUNT
	local T=/sys/kernel/tracing name=$1 mod=$2 count=$3 bus counts
	for m in spi_sifive_rs spi_sifive; do
		grep -q "^$m " /proc/modules && rmmod $m
	done
	load_bench_variant "$mod"
	bus=$(spi_bus)
	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	echo >$T/trace
	printf '__spi_pump_messages\nkthread_queue_work\n' >$T/set_ftrace_filter
	echo 1 >$T/events/spi/spi_controller_idle/enable
	echo 1 >$T/events/spi/spi_message_start/enable
	echo function >$T/current_tracer
	echo 1 >$T/tracing_on
	client_start count=$count burst=4 pace_us=100
	run mtdtool erase /dev/mtd0 0x500000 128k
	run mtdtool write /dev/mtd0 7 0x500000 128k
	run mtdtool verify /dev/mtd0 7 0x500000 128k
	client_wait
	echo 0 >$T/tracing_on
	# Switching the tracer clears the buffer: keep the trace first.
	cat $T/trace >/tmp/contrast.trace
	echo nop >$T/current_tracer
	echo >$T/set_ftrace_filter
	echo 0 >$T/events/spi/spi_controller_idle/enable
	echo 0 >$T/events/spi/spi_message_start/enable
	client_check $count
	client_stop
	counts=$(awk -v k="$bus" '
		/^#/ { next }
		{
			task = $1; comm = task; sub(/-[0-9]+$/, "", comm)
			if (comm == k) {
				if ($0 ~ /spi_controller_idle: / && $0 ~ k "$") kidle++
				next
			}
		}
		# spi_flush_queue() tail-calls it: the parent shows as its caller.
		/ __spi_pump_messages <-/ { state[task] = "flush"; next }
		/spi_message_start: / { if (state[task] == "flush") { pumped++; state[task] = "pumped" }; next }
		/spi_controller_idle: / && $0 ~ k "$" { if (state[task] == "flush") in_caller++; state[task] = ""; next }
		/kthread_queue_work <-__spi_pump_messages/ {
			if (state[task] == "flush") bounced++
			state[task] = ""
		}
		END { printf "%d %d %d %d\n", in_caller, bounced, pumped, kidle }
	' /tmp/contrast.trace)
	rm -f /tmp/contrast.trace
	# shellcheck disable=SC2086 # four numbers
	set -- $counts
	CONTRAST_IN_CALLER=$1 CONTRAST_BOUNCED=$2
	echo "contrast $name: reached $(($1 + $2)) in_caller $1 bounced $2 pumped $3 kthread_idle $4"
}

