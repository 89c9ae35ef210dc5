// SPDX-License-Identifier: GPL-2.0
//! Per-run figures from a benchmark trace: runs are delimited by
//! `BENCH start|end variant=V workload=W round=R` markers.
//!
//! A "message" is an SPI message (`spi_message_submit` .. `spi_message_done`) or, for a
//! controller with spi-mem `exec_op`, a memory operation (`spi_mem_start_op` ..
//! `spi_mem_stop_op`): one read of spi-nor is one of them either way.

use crate::error::{Error, Result};
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
    /// Driver and core time of a message: start -> done (for a memory operation, the whole
    /// `exec_op`), microseconds.
    pub in_flight_us: Vec<f64>,
    /// done -> next submit: the idle teardown after the message plus the caller's own work
    /// until its next message, microseconds.
    pub after_us: Vec<f64>,
    /// First submit to last done, seconds.
    pub busy_s: f64,
    /// Start marker to end marker: the whole workload as the caller ran it, seconds.
    pub span_s: f64,
    pub kthread_switches: usize,
    pub irqs: usize,
    /// Allocations made by the SPI core itself (not spidev or spi-mem, which allocate the same
    /// for every controller driver): e.g. the dummy buffers of `SPI_CONTROLLER_MUST_TX`.
    pub spi_allocs: usize,
    /// `spi_controller_busy` events (the controller woke from idle).
    pub busy_events: usize,
    /// Runtime PM transitions of the controller's device (`rpm_status` to `RPM_ACTIVE` or
    /// `RPM_SUSPENDED`; the device is named as its interrupt).
    pub rpm_transitions: usize,
    #[serde(skip)]
    last_submit: Option<f64>,
    #[serde(skip)]
    last_done: Option<f64>,
}

impl Run {
    pub(crate) fn new(variant: &str, workload: &str, round: u32) -> Self {
        Self {
            variant: variant.into(),
            workload: workload.into(),
            round,
            messages: 0,
            bytes: 0,
            latencies_us: Vec::new(),
            to_start_us: Vec::new(),
            cycle_us: Vec::new(),
            in_flight_us: Vec::new(),
            after_us: Vec::new(),
            busy_s: 0.0,
            span_s: 0.0,
            kthread_switches: 0,
            irqs: 0,
            spi_allocs: 0,
            busy_events: 0,
            rpm_transitions: 0,
            last_submit: None,
            last_done: None,
        }
    }

    /// Messages per second over the whole workload (markers). Bytes per message differ
    /// between an SPI message (command and address bytes included) and a memory operation
    /// (data only), so throughputs compare by this.
    pub fn msgs_per_s(&self) -> f64 {
        self.messages as f64 / self.span_s
    }

    /// The mean submit-to-submit cycle, µs. ftrace prints whole microseconds, so a p50 moves in
    /// steps of 1 µs (1,000 guest instructions under `-icount`); the mean over a run's
    /// messages is the span between its first and last submit over their count, and resolves
    /// a few nanoseconds.
    pub fn cycle_mean_us(&self) -> f64 {
        mean(&self.cycle_us)
    }

    fn submitted(&mut self, pending: &mut VecDeque<f64>, first: &mut f64, ts: f64) {
        if let Some(prev) = self.last_submit.replace(ts) {
            self.cycle_us.push((ts - prev) * 1e6);
        }
        if let Some(done) = self.last_done.take() {
            self.after_us.push((ts - done) * 1e6);
        }
        pending.push_back(ts);
        if first.is_nan() {
            *first = ts;
        }
    }

    fn done(
        &mut self,
        pending: &mut VecDeque<f64>,
        started: &mut VecDeque<f64>,
        ts: f64,
        args: &str,
    ) {
        let Some(submitted) = pending.pop_front() else {
            return;
        };
        if let Some(start) = started.pop_front() {
            self.in_flight_us.push((ts - start) * 1e6);
        }
        self.messages += 1;
        self.latencies_us.push((ts - submitted) * 1e6);
        let len = arg(args, "len").and_then(|l| l.split('/').next());
        self.bytes += len.and_then(|l| l.parse::<u64>().ok()).unwrap_or(0);
        self.last_done = Some(ts);
    }
}

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
pub fn runs(events: &[Event<'_>], target: &Target) -> Result<Vec<Run>> {
    let mut out = Vec::new();
    // The run, submitted and started messages not done yet, first submit, last done, start
    // marker.
    type Current = (Run, VecDeque<f64>, VecDeque<f64>, f64, f64, f64);
    let mut current: Option<Current> = None;
    let bus_prefix = format!("{}.", target.bus);
    for e in events {
        if let Some((kind, variant, workload, round)) = marker(e) {
            match (kind, current.take()) {
                ("start", None) => {
                    let run = Run::new(variant, workload, round);
                    current = Some((
                        run,
                        VecDeque::new(),
                        VecDeque::new(),
                        f64::NAN,
                        f64::NAN,
                        e.ts,
                    ));
                }
                ("end", Some((mut run, pending, _, first, last, opened))) => {
                    if (run.variant.as_str(), run.workload.as_str(), run.round)
                        != (variant, workload, round)
                    {
                        return Err(Error::invalid(format!(
                            "end marker of {variant}/{workload}/{round} closes run {}/{}/{}",
                            run.variant, run.workload, run.round
                        )));
                    }
                    if !pending.is_empty() {
                        return Err(Error::invalid(format!(
                            "run {variant}/{workload}/{round}: {} message(s) submitted but never done",
                            pending.len()
                        )));
                    }
                    if run.messages == 0 {
                        return Err(Error::invalid(format!(
                            "run {variant}/{workload}/{round} has no message on {}",
                            target.bus
                        )));
                    }
                    run.busy_s = last - first;
                    run.span_s = e.ts - opened;
                    out.push(run);
                }
                ("start", Some((run, ..))) => {
                    return Err(Error::invalid(format!(
                        "run {}/{}/{} has no end marker before the next start",
                        run.variant, run.workload, run.round
                    )))
                }
                (_, None) => {
                    return Err(Error::invalid(format!(
                        "end marker of {variant}/{workload}/{round} without a start"
                    )))
                }
                (other, _) => return Err(Error::invalid(format!("unknown marker kind {other:?}"))),
            }
            continue;
        }
        let Some((run, pending, started, first, last, _)) = current.as_mut() else {
            continue;
        };
        let ours = device(e.args).starts_with(&bus_prefix);
        match e.name {
            "spi_message_submit" if ours => run.submitted(pending, first, e.ts),
            // Starts come in submission order: the n-th start belongs to pending entry
            // (starts seen - messages done).
            "spi_message_start" if ours => {
                let index = run.to_start_us.len().saturating_sub(run.messages);
                if let Some(submitted) = pending.get(index) {
                    run.to_start_us.push((e.ts - submitted) * 1e6);
                }
                started.push_back(e.ts);
            }
            // A memory operation starts at once: the core has flushed the queue, taken the
            // runtime PM reference and the locks before this event.
            "spi_mem_start_op" if ours => {
                run.submitted(pending, first, e.ts);
                started.push_back(e.ts);
            }
            // Messages of one controller complete in submission order, so pairing is FIFO
            // (the pointers in these events may be hashed or hidden).
            "spi_message_done" | "spi_mem_stop_op" if ours => {
                run.done(pending, started, e.ts, e.args);
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
            "rpm_status"
                if e.args.split_whitespace().next() == Some(target.irq_name.as_str())
                    && matches!(arg(e.args, "status"), Some("RPM_ACTIVE" | "RPM_SUSPENDED")) =>
            {
                run.rpm_transitions += 1
            }
            _ => {}
        }
    }
    if let Some((run, ..)) = current {
        return Err(Error::invalid(format!(
            "run {}/{}/{} has no end marker: truncated trace?",
            run.variant, run.workload, run.round
        )));
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "no benchmark run in the trace (no BENCH markers)",
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
    /// Median start -> done.
    pub in_flight_p50_us: f64,
    /// Median done -> next submit.
    pub after_p50_us: f64,
    pub kthread_switches_per_msg: f64,
    pub irqs_per_msg: f64,
    pub spi_allocs_per_msg: f64,
    /// Runtime PM transitions per run (mean over the rounds).
    pub rpm_transitions_per_run: f64,
    pub mb_per_s: f64,
    /// Messages per second over the workload's spans (markers).
    pub msgs_per_s: f64,
}

/// Nearest-rank percentile of sorted values.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// The median of `values` (nearest rank), NaN if there are none.
pub fn median(values: impl Iterator<Item = f64>) -> f64 {
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
            let secs: f64 = rs.iter().map(|r| r.span_s).sum();
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
                in_flight_p50_us: median(rs.iter().flat_map(|r| r.in_flight_us.iter().copied())),
                after_p50_us: median(rs.iter().flat_map(|r| r.after_us.iter().copied())),
                kthread_switches_per_msg: per_msg(rs.iter().map(|r| r.kthread_switches).sum()),
                irqs_per_msg: per_msg(rs.iter().map(|r| r.irqs).sum()),
                spi_allocs_per_msg: per_msg(rs.iter().map(|r| r.spi_allocs).sum()),
                rpm_transitions_per_run: rs.iter().map(|r| r.rpm_transitions).sum::<usize>() as f64
                    / rs.len() as f64,
                mb_per_s: if secs > 0.0 {
                    bytes as f64 / secs / 1e6
                } else {
                    f64::NAN
                },
                msgs_per_s: messages as f64 / secs,
            }
        })
        .collect()
}

/// A figure over the rounds of a boot: its median and range.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub rounds: usize,
}

impl Spread {
    /// The spread of `values`, or `None` if there are none.
    pub fn of(values: &[f64]) -> Option<Self> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        Some(Self {
            median: percentile(&v, 50.0),
            min: v[0],
            max: v[v.len() - 1],
            rounds: v.len(),
        })
    }
}

/// A figure of one run, e.g. its p50 latency.
pub type Metric = fn(&Run) -> f64;

/// The p50 of `values` (unsorted).
pub fn p50(values: &[f64]) -> f64 {
    median(values.iter().copied())
}

/// The p99 of `values` (unsorted).
pub fn p99(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    percentile(&v, 99.0)
}

/// The mean of `values`, NaN if there are none.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
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
pub fn variants_of<'a>(runs: &'a [Run], workload: &str) -> Vec<&'a str> {
    distinct(
        runs.iter()
            .filter(|r| r.workload == workload)
            .map(|r| r.variant.as_str()),
    )
}

/// `a` over `b`, to combine two variants' figures (`over_rounds`).
pub fn ratio(a: f64, b: f64) -> f64 {
    a / b
}

/// `a` minus `b`, to combine two variants' figures (`over_rounds`).
pub fn difference(a: f64, b: f64) -> f64 {
    a - b
}

/// The median over the rounds of each round's p50 of `f`, for `variant` on `workload`.
pub fn median_p50(
    runs: &[Run],
    variant: &str,
    workload: &str,
    f: fn(&Run) -> &[f64],
) -> Option<f64> {
    Spread::of(
        &runs
            .iter()
            .filter(|r| r.variant == variant && r.workload == workload)
            .map(|r| p50(f(r)))
            .collect::<Vec<_>>(),
    )
    .map(|s| s.median)
}

/// Per round in which both ran: `combine(metric(a), metric(b))` for variants `a` and `b` on
/// `workload`; with the ratio or the difference of the two.
pub fn over_rounds(
    runs: &[Run],
    workload: &str,
    a: &str,
    b: &str,
    metric: Metric,
    combine: fn(f64, f64) -> f64,
) -> Vec<f64> {
    let find = |v: &str, round: u32| {
        runs.iter()
            .find(|r| r.variant == v && r.workload == workload && r.round == round)
    };
    let mut out = Vec::new();
    for ra in runs
        .iter()
        .filter(|r| r.variant == a && r.workload == workload)
    {
        if let Some(rb) = find(b, ra.round) {
            out.push(combine(metric(ra), metric(rb)));
        }
    }
    out
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
  t-2 [000] d..1. 1.000012: rpm_status: 10040000.spi status=RPM_RESUMING
  t-2 [000] d..1. 1.000014: rpm_status: 10040000.spi status=RPM_ACTIVE
  t-2 [000] d..1. 1.000015: rpm_status: 10050000.spi status=RPM_ACTIVE
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
        // The controller's own transition to active; not its resuming, not another device's.
        assert_eq!(r.rpm_transitions, 1);
        assert!((r.busy_s - 190e-6).abs() < 1e-9);
        assert!((r.span_s - 1e-3).abs() < 1e-9);
        assert!((r.in_flight_us[0] - 30.0).abs() < 1e-6);
        assert!((r.after_us[0] - 40.0).abs() < 1e-6);
        assert_eq!(r.to_start_us.len(), 1);
        assert!((r.to_start_us[0] - 20.0).abs() < 1e-6);
        assert_eq!(r.cycle_us.len(), 1);
        assert!((r.cycle_us[0] - 90.0).abs() < 1e-6);
    }

    #[test]
    fn memory_operations_are_messages() {
        let text = "\
  sh-1 [000] ...2. 2.000000: tracing_mark_write: BENCH start variant=rust workload=mtd4k round=3
  dd-5 [001] ..... 2.000100: spi_mem_start_op: spi0.0 1S-4S-4S @50000000 Hz op=[ec00010000ffffff] len=4096 tx=[]
  dd-5 [001] ..... 2.002100: spi_mem_stop_op: spi0.0 len=4096 rx=[00]
  dd-5 [001] ..... 2.002600: spi_mem_start_op: spi0.0 1S-4S-4S @50000000 Hz op=[ec00011000ffffff] len=4096 tx=[]
  dd-5 [001] ..... 2.004600: spi_mem_stop_op: spi0.0 len=4096 rx=[00]
  sh-1 [000] ...2. 2.010000: tracing_mark_write: BENCH end variant=rust workload=mtd4k round=3
";
        let runs = runs(&parse(text).unwrap(), &target()).unwrap();
        let r = &runs[0];
        assert_eq!((r.messages, r.bytes, r.round), (2, 8192, 3));
        assert!((r.latencies_us[0] - 2000.0).abs() < 1e-6);
        assert!((r.in_flight_us[1] - 2000.0).abs() < 1e-6);
        assert!((r.cycle_us[0] - 2500.0).abs() < 1e-6);
        assert!((r.after_us[0] - 500.0).abs() < 1e-6);
        assert!(r.to_start_us.is_empty());
        assert!((r.msgs_per_s() - 200.0).abs() < 1e-6);
    }

    #[test]
    fn ratios_pair_rounds() {
        let mut two = format!("{SMALL}{}", SMALL.replace("round=1", "round=2"));
        two.push_str(&SMALL.replace("variant=c", "variant=rust"));
        let slow = SMALL
            .replace("variant=c", "variant=rust")
            .replace("round=1", "round=2")
            .replace("1.000060: spi_message_done", "1.000110: spi_message_done");
        two.push_str(&slow);
        let runs = runs(&parse(&two).unwrap(), &target()).unwrap();
        let ratios = over_rounds(
            &runs,
            "jedec4",
            "rust",
            "c",
            |r| r.latencies_us[0],
            |a, b| a / b,
        );
        assert_eq!(ratios.len(), 2);
        assert!((ratios[0] - 1.0).abs() < 1e-9);
        assert!((ratios[1] - 2.0).abs() < 1e-9);
        let s = Spread::of(&ratios).unwrap();
        assert_eq!((s.min, s.max, s.rounds), (ratios[0], ratios[1], 2));
        // A variant that ran in no round pairs with nothing.
        assert!(over_rounds(&runs, "jedec4", "rust-x", "c", |r| r.span_s, |a, b| a - b).is_empty());
        assert!(Spread::of(&[]).is_none());
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
        assert!(err.to_string().contains("no end marker"), "{err}");
    }

    #[test]
    fn a_lost_done_event_is_an_error() {
        let text = SMALL.replace(
            "  t-2 [000] ..... 1.000200: spi_message_done: spi0.0 (____ptrval____) len=4/4\n",
            "",
        );
        let err = runs(&parse(&text).unwrap(), &target()).unwrap_err();
        assert!(err.to_string().contains("never done"), "{err}");
    }

    #[test]
    fn no_markers_is_an_error() {
        let err = runs(
            &parse("  t-2 [000] ..... 1.0: spi_message_submit: spi0.0 x\n").unwrap(),
            &target(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("no benchmark run"));
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
        assert!(err.to_string().contains("truncated"), "{err}");
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
