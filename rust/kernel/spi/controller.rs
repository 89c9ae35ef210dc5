// SPDX-License-Identifier: GPL-2.0

//! SPI controllers: the ops trait, the controller being set up, and its registration.
//!
//! The registration owns the driver's controller data, [`ControllerOps::Data`], which may borrow
//! from the parent's binding (`'bound`): the registration does not outlive it. The SPI core
//! reaches the data only through the callbacks, each under the controller's `io_mutex`; when
//! the registration goes, the callbacks are swapped, under that mutex, for stubs of the kernel
//! crate that fail with `ESHUTDOWN`, so a client that still holds a device (and may call
//! `spi_sync()` on it) never reaches the driver, its data or its module again.

use super::{ControllerFlags, Device, Message, Modes, Transfer};
use crate::{
    bindings,
    device::{self, Bound},
    error::{from_result, to_result, VTABLE_DEFAULT_ERROR},
    prelude::*,
};
use core::{ffi::c_void, marker::PhantomData, ptr::NonNull};

/// The operations of an SPI controller driver.
///
/// Implemented by a type of the driver (e.g. its platform driver type); the callbacks get the
/// driver's controller data, [`ControllerOps::Data`], owned by the [`Registration`]. Only
/// [`ControllerOps::transfer_one`] is required; an operation the driver does not implement is
/// `NULL` in the C `struct spi_controller`, and the SPI core then skips it.
///
/// Every callback that gets the data runs with the controller's `io_mutex` held by the core
/// (the message pump, the no-queue `spi_sync()` path, `spi_setup()`, spi-mem operations), and
/// only while the controller is registered.
#[vtable]
pub trait ControllerOps: 'static {
    /// The driver's controller data, which may borrow from the parent's binding.
    type Data<'bound>: Send + Sync + 'bound;

    /// Performs one transfer of the current message, with chip select already asserted, and
    /// returns once it is complete.
    fn transfer_one(data: &Self::Data<'_>, spi: &Device, xfer: &mut Transfer) -> Result;

    /// Drives the chip select line of `spi` to `high` (the core has applied `SPI_CS_HIGH`).
    fn set_cs(_data: &Self::Data<'_>, _spi: &Device, _high: bool) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Checks and applies a device's settings when it is added or changes them.
    fn setup(_data: &Self::Data<'_>, _spi: &Device) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Releases what [`ControllerOps::setup`] set up for a device that goes away.
    ///
    /// The core calls it without any lock (when a device is unregistered, or fails to be
    /// added or set up), so it gets no controller data.
    fn cleanup(_spi: &Device) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Prepares the controller for a message (e.g. programs the device's mode).
    fn prepare_message(_data: &Self::Data<'_>, _msg: &Message) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Undoes [`ControllerOps::prepare_message`] after a message.
    fn unprepare_message(_data: &Self::Data<'_>, _msg: &Message) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Readies the hardware before a run of messages.
    fn prepare_transfer_hardware(_data: &Self::Data<'_>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Relaxes the hardware when the queue runs empty.
    ///
    /// Implementing this has a cost: the core then runs it for every message, and after queued
    /// traffic it hands the idle teardown to the controller's kthread instead of finishing it in
    /// the caller's context.
    fn unprepare_transfer_hardware(_data: &Self::Data<'_>) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Recovers the controller after a message failed (e.g. a transfer timed out).
    fn handle_err(_data: &Self::Data<'_>, _msg: &Message) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// One reference to a `struct spi_controller`, put when dropped.
///
/// # Invariants
///
/// `self.0` is a valid controller allocated by `spi_alloc_host()`, of which we own one
/// reference; its private area holds one pointer (see [`RawController::data`]).
struct RawController(NonNull<bindings::spi_controller>);

impl RawController {
    fn as_raw(&self) -> *mut bindings::spi_controller {
        self.0.as_ptr()
    }

    /// Where the controller keeps the pointer to the driver's data: its private area.
    ///
    /// # Safety
    ///
    /// `c` must be a controller allocated by [`UnregisteredController::new`].
    #[inline]
    unsafe fn data(c: *mut bindings::spi_controller) -> *mut *const c_void {
        // SAFETY: The caller guarantees `c` is one of ours, whose private area is one pointer.
        unsafe { bindings::spi_controller_get_devdata(c) }.cast()
    }

    /// Runs `f` with the controller's `io_mutex` held: no callback runs meanwhile. `f` gets
    /// the controller as a raw pointer: the core goes on using the fields it protects with
    /// other locks, so no reference to the whole controller may exist.
    fn with_io_locked(&self, f: impl FnOnce(*mut bindings::spi_controller)) {
        let c = self.as_raw();
        // SAFETY: The controller is valid (type invariant); its `io_mutex` is initialized by
        // `spi_alloc_host()`.
        unsafe { bindings::mutex_lock(&raw mut (*c).io_mutex) };
        f(c);
        // SAFETY: Locked just above.
        unsafe { bindings::mutex_unlock(&raw mut (*c).io_mutex) };
    }
}

impl Drop for RawController {
    fn drop(&mut self) {
        // SAFETY: We own one reference (type invariant).
        unsafe { bindings::spi_controller_put(self.as_raw()) };
    }
}

// SAFETY: The controller is shared with the SPI core, which synchronizes its own accesses; we
// only change it before registration and under `io_mutex`.
unsafe impl Send for RawController {}
// SAFETY: See `Send`; shared references give no access to the controller.
unsafe impl Sync for RawController {}

/// A controller not yet registered: its capabilities can still be set.
///
/// `'bound` is the binding of the parent device, which the registration may not outlive.
pub struct UnregisteredController<'bound, T: ControllerOps> {
    ctlr: RawController,
    _parent: PhantomData<&'bound device::Device<Bound>>,
    _ops: PhantomData<T>,
}

impl<'bound, T: ControllerOps> UnregisteredController<'bound, T> {
    /// Allocates a controller for `parent`, to be driven by the operations of `T`.
    pub fn new(parent: &'bound device::Device<Bound>) -> Result<Self> {
        let size = core::mem::size_of::<*const c_void>() as u32;
        // SAFETY: `parent.as_raw()` is a valid device; the core allocates the controller and a
        // zeroed private area of `size` bytes, aligned for a pointer.
        let raw = unsafe { bindings::spi_alloc_host(parent.as_raw(), size) };
        let raw = NonNull::new(raw).ok_or(ENOMEM)?;
        // INVARIANT: A fresh controller with refcount 1, which we own; its private area is
        // one pointer, zeroed: no data yet.
        Ok(Self {
            ctlr: RawController(raw),
            _parent: PhantomData,
            _ops: PhantomData,
        })
    }

    pub(super) fn raw(&mut self) -> &mut bindings::spi_controller {
        // SAFETY: The controller is valid and not registered, so nothing else accesses it.
        unsafe { &mut *self.ctlr.as_raw() }
    }

    /// Sets the number of chip selects.
    pub fn set_num_chipselect(&mut self, n: u16) -> &mut Self {
        self.raw().num_chipselect = n;
        self
    }

    /// Sets the mode bits the controller supports; the core refuses devices asking for others.
    pub fn set_mode_bits(&mut self, modes: Modes) -> &mut Self {
        self.raw().mode_bits = u32::from(modes);
        self
    }

    /// Sets the word sizes the controller supports (see [`super::bpw_mask`]).
    pub fn set_bits_per_word_mask(&mut self, mask: u32) -> &mut Self {
        self.raw().bits_per_word_mask = mask;
        self
    }

    /// Sets the lowest and highest clock rates the controller can make, in Hz.
    pub fn set_speed_range(&mut self, min_hz: u32, max_hz: u32) -> &mut Self {
        let c = self.raw();
        c.min_speed_hz = min_hz;
        c.max_speed_hz = max_hz;
        self
    }

    /// Sets the controller's constraints.
    pub fn set_flags(&mut self, flags: ControllerFlags) -> &mut Self {
        self.raw().flags = u16::from(flags);
        self
    }

    /// Lets the core take a runtime PM reference on the parent device around each message run,
    /// and drop it (with autosuspend) when idle.
    pub fn set_auto_runtime_pm(&mut self, on: bool) -> &mut Self {
        self.raw().auto_runtime_pm = on;
        self
    }

    /// Sets the bus number (`-1`, the default, lets the core choose).
    pub fn set_bus_num(&mut self, n: i16) -> &mut Self {
        self.raw().bus_num = n;
        self
    }
}

/// A registered controller and the driver's data for it.
///
/// The controller stays registered while this lives; dropping it unregisters the controller
/// (removing its target devices, which may do I/O in their remove), fences the callbacks off,
/// then drops the data. It belongs in the driver's bound data, next to what the data borrows.
pub struct Registration<'bound, T: ControllerOps> {
    ctlr: RawController,
    data: Pin<KBox<T::Data<'bound>>>,
}

impl<'bound, T: ControllerOps> Registration<'bound, T> {
    /// Registers `ctlr` with the driver's data `data`; target devices are probed, and do I/O,
    /// before this returns.
    ///
    /// # Safety
    ///
    /// The caller must not `mem::forget()` the returned [`Registration`] or otherwise prevent
    /// its [`Drop`] implementation from running before `'bound` ends: the callbacks would reach
    /// `data` after what it borrows is gone (the same contract as `irq::Registration` and
    /// `drm::Registration`). Keeping it in the driver's bound data fulfils this.
    pub unsafe fn new(
        ctlr: UnregisteredController<'bound, T>,
        data: impl PinInit<T::Data<'bound>, Error>,
    ) -> Result<Self> {
        let UnregisteredController { ctlr, .. } = ctlr;
        let data = KBox::pin_init(data, GFP_KERNEL)?;
        let ptr: *const T::Data<'bound> = &*data;
        // SAFETY: `ctlr` is one of ours.
        let slot = unsafe { RawController::data(ctlr.as_raw()) };
        // SAFETY: Not registered yet: nothing reads the private area concurrently.
        unsafe { *slot = ptr.cast() };
        // SAFETY: Not registered yet, so the callbacks are ours to set.
        Adapter::<T>::install(unsafe { &mut *ctlr.as_raw() });
        // SAFETY: `ctlr` is a valid, fully set up controller.
        if let Err(e) = to_result(unsafe { bindings::spi_register_controller(ctlr.as_raw()) }) {
            // Not registered, but the callbacks may have run (for a device that failed to
            // probe, say), and a device may still hold the controller: fence them off as on
            // unregistration before the data goes.
            fence(&ctlr);
            return Err(e);
        }
        Ok(Self { ctlr, data })
    }

    /// The driver's data.
    pub fn data(&self) -> &T::Data<'bound> {
        &self.data
    }

    /// Stops the controller's message queue for system sleep (`spi_controller_suspend`), then
    /// runs `power_down` with no operation in flight: spi-mem operations do not go through the
    /// queue, so `power_down` runs under the controller's `io_mutex`, which they hold.
    ///
    /// If either fails, the controller is left running: the core marks it suspended even when
    /// its queue did not stop, which would refuse every later message.
    pub fn suspend(&self, power_down: impl FnOnce() -> Result) -> Result {
        // SAFETY: The controller is registered (type invariant), so its queue exists.
        let result = to_result(unsafe { bindings::spi_controller_suspend(self.ctlr.as_raw()) })
            .and_then(|()| {
                let mut result = Ok(());
                self.ctlr.with_io_locked(|_| result = power_down());
                result
            });
        if result.is_err() {
            // The suspend is abandoned either way; a failure to restart shows in later messages.
            let _ = self.resume();
        }
        result
    }

    /// Restarts the controller's message queue after system sleep (`spi_controller_resume`).
    pub fn resume(&self) -> Result {
        // SAFETY: As in `suspend`; the queue's worker lives until unregistration.
        to_result(unsafe { bindings::spi_controller_resume(self.ctlr.as_raw()) })
    }
}

impl<T: ControllerOps> Drop for Registration<'_, T> {
    fn drop(&mut self) {
        // SAFETY: The controller is registered (type invariant). This removes the target
        // devices and stops the message queue; a client that still holds a device may go on
        // calling `spi_sync()`, and a pump that outlived the queue's teardown may still run.
        unsafe { bindings::spi_unregister_controller(self.ctlr.as_raw()) };
        // Those late callers hold `io_mutex` when they call the driver: after the fence they
        // call the stubs. The data is dropped after this, while the module is loaded.
        fence(&self.ctlr);
    }
}

// SAFETY: The data is `Send`; the controller is only changed under its locks.
unsafe impl<T: ControllerOps> Send for Registration<'_, T> {}
// SAFETY: `&Registration` gives shared access to the data, which is `Sync`, and calls of the
// core that synchronize themselves.
unsafe impl<T: ControllerOps> Sync for Registration<'_, T> {}

/// Swaps the driver's callbacks for the kernel crate's stubs and forgets its data, under
/// `io_mutex`: once this returns no callback runs, or will run, the driver's code.
fn fence(ctlr: &RawController) {
    ctlr.with_io_locked(|c| {
        // SAFETY: `c` is our valid controller, and `io_mutex` is held.
        unsafe { shut_down_callbacks(c) };
        // SAFETY: As above.
        #[cfg(CONFIG_SPI_MEM)]
        unsafe {
            super::mem::remove_mem_ops(c)
        };
        // SAFETY: The controller is one of ours.
        let slot = unsafe { RawController::data(c) };
        // SAFETY: `io_mutex` is held: no callback reads the pointer now.
        unsafe { *slot = core::ptr::null() };
    });
}

/// Replaces every callback of a controller driver by a stub of the kernel crate or `NULL`.
///
/// `cleanup` goes too, although the core calls it without `io_mutex`: devices are released
/// after their controller is unregistered, and a release racing with this reads either the
/// old callback, which needs no data and whose module is still loaded (the registration is
/// dropped by the driver), or `NULL`.
///
/// Not generic and never inlined, as are the stubs: the pointers stored are taken here, in the
/// kernel crate. A function the compiler may inline across crates gets a copy in each module
/// that takes its address, and that copy goes with the module.
///
/// # Safety
///
/// `c` must be a valid controller whose `io_mutex` the caller holds.
#[inline(never)]
unsafe fn shut_down_callbacks(c: *mut bindings::spi_controller) {
    // SAFETY: `c` is valid and the caller holds `io_mutex`, under which the core reads these
    // fields; they are written through the raw pointer, field by field.
    unsafe {
        (*c).transfer_one = Some(transfer_one_shut_down);
        (*c).set_cs = None;
        (*c).setup = None;
        (*c).cleanup = None;
        (*c).prepare_message = None;
        (*c).unprepare_message = None;
        (*c).prepare_transfer_hardware = None;
        (*c).unprepare_transfer_hardware = None;
        (*c).handle_err = None;
        // A late send would power up the parent, which may be gone with its binding.
        (*c).auto_runtime_pm = false;
    }
}

/// Stands in for a driver's `transfer_one` after its controller is unregistered. Part of the
/// kernel crate, not of the driver's module, so it stays callable after the module is gone.
#[inline(never)]
extern "C" fn transfer_one_shut_down(
    _c: *mut bindings::spi_controller,
    _spi: *mut bindings::spi_device,
    _xfer: *mut bindings::spi_transfer,
) -> c_int {
    ESHUTDOWN.to_errno()
}

/// The driver's data of a controller of `T`, or `None` after the fence.
///
/// # Safety
///
/// `c` must be a controller allocated by [`UnregisteredController::new`] for `T`, and the
/// caller must hold its `io_mutex` for `'a`.
#[inline]
pub(super) unsafe fn data_of<'a, T: ControllerOps>(
    c: *mut bindings::spi_controller,
) -> Option<&'a T::Data<'a>> {
    // SAFETY: The caller guarantees `c` is one of ours.
    let slot = unsafe { RawController::data(c) };
    // SAFETY: The caller holds `io_mutex`, under which the pointer is written after
    // registration.
    let ptr = unsafe { *slot }.cast::<T::Data<'a>>();
    // SAFETY: A non-null pointer points to the registration's data, which is dropped only
    // after the fence, under `io_mutex` (held by the caller for `'a`), nulls the pointer. Only
    // the lifetime of the data's borrows changes: they live for `'bound`, which the
    // registration, and so `'a`, does not outlive.
    unsafe { ptr.as_ref() }
}

/// Bridges the C callbacks of `struct spi_controller` to [`ControllerOps`].
struct Adapter<T>(PhantomData<T>);

impl<T: ControllerOps> Adapter<T> {
    /// Sets the callbacks `T` implements; the others stay `NULL`.
    fn install(c: &mut bindings::spi_controller) {
        c.transfer_one = Some(Self::transfer_one);
        if T::HAS_SET_CS {
            c.set_cs = Some(Self::set_cs);
        }
        if T::HAS_SETUP {
            c.setup = Some(Self::setup);
        }
        if T::HAS_CLEANUP {
            c.cleanup = Some(Self::cleanup);
        }
        if T::HAS_PREPARE_MESSAGE {
            c.prepare_message = Some(Self::prepare_message);
        }
        if T::HAS_UNPREPARE_MESSAGE {
            c.unprepare_message = Some(Self::unprepare_message);
        }
        if T::HAS_PREPARE_TRANSFER_HARDWARE {
            c.prepare_transfer_hardware = Some(Self::prepare_transfer_hardware);
        }
        if T::HAS_UNPREPARE_TRANSFER_HARDWARE {
            c.unprepare_transfer_hardware = Some(Self::unprepare_transfer_hardware);
        }
        if T::HAS_HANDLE_ERR {
            c.handle_err = Some(Self::handle_err);
        }
    }

    /// # Safety
    ///
    /// Only called by the SPI core, holding `io_mutex`, as a callback of a controller
    /// registered for `T`, with pointers to live objects.
    unsafe extern "C" fn transfer_one(
        c: *mut bindings::spi_controller,
        spi: *mut bindings::spi_device,
        xfer: *mut bindings::spi_transfer,
    ) -> c_int {
        // SAFETY: The core calls this from the message pump (or the no-queue path), holding
        // `io_mutex`, for a controller of ours.
        let Some(data) = (unsafe { data_of::<T>(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid device and a transfer that is ours until we return.
        let (spi, xfer) = unsafe { (Device::from_raw(spi), Transfer::from_raw(xfer)) };
        from_result(|| T::transfer_one(data, spi, xfer).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn set_cs(spi: *mut bindings::spi_device, high: bool) {
        // SAFETY: The core calls this from the message pump or `spi_setup()`, both holding
        // `io_mutex`, with a valid device of a controller of ours.
        let Some(data) = (unsafe { data_of::<T>((*spi).controller) }) else {
            return;
        };
        // SAFETY: As above.
        let spi = unsafe { Device::from_raw(spi) };
        T::set_cs(data, spi, high);
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn setup(spi: *mut bindings::spi_device) -> c_int {
        // SAFETY: `spi_setup()` calls this holding `io_mutex`, with a valid device of a
        // controller of ours.
        let Some(data) = (unsafe { data_of::<T>((*spi).controller) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: As above.
        let spi = unsafe { Device::from_raw(spi) };
        from_result(|| T::setup(data, spi).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core with a valid device of a controller of ours.
    unsafe extern "C" fn cleanup(spi: *mut bindings::spi_device) {
        // SAFETY: The core passes a valid device for the call.
        T::cleanup(unsafe { Device::from_raw(spi) });
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn prepare_message(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) -> c_int {
        // SAFETY: The message pump calls this holding `io_mutex`, for a controller of ours.
        let Some(data) = (unsafe { data_of::<T>(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        from_result(|| T::prepare_message(data, msg).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn unprepare_message(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) -> c_int {
        // SAFETY: As in `prepare_message`.
        let Some(data) = (unsafe { data_of::<T>(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        from_result(|| T::unprepare_message(data, msg).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn prepare_transfer_hardware(c: *mut bindings::spi_controller) -> c_int {
        // SAFETY: As in `prepare_message`.
        let Some(data) = (unsafe { data_of::<T>(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        from_result(|| T::prepare_transfer_hardware(data).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn unprepare_transfer_hardware(c: *mut bindings::spi_controller) -> c_int {
        // SAFETY: As in `prepare_message`.
        let Some(data) = (unsafe { data_of::<T>(c) }) else {
            return 0;
        };
        from_result(|| T::unprepare_transfer_hardware(data).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for [`Self::transfer_one`].
    unsafe extern "C" fn handle_err(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) {
        // SAFETY: As in `prepare_message`.
        let Some(data) = (unsafe { data_of::<T>(c) }) else {
            return;
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        T::handle_err(data, msg);
    }
}
