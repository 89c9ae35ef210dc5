// SPDX-License-Identifier: GPL-2.0

//! Rust SPI target driver sample.
//!
//! When it binds, the sample sends the JEDEC READ ID command (0x9f) to its device and logs the
//! three bytes that come back, which an SPI NOR flash fills with its id: with
//! [`spi::Device::write_then_read`], then with an [`spi::OwnedMessage`] of two transfers, a
//! message the driver builds and owns, optimized once, sent synchronously and then again
//! asynchronously.

use kernel::{
    device::Core,
    of,
    prelude::*,
    spi,
    sync::{
        Arc,
        Completion, //
    },
};

const READ_ID: u8 = 0x9f;

struct SampleDriver;

kernel::spi_device_table!(
    SPI_TABLE,
    <SampleDriver as spi::Driver>::IdInfo,
    [(spi::DeviceId::new(c"rust_driver_spi"), ())]
);

kernel::of_device_table!(
    OF_TABLE,
    <SampleDriver as spi::Driver>::IdInfo,
    [(of::DeviceId::new(c"test,rust_driver_spi"), ())]
);

impl spi::Driver for SampleDriver {
    type IdInfo = ();
    type Data<'bound> = Self;

    const SPI_ID_TABLE: Option<spi::IdTable<Self::IdInfo>> = Some(&SPI_TABLE);
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        spi: &'bound spi::Device<Core<'_>>,
        _info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self, Error> + 'bound {
        read_id(spi).map(|()| Self)
    }

    fn unbind<'bound>(spi: &'bound spi::Device<Core<'_>>, _this: Pin<&Self>) {
        dev_info!(spi.as_ref(), "Unbind Rust SPI driver sample.\n");
    }
}

fn read_id(spi: &spi::Device<Core<'_>>) -> Result {
    let dev = spi.as_ref();

    let mut id = [0u8; 3];
    spi.write_then_read(&[READ_ID], &mut id)?;
    dev_info!(dev, "write_then_read: id {:02x?}\n", id);

    let done = Arc::pin_init(Completion::new(), GFP_KERNEL)?;
    let mut msg = spi::MessageBuilder::new(spi.into(), done.clone(), GFP_KERNEL)
        .write(&[READ_ID])?
        .read(id.len())?
        .build()?;
    msg.as_mut().optimize()?;
    msg.as_mut().sync()?;
    dev_info!(dev, "spi_sync: id {:02x?}\n", msg.rx(1).unwrap_or_default());

    // The same message again, without waiting for it: `async_done` gets it back. The module is
    // held while the message is in flight, so `async_done` stays loaded.
    let module = <LocalModule as kernel::ModuleMetadata>::THIS_MODULE;
    msg.submit(async_done, &module).map_err(|(e, _)| e)?;
    done.wait_for_completion();

    Ok(())
}

/// Gets the message back once it is done, on the system workqueue.
fn async_done(msg: Pin<KBox<spi::OwnedMessage<Arc<Completion>>>>) {
    dev_info!(
        msg.device().as_ref(),
        "spi_async: id {:02x?}, {:?}\n",
        msg.rx(1).unwrap_or_default(),
        msg.status()
    );
    let done = msg.data.clone();
    drop(msg);
    done.complete_all();
}

kernel::module_spi_driver! {
    type: SampleDriver,
    name: "rust_driver_spi",
    authors: ["Seed 9805a112 maintainers <maintainers@users.noreply.h-seed-9805a112.example>"],
    description: "Rust SPI driver sample",
    license: "GPL v2",
}
