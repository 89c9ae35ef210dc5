// SPDX-License-Identifier: GPL-2.0

//! The controller operations, for both variants of the controller data.

use crate::hw::{self, SifiveSpi};
use kernel::{
    device::{Bound, Device},
    irq::IrqReturn,
    prelude::*,
    spi,
};

/// Implements [`spi::ControllerOps`] for `SifiveSpi<$hook>`, with `$extra` operations.
macro_rules! controller_ops {
    ($hook:literal $(, $extra:item)*) => {
        #[vtable]
        impl spi::ControllerOps for SifiveSpi<$hook> {
            fn transfer_one(
                ctlr: &spi::Controller<Self>,
                spi: &spi::Device,
                xfer: &mut spi::Transfer,
                parent: &Device<Bound>,
            ) -> Result<spi::TransferStatus> {
                ctlr.data().transfer(ctlr, parent, spi, xfer)?;
                Ok(spi::TransferStatus::Done)
            }

            fn set_cs(
                ctlr: &spi::Controller<Self>,
                spi: &spi::Device,
                high: bool,
                parent: &Device<Bound>,
            ) {
                // The core asks for a line level; CSDEF holds the polarity, so go back to
                // "active".
                let active = high == (spi.mode() & spi::mode::CS_HIGH != 0);
                ctlr.data().set_cs(parent, spi, active);
            }

            fn handle_irq(ctlr: &spi::Controller<Self>, parent: &Device<Bound>) -> IrqReturn {
                let lose = crate::module_parameters::debug_lose_irq.value();
                match ctlr.data().iomem.access(parent) {
                    Ok(io) if hw::handle_irq(io, ctlr, lose) => IrqReturn::Handled,
                    _ => IrqReturn::None,
                }
            }

            $($extra)*
        }
    };
}

// The driver proper: no unprepare hook, since the hardware needs nothing done when the queue
// runs empty (power is runtime PM's job).
controller_ops!(false);

// Benchmark variant (`unprepare_hook=1`): a no-op unprepare hook, whose mere presence makes the
// core run it per message and send the idle teardown after queued traffic to the kthread.
controller_ops!(
    true,
    fn unprepare_transfer_hardware(
        _ctlr: &spi::Controller<Self>,
        _parent: &Device<Bound>,
    ) -> Result {
        Ok(())
    }
);
