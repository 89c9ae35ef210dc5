// SPDX-License-Identifier: GPL-2.0

//! The controller's state, its operations and the transfer engine.

use core::cell::Cell;

use crate::regs::{
    self, CsMode, Proto, CSDEF, CSID, CSMODE, FMT, IE, IP, RXDATA, RXMARK, SCKDIV, SCKMODE, TXDATA,
};
use kernel::{
    clk::Clk,
    device::{Bound, Device},
    fault_inject::FaultAttr,
    io::{mem::IoMem, poll::read_poll_timeout, Io, IoBase, Region, RelaxedMmio},
    irq::{self, IrqReturn},
    prelude::*,
    spi::{self, Buffers, Mode, Nbits},
    str::CString,
    sync::{
        atomic::{Atomic, AtomicFlag, Relaxed},
        new_spinlock_irq, Arc, Completion, SpinLockIrq,
    },
    time::Delta,
};

/// A chunk whose wire time is at most this is polled: a sleep and wake-up would cost more.
const POLL_MAX_NS: u64 = 10_000;
/// Status reads before a polled wait starts reading the clock.
const FAST_POLLS: usize = 4;
/// Time a polled chunk gets, beyond its wire time, before the wait falls back to the interrupt.
const POLL_SLACK: Delta = Delta::from_micros(200);
/// Slack added to an interrupt-driven chunk's wire time before it counts as lost.
const IRQ_SLACK: Delta = Delta::from_millis(200);

/// The deepest FIFO the watermark registers can describe (3 bits; the FU540 has 8 entries).
pub(crate) const MAX_DEPTH: usize = 8;

pub(crate) type Regs<'a> = &'a IoMem<'a, { regs::SIZE }>;

/// The registers with relaxed accessors (`readl_relaxed`, `writel_relaxed`: no fences), for
/// the FIFO loops. Accesses to one device stay in program order without fences
/// (`Documentation/memory-barriers.txt`, "KERNEL I/O BARRIER EFFECTS"); what the fences add is
/// ordering against normal memory for DMA, and these loops move data by the CPU only. The
/// ordered accesses around them (IE, CSMODE, under the locks) keep their fences.
pub(crate) type FifoRegs<'a> = RelaxedMmio<'a, Region<{ regs::SIZE }>>;

/// The controller's operations (`kernel::spi`), on the shared [`SifiveSpi`].
pub(crate) struct SifiveSpiOps;

/// One register value the hardware holds, or unknown (after probe or resume), which forces
/// the next write.
///
/// Atomic (relaxed, a plain load or store), so that the shadow needs no lock for memory
/// safety. Its consistency with the hardware needs none either: the SPI core calls everything
/// that programs these registers (`set_cs`, `transfer_one`, `exec_op`) with the controller's
/// `io_mutex` held, one call at a time, and a runtime resume forgets the values only while
/// nothing transfers (a transfer holds a runtime PM reference). A lock would order what the
/// mutex orders already, at two lock and unlock pairs per message.
struct Cached(Atomic<u64>);

impl Cached {
    /// Not a value any register holds: the values are 32 bits wide.
    const UNKNOWN: u64 = u64::MAX;

    fn unknown() -> Self {
        Self(Atomic::new(Self::UNKNOWN))
    }

    fn get(&self) -> Option<u64> {
        Some(self.0.load(Relaxed)).filter(|&v| v != Self::UNKNOWN)
    }

    fn holds(&self, value: u64) -> bool {
        self.0.load(Relaxed) == value
    }

    fn set(&self, value: u64) {
        self.0.store(value, Relaxed);
    }

    /// Runs `write` unless the register holds `value` already, then records `value`.
    #[inline]
    fn write_if_changed(&self, value: u64, write: impl FnOnce()) {
        if !self.holds(value) {
            write();
            self.set(value);
        }
    }

    /// Runs `write` unless the register holds `value` already, then records `value` if the
    /// write succeeded: a value the register cannot hold leaves the record as it was.
    #[inline]
    fn try_write_if_changed(&self, value: u64, write: impl FnOnce() -> Result) -> Result {
        if !self.holds(value) {
            write()?;
            self.set(value);
        }
        Ok(())
    }

    fn forget(&self) {
        self.0.store(Self::UNKNOWN, Relaxed);
    }
}

/// Register values the hardware holds, so that unchanged ones are not written again.
struct Shadow {
    /// Inactive levels of the chip selects (CSDEF); unknown until read from the hardware, and
    /// kept over a resume, which writes them back.
    cs_inactive: Cached,
    /// Chip select and mode bits of the device last selected ([`selection`]).
    selected: Cached,
    sckdiv: Cached,
    fmt: Cached,
    rxmark: Cached,
}

impl Shadow {
    fn unknown() -> Self {
        Self {
            cs_inactive: Cached::unknown(),
            selected: Cached::unknown(),
            sckdiv: Cached::unknown(),
            fmt: Cached::unknown(),
            rxmark: Cached::unknown(),
        }
    }

    /// Forgets what a resume rewrites or may have lost; the chip select levels stay known.
    fn forget(&self) {
        self.selected.forget();
        self.sckdiv.forget();
        self.fmt.forget();
        self.rxmark.forget();
    }
}

/// The shadow's key for the chip select and mode bits of `spi`.
fn selection(spi: &spi::Device) -> u64 {
    (u64::from(spi.chip_select()) << 32) | u64::from(u32::from(spi.mode()))
}

/// The controller's state, shared by the SPI callbacks, the interrupt handler and the PM
/// callbacks; it borrows the platform device's binding.
#[pin_data(PinnedDrop)]
pub(crate) struct SifiveSpi<'bound> {
    dev: &'bound Device<Bound>,
    iomem: IoMem<'bound, { regs::SIZE }>,
    clk: Clk,
    /// Whether `clk` is enabled by us (runtime PM state).
    clk_on: AtomicFlag,
    fifo_depth: usize,
    shadow: Shadow,
    /// Whether a lost transfer was logged already.
    timeout_logged: AtomicFlag,
    /// The IP bits the current wait is for, 0 when nobody waits; IE is written under this
    /// lock, always, so that it holds the same bits. The interrupt line can fire again after the
    /// handler disabled it (the level is sampled late), so only a pending awaited condition
    /// completes a wait: a stray completion would end the next wait early. And a handler that
    /// took a wait's condition can never leave IE set behind it: the level-triggered line
    /// would fire with nobody to handle it.
    #[pin]
    irq_awaited: SpinLockIrq<u32>,
    /// Signalled by the interrupt handler, under `irq_awaited`, when the awaited condition is
    /// pending: once per wait.
    #[pin]
    irq_done: Completion,
    /// Fault injection: the interrupt handler drops a completion, as if the interrupt was lost
    /// (debugfs `<device>-fail_irq`; off unless configured).
    #[pin]
    fail_irq: FaultAttr,
    /// Fault injection: a polled wait runs out of its budget at once, as if the poller had
    /// been preempted for longer than that (debugfs `<device>-fail_poll`).
    #[pin]
    fail_poll: FaultAttr,
    /// Fault injection: a runtime resume fails with `EIO` before touching the hardware, as if
    /// the clock would not come on (debugfs `<device>-fail_resume`).
    #[pin]
    fail_resume: FaultAttr,
}

/// Debugfs names of the controller's fault injection points.
pub(crate) struct FaultNames {
    pub(crate) irq: CString,
    pub(crate) poll: CString,
    pub(crate) resume: CString,
}

impl<'bound> SifiveSpi<'bound> {
    pub(crate) fn new<'a>(
        dev: &'bound Device<Bound>,
        iomem: IoMem<'bound, { regs::SIZE }>,
        clk: Clk,
        fifo_depth: usize,
        faults: &'a FaultNames,
    ) -> impl PinInit<Self, Error> + 'a
    where
        'bound: 'a,
    {
        try_pin_init!(Self {
            dev,
            iomem,
            clk,
            clk_on: AtomicFlag::new(false),
            fifo_depth,
            shadow: Shadow::unknown(),
            timeout_logged: AtomicFlag::new(false),
            irq_awaited <- new_spinlock_irq!(0),
            irq_done <- Completion::new(),
            fail_irq <- FaultAttr::new(&faults.irq),
            fail_poll <- FaultAttr::new(&faults.poll),
            fail_resume <- FaultAttr::new(&faults.resume),
        })
    }

    /// Enables the clock and puts the registers in their idle state: interrupts off, FIFO
    /// watermarks, chip select delays, memory-mapped flash mode off, the saved CS levels.
    pub(crate) fn power_up(&self) -> Result {
        let io = self.io();
        self.clock_on()?;
        self.interrupts_off();
        io.write_reg(regs::TXMARK::zeroed().with_const_mark::<1>());
        io.write_reg(regs::RXMARK::zeroed());
        io.write_reg(
            regs::DELAY0::zeroed()
                .with_const_cssck::<1>()
                .with_const_sckcs::<1>(),
        );
        io.write_reg(regs::DELAY1::zeroed().with_const_intercs::<1>());
        io.write_reg(regs::FCTRL::zeroed());
        if let Some(levels) = self.shadow.cs_inactive.get() {
            io.write_reg(CSDEF::zeroed().with_levels(levels as u32));
        }
        self.shadow.forget();
        Ok(())
    }

    /// Runtime resume: [`Self::power_up`], unless fault injection fails it.
    pub(crate) fn resume(&self) -> Result {
        if self.fail_resume.should_fail(1) {
            return Err(EIO);
        }
        self.power_up()
    }

    /// The registers.
    pub(crate) fn io(&self) -> Regs<'_> {
        &self.iomem
    }

    /// The registers, for the FIFO loops ([`FifoRegs`]).
    fn fifo(&self) -> FifoRegs<'_> {
        self.io().as_view().relaxed()
    }

    /// Disables the interrupt sources, under the lock that owns IE: a waiter still counting on
    /// them is told by its timeout.
    fn interrupts_off(&self) {
        let mut awaited = self.irq_awaited.lock();
        *awaited = 0;
        self.io().write_reg(IE::zeroed());
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
    pub(crate) fn power_down(&self) -> Result {
        self.interrupts_off();
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
    pub(crate) fn probe_chip_selects(&self) -> Result<u16> {
        let io = self.io();
        let saved = io.read(CSDEF);
        io.write_reg(CSDEF::zeroed().with_levels(u32::MAX));
        let bits = io.read(CSDEF).levels().get();
        io.write_reg(saved);
        self.shadow.cs_inactive.set(saved.levels().get().into());
        if bits == 0 {
            return Err(ENODEV);
        }
        Ok((u32::BITS - bits.leading_zeros()) as u16)
    }

    /// Depth of the FIFOs, in frames.
    pub(crate) fn fifo_depth(&self) -> usize {
        self.fifo_depth
    }

    /// Input clock rate in Hz, read each time as the C driver does (the rate may change while
    /// the controller is in use).
    pub(crate) fn rate(&self) -> Result<u32> {
        u32::try_from(self.clk.rate().as_hz()).map_err(|_| EINVAL)
    }

    /// Programs chip select line, polarity and clock mode for `spi`, if another device (or
    /// another mode) was selected last.
    ///
    /// Called on chip select assertion and at each transfer: the core does not assert chip
    /// select for a message that starts with a `cs_off` transfer. Inline: on the message path
    /// it is one comparison.
    #[inline]
    pub(crate) fn select(&self, io: Regs<'_>, spi: &spi::Device) {
        let key = selection(spi);
        if self.shadow.selected.holds(key) {
            return;
        }
        let (cs, mode) = (spi.chip_select(), spi.mode());
        let bit = 1u32 << cs;
        let old = self.shadow.cs_inactive.get().map_or(u32::MAX, |v| v as u32);
        let levels = if mode.contains(Mode::CsHigh) {
            old & !bit
        } else {
            old | bit
        };
        self.shadow.cs_inactive.write_if_changed(levels.into(), || {
            io.write_reg(CSDEF::zeroed().with_levels(levels))
        });
        io.write_reg(CSID::zeroed().with_id(u32::from(cs)));
        io.write_reg(
            SCKMODE::zeroed()
                .with_pha(mode.contains(Mode::Cpha))
                .with_pol(mode.contains(Mode::Cpol)),
        );
        self.shadow.selected.set(key);
    }

    /// Drives the chip select of `spi`: asserted if `active`.
    fn set_cs(&self, spi: &spi::Device, active: bool) {
        let io = self.io();
        if active {
            self.select(io, spi);
        }
        io.write_reg(CSMODE::zeroed().with_mode(if active { CsMode::Hold } else { CsMode::Auto }));
    }

    /// Runs one transfer to completion.
    fn transfer(&self, spi: &spi::Device, xfer: &mut spi::Transfer) -> Result {
        let io = self.io();
        let rate = self.rate()?;
        let speed = xfer.speed_hz().max(1);
        let div = divider(rate, speed);
        xfer.set_effective_speed_hz(rate / (2 * (div + 1)));
        let (tx_lanes, rx_lanes) = (xfer.tx_nbits(), xfer.rx_nbits());
        let lanes = if tx_lanes.wires() >= rx_lanes.wires() {
            tx_lanes
        } else {
            rx_lanes
        };
        let buffers = xfer.buffers()?;
        let fmt = frame_format(lanes, spi, matches!(buffers, Buffers::Tx(_)))?;
        self.select(io, spi);
        self.set_format(io, div, fmt)?;
        let engine = self.engine(speed, lanes);
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
        self.finish(&engine, result, xfer.len(), speed)
    }

    /// Programs the clock divider and the frame format, skipping values the hardware holds.
    pub(crate) fn set_format(&self, io: Regs<'_>, div: u32, fmt: FMT) -> Result {
        self.shadow.sckdiv.try_write_if_changed(div.into(), || {
            io.write_reg(SCKDIV::zeroed().try_with_div(div)?);
            Ok(())
        })?;
        self.shadow
            .fmt
            .write_if_changed(fmt.into_raw().into(), || io.write_reg(fmt));
        Ok(())
    }

    /// A transfer engine for frames at `speed` Hz over `lanes` wires.
    pub(crate) fn engine(&self, speed: u32, lanes: Nbits) -> Engine<'_, 'bound> {
        Engine {
            hw: self,
            depth: self.fifo_depth,
            byte_ns: Cell::new(byte_ns(speed, lanes)),
        }
    }

    /// Ends a run of the engine: after a failure, leaves the controller usable and logs the
    /// first lost transfer. Inline: on success it is a test of `result`.
    #[inline]
    pub(crate) fn finish(
        &self,
        engine: &Engine<'_, '_>,
        result: Result,
        len: usize,
        speed: u32,
    ) -> Result {
        result.or_else(|e| self.failed(engine, e, len, speed))
    }

    /// [`Self::finish`] after a failure `e`.
    #[cold]
    fn failed(&self, engine: &Engine<'_, '_>, e: Error, len: usize, speed: u32) -> Result {
        engine.recover();
        if e == ETIMEDOUT && !self.timeout_logged.xchg(true, Relaxed) {
            dev_err!(
                self.dev,
                "transfer of {} bytes at {} Hz timed out; controller reset (logged once)\n",
                len,
                speed
            );
        }
        Err(e)
    }

    /// Handles the controller's interrupt: completes the current wait if its condition is
    /// pending.
    ///
    /// The completion is signalled under `irq_awaited`, so a waiter that gave up and took the
    /// lock knows that a signal either came already or will never come.
    fn handle_irq(&self) -> IrqReturn {
        let io = self.io();
        let mut awaited = self.irq_awaited.lock();
        if *awaited == 0 {
            return IrqReturn::None;
        }
        // Disable first, read the status after: the watermark conditions are level-triggered,
        // and a register access while they still drive the line can make the interrupt
        // controller latch a second request for this one (QEMU's PLIC does, on every
        // access), which would arrive after this handler with nothing pending.
        io.write_reg(IE::zeroed());
        if io.read(IP).into_raw() & *awaited == 0 {
            // Not ours after all: the wait goes on.
            io.write_reg(IE::from_raw(*awaited));
            return IrqReturn::None;
        }
        *awaited = 0;
        if !self.fail_irq.should_fail(1) {
            self.irq_done.complete();
        }
        IrqReturn::Handled
    }
}

/// The controller's interrupt handler: the driver's own registration, beside the SPI one.
pub(crate) struct IrqHandler<'bound>(pub(crate) Arc<SifiveSpi<'bound>>);

impl irq::Handler for IrqHandler<'_> {
    fn handle(&self) -> IrqReturn {
        self.0.handle_irq()
    }
}

#[vtable]
impl spi::ControllerOps for SifiveSpiOps {
    type Data<'bound> = Arc<SifiveSpi<'bound>>;

    fn transfer_one(hw: &Self::Data<'_>, spi: &spi::Device, xfer: &mut spi::Transfer) -> Result {
        hw.transfer(spi, xfer)
    }

    fn set_cs(hw: &Self::Data<'_>, spi: &spi::Device, high: bool) {
        // The core asks for a line level; CSDEF holds the polarity, so go back to "active".
        let active = high == spi.mode().contains(Mode::CsHigh);
        hw.set_cs(spi, active);
    }
}

#[pinned_drop]
impl PinnedDrop for SifiveSpi<'_> {
    fn drop(self: Pin<&mut Self>) {
        if self.clk_on.load(Relaxed) {
            self.clk.disable_unprepare();
        }
    }
}

/// The frame format for 8-bit frames over `lanes` wires; `tx_only` leaves the receive FIFO
/// empty (and, on two or four wires, the pins driven).
pub(crate) fn frame_format(lanes: Nbits, spi: &spi::Device, tx_only: bool) -> Result<FMT> {
    let proto = match lanes {
        Nbits::Single => Proto::Single,
        Nbits::Dual => Proto::Dual,
        Nbits::Quad => Proto::Quad,
        Nbits::Octal => return Err(EOPNOTSUPP),
    };
    Ok(FMT::zeroed()
        .with_proto(proto)
        .with_lsb_first(spi.mode().contains(Mode::LsbFirst))
        .with_tx_only(tx_only)
        .with_const_len::<8>())
}

/// Wire time of one byte in ns, for the wait bounds.
fn byte_ns(speed: u32, lanes: Nbits) -> u64 {
    8 * 1_000_000_000 / (u64::from(speed.max(1)) * u64::from(lanes.wires()))
}

/// The SCKDIV value for the fastest clock not above `speed`, given the input clock `rate`.
pub(crate) fn divider(rate: u32, speed: u32) -> u32 {
    (rate / 2)
        .div_ceil(speed)
        .saturating_sub(1)
        .min(regs::SCKDIV_MAX)
}

/// The slowest and fastest clock rates the divider can make from `rate`.
pub(crate) fn speed_range(rate: u32) -> (u32, u32) {
    (rate.div_ceil(2 * (regs::SCKDIV_MAX + 1)), rate / 2)
}

/// Moves one transfer's data through the FIFOs, one FIFO-sized chunk at a time.
pub(crate) struct Engine<'a, 'bound> {
    hw: &'a SifiveSpi<'bound>,
    depth: usize,
    byte_ns: Cell<u64>,
}

impl Engine<'_, '_> {
    fn io(&self) -> Regs<'_> {
        self.hw.io()
    }

    /// Switches to frames at `speed` Hz over `lanes` wires (the caller programs the hardware).
    pub(crate) fn set_rate(&self, speed: u32, lanes: Nbits) {
        self.byte_ns.set(byte_ns(speed, lanes));
    }

    /// Sends one chunk (at most a FIFO's worth) and, with `rx`, receives as many bytes.
    ///
    /// The FIFOs are empty when a chunk starts (the previous one was waited for), so the
    /// transmit FIFO is filled without checking its full flag.
    pub(crate) fn send(&self, tx: impl Iterator<Item = u8>, rx: Option<&mut [u8]>) -> Result {
        let fifo = self.hw.fifo();
        let mut n = 0u32;
        for byte in tx {
            fifo.write_reg(TXDATA::zeroed().with_data(byte));
            n += 1;
        }
        if n == 0 {
            return Ok(());
        }
        let wire_ns = u64::from(n) * self.byte_ns.get();
        match rx {
            Some(rx) => self.receive(rx, wire_ns),
            // TXWM (mark 1) is pending once the transmit FIFO is empty.
            None => self.wait(IE::zeroed().with_txwm(true), wire_ns),
        }
    }

    /// Receives the frames of the chunk just sent into `rx`: a short chunk is polled from
    /// RXDATA itself (its empty flag tells whether a frame came, so no status read is needed
    /// besides), the rest of a long or late one comes with the watermark interrupt.
    fn receive(&self, rx: &mut [u8], wire_ns: u64) -> Result {
        let fifo = self.hw.fifo();
        let wire = Delta::from_nanos(wire_ns as i64);
        let got = if wire_ns <= POLL_MAX_NS && !self.hw.fail_poll.should_fail(1) {
            self.receive_polled(rx, wire)
        } else {
            0
        };
        let rest = rx.get_mut(got..).unwrap_or_default();
        if rest.is_empty() {
            return Ok(());
        }
        // RXWM is pending once the receive FIFO holds more than `mark` frames.
        let mark = rest.len() as u32 - 1;
        let rxmark = &self.hw.shadow.rxmark;
        rxmark.try_write_if_changed(mark.into(), || {
            self.io().write_reg(RXMARK::zeroed().try_with_mark(mark)?);
            Ok(())
        })?;
        self.wait_irq(IE::zeroed().with_rxwm(true), wire)?;
        for byte in rest.iter_mut() {
            *byte = fifo.read(RXDATA).data().get() as u8;
        }
        Ok(())
    }

    /// Reads frames into `rx` as they arrive, for at most twice the wire time plus
    /// [`POLL_SLACK`]; returns how many came.
    fn receive_polled(&self, rx: &mut [u8], wire: Delta) -> usize {
        let fifo = self.hw.fifo();
        let mut got = 0;
        // Most frames are there by the time they are read: a few empty reads are allowed
        // before paying for clock reads in the bounded poll.
        let mut empty_reads = 0;
        while got < rx.len() && empty_reads < FAST_POLLS {
            if !read_frame(fifo, rx, &mut got) {
                empty_reads += 1;
            }
        }
        if got < rx.len() {
            let budget = Delta::from_nanos(2 * wire.as_nanos() + POLL_SLACK.as_nanos());
            let len = rx.len();
            // The budget can run out on a healthy controller (the poller was preempted or
            // interrupted for longer): the interrupt wait that follows, with its own bound,
            // decides.
            let _ = read_poll_timeout(
                || {
                    read_frame(fifo, rx, &mut got);
                    Ok(got)
                },
                |&n| n == len,
                Delta::ZERO,
                budget,
            );
        }
        got
    }

    /// Waits until the interrupt condition `cond` is pending: polls short chunks, sleeps on
    /// the interrupt for long ones. Bounded either way.
    fn wait(&self, cond: IE, wire_ns: u64) -> Result {
        let want = cond.into_raw();
        let wire = Delta::from_nanos(wire_ns as i64);
        if wire_ns <= POLL_MAX_NS && !self.hw.fail_poll.should_fail(1) {
            // Most chunks are done by the time they are checked: try a few status reads
            // before paying for clock reads in the bounded poll.
            let fifo = self.hw.fifo();
            for _ in 0..FAST_POLLS {
                if fifo.read(IP).into_raw() & want != 0 {
                    return Ok(());
                }
            }
            let budget = Delta::from_nanos(2 * wire.as_nanos() + POLL_SLACK.as_nanos());
            let polled = read_poll_timeout(
                || Ok(fifo.read(IP).into_raw()),
                |ip| ip & want != 0,
                Delta::ZERO,
                budget,
            );
            // The budget can run out on a healthy controller (the poller was preempted or
            // interrupted for longer): the interrupt wait below, with its own bound, decides.
            if polled.is_ok() {
                return Ok(());
            }
        }
        self.wait_irq(cond, wire)
    }

    /// Sleeps until the interrupt handler sees `cond` pending, for at most the wire time plus
    /// [`IRQ_SLACK`].
    fn wait_irq(&self, cond: IE, wire: Delta) -> Result {
        let hw = self.hw;
        {
            let mut awaited = hw.irq_awaited.lock();
            *awaited = cond.into_raw();
            self.io().write_reg(cond);
        }
        let timeout = Delta::from_nanos(2 * wire.as_nanos() + IRQ_SLACK.as_nanos());
        let result = hw.irq_done.wait_for_completion_timeout(timeout);
        if result.is_err() {
            // Nobody waits any more (after a wake-up, the handler has done this already). The
            // handler signals under the same lock: once it is ours, a signal that raced with
            // the timeout has come, and is taken back so it cannot end the next wait early.
            hw.interrupts_off();
            hw.irq_done.try_wait_for_completion();
        }
        result
    }

    /// Leaves the controller usable after a failed chunk: interrupts off, frames still in the
    /// transmit FIFO sent, the receive FIFO drained (a late frame would shift later reads).
    fn recover(&self) {
        self.hw.interrupts_off();
        let drain = Delta::from_nanos(
            (self.depth as u64 * self.byte_ns.get() + POLL_SLACK.as_nanos() as u64) as i64,
        );
        // TXWM (mark 1): the transmit FIFO is empty. If it never empties, the hardware is
        // gone and the drain below is as good as anything.
        let _ = read_poll_timeout(
            || Ok(self.io().read(IP)),
            |ip| ip.txwm(),
            Delta::ZERO,
            drain,
        );
        for _ in 0..=self.depth {
            if self.io().read(RXDATA).empty() {
                break;
            }
        }
    }
}

/// Reads RXDATA once: a frame that came is stored at `rx[*got]`, counted, and `true` returned.
/// With `rx` full already, RXDATA is left alone and `false` returned.
fn read_frame(fifo: FifoRegs<'_>, rx: &mut [u8], got: &mut usize) -> bool {
    let Some(slot) = rx.get_mut(*got) else {
        return false;
    };
    let frame = fifo.read(RXDATA);
    if frame.empty() {
        return false;
    }
    *slot = frame.data().get() as u8;
    *got += 1;
    true
}
