// SPDX-License-Identifier: GPL-2.0

//! SPI abstractions: controllers (host side) and target drivers (device side).
//!
//! A target driver implements [`Driver`] and talks to its [`Device`] with
//! [`Device::write_then_read`] or with [`OwnedMessage`]s it builds once and sends synchronously
//! or asynchronously, optionally optimized for repeated sends.
//!
//! A controller driver implements [`ControllerOps`], allocates an [`UnregisteredController`] in
//! probe, sets its capabilities and registers it with the driver's controller data. The
//! [`Registration`] owns that data, which may borrow from the parent's binding (`'bound`), and
//! belongs in the driver's bound data: it unregisters the controller and fences its callbacks
//! off before the data, and what it borrows, go.
//!
//! Optional operations the driver does not implement stay `NULL` in `struct spi_controller`, so
//! the SPI core keeps its fast paths (for instance, without `unprepare_transfer_hardware` an idle
//! `spi_sync()` finishes its teardown in the caller's context instead of the `spi` kthread).
//!
//! C header: [`include/linux/spi/spi.h`](srctree/include/linux/spi/spi.h).

#![cfg(CONFIG_SPI)]

mod controller;
mod device;
mod driver;
#[cfg(CONFIG_SPI_MEM)]
mod mem;
mod message;
mod owned_message;
mod transfer;

#[cfg(CONFIG_KUNIT)]
mod tests;

pub use controller::{ControllerOps, Registration, UnregisteredController};
pub use device::Device;
pub use driver::{DeviceId, Driver, DriverAdapter, IdTable};
#[cfg(CONFIG_SPI_MEM)]
pub use mem::{DataDir, Mem, MemCaps, MemData, MemOp, MemOps, Phase};
pub use message::Message;
pub use owned_message::{MessageBuilder, MessageDone, OwnedMessage};
pub use transfer::{Buffers, Transfer};

crate::impl_flags!(
    /// A set of SPI mode bits: a device's mode (`spi_device.mode`), or the modes a controller
    /// supports (`spi_controller.mode_bits`).
    #[derive(Debug, Clone, Default, Copy, PartialEq, Eq)]
    pub struct Modes(u32);

    /// One SPI mode bit (`SPI_*` of `include/uapi/linux/spi/spi.h`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Mode {
        /// Clock phase: sample on the trailing edge.
        Cpha = bindings::SPI_CPHA,
        /// Clock polarity: clock idles high.
        Cpol = bindings::SPI_CPOL,
        /// Chip select is active high.
        CsHigh = bindings::SPI_CS_HIGH,
        /// Words are sent least significant bit first.
        LsbFirst = bindings::SPI_LSB_FIRST,
        /// Data in and out share one wire.
        ThreeWire = bindings::SPI_3WIRE,
        /// Loopback mode.
        Loop = bindings::SPI_LOOP,
        /// No chip select.
        NoCs = bindings::SPI_NO_CS,
        /// The target pulls low to pause.
        Ready = bindings::SPI_READY,
        /// Transmit with two wires.
        TxDual = bindings::SPI_TX_DUAL,
        /// Transmit with four wires.
        TxQuad = bindings::SPI_TX_QUAD,
        /// Receive with two wires.
        RxDual = bindings::SPI_RX_DUAL,
        /// Receive with four wires.
        RxQuad = bindings::SPI_RX_QUAD,
        /// Toggle chip select after each word.
        CsWord = bindings::SPI_CS_WORD,
        /// Transmit with eight wires.
        TxOctal = bindings::SPI_TX_OCTAL,
        /// Receive with eight wires.
        RxOctal = bindings::SPI_RX_OCTAL,
    }
);

crate::impl_flags!(
    /// Controller constraints (`spi_controller.flags`).
    #[derive(Debug, Clone, Default, Copy, PartialEq, Eq)]
    pub struct ControllerFlags(u16);

    /// One controller constraint (`SPI_CONTROLLER_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ControllerFlag {
        /// The controller cannot do full duplex.
        HalfDuplex = bindings::SPI_CONTROLLER_HALF_DUPLEX,
        /// The controller cannot receive.
        NoRx = bindings::SPI_CONTROLLER_NO_RX,
        /// The controller cannot transmit.
        NoTx = bindings::SPI_CONTROLLER_NO_TX,
        /// Every transfer needs an rx buffer: the core allocates a dummy one when there is none.
        MustRx = bindings::SPI_CONTROLLER_MUST_RX,
        /// Every transfer needs a tx buffer: the core allocates a zeroed dummy one for every
        /// message that has a transfer without one.
        MustTx = bindings::SPI_CONTROLLER_MUST_TX,
        /// GPIO chip selects must still select the target on the controller.
        GpioSs = bindings::SPI_CONTROLLER_GPIO_SS,
    }
);

/// Number of wires a transfer uses in one direction (`spi_transfer.tx_nbits`/`rx_nbits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Nbits {
    /// One wire.
    Single = bindings::SPI_NBITS_SINGLE as u8,
    /// Two wires.
    Dual = bindings::SPI_NBITS_DUAL as u8,
    /// Four wires.
    Quad = bindings::SPI_NBITS_QUAD as u8,
    /// Eight wires.
    Octal = bindings::SPI_NBITS_OCTAL as u8,
}

impl Nbits {
    /// The width the core stored (`0`, as left by a client that did not set it, is one wire).
    #[inline]
    pub(crate) fn from_raw(raw: u32) -> Option<Self> {
        match raw {
            0 | bindings::SPI_NBITS_SINGLE => Some(Self::Single),
            bindings::SPI_NBITS_DUAL => Some(Self::Dual),
            bindings::SPI_NBITS_QUAD => Some(Self::Quad),
            bindings::SPI_NBITS_OCTAL => Some(Self::Octal),
            _ => None,
        }
    }

    /// The number of wires.
    #[inline]
    pub fn wires(self) -> u32 {
        self as u32
    }
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
