// SPDX-License-Identifier: GPL-2.0
// expect: lifetime may not live long enough|borrowed data escapes|does not live long enough
//! Must not compile: a controller registration kept past the binding it borrows from (here,
//! leaked to `'static`). Its callbacks would reach data whose borrows have ended.

use kernel::{
    device::Core,
    of, platform,
    prelude::*,
    spi::{self, Registration, UnregisteredController},
};

struct CaseOps;

#[vtable]
impl spi::ControllerOps for CaseOps {
    type Data<'bound> = ();

    fn transfer_one(_data: &(), _spi: &spi::Device, _xfer: &mut spi::Transfer) -> Result {
        Ok(())
    }
}

/// Stands for any place that outlives the binding: a static, a leaked box, a work item.
fn keep_forever(reg: Registration<'static, CaseOps>) {
    if let Ok(boxed) = KBox::new(reg, GFP_KERNEL) {
        KBox::leak(boxed);
    }
}

struct CaseDriver;

kernel::of_device_table!(
    OF_TABLE,
    <CaseDriver as platform::Driver>::IdInfo,
    [(of::DeviceId::new(c"test,none"), ())]
);

impl platform::Driver for CaseDriver {
    type IdInfo = ();
    type Data<'bound> = ();
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = Some(&OF_TABLE);

    fn probe<'bound>(
        pdev: &'bound platform::Device<Core<'_>>,
        _id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        let ctlr = UnregisteredController::<CaseOps>::new(pdev.as_ref())?;
        // SAFETY: (the point of this case is the next line)
        let reg = unsafe { Registration::new(ctlr, Ok::<_, Error>(())) }?;
        keep_forever(reg); // refused
        Ok(())
    }
}

kernel::module_platform_driver! {
    type: CaseDriver,
    name: "compile_fail_case",
    authors: ["Seed 9805a112 maintainers <maintainers@users.noreply.h-seed-9805a112.example>"],
    description: "must not compile",
    license: "GPL",
}
