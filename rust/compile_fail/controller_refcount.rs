// SPDX-License-Identifier: GPL-2.0
// expect: unresolved import `kernel::spi::Controller`|no `Controller` in `spi`
//! Must not compile: a counted reference to a controller, through which its driver data could
//! be reached after unregistration. The controller is not a public type any more: drivers
//! reach their data only as the callbacks' argument, and clients only hold devices.

use kernel::prelude::*;
use kernel::{spi::Controller, sync::aref::ARef}; // refused

struct Module;

impl kernel::Module for Module {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let _kept: Option<ARef<Controller>> = None; // refused
        Ok(Module)
    }
}

module! {
    type: Module,
    name: "compile_fail_case",
    authors: ["Seed 9805a112 maintainers <maintainers@users.noreply.h-seed-9805a112.example>"],
    description: "must not compile",
    license: "GPL",
}
