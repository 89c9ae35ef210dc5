// SPDX-License-Identifier: GPL-2.0

//! SPI controllers: the ops trait, allocation, settings and device-managed registration.

use super::{Device, Message, Transfer};
use crate::{
    bindings, container_of,
    device::{self, Bound},
    devres,
    error::{from_result, to_result, VTABLE_DEFAULT_ERROR},
    irq::{self, IrqRequest, IrqReturn},
    prelude::*,
    sync::{
        aref::{ARef, AlwaysRefCounted},
        atomic::{AtomicFlag, Relaxed},
    },
    time::{msecs_to_jiffies, Delta},
    types::Opaque,
};
use core::{marker::PhantomData, ops::Deref, ptr::NonNull};

/// How [`ControllerOps::transfer_one`] left a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStatus {
    /// The transfer is complete.
    Done,
    /// The transfer goes on without the caller; the driver calls
    /// [`Controller::finalize_current_transfer`] when it is complete, typically from its
    /// interrupt handler. The core waits for that with a timeout derived from the transfer's
    /// length and speed, and fails the message with `ETIMEDOUT` if it does not come.
    InProgress,
}

/// The operations of an SPI controller driver.
///
/// `Self` is the driver's controller data, stored inside the controller. Only
/// [`ControllerOps::transfer_one`] is required; an operation the driver does not implement is
/// `NULL` in the C `struct spi_controller`, and the SPI core then skips it.
///
/// Callbacks that reach the hardware get the parent device as `&Device<Bound>`, which gives
/// access to device-managed resources such as the registers. They are only made while the
/// controller is registered: a client may still call `spi_sync()` on a controller being
/// unregistered, and such late messages fail with `ESHUTDOWN` without reaching the driver.
#[vtable]
pub trait ControllerOps: Send + Sync + Sized + 'static {
    /// Performs one transfer of the current message, with chip select already asserted.
    fn transfer_one(
        ctlr: &Controller<Self>,
        spi: &Device,
        xfer: &mut Transfer,
        parent: &device::Device<Bound>,
    ) -> Result<TransferStatus>;

    /// Drives the chip select line of `spi` to `high` (the core has applied `SPI_CS_HIGH`).
    fn set_cs(
        _ctlr: &Controller<Self>,
        _spi: &Device,
        _high: bool,
        _parent: &device::Device<Bound>,
    ) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Checks and applies a device's settings when it is added or changes them.
    ///
    /// This may run before the controller is registered and after it is gone, so it gets no
    /// bound device.
    fn setup(_ctlr: &Controller<Self>, _spi: &Device) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Releases what [`ControllerOps::setup`] set up for a device that goes away.
    fn cleanup(_ctlr: &Controller<Self>, _spi: &Device) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Prepares the controller for a message (e.g. programs the device's mode).
    fn prepare_message(
        _ctlr: &Controller<Self>,
        _msg: &Message,
        _parent: &device::Device<Bound>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Undoes [`ControllerOps::prepare_message`] after a message.
    fn unprepare_message(
        _ctlr: &Controller<Self>,
        _msg: &Message,
        _parent: &device::Device<Bound>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Readies the hardware before a run of messages.
    fn prepare_transfer_hardware(
        _ctlr: &Controller<Self>,
        _parent: &device::Device<Bound>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Relaxes the hardware when the queue runs empty.
    ///
    /// Implementing this has a cost: the core then runs it for every message, and after queued
    /// traffic it hands the idle teardown to the controller's kthread instead of finishing it in
    /// the caller's context.
    fn unprepare_transfer_hardware(
        _ctlr: &Controller<Self>,
        _parent: &device::Device<Bound>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Recovers the controller after a message failed (e.g. a transfer timed out).
    fn handle_err(_ctlr: &Controller<Self>, _msg: &Message, _parent: &device::Device<Bound>) {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Handles the controller's interrupt, in hard IRQ context.
    ///
    /// Used when the controller is registered with
    /// [`UnregisteredController::register_with_irq`].
    fn handle_irq(_ctlr: &Controller<Self>, _parent: &device::Device<Bound>) -> IrqReturn {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// What the controller's private area holds: the driver's data, and what the abstraction needs
/// to release it.
#[repr(C)]
struct Inner<T> {
    /// The SPI core's release function, called after `data` is dropped.
    core_release: Option<unsafe extern "C" fn(*mut bindings::device)>,
    /// The interrupt requested by [`UnregisteredController::register_with_irq`]; written only
    /// before the controller is registered.
    irq: Option<u32>,
    /// Whether the controller is registered. Set before registration; cleared under the
    /// core's `io_mutex` (held around every callback that gets a bound device) when the
    /// registration is dropped, before the parent's resources are released.
    registered: AtomicFlag,
    data: T,
}

/// An SPI controller (`struct spi_controller`) with driver data `T`.
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_controller` allocated by [`Controller::new`], whose private
/// area holds an initialized `Inner<T>` until the controller's device is released.
#[repr(transparent)]
pub struct Controller<T: ControllerOps>(Opaque<bindings::spi_controller>, PhantomData<T>);

impl<T: ControllerOps> Controller<T> {
    /// Creates a reference to a [`Controller`] from a C pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a controller allocated by [`Controller::new`] for this `T`, valid
    /// for `'a`.
    unsafe fn from_raw<'a>(ptr: *mut bindings::spi_controller) -> &'a Self {
        // SAFETY: The caller guarantees validity; `Controller` is a transparent wrapper.
        unsafe { &*ptr.cast::<Self>() }
    }

    fn as_raw(&self) -> *mut bindings::spi_controller {
        self.0.get()
    }

    fn inner(&self) -> *mut Inner<T> {
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller.
        unsafe { bindings::spi_controller_get_devdata(self.as_raw()) }.cast()
    }

    /// The driver's data.
    pub fn data(&self) -> &T {
        // SAFETY: By the type invariant the private area holds an initialized `Inner<T>` that
        // lives as long as the controller, and it is only ever accessed shared.
        unsafe { &(*self.inner()).data }
    }

    /// The controller's own device (`spi_master` class device).
    pub fn device(&self) -> &device::Device {
        // SAFETY: By the type invariant the controller, and its embedded device, are valid.
        unsafe { device::Device::from_raw(&raw mut (*self.as_raw()).dev) }
    }

    /// The parent device, assumed bound.
    ///
    /// # Safety
    ///
    /// The parent must be bound for the lifetime of the returned reference: this holds in the
    /// callbacks the core makes while the controller is registered.
    unsafe fn bound_parent(&self) -> &device::Device<Bound> {
        // SAFETY: By the type invariant the device is valid; `Controller::new` set the parent.
        let parent = unsafe { (*self.as_raw()).dev.parent };
        // SAFETY: `parent` is valid as long as the controller (it holds a reference), and the
        // caller guarantees it is bound.
        unsafe { device::Device::<device::Normal>::from_raw(parent).as_bound() }
    }

    /// Tells the core that the current transfer is complete.
    ///
    /// For a transfer [`ControllerOps::transfer_one`] left [`TransferStatus::InProgress`]; may be
    /// called from any context, including hard IRQ. It also wakes
    /// [`Controller::wait_transfer_done`].
    pub fn finalize_current_transfer(&self) {
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller.
        unsafe { bindings::spi_finalize_current_transfer(self.as_raw()) };
    }

    /// Waits, inside [`ControllerOps::transfer_one`], for the driver's interrupt handler to call
    /// [`Controller::finalize_current_transfer`], for at most `timeout`.
    ///
    /// Lets a driver move data in process context in steps, each ended by an interrupt. The
    /// completion is re-armed before returning, so the next step can wait again. Returns
    /// `ETIMEDOUT` if no signal came in time; the driver must then stop its interrupt source
    /// and call [`Controller::synchronize_irq`] before going on. Might sleep.
    pub fn wait_transfer_done(&self, timeout: Delta) -> Result {
        let jiffies =
            msecs_to_jiffies(timeout.as_millis_ceil().clamp(1, i64::from(u32::MAX)) as u32);
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller; its
        // `xfer_completion` was initialized by the core.
        let left = unsafe {
            bindings::wait_for_completion_timeout(
                &raw mut (*self.as_raw()).xfer_completion,
                jiffies,
            )
        };
        // SAFETY: As above.
        unsafe { bindings::spi_controller_rearm_xfer_completion(self.as_raw()) };
        if left == 0 {
            Err(ETIMEDOUT)
        } else {
            Ok(())
        }
    }

    /// Waits for a running instance of the controller's interrupt handler to finish, and
    /// re-arms the transfer completion so a late signal cannot end the next wait early.
    pub fn synchronize_irq(&self) {
        if let Some(irq) = self.irq() {
            // SAFETY: `irq` is the controller's requested interrupt, freed only after the
            // controller is unregistered.
            unsafe { bindings::synchronize_irq(irq) };
        }
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller.
        unsafe { bindings::spi_controller_rearm_xfer_completion(self.as_raw()) };
    }

    fn registered(&self) -> &AtomicFlag {
        // SAFETY: By the type invariant the private area holds an initialized `Inner<T>`.
        unsafe { &(*self.inner()).registered }
    }

    fn irq(&self) -> Option<u32> {
        // SAFETY: By the type invariant the private area holds `Inner<T>`; `irq` is only
        // written before the controller is registered.
        unsafe { (*self.inner()).irq }
    }

    /// Stops the controller's message queue for system sleep (`spi_controller_suspend`).
    pub fn suspend(&self) -> Result {
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller.
        to_result(unsafe { bindings::spi_controller_suspend(self.as_raw()) })
    }

    /// Restarts the controller's message queue after system sleep (`spi_controller_resume`).
    pub fn resume(&self) -> Result {
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller.
        to_result(unsafe { bindings::spi_controller_resume(self.as_raw()) })
    }

    /// Allocates a controller for `parent` with the driver data `data`.
    ///
    /// The controller is set up with the operations of `T`; set its capabilities on the
    /// returned [`UnregisteredController`], then register it.
    #[allow(clippy::new_ret_no_self)]
    pub fn new<'a>(
        parent: &'a device::Device<Bound>,
        data: impl PinInit<T, Error>,
    ) -> Result<UnregisteredController<'a, T>> {
        let size = u32::try_from(core::mem::size_of::<Inner<T>>()).map_err(|_| EINVAL)?;
        // SAFETY: `parent.as_raw()` is a valid device; the core allocates the controller and a
        // zeroed private area of `size` bytes, aligned for DMA (so for any `T`).
        let raw = unsafe { bindings::spi_alloc_host(parent.as_raw(), size) };
        let raw = NonNull::new(raw).ok_or(ENOMEM)?;
        // SAFETY: `raw` is a freshly allocated controller.
        let inner =
            unsafe { bindings::spi_controller_get_devdata(raw.as_ptr()) }.cast::<Inner<T>>();

        // SAFETY: `inner` is valid for writes of `Inner<T>`, not yet shared, and never moves
        // (it lives inside the controller allocation).
        let init = unsafe { pin_init::raw_try_init(&raw mut (*inner).data, data) };
        if let Err(e) = init {
            // SAFETY: `raw` came from `spi_alloc_host` and is not used afterwards; `data` was
            // not initialized, so nothing needs dropping.
            unsafe { bindings::spi_controller_put(raw.as_ptr()) };
            return Err(e);
        }

        // SAFETY: `raw` is valid and not shared yet: install the ops and our release, which
        // drops `data` before handing over to the core's. `dev.class`, when set, points to the
        // SPI core's static class.
        unsafe {
            let c = raw.as_ptr();
            // The device core calls `dev.release` in place of the class's `dev_release`, which
            // is where the SPI core puts its own (freeing the controller): chain to whichever
            // would have run.
            let class = (*c).dev.class;
            let core = (*c).dev.release.or(if class.is_null() {
                None
            } else {
                (*class).dev_release
            });
            (&raw mut (*inner).core_release).write(core);
            (&raw mut (*inner).irq).write(None);
            (&raw mut (*inner).registered).write(AtomicFlag::new(false));
            (*c).dev.release = Some(Adapter::<T>::release);
            Adapter::<T>::install_ops(c);
        }

        // SAFETY: `raw` is valid with refcount 1, which the `ARef` takes over.
        let ctlr = unsafe { ARef::from_raw(raw.cast::<Self>()) };
        Ok(UnregisteredController {
            ctlr,
            parent,
            irq: None,
        })
    }
}

// SAFETY: Reference counting of the controller is that of its embedded `struct device`.
unsafe impl<T: ControllerOps> AlwaysRefCounted for Controller<T> {
    fn inc_ref(&self) {
        // SAFETY: By the type invariant the embedded device is valid.
        unsafe { bindings::get_device(&raw mut (*self.as_raw()).dev) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: The caller owns a reference to a valid controller.
        unsafe { bindings::put_device(&raw mut (*obj.as_ref().as_raw()).dev) };
    }
}

// SAFETY: The controller is shared with the SPI core, which synchronizes its own accesses; the
// driver data `T` is `Send + Sync`.
unsafe impl<T: ControllerOps> Send for Controller<T> {}

// SAFETY: See `Send`; `&Controller` only gives shared access to `T`.
unsafe impl<T: ControllerOps> Sync for Controller<T> {}

/// A controller not yet registered: its capabilities can still be set.
pub struct UnregisteredController<'a, T: ControllerOps> {
    ctlr: ARef<Controller<T>>,
    parent: &'a device::Device<Bound>,
    irq: Option<u32>,
}

impl<T: ControllerOps> UnregisteredController<'_, T> {
    fn raw(&mut self) -> *mut bindings::spi_controller {
        self.ctlr.as_raw()
    }

    /// Sets the number of chip selects.
    pub fn set_num_chipselect(&mut self, n: u16) -> &mut Self {
        // SAFETY: The controller is valid and not registered, so nothing else accesses it.
        unsafe { (*self.raw()).num_chipselect = n };
        self
    }

    /// Sets the mode bits the controller supports (see [`super::mode`]); the core refuses
    /// devices asking for others.
    pub fn set_mode_bits(&mut self, bits: u32) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).mode_bits = bits };
        self
    }

    /// Sets the word sizes the controller supports (see [`super::bpw_mask`]).
    pub fn set_bits_per_word_mask(&mut self, mask: u32) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).bits_per_word_mask = mask };
        self
    }

    /// Sets the lowest and highest clock rates the controller can make, in Hz.
    pub fn set_speed_range(&mut self, min_hz: u32, max_hz: u32) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe {
            (*self.raw()).min_speed_hz = min_hz;
            (*self.raw()).max_speed_hz = max_hz;
        }
        self
    }

    /// Sets the controller flags (see [`super::flags`]).
    pub fn set_flags(&mut self, flags: u16) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).flags = flags };
        self
    }

    /// Lets the core take a runtime PM reference on the parent device around each message run,
    /// and drop it (with autosuspend) when idle.
    pub fn set_auto_runtime_pm(&mut self, on: bool) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).auto_runtime_pm = on };
        self
    }

    /// Sets the bus number (`-1`, the default, lets the core choose).
    pub fn set_bus_num(&mut self, n: i16) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).bus_num = n };
        self
    }

    /// Registers the controller; it is unregistered when the parent device is unbound.
    pub fn register(self) -> Result<ARef<Controller<T>>> {
        self.finish()
    }

    /// Requests `irq` for the controller, handled by [`ControllerOps::handle_irq`], then
    /// registers the controller. At unbind the controller is unregistered first, then the
    /// interrupt freed, so the handler never runs without its controller.
    pub fn register_with_irq(
        mut self,
        irq: IrqRequest<'_>,
        flags: irq::Flags,
    ) -> Result<ARef<Controller<T>>> {
        build_assert!(
            T::HAS_HANDLE_IRQ,
            "register_with_irq needs ControllerOps::handle_irq"
        );
        let raw = self.raw();
        // SAFETY: `irq` is a valid interrupt of the bound parent; the handler's data is the
        // controller, which the registration keeps alive until after `free_irq`; the name is
        // the parent's, which outlives the binding.
        to_result(unsafe {
            bindings::request_irq(
                irq.irq(),
                Some(Adapter::<T>::irq_handler),
                flags.into_inner(),
                bindings::dev_name(self.parent.as_raw()),
                raw.cast(),
            )
        })?;
        self.irq = Some(irq.irq());
        // SAFETY: The controller is not registered yet, so nothing reads `irq` concurrently.
        unsafe { (*self.ctlr.inner()).irq = Some(irq.irq()) };
        self.finish()
    }

    fn finish(self) -> Result<ARef<Controller<T>>> {
        let raw = self.ctlr.as_raw();
        // Target devices are probed, and do I/O, during registration.
        self.ctlr.registered().store(true, Relaxed);
        // SAFETY: `raw` is a valid, fully set up controller.
        if let Err(e) = to_result(unsafe { bindings::spi_register_controller(raw) }) {
            self.ctlr.registered().store(false, Relaxed);
            if let Some(irq) = self.irq {
                // SAFETY: Requested above with `raw` as its data.
                unsafe { bindings::free_irq(irq, raw.cast()) };
            }
            return Err(e);
        }
        let registration = Registration {
            ctlr: self.ctlr.clone(),
            irq: self.irq,
        };
        devres::register(self.parent, registration, GFP_KERNEL)?;
        Ok(self.ctlr)
    }
}

impl<T: ControllerOps> Deref for UnregisteredController<'_, T> {
    type Target = Controller<T>;

    fn deref(&self) -> &Controller<T> {
        &self.ctlr
    }
}

/// Keeps a controller registered; dropped by devres when the parent is unbound.
struct Registration<T: ControllerOps> {
    ctlr: ARef<Controller<T>>,
    irq: Option<u32>,
}

impl<T: ControllerOps> Drop for Registration<T> {
    fn drop(&mut self) {
        let raw = self.ctlr.as_raw();
        // SAFETY: The controller was registered by `finish`. This removes the target devices,
        // but a client that still holds one may go on calling `spi_sync()`.
        unsafe { bindings::spi_unregister_controller(raw) };
        // Fence the driver off: every callback that gets a bound device runs under `io_mutex`,
        // so once this is done none is running and none will reach the driver again.
        // SAFETY: `io_mutex` was initialized by the core when the controller was allocated.
        unsafe { bindings::mutex_lock(&raw mut (*raw).io_mutex) };
        self.ctlr.registered().store(false, Relaxed);
        // SAFETY: Locked just above.
        unsafe { bindings::mutex_unlock(&raw mut (*raw).io_mutex) };
        if let Some(irq) = self.irq {
            // SAFETY: Requested in `register_with_irq` with `raw` as its data.
            unsafe { bindings::free_irq(irq, raw.cast()) };
        }
    }
}

/// Bridges the C callbacks of `struct spi_controller` to [`ControllerOps`].
struct Adapter<T>(PhantomData<T>);

impl<T: ControllerOps> Adapter<T> {
    /// Sets the callbacks `T` implements; the others stay `NULL`.
    ///
    /// # Safety
    ///
    /// `c` must be a valid controller that is not registered yet.
    unsafe fn install_ops(c: *mut bindings::spi_controller) {
        // SAFETY: The caller guarantees `c` is valid and exclusively ours.
        let c = unsafe { &mut *c };
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
    /// `dev` must be the embedded device of a controller allocated by [`Controller::new`] for
    /// `T`, whose last reference is gone.
    unsafe extern "C" fn release(dev: *mut bindings::device) {
        // SAFETY: The caller guarantees `dev` is embedded in a `spi_controller`.
        let c = unsafe { container_of!(dev, bindings::spi_controller, dev) };
        // SAFETY: The private area holds an initialized `Inner<T>` (type invariant of
        // `Controller`), which nobody can reach any more.
        let inner = unsafe { bindings::spi_controller_get_devdata(c) }.cast::<Inner<T>>();
        // SAFETY: As above; `data` is dropped exactly once, here.
        let core_release = unsafe {
            core::ptr::drop_in_place(&raw mut (*inner).data);
            (*inner).core_release
        };
        match core_release {
            // SAFETY: The core's release for this device, which frees the controller.
            Some(release) => unsafe { release(dev) },
            None => pr_err!("spi: controller without a release function leaked\n"),
        }
    }

    /// The controller and its bound parent, or `None` once the controller is unregistered.
    ///
    /// # Safety
    ///
    /// `c` must be a controller of `T`, and the caller must hold its `io_mutex` (as the core
    /// does around these callbacks) or be its interrupt handler.
    unsafe fn ctlr<'a>(
        c: *mut bindings::spi_controller,
    ) -> Option<(&'a Controller<T>, &'a device::Device<Bound>)> {
        // SAFETY: The caller guarantees `c` is a controller of `T`.
        let ctlr = unsafe { Controller::<T>::from_raw(c) };
        if !ctlr.registered().load(Relaxed) {
            return None;
        }
        // SAFETY: `registered` is cleared under `io_mutex`, which the caller holds, before the
        // parent is unbound and its resources released; the interrupt is freed after that and
        // before the resources too. So the parent is bound for as long as the caller runs.
        let parent = unsafe { ctlr.bound_parent() };
        Some((ctlr, parent))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn transfer_one(
        c: *mut bindings::spi_controller,
        spi: *mut bindings::spi_device,
        xfer: *mut bindings::spi_transfer,
    ) -> c_int {
        // SAFETY: The core calls this under `io_mutex` for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid device and a transfer that is ours until we return
        // (or finalize it).
        let (spi, xfer) = unsafe { (Device::from_raw(spi), Transfer::from_raw(xfer)) };
        match T::transfer_one(ctlr, spi, xfer, parent) {
            Ok(TransferStatus::Done) => 0,
            Ok(TransferStatus::InProgress) => 1,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn set_cs(spi: *mut bindings::spi_device, high: bool) {
        // SAFETY: The core calls this under `io_mutex` with a valid device of a controller of
        // ours.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr((*spi).controller) }) else {
            return;
        };
        // SAFETY: As above.
        let spi = unsafe { Device::from_raw(spi) };
        T::set_cs(ctlr, spi, high, parent);
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn setup(spi: *mut bindings::spi_device) -> c_int {
        // SAFETY: The core calls this with a valid device whose controller (ours) it holds a
        // reference to.
        let (ctlr, spi) = unsafe {
            (
                Controller::<T>::from_raw((*spi).controller),
                Device::from_raw(spi),
            )
        };
        from_result(|| T::setup(ctlr, spi).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn cleanup(spi: *mut bindings::spi_device) {
        // SAFETY: As in `setup`.
        let (ctlr, spi) = unsafe {
            (
                Controller::<T>::from_raw((*spi).controller),
                Device::from_raw(spi),
            )
        };
        T::cleanup(ctlr, spi);
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn prepare_message(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) -> c_int {
        // SAFETY: The core calls this under `io_mutex` for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        from_result(|| T::prepare_message(ctlr, msg, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn unprepare_message(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) -> c_int {
        // SAFETY: As in `prepare_message`.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        from_result(|| T::unprepare_message(ctlr, msg, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn prepare_transfer_hardware(c: *mut bindings::spi_controller) -> c_int {
        // SAFETY: The core calls this under `io_mutex` for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        from_result(|| T::prepare_transfer_hardware(ctlr, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn unprepare_transfer_hardware(c: *mut bindings::spi_controller) -> c_int {
        // SAFETY: The core calls this under `io_mutex` for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(c) }) else {
            return 0;
        };
        from_result(|| T::unprepare_transfer_hardware(ctlr, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn handle_err(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) {
        // SAFETY: As in `prepare_message`.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(c) }) else {
            return;
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        T::handle_err(ctlr, msg, parent);
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn irq_handler(_irq: c_int, data: *mut c_void) -> bindings::irqreturn_t {
        // SAFETY: `data` is the controller given to `request_irq`, which stays valid until
        // after `free_irq`.
        let Some((ctlr, parent)) = (unsafe { Self::ctlr(data.cast()) }) else {
            return bindings::irqreturn_t(IrqReturn::None as c_uint);
        };
        bindings::irqreturn_t(T::handle_irq(ctlr, parent) as c_uint)
    }
}
