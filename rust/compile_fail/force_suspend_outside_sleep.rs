// SPDX-License-Identifier: GPL-2.0
// expect: E0451|private field
//! Must not compile: forcing a runtime suspend from anywhere but a system sleep callback. It
//! calls the driver's runtime callback past the usage count that keeps it away from the
//! driver's data at unbind; only the system sleep callbacks, which run under the device lock,
//! get the `SystemSleep` that can force it.

use kernel::prelude::*;
use kernel::{device::Bound, platform};

#[allow(dead_code)]
fn force(pdev: &platform::Device<Bound>) -> Result {
    let _ = pdev;
    let sleep = kernel::pm::SystemSleep { dev: pdev.as_ref() }; // refused
    sleep.force_suspend()?; // refused
    Ok(())
}

struct Module;

impl kernel::Module for Module {
    fn init(_module: &'static ThisModule) -> Result<Self> {
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
