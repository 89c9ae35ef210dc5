// SPDX-License-Identifier: GPL-2.0
//! Counting a device's MMIO accesses in a QEMU trace
//! (`-trace memory_region_ops_read,memory_region_ops_write`).

use crate::error::{Context as _, Error, Result};
use serde::{Deserialize, Serialize};
use std::io::BufRead;

/// Accesses to one address range.
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Count {
    pub reads: u64,
    pub writes: u64,
}

impl Count {
    pub fn total(&self) -> u64 {
        self.reads + self.writes
    }
}

/// Counts the accesses to `[base, base + size)` in a QEMU trace log.
///
/// A line of `memory_region_ops_read|write` without a parsable `addr` is an error, so a
/// garbled log is not silently undercounted.
pub fn count(log: impl BufRead, base: u64, size: u64) -> Result<Count> {
    let mut c = Count::default();
    for (i, line) in log.lines().enumerate() {
        let line = line.context("reading the MMIO log")?;
        let write = if line.starts_with("memory_region_ops_write ") {
            true
        } else if line.starts_with("memory_region_ops_read ") {
            false
        } else {
            continue;
        };
        let addr = line
            .split(' ')
            .skip_while(|w| *w != "addr")
            .nth(1)
            .and_then(|a| u64::from_str_radix(a.trim_start_matches("0x"), 16).ok())
            .ok_or_else(|| {
                Error::invalid(format!("MMIO log line {}: no address: {line:?}", i + 1))
            })?;
        if (base..base + size).contains(&addr) {
            if write {
                c.writes += 1;
            } else {
                c.reads += 1;
            }
        }
    }
    Ok(c)
}

/// Per-unit cost from two runs that differ by `extra_units` of work: the difference cancels
/// what both share (boot, probe).
pub fn per_unit(small: Count, large: Count, extra_units: u64) -> Result<f64> {
    if extra_units == 0 {
        return Err(Error::invalid(
            "the two workloads differ by no unit of work",
        ));
    }
    if large.total() < small.total() {
        return Err(Error::invalid(format!(
            "the larger workload made fewer MMIO accesses ({} < {})",
            large.total(),
            small.total()
        )));
    }
    Ok((large.total() - small.total()) as f64 / extra_units as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
memory_region_ops_read cpu 1 mr 0x5559 addr 0x200bff8 value 0x10043f size 8 name 'riscv.aclint.mtimer'
memory_region_ops_write cpu 1 mr 0x5559 addr 0x10040048 value 0x9f size 4 name 'sifive.spi'
memory_region_ops_read cpu 1 mr 0x5559 addr 0x1004004c value 0x9d size 4 name 'sifive.spi'
memory_region_ops_read cpu 1 mr 0x5559 addr 0x10050074 value 0x0 size 4 name 'sifive.spi'
some other QEMU message
memory_region_ops_read cpu 2 mr 0x5559 addr 0x10040fff value 0x0 size 1 name 'sifive.spi'
";

    #[test]
    fn counts_the_range_only() {
        let c = count(LOG.as_bytes(), 0x1004_0000, 0x1000).unwrap();
        assert_eq!(
            c,
            Count {
                reads: 2,
                writes: 1
            }
        );
        assert_eq!(c.total(), 3);
    }

    #[test]
    fn a_garbled_access_line_is_an_error() {
        let err = count(
            "memory_region_ops_read cpu 1 mr 0x1 adr 0x10\n".as_bytes(),
            0,
            16,
        )
        .unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn differences_cancel_shared_traffic() {
        let small = Count {
            reads: 100,
            writes: 100,
        };
        let large = Count {
            reads: 1100,
            writes: 1200,
        };
        assert_eq!(per_unit(small, large, 100).unwrap(), 21.0);
        assert!(per_unit(large, small, 100).is_err());
        assert!(per_unit(small, large, 0).is_err());
    }
}
