// SPDX-License-Identifier: GPL-2.0

//! SPI controller (host side) abstractions.
//!
//! A controller driver implements [`ControllerOps`], allocates a [`Controller`] with its data in
//! probe, sets the controller's capabilities on the [`UnregisteredController`] and registers it.
//! The registration is device-managed: it goes away when the parent device is unbound.
//!
//! Optional operations the driver does not implement stay `NULL` in `struct spi_controller`, so
//! the SPI core keeps its fast paths (for instance, without `unprepare_transfer_hardware` an idle
//! `spi_sync()` finishes its teardown in the caller's context instead of the `spi` kthread).
//!
//! C header: [`include/linux/spi/spi.h`](srctree/include/linux/spi/spi.h).

mod controller;
mod device;
mod message;
mod transfer;

#[cfg(CONFIG_KUNIT)]
mod tests;

pub use controller::{Controller, ControllerOps, TransferStatus, UnregisteredController};
pub use device::Device;
pub use message::Message;
pub use transfer::{Buffers, Transfer};

/// SPI mode bits (`spi_device.mode`, `spi_controller.mode_bits`).
///
/// The values are the user-space ABI of `include/uapi/linux/spi/spi.h`.
pub mod mode {
    /// Clock phase: sample on the trailing edge.
    pub const CPHA: u32 = 1 << 0;
    /// Clock polarity: clock idles high.
    pub const CPOL: u32 = 1 << 1;
    /// Chip select is active high.
    pub const CS_HIGH: u32 = 1 << 2;
    /// Words are sent least significant bit first.
    pub const LSB_FIRST: u32 = 1 << 3;
    /// Data in and out share one wire.
    pub const THREE_WIRE: u32 = 1 << 4;
    /// Loopback mode.
    pub const LOOP: u32 = 1 << 5;
    /// No chip select.
    pub const NO_CS: u32 = 1 << 6;
    /// The target pulls low to pause.
    pub const READY: u32 = 1 << 7;
    /// Transmit with two wires.
    pub const TX_DUAL: u32 = 1 << 8;
    /// Transmit with four wires.
    pub const TX_QUAD: u32 = 1 << 9;
    /// Receive with two wires.
    pub const RX_DUAL: u32 = 1 << 10;
    /// Receive with four wires.
    pub const RX_QUAD: u32 = 1 << 11;
    /// Toggle chip select after each word.
    pub const CS_WORD: u32 = 1 << 12;
    /// Transmit with eight wires.
    pub const TX_OCTAL: u32 = 1 << 13;
    /// Receive with eight wires.
    pub const RX_OCTAL: u32 = 1 << 14;
}

/// Controller flags (`spi_controller.flags`, the `SPI_CONTROLLER_*` constants).
pub mod flags {
    /// The controller cannot do full duplex.
    pub const HALF_DUPLEX: u16 = 1 << 0;
    /// The controller cannot receive.
    pub const NO_RX: u16 = 1 << 1;
    /// The controller cannot transmit.
    pub const NO_TX: u16 = 1 << 2;
    /// Every transfer needs an rx buffer: the core allocates a dummy one when there is none.
    pub const MUST_RX: u16 = 1 << 3;
    /// Every transfer needs a tx buffer: the core allocates a zeroed dummy one when there is
    /// none, for every such message.
    pub const MUST_TX: u16 = 1 << 4;
    /// GPIO chip selects must still select the target on the controller.
    pub const GPIO_SS: u16 = 1 << 5;
}

/// Number of wires a transfer uses per direction (`spi_transfer.tx_nbits`/`rx_nbits`).
pub mod nbits {
    /// One wire.
    pub const SINGLE: u8 = 1;
    /// Two wires.
    pub const DUAL: u8 = 2;
    /// Four wires.
    pub const QUAD: u8 = 4;
    /// Eight wires.
    pub const OCTAL: u8 = 8;
}

/// Returns the `bits_per_word_mask` bit for words of `bits` bits (C's `SPI_BPW_MASK`), or 0 for
/// a size outside 1 to 32 bits.
///
/// # Examples
///
/// ```
/// use kernel::spi;
///
/// assert_eq!(spi::bpw_mask(8), 1 << 7);
/// assert_eq!(spi::bpw_mask(8) | spi::bpw_mask(16), 0x8080);
/// assert_eq!(spi::bpw_mask(0), 0);
/// ```
pub const fn bpw_mask(bits: u32) -> u32 {
    if bits == 0 || bits > 32 {
        return 0;
    }
    1 << (bits - 1)
}
