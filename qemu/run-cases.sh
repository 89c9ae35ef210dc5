#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs test cases in one boot of the board and reports them.
#
# Usage: run-cases.sh BOOT_NAME DRIVER CASE...
# Env: KBUILD (kernel build dir, required), DTS (board tree, default
# sifive-u), FLASH (flash image, default a fresh erased one), APPEND (more
# kernel arguments), RESULTS (file that collects "PASS|FAIL name" lines).
#
# Prints one line per case and writes the guest's KTAP to build/logs/NAME.ktap.
# A boot that hangs, panics or prints a kernel splat fails the case
# "NAME/boot", with the tail of the serial log.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

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
	head -c $((32 << 20)) /dev/zero | tr '\0' '\377' >"$flash"
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

start=$(date +%s)
rc=0
# KUnit suites run at boot only where they are reported (slow under KASAN).
append=${APPEND:-}
[ "${KUNIT_CASE:-0}" = 1 ] || append="$append kunit.enable=0"
"$TOP/qemu/boot.sh" "$KBUILD/arch/riscv/boot/Image" "$initrd" "$dtb" "$flash" "$log" "$append" || rc=$?
secs=$(($(date +%s) - start))
tr -d '\r' <"$log" | sed -n 's/^\[ *[0-9.]*\] spi-rs: //p' >"$ktap"
# Error lines in the kernel log that no case asked for, by the case that ran then.
errlines=$logs/$name.errors
"$TOP/qemu/log-errors.sh" "$log" >"$errlines"

# One result per planned case; a case without a result line failed.
n=0
for c in "$@"; do
	n=$((n + 1))
	line=$(grep -E "^(not )?ok $n $c( |\$)" "$ktap" || true)
	errs=$(awk -F'\t' -v n="$n" '$1 == n { print $2 }' "$errlines")
	case $line in
	"ok $n $c # SKIP"*) report SKIP "$c" ;;
	"ok $n $c"*)
		if [ -z "$errs" ]; then
			report PASS "$c"
		else
			report FAIL "$c" "error lines in the kernel log the case did not ask for"
			echo "$errs" | head -10 | sed 's/^/      | /'
		fi
		;;
	*)
		report FAIL "$c" "${line:-no result}"
		# The case's diagnostics: lines after the previous result.
		awk -v n="$n" '/^(not )?ok [0-9]+ / { split($0, w, " "); cur = (w[1] == "not" ? w[3] : w[2]) + 0; next }
			/^# / && cur == n - 1 { print "      " $0 }' "$ktap" | tail -40
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
if [ "$rc" -eq 124 ]; then
	report FAIL boot "no end after ${BOOT_TIMEOUT:-600}s: guest hung; serial log tail follows"
	tail -25 "$log" | sed 's/^/      | /'
elif ! grep -q '^# spi-rs: end of plan' "$ktap"; then
	report FAIL boot "guest did not finish its plan (QEMU exit $rc); serial log tail follows"
	tail -25 "$log" | sed 's/^/      | /'
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
