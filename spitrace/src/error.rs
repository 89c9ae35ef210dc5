// SPDX-License-Identifier: GPL-2.0
//! spitrace's one error type. Every failure is an [`Error`]; on its way up, callers say where
//! it happened (a file, a variant) with [`Error::context`], so the message that reaches the user
//! names the input to look at.

use std::{fmt, io};

/// Everything that can go wrong, from reading a file to drawing a histogram.
#[derive(Debug)]
pub enum Error {
    /// Reading or writing a file failed.
    Io(io::Error),
    /// JSON that does not parse or does not have the fields we need.
    Json(serde_json::Error),
    /// Drawing an SVG failed; plotters' errors are generic over the backend, so kept as text.
    Plot(String),
    /// A trace line that is neither a comment nor an event.
    TraceLine {
        line: usize,
        reason: &'static str,
        text: String,
    },
    /// ftrace's ring buffer overran: it holds fewer entries than were written, so the runs
    /// would be measured on a trace with holes.
    LostEvents { in_buffer: u64, written: u64 },
    /// No `entries-in-buffer/entries-written` header: whether events were lost is unknown.
    NoEntriesHeader,
    /// Input that reads but is not what it must be: an unbalanced run, an unknown line.
    Invalid(String),
    /// An error and where it happened.
    Context { context: String, source: Box<Error> },
}

/// spitrace's results.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Input that is wrong in a way `what` describes.
    pub fn invalid(what: impl Into<String>) -> Self {
        Self::Invalid(what.into())
    }

    /// This error, said to have happened in `context` (a file, a variant).
    pub fn context(self, context: impl fmt::Display) -> Self {
        Self::Context {
            context: context.to_string(),
            source: Box::new(self),
        }
    }

    /// The error past any context: what tests match on.
    #[cfg(test)]
    pub fn root(&self) -> &Error {
        match self {
            Self::Context { source, .. } => source.root(),
            e => e,
        }
    }
}

/// [`Error::context`] on a result.
pub trait Context<T> {
    fn context(self, context: impl fmt::Display) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, context: impl fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().context(context))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "{e}"),
            Self::Json(e) => write!(f, "JSON: {e}"),
            Self::Plot(e) => write!(f, "drawing: {e}"),
            Self::TraceLine { line, reason, text } => {
                write!(f, "trace line {line}: {reason}: {text:?}")
            }
            Self::LostEvents { in_buffer, written } => write!(
                f,
                "the trace lost events: {in_buffer} entries in the buffer but {written} written \
                 (ftrace's ring buffer overran; enlarge buffer_size_kb); refusing to measure it"
            ),
            Self::NoEntriesHeader => write!(
                f,
                "no '# entries-in-buffer/entries-written: X/Y' header, so lost events cannot be \
                 ruled out; refusing the trace"
            ),
            Self::Invalid(what) => f.write_str(what),
            Self::Context { context, source } => write!(f, "{context}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::Json(e) => Some(e),
            Self::Context { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Self::Io(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Self::Json(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_outermost_first_and_root_sees_through_it() {
        let e = Error::invalid("no marker")
            .context("run c/jedec4/1")
            .context("trace.txt");
        assert_eq!(e.to_string(), "trace.txt: run c/jedec4/1: no marker");
        assert!(matches!(e.root(), Error::Invalid(m) if m == "no marker"));
    }

    #[test]
    fn results_of_other_errors_take_context() {
        let r: std::result::Result<(), io::Error> = Err(io::Error::other("gone"));
        let e = r.context("meta.json").unwrap_err();
        assert_eq!(e.to_string(), "meta.json: gone");
        assert!(matches!(e.root(), Error::Io(_)));
    }
}
