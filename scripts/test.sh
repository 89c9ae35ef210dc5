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
	host_case clippy "$TOP/scripts/build-module.sh" "$TOP/build/kernel" "$MODULE_CACHE/clippy" CLIPPY=1 || true
	host_case clippy-kernel-crate "$TOP/scripts/clippy-kernel-additions.sh" || true
	# What our types must refuse (a controller's data reached past its registration).
	host_case compile-fail "$TOP/scripts/check-compile-fail.sh" "$TOP/build/kernel" || true
	# The C helpers inlined into the driver (fixes/08; FIXES=0 builds without it).
	if [ "${FIXES:-1}" = 1 ]; then
		host_case helpers-inlined "$TOP/scripts/check-helpers-inlined.sh" "$TOP/build/modules/spi_sifive_rs.ko" || true
	fi
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

# The build without runtime PM (a variant build: the driver's source and an
# overlay), which late-send-after-rmmod loads on the debug kernel.
host_case variant-builds "$TOP/scripts/build-variants.sh" "$TOP/build/kernel" nopm || true
static_checks

# Each boot that reads a pattern from the flash reads one written before it,
# with a seed of its own: the C driver's pattern is read by the in-tree driver
# on the series' kernel; the debug kernel's boot of ours reads one the host
# wrote into its flash image, and the host checks the one it wrote.
seeds() { # DIR READ_SEED WRITE_SEED
	mkdir -p "$1"
	rm -f "$1"/persist-seed*
	[ -z "$2" ] || echo "$2" >"$1/persist-seed-prev"
	[ -z "$3" ] || echo "$3" >"$1/persist-seed"
}
seed=$(date +%s)
FLASH=$logs/persist.flash
"$TOP/qemu/erased-flash.sh" "$FLASH"
mtdtool=$TOP/build/guest-tools/host/mtdtool

# Two lanes, one per core: the debug kernel's boot of our driver, the longest
# step, runs in the background (with a flash image of its own) beside the C
# driver's boot, the builds of the series check and the in-tree boot. The
# builds run niced: a boot's cases have time budgets, a build has none.
# The debug kernel (KASAN, lockdep, kmemleak, fault injection) runs 10 to 20
# times slower than the series' kernel under QEMU: it gets the cases whose
# point is what those checks see (fault injection, unload and unbind under
# I/O, bad input, sleeping in atomic context, the fixes' reproducers); the
# series' kernel gets the functional, timing and stress cases (below).
rs_flash=$logs/rs-driver.flash
rs_lane() {
	"$TOP/qemu/erased-flash.sh" "$rs_flash"
	host_case rs-driver-flash-prepared "$mtdtool" write "$rs_flash" $((seed + 2)) 0x300000 64k || return 0
	seeds "$logs/extra-rs" $((seed + 2)) $((seed + 3))
	INITRAMFS_EXTRA=$logs/extra-rs FLASH=$rs_flash "$TOP/qemu/run-cases.sh" rs-driver spi_sifive_rs \
		flash-persist-read flash-probe flash-write-read mtd-reads-stay-resumed rpm-resume-failure \
		lost-irq-timeout poll-budget-fallback reload-cycles spidev-bad-input mtd-bad-input failslab-probe \
		suspend-resume done-may-sleep late-send-after-rmmod unbind-during-spidev-io unbind-during-mtd-io \
		flash-persist-write || true
	# What flash-persist-write wrote is in the image QEMU left.
	host_case rs-driver-flash-written "$mtdtool" verify "$rs_flash" $((seed + 3)) 0x300000 64k || true
}
rs_lane >"$logs/rs-driver.lane" 2>&1 &
rs_lane_pid=$!

echo "== boot: kernel's C spi-sifive driver (debug kernel)"
seeds "$logs/extra-c" "" "$seed"
INITRAMFS_EXTRA=$logs/extra-c FLASH=$FLASH KUNIT_CASE=1 "$TOP/qemu/run-cases.sh" c-driver spi-sifive \
	rust-enabled rust-module-load flash-probe flash-write-read flash-erase flash-persist-write rebind-keeps-dma-mask \
	late-send-c-driver || true

echo "== builds (the kernel crate's other configurations, the patch series)"
# The kernel crate without runtime PM and SPI-MEM, and without SPI.
host_case kernel-crate-configs nice -n 10 "$TOP/scripts/check-kernel-crate-configs.sh" || true
# The series: git am on the pristine tree, checkpatch --strict, every
# patch built in order, the in-tree driver, make rustdoc; the fixes on top.
host_case patch-series nice -n 10 "$TOP/scripts/check-patches.sh" || true

# The kernel the series check built last: the whole Rust series and the
# fixes on the pristine tree, no debug options but DEBUG_KOBJECT_RELEASE and
# DEBUG_OBJECTS (qemu/kconfig/kobjrel.config), with the in-tree driver of
# patch 6; the test client and the variant builds are built against it.
echo "== boot: the in-tree driver, on the series' kernel (delayed kobject releases)"
SERIES_BOOT=
if grep -q -x "PASS host/patch-series" "$RESULTS"; then
	SERIES_BOOT=$(sed -n 's/^in-tree boot artefacts: //p' "$CACHE"/series/checked-linux-* 2>/dev/null | tail -1)
fi
# sync-keeps-runtime-pm runs here: on the debug kernel a message can take
# longer than the jiffy for which the SPI core keeps the reference (fixes/07).
intree_cases=(flash-persist-read flash-probe flash-rw-1mib flash-erase flash-exec-op spidev-jedec
	spidev-rx-tx-only spidev-modes spidev-irq-path spidev-idle-kthread sync-keeps-runtime-pm
	runtime-pm unbind-pm-race client-async-vs-mtd idle-teardown-contrast unbind-during-mtd-io
	release-order-cycles stress)
intree=$TOP/build/intree
# The series' build directory holds its boot artefacts (check-patches.sh).
series_build=${SERIES_BOOT%/*}
client_build=$MODULE_CACHE/${series_build##*/}
if [ -n "$SERIES_BOOT" ] && [ -f "$SERIES_BOOT/modules/spi_sifive_rs.ko" ] &&
	host_case series-kernel-modules "$TOP/scripts/build-module.sh" "$series_build" "$client_build" &&
	host_case series-helpers-inlined "$TOP/scripts/check-helpers-inlined.sh" "$SERIES_BOOT/modules/spi_sifive_rs.ko"; then
	rm -rf "$intree/modules"
	mkdir -p "$intree/modules"
	ln -sfn "$SERIES_BOOT/modules/spi_sifive_rs.ko" "$intree/modules/spi_sifive_rs.ko"
	ln -sfn "$client_build/rust/spi_rs_client/spi_rs_client.ko" "$intree/modules/spi_rs_client.ko"
	# The variant builds of our driver (its source and an overlay each): the
	# idle-teardown contrast loads two; make bench builds them for its kernel.
	host_case series-kernel-variant-builds env ART="$intree" "$TOP/scripts/build-variants.sh" "$series_build" \
		unprepare musttx nopm fenced ipwait locked || true
	seeds "$logs/extra-intree" "$seed" ""
	INITRAMFS_EXTRA=$logs/extra-intree FLASH=$FLASH KBUILD=$SERIES_BOOT ART=$intree \
		"$TOP/qemu/run-cases.sh" rs-intree spi_sifive_rs "${intree_cases[@]}" || true
else
	for c in boot "${intree_cases[@]}"; do
		echo "FAIL rs-intree/$c  (no in-tree driver or test client: the series check or the module build above failed)"
		echo "FAIL rs-intree/$c" >>"$RESULTS"
	done
fi

echo "== boot: our Rust driver spi_sifive_rs (debug kernel, beside the steps above)"
if ! wait "$rs_lane_pid"; then
	echo "FAIL host/rs-driver-lane  (the background lane stopped early)"
	echo "FAIL host/rs-driver-lane" >>"$RESULTS"
fi
cat "$logs/rs-driver.lane"

summary
