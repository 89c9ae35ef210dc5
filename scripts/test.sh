#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test suite: tools, lint, build, host checks, then the guest test cases
# in boots of the QEMU board. One line per case, then "N passed, N failed";
# exits non-zero if anything failed.
#
# Usage: test.sh full|quick
#   full   everything (make test, CI)
#   quick  the edit loop (make check): tools, lint, build, clippy, KUnit and
#          one boot of our driver with the flash and spidev basics
set -euo pipefail
. "$(dirname "$0")/env.sh"

tier=${1:-full}
case $tier in full | quick) ;; *) die "usage: test.sh full|quick" ;; esac

logs=$TOP/build/logs
mkdir -p "$logs"
export RESULTS=$logs/results
: >"$RESULTS"
t0=$(date +%s)

summary() {
	local pass fail skip
	pass=$(grep -c '^PASS ' "$RESULTS" || true)
	fail=$(grep -c '^FAIL ' "$RESULTS" || true)
	skip=$(grep -c '^SKIP ' "$RESULTS" || true)
	[ "$skip" -eq 0 ] || echo "$skip skipped"
	echo "time: $(($(date +%s) - t0))s"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}

# A host-side step as a test case; its output is shown only on failure.
host_case() { # NAME CMD...
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		printf 'PASS host/%s\n' "$name"
		echo "PASS host/$name" >>"$RESULTS"
	else
		printf '%s\n' "$(printf 'FAIL host/%s\n' "$name"; echo "$out" | tail -30 | sed 's/^/      /')"
		echo "FAIL host/$name" >>"$RESULTS"
		return 1
	fi
}

# Tools first: install what is missing, then check every tool the suite
# calls; without them nothing below could tell our bugs from a missing tool.
echo "== tools (install what is missing, then verify)"
if ! "$TOP/scripts/deps.sh"; then
	echo "FAIL host/tools" | tee -a "$RESULTS"
	summary || true
	die "stopped: the tools above are missing, so no check of our code can run"
fi
echo "PASS host/tools" | tee -a "$RESULTS"
# The check itself must catch a missing tool: point one elsewhere.
host_case tools-check-detects-missing bash -c \
	'! out=$(RUSTFMT_BIN=/nonexistent/rustfmt "$0" 2>&1) && echo "$out" | grep -q "/nonexistent/rustfmt (package rustfmt-web)"' \
	"$TOP/scripts/check-tools.sh" || true

echo "== lint"
host_case rustfmt "$TOP/scripts/lint.sh" rustfmt || true
host_case shellcheck "$TOP/scripts/lint.sh" shellcheck || true
host_case dts-matches-qemu "$TOP/scripts/check-dts.sh" || true
# The kernel-log check every boot relies on, on a made-up log.
host_case log-check "$TOP/scripts/check-log-errors.sh" || true
if [ "$tier" = full ]; then
	host_case spitrace-unit-tests "$TOP/scripts/build-spitrace.sh" test || true
	host_case spitrace-lint "$TOP/scripts/lint.sh" spitrace || true
fi

# The test kernels' sources (the series applied) and the fixes series.
echo "== sources (kernel, our series)"
host_case sources bash -c '"$0/scripts/install-bindgen.sh" && "$0/scripts/apply-series.sh" "$("$0/scripts/fetch-kernel.sh")" >/dev/null && "$0/scripts/make-fixes.sh" >/dev/null' "$TOP" || {
	summary
	exit 1
}

# The static checks of the Rust code against the debug kernel's build.
static_checks() {
	host_case clippy "$TOP/scripts/build-module.sh" "$TOP/build/kernel" "$CACHE/module-clippy" CLIPPY=1 || true
	host_case clippy-kernel-crate "$TOP/scripts/clippy-kernel-additions.sh" || true
	# What our types must refuse (a controller's data reached past its registration).
	host_case compile-fail "$TOP/scripts/check-compile-fail.sh" "$TOP/build/kernel" || true
}

echo "== build (kernel, modules, guest tools)"
# The tests run on the debug kernel (lockdep, KASAN, kmemleak, failslab) unless told otherwise.
export VARIANT=${VARIANT:-debug}
if ! host_case build "$TOP/scripts/build.sh"; then
	summary
	exit 1
fi
export KBUILD
KBUILD=$(readlink -f "$TOP/build/kernel")

if [ "$tier" = quick ]; then
	static_checks
	echo "== boot: our Rust driver spi_sifive_rs (quick tier)"
	KUNIT_CASE=1 "$TOP/qemu/run-cases.sh" rs-quick spi_sifive_rs \
		flash-probe flash-write-read flash-erase flash-exec-op spidev-jedec spidev-rx-tx-only runtime-pm || true
	summary
	exit
fi

# The variant builds of our driver (its source and an overlay each), for the
# benchmark and for the idle-teardown contrast case of the rs-driver boot.
host_case variant-builds "$TOP/scripts/build-variants.sh" "$TOP/build/kernel" unprepare musttx nopm fenced ipwait || true
static_checks

echo "== boot: kernel's C spi-sifive driver"
FLASH=$logs/c-driver.flash
"$TOP/qemu/erased-flash.sh" "$FLASH"
date +%s >"$logs/persist-seed"
export INITRAMFS_EXTRA=$logs/extra
mkdir -p "$INITRAMFS_EXTRA"
cp "$logs/persist-seed" "$INITRAMFS_EXTRA/persist-seed"
FLASH=$FLASH KUNIT_CASE=1 "$TOP/qemu/run-cases.sh" c-driver spi-sifive \
	rust-enabled rust-module-load flash-probe flash-write-read flash-erase flash-persist-write rebind-keeps-dma-mask \
	late-send-c-driver || true
echo "== boot: same flash image again"
FLASH=$FLASH "$TOP/qemu/run-cases.sh" c-driver-reboot spi-sifive flash-persist-read || true

echo "== boot: our Rust driver spi_sifive_rs"
FLASH=$logs/rs-driver.flash
"$TOP/qemu/erased-flash.sh" "$FLASH"
# About 15 minutes on the debug kernel (873 s on an idle 2-core machine,
# 2026-12-02).
FLASH=$FLASH "$TOP/qemu/run-cases.sh" rs-driver spi_sifive_rs \
	flash-probe flash-rw-1mib flash-erase flash-exec-op spidev-jedec spidev-rx-tx-only spidev-modes \
	spidev-irq-path spidev-idle-kthread runtime-pm mtd-reads-stay-resumed rpm-resume-failure \
	lost-irq-timeout poll-budget-fallback reload-cycles unbind-pm-race spidev-bad-input mtd-bad-input \
	failslab-probe suspend-resume \
	client-async-vs-mtd done-may-sleep late-send-after-rmmod idle-teardown-contrast \
	flash-persist-write unbind-during-spidev-io unbind-during-mtd-io || true
echo "== boot: same flash image again"
FLASH=$FLASH "$TOP/qemu/run-cases.sh" rs-driver-reboot spi_sifive_rs flash-persist-read || true

echo "== boot: stress (32 MiB verified, 100 unbind/bind, 25 rmmod/insmod; several minutes)"
"$TOP/qemu/run-cases.sh" rs-stress spi_sifive_rs stress || true

# Builds no boot of the debug kernel needs, after its boots (on 2 cores a
# build beside a boot slows both, and stretches the guest's timing checks).
echo "== builds (the kernel crate's other configurations, the patch series)"
# The kernel crate without runtime PM and SPI-MEM, and without SPI.
host_case kernel-crate-configs "$TOP/scripts/check-kernel-crate-configs.sh" || true
# The series: git am on the pristine tree, checkpatch --strict, every
# patch built in order, the in-tree driver, make rustdoc; the fixes on top.
host_case patch-series "$TOP/scripts/check-patches.sh" || true

# The kernel the series check built last: the whole Rust series and the
# fixes on the pristine tree, no debug options but DEBUG_KOBJECT_RELEASE
# (qemu/kconfig/kobjrel.config), with the in-tree driver of patch 6.
echo "== boot: the in-tree driver, on the series' kernel without debug options but delayed kobject releases"
SERIES_BOOT=
if grep -q -x "PASS host/patch-series" "$RESULTS"; then
	SERIES_BOOT=$(sed -n 's/^in-tree boot artefacts: //p' "$CACHE"/series/checked-linux-* 2>/dev/null | tail -1)
fi
if [ -n "$SERIES_BOOT" ] && [ -f "$SERIES_BOOT/modules/spi_sifive_rs.ko" ]; then
	mkdir -p "$TOP/build/intree/modules"
	ln -sfn "$SERIES_BOOT/modules/spi_sifive_rs.ko" "$TOP/build/intree/modules/spi_sifive_rs.ko"
	KBUILD=$SERIES_BOOT ART=$TOP/build/intree \
		"$TOP/qemu/run-cases.sh" rs-intree spi_sifive_rs flash-probe flash-write-read flash-erase \
		unbind-during-mtd-io release-order-cycles || true
else
	echo "FAIL rs-intree/boot  (no in-tree driver: the series check did not finish)"
	echo "FAIL rs-intree/boot" >>"$RESULTS"
fi

summary
