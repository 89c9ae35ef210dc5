// SPDX-License-Identifier: GPL-2.0
//! Parsing of ftrace's text output (`/sys/kernel/tracing/trace`).

use std::fmt;

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

/// A line that is neither a comment nor an event.
#[derive(Debug, PartialEq)]
pub struct ParseError {
    pub line: usize,
    pub reason: &'static str,
    pub text: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "trace line {}: {}: {:?}",
            self.line, self.reason, self.text
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses one event line, e.g.
/// `  spitool-831 [000] ..... 5.110853: spi_message_submit: spi0.0 (____ptrval____)`.
pub fn parse_line(line: &str, number: usize) -> Result<Event<'_>, ParseError> {
    let err = |reason| ParseError {
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

/// Parses a whole trace; comment and blank lines are skipped.
pub fn parse(text: &str) -> Result<Vec<Event<'_>>, ParseError> {
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        events.push(parse_line(line, i + 1)?);
    }
    Ok(events)
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
        assert_eq!(err.line, 3);
        let err = parse("  sh-1 [000] ..... notatime: x: y\n").unwrap_err();
        assert_eq!(err.reason, "bad timestamp");
    }

    #[test]
    fn a_line_cut_in_the_middle_is_an_error() {
        assert!(parse_line("         spitool-831     [000] ..", 7).is_err());
    }
}
