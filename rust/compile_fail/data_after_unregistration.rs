// SPDX-License-Identifier: GPL-2.0
// expect: cannot move out of `reg` because it is borrowed
//! Must not compile: the driver's controller data used after its registration is dropped
//! (the controller unregistered, its data dropped).

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
        let data = reg.data();
        drop(reg); // refused
        let _still: &() = data;
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
