#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: spi_sync() latency of spi_sifive_rs against the kernel's C
# spi-sifive, in one boot with the variants alternating, plus MMIO counts from
# QEMU traces; writes results/bench/ (REPORT.md, data.json, SVGs, trace).
# Env: ROUNDS (5), MSGS (1000), READS (64).
set -euo pipefail
. "$(dirname "$0")/env.sh"

ROUNDS=${ROUNDS:-5} MSGS=${MSGS:-1000} READS=${READS:-64}
# name:module; the rust-* variants are separate builds of our source with an
# overlay each (series/variants/, see build-variants.sh), and the guest checks
# each one's probe line before measuring it.
VARIANTS="c:spi-sifive rust:spi_sifive_rs rust-unprepare:unprepare/spi_sifive_rs rust-musttx:musttx/spi_sifive_rs rust-norpm:nopm/spi_sifive_rs rust-fenced:fenced/spi_sifive_rs rust-ipwait:ipwait/spi_sifive_rs rust-locked:locked/spi_sifive_rs"
# The idle-teardown contrast's variants (bench-contrast.sh), the same form.
CONTRAST_VARIANTS="rust:spi_sifive_rs rust-unprepare:unprepare/spi_sifive_rs rust-musttx:musttx/spi_sifive_rs"
out=$TOP/results/bench
work=$TOP/build/bench
mkdir -p "$out" "$work"
step() { echo "bench: $*" >&2; }

step "building (kernel without debug options, modules, spitrace)"
VARIANT=base "$TOP/scripts/build.sh" >/dev/null
"$TOP/scripts/build-variants.sh" "$TOP/build/kernel" unprepare musttx nopm fenced ipwait locked
spitrace=$("$TOP/scripts/build-spitrace.sh")
export KBUILD
KBUILD=$(readlink -f "$TOP/build/kernel")
export RESULTS=$work/results
: >"$RESULTS"

# Latency: one boot, variants alternating, ftrace shipped through /dev/kmsg;
# then the same boot under -icount (1 ns of guest time per instruction).
export INITRAMFS_EXTRA=$work/latency-etc
mkdir -p "$INITRAMFS_EXTRA"
printf 'ROUNDS=%s\nMSGS=%s\nREADS=%s\nVARIANTS="%s"\nCONTRAST_VARIANTS="%s"\n' \
	"$ROUNDS" "$MSGS" "$READS" "$VARIANTS" "$CONTRAST_VARIANTS" >"$INITRAMFS_EXTRA/bench.conf"
latency_boot() { # NAME TRACE-OUT CASE... (QEMU_EXTRA from the environment)
	local name=$1 out=$2 ktap lines sum
	shift 2
	step "latency boot $name: $ROUNDS rounds x $(wc -w <<<"$VARIANTS") variants x ($MSGS READ ID messages + $READS 4 KiB reads)"
	BOOT_TIMEOUT=4000 "$TOP/qemu/run-cases.sh" "$name" spi_sifive_rs "$@" >&2
	grep -q "^FAIL $name/" "$RESULTS" && die "the latency boot failed (build/logs/$name.log)"
	ktap=$TOP/build/logs/$name.ktap
	read -r _ lines sum < <(grep '^TRACE-END ' "$ktap") || die "no trace in $name's output"
	grep '^TRACE ' "$ktap" | sort -n -k2 | cut -d' ' -f3- | base64 -d >"$out.gz" ||
		die "the trace shipped by $name does not decode"
	[ "$(grep -c '^TRACE ' "$ktap")" -eq "$lines" ] || die "$name: trace lines lost in transit"
	[ "$(md5sum <"$out.gz" | cut -d' ' -f1)" = "$sum" ] || die "$name: trace checksum mismatch"
	gunzip -c "$out.gz" >"$out"
	step "$name: $(grep -vc '^#' "$out") events"
}
# Every contrast round of every variant and every timing round printed its one
# line: a round the guest lost (or printed twice) would make a thinner report
# that looks whole, so a failed round fails make bench.
check_extra() { # FILE
	local f=$1 nvar want got r v timing_rounds
	local where="(build/logs/bench-latency.log); a failed round fails make bench"
	nvar=$(wc -w <<<"$CONTRAST_VARIANTS")
	want=$((ROUNDS * nvar))
	got=$(grep -c '^contrast round ' "$f" || true)
	[ "$got" -eq "$want" ] ||
		die "bench-contrast printed $got contrast round lines, want $want ($ROUNDS rounds x $nvar variants) $where"
	for ((r = 1; r <= ROUNDS; r++)); do
		for v in $CONTRAST_VARIANTS; do
			[ "$(grep -c "^contrast round $r ${v%%:*}: " "$f")" -eq 1 ] ||
				die "bench-contrast: not one contrast line for round $r of ${v%%:*} $where"
		done
	done
	# The client's own rounds (spi_rs_client.rs), numbered from 1.
	timing_rounds=$(sed -n 's/^const TIMING_ROUNDS: u32 = \([0-9][0-9]*\);$/\1/p' \
		"$TOP/rust/spi_rs_client/spi_rs_client.rs")
	[ -n "$timing_rounds" ] || die "no TIMING_ROUNDS in rust/spi_rs_client/spi_rs_client.rs"
	got=$(grep -c '^timing round ' "$f" || true)
	[ "$got" -eq "$timing_rounds" ] ||
		die "bench-contrast printed $got timing round lines, want $timing_rounds $where"
	for ((r = 1; r <= timing_rounds; r++)); do
		[ "$(grep -c "^timing round $r messages " "$f")" -eq 1 ] ||
			die "bench-contrast: not one line for timing round $r $where"
	done
}

QEMU_EXTRA="" latency_boot bench-latency "$work/trace.txt" bench bench-contrast
# The idle-teardown contrast and the optimized-message timing of bench-contrast.
# (No such line is for check_extra to report, not for pipefail to end us silently.)
{ grep -E '^# (contrast round|timing round) ' "$TOP/build/logs/bench-latency.ktap" || true; } |
	sed 's/^# //' >"$work/extra.txt"
check_extra "$work/extra.txt"
# The report states the guest's CPU count; the bench case printed its nproc.
cpus=$(sed -n '/^# cpus: [1-9][0-9]*$/{s/^# cpus: //p;q}' "$TOP/build/logs/bench-latency.ktap")
[ -n "$cpus" ] || die "the bench case printed no CPU count (build/logs/bench-latency.ktap)"
QEMU_EXTRA="-icount shift=0,sleep=off" latency_boot bench-latency-icount "$work/trace-icount.txt" bench

# MMIO: per variant three boots (base sizes, twice the messages, twice the
# reads) under QEMU's MMIO trace; differences cancel boot and probe traffic.
printf 'memory_region_ops_read\nmemory_region_ops_write\n' >"$work/mmio-events"
spec="{"
sep=""
for v in $VARIANTS; do
	name=${v%%:*}
	for size in base msgs reads; do
		m=$((MSGS / 4)) r=$((READS / 4))
		[ $size = msgs ] && m=$((m * 2))
		[ $size = reads ] && r=$((r * 2))
		step "MMIO boot: $name, $m messages, $r reads"
		export INITRAMFS_EXTRA=$work/mmio-etc
		mkdir -p "$INITRAMFS_EXTRA"
		printf 'VARIANT=%s\nMSGS=%s\nREADS=%s\n' "$v" "$m" "$r" >"$INITRAMFS_EXTRA/bench.conf"
		QEMU_EXTRA="-trace events=$work/mmio-events -D $work/mmio-$name-$size.log" APPEND=loglevel=5 \
			BOOT_TIMEOUT=600 "$TOP/qemu/run-cases.sh" "bench-mmio-$name-$size" spi_sifive_rs bench-mmio >&2
		# Keep the counts, not the (large) log.
		"$spitrace" mmio "$work/mmio-$name-$size.log" >"$work/mmio-$name-$size.json"
		rm -f "$work/mmio-$name-$size.log"
	done
	spec+="$sep\"$name\": {\"jedec4\": [\"$work/mmio-$name-base.json\", \"$work/mmio-$name-msgs.json\", $((MSGS / 4))],"
	spec+=" \"mtd4k\": [\"$work/mmio-$name-base.json\", \"$work/mmio-$name-reads.json\", $((READS / 4))]}"
	sep=", "
done
echo "$spec}" >"$work/mmio.json"
grep -q '^FAIL' "$RESULTS" && die "an MMIO boot failed (see build/logs/)"

# An MTD read is spi-nor's quad I/O read (0xec, 1-4-4): 1 command byte, 4
# address bytes and 3 dummy bytes, then 4096 data bytes. The command goes out
# on one wire and the address on four, and the frame format may change only
# with the transmit FIFO empty: 2 waits before the 512 data chunks, which
# need none (RXDATA tells whether a frame came). A 4-byte message is one
# chunk that receives: no wait.
[ -f "$KBUILD/.config" ] || die "$KBUILD/.config missing: the bench kernel was not built"
inline_helpers=false
grep -qx 'CONFIG_RUST_INLINE_HELPERS=y' "$KBUILD/.config" && inline_helpers=true
kernel=$(make -s -C "$KBUILD" kernelversion 2>/dev/null || cat "$CACHE/src"/*/.unpacked)
cat >"$work/meta.json" <<META
{"date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
 "kernel": "$kernel (Debian linux-source $(cat "$CACHE/src"/*/.unpacked | head -1))",
 "qemu": "$("$QEMU_BIN" --version | head -1)",
 "cpus": $cpus,
 "rounds": $ROUNDS,
 "rx_bytes": {"jedec4": 4, "mtd4k": 4096},
 "frames": {"jedec4": 4, "mtd4k": 4104},
 "tx_waits": {"jedec4": 0, "mtd4k": 2},
 "inline_helpers": $inline_helpers}
META
step "analysing"
"$spitrace" report "$work/trace.txt" --icount-trace "$work/trace-icount.txt" --extra "$work/extra.txt" --mmio "$work/mmio.json" --meta "$work/meta.json" --out "$out"
gzip -9c "$work/trace.txt" >"$out/trace.txt.gz"
gzip -9c "$work/trace-icount.txt" >"$out/trace-icount.txt.gz"
step "report: $out/REPORT.md"
