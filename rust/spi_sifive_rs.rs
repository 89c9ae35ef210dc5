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
    spi,
    sync::aref::ARef,
    time::Delta,
};

#[path = "spi_sifive_rs/hw.rs"]
mod hw;
#[path = "spi_sifive_rs/ops.rs"]
mod ops;
#[path = "spi_sifive_rs/regs.rs"]
mod regs;

use hw::SifiveSpi;

/// FIFO depth when the device tree does not say.
const DEFAULT_FIFO_DEPTH: u32 = 8;
/// Idle time after which the controller's clock is gated.
const AUTOSUSPEND_DELAY: Delta = Delta::from_millis(50);

/// The registered controller, in the variant chosen at load time.
enum Registered {
    Plain(ARef<spi::Controller<SifiveSpi<false>>>),
    WithUnprepareHook(ARef<spi::Controller<SifiveSpi<true>>>),
}

/// Evaluates `$body` with `$c` bound to the controller, whichever its variant.
macro_rules! with_ctlr {
    ($registered:expr, $c:ident => $body:expr) => {
        match $registered {
            Registered::Plain($c) => $body,
            Registered::WithUnprepareHook($c) => $body,
        }
    };
}

/// The driver's data for a bound platform device.
struct SifiveSpiDevice {
    ctlr: Registered,
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
        probe(pdev).inspect_err(|e| {
            dev_err!(pdev.as_ref(), "probe failed: {:?}\n", e);
        })
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
    let depth = fifo_depth as usize;
    let ctlr = if module_parameters::unprepare_hook.value() {
        Registered::WithUnprepareHook(register(dev, SifiveSpi::new(iomem, clk, depth), irq)?)
    } else {
        Registered::Plain(register(dev, SifiveSpi::new(iomem, clk, depth), irq)?)
    };
    Ok(SifiveSpiDevice { ctlr })
}

/// Sets up and registers the controller with the hardware state `hw`.
fn register<const U: bool>(
    dev: &Device<Bound>,
    hw: impl PinInit<SifiveSpi<U>, Error>,
    irq: irq::IrqRequest<'_>,
) -> Result<ARef<spi::Controller<SifiveSpi<U>>>>
where
    SifiveSpi<U>: spi::ControllerOps,
{
    let mut ctlr = spi::Controller::new(dev, hw)?;
    ctlr.data().clock_on()?;
    let num_cs = ctlr.data().probe_chip_selects(dev).inspect_err(|_| {
        dev_err!(dev, "could not detect any chip select line\n");
    })?;
    ctlr.data().power_up(dev)?;
    let rate = ctlr.data().rate();

    let flags = if module_parameters::must_tx.value() {
        spi::flags::MUST_TX
    } else {
        0
    };
    ctlr.set_num_chipselect(num_cs)
        .set_mode_bits(
            spi::mode::CPHA
                | spi::mode::CPOL
                | spi::mode::CS_HIGH
                | spi::mode::LSB_FIRST
                | spi::mode::TX_DUAL
                | spi::mode::TX_QUAD
                | spi::mode::RX_DUAL
                | spi::mode::RX_QUAD,
        )
        .set_bits_per_word_mask(spi::bpw_mask(8))
        .set_speed_range(rate.div_ceil(2 * 4096), rate / 2)
        .set_flags(flags)
        .set_auto_runtime_pm(true);

    pm::runtime::enable_autosuspend(dev, AUTOSUSPEND_DELAY)?;
    let irq_num = irq.irq();
    let ctlr = ctlr.register_with_irq(irq, irq::Flags::TRIGGER_NONE)?;
    if module_parameters::debug_lose_irq.value() {
        dev_warn!(
            dev,
            "test knob debug_lose_irq set: the first interrupt will be dropped\n"
        );
    }
    let must_tx = if flags != 0 { ", MUST_TX" } else { "" };
    let hook = if U { ", unprepare hook" } else { "" };
    dev_info!(
        dev,
        "registered: irq {}, {} chip select(s), fifo depth {}, clock {} Hz{}{}\n",
        irq_num,
        num_cs,
        fifo_depth_of(&ctlr),
        rate,
        must_tx,
        hook
    );
    Ok(ctlr)
}

fn fifo_depth_of<const U: bool>(ctlr: &spi::Controller<SifiveSpi<U>>) -> usize
where
    SifiveSpi<U>: spi::ControllerOps,
{
    ctlr.data().fifo_depth()
}

#[vtable]
impl pm::PlatformPmOps for SifiveSpiDriver {
    fn runtime_suspend<'a>(
        pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice>,
    ) -> Result {
        with_ctlr!(&data.ctlr, c => c.data().power_down(pdev.as_ref()))
    }

    fn runtime_resume<'a>(
        pdev: &'a platform::Device<Bound>,
        data: Pin<&'a SifiveSpiDevice>,
    ) -> Result {
        with_ctlr!(&data.ctlr, c => c.data().power_up(pdev.as_ref()))
    }

    fn suspend<'a>(pdev: &'a platform::Device<Bound>, data: Pin<&'a SifiveSpiDevice>) -> Result {
        with_ctlr!(&data.ctlr, c => {
            c.suspend()?;
            pm::runtime::force_suspend(pdev.as_ref()).inspect_err(|_| {
                let _ = c.resume();
            })
        })
    }

    fn resume<'a>(pdev: &'a platform::Device<Bound>, data: Pin<&'a SifiveSpiDevice>) -> Result {
        pm::runtime::force_resume(pdev.as_ref())?;
        with_ctlr!(&data.ctlr, c => c.resume())
    }
}

kernel::module_platform_driver_pm! {
    type: SifiveSpiDriver,
    name: "spi_sifive_rs",
    authors: ["spi-sifive-rs developers"],
    description: "SiFive SPI controller driver (Rust)",
    license: "GPL",
    params: {
        must_tx: bool {
            default: false,
            description: "Benchmark only: set SPI_CONTROLLER_MUST_TX, so the core allocates a dummy tx buffer for every rx-only message",
        },
        unprepare_hook: bool {
            default: false,
            description: "Benchmark only: add a (no-op) unprepare_transfer_hardware hook, to show what it costs",
        },
        debug_lose_irq: bool {
            default: false,
            description: "Test only: drop the completion of the first interrupt, to exercise the transfer timeout",
        },
    },
}
