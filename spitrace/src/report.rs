// SPDX-License-Identifier: GPL-2.0
//! The benchmark report: markdown tables, SVG latency histograms, raw JSON.

use crate::extra::{self, Extra};
use crate::stats::{over_rounds, p50, p99, Metric, Run, Spread, Summary};
use plotters::prelude::*;
use serde::{Deserialize, Serialize};
use std::{collections::BTreeMap, fmt::Write as _, fs, path::Path};

/// MMIO cost of one variant, from differenced QEMU traces.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mmio {
    pub per_msg: BTreeMap<String, f64>,
}

/// What the report says about the setup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub date: String,
    pub kernel: String,
    pub qemu: String,
    pub rounds: u32,
    /// Per workload: payload bytes received per message (for MMIO per byte and its limit).
    pub rx_bytes: BTreeMap<String, u64>,
    /// Per workload: bytes clocked per message (each one TXDATA write at the least).
    pub frames: BTreeMap<String, u64>,
    /// Per workload: FIFO-sized chunks per message (each needs one status read at the least).
    pub chunks: BTreeMap<String, u64>,
}

impl Meta {
    /// The fewest MMIO accesses a message can take: one TXDATA write per byte clocked, one
    /// RXDATA read per byte received, one status read per FIFO chunk, and two chip select
    /// mode writes (hold, release) per message.
    pub fn limit(&self, workload: &str) -> u64 {
        let get = |m: &BTreeMap<String, u64>| m.get(workload).copied().unwrap_or(0);
        get(&self.frames) + get(&self.rx_bytes) + get(&self.chunks) + 2
    }
}

/// The runs of one latency boot and their summaries.
pub struct Boot<'a> {
    pub runs: &'a [Run],
    pub summaries: &'a [Summary],
}

#[derive(Serialize)]
struct Data<'a> {
    meta: &'a Meta,
    summaries: &'a [Summary],
    mmio: &'a BTreeMap<String, Mmio>,
    runs: &'a [Run],
    icount_summaries: Option<&'a [Summary]>,
    icount_runs: Option<&'a [Run]>,
    extra: &'a Extra,
}

/// Writes `REPORT.md`, `data.json` and one `latency-<workload>.svg` per workload into `dir`.
#[allow(clippy::too_many_arguments)]
pub fn write(
    dir: &Path,
    meta: &Meta,
    wall: &Boot<'_>,
    icount: Option<&Boot<'_>>,
    extra: &Extra,
    mmio: &BTreeMap<String, Mmio>,
    baseline: &str,
    ours: &str,
) -> Result<(), String> {
    let (runs, summaries) = (wall.runs, wall.summaries);
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data = Data {
        meta,
        summaries,
        mmio,
        runs,
        icount_summaries: icount.map(|b| b.summaries),
        icount_runs: icount.map(|b| b.runs),
        extra,
    };
    let json = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?;
    fs::write(dir.join("data.json"), json).map_err(|e| e.to_string())?;

    let workloads = distinct(summaries.iter().map(|s| s.workload.as_str()));
    for w in &workloads {
        histogram(&dir.join(format!("latency-{w}.svg")), w, runs)?;
    }
    fs::write(
        dir.join("REPORT.md"),
        markdown(meta, wall, icount, extra, mmio, &workloads, baseline, ours),
    )
    .map_err(|e| e.to_string())
}

#[allow(clippy::too_many_arguments)]
fn markdown(
    meta: &Meta,
    wall: &Boot<'_>,
    icount: Option<&Boot<'_>>,
    extra: &Extra,
    mmio: &BTreeMap<String, Mmio>,
    workloads: &[&str],
    baseline: &str,
    ours: &str,
) -> String {
    let summaries = wall.summaries;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# spi_sync() latency: spi_sifive_rs against the C spi-sifive\n"
    );
    let _ = writeln!(
        md,
        "Measured {} on QEMU `sifive_u` ({}), Linux {}, 2 Linux CPUs; {} rounds, the variants \
         alternating in one boot{}. Every ratio and difference below is taken per round \
         (the variants of a round ran back to back) and given as the median over the rounds \
         with its range. MMIO counts come from QEMU's `memory_region_ops_*` trace of the \
         controller (0x10040000-0x10040fff), differenced between two workload sizes.\n",
        meta.date,
        meta.qemu,
        meta.kernel,
        meta.rounds,
        if icount.is_some() {
            ", and again in a second boot under `-icount shift=0,sleep=off`"
        } else {
            ""
        }
    );

    let _ = writeln!(md, "## Targets ({ours} against {baseline})\n");
    targets(&mut md, wall, meta, mmio, workloads, baseline, ours);
    if let Some(b) = icount {
        let _ = writeln!(
            md,
            "\nThe same targets in the `-icount` boot (time is guest instructions, 1 ns each):\n"
        );
        targets(&mut md, b, meta, mmio, &[], baseline, ours);
        clocks(&mut md, wall, b, mmio, baseline, ours);
    }

    let _ = writeln!(md, "\n## Where a 4-byte message's time goes\n");
    stages(&mut md, wall, "jedec4", baseline, ours);
    if let Some(b) = icount {
        let _ = writeln!(md, "\nIn the `-icount` boot:\n");
        stages(&mut md, b, "jedec4", baseline, ours);
        repeatability(&mut md, wall, b, "jedec4");
    }

    let _ = writeln!(md, "\n## What each variant's difference costs\n");
    variant_costs(&mut md, wall, ours, baseline);
    if let Some(b) = icount {
        let _ = writeln!(md, "\nIn the `-icount` boot:\n");
        variant_costs(&mut md, b, ours, baseline);
    }

    for w in workloads {
        let _ = writeln!(md, "\n## All messages of {w}, pooled over the rounds\n");
        let _ = writeln!(md, "![latency histogram](latency-{w}.svg)\n");
        let _ = writeln!(
            md,
            "| variant | messages | p50 µs | p90 µs | p99 µs | max µs | submit→start p50 µs | cycle p50 µs | kthread switches/msg | IRQs/msg | SPI allocs/msg | payload MB/s | MMIO/msg | MMIO/byte |"
        );
        let _ = writeln!(
            md,
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for s in summaries.iter().filter(|s| s.workload == *w) {
            let per_msg = mmio
                .get(&s.variant)
                .and_then(|m| m.per_msg.get(*w))
                .copied();
            let rx = meta.rx_bytes.get(*w).copied().unwrap_or(0) as f64;
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.3} | {:.2} | {:.2} | {:.3} | {} | {} |",
                s.variant,
                s.messages,
                s.p50_us,
                s.p90_us,
                s.p99_us,
                s.max_us,
                if s.to_start_p50_us.is_nan() {
                    "-".into()
                } else {
                    format!("{:.1}", s.to_start_p50_us)
                },
                s.cycle_p50_us,
                s.kthread_switches_per_msg,
                s.irqs_per_msg,
                s.spi_allocs_per_msg,
                s.msgs_per_s * rx / 1e6,
                per_msg.map_or("-".into(), |v| format!("{v:.1}")),
                per_msg.map_or("-".into(), |v| format!("{:.3}", v / rx)),
            );
        }
        let get = |m: &BTreeMap<String, u64>| m.get(*w).copied().unwrap_or(0);
        let _ = writeln!(
            md,
            "\nMMIO limit for one message: {} TXDATA writes (one per byte clocked) + {} RXDATA \
             reads (one per byte received) + {} status reads (one per FIFO chunk) + 2 chip select \
             writes = {} accesses.",
            get(&meta.frames),
            get(&meta.rx_bytes),
            get(&meta.chunks),
            meta.limit(w)
        );
    }
    extra::markdown(&mut md, extra, ours);
    shortfall(&mut md, wall, mmio, baseline, ours);
    md.push_str(EXPLANATION);
    md
}

/// What the two clocks say about the MTD reads, side by side.
fn clocks(
    md: &mut String,
    wall: &Boot<'_>,
    icount: &Boot<'_>,
    mmio: &BTreeMap<String, Mmio>,
    baseline: &str,
    ours: &str,
) {
    let tput = |b: &Boot<'_>| {
        Spread::of(&over_rounds(
            b.runs,
            "mtd4k",
            ours,
            baseline,
            Run::msgs_per_s,
            ratio,
        ))
    };
    let acc = |v: &str| mmio.get(v).and_then(|m| m.per_msg.get("mtd4k")).copied();
    let (Some(w), Some(i), Some(ca), Some(ra)) =
        (tput(wall), tput(icount), acc(baseline), acc(ours))
    else {
        return;
    };
    let instructions = if i.median < 1.0 {
        format!("so per read *{ours}* executes more guest instructions than *{baseline}*")
    } else {
        format!("so per read *{ours}* executes no more guest instructions than *{baseline}*")
    };
    let _ = writeln!(
        md,
        "\nMTD reads: on the wall clock *{ours}* reads {:.2}× as fast as *{baseline}*; in guest \
         instructions (`-icount`) {:.2}×, {instructions}. It makes {:.0} MMIO accesses per read \
         against {:.0}; QEMU spends host time on each, which the wall clock sees and the \
         instruction count does not.",
        w.median, i.median, ra, ca
    );
}

/// The values in first-seen order, each once.
pub fn distinct<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// The variants that ran `workload`, in first-seen order.
fn variants_of<'a>(runs: &'a [Run], workload: &str) -> Vec<&'a str> {
    distinct(
        runs.iter()
            .filter(|r| r.workload == workload)
            .map(|r| r.variant.as_str()),
    )
}

fn ratio(a: f64, b: f64) -> f64 {
    a / b
}

fn difference(a: f64, b: f64) -> f64 {
    a - b
}

fn spread_cells(s: Option<Spread>, digits: usize) -> String {
    match s {
        Some(s) => format!(
            "{:.d$} | {:.d$} to {:.d$} | {}",
            s.median,
            s.min,
            s.max,
            s.rounds,
            d = digits
        ),
        None => "- | - | 0".into(),
    }
}

/// The targets table of one boot: ratios per round, their median and range.
fn targets(
    md: &mut String,
    boot: &Boot<'_>,
    meta: &Meta,
    mmio: &BTreeMap<String, Mmio>,
    workloads: &[&str],
    baseline: &str,
    ours: &str,
) {
    let _ = writeln!(md, "| target | wanted | median | range | rounds | met |");
    let _ = writeln!(md, "|---|---|---:|---|---:|---|");
    let mut row = |name: &str, wanted: &str, s: Option<Spread>, ok: &dyn Fn(f64) -> bool| {
        let _ = writeln!(
            md,
            "| {name} | {wanted} | {} | {} |",
            spread_cells(s, 2),
            s.map_or("-", |s| if ok(s.median) { "yes" } else { "no" })
        );
    };
    let per_round =
        |w: &str, m: Metric| Spread::of(&over_rounds(boot.runs, w, ours, baseline, m, ratio));
    row(
        "p50 latency, 4-byte messages (ratio)",
        "≤ 0.70",
        per_round("jedec4", |r| p50(&r.latencies_us)),
        &|v| v <= 0.70,
    );
    row(
        "p99 latency, 4-byte messages (ratio)",
        "≤ 0.90",
        per_round("jedec4", |r| p99(&r.latencies_us)),
        &|v| v <= 0.90,
    );
    row(
        "4 KiB MTD read throughput (ratio)",
        "≥ 1.5",
        per_round("mtd4k", Run::msgs_per_s),
        &|v| v >= 1.5,
    );
    for w in workloads {
        let switches: Vec<f64> = boot
            .runs
            .iter()
            .filter(|r| r.variant == ours && r.workload == *w)
            .map(|r| r.kthread_switches as f64 / r.messages.max(1) as f64)
            .collect();
        row(
            &format!("kthread switches per idle message, {w}"),
            "0",
            Spread::of(&switches),
            &|v| v == 0.0,
        );
    }
    for w in workloads {
        let v = mmio
            .get(ours)
            .and_then(|m| m.per_msg.get(*w))
            .map(|v| v / meta.limit(w).max(1) as f64);
        let _ = writeln!(
            md,
            "| MMIO against the limit, {w} (exact, from QEMU's trace) | ≤ 1.05 | {} | - | - | {} |",
            v.map_or("-".into(), |v| format!("{v:.3}")),
            v.map_or("-", |v| if v <= 1.05 { "yes" } else { "no" })
        );
    }
}

/// The stages of a message, per variant: medians over the rounds of each round's p50.
fn stages(md: &mut String, boot: &Boot<'_>, workload: &str, baseline: &str, ours: &str) {
    let _ = writeln!(
        md,
        "Per variant, the median over the rounds of each round's p50, µs: *before* is \
         `spi_message_submit`→`spi_message_start` (the core's locking, runtime PM resume, \
         prepare hooks); *driver* is `spi_message_start`→`spi_message_done` (chip select, \
         `transfer_one`, the core's transfer loop); *after* is `spi_message_done`→the next \
         submit (the idle teardown, then the caller until its next message); *cycle* is submit \
         to next submit. Medians of parts need not add up to the median of the whole.\n"
    );
    let _ = writeln!(md, "| variant | before | driver | after | cycle | rounds |");
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|");
    let variants = variants_of(boot.runs, workload);
    for v in variants {
        let rs: Vec<&Run> = boot
            .runs
            .iter()
            .filter(|r| r.variant == v && r.workload == workload)
            .collect();
        let m = |f: fn(&Run) -> &[f64]| {
            Spread::of(&rs.iter().map(|r| p50(f(r))).collect::<Vec<_>>())
                .map_or("-".into(), |s| format!("{:.1}", s.median))
        };
        let _ = writeln!(
            md,
            "| {v} | {} | {} | {} | {} | {} |",
            m(|r| &r.to_start_us),
            m(|r| &r.in_flight_us),
            m(|r| &r.after_us),
            m(|r| &r.cycle_us),
            rs.len()
        );
    }
    // The floor: what the latency would be if the driver took no time at all.
    let med = |v: &str, f: fn(&Run) -> &[f64]| {
        Spread::of(
            &boot
                .runs
                .iter()
                .filter(|r| r.variant == v && r.workload == workload)
                .map(|r| p50(f(r)))
                .collect::<Vec<_>>(),
        )
        .map(|s| s.median)
    };
    if let (Some(before), Some(flight), Some(lat), Some(base_lat)) = (
        med(ours, |r| &r.to_start_us),
        med(ours, |r| &r.in_flight_us),
        med(ours, |r| &r.latencies_us),
        med(baseline, |r| &r.latencies_us),
    ) {
        let _ = writeln!(
            md,
            "\nOf *{ours}*'s p50 latency ({lat:.1} µs), {before:.1} µs pass before the driver \
             sees the message and {flight:.1} µs between `spi_message_start` and \
             `spi_message_done`, which holds the driver's work and the core's around it. A \
             driver that took no time at all would still leave the {before:.1} µs before it: \
             against *{baseline}*'s {base_lat:.1} µs, no controller driver on this core path \
             gets the p50 ratio below {:.2}.",
            before / base_lat
        );
    }
}

/// Whether a boot's per-round p50s repeat exactly, variant by variant.
fn repeatability(md: &mut String, wall: &Boot<'_>, icount: &Boot<'_>, workload: &str) {
    let spread = |b: &Boot<'_>, v: &str| {
        Spread::of(
            &b.runs
                .iter()
                .filter(|r| r.variant == v && r.workload == workload)
                .map(|r| p50(&r.cycle_us))
                .collect::<Vec<_>>(),
        )
    };
    let _ = writeln!(
        md,
        "\nHow much each variant's cycle p50 ({workload}) moved between its rounds, in µs \
         (max − min):\n\n| variant | wall clock | -icount |\n|---|---:|---:|"
    );
    let cell = |s: Option<Spread>| s.map_or("-".into(), |s| format!("{:.1}", s.max - s.min));
    let variants = variants_of(wall.runs, workload);
    for v in variants {
        let _ = writeln!(
            md,
            "| {v} | {} | {} |",
            cell(spread(wall, v)),
            cell(spread(icount, v))
        );
    }
}

/// What each variant costs against ours, per round: cycle and allocation differences.
fn variant_costs(md: &mut String, boot: &Boot<'_>, ours: &str, baseline: &str) {
    let _ = writeln!(
        md,
        "Each variant's figure minus *{ours}*'s in the same round (µs; positive: the variant is \
         slower), median and range over the rounds.\n"
    );
    let _ = writeln!(
        md,
        "| variant | 4-byte cycle p50 | range | 4-byte before p50 | MTD read cycle p50 | range | SPI allocs per MTD read |"
    );
    let _ = writeln!(md, "|---|---:|---|---:|---:|---|---:|");
    let variants = distinct(
        boot.runs
            .iter()
            .map(|r| r.variant.as_str())
            .filter(|v| *v != ours && *v != baseline),
    );
    let mut sentences = String::new();
    for v in variants {
        let diff =
            |w: &str, m: Metric| Spread::of(&over_rounds(boot.runs, w, v, ours, m, difference));
        let cyc4 = diff("jedec4", |r| p50(&r.cycle_us));
        let before4 = diff("jedec4", |r| p50(&r.to_start_us));
        let cyc_mtd = diff("mtd4k", |r| p50(&r.cycle_us));
        let allocs = boot
            .summaries
            .iter()
            .find(|s| s.variant == v && s.workload == "mtd4k")
            .map_or(f64::NAN, |s| s.spi_allocs_per_msg);
        let f = |s: Option<Spread>| s.map_or("-".into(), |s| format!("{:+.1}", s.median));
        let range =
            |s: Option<Spread>| s.map_or("-".into(), |s| format!("{:+.1} to {:+.1}", s.min, s.max));
        let _ = writeln!(
            md,
            "| {v} | {} | {} | {} | {} | {} | {:.2} |",
            f(cyc4),
            range(cyc4),
            f(before4),
            f(cyc_mtd),
            range(cyc_mtd),
            allocs
        );
        if let Some(s) = cyc4 {
            let verdict = if s.min > 0.0 {
                "slower in every round"
            } else if s.max < 0.0 {
                "faster in every round"
            } else {
                "within the rounds' noise (the range includes 0)"
            };
            let _ = writeln!(
                sentences,
                "- *{v}*: {:+.1} µs per 4-byte cycle against *{ours}*, {verdict}, over {} rounds.",
                s.median, s.rounds
            );
        }
    }
    if !sentences.is_empty() {
        let _ = writeln!(md, "\n{sentences}");
    }
}

/// What a saved MMIO access is worth here: the MTD reads price one (per round, the cycle
/// difference over the access difference); at that price, what the 4-byte messages should
/// gain against what they do.
fn shortfall(
    md: &mut String,
    boot: &Boot<'_>,
    mmio: &BTreeMap<String, Mmio>,
    baseline: &str,
    ours: &str,
) {
    let acc = |v: &str, w: &str| mmio.get(v).and_then(|m| m.per_msg.get(w)).copied();
    let (Some(cma), Some(rma), Some(cja), Some(rja)) = (
        acc(baseline, "mtd4k"),
        acc(ours, "mtd4k"),
        acc(baseline, "jedec4"),
        acc(ours, "jedec4"),
    ) else {
        return;
    };
    let gain =
        |w: &str, m: Metric| Spread::of(&over_rounds(boot.runs, w, baseline, ours, m, difference));
    let (Some(mtd), Some(j4)) = (
        gain("mtd4k", |r| p50(&r.cycle_us)),
        gain("jedec4", |r| p50(&r.latencies_us)),
    ) else {
        return;
    };
    let per_access = mtd.median / (cma - rma);
    let _ = writeln!(
        md,
        "\n## What the figures say\n\n\
         MMIO counts are exact and repeat; timings move between rounds (the ranges above). \
         The MTD reads price a saved MMIO access: *{ours}* makes {:.0} fewer accesses per read \
         than *{baseline}*, and its read cycle p50 is {:.0} µs shorter (median over {} rounds, \
         range {:.0} to {:.0}), about {:.3} µs per access if the whole difference came from \
         them. A 4-byte message makes {:.0} fewer ({:.0} against {:.0}), worth about {:.2} µs \
         at that price; measured, *{ours}*'s p50 is {:.1} µs {} (median over {} rounds, range \
         {:.1} to {:.1}, *{baseline}* minus *{ours}*). On riscv every MMIO access from Rust is also an out-of-line call to \
         a C helper (`RUST_INLINE_HELPERS` exists only for arm64 and x86_64).\n",
        cma - rma,
        mtd.median,
        mtd.rounds,
        mtd.min,
        mtd.max,
        per_access,
        cja - rja,
        rja,
        cja,
        per_access * (cja - rja),
        j4.median.abs(),
        if j4.median > 0.0 {
            "shorter"
        } else {
            "longer"
        },
        j4.rounds,
        j4.min,
        j4.max,
    );
}

/// How to read the figures: which path each workload takes through the SPI core (Linux 7.3,
/// `drivers/spi/spi.c`) and where each variant's extra cost comes from.
const EXPLANATION: &str = r#"
## How to read this

**Columns.** A *message* is an SPI message (`spi_message_submit` → `spi_message_done`) or, for
a driver with spi-mem `exec_op`, a memory operation (`spi_mem_start_op` → `spi_mem_stop_op`):
one MTD read is one of either. The two do not cover the same work: a memory operation's
events come after spi-mem took the runtime PM reference and the locks, a message's submit
before. So MTD reads are compared by their *cycle* (one start of a read to the next, the whole
round trip through `dd`, mtdchar and spi-nor, the same code for every variant) and by MB/s
(bytes over the time between the workload's start and end markers), not by latency.
*submit→start* is the core's work before the driver sees an SPI message (the `io_mutex`, the
runtime PM resume, the prepare hooks); it does not exist for memory operations. *kthread
switches* counts `sched_switch` into the controller's `spi0` kthread; *SPI allocs* counts
`kmalloc` called from the SPI core itself; *MMIO* counts the controller's register accesses in
QEMU's trace, differenced between two workload sizes so boot and probe traffic cancel.

**The paths.** `spidev`'s `SPI_IOC_MESSAGE` calls `spi_sync()`. On an idle controller
`__spi_sync()` calls `__spi_transfer_message_noqueue()` in the caller's context: under
`io_mutex`, `__spi_pump_transfer_message()` takes a runtime PM reference (if
`auto_runtime_pm`), runs `prepare_transfer_hardware`/`prepare_message` if set, maps the message
(`spi_map_msg`, which allocates dummy buffers for `SPI_CONTROLLER_MUST_TX`) and
`spi_transfer_one_message()` drives chip select and `transfer_one`; back in the caller, the
core frees the dummy buffers, calls `unprepare_transfer_hardware` if set and drops the runtime
PM reference. spi-nor's reads, programs and erases call `spi_mem_exec_op()`: with `exec_op`
(*rust* and its variants) it flushes the queue, takes the runtime PM reference and the bus and
I/O locks, and calls the driver once per operation; without (*c*) it builds a message of up to
four transfers (command, address, dummy, data) and calls `spi_sync()` as above.

**The variants.**
- *c* (the kernel's `spi-sifive.ko`): no `exec_op`; sets `SPI_CONTROLLER_MUST_TX`; its
  `transfer_one` reads TXDATA before every write and writes RXMARK for every chunk; its
  `prepare_message` rewrites CSDEF, CSID and SCKMODE for every message; no runtime PM.
- *rust* (`spi_sifive_rs.ko`): `exec_op`; no MUST_TX (receive-only transfers send zeros from
  the driver), no prepare or unprepare hook, register writes that would not change anything
  skipped, FIFO filled without status reads; runtime PM with a 50 ms autosuspend.
- *rust-unprepare*: the same source built with a no-op `unprepare_transfer_hardware`.
- *rust-musttx*: the same source built with `SPI_CONTROLLER_MUST_TX`; it changes nothing for
  memory operations, which bypass `spi_map_msg`, nor for the 4-byte messages, which have a tx
  buffer.
- *rust-norpm*: the same source built without runtime PM.

Each variant module is checked before it is measured: the guest refuses a module whose probe
line does not name the variant it claims.

**The `-icount` boot.** With `-icount shift=0,sleep=off` QEMU advances the guest clock by 1 ns
per guest instruction, so a time is an instruction count and does not depend on the host's
load; what still moves is what the guest's scheduling and timers make of it (which CPU runs
what, when a tick lands). The table above shows, per variant, how much the rounds differed in
each boot.
"#;

fn histogram(path: &Path, workload: &str, runs: &[Run]) -> Result<(), String> {
    let mut by_variant: Vec<(String, Vec<f64>)> = Vec::new();
    for r in runs.iter().filter(|r| r.workload == workload) {
        match by_variant.iter_mut().find(|(v, _)| *v == r.variant) {
            Some((_, l)) => l.extend(&r.latencies_us),
            None => by_variant.push((r.variant.clone(), r.latencies_us.clone())),
        }
    }
    // The x range stops at the largest p99, so a few outliers do not squash the picture.
    let hi = by_variant
        .iter()
        .map(|(_, l)| {
            let mut l = l.clone();
            l.sort_by(f64::total_cmp);
            crate::stats::percentile(&l, 99.0)
        })
        .fold(1.0_f64, f64::max)
        * 1.05;
    const BINS: usize = 60;
    let width = hi / BINS as f64;
    let series: Vec<(String, Vec<(f64, f64)>)> = by_variant
        .iter()
        .map(|(v, l)| {
            let mut counts = [0usize; BINS];
            for x in l {
                let b = ((x / width) as usize).min(BINS - 1);
                counts[b] += 1;
            }
            let pts = counts
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    (
                        (i as f64 + 0.5) * width,
                        100.0 * *c as f64 / l.len().max(1) as f64,
                    )
                })
                .collect();
            (v.clone(), pts)
        })
        .collect();
    let ymax = series
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
        .fold(1.0_f64, f64::max)
        * 1.1;

    let root = SVGBackend::new(path, (900, 480)).into_drawing_area();
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("spi_sync latency, {workload} (per variant, % of messages per bin)"),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..hi, 0.0..ymax)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("submit → done (µs)")
        .y_desc("% of messages")
        .draw()
        .map_err(|e| err(&e))?;
    let palette = [RED, BLUE, GREEN, MAGENTA, CYAN, BLACK];
    for (i, (variant, pts)) in series.into_iter().enumerate() {
        let color = palette[i % palette.len()];
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .map_err(|e| err(&e))?
            .label(variant)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .border_style(BLACK)
        .background_style(WHITE.mix(0.8))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}
