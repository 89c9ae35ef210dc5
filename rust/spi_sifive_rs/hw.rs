// SPDX-License-Identifier: GPL-2.0

//! The controller's state and the transfer engine.

use core::cell::Cell;

use crate::regs::{
    self, CSDEF, CSID, CSMODE, FMT, IE, IP, RXDATA, RXMARK, SCKDIV, SCKMODE, TXDATA,
};
use kernel::{
    clk::Clk,
    device::{Bound, Device},
    io::{
        mem::{DevresIoMem, IoMem},
        poll::read_poll_timeout,
        Io,
    },
    prelude::*,
    spi::{self, Buffers},
    sync::{
        atomic::{Atomic, AtomicFlag, Relaxed},
        SpinLock,
    },
    time::Delta,
};

/// A chunk whose wire time is at most this is polled: a sleep and wake-up would cost more.
const POLL_MAX_NS: u64 = 10_000;
/// Status reads before a polled wait starts reading the clock.
const FAST_POLLS: usize = 4;
/// Slack added to a polled chunk's wire time before it counts as lost.
const POLL_SLACK: Delta = Delta::from_micros(200);
/// Slack added to an interrupt-driven chunk's wire time before it counts as lost.
const IRQ_SLACK: Delta = Delta::from_millis(200);

type Regs<'a> = &'a IoMem<'a, { regs::SIZE }>;

/// Register values the hardware holds, so that unchanged ones are not written again.
///
/// `None` means unknown (after probe or resume), forcing the next write.
#[derive(Clone, Copy, Default)]
struct Shadow {
    /// Inactive levels of the chip selects (CSDEF); `None` until read from the hardware.
    cs_inactive: Option<u32>,
    /// Chip select and mode bits of the device last selected.
    selected: Option<(u8, u32)>,
    sckdiv: Option<u32>,
    fmt: Option<u32>,
    rxmark: Option<u32>,
}

/// The driver's controller data.
#[pin_data(PinnedDrop)]
pub(crate) struct SifiveSpi<const UNPREPARE_HOOK: bool> {
    pub(crate) iomem: DevresIoMem<{ regs::SIZE }>,
    clk: Clk,
    /// Whether `clk` is enabled by us (runtime PM state).
    clk_on: AtomicFlag,
    /// Input clock rate, in Hz, read when the clock is enabled.
    rate: Atomic<u32>,
    fifo_depth: usize,
    #[pin]
    shadow: SpinLock<Shadow>,
    /// Whether a lost transfer was logged already.
    timeout_logged: AtomicFlag,
    /// Whether the test knob `debug_lose_irq` has dropped its interrupt.
    irq_lost: AtomicFlag,
    /// The IP bits the current wait is for, 0 when nobody waits. The interrupt line can fire
    /// again after the handler disabled it (the level is sampled late), so only a pending
    /// awaited condition completes a wait: a stray completion would end the next wait early.
    irq_awaited: Atomic<u32>,
}

impl<const U: bool> SifiveSpi<U>
where
    Self: spi::ControllerOps,
{
    pub(crate) fn new(
        iomem: DevresIoMem<{ regs::SIZE }>,
        clk: Clk,
        fifo_depth: usize,
    ) -> impl PinInit<Self, Error> {
        try_pin_init!(Self {
            iomem,
            clk,
            clk_on: AtomicFlag::new(false),
            rate: Atomic::new(0),
            fifo_depth,
            shadow <- kernel::new_spinlock!(Shadow::default()),
            timeout_logged: AtomicFlag::new(false),
            irq_lost: AtomicFlag::new(false),
            irq_awaited: Atomic::new(0),
        })
    }

    /// Enables the clock and puts the registers in their idle state: interrupts off, FIFO
    /// watermarks, chip select delays, memory-mapped flash mode off, the saved CS levels.
    pub(crate) fn power_up(&self, dev: &Device<Bound>) -> Result {
        let io = self.iomem.access(dev)?;
        self.clock_on()?;
        let rate = u32::try_from(self.clk.rate().as_hz()).map_err(|_| EINVAL)?;
        self.rate.store(rate, Relaxed);
        io.write_reg(IE::zeroed());
        io.write_reg(regs::TXMARK::zeroed().with_const_mark::<1>());
        io.write_reg(regs::RXMARK::zeroed());
        io.write_reg(
            regs::DELAY0::zeroed()
                .with_const_cssck::<1>()
                .with_const_sckcs::<1>(),
        );
        io.write_reg(regs::DELAY1::zeroed().with_const_intercs::<1>());
        io.write_reg(regs::FCTRL::zeroed());
        let mut shadow = self.shadow.lock();
        if let Some(levels) = shadow.cs_inactive {
            io.write_reg(CSDEF::zeroed().with_levels(levels));
        }
        *shadow = Shadow {
            cs_inactive: shadow.cs_inactive,
            ..Shadow::default()
        };
        Ok(())
    }

    /// Enables the clock, if it is not on already.
    pub(crate) fn clock_on(&self) -> Result {
        if !self.clk_on.load(Relaxed) {
            self.clk.prepare_enable()?;
            self.clk_on.store(true, Relaxed);
        }
        Ok(())
    }

    /// Gates the clock (runtime suspend). Registers are restored by [`Self::power_up`].
    pub(crate) fn power_down(&self, dev: &Device<Bound>) -> Result {
        self.iomem.access(dev)?.write_reg(IE::zeroed());
        if self.clk_on.load(Relaxed) {
            self.clk.disable_unprepare();
            self.clk_on.store(false, Relaxed);
        }
        Ok(())
    }

    /// Counts the chip select lines: the CSDEF bits that can be set.
    ///
    /// Must run before anything else writes CSDEF: its reset value (all lines inactive high)
    /// is kept as the inactive levels, and some implementations (QEMU's) ignore writes with
    /// bits beyond the existing lines, so the reset value is all that can be read back then.
    pub(crate) fn probe_chip_selects(&self, dev: &Device<Bound>) -> Result<u16> {
        let io = self.iomem.access(dev)?;
        let saved = io.read(CSDEF);
        io.write_reg(CSDEF::zeroed().with_levels(u32::MAX));
        let bits = io.read(CSDEF).levels().get();
        io.write_reg(saved);
        self.shadow.lock().cs_inactive = Some(saved.levels().get());
        if bits == 0 {
            return Err(ENODEV);
        }
        Ok((u32::BITS - bits.leading_zeros()) as u16)
    }

    /// Depth of the FIFOs, in frames.
    pub(crate) fn fifo_depth(&self) -> usize {
        self.fifo_depth
    }

    /// Input clock rate in Hz.
    pub(crate) fn rate(&self) -> u32 {
        self.rate.load(Relaxed)
    }

    /// Drives the chip select of `spi`: asserted if `active`.
    ///
    /// The device's chip select, polarity and clock mode are programmed on assertion, and only
    /// when they differ from the last device's.
    pub(crate) fn set_cs(&self, dev: &Device<Bound>, spi: &spi::Device, active: bool) {
        let Ok(io) = self.iomem.access(dev) else {
            return;
        };
        if active {
            let (cs, mode) = (spi.chip_select(), spi.mode());
            let mut shadow = self.shadow.lock();
            if shadow.selected != Some((cs, mode)) {
                let bit = 1u32 << cs;
                let old = shadow.cs_inactive.unwrap_or(u32::MAX);
                let levels = if mode & spi::mode::CS_HIGH != 0 {
                    old & !bit
                } else {
                    old | bit
                };
                if shadow.cs_inactive != Some(levels) {
                    io.write_reg(CSDEF::zeroed().with_levels(levels));
                    shadow.cs_inactive = Some(levels);
                }
                io.write_reg(CSID::zeroed().with_id(u32::from(cs)));
                io.write_reg(
                    SCKMODE::zeroed()
                        .with_pha(mode & spi::mode::CPHA != 0)
                        .with_pol(mode & spi::mode::CPOL != 0),
                );
                shadow.selected = Some((cs, mode));
            }
        }
        io.write_reg(if active {
            CSMODE::zeroed().with_const_mode::<{ regs::CSMODE_HOLD }>()
        } else {
            CSMODE::zeroed().with_const_mode::<{ regs::CSMODE_AUTO }>()
        });
    }

    /// Runs one transfer to completion.
    pub(crate) fn transfer(
        &self,
        ctlr: &spi::Controller<Self>,
        dev: &Device<Bound>,
        spi: &spi::Device,
        xfer: &mut spi::Transfer,
    ) -> Result {
        let io = self.iomem.access(dev)?;
        let speed = xfer.speed_hz().max(1);
        let lanes = xfer.tx_nbits().max(xfer.rx_nbits()).max(1);
        let div = self.divider(speed);
        xfer.set_effective_speed_hz(self.rate() / (2 * (div + 1)));
        let lsb_first = spi.mode() & spi::mode::LSB_FIRST != 0;
        let buffers = xfer.buffers()?;
        let tx_only = matches!(buffers, Buffers::Tx(_));
        let fmt = match lanes {
            spi::nbits::QUAD => FMT::zeroed().with_const_proto::<2>(),
            spi::nbits::DUAL => FMT::zeroed().with_const_proto::<1>(),
            _ => FMT::zeroed(),
        };
        let fmt = fmt
            .with_lsb_first(lsb_first)
            .with_tx_only(tx_only)
            .with_const_len::<8>();
        {
            let mut shadow = self.shadow.lock();
            if shadow.sckdiv != Some(div) {
                io.write_reg(SCKDIV::zeroed().try_with_div(div)?);
                shadow.sckdiv = Some(div);
            }
            if shadow.fmt != Some(fmt.into_raw()) {
                io.write_reg(fmt);
                shadow.fmt = Some(fmt.into_raw());
            }
        }

        // Wire time of one byte, in ns, for the wait bounds.
        let byte_ns = 8 * 1_000_000_000 / (u64::from(speed) * u64::from(lanes));
        let engine = Engine {
            io,
            ctlr,
            depth: self.fifo_depth,
            byte_ns,
            rxmark: Cell::new(self.shadow.lock().rxmark),
        };
        let result = match buffers {
            Buffers::None => Ok(()),
            Buffers::Tx(tx) => tx
                .chunks(self.fifo_depth)
                .try_for_each(|chunk| engine.send(chunk.iter().copied(), None)),
            Buffers::Rx(rx) => rx.chunks_mut(self.fifo_depth).try_for_each(|chunk| {
                engine.send(core::iter::repeat_n(0, chunk.len()), Some(chunk))
            }),
            Buffers::Duplex { tx, rx } => tx
                .chunks(self.fifo_depth)
                .zip(rx.chunks_mut(self.fifo_depth))
                .try_for_each(|(t, r)| engine.send(t.iter().copied(), Some(r))),
            Buffers::InPlace(buf) => buf.chunks_mut(self.fifo_depth).try_for_each(|chunk| {
                let out: [u8; MAX_DEPTH] =
                    core::array::from_fn(|i| chunk.get(i).copied().unwrap_or(0));
                let n = chunk.len();
                engine.send(out.into_iter().take(n), Some(chunk))
            }),
        };
        self.shadow.lock().rxmark = engine.rxmark.get();
        if let Err(e) = result {
            engine.recover();
            if e == ETIMEDOUT && !self.timeout_logged.xchg(true, Relaxed) {
                dev_err!(
                    dev,
                    "transfer of {} bytes at {} Hz timed out; controller reset (logged once)\n",
                    xfer.len(),
                    speed
                );
            }
            return Err(e);
        }
        Ok(())
    }

    /// The SCKDIV value for the fastest clock not above `speed`.
    fn divider(&self, speed: u32) -> u32 {
        let half = self.rate() / 2;
        half.div_ceil(speed).saturating_sub(1).min(0xfff)
    }
}

#[pinned_drop]
impl<const U: bool> PinnedDrop for SifiveSpi<U> {
    fn drop(self: Pin<&mut Self>) {
        if self.clk_on.load(Relaxed) {
            self.clk.disable_unprepare();
        }
    }
}

/// The deepest FIFO the watermark registers can describe (3 bits; the FU540 has 8 entries).
pub(crate) const MAX_DEPTH: usize = 8;

/// Moves one transfer's data through the FIFOs, one FIFO-sized chunk at a time.
struct Engine<'a, const U: bool>
where
    SifiveSpi<U>: spi::ControllerOps,
{
    io: Regs<'a>,
    ctlr: &'a spi::Controller<SifiveSpi<U>>,
    depth: usize,
    byte_ns: u64,
    /// RXMARK as the hardware holds it (full chunks all use the same one).
    rxmark: Cell<Option<u32>>,
}

impl<const U: bool> Engine<'_, U>
where
    SifiveSpi<U>: spi::ControllerOps,
{
    /// Sends one chunk (at most a FIFO's worth) and, with `rx`, receives as many bytes.
    ///
    /// The FIFOs are empty when a chunk starts (the previous one was waited for), so the
    /// transmit FIFO is filled without checking its full flag.
    fn send(&self, tx: impl Iterator<Item = u8>, rx: Option<&mut [u8]>) -> Result {
        let mut n = 0u32;
        for byte in tx {
            self.io.write_reg(TXDATA::zeroed().with_data(byte));
            n += 1;
        }
        if n == 0 {
            return Ok(());
        }
        let wire_ns = u64::from(n) * self.byte_ns;
        match rx {
            Some(rx) => {
                // RXWM is pending once the receive FIFO holds more than `n - 1` frames.
                if self.rxmark.get() != Some(n - 1) {
                    self.io.write_reg(RXMARK::zeroed().try_with_mark(n - 1)?);
                    self.rxmark.set(Some(n - 1));
                }
                self.wait(IE::zeroed().with_rxwm(true), wire_ns)?;
                for byte in rx.iter_mut() {
                    *byte = self.io.read(RXDATA).data().get() as u8;
                }
            }
            // TXWM (mark 1) is pending once the transmit FIFO is empty.
            None => self.wait(IE::zeroed().with_txwm(true), wire_ns)?,
        }
        Ok(())
    }

    /// Waits until the interrupt condition `cond` is pending: polls short chunks, sleeps on
    /// the interrupt for long ones. Bounded either way.
    fn wait(&self, cond: IE, wire_ns: u64) -> Result {
        let want = cond.into_raw();
        let wire = Delta::from_nanos(wire_ns as i64);
        if wire_ns <= POLL_MAX_NS {
            // Most chunks are done by the time they are checked: try a few status reads
            // before paying for clock reads in the bounded poll.
            for _ in 0..FAST_POLLS {
                if self.io.read(IP).into_raw() & want != 0 {
                    return Ok(());
                }
            }
            let timeout = Delta::from_nanos(2 * wire.as_nanos() + POLL_SLACK.as_nanos());
            return read_poll_timeout(
                || Ok(self.io.read(IP).into_raw()),
                |ip| ip & want != 0,
                Delta::ZERO,
                timeout,
            )
            .map(|_| ());
        }
        self.ctlr.data().irq_awaited.store(want, Relaxed);
        self.io.write_reg(cond);
        let timeout = Delta::from_nanos(2 * wire.as_nanos() + IRQ_SLACK.as_nanos());
        let result = self.ctlr.wait_transfer_done(timeout);
        if result.is_err() {
            self.io.write_reg(IE::zeroed());
            self.ctlr.data().irq_awaited.store(0, Relaxed);
            self.ctlr.synchronize_irq();
        }
        result
    }

    /// Leaves the controller usable after a failed chunk: interrupts off, receive FIFO empty.
    fn recover(&self) {
        self.io.write_reg(IE::zeroed());
        for _ in 0..=self.depth {
            if self.io.read(RXDATA).empty() {
                break;
            }
        }
    }
}

/// Handles the controller's interrupt: completes the current wait if its condition is pending.
///
/// With `lose_first` (a test knob), the first interrupt's completion is dropped, as if the
/// interrupt had been lost, so the waiter's timeout path runs.
pub(crate) fn handle_irq<const U: bool>(
    io: Regs<'_>,
    ctlr: &spi::Controller<SifiveSpi<U>>,
    lose_first: bool,
) -> bool
where
    SifiveSpi<U>: spi::ControllerOps,
{
    let hw = ctlr.data();
    let awaited = hw.irq_awaited.load(Relaxed);
    if awaited == 0 || io.read(IP).into_raw() & awaited == 0 {
        return false;
    }
    hw.irq_awaited.store(0, Relaxed);
    // Disable until the next wait: the watermark conditions are level-triggered.
    io.write_reg(IE::zeroed());
    if lose_first && !hw.irq_lost.xchg(true, Relaxed) {
        return true;
    }
    ctlr.finalize_current_transfer();
    true
}
