// SPDX-License-Identifier: GPL-2.0
//! The benchmark report: markdown tables, SVG latency histograms, raw JSON.

use crate::stats::{Run, Summary};
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

#[derive(Serialize)]
struct Data<'a> {
    meta: &'a Meta,
    summaries: &'a [Summary],
    mmio: &'a BTreeMap<String, Mmio>,
    runs: &'a [Run],
}

fn find<'a>(s: &'a [Summary], variant: &str, workload: &str) -> Option<&'a Summary> {
    s.iter()
        .find(|x| x.variant == variant && x.workload == workload)
}

/// Writes `REPORT.md`, `data.json` and one `latency-<workload>.svg` per workload into `dir`.
pub fn write(
    dir: &Path,
    meta: &Meta,
    runs: &[Run],
    summaries: &[Summary],
    mmio: &BTreeMap<String, Mmio>,
    baseline: &str,
    ours: &str,
) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let data = Data {
        meta,
        summaries,
        mmio,
        runs,
    };
    let json = serde_json::to_string_pretty(&data).map_err(|e| e.to_string())?;
    fs::write(dir.join("data.json"), json).map_err(|e| e.to_string())?;

    let mut workloads: Vec<&str> = Vec::new();
    for s in summaries {
        if !workloads.contains(&s.workload.as_str()) {
            workloads.push(&s.workload);
        }
    }
    for w in &workloads {
        histogram(&dir.join(format!("latency-{w}.svg")), w, runs)?;
    }
    fs::write(
        dir.join("REPORT.md"),
        markdown(meta, summaries, mmio, &workloads, baseline, ours),
    )
    .map_err(|e| e.to_string())
}

fn markdown(
    meta: &Meta,
    summaries: &[Summary],
    mmio: &BTreeMap<String, Mmio>,
    workloads: &[&str],
    baseline: &str,
    ours: &str,
) -> String {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# spi_sync() latency: spi_sifive_rs against the C spi-sifive\n"
    );
    let _ = writeln!(
        md,
        "Measured {} on QEMU `sifive_u` ({}), Linux {}, 2 Linux CPUs; {} rounds, the variants \
         alternating in one boot. Latency is `spi_message_submit` to `spi_message_done` \
         (ftrace). MMIO counts come from QEMU's `memory_region_ops_*` trace of the controller \
         (0x10040000-0x10040fff), differenced between two workload sizes.\n",
        meta.date, meta.qemu, meta.kernel, meta.rounds
    );
    for w in workloads {
        let _ = writeln!(md, "## {w}\n");
        let _ = writeln!(md, "![latency histogram](latency-{w}.svg)\n");
        let _ = writeln!(
            md,
            "| variant | messages | p50 µs | p90 µs | p99 µs | max µs | submit→start p50 µs | cycle p50 µs | kthread switches/msg | IRQs/msg | SPI allocs/msg | MB/s | MMIO/msg | MMIO/byte |"
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
                "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.3} | {:.2} | {:.2} | {:.3} | {} | {} |",
                s.variant,
                s.messages,
                s.p50_us,
                s.p90_us,
                s.p99_us,
                s.max_us,
                s.to_start_p50_us,
                s.cycle_p50_us,
                s.kthread_switches_per_msg,
                s.irqs_per_msg,
                s.spi_allocs_per_msg,
                s.mb_per_s,
                per_msg.map_or("-".into(), |v| format!("{v:.1}")),
                per_msg.map_or("-".into(), |v| format!("{:.3}", v / rx)),
            );
        }
        let get = |m: &BTreeMap<String, u64>| m.get(*w).copied().unwrap_or(0);
        let _ = writeln!(
            md,
            "\nMMIO limit for one message: {} TXDATA writes (one per byte clocked) + {} RXDATA \
             reads (one per byte received) + {} status reads (one per FIFO chunk) + 2 chip select \
             writes = {} accesses.\n",
            get(&meta.frames),
            get(&meta.rx_bytes),
            get(&meta.chunks),
            meta.limit(w)
        );
    }

    let _ = writeln!(md, "## Targets ({ours} against {baseline}, same boot)\n");
    let _ = writeln!(md, "| target | wanted | measured | met |");
    let _ = writeln!(md, "|---|---|---|---|");
    let mut target = |name: &str, wanted: &str, value: Option<f64>, ok: &dyn Fn(f64) -> bool| {
        let _ = writeln!(
            md,
            "| {name} | {wanted} | {} | {} |",
            value.map_or("-".into(), |v| format!("{v:.2}")),
            value.map_or("-", |v| if ok(v) { "yes" } else { "no" })
        );
    };
    let ratio = |w: &str, f: fn(&Summary) -> f64| {
        Some(f(find(summaries, ours, w)?) / f(find(summaries, baseline, w)?))
    };
    target(
        "p50 latency, 4-byte messages (ratio)",
        "≤ 0.70",
        ratio("jedec4", |s| s.p50_us),
        &|v| v <= 0.70,
    );
    target(
        "p99 latency, 4-byte messages (ratio)",
        "≤ 0.90",
        ratio("jedec4", |s| s.p99_us),
        &|v| v <= 0.90,
    );
    target(
        "4 KiB read throughput (ratio)",
        "≥ 1.5",
        ratio("mtd4k", |s| s.mb_per_s),
        &|v| v >= 1.5,
    );
    for w in workloads {
        target(
            &format!("kthread switches per idle spi_sync, {w}"),
            "0",
            find(summaries, ours, w).map(|s| s.kthread_switches_per_msg),
            &|v| v == 0.0,
        );
    }
    for w in workloads {
        let v = mmio
            .get(ours)
            .and_then(|m| m.per_msg.get(*w))
            .map(|v| v / meta.limit(w).max(1) as f64);
        target(
            &format!("MMIO against the limit, {w}"),
            "≤ 1.10",
            v,
            &|v| v <= 1.10,
        );
    }
    shortfall(&mut md, summaries, mmio, baseline, ours);
    md.push_str(EXPLANATION);
    md
}

/// Why the 4-byte latency targets are missed, from the figures: the MTD workload prices an
/// MMIO access; at that price the 4-byte messages should gain what they save in MMIO.
fn shortfall(
    md: &mut String,
    s: &[Summary],
    mmio: &BTreeMap<String, Mmio>,
    baseline: &str,
    ours: &str,
) {
    let get = |v: &str, w: &str| find(s, v, w);
    let acc = |v: &str, w: &str| mmio.get(v).and_then(|m| m.per_msg.get(w)).copied();
    let (Some(cm), Some(rm), Some(cj), Some(rj)) = (
        get(baseline, "mtd4k"),
        get(ours, "mtd4k"),
        get(baseline, "jedec4"),
        get(ours, "jedec4"),
    ) else {
        return;
    };
    let (Some(cma), Some(rma), Some(cja), Some(rja)) = (
        acc(baseline, "mtd4k"),
        acc(ours, "mtd4k"),
        acc(baseline, "jedec4"),
        acc(ours, "jedec4"),
    ) else {
        return;
    };
    let per_access = (cm.p50_us - rm.p50_us) / (cma - rma);
    let expected = per_access * (cja - rja);
    let observed = cj.p50_us - rj.p50_us;
    let _ = writeln!(
        md,
        "\n## What the figures say, and how firm they are\n\n\
         Timings on this board vary 10-40 % between runs (QEMU TCG on a shared 2-core host; \
         the variants alternate within a run so they share its noise, but separate runs \
         differ); MMIO counts are exact and repeat. In this run the 4-byte p50 target \
         asks for {:.1} µs or less ({} has {:.1} µs) and {} measures {:.1} µs. The MTD reads \
         price a saved MMIO access: {} saves {:.0} accesses per read and is {:.0} µs faster at \
         p50, about {:.2} µs per access. A 4-byte message saves {:.0} accesses ({:.0} against \
         {:.0}), worth about {:.1} µs at that price; the measured p50 difference is {:.1} µs. \
         The work before the driver sees a 4-byte message (submit→start p50) is {:.1} µs for \
         {} and {:.1} µs for {}.{} The MMIO columns carry over to real hardware, where each \
         access is a bus transaction. On riscv every MMIO access from Rust is also an \
         out-of-line call to a C helper (`RUST_INLINE_HELPERS` exists only for arm64 and \
         x86_64).\n",
        0.70 * cj.p50_us,
        baseline,
        cj.p50_us,
        ours,
        rj.p50_us,
        ours,
        cma - rma,
        cm.p50_us - rm.p50_us,
        per_access,
        cja - rja,
        rja,
        cja,
        expected,
        observed,
        rj.to_start_p50_us,
        ours,
        cj.to_start_p50_us,
        baseline,
        no_runtime_pm(s, ours),
    );
}

/// What the build without runtime PM measured against ours on 4-byte messages, if it ran.
fn no_runtime_pm(s: &[Summary], ours: &str) -> String {
    let variant = format!("{ours}-norpm");
    match (find(s, &variant, "jedec4"), find(s, ours, "jedec4")) {
        (Some(n), Some(r)) => format!(
            " Without runtime PM (*{}*, a separate build) it is {:.1} µs, and the whole \
             cycle p50 {:.1} against {:.1} µs.",
            variant, n.to_start_p50_us, n.cycle_p50_us, r.cycle_p50_us
        ),
        _ => String::new(),
    }
}

/// How to read the figures: which path each workload takes through the SPI core (Linux 7.3,
/// `drivers/spi/spi.c`) and where each variant's extra cost comes from.
const EXPLANATION: &str = r#"
## How to read this

**Columns.** Latency is `spi_message_submit` → `spi_message_done`. *submit→start* is the
core's work before the driver sees the message (the `io_mutex`, the runtime PM resume, the
prepare hooks). *cycle* is one `spi_message_submit` to the next on the same bus: the whole
`spi_sync()` round trip including user space (the same `spitool`/`dd` for every variant) and the
idle teardown that runs *after* `spi_message_done` (dummy buffer frees, the unprepare hook, the
runtime PM put), which the submit→done latency does not contain. *kthread switches* counts
`sched_switch` into the controller's `spi0` kthread; *SPI allocs* counts `kmalloc` called from
the SPI core itself; *MMIO* counts the controller's register accesses in QEMU's trace,
differenced between two workload sizes so boot and probe traffic cancel.

**The path both workloads take.** `spidev`'s `SPI_IOC_MESSAGE` and `spi-nor`'s reads (through
`spi_mem_exec_op`) call `spi_sync()`. On an idle controller `__spi_sync()` finds
`queue_empty` and calls `__spi_transfer_message_noqueue()` in the caller's context (counted as
`spi_sync_immediate`): under `io_mutex`, `__spi_pump_transfer_message()` takes a runtime PM
reference (`pm_runtime_get_sync`, if `auto_runtime_pm`), emits `spi_controller_busy`, runs
`prepare_transfer_hardware`/`prepare_message` if set, maps the message (`spi_map_msg`),
and `spi_transfer_one_message()` drives chip select and `transfer_one`. Back in the caller,
because the controller was not busy before, the core frees `dummy_rx`/`dummy_tx`, calls
`unprepare_transfer_hardware` if set and drops the runtime PM reference. No message of these
workloads is queued, so no variant switches into the kthread (0 above, for all of them). The
kthread would take over only with queued traffic: `__spi_pump_messages()` outside the kthread
hands the idle teardown to it when there are dummy buffers or an unprepare hook.

**Where the variants differ.**
- *c* (the kernel's `spi-sifive.ko`): sets `SPI_CONTROLLER_MUST_TX`, so `spi_map_msg()`
  `krealloc`s a zeroed dummy tx buffer as large as the longest rx-only transfer (4 KiB for an
  MTD read) for every message and the teardown frees it: the SPI alloc per MTD read above. Its
  `transfer_one` reads TXDATA before every write and writes RXMARK for every chunk; its
  `prepare_message` rewrites CSDEF, CSID and SCKMODE for every message: the extra MMIO. It does
  no runtime PM.
- *rust* (`spi_sifive_rs.ko`): no MUST_TX (rx-only transfers send zeros from the driver), no
  prepare or unprepare hook, register writes that would not change anything skipped, FIFO
  filled without status reads. It does runtime PM per message (resume only after the 50 ms
  autosuspend), which the C driver does not.
- *rust-unprepare*: the same with a no-op `unprepare_transfer_hardware`; an extra indirect call
  per message in the idle teardown, and the kthread bounce after queued traffic.
- *rust-musttx*: the same with `SPI_CONTROLLER_MUST_TX`: one 4 KiB zeroed allocation and free
  per MTD read, nothing for the 4-byte messages (they have a tx buffer).
- *rust-norpm*: the same source built without runtime PM: the difference to *rust* is the price of the
  `pm_runtime_get_sync`/`pm_runtime_put_autosuspend` pair per message.

**What dominates on this board.** QEMU's SPI model completes a frame at the TXDATA write and
ignores the clock, and under TCG an MMIO access is a helper call rather than a VM exit, so
register accesses are cheap compared to real hardware, and the software path (the SPI core,
tracing itself, the syscall, the driver's code) dominates a 4-byte message. The MMIO columns
are the deterministic cost that carries over to hardware, where each access is a bus
transaction.
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
