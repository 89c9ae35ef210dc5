// SPDX-License-Identifier: GPL-2.0
//! Per-run figures from a benchmark trace: runs are delimited by
//! `BENCH start|end variant=V workload=W round=R` markers.

use crate::trace::{arg, Event};
use serde::Serialize;
use std::collections::{BTreeMap, VecDeque};

/// What to look for: the controller's bus, kthread and interrupt names.
#[derive(Debug, Clone)]
pub struct Target {
    /// Bus name, e.g. `spi0` (messages are for devices `spi0.N`).
    pub bus: String,
    /// The controller's message-pump kthread, e.g. `spi0`.
    pub kthread: String,
    /// The controller's interrupt name in `irq_handler_entry`, e.g. `10040000.spi`.
    pub irq_name: String,
}

/// Figures of one run (one variant, one workload, one round).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Run {
    pub variant: String,
    pub workload: String,
    pub round: u32,
    pub messages: usize,
    pub bytes: u64,
    /// submit -> done, microseconds, in message order.
    pub latencies_us: Vec<f64>,
    /// submit -> start (locking, runtime PM resume, prepare hooks), microseconds.
    pub to_start_us: Vec<f64>,
    /// submit -> next submit on the same bus: the whole cycle, including the idle teardown
    /// after `spi_message_done` (dummy buffer frees, unprepare hook, runtime PM put), microseconds.
    pub cycle_us: Vec<f64>,
    /// First submit to last done, seconds.
    pub busy_s: f64,
    pub kthread_switches: usize,
    pub irqs: usize,
    /// Allocations made by the SPI core itself (not spidev or spi-mem, which allocate the same
    /// for every controller driver): e.g. the dummy buffers of `SPI_CONTROLLER_MUST_TX`.
    pub spi_allocs: usize,
    /// `spi_controller_busy` events (the controller woke from idle).
    pub busy_events: usize,
    #[serde(skip)]
    last_submit: Option<f64>,
}

/// A malformed or truncated benchmark trace.
#[derive(Debug, PartialEq)]
pub struct StatsError(pub String);

impl std::fmt::Display for StatsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StatsError {}

fn marker<'a>(e: &Event<'a>) -> Option<(&'a str, &'a str, &'a str, u32)> {
    if e.name != "tracing_mark_write" {
        return None;
    }
    let rest = e.args.strip_prefix("BENCH ")?;
    let kind = rest.split(' ').next()?;
    let round = arg(rest, "round")?.parse().ok()?;
    Some((kind, arg(rest, "variant")?, arg(rest, "workload")?, round))
}

/// The device (`spi0.0`) an SPI message event is about.
fn device(args: &str) -> &str {
    args.split(' ').next().unwrap_or("")
}

/// Whether an allocation's call site (`func+0x../0x..`) is in the SPI core.
fn is_spi_core(call_site: &str) -> bool {
    let func = call_site.split('+').next().unwrap_or("");
    (func.starts_with("spi_") || func.starts_with("__spi_"))
        && !func.starts_with("spi_mem")
        && !func.starts_with("spidev")
}

/// Splits the trace into runs and measures each.
pub fn runs(events: &[Event<'_>], target: &Target) -> Result<Vec<Run>, StatsError> {
    let mut out = Vec::new();
    let mut current: Option<(Run, VecDeque<f64>, f64, f64)> = None;
    let bus_prefix = format!("{}.", target.bus);
    for e in events {
        if let Some((kind, variant, workload, round)) = marker(e) {
            match (kind, current.take()) {
                ("start", None) => {
                    let run = Run {
                        variant: variant.into(),
                        workload: workload.into(),
                        round,
                        messages: 0,
                        bytes: 0,
                        latencies_us: Vec::new(),
                        to_start_us: Vec::new(),
                        cycle_us: Vec::new(),
                        busy_s: 0.0,
                        kthread_switches: 0,
                        irqs: 0,
                        spi_allocs: 0,
                        busy_events: 0,
                        last_submit: None,
                    };
                    current = Some((run, VecDeque::new(), f64::NAN, f64::NAN));
                }
                ("end", Some((mut run, pending, first, last))) => {
                    if (run.variant.as_str(), run.workload.as_str(), run.round)
                        != (variant, workload, round)
                    {
                        return Err(StatsError(format!(
                            "end marker of {variant}/{workload}/{round} closes run {}/{}/{}",
                            run.variant, run.workload, run.round
                        )));
                    }
                    if !pending.is_empty() {
                        return Err(StatsError(format!(
                            "run {variant}/{workload}/{round}: {} message(s) submitted but never done",
                            pending.len()
                        )));
                    }
                    if run.messages == 0 {
                        return Err(StatsError(format!(
                            "run {variant}/{workload}/{round} has no message on {}",
                            target.bus
                        )));
                    }
                    run.busy_s = last - first;
                    out.push(run);
                }
                ("start", Some((run, ..))) => {
                    return Err(StatsError(format!(
                        "run {}/{}/{} has no end marker before the next start",
                        run.variant, run.workload, run.round
                    )))
                }
                (_, None) => {
                    return Err(StatsError(format!(
                        "end marker of {variant}/{workload}/{round} without a start"
                    )))
                }
                (other, _) => return Err(StatsError(format!("unknown marker kind {other:?}"))),
            }
            continue;
        }
        let Some((run, pending, first, last)) = current.as_mut() else {
            continue;
        };
        match e.name {
            "spi_message_submit" if device(e.args).starts_with(&bus_prefix) => {
                if let Some(prev) = run.last_submit.replace(e.ts) {
                    run.cycle_us.push((e.ts - prev) * 1e6);
                }
                pending.push_back(e.ts);
                if first.is_nan() {
                    *first = e.ts;
                }
            }
            // Starts come in submission order: the n-th start belongs to pending entry
            // (starts seen - messages done).
            "spi_message_start" if device(e.args).starts_with(&bus_prefix) => {
                let index = run.to_start_us.len().saturating_sub(run.messages);
                if let Some(submitted) = pending.get(index) {
                    run.to_start_us.push((e.ts - submitted) * 1e6);
                }
            }
            // Messages of one controller complete in submission order, so pairing is FIFO
            // (the pointers in these events may be hashed or hidden).
            "spi_message_done" if device(e.args).starts_with(&bus_prefix) => {
                let Some(submitted) = pending.pop_front() else {
                    continue;
                };
                run.messages += 1;
                run.latencies_us.push((e.ts - submitted) * 1e6);
                let len = arg(e.args, "len").and_then(|l| l.split('/').next());
                run.bytes += len.and_then(|l| l.parse::<u64>().ok()).unwrap_or(0);
                *last = e.ts;
            }
            "spi_controller_busy" if e.args.trim() == target.bus => run.busy_events += 1,
            "sched_switch" if arg(e.args, "next_comm") == Some(target.kthread.as_str()) => {
                run.kthread_switches += 1
            }
            "irq_handler_entry" if arg(e.args, "name") == Some(target.irq_name.as_str()) => {
                run.irqs += 1
            }
            "kmalloc" if arg(e.args, "call_site").is_some_and(is_spi_core) => run.spi_allocs += 1,
            _ => {}
        }
    }
    if let Some((run, ..)) = current {
        return Err(StatsError(format!(
            "run {}/{}/{} has no end marker: truncated trace?",
            run.variant, run.workload, run.round
        )));
    }
    if out.is_empty() {
        return Err(StatsError(
            "no benchmark run in the trace (no BENCH markers)".into(),
        ));
    }
    Ok(out)
}

/// Figures of one variant on one workload, over all its rounds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub variant: String,
    pub workload: String,
    pub rounds: usize,
    pub messages: usize,
    pub p50_us: f64,
    pub p90_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
    pub mean_us: f64,
    /// Median submit -> start.
    pub to_start_p50_us: f64,
    /// Median submit -> next submit (the whole spi_sync cycle, user space included).
    pub cycle_p50_us: f64,
    pub kthread_switches_per_msg: f64,
    pub irqs_per_msg: f64,
    pub spi_allocs_per_msg: f64,
    pub mb_per_s: f64,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.collect();
    v.sort_by(f64::total_cmp);
    percentile(&v, 50.0)
}

/// Groups runs by (variant, workload), keeping the variants' first-seen order.
pub fn summarize(runs: &[Run]) -> Vec<Summary> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<&Run>> = BTreeMap::new();
    for r in runs {
        let key = (r.variant.clone(), r.workload.clone());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(r);
    }
    order
        .into_iter()
        .map(|key| {
            let rs = &groups[&key];
            let mut lat: Vec<f64> = rs
                .iter()
                .flat_map(|r| r.latencies_us.iter().copied())
                .collect();
            lat.sort_by(f64::total_cmp);
            let messages = lat.len();
            let per_msg = |n: usize| n as f64 / messages as f64;
            let bytes: u64 = rs.iter().map(|r| r.bytes).sum();
            let secs: f64 = rs.iter().map(|r| r.busy_s).sum();
            Summary {
                variant: key.0.clone(),
                workload: key.1.clone(),
                rounds: rs.len(),
                messages,
                p50_us: percentile(&lat, 50.0),
                p90_us: percentile(&lat, 90.0),
                p99_us: percentile(&lat, 99.0),
                max_us: lat.last().copied().unwrap_or(f64::NAN),
                mean_us: lat.iter().sum::<f64>() / messages as f64,
                to_start_p50_us: median(rs.iter().flat_map(|r| r.to_start_us.iter().copied())),
                cycle_p50_us: median(rs.iter().flat_map(|r| r.cycle_us.iter().copied())),
                kthread_switches_per_msg: per_msg(rs.iter().map(|r| r.kthread_switches).sum()),
                irqs_per_msg: per_msg(rs.iter().map(|r| r.irqs).sum()),
                spi_allocs_per_msg: per_msg(rs.iter().map(|r| r.spi_allocs).sum()),
                mb_per_s: if secs > 0.0 {
                    bytes as f64 / secs / 1e6
                } else {
                    f64::NAN
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::parse;

    fn target() -> Target {
        Target {
            bus: "spi0".into(),
            kthread: "spi0".into(),
            irq_name: "10040000.spi".into(),
        }
    }

    const SMALL: &str = "\
# tracer: nop
  sh-1 [000] ...2. 1.000000: tracing_mark_write: BENCH start variant=c workload=jedec4 round=1
  t-2 [000] ..... 1.000010: spi_message_submit: spi0.0 (____ptrval____)
  t-2 [000] ..... 1.000020: spi_controller_busy: spi0
  t-2 [000] ..... 1.000030: spi_message_start: spi0.0 (____ptrval____)
  t-2 [000] d.h1. 1.000035: irq_handler_entry: irq=30 name=10040000.spi
  t-2 [000] d.h1. 1.000036: irq_handler_exit: irq=30 ret=handled
  t-2 [000] ..... 1.000060: spi_message_done: spi0.0 (____ptrval____) len=4/4
  t-2 [000] ..... 1.000070: spi_message_submit: spi1.0 (____ptrval____)
  t-2 [000] ..... 1.000080: spi_message_done: spi1.0 (____ptrval____) len=9/9
  t-2 [000] ..... 1.000100: spi_message_submit: spi0.0 (____ptrval____)
  t-2 [000] d..2. 1.000110: sched_switch: prev_comm=t prev_pid=2 prev_prio=120 prev_state=D ==> next_comm=spi0 next_pid=9 next_prio=49
  t-2 [000] ..... 1.000111: kmalloc: call_site=__spi_pump_transfer_message+0xe8/0x2b8 ptr=x bytes_req=4096 bytes_alloc=4096 gfp_flags=GFP_KERNEL node=-1 accounted=false
  t-2 [000] ..... 1.000200: spi_message_done: spi0.0 (____ptrval____) len=4/4
  sh-1 [000] ...2. 1.001000: tracing_mark_write: BENCH end variant=c workload=jedec4 round=1
";

    #[test]
    fn measures_a_run() {
        let events = parse(SMALL).unwrap();
        let runs = runs(&events, &target()).unwrap();
        assert_eq!(runs.len(), 1);
        let r = &runs[0];
        assert_eq!(
            (r.variant.as_str(), r.workload.as_str(), r.round),
            ("c", "jedec4", 1)
        );
        assert_eq!(r.messages, 2);
        assert_eq!(r.bytes, 8);
        assert!((r.latencies_us[0] - 50.0).abs() < 1e-6);
        assert!((r.latencies_us[1] - 100.0).abs() < 1e-6);
        assert_eq!(
            (r.kthread_switches, r.irqs, r.spi_allocs, r.busy_events),
            (1, 1, 1, 1)
        );
        assert!((r.busy_s - 190e-6).abs() < 1e-9);
        assert_eq!(r.to_start_us.len(), 1);
        assert!((r.to_start_us[0] - 20.0).abs() < 1e-6);
        assert_eq!(r.cycle_us.len(), 1);
        assert!((r.cycle_us[0] - 90.0).abs() < 1e-6);
    }

    #[test]
    fn only_spi_core_allocations_count() {
        assert!(is_spi_core("__spi_pump_transfer_message+0xe8/0x2b8"));
        assert!(is_spi_core("spi_map_msg+0x10/0x80"));
        assert!(!is_spi_core("spi_mem_exec_op+0xe2/0x3d8"));
        assert!(!is_spi_core("spidev_message+0x40/0x300"));
        assert!(!is_spi_core("user_buffer_init+0x3e/0x138"));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), 50.0);
        assert_eq!(percentile(&v, 99.0), 99.0);
        assert_eq!(percentile(&v, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 90.0), 7.0);
        assert!(percentile(&[], 50.0).is_nan());
    }

    #[test]
    fn a_truncated_trace_is_an_error() {
        let cut = &SMALL[..SMALL.find("  sh-1 [000] ...2. 1.001000").unwrap()];
        let err = runs(&parse(cut).unwrap(), &target()).unwrap_err();
        assert!(err.0.contains("no end marker"), "{}", err.0);
    }

    #[test]
    fn a_lost_done_event_is_an_error() {
        let text = SMALL.replace(
            "  t-2 [000] ..... 1.000200: spi_message_done: spi0.0 (____ptrval____) len=4/4\n",
            "",
        );
        let err = runs(&parse(&text).unwrap(), &target()).unwrap_err();
        assert!(err.0.contains("never done"), "{}", err.0);
    }

    #[test]
    fn no_markers_is_an_error() {
        let err = runs(
            &parse("  t-2 [000] ..... 1.0: spi_message_submit: spi0.0 x\n").unwrap(),
            &target(),
        )
        .unwrap_err();
        assert!(err.0.contains("no benchmark run"));
    }

    #[test]
    fn summaries_pool_rounds() {
        let two = format!("{SMALL}{}", SMALL.replace("round=1", "round=2"));
        let runs = runs(&parse(&two).unwrap(), &target()).unwrap();
        let s = summarize(&runs);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].rounds, s[0].messages), (2, 4));
        assert_eq!(s[0].p50_us.round(), 50.0);
        assert_eq!(s[0].max_us.round(), 100.0);
        assert_eq!(s[0].kthread_switches_per_msg, 0.5);
    }

    /// A real trace recorded in the guest: one round of the four variants.
    const RECORDED: &str = include_str!("../tests/fixtures/bench-1round.trace");

    #[test]
    fn recorded_trace_has_every_run() {
        let runs = runs(&parse(RECORDED).unwrap(), &target()).unwrap();
        assert_eq!(runs.len(), 8);
        let s = summarize(&runs);
        let get = |v: &str, w: &str| {
            s.iter()
                .find(|x| x.variant == v && x.workload == w)
                .unwrap()
        };
        for v in ["c", "rust", "rust-unprepare", "rust-musttx"] {
            assert_eq!(get(v, "jedec4").messages, 20, "{v}");
            assert_eq!(get(v, "mtd4k").messages, 4, "{v}");
            // Idle spi_sync() never reaches the kthread, with any of the drivers.
            assert_eq!(get(v, "jedec4").kthread_switches_per_msg, 0.0, "{v}");
        }
        // MUST_TX: one dummy-buffer allocation per rx-only MTD read; the C driver sets it too.
        assert_eq!(get("rust", "mtd4k").spi_allocs_per_msg, 0.0);
        assert_eq!(get("rust-musttx", "mtd4k").spi_allocs_per_msg, 1.0);
        assert_eq!(get("c", "mtd4k").spi_allocs_per_msg, 1.0);
        // 4 KiB of data plus command, address and dummy bytes per read.
        assert_eq!(
            runs.iter().find(|r| r.workload == "mtd4k").unwrap().bytes,
            4 * 4104
        );
    }

    #[test]
    fn recorded_trace_cut_short_is_an_error() {
        let cut = &RECORDED[..RECORDED.len() * 3 / 5];
        let cut = &cut[..cut.rfind('\n').unwrap() + 1];
        let err = runs(&parse(cut).unwrap(), &target()).unwrap_err();
        assert!(err.0.contains("truncated"), "{}", err.0);
    }

    #[test]
    fn recorded_trace_with_a_garbled_line_is_an_error() {
        let at = RECORDED.len() / 2;
        let at = at + RECORDED[at..].find('\n').unwrap() + 1;
        let garbled = format!(
            "{}###garbage in the middle\n{}",
            &RECORDED[..at],
            &RECORDED[at..]
        );
        // A '#' line is a comment; anything else that is not an event is refused.
        assert!(parse(&garbled).is_ok());
        let garbled = format!(
            "{}garbage in the middle\n{}",
            &RECORDED[..at],
            &RECORDED[at..]
        );
        assert!(parse(&garbled).is_err());
    }
}
