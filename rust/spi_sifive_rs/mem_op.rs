// SPDX-License-Identifier: GPL-2.0

//! SPI memory operations: a whole flash command (opcode, address, dummy, data) under one chip
//! select assertion, without the SPI core building a message for it.

use crate::hw::{divider, frame_format, SifiveSpiOps};
use crate::regs::{CsMode, CSMODE};
use kernel::{
    io::Io,
    prelude::*,
    spi::{self, ControllerOps, MemData, MemOp, Nbits, Phase},
};

/// Longest command, address and dummy part an operation may have: one opcode byte, four
/// address bytes and the dummy bytes of the slowest read modes have room to spare.
const HEADER_MAX: usize = 32;

#[vtable]
impl spi::MemOps for SifiveSpiOps {
    // The divider is programmed for every operation.
    const CAPS: spi::MemCaps = spi::MemCaps {
        per_op_freq: true,
        ..spi::MemCaps::NONE
    };

    fn supports_op(mem: &spi::Mem, op: &MemOp) -> bool {
        let on_wire =
            |p: Phase| !p.dtr && matches!(p.width, Some(Nbits::Single | Nbits::Dual | Nbits::Quad));
        // 8-bit frames, each phase on 1, 2 or 4 wires (FMT.proto), single transfer rate.
        op.cmd().bytes == 1
            && (op.cmd().bytes + op.addr().bytes + op.dummy().bytes) as usize <= HEADER_MAX
            && [op.cmd(), op.addr(), op.dummy(), op.data()]
                .into_iter()
                .all(on_wire)
            && mem.default_supports_op(op)
    }

    fn exec_op(
        hw: &<Self as ControllerOps>::Data<'_>,
        mem: &spi::Mem,
        op: &MemOp,
        data: MemData<'_>,
    ) -> Result {
        let io = hw.io();
        let spi = mem.device();
        let mut buf = [0u8; HEADER_MAX];
        let header = op.header(&mut buf).ok_or(EOPNOTSUPP)?;
        let runs = header_runs(op)?;
        let data_width = op.data().width.ok_or(EOPNOTSUPP)?;
        let speed = match op.max_freq() {
            0 => spi.max_speed_hz(),
            f => f.min(spi.max_speed_hz()),
        }
        .max(1);
        let div = divider(hw.rate()?, speed);
        let depth = hw.fifo_depth();
        let engine = hw.engine(speed, Nbits::Single);

        // Each run of phases on the same number of wires goes out as transmit-only frames. The
        // frame format changes only once the transmit FIFO is empty (each chunk is waited
        // for), as between the transfers of a message.
        let send = || -> Result {
            let mut rest = header;
            for (bytes, width) in runs {
                let (now, later) = rest.split_at(bytes);
                rest = later;
                hw.set_format(io, div, frame_format(width, spi, true)?)?;
                engine.set_rate(speed, width);
                now.chunks(depth)
                    .try_for_each(|chunk| engine.send(chunk.iter().copied(), None))?;
            }
            engine.set_rate(speed, data_width);
            match data {
                MemData::None => Ok(()),
                MemData::In(rx) => {
                    hw.set_format(io, div, frame_format(data_width, spi, false)?)?;
                    rx.chunks_mut(depth).try_for_each(|chunk| {
                        engine.send(core::iter::repeat_n(0, chunk.len()), Some(chunk))
                    })
                }
                MemData::Out(tx) => {
                    hw.set_format(io, div, frame_format(data_width, spi, true)?)?;
                    tx.chunks(depth)
                        .try_for_each(|chunk| engine.send(chunk.iter().copied(), None))
                }
            }
        };

        hw.select(io, spi);
        io.write_reg(CSMODE::zeroed().with_mode(CsMode::Hold));
        let result = send();
        // Recover (after a stall, the frames left in the transmit FIFO go out) before chip
        // select is released: in AUTO mode each of them would be a command of its own to the
        // memory, and an address byte can be a command (0x06 write enable, 0xc7 chip erase).
        let len = header.len() + op.data().bytes as usize;
        let result = hw.finish(&engine, result, len, speed);
        io.write_reg(CSMODE::zeroed().with_mode(CsMode::Auto));
        result
    }
}

/// The command, address and dummy phases of `op` merged into runs of equal width, as
/// (bytes, width) pairs in wire order; empty phases left out.
fn header_runs(op: &MemOp) -> Result<impl Iterator<Item = (usize, Nbits)>> {
    let mut runs = [(0, Nbits::Single); 3];
    let mut n = 0;
    for phase in [op.cmd(), op.addr(), op.dummy()] {
        if phase.bytes == 0 {
            continue;
        }
        let width = phase.width.ok_or(EOPNOTSUPP)?;
        if n > 0 && runs[n - 1].1 == width {
            runs[n - 1].0 += phase.bytes as usize;
        } else {
            runs[n] = (phase.bytes as usize, width);
            n += 1;
        }
    }
    Ok(runs.into_iter().take(n))
}
