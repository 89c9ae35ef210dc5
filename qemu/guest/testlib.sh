# SPDX-License-Identifier: GPL-2.0
# Helpers for the guest's test cases (sourced; busybox sh).
# shellcheck shell=sh

# One KTAP line to the kernel log.
ktap() {
	echo "spi-rs: $*" >/dev/kmsg
}

# Forwards stdin line by line as KTAP diagnostics.
diag_lines() {
	while IFS= read -r line; do
		ktap "# $line"
	done
}

# Runs /tests/$2.sh with a time limit, reports "ok N name" or "not ok N name".
# Exit code 0 passes, 4 skips (KTAP's SKIP), anything else fails.
run_case() {
	n=$1 name=$2 limit=${CASE_TIMEOUT:-300}
	rc_file=/tmp/rc.$n
	# A case may set its own limit in a "# timeout: S" line.
	lim=$(sed -n 's/^# timeout: *\([0-9]*\)$/\1/p' "/tests/$name.sh")
	[ -n "$lim" ] && limit=$lim
	{ timeout -s KILL "$limit" sh -c ". /lib/testlib.sh; . /tests/$name.sh" 2>&1; echo $? >"$rc_file"; } | diag_lines
	rc=$(cat "$rc_file")
	case $rc in
	0) ktap "ok $n $name" ;;
	4) ktap "ok $n $name # SKIP" ;;
	137) ktap "# $name: killed after ${limit}s"; ktap "not ok $n $name" ;;
	*) ktap "# $name: exit code $rc"; ktap "not ok $n $name" ;;
	esac
}

# Fails the case with a message.
fail() {
	echo "FAIL: $*"
	exit 1
}

# Waits up to $2 seconds (default 10) for path $1 to exist.
wait_for() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1))
		[ "$i" -gt $((${2:-10} * 10)) ] && return 1
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

# Loads the selected SPI controller driver and waits for the flash.
load_spi_driver() {
	grep -q "^$(echo "$SPI_DRIVER_MODULE" | tr - _) " /proc/modules ||
		run insmod "/modules/$SPI_DRIVER_MODULE.ko"
	wait_for /dev/mtd0 10 || fail "/dev/mtd0 did not appear after loading $SPI_DRIVER_MODULE"
}
