// SPDX-License-Identifier: GPL-2.0

//! A view of `struct spi_device`, the target on one chip select.

use super::Modes;
use crate::{bindings, device, types::Opaque};

/// An SPI target device as the controller sees it (`struct spi_device`).
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_device`, alive for as long as the reference to it.
#[repr(transparent)]
pub struct Device(Opaque<bindings::spi_device>);

impl Device {
    /// Creates a reference to a [`Device`] from a C pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct spi_device` that stays valid for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::spi_device) -> &'a Self {
        // SAFETY: The caller guarantees validity; `Device` is a transparent wrapper.
        unsafe { &*ptr.cast::<Self>() }
    }

    pub(crate) fn as_raw(&self) -> *mut bindings::spi_device {
        self.0.get()
    }

    /// The chip select the device is on (its first one).
    pub fn chip_select(&self) -> u8 {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`.
        unsafe { bindings::spi_get_chipselect(self.as_raw(), 0) }
    }

    /// The device's mode bits.
    pub fn mode(&self) -> Modes {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`.
        Modes(unsafe { (*self.as_raw()).mode })
    }

    /// The device's maximum clock rate in Hz.
    pub fn max_speed_hz(&self) -> u32 {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`.
        unsafe { (*self.as_raw()).max_speed_hz }
    }

    /// The device's default word size in bits.
    pub fn bits_per_word(&self) -> u8 {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`.
        unsafe { (*self.as_raw()).bits_per_word }
    }
}

impl AsRef<device::Device> for Device {
    fn as_ref(&self) -> &device::Device {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`, which embeds a
        // valid `struct device` that lives as long as it does.
        unsafe { device::Device::from_raw(&raw mut (*self.as_raw()).dev) }
    }
}
