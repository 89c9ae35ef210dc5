// SPDX-License-Identifier: GPL-2.0

//! SPI controllers: the ops trait, allocation, settings and device-managed registration.

use super::{ControllerFlags, Device, Message, Modes, Transfer};
use crate::{
    bindings,
    device::{self, Bound},
    devres::Devres,
    error::{from_result, to_result, VTABLE_DEFAULT_ERROR},
    irq::{self, IrqRequest, IrqReturn},
    prelude::*,
    str::CString,
    sync::{
        aref::{ARef, AlwaysRefCounted},
        atomic::{AtomicFlag, Relaxed},
    },
    types::Opaque,
};
use core::{marker::PhantomData, mem::ManuallyDrop, ptr::NonNull};

/// How [`ControllerOps::transfer_one`] left a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferStatus {
    /// The transfer is complete.
    Done,
    /// The transfer goes on without the caller; the driver calls
    /// [`Controller::finalize_current_transfer`] when it is complete, typically from its
    /// interrupt handler. The core waits for that with a timeout derived from the transfer's
    /// length and speed, and fails the message with `ETIMEDOUT` if it does not come.
    ///
    /// A driver that moves the data itself, in steps each ended by an interrupt, keeps its own
    /// [`Completion`](crate::sync::Completion) for them and returns [`TransferStatus::Done`].
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

/// What the controller's private area holds: the driver's data, and the state the abstraction
/// keeps beside it.
#[repr(C)]
struct Inner<T> {
    /// The interrupt requested by [`UnregisteredController::register_with_irq`]; written only
    /// before the controller is registered.
    irq: Option<u32>,
    /// Whether the controller is registered. Set before registration; cleared when the
    /// registration is dropped, after the message pump has stopped and under the bus lock
    /// (held by every other caller of the callbacks that get a bound device), before the
    /// parent's resources are released.
    registered: AtomicFlag,
    /// Dropped by whoever owns the controller for the driver: [`UnregisteredController`] if it
    /// is never registered, [`Registration`] after unregistration. Not at the final release of
    /// the controller, which may come after the module is gone (a client can hold the
    /// controller longer), and runs the core's release only, as for a C driver.
    data: ManuallyDrop<T>,
}

/// An SPI controller (`struct spi_controller`) with driver data `T`.
///
/// Drivers see it as `&Controller<T>`: in the callbacks, from an [`UnregisteredController`]
/// before registration and from a [`Registration`] while it lives, which is when `T` lives.
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_controller` allocated by [`Controller::new`], whose private
/// area holds an initialized `Inner<T>`; its `data` is initialized for as long as a
/// `&Controller<T>` is reachable by the driver (see `Inner::data`).
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
        // SAFETY: By the type invariant `data` is initialized while `self` is reachable, and it
        // is only ever accessed shared.
        unsafe { &(*self.inner()).data }
    }

    /// Drops the driver's data.
    ///
    /// # Safety
    ///
    /// Called once, by the owner of the driver's data ([`UnregisteredController`] or
    /// [`Registration`]), when no callback, interrupt handler or borrow can reach it any more.
    unsafe fn drop_data(&self) {
        // SAFETY: `data` is initialized (type invariant) and, by the caller's guarantee,
        // unreachable from now on.
        unsafe { ManuallyDrop::drop(&mut (*self.inner()).data) };
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
    /// called from any context, including hard IRQ.
    pub fn finalize_current_transfer(&self) {
        // SAFETY: By the type invariant `self.as_raw()` is a valid controller.
        unsafe { bindings::spi_finalize_current_transfer(self.as_raw()) };
    }

    /// Waits for the instances of the controller's interrupt handler that are running to finish.
    ///
    /// For a driver that gave up waiting for its interrupt: a handler that starts later, for an
    /// interrupt latched before the source was stopped, must find the driver's own state
    /// telling it that nobody waits.
    pub fn synchronize_irq(&self) {
        if let Some(irq) = self.irq() {
            // SAFETY: `irq` is the controller's requested interrupt, freed only after the
            // controller is unregistered.
            unsafe { bindings::synchronize_irq(irq) };
        }
    }

    /// The controller and its bound parent, or `None` once the controller is unregistered.
    ///
    /// # Safety
    ///
    /// `c` must be a controller of `T`, and the caller must be one of the core's callbacks
    /// that reach the hardware (made by the message pump or by a caller holding the bus lock,
    /// such as spi-mem's `exec_op`) or the controller's interrupt handler.
    pub(super) unsafe fn bound<'a>(
        c: *mut bindings::spi_controller,
    ) -> Option<(&'a Self, &'a device::Device<Bound>)> {
        // SAFETY: The caller guarantees `c` is a controller of `T`.
        let ctlr = unsafe { Self::from_raw(c) };
        if !ctlr.registered().load(Relaxed) {
            return None;
        }
        // SAFETY: `registered` is cleared after the message pump has stopped and under the bus
        // lock, before the parent is unbound and its resources released (the registration is
        // dropped with the driver's data or, at the latest, by devres before the resources
        // acquired earlier); the interrupt is freed after that and before the resources too.
        // So the parent is bound for as long as the caller runs.
        let parent = unsafe { ctlr.bound_parent() };
        Some((ctlr, parent))
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

    /// Allocates a controller for `parent` with the driver data `data`.
    ///
    /// The controller is set up with the operations of `T`; set its capabilities on the
    /// returned [`UnregisteredController`], then register it.
    #[allow(clippy::new_ret_no_self)]
    pub fn new<'a>(
        parent: &'a device::Device<Bound>,
        data: impl PinInit<T, Error>,
    ) -> Result<UnregisteredController<'a, T>> {
        // The private area follows `struct spi_controller` in one `kzalloc`, aligned for DMA,
        // which on some architectures (riscv) is no stricter than kmalloc's minimum: data that
        // needs more cannot live there.
        const {
            assert!(
                core::mem::align_of::<Inner<T>>() <= bindings::ARCH_KMALLOC_MINALIGN,
                "SPI controller data needs more alignment than the private area has"
            )
        };
        let size = u32::try_from(core::mem::size_of::<Inner<T>>()).map_err(|_| EINVAL)?;
        // SAFETY: `parent.as_raw()` is a valid device; the core allocates the controller and a
        // zeroed private area of `size` bytes, aligned at least to `ARCH_KMALLOC_MINALIGN`
        // (checked above to be enough for `Inner<T>`).
        let raw = unsafe { bindings::spi_alloc_host(parent.as_raw(), size) };
        let raw = NonNull::new(raw).ok_or(ENOMEM)?;
        // SAFETY: `raw` is a freshly allocated controller.
        let inner =
            unsafe { bindings::spi_controller_get_devdata(raw.as_ptr()) }.cast::<Inner<T>>();

        // SAFETY: `inner` is valid for writes of `Inner<T>`, not yet shared, and never moves
        // (it lives inside the controller allocation); `ManuallyDrop<T>` has `T`'s layout.
        let init = unsafe { pin_init::raw_try_init((&raw mut (*inner).data).cast::<T>(), data) };
        if let Err(e) = init {
            // SAFETY: `raw` came from `spi_alloc_host` and is not used afterwards; `data` was
            // not initialized, so nothing needs dropping.
            unsafe { bindings::spi_controller_put(raw.as_ptr()) };
            return Err(e);
        }

        // SAFETY: `raw` is valid and not shared yet: initialize the rest of `Inner<T>` and
        // install the ops.
        unsafe {
            (&raw mut (*inner).irq).write(None);
            (&raw mut (*inner).registered).write(AtomicFlag::new(false));
            Adapter::<T>::install_ops(raw.as_ptr());
        }

        // SAFETY: `raw` is valid with refcount 1, which the `ARef` takes over.
        let ctlr = unsafe { ARef::from_raw(raw.cast::<Self>()) };
        Ok(UnregisteredController { ctlr, parent })
    }
}

// SAFETY: Reference counting of the controller is that of its embedded `struct device`. The
// references are the abstraction's own ([`UnregisteredController`], [`Registration`] and the
// interrupt handler it holds): the driver's data does not outlive them.
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
///
/// Dropping it without registering drops the driver's data and the controller.
pub struct UnregisteredController<'a, T: ControllerOps> {
    ctlr: ARef<Controller<T>>,
    parent: &'a device::Device<Bound>,
}

impl<T: ControllerOps> Drop for UnregisteredController<'_, T> {
    fn drop(&mut self) {
        // SAFETY: The controller was never registered, so no callback can reach the data, and
        // no interrupt handler either (an interrupt requested by `register_with_irq` goes to
        // `finish`, which frees it before giving up); `finish` does not run this drop.
        unsafe { self.ctlr.drop_data() };
    }
}

impl<T: ControllerOps> UnregisteredController<'_, T> {
    pub(super) fn raw(&mut self) -> *mut bindings::spi_controller {
        self.ctlr.as_raw()
    }

    /// The driver's data, e.g. to bring the hardware up before registering.
    ///
    /// Only the data: the controller's own services (such as the transfer completion) are set
    /// up by the core at registration.
    pub fn data(&self) -> &T {
        self.ctlr.data()
    }

    /// Sets the number of chip selects.
    pub fn set_num_chipselect(&mut self, n: u16) -> &mut Self {
        // SAFETY: The controller is valid and not registered, so nothing else accesses it.
        unsafe { (*self.raw()).num_chipselect = n };
        self
    }

    /// Sets the mode bits the controller supports; the core refuses devices asking for others.
    pub fn set_mode_bits(&mut self, modes: Modes) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).mode_bits = u32::from(modes) };
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

    /// Sets the controller's constraints.
    pub fn set_flags(&mut self, flags: ControllerFlags) -> &mut Self {
        // SAFETY: As in `set_num_chipselect`.
        unsafe { (*self.raw()).flags = u16::from(flags) };
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

    /// Registers the controller.
    ///
    /// It stays registered while the returned [`Registration`] lives, and at most until the
    /// parent device is unbound. A driver keeps the registration in its device data, so that
    /// the controller is unregistered while that data, and the parent's runtime PM state, are
    /// still intact: target drivers do I/O in their own remove.
    pub fn register(self) -> Result<Devres<Registration<T>>> {
        self.finish(None)
    }

    /// Requests `irq` for the controller, handled by [`ControllerOps::handle_irq`], then
    /// registers the controller as [`UnregisteredController::register`] does. When the
    /// registration goes, the controller is unregistered first, then the interrupt freed, so
    /// the handler never runs without its controller. The interrupt is named after the parent
    /// device.
    pub fn register_with_irq(
        self,
        irq: IrqRequest<'_>,
        flags: irq::Flags,
    ) -> Result<Devres<Registration<T>>> {
        build_assert!(
            T::HAS_HANDLE_IRQ,
            "register_with_irq needs ControllerOps::handle_irq"
        );
        if !core::ptr::eq(irq.dev().as_raw(), self.parent.as_raw()) {
            dev_err!(
                self.parent,
                "SPI controller interrupt requested from another device\n"
            );
            return Err(EINVAL);
        }
        let number = irq.irq();
        let name = CString::try_from(self.parent.name())?;
        // SAFETY: The string's buffer does not move with the `CString`, which goes into the
        // same `ControllerIrq` as the IRQ registration and is dropped after it.
        let name_ref = unsafe { &*core::ptr::from_ref::<CStr>(&name) };
        // SAFETY: Only the lifetime changes. It stands for the binding of the interrupt's
        // device, the parent (checked above), which the IRQ registration does not outlive:
        // `finish` drops it on failure, and otherwise it lives in the `Registration`, inside a
        // `Devres` of the parent.
        let request = unsafe { core::mem::transmute::<IrqRequest<'_>, IrqRequest<'static>>(irq) };
        let handler = Ok::<_, Error>(IrqHandler(self.ctlr.clone()));
        // SAFETY: The registration is never forgotten: it is dropped as said above.
        let registration = unsafe { irq::Registration::new(request, flags, name_ref, handler) };
        let registration = KBox::pin_init(registration, GFP_KERNEL)?;
        // SAFETY: The controller is not registered yet, so nothing reads `irq` concurrently.
        unsafe { (*self.ctlr.inner()).irq = Some(number) };
        self.finish(Some(ControllerIrq {
            _registration: registration,
            _name: name,
        }))
    }

    fn finish(self, irq: Option<ControllerIrq<T>>) -> Result<Devres<Registration<T>>> {
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is not used after this, and never dropped: the reference moves out,
        // and with it the ownership of the driver's data.
        let ctlr = unsafe { core::ptr::read(&this.ctlr) };
        let parent = this.parent;
        let raw = ctlr.as_raw();
        // Target devices are probed, and do I/O, during registration.
        ctlr.registered().store(true, Relaxed);
        // SAFETY: `raw` is a valid, fully set up controller.
        if let Err(e) = to_result(unsafe { bindings::spi_register_controller(raw) }) {
            ctlr.registered().store(false, Relaxed);
            // Frees the interrupt, after a running handler returned.
            drop(irq);
            // SAFETY: The controller is not registered and its interrupt is freed: nothing
            // reaches the data any more.
            unsafe { ctlr.drop_data() };
            return Err(e);
        }
        let registration = Registration { ctlr, irq };
        // On failure the registration is dropped: unregistered again.
        Devres::new(parent, registration)
    }
}

/// The controller's interrupt handler, registered by
/// [`UnregisteredController::register_with_irq`].
struct IrqHandler<T: ControllerOps>(ARef<Controller<T>>);

impl<T: ControllerOps> irq::Handler for IrqHandler<T> {
    fn handle(&self) -> IrqReturn {
        // SAFETY: This is the interrupt handler of the controller, whose driver data is `T`.
        match unsafe { Controller::<T>::bound(self.0.as_raw()) } {
            Some((ctlr, parent)) => T::handle_irq(ctlr, parent),
            None => IrqReturn::None,
        }
    }
}

/// The controller's interrupt as the IRQ core holds it, and the name it shows under.
///
/// The order of the fields is the order they are dropped in, which matters.
struct ControllerIrq<T: ControllerOps> {
    /// Frees the interrupt when dropped, after a running handler returned.
    _registration: Pin<KBox<irq::Registration<'static, IrqHandler<T>>>>,
    /// The interrupt's name, borrowed by `_registration`, so dropped after it.
    _name: CString,
}

/// A registered controller; unregistered when dropped, and the driver's data with it.
///
/// Handed out inside a [`Devres`], so it cannot outlive the parent's binding even if the
/// driver leaks it.
pub struct Registration<T: ControllerOps> {
    ctlr: ARef<Controller<T>>,
    irq: Option<ControllerIrq<T>>,
}

impl<T: ControllerOps> Registration<T> {
    /// The registered controller.
    pub fn controller(&self) -> &Controller<T> {
        &self.ctlr
    }

    /// Stops the controller's message queue for system sleep (`spi_controller_suspend`).
    ///
    /// On failure the controller is left running: the core marks it suspended even when its
    /// queue did not stop, which would refuse every later message.
    pub fn suspend(&self) -> Result {
        // SAFETY: The controller is registered (type invariant of `Registration`), so its
        // queue exists.
        let result = to_result(unsafe { bindings::spi_controller_suspend(self.ctlr.as_raw()) });
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

impl<T: ControllerOps> Drop for Registration<T> {
    fn drop(&mut self) {
        let raw = self.ctlr.as_raw();
        // SAFETY: The controller was registered by `finish`. This removes the target devices,
        // stops the message queue and its kthread; a client that still holds a device may go
        // on calling `spi_sync()`.
        unsafe { bindings::spi_unregister_controller(raw) };
        // Fence the driver off. With the queue stopped, the callbacks that get a bound device
        // run only for callers holding the bus lock (`spi_sync()`, spi-mem operations), so
        // once the bus lock is ours none is running, and none will reach the driver again.
        // SAFETY: The controller is valid; `spi_bus_lock()` sleeps, which a drop may.
        unsafe { bindings::spi_bus_lock(raw) };
        self.ctlr.registered().store(false, Relaxed);
        // SAFETY: Locked just above.
        unsafe { bindings::spi_bus_unlock(raw) };
        // Frees the interrupt, after a running handler returned (it found the fence up or
        // finished with the driver's data).
        drop(self.irq.take());
        // SAFETY: No callback reaches the data past the fence and the interrupt is freed; the
        // driver's borrows of the controller go through `self`, which is being dropped. The
        // data goes now, while the module is loaded, not at the controller's final release.
        unsafe { self.ctlr.drop_data() };
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
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn transfer_one(
        c: *mut bindings::spi_controller,
        spi: *mut bindings::spi_device,
        xfer: *mut bindings::spi_transfer,
    ) -> c_int {
        // SAFETY: The core calls this from the message pump for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound(c) }) else {
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
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn set_cs(spi: *mut bindings::spi_device, high: bool) {
        // SAFETY: The core calls this from the message pump with a valid device of a controller of
        // ours.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound((*spi).controller) }) else {
            return;
        };
        // SAFETY: As above.
        let spi = unsafe { Device::from_raw(spi) };
        T::set_cs(ctlr, spi, high, parent);
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
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
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
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
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn prepare_message(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) -> c_int {
        // SAFETY: The core calls this from the message pump for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        from_result(|| T::prepare_message(ctlr, msg, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn unprepare_message(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) -> c_int {
        // SAFETY: As in `prepare_message`.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        from_result(|| T::unprepare_message(ctlr, msg, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn prepare_transfer_hardware(c: *mut bindings::spi_controller) -> c_int {
        // SAFETY: The core calls this from the message pump for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        from_result(|| T::prepare_transfer_hardware(ctlr, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn unprepare_transfer_hardware(c: *mut bindings::spi_controller) -> c_int {
        // SAFETY: The core calls this from the message pump for a controller of ours.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound(c) }) else {
            return 0;
        };
        from_result(|| T::unprepare_transfer_hardware(ctlr, parent).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the SPI core, as a callback of a controller allocated by
    /// [`Controller::new`] for `T`, with pointers to live objects.
    unsafe extern "C" fn handle_err(
        c: *mut bindings::spi_controller,
        msg: *mut bindings::spi_message,
    ) {
        // SAFETY: As in `prepare_message`.
        let Some((ctlr, parent)) = (unsafe { Controller::<T>::bound(c) }) else {
            return;
        };
        // SAFETY: The core passes a valid message.
        let msg = unsafe { Message::from_raw(msg) };
        T::handle_err(ctlr, msg, parent);
    }
}
