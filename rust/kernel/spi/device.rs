// SPDX-License-Identifier: GPL-2.0

//! `struct spi_device`: the target on one chip select, as its controller and its driver see it.

use super::Modes;
use crate::{
    bindings, device,
    error::to_result,
    prelude::*,
    sync::aref::{ARef, AlwaysRefCounted},
    types::Opaque,
};
use core::{marker::PhantomData, mem::offset_of, ptr::NonNull};

/// An SPI target device (`struct spi_device`).
///
/// Controller callbacks see it as `&Device`; a target driver gets `&Device<Core>` in probe, and
/// may keep an [`ARef<Device>`], which keeps the structure (and its controller's) alive but not
/// the controller's binding. A send after the controller is unregistered fails with
/// `ESHUTDOWN`: the core refuses it once the controller's queue is stopped, and a controller
/// registered through this crate also swaps its driver's callbacks for stubs of the kernel crate
/// that fail. The core still calls a C driver's `optimize_message`/`unoptimize_message` for
/// such a message (three drivers have them; `spi-mux`, `spi-stm32`, `spi-axi-spi-engine`).
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_device`, alive for as long as the reference to it.
#[repr(transparent)]
pub struct Device<Ctx: device::DeviceContext = device::Normal>(
    Opaque<bindings::spi_device>,
    PhantomData<Ctx>,
);

impl<Ctx: device::DeviceContext> Device<Ctx> {
    /// Creates a reference to a [`Device`] from a C pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct spi_device` that stays valid for `'a`, in the context
    /// `Ctx` claims.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::spi_device) -> &'a Self {
        // SAFETY: The caller guarantees validity; `Device` is a transparent wrapper.
        unsafe { &*ptr.cast::<Self>() }
    }

    #[inline]
    pub(crate) fn as_raw(&self) -> *mut bindings::spi_device {
        self.0.get()
    }

    /// The chip select the device is on (its first one).
    #[inline]
    pub fn chip_select(&self) -> u8 {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`.
        unsafe { bindings::spi_get_chipselect(self.as_raw(), 0) }
    }

    /// The device's mode bits.
    #[inline]
    pub fn mode(&self) -> Modes {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`.
        Modes(unsafe { (*self.as_raw()).mode })
    }

    /// The device's maximum clock rate in Hz.
    #[inline]
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

impl Device {
    /// Finds the SPI device called `name` (e.g. `c"spi0.0"`), whichever driver it is bound to.
    ///
    /// The core accepts messages for a device from any holder of a reference to it, so a client
    /// can share a target with the driver bound to it; the messages of both are serialised by
    /// the controller's queue and bus lock. The reference may be held past the controller's
    /// unregistration: sends then fail.
    pub fn find_by_name(name: &CStr) -> Result<ARef<Self>> {
        // SAFETY: `name` is a valid NUL-terminated string for the call; the helper returns a
        // device with a reference taken, or NULL.
        let raw = unsafe { bindings::spi_find_device_by_name(name.as_char_ptr()) };
        let raw = NonNull::new(raw).ok_or(ENODEV)?;
        // SAFETY: `raw` is a valid `spi_device` whose reference the `ARef` takes over.
        Ok(unsafe { ARef::from_raw(raw.cast::<Self>()) })
    }

    /// Sends `tx`, then receives `rx.len()` bytes, under one chip select assertion
    /// (`spi_write_then_read()`). The core copies both through its own buffer, so they may live
    /// anywhere, e.g. on the stack. Might sleep.
    pub fn write_then_read(&self, tx: &[u8], rx: &mut [u8]) -> Result {
        let n_tx = u32::try_from(tx.len()).map_err(|_| EINVAL)?;
        let n_rx = u32::try_from(rx.len()).map_err(|_| EINVAL)?;
        // SAFETY: The device is valid (type invariant); `tx` and `rx` are valid for reads and
        // writes of their lengths for the duration of the call, which copies them.
        to_result(unsafe {
            bindings::spi_write_then_read(
                self.as_raw(),
                tx.as_ptr().cast(),
                n_tx,
                rx.as_mut_ptr().cast(),
                n_rx,
            )
        })
    }
}

// SAFETY: `Device` is a transparent wrapper of `struct spi_device`, whose `dev` field is at
// `OFFSET`.
unsafe impl<Ctx: device::DeviceContext> device::AsBusDevice<Ctx> for Device<Ctx> {
    const OFFSET: usize = offset_of!(bindings::spi_device, dev);
}

// SAFETY: `Device` is a transparent wrapper of a type that does not depend on its context.
kernel::impl_device_context_deref!(unsafe { Device });
kernel::impl_device_context_into_aref!(Device);

// SAFETY: An `spi_device` is reference counted through its embedded `struct device`.
unsafe impl AlwaysRefCounted for Device {
    fn inc_ref(&self) {
        // SAFETY: A shared reference means the reference count is not zero.
        unsafe { bindings::get_device(&raw mut (*self.as_raw()).dev) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns a reference to a valid device.
        unsafe { bindings::put_device(&raw mut (*obj.as_ref().as_raw()).dev) };
    }
}

impl<Ctx: device::DeviceContext> AsRef<device::Device<Ctx>> for Device<Ctx> {
    fn as_ref(&self) -> &device::Device<Ctx> {
        // SAFETY: By the type invariant `self.as_raw()` is a valid `spi_device`, which embeds a
        // valid `struct device` that lives as long as it does, in the same context.
        unsafe { device::Device::from_raw(&raw mut (*self.as_raw()).dev) }
    }
}

// SAFETY: The device is reference counted and its methods are thread safe; it may be released
// from any thread.
unsafe impl Send for Device {}

// SAFETY: All methods of `Device` (`Normal` context) may be called from any thread.
unsafe impl Sync for Device {}
