// SPDX-License-Identifier: GPL-2.0

//! SiFive SPI controller driver (placeholder until the driver lands).

use kernel::prelude::*;

module! {
    type: SpiSifiveRs,
    name: "spi_sifive_rs",
    authors: ["spi-sifive-rs developers"],
    description: "SiFive SPI controller driver",
    license: "GPL",
}

struct SpiSifiveRs;

impl kernel::Module for SpiSifiveRs {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("loaded\n");
        Ok(SpiSifiveRs)
    }
}
