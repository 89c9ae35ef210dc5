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
    irq, of, platform, pm,
    prelude::*,
    spi::{self, ControllerFlags, Mode},
    str::CString,
    sync::Arc,
};

mod hw;
mod mem_op;
mod regs;

use hw::{IrqHandler, SifiveSpi, SifiveSpiOps};

/// FIFO depth when the device tree does not say.
const DEFAULT_FIFO_DEPTH: u32 = 8;
/// Idle time after which the controller's clock is gated.
const AUTOSUSPEND_DELAY: kernel::time::Delta = kernel::time::Delta::from_millis(50);

/// The driver's data for a bound platform device. The fields are dropped in order: the
/// controller is unregistered (its targets removed, which may do I/O) while the interrupt is
/// still requested, then the interrupt is freed, then the registers are unmapped.
#[pin_data]
struct SifiveSpiDevice<'bound> {
    spi: spi::Registration<'bound, SifiveSpiOps>,
    #[pin]
    irq: irq::Registration<'bound, IrqHandler<'bound>>,
    hw: Arc<SifiveSpi<'bound>>,
}

kernel::of_device_table!(
    OF_TABLE,
    <SifiveSpiDriver as platform::Driver>::IdInfo,
    [(of::DeviceId::new(c"sifive,spi0"), ())]
);

struct SifiveSpiDriver;

impl platform::Driver for SifiveSpiDriver {
    type IdInfo = ();
    type Data<'bound> = SifiveSpiDevice<'bound>;
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        _id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        let pdev: &'bound platform::Device<Bound> = pdev;
        pin_init::pin_init_scope(move || probe(pdev))
    }
}

fn probe<'bound>(
    pdev: &'bound platform::Device<Bound>,
) -> Result<impl PinInit<SifiveSpiDevice<'bound>, Error> + 'bound> {
    let dev: &'bound Device<Bound> = pdev.as_ref();
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
        .iomap_sized::<{ regs::SIZE }>()?;
    let clk = Clk::get(dev, None)?;
    let irq_num = pdev.irq_by_index(0)?.irq();
    let faults = hw::FaultNames {
        irq: CString::try_from_fmt(fmt!("{}-fail_irq", dev.name()))?,
        poll: CString::try_from_fmt(fmt!("{}-fail_poll", dev.name()))?,
        resume: CString::try_from_fmt(fmt!("{}-fail_resume", dev.name()))?,
    };
    let hw = Arc::pin_init(
        SifiveSpi::new(dev, iomem, clk, fifo_depth as usize, &faults),
        GFP_KERNEL,
    )?;
    hw.clock_on()?;
    let num_cs = hw.probe_chip_selects().inspect_err(|_| {
        dev_err!(dev, "could not detect any chip select line\n");
    })?;
    hw.power_up()?;
    let rate = hw.rate()?;
    let (min_hz, max_hz) = hw::speed_range(rate);

    let mut ctlr = spi::UnregisteredController::<SifiveSpiOps>::new(dev)?;
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

    // The interrupt is requested before the controller is registered (its targets do I/O
    // while it registers), and freed after it is unregistered: see `SifiveSpiDevice`.
    Ok(try_pin_init!(SifiveSpiDevice {
        hw: hw.clone(),
        // SAFETY: The registration is a field of the driver's bound data, which the driver
        // core drops when the device is unbound; it is never forgotten.
        irq <- unsafe {
            pdev.request_irq_by_index(
                irq::Flags::TRIGGER_NONE,
                0,
                c"spi_sifive_rs",
                Ok::<_, Error>(IrqHandler(hw.clone())),
            )
        },
        // SAFETY: As for `irq`.
        spi <- unsafe { spi::Registration::new(ctlr, Ok::<_, Error>(hw.clone())) },
        _: {
            dev_info!(
                dev,
                "registered: irq {}, {} chip select(s), fifo depth {}, clock {} Hz\n",
                irq_num,
                num_cs,
                fifo_depth,
                rate
            );
        },
    }))
}

/// Lets the core resume the controller for each run of messages, and autosuspend it after.
fn enable_runtime_pm(
    ctlr: &mut spi::UnregisteredController<'_, SifiveSpiOps>,
    dev: &Device<Bound>,
) -> Result {
    ctlr.set_auto_runtime_pm(true);
    pm::runtime::enable_autosuspend(dev, AUTOSUSPEND_DELAY)
}

/// The controller's constraints: none (receive-only transfers send zeros from the driver).
fn controller_flags() -> ControllerFlags {
    ControllerFlags::empty()
}

#[vtable]
impl pm::PlatformPmOps for SifiveSpiDriver {
    fn runtime_suspend<'a>(
        _pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice<'a>>,
    ) -> Result {
        data.hw.power_down()
    }

    fn runtime_resume<'a>(
        _pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice<'a>>,
    ) -> Result {
        data.hw.resume()
    }

    fn suspend<'a>(
        _pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice<'a>>,
        sleep: &pm::SystemSleep<'a>,
    ) -> Result {
        // Powered down with no spi-mem operation in flight (they bypass the stopped queue).
        data.spi.suspend(|| sleep.force_suspend())
    }

    fn resume<'a>(
        _pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice<'a>>,
        sleep: &pm::SystemSleep<'a>,
    ) -> Result {
        // Restart the queue even if the hardware did not come back, so clients see the errors
        // of their transfers instead of a queue stopped forever.
        let powered = sleep.force_resume();
        data.spi.resume()?;
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
