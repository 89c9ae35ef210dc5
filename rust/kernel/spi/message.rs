// SPDX-License-Identifier: GPL-2.0

//! A view of `struct spi_message`, a sequence of transfers under one chip select.

use super::Device;
use crate::{bindings, types::Opaque};

/// An SPI message being processed by the controller (`struct spi_message`).
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_message` with a valid `spi` pointer, alive for as long as the
/// reference to it.
#[repr(transparent)]
pub struct Message(Opaque<bindings::spi_message>);

impl Message {
    /// Creates a reference to a [`Message`] from a C pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct spi_message`, with a valid target device, that stays
    /// valid for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::spi_message) -> &'a Self {
        // SAFETY: The caller guarantees validity; `Message` is a transparent wrapper.
        unsafe { &*ptr.cast::<Self>() }
    }

    fn as_raw(&self) -> *mut bindings::spi_message {
        self.0.get()
    }

    /// The target device the message is for.
    pub fn spi(&self) -> &Device {
        // SAFETY: By the type invariant the message and its `spi` pointer are valid for the
        // lifetime of `self`.
        unsafe { Device::from_raw((*self.as_raw()).spi) }
    }

    /// The message's status: 0, or the negative errno it failed with.
    pub fn status(&self) -> i32 {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_message`.
        unsafe { (*self.as_raw()).status }
    }
}
