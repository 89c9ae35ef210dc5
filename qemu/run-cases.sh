#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs test cases in one boot of the board and reports them.
#
# Usage: run-cases.sh BOOT_NAME DRIVER CASE...
# Env: KBUILD (kernel build dir, required), DTS (board tree, default
# sifive-u), FLASH (flash image, default a fresh erased one), APPEND (more
# kernel arguments), RESULTS (file that collects "PASS|FAIL name" lines),
# EXPECT_SKIP (the cases this boot expects to skip; any other skip fails).
#
# Prints one line per case and writes the guest's KTAP to build/logs/NAME.ktap.
# A boot that hangs, panics or prints a kernel splat fails the case
# "NAME/boot", with the tail of the serial log.
#
# Time: each case has its budget (qemu/plan.sh); the guest kills a case that
# runs out and goes on. If the guest cannot (a hung kernel), the host stops
# QEMU once a case has had its budget and a grace period without a result,
# and fails that case by name. BOOT_TIMEOUT (default: the sum of the budgets
# and the boot's own) bounds the whole boot.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"
. "$TOP/qemu/plan.sh"

[ $# -ge 3 ] || die "usage: run-cases.sh BOOT_NAME DRIVER CASE..."
name=$1 driver=$2
shift 2
[ -n "${KBUILD:-}" ] || die "KBUILD (kernel build directory) not set"
logs=$TOP/build/logs
mkdir -p "$logs"
results=${RESULTS:-$logs/results}
initrd=$logs/$name.cpio.gz
dtb=$logs/$name.dtb
log=$logs/$name.log
ktap=$logs/$name.ktap
flash=${FLASH:-$logs/$name.flash}
if [ -z "${FLASH:-}" ]; then
	"$TOP/qemu/erased-flash.sh" "$flash"
fi

report() { # STATUS CASE [DETAIL]
	printf '%-4s %s%s\n' "$1" "$name/$2" "${3:+  ($3)}"
	echo "$1 $name/$2" >>"$results"
}
# The plan is known before the boot: if this script stops early (a failed
# initramfs, device tree or log check), its cases still count, as failures.
planned=("$@")
reported=0
stopped_early() {
	local rc=$? c
	[ "$reported" = all ] && return
	report FAIL harness "run-cases.sh stopped (exit $rc) before it reported every case"
	for c in "${planned[@]:$reported}"; do
		report FAIL "$c" "no result: the harness stopped"
	done
}
trap stopped_early EXIT

"$TOP/qemu/mkinitramfs.sh" "$initrd" "$KBUILD" "$driver" "$@"
"$TOP/scripts/build-dtb.sh" "${DTS:-sifive-u}" "$dtb"

# Budgets: the kernel's boot up to the plan (KUnit suites take minutes under
# KASAN), each case's, the end (kmemleak scan, shutdown); the grace the host
# gives a case the guest should have killed.
boot_budget=600
[ "${KUNIT_CASE:-0}" = 1 ] && boot_budget=1500
end_budget=600 grace=120
budgets=() total=0
for c in "$@"; do
	budgets+=("$(case_budget "$c")")
	total=$((total + ${budgets[-1]}))
done
export BOOT_TIMEOUT=${BOOT_TIMEOUT:-$((boot_budget + total + end_budget))}

# The number of the last case with a result in the serial log so far: -1
# before the plan line, 0 after it.
last_result() {
	[ -f "$log" ] || { echo -1; return; }
	tr -d '\r' <"$log" | sed -n -e 's/^\[ *[0-9.]*\] spi-rs: 1\.\.[0-9]*$/0/p' \
		-e 's/^\[ *[0-9.]*\] spi-rs: \(not \)\{0,1\}ok \([0-9]*\) .*/\2/p' | tail -1 | grep . || echo -1
}

start=$(date +%s)
rc=0
overrun=0 overrun_why=""
# KUnit suites run at boot only where they are reported (slow under KASAN).
append=${APPEND:-}
[ "${KUNIT_CASE:-0}" = 1 ] || append="$append kunit.enable=0"
"$TOP/qemu/boot.sh" "$KBUILD/arch/riscv/boot/Image" "$initrd" "$dtb" "$flash" "$log" "$append" &
qemu_pid=$!
seen=-2 since=$start
while kill -0 "$qemu_pid" 2>/dev/null; do
	sleep 5
	k=$(last_result)
	now=$(date +%s)
	[ "$k" = "$seen" ] || { seen=$k since=$now; }
	if [ "$k" -lt 0 ]; then
		limit=$boot_budget what="the kernel's boot"
	elif [ "$k" -lt $# ]; then
		limit=$((budgets[k] + grace)) what="case $((k + 1)) ${planned[k]}"
	else
		limit=$end_budget what="the end of the plan"
	fi
	if [ $((now - since)) -gt "$limit" ]; then
		overrun=$((k + 1)) overrun_why="$what had no result after ${limit}s: QEMU stopped by the host"
		# boot.sh waits on timeout(1), which passes the signal on to QEMU.
		pkill -TERM -P "$qemu_pid" 2>/dev/null || true
		break
	fi
done
wait "$qemu_pid" || rc=$?
secs=$(($(date +%s) - start))
tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] spi-rs: //p' >"$ktap"
# Error lines in the kernel log that no case asked for, by the case that ran then.
errlines=$logs/$name.errors
"$TOP/qemu/log-errors.sh" "$log" >"$errlines"

# Case N's diagnostics (the KTAP "# " lines after the previous result), indented.
case_diagnostics() { # N
	awk -v n="$1" '/^(not )?ok [0-9]+ / { split($0, w, " "); cur = (w[1] == "not" ? w[3] : w[2]) + 0; next }
		/^# / && cur == n - 1 { print "      " $0 }' "$ktap"
}

# One result per planned case; a case without a result line failed.
n=0
for c in "$@"; do
	n=$((n + 1))
	line=$(grep -E "^(not )?ok $n $c( |\$)" "$ktap" || true)
	errs=$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$errlines")
	case $line in
	"ok $n $c # SKIP"*)
		if [ -n "$errs" ]; then
			report FAIL "$c" "skipped, with error lines in the kernel log"
			echo "$errs" | head -10 | sed 's/^/      | /'
		elif [[ " ${EXPECT_SKIP:-} " == *" $c "* ]]; then
			report SKIP "$c"
		else
			report FAIL "$c" "skipped, and this boot does not expect it to (EXPECT_SKIP)"
			case_diagnostics "$n" | tail -5
		fi
		;;
	"ok $n $c"*)
		if [ -z "$errs" ]; then
			report PASS "$c"
		else
			report FAIL "$c" "error lines in the kernel log the case did not ask for"
			echo "$errs" | head -10 | sed 's/^/      | /'
		fi
		;;
	*)
		if [ -z "$line" ] && [ "$overrun" = "$n" ]; then
			line="no result within its budget of ${budgets[n - 1]}s and ${grace}s grace: QEMU stopped by the host"
		fi
		report FAIL "$c" "${line:-no result}"
		case_diagnostics "$n" | tail -40
		[ -z "$errs" ] || echo "$errs" | head -10 | sed 's/^/      | /'
		;;
	esac
	reported=$n
done

# KUnit suites built into the kernel (our kernel-crate tests, doctests) ran
# at boot; report them once, for the boot that asks (KUNIT_CASE=1).
if [ "${KUNIT_CASE:-0}" = 1 ]; then
	totals=$(tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] # Totals: //p')
	if [ -z "$totals" ]; then
		report FAIL kunit "no KUnit results in the log"
	elif echo "$totals" | grep -qv 'fail:0 '; then
		report FAIL kunit "$(echo "$totals" | paste -sd';')"
		tr -d '\r' <"$log" | grep -E '^\[ *[0-9.]*\] +not ok ' | head -20 | sed 's/^/      | /'
	else
		report PASS kunit "$(echo "$totals" | awk -F'[: ]' '{ p += $2 } END { print p " passed" }')"
	fi
fi

# The boot as a whole: ended by itself, reached the end of the plan, no splat.
# A splat is a kernel message that starts like one; our own lines never count.
splat=$(tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] //p' | grep -v '^spi-rs: ' |
	grep -n -m5 -E '^(WARNING:|BUG:|Oops|Kernel panic|Unable to handle|kernel BUG|KASAN:|UBSAN:|kmemleak: [0-9]+ new suspected|INFO: task .* blocked|rcu: INFO: .* detected stall|======================================================)' || true)
if [ -n "$overrun_why" ]; then
	report FAIL boot "$overrun_why; serial log tail follows"
	tail -25 "$log" | sed 's/^/      | /'
elif [ "$rc" -eq 124 ]; then
	report FAIL boot "no end after ${BOOT_TIMEOUT:-600}s: guest hung; serial log tail follows"
	tail -25 "$log" | sed 's/^/      | /'
elif ! grep -q '^# spi-rs: end of plan' "$ktap"; then
	report FAIL boot "guest did not finish its plan (QEMU exit $rc); serial log tail follows"
	tail -25 "$log" | sed 's/^/      | /'
elif grep -q '^# spi-rs: lockdep is off' "$ktap"; then
	report FAIL boot "lockdep switched itself off: the locking checks did not run"
	grep -B3 -m1 -iE 'turning off the locking|non-static key|debug_locks' "$log" | sed 's/^/      | /'
elif grep -q 'printk messages dropped' "$log"; then
	report FAIL boot "the console lost kernel messages; results may be incomplete"
	grep -m3 'printk messages dropped' "$log" | sed 's/^/      | /'
elif [ -n "$splat" ]; then
	report FAIL boot "kernel splat in the log"
	echo "$splat" | sed 's/^/      | /'
elif grep -q '^0	' "$errlines"; then
	report FAIL boot "error lines in the kernel log outside the test cases"
	sed -n 's/^0	//p' "$errlines" | head -10 | sed 's/^/      | /'
else
	report PASS boot "${secs}s"
fi
reported=all
