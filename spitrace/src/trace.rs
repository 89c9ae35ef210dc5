// SPDX-License-Identifier: GPL-2.0
//! Parsing of ftrace's text output (`/sys/kernel/tracing/trace`).

use crate::error::{Error, Result};
use serde::Serialize;

/// ftrace's header line that counts the ring buffer's entries:
/// `# entries-in-buffer/entries-written: X/Y   #P:N`.
const ENTRIES_HEADER: &str = "# entries-in-buffer/entries-written:";

/// One trace line: who, where, when, what.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<'a> {
    pub task: &'a str,
    pub pid: u32,
    pub cpu: u32,
    /// Seconds since boot.
    pub ts: f64,
    pub name: &'a str,
    pub args: &'a str,
}

/// What ftrace's header says about the buffer the trace was read from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Entries {
    /// Entries the ring buffer held when the trace was read.
    pub in_buffer: u64,
    /// Entries written to it; more than it holds when it overran.
    pub written: u64,
    /// Online CPUs when the trace was read (`#P:`), where the kernel says.
    pub cpus: Option<u32>,
}

/// Parses one event line, e.g.
/// `  spitool-831 [000] ..... 5.110853: spi_message_submit: spi0.0 (____ptrval____)`.
pub fn parse_line(line: &str, number: usize) -> Result<Event<'_>> {
    let err = |reason| Error::TraceLine {
        line: number,
        reason,
        text: line.to_string(),
    };
    let open = line.find(" [").ok_or_else(|| err("no CPU field"))?;
    let (head, rest) = line.split_at(open);
    let head = head.trim_end();
    let dash = head.rfind('-').ok_or_else(|| err("no TASK-PID field"))?;
    let task = head[..dash].trim_start();
    let pid = head[dash + 1..].parse().map_err(|_| err("bad PID"))?;
    let rest = &rest[2..];
    let close = rest
        .find(']')
        .ok_or_else(|| err("unterminated CPU field"))?;
    let cpu = rest[..close].trim().parse().map_err(|_| err("bad CPU"))?;
    let mut fields = rest[close + 1..].trim_start().splitn(2, ' ');
    let _flags = fields.next().ok_or_else(|| err("no flags"))?;
    let rest = fields
        .next()
        .ok_or_else(|| err("no timestamp"))?
        .trim_start();
    let colon = rest
        .find(": ")
        .ok_or_else(|| err("no timestamp separator"))?;
    let ts = rest[..colon].parse().map_err(|_| err("bad timestamp"))?;
    let rest = &rest[colon + 2..];
    let (name, args) = match rest.find(": ") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (rest.trim_end_matches(':'), ""),
    };
    if name.is_empty() || name.contains(' ') {
        return Err(err("bad event name"));
    }
    Ok(Event {
        task,
        pid,
        cpu,
        ts,
        name,
        args,
    })
}

/// Parses the events of a trace; comment and blank lines are skipped. [`complete`] says
/// whether the trace holds every event the kernel wrote.
pub fn parse(text: &str) -> Result<Vec<Event<'_>>> {
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        events.push(parse_line(line, i + 1)?);
    }
    Ok(events)
}

/// The trace's entries header. A trace without one, or with two (concatenated traces), cannot
/// say whether it lost events, so it is an error.
pub fn entries(text: &str) -> Result<Entries> {
    let mut found = None;
    for (i, line) in text.lines().enumerate() {
        let Some(counts) = line.strip_prefix(ENTRIES_HEADER) else {
            continue;
        };
        if found.is_some() {
            return Err(Error::invalid(format!(
                "trace line {}: a second entries header (traces concatenated?)",
                i + 1
            )));
        }
        found = Some(entries_of(counts).ok_or_else(|| Error::TraceLine {
            line: i + 1,
            reason: "unreadable entries header",
            text: line.to_string(),
        })?);
    }
    found.ok_or(Error::NoEntriesHeader)
}

/// `X/Y   #P:N` (the CPU count is optional; a malformed one is not).
fn entries_of(counts: &str) -> Option<Entries> {
    let mut words = counts.split_whitespace();
    let (in_buffer, written) = words.next()?.split_once('/')?;
    let cpus = match words.next() {
        Some(w) => Some(w.strip_prefix("#P:")?.parse().ok()?),
        None => None,
    };
    Some(Entries {
        in_buffer: in_buffer.parse().ok()?,
        written: written.parse().ok()?,
        cpus,
    })
}

/// The trace's entries header, if it shows that the trace holds every event written: when
/// ftrace's ring buffer overruns, it drops the oldest events and the runs they belonged to
/// would be measured with holes (or not at all), with nothing else to show for it.
pub fn complete(text: &str) -> Result<Entries> {
    let e = entries(text)?;
    if e.in_buffer != e.written {
        return Err(Error::LostEvents {
            in_buffer: e.in_buffer,
            written: e.written,
        });
    }
    Ok(e)
}

/// The value of `key=value` in an event's arguments.
pub fn arg<'a>(args: &'a str, key: &str) -> Option<&'a str> {
    args.split(' ')
        .find_map(|kv| kv.strip_prefix(key).and_then(|v| v.strip_prefix('=')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_event() {
        let e = parse_line(
            "         spitool-831     [000] .....     5.110853: spi_message_submit: spi0.0 (____ptrval____)",
            1,
        )
        .unwrap();
        assert_eq!(e.task, "spitool");
        assert_eq!(e.pid, 831);
        assert_eq!(e.cpu, 0);
        assert!((e.ts - 5.110853).abs() < 1e-9);
        assert_eq!(e.name, "spi_message_submit");
        assert_eq!(e.args, "spi0.0 (____ptrval____)");
    }

    #[test]
    fn task_names_may_contain_dashes_and_spaces() {
        let e = parse_line(
            "  kworker/u8:1-my task-12 [001] d..2. 1.5: sched_switch: x=1",
            1,
        )
        .unwrap();
        assert_eq!(e.task, "kworker/u8:1-my task");
        assert_eq!(e.pid, 12);
    }

    #[test]
    fn finds_arguments() {
        let args = "prev_comm=sh prev_pid=1 ==> next_comm=spi0 next_pid=50";
        assert_eq!(arg(args, "next_comm"), Some("spi0"));
        assert_eq!(arg(args, "next_pid"), Some("50"));
        assert_eq!(arg(args, "nope"), None);
    }

    #[test]
    fn rejects_garbage_with_its_line_number() {
        let err = parse("# comment\n\nthis is not a trace line\n").unwrap_err();
        assert!(matches!(err, Error::TraceLine { line: 3, .. }), "{err}");
        let err = parse("  sh-1 [000] ..... notatime: x: y\n").unwrap_err();
        assert!(
            matches!(
                err,
                Error::TraceLine {
                    reason: "bad timestamp",
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn a_line_cut_in_the_middle_is_an_error() {
        assert!(parse_line("         spitool-831     [000] ..", 7).is_err());
    }

    /// A trace of `events` lines whose header says `in_buffer/written`.
    fn with_header(in_buffer: u64, written: u64, events: usize) -> String {
        let mut t = format!(
            "# tracer: nop\n#\n# entries-in-buffer/entries-written: {in_buffer}/{written}   #P:2\n#\n"
        );
        for i in 0..events {
            t.push_str(&format!(
                "  sh-1 [000] ..... 1.{i:06}: spi_message_submit: spi0.0 (____ptrval____)\n"
            ));
        }
        t
    }

    #[test]
    fn a_trace_that_lost_events_is_refused() {
        let err = complete(&with_header(10, 12, 10)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::LostEvents {
                    in_buffer: 10,
                    written: 12
                }
            ),
            "{err}"
        );
        let msg = err.to_string();
        assert!(msg.contains(" 10 ") && msg.contains(" 12 "), "{msg}");
    }

    #[test]
    fn a_trace_with_every_event_is_accepted() {
        let text = with_header(12, 12, 12);
        let e = complete(&text).unwrap();
        assert_eq!(
            e,
            Entries {
                in_buffer: 12,
                written: 12,
                cpus: Some(2)
            }
        );
        assert_eq!(parse(&text).unwrap().len(), 12);
    }

    #[test]
    fn a_trace_without_the_entries_header_is_refused() {
        let text = with_header(12, 12, 12).replace("# entries-in-buffer", "# something");
        assert!(matches!(complete(&text), Err(Error::NoEntriesHeader)));
        let twice = format!("{}{}", with_header(1, 1, 1), with_header(1, 1, 1));
        assert!(matches!(complete(&twice), Err(Error::Invalid(_))));
        let garbled = with_header(12, 12, 0).replace("12/12", "12:12");
        assert!(matches!(
            complete(&garbled),
            Err(Error::TraceLine { line: 3, .. })
        ));
    }

    #[test]
    fn the_cpu_count_is_optional() {
        let text = "# entries-in-buffer/entries-written: 5/5\n";
        assert_eq!(entries(text).unwrap().cpus, None);
        assert!(entries("# entries-in-buffer/entries-written: 5/5   #P:x\n").is_err());
    }
}
