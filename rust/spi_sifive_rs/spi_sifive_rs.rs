// SPDX-License-Identifier: GPL-2.0

//! SiFive SPI controller driver (host mode).
//!
//! Hardware: the SPI controller of the FU540 (and QEMU's `sifive_u`), 8-bit frames through
//! transmit and receive FIFOs, hardware chip selects.
//!
//! The driver keeps the SPI core's fast path: no `unprepare_transfer_hardware` (the controller
//! needs nothing done when the queue runs empty; power is handled by runtime autosuspend), no
//! `prepare_transfer_hardware` (runtime resume restores the registers), and no
//! `SPI_CONTROLLER_MUST_TX` (receive-only transfers send zeros from the driver), so an idle
//! `spi_sync()` completes in the caller's context without dummy buffers.

use kernel::{
    clk::Clk,
    device::{Bound, Core, Device},
    devres::Devres,
    irq, of, platform, pm,
    prelude::*,
    spi::{self, ControllerFlags, Mode},
    str::CString,
};

mod hw;
mod mem_op;
mod regs;

use hw::SifiveSpi;

/// FIFO depth when the device tree does not say.
const DEFAULT_FIFO_DEPTH: u32 = 8;
/// Idle time after which the controller's clock is gated.
#[cfg(not(spi_sifive_rs_no_runtime_pm))]
const AUTOSUSPEND_DELAY: kernel::time::Delta = kernel::time::Delta::from_millis(50);

/// The driver's data for a bound platform device.
struct SifiveSpiDevice {
    /// The controller: unregistered (its targets removed, which may do I/O) and its interrupt
    /// freed when this data is dropped, while the registers are mapped and the device powered.
    registration: Devres<spi::Registration<SifiveSpi>>,
}

impl SifiveSpiDevice {
    /// The controller's data, for the PM callbacks.
    fn hw<'a>(&'a self, dev: &'a Device<Bound>) -> Result<&'a SifiveSpi> {
        Ok(self.registration.access(dev)?.controller().data())
    }
}

kernel::of_device_table!(
    OF_TABLE,
    <SifiveSpiDriver as platform::Driver>::IdInfo,
    [(of::DeviceId::new(c"sifive,spi0"), ())]
);

struct SifiveSpiDriver;

impl platform::Driver for SifiveSpiDriver {
    type IdInfo = ();
    type Data<'bound> = SifiveSpiDevice;
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        _id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        probe(pdev)
    }
}

fn probe(pdev: &platform::Device<Core<'_>>) -> Result<SifiveSpiDevice> {
    let dev: &Device<Bound> = pdev.as_ref();
    let node = dev.fwnode().ok_or(ENODEV)?;

    let fifo_depth = node
        .property_read::<u32>(c"sifive,fifo-depth")
        .or(DEFAULT_FIFO_DEPTH);
    if fifo_depth == 0 || fifo_depth as usize > hw::MAX_DEPTH {
        dev_err!(
            dev,
            "sifive,fifo-depth {} not in 1..={}\n",
            fifo_depth,
            hw::MAX_DEPTH
        );
        return Err(EINVAL);
    }
    if let Some(bits) = node
        .property_read::<u32>(c"sifive,max-bits-per-word")
        .optional()
    {
        if bits < 8 {
            dev_err!(
                dev,
                "sifive,max-bits-per-word {}: only 8-bit words are supported\n",
                bits
            );
            return Err(EINVAL);
        }
    }

    let iomem = pdev
        .io_request_by_index(0)
        .ok_or(ENODEV)?
        .iomap_sized::<{ regs::SIZE }>()?
        .into_devres()?;
    let clk = Clk::get(dev, None)?;
    let irq = pdev.irq_by_index(0)?;
    let faults = hw::FaultNames {
        irq: CString::try_from_fmt(fmt!("{}-fail_irq", dev.name()))?,
        poll: CString::try_from_fmt(fmt!("{}-fail_poll", dev.name()))?,
        resume: CString::try_from_fmt(fmt!("{}-fail_resume", dev.name()))?,
    };

    let mut ctlr = spi::Controller::new(
        dev,
        SifiveSpi::new(iomem, clk, fifo_depth as usize, &faults),
    )?;
    ctlr.data().clock_on()?;
    let num_cs = ctlr.data().probe_chip_selects(dev).inspect_err(|_| {
        dev_err!(dev, "could not detect any chip select line\n");
    })?;
    ctlr.data().power_up(dev)?;
    let rate = ctlr.data().rate()?;
    let (min_hz, max_hz) = hw::speed_range(rate);

    ctlr.set_num_chipselect(num_cs)
        .set_mode_bits(
            Mode::Cpha
                | Mode::Cpol
                | Mode::CsHigh
                | Mode::LsbFirst
                | Mode::TxDual
                | Mode::TxQuad
                | Mode::RxDual
                | Mode::RxQuad,
        )
        .set_bits_per_word_mask(spi::bpw_mask(8))
        .set_speed_range(min_hz, max_hz)
        .set_flags(controller_flags())
        .enable_mem_ops();
    enable_runtime_pm(&mut ctlr, dev)?;
    let irq_num = irq.irq();
    let fifo_depth = ctlr.data().fifo_depth();
    let registration = ctlr.register_with_irq(irq, irq::Flags::TRIGGER_NONE)?;
    dev_info!(
        dev,
        "registered: irq {}, {} chip select(s), fifo depth {}, clock {} Hz\n",
        irq_num,
        num_cs,
        fifo_depth,
        rate
    );
    // Benchmark variants (out-of-tree builds only): begin
    // The benchmark checks that each module it loads is the variant it claims to measure.
    #[cfg(any(
        spi_sifive_rs_must_tx,
        spi_sifive_rs_unprepare_hook,
        spi_sifive_rs_no_runtime_pm
    ))]
    dev_info!(dev, "benchmark variant: {}\n", VARIANT);
    // Benchmark variants: end
    Ok(SifiveSpiDevice { registration })
}

/// Lets the core resume the controller for each run of messages, and autosuspend it after.
#[cfg(not(spi_sifive_rs_no_runtime_pm))]
fn enable_runtime_pm(
    ctlr: &mut spi::UnregisteredController<'_, SifiveSpi>,
    dev: &Device<Bound>,
) -> Result {
    ctlr.set_auto_runtime_pm(true);
    pm::runtime::enable_autosuspend(dev, AUTOSUSPEND_DELAY)
}

/// The controller's constraints: none (receive-only transfers send zeros from the driver).
#[cfg(not(spi_sifive_rs_must_tx))]
fn controller_flags() -> ControllerFlags {
    ControllerFlags::empty()
}

// Benchmark variants (out-of-tree builds only): begin
/// Variant "nopm" (`make bench`): the controller stays powered while bound.
#[cfg(spi_sifive_rs_no_runtime_pm)]
fn enable_runtime_pm(
    _ctlr: &mut spi::UnregisteredController<'_, SifiveSpi>,
    _dev: &Device<Bound>,
) -> Result {
    Ok(())
}

/// Variant "musttx" (`make bench`): the core allocates a zeroed dummy tx buffer for every
/// message with a receive-only transfer.
#[cfg(spi_sifive_rs_must_tx)]
fn controller_flags() -> ControllerFlags {
    spi::ControllerFlag::MustTx.into()
}

/// What this build is, for its probe line.
#[cfg(any(
    spi_sifive_rs_must_tx,
    spi_sifive_rs_unprepare_hook,
    spi_sifive_rs_no_runtime_pm
))]
const VARIANT: &str = if cfg!(spi_sifive_rs_must_tx) {
    "MUST_TX"
} else if cfg!(spi_sifive_rs_unprepare_hook) {
    "unprepare hook"
} else {
    "no runtime PM"
};
// Benchmark variants: end

#[vtable]
impl pm::PlatformPmOps for SifiveSpiDriver {
    fn runtime_suspend<'a>(
        pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice>,
    ) -> Result {
        data.hw(pdev.as_ref())?.power_down(pdev.as_ref())
    }

    fn runtime_resume<'a>(
        pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice>,
    ) -> Result {
        data.hw(pdev.as_ref())?.resume(pdev.as_ref())
    }

    fn suspend<'a>(pdev: &'a platform::Device<Bound>, data: Pin<&'a SifiveSpiDevice>) -> Result {
        let registration = data.registration.access(pdev.as_ref())?;
        registration.suspend()?;
        pm::runtime::force_suspend(pdev.as_ref()).inspect_err(|_| {
            // Leave the controller usable: system sleep is aborted.
            let _ = registration.resume();
        })
    }

    fn resume<'a>(pdev: &'a platform::Device<Bound>, data: Pin<&'a SifiveSpiDevice>) -> Result {
        let registration = data.registration.access(pdev.as_ref())?;
        // Restart the queue even if the hardware did not come back, so clients see the errors
        // of their transfers instead of a queue stopped forever.
        let powered = pm::runtime::force_resume(pdev.as_ref());
        registration.resume()?;
        powered
    }
}

kernel::module_platform_driver_pm! {
    type: SifiveSpiDriver,
    name: "spi_sifive_rs",
    authors: ["Seed 9805a112 maintainers <maintainers@users.noreply.h-seed-9805a112.example>"],
    description: "SiFive SPI controller driver (Rust)",
    license: "GPL",
}
