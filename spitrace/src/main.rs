// SPDX-License-Identifier: GPL-2.0
//! spitrace: analysis of the spi-sifive-rs benchmark's traces.

mod extra;
mod mmio;
mod report;
mod stats;
mod trace;

use clap::{Parser, Subcommand};
use std::{collections::BTreeMap, fs, io::BufReader, path::PathBuf, process::ExitCode};

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

fn parse_hex(s: &str) -> Result<u64, String> {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).map_err(|e| format!("{s}: {e}"))
}

fn read(path: &PathBuf) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn analyze(path: &PathBuf, t: &TargetArgs) -> Result<Vec<stats::Run>, String> {
    let text = read(path)?;
    let events = trace::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let target = stats::Target {
        bus: t.bus.clone(),
        kthread: t.kthread.clone(),
        irq_name: t.irq_name.clone(),
    };
    stats::runs(&events, &target).map_err(|e| format!("{}: {e}", path.display()))
}

/// MMIO accesses from a QEMU log, or from the JSON `spitrace mmio` printed for one.
fn count(path: &PathBuf, base: u64, size: u64) -> Result<mmio::Count, String> {
    if path.extension().is_some_and(|e| e == "json") {
        let v: serde_json::Value =
            serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        let field = |k: &str| {
            v[k].as_u64()
                .ok_or_else(|| format!("{}: no {k} count", path.display()))
        };
        return Ok(mmio::Count {
            reads: field("reads")?,
            writes: field("writes")?,
        });
    }
    let f = fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    mmio::count(BufReader::new(f), base, size).map_err(|e| format!("{}: {e}", path.display()))
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.cmd {
        Cmd::Analyze { trace, target } => {
            let runs = analyze(&trace, &target)?;
            let out = serde_json::json!({ "summaries": stats::summarize(&runs), "runs": runs });
            println!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
            );
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
            let runs = analyze(&trace, &target)?;
            let summaries = stats::summarize(&runs);
            let meta: report::Meta = serde_json::from_str(&read(&meta)?)
                .map_err(|e| format!("{}: {e}", meta.display()))?;
            type Spec = BTreeMap<String, BTreeMap<String, (PathBuf, PathBuf, u64)>>;
            let spec: Spec = serde_json::from_str(&read(&mmio_path)?)
                .map_err(|e| format!("{}: {e}", mmio_path.display()))?;
            let mut costs = BTreeMap::new();
            for (variant, workloads) in spec {
                let mut per_msg = BTreeMap::new();
                for (workload, (small, large, units)) in workloads {
                    let (a, b) = (
                        count(&small, 0x1004_0000, 0x1000)?,
                        count(&large, 0x1004_0000, 0x1000)?,
                    );
                    let v = mmio::per_unit(a, b, units)
                        .map_err(|e| format!("{variant}/{workload}: {e}"))?;
                    per_msg.insert(workload, v);
                }
                costs.insert(variant, report::Mmio { per_msg });
            }
            let icount_runs = icount_trace
                .as_ref()
                .map(|t| analyze(t, &target))
                .transpose()?;
            let icount_summaries = icount_runs.as_deref().map(stats::summarize);
            let wall = report::Boot {
                runs: &runs,
                summaries: &summaries,
            };
            let icount = icount_runs
                .as_deref()
                .zip(icount_summaries.as_deref())
                .map(|(runs, summaries)| report::Boot { runs, summaries });
            let extra = match extra {
                Some(path) => {
                    extra::parse(&read(&path)?).map_err(|e| format!("{}: {e}", path.display()))?
                }
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
