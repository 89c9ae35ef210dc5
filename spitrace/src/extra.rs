// SPDX-License-Identifier: GPL-2.0
//! Figures the guest prints itself: the idle-teardown contrast (who finishes the teardown when
//! a flush finds the queue just emptied) and the Rust client's optimized-message timing.

use crate::error::{Error, Result};
use crate::stats::Spread;
use serde::Serialize;
use std::fmt::Write as _;

/// One variant's counts in one round of the contrast.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Contrast {
    pub round: u32,
    pub variant: String,
    /// Flushes that found the queue empty with the controller busy.
    pub reached: u64,
    /// ... of which the flushing task finished the teardown itself.
    pub in_caller: u64,
    /// ... of which it queued the kthread to do it.
    pub bounced: u64,
    /// Flushes that pumped a queued message in the caller.
    pub pumped: u64,
    /// Idle teardowns the kthread did (on its own or when queued).
    pub kthread_idle: u64,
}

/// One round of the timing: ns per message, plain and optimized.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Timing {
    pub round: u32,
    pub messages: u64,
    pub plain_ns: f64,
    pub optimized_ns: f64,
}

#[derive(Debug, Default, Serialize, PartialEq)]
pub struct Extra {
    pub contrast: Vec<Contrast>,
    pub timing: Vec<Timing>,
}

/// The value after `key` in a line of `key value` pairs.
fn field<T: std::str::FromStr>(words: &[&str], key: &str) -> Option<T> {
    let at = words.iter().position(|w| *w == key)?;
    words.get(at + 1)?.parse().ok()
}

/// Parses the guest's `contrast round ...` and `timing round ...` lines; other lines are an
/// error, so a changed format cannot pass unnoticed.
pub fn parse(text: &str) -> Result<Extra> {
    let mut out = Extra::default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let bad = || Error::invalid(format!("unreadable line: {line:?}"));
        match words.first().copied() {
            Some("contrast") => out.contrast.push(Contrast {
                round: field(&words, "round").ok_or_else(bad)?,
                variant: words
                    .get(3)
                    .and_then(|w| w.strip_suffix(':'))
                    .ok_or_else(bad)?
                    .to_string(),
                reached: field(&words, "reached").ok_or_else(bad)?,
                in_caller: field(&words, "in_caller").ok_or_else(bad)?,
                bounced: field(&words, "bounced").ok_or_else(bad)?,
                pumped: field(&words, "pumped").ok_or_else(bad)?,
                kthread_idle: field(&words, "kthread_idle").ok_or_else(bad)?,
            }),
            Some("timing") => out.timing.push(Timing {
                round: field(&words, "round").ok_or_else(bad)?,
                messages: field(&words, "messages").ok_or_else(bad)?,
                plain_ns: field(&words, "plain_ns").ok_or_else(bad)?,
                optimized_ns: field(&words, "optimized_ns").ok_or_else(bad)?,
            }),
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// The report's sections for these figures.
pub fn markdown(md: &mut String, extra: &Extra, ours: &str) {
    if !extra.contrast.is_empty() {
        let _ = writeln!(
            md,
            "\n## Idle teardown after queued traffic: the caller or the kthread\n\n\
             The Rust test client queues asynchronous READ ID and READ STATUS messages (a \
             command transfer, then a receive-only one) while spi-nor erases, writes and \
             verifies; spi-mem flushes the queue before each operation. *reached* counts \
             flushes that found the queue empty with the controller still busy; the flushing \
             task then either finished the idle teardown itself (*in caller*) or queued the \
             kthread for it (*bounced*). *pumped* counts flushes that ran a queued message \
             themselves. Sums over the rounds; counted from a function trace of \
             `__spi_pump_messages` and `kthread_queue_work` with `spi_controller_idle` and \
             `spi_message_start`.\n\n\
             | variant | rounds | reached | in caller | bounced | pumped | kthread idle passes |\n\
             |---|---:|---:|---:|---:|---:|---:|"
        );
        let variants = crate::stats::distinct(extra.contrast.iter().map(|c| c.variant.as_str()));
        let mut sentences = String::new();
        for v in variants {
            let rows: Vec<&Contrast> = extra.contrast.iter().filter(|c| c.variant == v).collect();
            let sum = |f: fn(&Contrast) -> u64| rows.iter().map(|c| f(c)).sum::<u64>();
            let (reached, in_caller, bounced) =
                (sum(|c| c.reached), sum(|c| c.in_caller), sum(|c| c.bounced));
            let _ = writeln!(
                md,
                "| {v} | {} | {reached} | {in_caller} | {bounced} | {} | {} |",
                rows.len(),
                sum(|c| c.pumped),
                sum(|c| c.kthread_idle)
            );
            let rounds_reached = rows.iter().filter(|c| c.reached > 0).count();
            let what = if reached == 0 {
                "no flush found the queue just emptied, so this run shows nothing for it".into()
            } else if in_caller == reached {
                format!("the flushing task finished the teardown itself every time ({reached} of {reached})")
            } else if bounced == reached {
                format!("the flushing task handed the teardown to the kthread every time ({reached} of {reached})")
            } else {
                format!("the flushing task finished it {in_caller} times and handed it to the kthread {bounced} times")
            };
            let _ = writeln!(
                sentences,
                "- *{v}*: {what}; the branch was reached in {rounds_reached} of {} rounds.",
                rows.len()
            );
        }
        let _ = writeln!(md, "\n{sentences}");
    }
    if !extra.timing.is_empty() {
        let ratios: Vec<f64> = extra
            .timing
            .iter()
            .map(|t| t.optimized_ns / t.plain_ns)
            .collect();
        let plain: Vec<f64> = extra.timing.iter().map(|t| t.plain_ns).collect();
        let opt: Vec<f64> = extra.timing.iter().map(|t| t.optimized_ns).collect();
        let (Some(r), Some(p), Some(o)) =
            (Spread::of(&ratios), Spread::of(&plain), Spread::of(&opt))
        else {
            return;
        };
        let _ = writeln!(
            md,
            "\n## Optimized messages from the Rust client\n\n\
             Synchronous 4-byte READ ID messages (a command transfer and a receive-only one) to \
             the flash through *{ours}*, {} per run, one prebuilt message sent plain (the core \
             validates and maps it at every send) and one optimized once with \
             `spi_optimize_message()`, alternating in {} rounds. Time per message from the \
             client's clock (`ktime`), spidev and user space not involved.\n\n\
             | | median ns/message | range |\n|---|---:|---|\n\
             | plain | {:.0} | {:.0} to {:.0} |\n| optimized | {:.0} | {:.0} to {:.0} |\n\
             | optimized / plain | {:.3} | {:.3} to {:.3} |\n",
            extra.timing[0].messages,
            r.rounds,
            p.median,
            p.min,
            p.max,
            o.median,
            o.min,
            o.max,
            r.median,
            r.min,
            r.max
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINES: &str = "\
contrast round 1 rust: reached 3 in_caller 3 bounced 0 pumped 5 kthread_idle 40
contrast round 1 rust-unprepare: reached 2 in_caller 0 bounced 2 pumped 4 kthread_idle 44
contrast round 2 rust: reached 0 in_caller 0 bounced 0 pumped 1 kthread_idle 39
timing round 1 messages 1000 plain_ns 30000 optimized_ns 27000
timing round 2 messages 1000 plain_ns 31000 optimized_ns 31000
";

    #[test]
    fn parses_the_guest_lines() {
        let e = parse(LINES).unwrap();
        assert_eq!(e.contrast.len(), 3);
        assert_eq!(e.contrast[1].variant, "rust-unprepare");
        assert_eq!((e.contrast[1].reached, e.contrast[1].bounced), (2, 2));
        assert_eq!(e.timing[1].plain_ns, 31000.0);
        assert!(parse("contrast round x rust: reached 1\n").is_err());
        assert!(parse("something else\n").is_err());
    }

    #[test]
    fn sentences_follow_the_counts() {
        let mut md = String::new();
        markdown(&mut md, &parse(LINES).unwrap(), "rust");
        assert!(md.contains("| rust | 2 | 3 | 3 | 0 | 6 | 79 |"), "{md}");
        assert!(md.contains("*rust*: the flushing task finished the teardown itself every time (3 of 3); the branch was reached in 1 of 2 rounds."));
        assert!(md.contains("*rust-unprepare*: the flushing task handed the teardown to the kthread every time (2 of 2)"));
        assert!(
            md.contains("| optimized / plain | 0.900 | 0.900 to 1.000 |"),
            "{md}"
        );
    }
}
