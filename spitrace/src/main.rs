// SPDX-License-Identifier: GPL-2.0
//! spitrace: analysis of the spi-sifive-rs benchmark's traces.

mod error;
mod extra;
mod instructions;
mod mmio;
mod report;
mod stats;
mod trace;

use clap::{Parser, Subcommand};
use error::{Context as _, Error, Result};
use std::{
    collections::BTreeMap,
    fs,
    io::BufReader,
    path::{Path, PathBuf},
    process::ExitCode,
};

#[derive(Parser)]
#[command(about = "Analyses SPI latency traces (ftrace) and MMIO traces (QEMU)")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(clap::Args)]
struct TargetArgs {
    /// The controller's bus.
    #[arg(long, default_value = "spi0")]
    bus: String,
    /// The controller's message pump kthread.
    #[arg(long, default_value = "spi0")]
    kthread: String,
    /// The controller's interrupt name.
    #[arg(long, default_value = "10040000.spi")]
    irq_name: String,
}

#[derive(Subcommand)]
enum Cmd {
    /// Per-run and per-variant figures of a benchmark trace, as JSON.
    Analyze {
        trace: PathBuf,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// MMIO accesses to an address range in a QEMU trace log, as JSON.
    Mmio {
        log: PathBuf,
        #[arg(long, default_value = "0x10040000", value_parser = parse_hex)]
        base: u64,
        #[arg(long, default_value = "0x1000", value_parser = parse_hex)]
        size: u64,
    },
    /// Writes the report (REPORT.md, data.json, SVG histograms) into a directory.
    Report {
        trace: PathBuf,
        /// A second latency trace of the same workload, recorded under QEMU's `-icount`.
        #[arg(long)]
        icount_trace: Option<PathBuf>,
        /// The guest's contrast and timing lines.
        #[arg(long)]
        extra: Option<PathBuf>,
        /// JSON: {"variant": {"workload": [small_log, large_log, extra_units]}}.
        #[arg(long)]
        mmio: PathBuf,
        /// JSON with the `Meta` fields.
        #[arg(long)]
        meta: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "c")]
        baseline: String,
        #[arg(long, default_value = "rust")]
        ours: String,
        #[command(flatten)]
        target: TargetArgs,
    },
}

fn parse_hex(s: &str) -> Result<u64> {
    u64::from_str_radix(s.trim_start_matches("0x"), 16)
        .map_err(|e| Error::invalid(format!("{s}: {e}")))
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).context(path.display())
}

impl TargetArgs {
    fn target(&self) -> stats::Target {
        stats::Target {
            bus: self.bus.clone(),
            kthread: self.kthread.clone(),
            irq_name: self.irq_name.clone(),
        }
    }
}

/// The runs of a latency trace and what its header says about the buffer.
struct Analysed {
    runs: Vec<stats::Run>,
    entries: trace::Entries,
}

fn analyze(path: &Path, t: &TargetArgs) -> Result<Analysed> {
    analyze_text(&read(path)?, &t.target()).context(path.display())
}

/// A trace that lost events is refused before anything is measured on it.
fn analyze_text(text: &str, target: &stats::Target) -> Result<Analysed> {
    let entries = trace::complete(text)?;
    let runs = stats::runs(&trace::parse(text)?, target)?;
    Ok(Analysed { runs, entries })
}

/// MMIO accesses from a QEMU log, or from the JSON `spitrace mmio` printed for one.
fn count(path: &Path, base: u64, size: u64) -> Result<mmio::Count> {
    if path.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&read(path)?).context(path.display());
    }
    let f = fs::File::open(path).context(path.display())?;
    mmio::count(BufReader::new(f), base, size).context(path.display())
}

/// Per variant, MMIO accesses per unit of each workload, from the spec's pairs of logs.
fn mmio_costs(spec_path: &Path) -> Result<BTreeMap<String, report::Mmio>> {
    type Spec = BTreeMap<String, BTreeMap<String, (PathBuf, PathBuf, u64)>>;
    let spec: Spec = serde_json::from_str(&read(spec_path)?).context(spec_path.display())?;
    let mut costs = BTreeMap::new();
    for (variant, workloads) in spec {
        let mut per_msg = BTreeMap::new();
        for (workload, (small, large, units)) in workloads {
            let (a, b) = (
                count(&small, 0x1004_0000, 0x1000)?,
                count(&large, 0x1004_0000, 0x1000)?,
            );
            let v = mmio::per_unit(a, b, units).context(format!("{variant}/{workload}"))?;
            per_msg.insert(workload, v);
        }
        costs.insert(variant, report::Mmio { per_msg });
    }
    Ok(costs)
}

/// The report states the meta file's CPU count (the guest's `nproc`); where a trace's header
/// has one too (`#P:`, online CPUs when it was read), the two must agree.
fn check_cpus(meta: &report::Meta, trace: &Path, entries: &trace::Entries) -> Result<()> {
    match entries.cpus {
        Some(n) if n != meta.cpus => Err(Error::invalid(format!(
            "{}: read with {n} CPUs online (its #P:), but the meta file says {}",
            trace.display(),
            meta.cpus
        ))),
        _ => Ok(()),
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.cmd {
        Cmd::Analyze { trace, target } => {
            let runs = analyze(&trace, &target)?.runs;
            let out = serde_json::json!({ "summaries": stats::summarize(&runs), "runs": runs });
            println!("{}", serde_json::to_string_pretty(&out)?);
        }
        Cmd::Mmio { log, base, size } => {
            let c = count(&log, base, size)?;
            println!(
                "{}",
                serde_json::json!({ "reads": c.reads, "writes": c.writes, "total": c.total() })
            );
        }
        Cmd::Report {
            trace,
            icount_trace,
            extra,
            mmio: mmio_path,
            meta,
            out,
            baseline,
            ours,
            target,
        } => {
            let meta_path = meta;
            let meta = report::Meta::parse(&read(&meta_path)?).context(meta_path.display())?;
            let wall_trace = analyze(&trace, &target)?;
            check_cpus(&meta, &trace, &wall_trace.entries)?;
            let icount_trace = match &icount_trace {
                Some(path) => {
                    let a = analyze(path, &target)?;
                    check_cpus(&meta, path, &a.entries)?;
                    Some(a)
                }
                None => None,
            };
            let costs = mmio_costs(&mmio_path)?;
            let summaries = stats::summarize(&wall_trace.runs);
            let icount_summaries = icount_trace.as_ref().map(|a| stats::summarize(&a.runs));
            let wall = report::Boot {
                runs: &wall_trace.runs,
                summaries: &summaries,
                entries: wall_trace.entries,
            };
            let icount =
                icount_trace
                    .as_ref()
                    .zip(icount_summaries.as_deref())
                    .map(|(a, summaries)| report::Boot {
                        runs: &a.runs,
                        summaries,
                        entries: a.entries,
                    });
            let extra = match extra {
                Some(path) => extra::parse(&read(&path)?).context(path.display())?,
                None => extra::Extra::default(),
            };
            report::write(
                &out,
                &meta,
                &wall,
                icount.as_ref(),
                &extra,
                &costs,
                &baseline,
                &ours,
            )?;
            eprintln!("spitrace: report written to {}", out.display());
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("spitrace: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real trace recorded in the guest (its header: 1245/1245, 2 CPUs).
    const RECORDED: &str = include_str!("../tests/fixtures/bench-1round.trace");

    fn target() -> stats::Target {
        stats::Target {
            bus: "spi0".into(),
            kthread: "spi0".into(),
            irq_name: "10040000.spi".into(),
        }
    }

    #[test]
    fn a_recorded_trace_that_lost_events_is_not_measured() {
        let whole = analyze_text(RECORDED, &target()).unwrap();
        assert_eq!((whole.entries.written, whole.entries.cpus), (1245, Some(2)));
        assert_eq!(whole.runs.len(), 8);
        let lost = RECORDED.replace("1245/1245", "1245/1300");
        let err = analyze_text(&lost, &target()).err().unwrap();
        assert!(matches!(
            err,
            Error::LostEvents {
                in_buffer: 1245,
                written: 1300
            }
        ));
    }

    #[test]
    fn the_meta_cpu_count_must_match_the_trace() {
        let meta = |cpus: u32| {
            report::Meta::parse(&format!(
                r#"{{"date": "d", "kernel": "k", "qemu": "q", "cpus": {cpus}, "rounds": 1,
                    "rx_bytes": {{}}, "frames": {{}}, "tx_waits": {{}}, "inline_helpers": false}}"#
            ))
            .unwrap()
        };
        let entries = analyze_text(RECORDED, &target()).unwrap().entries;
        let path = Path::new("trace.txt");
        assert!(check_cpus(&meta(2), path, &entries).is_ok());
        let err = check_cpus(&meta(4), path, &entries)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2 CPUs online") && err.contains("says 4"),
            "{err}"
        );
    }
}
