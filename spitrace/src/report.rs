// SPDX-License-Identifier: GPL-2.0
//! The benchmark report: markdown tables, SVG latency histograms, raw JSON.

use crate::error::{Context as _, Error, Result};
use crate::extra::{self, Extra};
use crate::instructions::{self, PmFloor};
use crate::stats::{
    difference, distinct, median_p50, over_rounds, p50, p99, ratio, variants_of, Metric, Run,
    Spread, Summary,
};
use crate::trace::Entries;
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
    /// Online CPUs in the guest, as its `nproc` printed them in the latency boot.
    pub cpus: u32,
    pub rounds: u32,
    /// Per workload: payload bytes received per message (for MMIO per byte and its limit).
    pub rx_bytes: BTreeMap<String, u64>,
    /// Per workload: bytes clocked per message (each one TXDATA write at the least).
    pub frames: BTreeMap<String, u64>,
    /// Per workload: waits per message for the transmit FIFO to empty (before the frame format
    /// changes, or at the end of a transmit-only run), each one status read at the least. A
    /// chunk that receives needs none: RXDATA's empty flag tells whether a frame came.
    pub tx_waits: BTreeMap<String, u64>,
    /// Whether the measured kernel links the C helpers into Rust objects
    /// (`CONFIG_RUST_INLINE_HELPERS`), from its `.config`.
    pub inline_helpers: bool,
}

impl Meta {
    /// The meta file: every field is required, so a file from a `make bench` that did not
    /// record one (e.g. the CPU count) is refused rather than reported with a guess.
    pub fn parse(text: &str) -> Result<Self> {
        let meta: Self = serde_json::from_str(text)?;
        if meta.cpus == 0 {
            return Err(Error::invalid(
                "\"cpus\": 0; the guest's nproc was not recorded",
            ));
        }
        Ok(meta)
    }

    /// The fewest MMIO accesses a message can take: one TXDATA write per byte clocked, one
    /// RXDATA read per byte received, one status read per wait for the transmit FIFO, and two
    /// chip select mode writes (hold, release) per message.
    pub fn limit(&self, workload: &str) -> u64 {
        let get = |m: &BTreeMap<String, u64>| m.get(workload).copied().unwrap_or(0);
        get(&self.frames) + get(&self.rx_bytes) + get(&self.tx_waits) + 2
    }
}

/// The runs of one latency boot, their summaries and its trace's entry counts.
pub struct Boot<'a> {
    pub runs: &'a [Run],
    pub summaries: &'a [Summary],
    pub entries: Entries,
}

#[derive(Serialize)]
struct Data<'a> {
    meta: &'a Meta,
    summaries: &'a [Summary],
    mmio: &'a BTreeMap<String, Mmio>,
    runs: &'a [Run],
    entries: Entries,
    icount_summaries: Option<&'a [Summary]>,
    icount_runs: Option<&'a [Run]>,
    icount_entries: Option<Entries>,
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
) -> Result<()> {
    let (runs, summaries) = (wall.runs, wall.summaries);
    fs::create_dir_all(dir).context(dir.display())?;
    let data = Data {
        meta,
        summaries,
        mmio,
        runs,
        entries: wall.entries,
        icount_summaries: icount.map(|b| b.summaries),
        icount_runs: icount.map(|b| b.runs),
        icount_entries: icount.map(|b| b.entries),
        extra,
    };
    let json = serde_json::to_string_pretty(&data)?;
    let path = dir.join("data.json");
    fs::write(&path, json).context(path.display())?;

    let workloads = distinct(summaries.iter().map(|s| s.workload.as_str()));
    for w in &workloads {
        histogram(&dir.join(format!("latency-{w}.svg")), w, runs)?;
    }
    let path = dir.join("REPORT.md");
    fs::write(
        &path,
        markdown(meta, wall, icount, extra, mmio, &workloads, baseline, ours),
    )
    .context(path.display())
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
        "Measured {} on QEMU `sifive_u` ({}), Linux {}, {} Linux CPU{} (the guest's `nproc`); \
         {} rounds, the variants alternating in one boot{}. Every ratio and difference below \
         is taken per round (the variants of a round ran back to back) and given as the median \
         over the rounds with its range. MMIO counts come from QEMU's `memory_region_ops_*` \
         trace of the controller (0x10040000-0x10040fff), one boot per workload size, \
         differenced between two sizes.\n",
        meta.date,
        meta.qemu,
        meta.kernel,
        meta.cpus,
        if meta.cpus == 1 { "" } else { "s" },
        meta.rounds,
        if icount.is_some() {
            ", and again in a second boot under `-icount shift=0,sleep=off`"
        } else {
            ""
        }
    );
    boot_facts(&mut md, "the latency boot", wall);
    if let Some(b) = icount {
        boot_facts(&mut md, "the `-icount` boot", b);
    }

    let _ = writeln!(md, "## Targets ({ours} against {baseline})\n");
    targets(&mut md, wall, meta, mmio, workloads, baseline, ours, &WALL);
    if let Some(b) = icount {
        let _ = writeln!(
            md,
            "\nThe targets in the `-icount` boot (time is guest instructions, 1 ns each):\n"
        );
        targets(&mut md, b, meta, mmio, &[], baseline, ours, &ICOUNT);
        clocks(&mut md, wall, b, mmio, baseline, ours);
    }

    if let Some(b) = icount {
        levers(&mut md, wall, b, mmio, meta, baseline);
    }

    let _ = writeln!(md, "\n## Where a 4-byte message's time goes\n");
    stages(&mut md, wall, "jedec4", baseline, ours);
    if let Some(b) = icount {
        let _ = writeln!(md, "\nIn the `-icount` boot:\n");
        stages(&mut md, b, "jedec4", baseline, ours);
        repeatability(&mut md, wall, b, "jedec4");
        instructions::markdown(&mut md, b.runs, "jedec4", baseline, ours);
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
            "| variant | messages | p50 µs | p90 µs | p99 µs | max µs | submit→start p50 µs | cycle p50 µs | kthread switches/msg | IRQs/msg | SPI allocs/msg | runtime PM transitions/run | payload MB/s | MMIO/msg | MMIO/byte |"
        );
        let _ = writeln!(
            md,
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for s in summaries.iter().filter(|s| s.workload == *w) {
            let per_msg = mmio
                .get(&s.variant)
                .and_then(|m| m.per_msg.get(*w))
                .copied();
            let rx = meta.rx_bytes.get(*w).copied().unwrap_or(0) as f64;
            let _ = writeln!(
                md,
                "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {:.1} | {:.3} | {:.2} | {:.2} | {:.1} | {:.3} | {} | {} |",
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
                s.rpm_transitions_per_run,
                s.msgs_per_s * rx / 1e6,
                per_msg.map_or("-".into(), |v| format!("{v:.1}")),
                per_msg.map_or("-".into(), |v| format!("{:.3}", v / rx)),
            );
        }
        let get = |m: &BTreeMap<String, u64>| m.get(*w).copied().unwrap_or(0);
        let _ = writeln!(
            md,
            "\nMMIO limit for one message: {} TXDATA writes (one per byte clocked) + {} RXDATA \
             reads (one per byte received) + {} status reads (one per wait for the transmit \
             FIFO) + 2 chip select writes = {} accesses.",
            get(&meta.frames),
            get(&meta.rx_bytes),
            get(&meta.tx_waits),
            meta.limit(w)
        );
    }
    extra::markdown(&mut md, extra, ours);
    shortfall(&mut md, wall, meta, mmio, baseline, ours);
    md.push_str(EXPLANATION);
    md
}

/// What a boot's trace shows about how it ran: every event kept, and each round's order of the
/// variants (from the trace's markers), so the order's rotation is shown, not assumed.
fn boot_facts(md: &mut String, name: &str, boot: &Boot<'_>) {
    let orders = round_orders(boot.runs)
        .iter()
        .map(|(round, order)| format!("{round}: {}", order.join(" ")))
        .collect::<Vec<_>>()
        .join("; ");
    let _ = writeln!(
        md,
        "In {name}, the trace kept every event ({} written, {} in the buffer). Order of the \
         variants in each round: {orders}.\n",
        boot.entries.written, boot.entries.in_buffer
    );
}

/// Per round, in the order the rounds ran, the variants in the order they ran.
fn round_orders(runs: &[Run]) -> Vec<(u32, Vec<&str>)> {
    let mut out: Vec<(u32, Vec<&str>)> = Vec::new();
    for r in runs {
        let at = match out.iter().position(|(round, _)| *round == r.round) {
            Some(at) => at,
            None => {
                out.push((r.round, Vec::new()));
                out.len() - 1
            }
        };
        if !out[at].1.contains(&r.variant.as_str()) {
            out[at].1.push(&r.variant);
        }
    }
    out
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
         instructions (`-icount`) {:.2}×, {instructions}. {}",
        w.median,
        i.median,
        clocks_and_mmio(w.median - i.median, ra - ca, ours, baseline, ra, ca)
    );
}

/// Whether the gap between the two clocks' throughput ratios goes the way MMIO counts would
/// make it go. QEMU's host time per emulated access is background, not measured here: the
/// sentence says so and only checks the direction against this run's figures.
/// `favour`: wall-clock ratio minus `-icount` ratio; `extra`: *ours*' accesses minus the
/// baseline's, per read.
fn clocks_and_mmio(
    favour: f64,
    extra: f64,
    ours: &str,
    baseline: &str,
    ra: f64,
    ca: f64,
) -> String {
    let clock = if favour > 0.0 {
        format!("The wall clock favours *{ours}* more than the instruction count does")
    } else if favour < 0.0 {
        format!("The wall clock favours *{ours}* less than the instruction count does")
    } else {
        "The two clocks give the same ratio".to_string()
    };
    // Fewer accesses should show as a better wall-clock ratio, more as a worse one.
    let verdict = if favour == 0.0 || extra == 0.0 {
        "these figures do not test that"
    } else if (favour > 0.0) == (extra < 0.0) {
        "the gap between the clocks goes the way that predicts"
    } else {
        "the gap between the clocks goes against what that alone predicts"
    };
    format!(
        "{clock}, and *{ours}* makes {ra:.0} MMIO accesses per read against *{baseline}*'s \
         {ca:.0}. Background, not measured here: QEMU spends host time on each emulated MMIO \
         access, which the wall clock sees and the instruction count does not; {verdict}."
    )
}

/// `N more WHAT than OTHER`, `N fewer ...` or `as many WHAT as OTHER`, by the sign of the
/// count difference `d` as shown (whole numbers).
fn compare_counts(d: f64, what: &str, other: &str) -> String {
    let n = format!("{:.0}", d.abs());
    if n == "0" {
        format!("as many {what} as {other}")
    } else if d > 0.0 {
        format!("{n} more {what} than {other}")
    } else {
        format!("{n} fewer {what} than {other}")
    }
}

/// `|d| µs shorter` or `longer` for a time difference `d` (positive: shorter); "no different"
/// for none at the precision shown.
fn shorter_or_longer(d: f64, digits: usize) -> String {
    if format!("{:.digits$}", d.abs()) == format!("{:.digits$}", 0.0) {
        "no different".into()
    } else if d > 0.0 {
        format!("{:.digits$} µs shorter", d)
    } else {
        format!("{:.digits$} µs longer", -d)
    }
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

/// What a boot's clock measures, and the read throughput its targets want.
struct Clock {
    /// The 4 KiB read throughput ratio wanted, and the issues that want it.
    read_wanted: f64,
    read_issues: &'static str,
    /// What one nanosecond of this boot's trace is.
    unit: &'static str,
}

const WALL: Clock = Clock {
    read_wanted: 1.5,
    read_issues: "4, 11, 20",
    unit: "ns",
};

const ICOUNT: Clock = Clock {
    read_wanted: 1.3,
    read_issues: "20",
    unit: "instructions",
};

/// The targets table of one boot: ratios per round, their median and range, and the issue
/// each target comes from.
#[allow(clippy::too_many_arguments)]
fn targets(
    md: &mut String,
    boot: &Boot<'_>,
    meta: &Meta,
    mmio: &BTreeMap<String, Mmio>,
    workloads: &[&str],
    baseline: &str,
    ours: &str,
    clock: &Clock,
) {
    let read_wanted = clock.read_wanted;
    let _ = writeln!(
        md,
        "| target | issue | wanted | median | range | rounds | met |"
    );
    let _ = writeln!(md, "|---|---|---|---:|---|---:|---|");
    let pm_floor = PmFloor::of(boot.runs, "jedec4", baseline, ours);
    let mut floor_shown = false;
    let mut row = |name: &str,
                   issue: &str,
                   wanted: &str,
                   s: Option<Spread>,
                   ok: &dyn Fn(f64) -> bool,
                   floor: Option<&PmFloor>| {
        let met = match s {
            None => "-",
            Some(s) if ok(s.median) => "yes",
            Some(_) if floor.is_some() => {
                floor_shown = true;
                "no: its floor is runtime PM (below)"
            }
            Some(_) => "no",
        };
        let _ = writeln!(
            md,
            "| {name} | {issue} | {wanted} | {} | {met} |",
            spread_cells(s, 2),
        );
    };
    let per_round =
        |w: &str, m: Metric| Spread::of(&over_rounds(boot.runs, w, ours, baseline, m, ratio));
    row(
        "p50 latency, 4-byte messages (ratio)",
        "4, 11",
        "≤ 0.70",
        per_round("jedec4", |r| p50(&r.latencies_us)),
        &|v| v <= 0.70,
        None,
    );
    row(
        "p99 latency, 4-byte messages (ratio)",
        "4, 11",
        "≤ 0.90",
        per_round("jedec4", |r| p99(&r.latencies_us)),
        &|v| v <= 0.90,
        None,
    );
    row(
        "4 KiB MTD read throughput (ratio)",
        clock.read_issues,
        &format!("≥ {read_wanted:.1}"),
        per_round("mtd4k", Run::msgs_per_s),
        &|v| v >= read_wanted,
        None,
    );
    row(
        "4-byte message cycle p50 (ratio)",
        "20",
        "≤ 1.00",
        per_round("jedec4", |r| p50(&r.cycle_us)),
        &|v| v <= 1.0,
        None,
    );
    row(
        "4-byte message cycle, mean over the run (ratio)",
        "20 (the p50 row at finer resolution)",
        "≤ 1.00",
        per_round("jedec4", Run::cycle_mean_us),
        &|v| v <= 1.0,
        pm_floor.as_ref(),
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
            "4",
            "0",
            Spread::of(&switches),
            &|v| v == 0.0,
            None,
        );
    }
    // Each MTD run reads back to back after the controller autosuspended: one resume is due,
    // and the autosuspend after the run's end marker is not counted.
    let transitions: Vec<f64> = boot
        .runs
        .iter()
        .filter(|r| r.variant == ours && r.workload == "mtd4k")
        .map(|r| r.rpm_transitions as f64)
        .collect();
    row(
        "runtime PM transitions per run of back-to-back MTD reads",
        "20",
        "≤ 2",
        Spread::of(&transitions),
        &|v| v <= 2.0,
        None,
    );
    if workloads.contains(&"mtd4k") {
        let reads = mmio.get(ours).and_then(|m| m.per_msg.get("mtd4k")).copied();
        let _ = writeln!(
            md,
            "| MMIO accesses per 4 KiB read (QEMU's trace, one boot per size) | 20 | ≤ 8300 | {} | - | - | {} |",
            reads.map_or("-".into(), |v| format!("{v:.0}")),
            reads.map_or("-", |v| if v <= 8300.0 { "yes" } else { "no" })
        );
    }
    for w in workloads {
        let v = mmio
            .get(ours)
            .and_then(|m| m.per_msg.get(*w))
            .map(|v| v / meta.limit(w).max(1) as f64);
        let _ = writeln!(
            md,
            "| MMIO against the limit, {w} (QEMU's trace, one boot per size) | 11 | ≤ 1.05 | {} | - | - | {} |",
            v.map_or("-".into(), |v| format!("{v:.3}")),
            v.map_or("-", |v| if v <= 1.05 { "yes" } else { "no" })
        );
    }
    if let (true, Some(f)) = (floor_shown, pm_floor) {
        let _ = writeln!(md, "\n{}", f.sentence(baseline, ours, clock.unit));
    }
}

/// What each build of the benchmark is (its overlay in `series/variants/`), for the levers
/// table; a variant not listed is shown by name only.
const VARIANT_BUILDS: &[(&str, &str)] = &[
    ("c", "the kernel's C driver (no runtime PM)"),
    (
        "rust",
        "the driver as shipped: relaxed FIFO accesses, RXDATA's empty flag polled, runtime PM",
    ),
    ("rust-fenced", "ordered (fenced) FIFO accesses"),
    (
        "rust-ipwait",
        "a status (IP) wait before each chunk's receive",
    ),
    ("rust-norpm", "no runtime PM"),
    (
        "rust-locked",
        "the register shadow under a spinlock, two sections per 4-byte message",
    ),
    ("rust-unprepare", "an `unprepare_transfer_hardware` hook"),
    ("rust-musttx", "`SPI_CONTROLLER_MUST_TX`"),
];

/// The levers table: per variant, guest instructions per 4-byte message and per byte of a
/// 4 KiB MTD read (`-icount`: 1 ns of guest time per instruction), throughput against the
/// baseline on both clocks, and MMIO accesses per read.
fn levers(
    md: &mut String,
    wall: &Boot<'_>,
    icount: &Boot<'_>,
    mmio: &BTreeMap<String, Mmio>,
    meta: &Meta,
    baseline: &str,
) {
    let read_bytes = meta.rx_bytes.get("mtd4k").copied().unwrap_or(0) as f64;
    let _ = writeln!(
        md,
        "\n## Levers\n\nEach build of the driver, from the `-icount` boot unless the column \
         says otherwise: *instructions per message* is the mean 4-byte `spi_sync()` cycle \
         (submit to next submit) in guest instructions, *per byte* a 4 KiB MTD read's \
         instructions over its {read_bytes:.0} bytes (reads per second over the run, inverted); \
         ratios are against *{baseline}* in the same round. Median over the rounds, range in \
         brackets.\n"
    );
    let _ = writeln!(
        md,
        "| variant | what the build is | instructions per message | against {baseline} | \
         instructions per byte | read throughput against {baseline} | same, wall clock | \
         MMIO per read |"
    );
    let _ = writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|");
    let median_of = |runs: &[Run], v: &str, w: &str, m: Metric| {
        Spread::of(
            &runs
                .iter()
                .filter(|r| r.variant == v && r.workload == w)
                .map(m)
                .collect::<Vec<_>>(),
        )
    };
    let cell = |s: Option<Spread>, d: usize| {
        s.map_or("-".into(), |s| {
            format!("{:.d$} ({:.d$} to {:.d$})", s.median, s.min, s.max, d = d)
        })
    };
    let against = |b: &Boot<'_>, v: &str, w: &str, m: Metric| {
        if v == baseline {
            return None;
        }
        Spread::of(&over_rounds(b.runs, w, v, baseline, m, ratio))
    };
    for v in variants_of(icount.runs, "jedec4") {
        let what = VARIANT_BUILDS
            .iter()
            .find(|(name, _)| *name == v)
            .map_or("", |(_, what)| what);
        let per_msg = median_of(icount.runs, v, "jedec4", |r| r.cycle_mean_us() * 1e3);
        let per_byte = if read_bytes > 0.0 {
            median_of(icount.runs, v, "mtd4k", |r| 1e9 / r.msgs_per_s()).map(|s| Spread {
                median: s.median / read_bytes,
                min: s.min / read_bytes,
                max: s.max / read_bytes,
                rounds: s.rounds,
            })
        } else {
            None
        };
        let reads = mmio.get(v).and_then(|m| m.per_msg.get("mtd4k")).copied();
        let _ = writeln!(
            md,
            "| {v} | {what} | {} | {} | {} | {} | {} | {} |",
            cell(per_msg, 0),
            cell(against(icount, v, "jedec4", Run::cycle_mean_us), 3),
            cell(per_byte, 1),
            cell(against(icount, v, "mtd4k", Run::msgs_per_s), 2),
            cell(against(wall, v, "mtd4k", Run::msgs_per_s), 2),
            reads.map_or("-".into(), |n| format!("{n:.0}")),
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
    let med = |v: &str, f: fn(&Run) -> &[f64]| median_p50(boot.runs, v, workload, f);
    if let (Some(before), Some(flight), Some(lat)) = (
        med(ours, |r| &r.to_start_us),
        med(ours, |r| &r.in_flight_us),
        med(ours, |r| &r.latencies_us),
    ) {
        let _ = writeln!(
            md,
            "\nOf *{ours}*'s p50 latency ({lat:.1} µs), {before:.1} µs pass before the driver \
             sees the message and {flight:.1} µs between `spi_message_start` and \
             `spi_message_done`, which holds the driver's work and the core's around it."
        );
    }
    floor(md, boot, workload, baseline);
}

/// The floor: a message spends at least its *before* stage in the core before any driver
/// sees it. The shortest *before* any variant had is the least this run shows the core path
/// taking, whatever held the others up (a runtime PM resume, a prepare hook); a driver that
/// took no time at all on top of it would have that latency.
fn floor(md: &mut String, boot: &Boot<'_>, workload: &str, baseline: &str) {
    let befores: Vec<(&str, f64)> = variants_of(boot.runs, workload)
        .into_iter()
        .filter_map(|v| median_p50(boot.runs, v, workload, |r| &r.to_start_us).map(|b| (v, b)))
        .collect();
    let least = befores
        .iter()
        .map(|(_, b)| *b)
        .fold(f64::INFINITY, f64::min);
    let Some(base_lat) = median_p50(boot.runs, baseline, workload, |r| &r.latencies_us) else {
        return;
    };
    if befores.is_empty() {
        return;
    }
    // Ties as the table shows them: trace timestamps are whole µs, their differences not quite.
    let shown = |b: f64| format!("{b:.1}");
    let who = befores
        .iter()
        .filter(|(_, b)| shown(*b) == shown(least))
        .map(|(v, _)| format!("*{v}*"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        md,
        "\nThe shortest *before* of the variants here is {least:.1} µs ({who}). A message that \
         spent that long in the core before its driver and no time at all from \
         `spi_message_start` to `spi_message_done` would have a latency of {least:.1} µs, \
         {:.2} of *{baseline}*'s p50 of {base_lat:.1} µs (ratio of the medians over the \
         rounds). A controller driver whose messages spend at least that long before it \
         cannot get the p50 ratio below that.",
        least / base_lat
    );
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
/// gain against what they do. Every comparative word follows the sign of its figure.
fn shortfall(
    md: &mut String,
    boot: &Boot<'_>,
    meta: &Meta,
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
    let _ = writeln!(md, "\n## What the figures say\n");
    mmio_counts(md, mmio, &[ours, baseline]);
    // Accesses *ours* saves against the baseline (negative: it makes more).
    let (saved_read, saved_msg) = (cma - rma, cja - rja);
    let _ = write!(
        md,
        " Timings move between rounds (the ranges above). The MTD reads price an MMIO access: \
         *{ours}* makes {}, and its read cycle p50 is {} (median over {} rounds of \
         *{baseline}* minus *{ours}*, range {:.0} to {:.0}). ",
        compare_counts(-saved_read, "accesses per read", &format!("*{baseline}*")),
        shorter_or_longer(mtd.median, 0),
        mtd.rounds,
        mtd.min,
        mtd.max,
    );
    let per_access = mtd.median / saved_read;
    if saved_read != 0.0 && per_access > 0.0 {
        let _ = write!(
            md,
            "That is about {per_access:.3} µs per access if the whole difference came from \
             them. A 4-byte message of *{ours}* makes {} ({rja:.0} against {cja:.0}); at \
             that price its p50 would be {}. ",
            compare_counts(-saved_msg, "accesses", &format!("*{baseline}*'s")),
            shorter_or_longer(per_access * saved_msg, 2),
        );
    } else {
        let _ = write!(
            md,
            "The cycle difference does not go with the access difference, so the reads put \
             no price on an access. A 4-byte message of *{ours}* makes {} ({rja:.0} against \
             {cja:.0}). ",
            compare_counts(-saved_msg, "accesses", &format!("*{baseline}*'s")),
        );
    }
    let _ = writeln!(
        md,
        "Measured, *{ours}*'s p50 is {} (median over {} rounds of *{baseline}* minus *{ours}*, \
         range {:.1} to {:.1}).\n\n{}",
        shorter_or_longer(j4.median, 1),
        j4.rounds,
        j4.min,
        j4.max,
        helpers_background(meta.inline_helpers),
    );
}

/// What an MMIO access from Rust costs besides the access, by the kernel's configuration.
fn helpers_background(inline_helpers: bool) -> &'static str {
    if inline_helpers {
        "The measured kernel has `CONFIG_RUST_INLINE_HELPERS=y`. Background, from the kernel \
         source, not measured here: the C helpers behind Rust's MMIO accessors are then linked \
         into the Rust objects as LLVM bitcode and inlined, so an access from Rust makes no call, \
         as one from C makes none."
    } else {
        "The measured kernel has `CONFIG_RUST_INLINE_HELPERS` off. Background, from the kernel \
         source, not measured here: every MMIO access from Rust is then an out-of-line call to \
         a C helper, which C's inlined accessors do not pay."
    }
}

/// What the MMIO figures are: differences of two boots, one per workload size, not repeated;
/// a per-message figure that is a whole number is called one, nothing more.
fn mmio_counts(md: &mut String, mmio: &BTreeMap<String, Mmio>, variants: &[&str]) {
    let (mut whole, mut fractional) = (Vec::new(), Vec::new());
    for v in variants {
        for (w, n) in mmio.get(*v).map(|m| &m.per_msg).into_iter().flatten() {
            let cell = format!("*{v}* {w} {n:.1}");
            if n.fract() == 0.0 {
                whole.push(cell);
            } else {
                fractional.push(cell);
            }
        }
    }
    let _ = write!(
        md,
        "MMIO counts per message come from one boot per workload size (not repeated, so how \
         much they move between boots is not measured): the difference between the two boots' \
         counts over the messages added."
    );
    if !whole.is_empty() {
        let _ = write!(
            md,
            " A whole number of accesses per message: {}.",
            whole.join(", ")
        );
    }
    if !fractional.is_empty() {
        let _ = write!(
            md,
            " Not a whole number, so the added messages did not all add the same count, or the \
             rest of the two boots differed: {}.",
            fractional.join(", ")
        );
    }
}

/// How to read the figures: which path each workload takes through the SPI core (Linux 7.3,
/// `drivers/spi/spi.c`) and where each variant's extra cost comes from.
const EXPLANATION: &str = r#"
## How to read this

*Background from the kernel and driver sources, the same in every report: nothing in this
section is computed from this run's figures.*

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
`kmalloc` called from the SPI core itself; *runtime PM transitions* counts the controller
device's `rpm_status` events to `RPM_ACTIVE` or `RPM_SUSPENDED` between a run's markers (a run
starts on an idle, suspended controller; its autosuspend comes after the end marker); *MMIO* counts the controller's register accesses in
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
  skipped, FIFO filled without status reads, received frames polled from RXDATA (its empty
  flag) without status reads, relaxed accessors in the FIFO loops; runtime PM with a 50 ms
  autosuspend.
- *rust-unprepare*: the same source built with a no-op `unprepare_transfer_hardware`.
- *rust-musttx*: the same source built with `SPI_CONTROLLER_MUST_TX`; it changes nothing for
  memory operations, which bypass `spi_map_msg`, nor for the 4-byte messages, which have a tx
  buffer.
- *rust-norpm*: the same source built without runtime PM.
- *rust-fenced*: the same source with the ordered accessors (`readl`/`writel`, with their
  fences) in the FIFO loops; the relaxed ones are the only difference.
- *rust-ipwait*: the same source with each chunk that receives waiting for the receive
  watermark (RXMARK, status reads) before reading RXDATA; polling RXDATA's empty flag is the
  only difference.
- *rust-locked*: the same source with a spinlock around each use of the register shadow on
  the message path (chip-select assertion, then the transfer's registers): two lock/unlock
  pairs per 4-byte message, where *rust* takes none (its shadow is relaxed atomics, ordered by
  the SPI core's `io_mutex`).

Each variant module is checked before it is measured: the guest refuses a module whose probe
line does not name the variant it claims.

**The `-icount` boot.** With `-icount shift=0,sleep=off` QEMU advances the guest clock by 1 ns
per guest instruction, so a time is an instruction count and does not depend on the host's
load; what still moves is what the guest's scheduling and timers make of it (which CPU runs
what, when a tick lands). The table above shows, per variant, how much the rounds differed in
each boot.
"#;

fn histogram(path: &Path, workload: &str, runs: &[Run]) -> Result<()> {
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
    let err = |e: &dyn std::fmt::Display| Error::Plot(e.to_string()).context(path.display());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{runs, summarize, Target};
    use crate::trace::parse;

    /// One run of three messages, `before` µs submit to start, `flight` µs start to done, one
    /// submitted every `cycle` µs, starting at `t0` seconds.
    fn run_text(t0: f64, run: (&str, &str, u32), before: f64, flight: f64, cycle: f64) -> String {
        let (variant, workload, round) = run;
        let us = |t: f64| format!("{:.6}", t0 + t / 1e6);
        let mark = |kind: &str, t: f64| {
            format!(
                "  sh-1 [000] ...2. {}: tracing_mark_write: BENCH {kind} variant={variant} workload={workload} round={round}\n",
                us(t)
            )
        };
        let event = |name: &str, t: f64| {
            format!(
                "  t-2 [000] ..... {}: {name}: spi0.0 (____ptrval____) len=4/4\n",
                us(t)
            )
        };
        let mut text = mark("start", 0.0);
        for i in 0..3 {
            let t = 1.0 + i as f64 * cycle;
            text += &event("spi_message_submit", t);
            text += &event("spi_message_start", t + before);
            text += &event("spi_message_done", t + before + flight);
        }
        text + &mark("end", 1.0 + 3.0 * cycle)
    }

    /// Rounds of variants, `(variant, before, flight, cycle)`, in the order given, rotated by
    /// one each round; both workloads get the same figures.
    fn trace_runs(rounds: u32, variants: &[(&str, f64, f64, f64)]) -> Vec<Run> {
        let mut text = String::new();
        let mut t0 = 1.0;
        for round in 1..=rounds {
            let n = variants.len();
            for k in 0..n {
                let (v, before, flight, cycle) = variants[(k + round as usize - 1) % n];
                for w in ["jedec4", "mtd4k"] {
                    text += &run_text(t0, (v, w, round), before, flight, cycle);
                    t0 += 0.01;
                }
            }
        }
        let target = Target {
            bus: "spi0".into(),
            kthread: "spi0".into(),
            irq_name: "10040000.spi".into(),
        };
        runs(&parse(&text).unwrap(), &target).unwrap()
    }

    const META: &str = r#"{"date": "today", "kernel": "7.3", "qemu": "10.0", "cpus": 4,
        "rounds": 2, "rx_bytes": {"jedec4": 4}, "frames": {"jedec4": 4}, "tx_waits": {"jedec4": 0},
        "inline_helpers": true}"#;

    fn report(runs: &[Run], mmio: &BTreeMap<String, Mmio>) -> String {
        let summaries = summarize(runs);
        let wall = Boot {
            runs,
            summaries: &summaries,
            entries: Entries {
                in_buffer: 9,
                written: 9,
                cpus: Some(4),
            },
        };
        let meta = Meta::parse(META).unwrap();
        markdown(
            &meta,
            &wall,
            None,
            &Extra::default(),
            mmio,
            &["jedec4"],
            "c",
            "rust",
        )
    }

    fn mmio(per_msg: &[(&str, f64, f64)]) -> BTreeMap<String, Mmio> {
        per_msg
            .iter()
            .map(|(v, jedec4, mtd4k)| {
                let per_msg = [("jedec4".to_string(), *jedec4), ("mtd4k".into(), *mtd4k)];
                (
                    v.to_string(),
                    Mmio {
                        per_msg: per_msg.into_iter().collect(),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_cpu_count_comes_from_the_meta_file_which_must_have_it() {
        let md = report(&trace_runs(1, &[("c", 6.0, 10.0, 40.0)]), &BTreeMap::new());
        assert!(md.contains(", 4 Linux CPUs (the guest's `nproc`);"), "{md}");
        let without = META.replace(r#""cpus": 4,"#, "");
        let err = Meta::parse(&without).unwrap_err();
        assert!(err.to_string().contains("cpus"), "{err}");
        assert!(Meta::parse(&META.replace(r#""cpus": 4"#, r#""cpus": 0"#)).is_err());
    }

    #[test]
    fn the_order_of_each_round_is_shown_from_the_markers() {
        let runs = trace_runs(2, &[("c", 6.0, 10.0, 40.0), ("rust", 7.0, 10.0, 48.0)]);
        let md = report(&runs, &BTreeMap::new());
        assert!(
            md.contains("Order of the variants in each round: 1: c rust; 2: rust c."),
            "{md}"
        );
        assert!(md.contains("(9 written, 9 in the buffer)"), "{md}");
    }

    #[test]
    fn the_floor_is_the_least_before_of_any_variant() {
        let runs = trace_runs(
            2,
            &[
                ("c", 6.0, 12.0, 40.0),
                ("rust", 7.0, 10.0, 48.0),
                ("rust-norpm", 6.0, 11.0, 43.0),
            ],
        );
        let md = report(&runs, &BTreeMap::new());
        assert!(
            md.contains(
                "The shortest *before* of the variants here is 6.0 µs (*c*, *rust-norpm*)."
            ),
            "{md}"
        );
        // c's p50 latency is 18 µs: 6 / 18.
        assert!(md.contains("0.33 of *c*'s p50 of 18.0 µs"), "{md}");
        assert!(md.contains("Of *rust*'s p50 latency (17.0 µs), 7.0 µs pass before"));
    }

    #[test]
    fn a_mean_cycle_above_the_baseline_names_runtime_pm_only_when_it_is_the_floor() {
        // rust 1 µs per cycle above c; without runtime PM, level with c.
        let runs = trace_runs(
            2,
            &[
                ("c", 6.0, 10.0, 40.0),
                ("rust", 6.0, 10.0, 41.0),
                ("rust-norpm", 6.0, 10.0, 40.0),
            ],
        );
        let md = report(&runs, &BTreeMap::new());
        assert!(
            md.contains("| 4-byte message cycle, mean over the run (ratio) | 20 (the p50 row at finer resolution) | ≤ 1.00 | 1.03 | 1.03 to 1.03 | 2 | no: its floor is runtime PM (below) |"),
            "{md}"
        );
        assert!(
            md.contains("runtime PM adds 1000 (1000 to 1000) ns per message to *rust*"),
            "{md}"
        );
        // Without runtime PM still above c: a plain no, and no floor sentence.
        let runs = trace_runs(
            2,
            &[
                ("c", 6.0, 10.0, 40.0),
                ("rust", 6.0, 10.0, 42.0),
                ("rust-norpm", 6.0, 10.0, 41.0),
            ],
        );
        let md = report(&runs, &BTreeMap::new());
        assert!(md.contains("| 1.05 | 1.05 to 1.05 | 2 | no |"), "{md}");
        assert!(!md.contains("floor is runtime PM"), "{md}");
    }

    #[test]
    fn comparisons_follow_the_sign_of_the_figures() {
        // rust: more accesses and longer cycles than c, everywhere.
        let runs = trace_runs(2, &[("c", 6.0, 10.0, 40.0), ("rust", 7.0, 12.0, 48.0)]);
        let md = report(&runs, &mmio(&[("c", 11.0, 100.5), ("rust", 21.0, 150.5)]));
        let said =
            &md[md.find("## What the figures say").unwrap()..md.find("## How to read").unwrap()];
        assert!(
            said.contains("makes 50 more accesses per read than *c*"),
            "{said}"
        );
        assert!(said.contains("read cycle p50 is 8 µs longer"), "{said}");
        assert!(said.contains("about 0.160 µs per access"), "{said}");
        assert!(
            said.contains("makes 10 more accesses than *c*'s (21 against 11)"),
            "{said}"
        );
        assert!(said.contains("its p50 would be 1.60 µs longer"), "{said}");
        assert!(
            said.contains("Measured, *rust*'s p50 is 3.0 µs longer"),
            "{said}"
        );
        assert!(
            !said.contains("fewer") && !said.contains("shorter"),
            "{said}"
        );
        // Whole numbers are called whole, the rest not; nothing is called exact.
        assert!(said.contains("A whole number of accesses per message: *rust* jedec4 21.0"));
        assert!(said.contains("Not a whole number"), "{said}");
        assert!(
            said.contains(": *rust* mtd4k 150.5, *c* mtd4k 100.5."),
            "{said}"
        );
        assert!(!md.contains("exact"), "{md}");

        // rust: fewer accesses, shorter cycles.
        let runs = trace_runs(2, &[("c", 7.0, 12.0, 48.0), ("rust", 6.0, 10.0, 40.0)]);
        let md = report(&runs, &mmio(&[("c", 21.0, 150.0), ("rust", 11.0, 100.0)]));
        let said = &md[md.find("## What the figures say").unwrap()..];
        assert!(
            said.contains("makes 50 fewer accesses per read than *c*"),
            "{said}"
        );
        assert!(said.contains("read cycle p50 is 8 µs shorter"), "{said}");
        assert!(
            said.contains("Measured, *rust*'s p50 is 3.0 µs shorter"),
            "{said}"
        );
        assert!(!said.contains("Not a whole number"), "{said}");
    }

    #[test]
    fn an_access_difference_against_the_cycle_difference_prices_nothing() {
        // rust: fewer accesses but longer cycles.
        let runs = trace_runs(1, &[("c", 6.0, 10.0, 40.0), ("rust", 7.0, 12.0, 48.0)]);
        let md = report(&runs, &mmio(&[("c", 21.0, 150.0), ("rust", 11.0, 100.0)]));
        assert!(md.contains("the reads put no price on an access"), "{md}");
        assert!(!md.contains("µs per access"), "{md}");
    }

    #[test]
    fn the_clocks_sentence_checks_its_direction() {
        let said = clocks_and_mmio(0.3, -4000.0, "rust", "c", 8700.0, 12700.0);
        assert!(
            said.starts_with("The wall clock favours *rust* more"),
            "{said}"
        );
        assert!(said.contains("Background, not measured here"), "{said}");
        assert!(said.ends_with("goes the way that predicts."), "{said}");
        let said = clocks_and_mmio(0.3, 4000.0, "rust", "c", 12700.0, 8700.0);
        assert!(
            said.ends_with("goes against what that alone predicts."),
            "{said}"
        );
        let said = clocks_and_mmio(-0.1, 4000.0, "rust", "c", 12700.0, 8700.0);
        assert!(
            said.starts_with("The wall clock favours *rust* less"),
            "{said}"
        );
        assert!(said.ends_with("goes the way that predicts."), "{said}");
        assert!(clocks_and_mmio(0.0, 1.0, "a", "b", 1.0, 0.0).ends_with("do not test that."));
    }
}
