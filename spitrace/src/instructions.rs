// SPDX-License-Identifier: GPL-2.0
//! Where a message's time goes when the clock counts instructions: per round, each variant's
//! mean stages against ours, the stalls, and whether runtime PM is the floor of the mean cycle.

use crate::stats::{
    difference, mean, median_p50, over_rounds, ratio, variants_of, Metric, Run, Spread,
};
use std::fmt::Write as _;

/// The stages of a message, as the stage table names them, each a run's mean in µs.
const STAGES: [(&str, Metric); 4] = [
    ("before", |r| mean(&r.to_start_us)),
    ("driver", |r| mean(&r.in_flight_us)),
    ("after", |r| mean(&r.after_us)),
    ("cycle", Run::cycle_mean_us),
];

/// A whole count with its sign; one that rounds to zero is +0, never -0.
fn signed(x: f64) -> String {
    format!("{:+.0}", x.round() + 0.0)
}

/// Per round in which both ran, `a`'s figure minus `b`'s, in ns.
fn ns_over_rounds(runs: &[Run], workload: &str, a: &str, b: &str, m: Metric) -> Option<Spread> {
    let ns: Vec<f64> = over_rounds(runs, workload, a, b, m, difference)
        .into_iter()
        .map(|d| d * 1e3)
        .collect();
    Spread::of(&ns)
}

/// The evidence that runtime PM is what keeps `ours`'s mean cycle above the baseline's: per
/// round, the build without it (`<ours>-norpm`) against the baseline, what runtime PM costs
/// `ours`, and how far `ours` is above the baseline.
#[derive(Debug, Clone, Copy)]
pub struct PmFloor {
    /// `<ours>-norpm`'s mean cycle over the baseline's.
    pub without_pm: Spread,
    /// `ours` minus `<ours>-norpm`, ns per message.
    pub pm_cost: Spread,
    /// `ours` minus the baseline, ns per message.
    pub excess: Spread,
}

impl PmFloor {
    /// The floor, if this boot shows one: `ours` is slower than the baseline, and without
    /// runtime PM it is not (medians over the rounds). `None` when the boot has no build
    /// without runtime PM, or the figures do not say so.
    pub fn of(runs: &[Run], workload: &str, baseline: &str, ours: &str) -> Option<Self> {
        let norpm = format!("{ours}-norpm");
        let cycle: Metric = Run::cycle_mean_us;
        let without_pm = Spread::of(&over_rounds(runs, workload, &norpm, baseline, cycle, ratio))?;
        let pm_cost = ns_over_rounds(runs, workload, ours, &norpm, cycle)?;
        let excess = ns_over_rounds(runs, workload, ours, baseline, cycle)?;
        // Per round, excess = pm_cost + (norpm - baseline): with the build without runtime PM
        // no slower than the baseline, runtime PM accounts for all of the excess.
        let shown = without_pm.median <= 1.0 && excess.median > 0.0;
        shown.then_some(Self {
            without_pm,
            pm_cost,
            excess,
        })
    }

    /// The sentence that states the floor, for the table whose row it explains.
    pub fn sentence(&self, baseline: &str, ours: &str, unit: &str) -> String {
        let s = |s: &Spread, d: usize| {
            format!("{:.d$} ({:.d$} to {:.d$})", s.median, s.min, s.max, d = d)
        };
        format!(
            "The mean cycle's floor is runtime PM: without it (*{ours}-norpm*) the mean cycle is \
             {} of *{baseline}*'s; runtime PM adds {} {unit} per message to *{ours}* (against \
             *{ours}-norpm*), at least the {} {unit} by which *{ours}* exceeds *{baseline}* \
             (medians over {} rounds, ranges in brackets). Background, not measured here: \
             *{baseline}* has no runtime PM, and the target is for a driver that has it.",
            s(&self.without_pm, 3),
            s(&self.pm_cost, 0),
            s(&self.excess, 0),
            self.excess.rounds
        )
    }
}

/// The stage table in instructions: per variant, the mean of each stage minus `ours`'s in the
/// same round; and the stalls, cycles at least four times the baseline's p50. The runtime PM
/// floor, if any, is stated under the targets table whose row it explains.
pub fn markdown(md: &mut String, runs: &[Run], workload: &str, baseline: &str, ours: &str) {
    let Some(base_p50) = median_p50(runs, baseline, workload, |r| &r.cycle_us) else {
        return;
    };
    let stall_us = 4.0 * base_p50;
    let _ = writeln!(
        md,
        "\n## Where a 4-byte message's instructions go\n\n\
         From the `-icount` boot (1 ns of guest time per instruction): per round, each \
         variant's mean over its messages of each stage (as in the stage table) minus \
         *{ours}*'s in the same round, then the median over the rounds and the range \
         (positive: the variant executes more). Means, unlike the p50s, resolve single \
         instructions. *Stalls* are cycles of {stall_us:.0} µs or more (four times \
         *{baseline}*'s p50 cycle), counted over all rounds, with the longest; each moves its \
         run's mean cycle by its length over the run's messages.\n"
    );
    let _ = writeln!(
        md,
        "| variant | before | driver | after | cycle | rounds | stalls | longest µs |"
    );
    let _ = writeln!(md, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let variants = variants_of(runs, workload);
    for v in variants {
        let stalls: Vec<f64> = runs
            .iter()
            .filter(|r| r.variant == v && r.workload == workload)
            .flat_map(|r| r.cycle_us.iter().copied())
            .filter(|c| *c >= stall_us)
            .collect();
        let longest = stalls.iter().copied().fold(f64::NAN, f64::max);
        let mut cells = Vec::new();
        let mut rounds = 0;
        for (_, m) in STAGES {
            if v == ours {
                cells.push("-".to_string());
                continue;
            }
            match ns_over_rounds(runs, workload, v, ours, m) {
                Some(s) => {
                    rounds = s.rounds;
                    cells.push(format!(
                        "{} ({} to {})",
                        signed(s.median),
                        signed(s.min),
                        signed(s.max)
                    ));
                }
                None => cells.push("-".into()),
            }
        }
        let _ = writeln!(
            md,
            "| {v} | {} | {} | {} | {} | {} | {} | {} |",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            if v == ours {
                "-".into()
            } else {
                rounds.to_string()
            },
            stalls.len(),
            if stalls.is_empty() {
                "-".into()
            } else {
                format!("{longest:.0}")
            }
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of 1000 messages with the given stage means (µs), `stalls` of its cycles 100 µs.
    fn run(variant: &str, round: u32, before: f64, driver: f64, after: f64, stalls: usize) -> Run {
        let cycle = before + driver + after;
        let mut r = Run::new(variant, "jedec4", round);
        r.messages = 1000;
        r.to_start_us = vec![before; 1000];
        r.in_flight_us = vec![driver; 1000];
        r.after_us = vec![after; 999];
        r.cycle_us = vec![cycle; 999];
        r.cycle_us[..stalls].fill(100.0);
        r
    }

    fn rounds(figures: &[(&str, f64, f64, f64)]) -> Vec<Run> {
        (1..=3)
            .flat_map(|round| {
                figures
                    .iter()
                    .map(move |(v, b, d, a)| run(v, round, *b, *d, *a, 0))
            })
            .collect()
    }

    #[test]
    fn runtime_pm_is_the_floor_only_when_the_figures_say_so() {
        // rust is 0.040 µs (40 instructions) above c, runtime PM costs it 0.060: a floor.
        let runs = rounds(&[
            ("c", 2.0, 2.0, 11.0),
            ("rust", 2.0, 1.96, 11.08),
            ("rust-norpm", 2.0, 1.96, 11.02),
        ]);
        let f = PmFloor::of(&runs, "jedec4", "c", "rust").expect("a floor");
        assert_eq!(f.excess.median.round(), 40.0);
        assert_eq!(f.pm_cost.median.round(), 60.0);
        let said = f.sentence("c", "rust", "instructions");
        assert!(
            said.contains("the mean cycle is 0.999 (0.999 to 0.999) of *c*'s"),
            "{said}"
        );
        assert!(
            said.contains("adds 60 (60 to 60) instructions per message"),
            "{said}"
        );
        assert!(
            said.contains("at least the 40 (40 to 40) instructions"),
            "{said}"
        );

        // Without runtime PM still above c: not a floor.
        let runs = rounds(&[
            ("c", 2.0, 2.0, 11.0),
            ("rust", 2.0, 2.1, 11.08),
            ("rust-norpm", 2.0, 2.1, 11.02),
        ]);
        assert!(PmFloor::of(&runs, "jedec4", "c", "rust").is_none());
        // Not slower than c: no floor to explain.
        let runs = rounds(&[
            ("c", 2.0, 2.0, 11.0),
            ("rust", 2.0, 1.9, 11.0),
            ("rust-norpm", 2.0, 1.9, 10.9),
        ]);
        assert!(PmFloor::of(&runs, "jedec4", "c", "rust").is_none());
        // No build without runtime PM: nothing to show.
        let runs = rounds(&[("c", 2.0, 2.0, 11.0), ("rust", 2.0, 2.0, 11.1)]);
        assert!(PmFloor::of(&runs, "jedec4", "c", "rust").is_none());
    }

    #[test]
    fn the_table_gives_each_stage_against_ours_and_the_stalls() {
        let mut runs = rounds(&[("c", 2.0, 2.05, 11.0), ("rust", 2.0, 2.0, 11.04)]);
        runs.push(run("rust-ipwait", 1, 2.0, 2.0, 11.04, 2));
        let mut md = String::new();
        markdown(&mut md, &runs, "jedec4", "c", "rust");
        assert!(md.contains("cycles of 60 µs or more"), "{md}");
        assert!(
            md.contains("| c | +0 (+0 to +0) | +50 (+50 to +50) | -40 (-40 to -40) | +10 (+10 to +10) | 3 | 0 | - |"),
            "{md}"
        );
        assert!(md.contains("| rust | - | - | - | - | - | 0 | - |"), "{md}");
        assert_eq!(signed(-0.4), "+0");
        assert_eq!(signed(-0.6), "-1");
        assert!(md.contains("| rust-ipwait |"), "{md}");
        assert!(md.contains("| 1 | 2 | 100 |"), "{md}");
        assert!(!md.contains("floor"), "{md}");
    }
}
