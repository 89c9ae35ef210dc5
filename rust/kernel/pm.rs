// SPDX-License-Identifier: GPL-2.0

//! Device power management: runtime PM, and PM callbacks (`struct dev_pm_ops`) for platform
//! drivers.
//!
//! A platform driver that implements [`PlatformPmOps`] and is declared with
//! [`module_platform_driver_pm!`](crate::module_platform_driver_pm) gets its runtime and system
//! sleep callbacks called with its bus device private data. Callbacks it does not implement stay
//! `NULL`.
//!
//! C headers: [`include/linux/pm.h`](srctree/include/linux/pm.h),
//! [`include/linux/pm_runtime.h`](srctree/include/linux/pm_runtime.h).

use crate::{
    bindings, container_of,
    device::{self, Bound},
    driver,
    error::{from_result, VTABLE_DEFAULT_ERROR},
    platform,
    prelude::*,
    types::Opaque,
    ThisModule,
};
use core::marker::PhantomData;

/// Runtime PM of a device.
pub mod runtime {
    use crate::{
        bindings,
        device::{Bound, Device},
        prelude::*,
        time::Delta,
    };

    /// Enables runtime PM for `dev`, which is powered now, suspending it after `delay` without
    /// use (autosuspend). Undone when the device is unbound. Does nothing without `CONFIG_PM`.
    pub fn enable_autosuspend(dev: &Device<Bound>, delay: Delta) -> Result {
        let ms = i32::try_from(delay.as_millis()).map_err(|_| EINVAL)?;
        #[cfg(CONFIG_PM)]
        {
            // SAFETY: `dev` is a valid, bound device.
            unsafe { bindings::pm_runtime_set_autosuspend_delay(dev.as_raw(), ms) };
            // SAFETY: As above.
            unsafe { bindings::pm_runtime_use_autosuspend(dev.as_raw()) };
            // SAFETY: As above. This marks the device active and enables runtime PM; devres
            // disables it (and autosuspend) and marks it suspended at unbind.
            let enabled = crate::error::to_result(unsafe {
                bindings::devm_pm_runtime_set_active_enabled(dev.as_raw())
            });
            if enabled.is_err() {
                // Devres undoes autosuspend only with the rest: on failure it is ours to undo.
                // SAFETY: As above.
                unsafe { bindings::pm_runtime_dont_use_autosuspend(dev.as_raw()) };
            }
            enabled
        }
        #[cfg(not(CONFIG_PM))]
        {
            let _ = (dev, ms);
            Ok(())
        }
    }

    /// Records that the device was just in use, restarting its autosuspend delay.
    pub fn mark_last_busy(dev: &Device) {
        // SAFETY: `dev` is a valid device.
        unsafe { bindings::pm_runtime_mark_last_busy(dev.as_raw()) };
    }
}

/// A system sleep transition of a device under way: what the driver's
/// [`PlatformPmOps::suspend`] and [`PlatformPmOps::resume`] get, and only they.
///
/// Forcing a runtime suspend or resume calls the driver's runtime callback directly, past the
/// runtime PM usage count that otherwise keeps those callbacks away while the driver's data is
/// dropped at unbind. The PM core calls the system sleep callbacks under the device lock,
/// which unbind holds too, so the data stays in place for as long as this exists.
///
/// # Invariants
///
/// `dev` is a device whose driver's system sleep callback is running, under the device lock,
/// for as long as this exists; only the adapter's callbacks make one.
pub struct SystemSleep<'a> {
    dev: &'a device::Device<Bound>,
}

impl SystemSleep<'_> {
    /// Suspends the device through its runtime suspend callback, unless it is
    /// runtime-suspended already (`pm_runtime_force_suspend`). Does nothing without
    /// `CONFIG_PM`.
    pub fn force_suspend(&self) -> Result {
        #[cfg(CONFIG_PM)]
        {
            // SAFETY: The device is valid, and its driver's data stays in place for the call
            // (type invariant): the runtime callback this calls can reach it.
            crate::error::to_result(unsafe {
                bindings::pm_runtime_force_suspend(self.dev.as_raw())
            })
        }
        #[cfg(not(CONFIG_PM))]
        {
            let _ = self.dev;
            Ok(())
        }
    }

    /// Undoes [`Self::force_suspend`] on system resume (`pm_runtime_force_resume`). Fails with
    /// `ENXIO` without `CONFIG_PM_SLEEP`, as the C function does (nothing calls it then).
    pub fn force_resume(&self) -> Result {
        #[cfg(CONFIG_PM_SLEEP)]
        {
            // SAFETY: As in `force_suspend`.
            crate::error::to_result(unsafe { bindings::pm_runtime_force_resume(self.dev.as_raw()) })
        }
        #[cfg(not(CONFIG_PM_SLEEP))]
        {
            let _ = self.dev;
            Err(ENXIO)
        }
    }
}

/// PM callbacks of a platform driver.
///
/// Each gets the platform device and the driver's bus device private data. A callback that
/// comes while the device has no private data (during probe, before it is set, or after
/// unbind) is refused with `EBUSY` without calling the driver.
#[vtable]
pub trait PlatformPmOps: platform::Driver + 'static {
    /// Runtime suspend: the device has been idle; power it down.
    fn runtime_suspend<'a>(
        _pdev: &'a platform::Device<Bound>,
        _data: Pin<&'a Self::Data<'a>>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// Runtime resume: power the device up and restore its state.
    fn runtime_resume<'a>(
        _pdev: &'a platform::Device<Bound>,
        _data: Pin<&'a Self::Data<'a>>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// System sleep: suspend (also used for freeze and poweroff).
    fn suspend<'a>(
        _pdev: &'a platform::Device<Bound>,
        _data: Pin<&'a Self::Data<'a>>,
        _sleep: &SystemSleep<'a>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// System sleep: resume (also used for thaw and restore).
    fn resume<'a>(
        _pdev: &'a platform::Device<Bound>,
        _data: Pin<&'a Self::Data<'a>>,
        _sleep: &SystemSleep<'a>,
    ) -> Result {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

/// Registers a platform driver like [`platform::Adapter`] does, with the `dev_pm_ops` of
/// [`PlatformPmOps`] installed.
pub struct PlatformAdapter<T>(PhantomData<T>);

// SAFETY: Same layout as `platform::Adapter<T>`: a `struct platform_driver` embedding a
// `struct device_driver` at `DEVICE_DRIVER_OFFSET`, with `T::Data` as private data.
unsafe impl<T: PlatformPmOps> driver::DriverLayout for PlatformAdapter<T> {
    type DriverType = bindings::platform_driver;
    type DriverData<'bound> = T::Data<'bound>;
    const DEVICE_DRIVER_OFFSET: usize = core::mem::offset_of!(bindings::platform_driver, driver);
}

// SAFETY: Delegates to `platform::Adapter<T>`, which upholds the contract, after setting the
// `pm` field that it leaves alone.
unsafe impl<T: PlatformPmOps> driver::RegistrationOps for PlatformAdapter<T> {
    unsafe fn register(
        pdrv: &Opaque<Self::DriverType>,
        name: &'static CStr,
        module: &'static ThisModule,
    ) -> Result {
        // SAFETY: `pdrv` is valid and not registered yet; `PM_OPS` is promoted to a static.
        unsafe { (*pdrv.get()).driver.pm = &Self::PM_OPS };
        // Our own post-unbind step, in place of the generic one that `driver::Registration` set
        // before calling us: it drops the data the same way, with the device held active.
        // SAFETY: As above.
        unsafe { (*pdrv.get()).driver.p_cb.post_unbind_rust = Some(Self::post_unbind) };
        // SAFETY: Forwarded from our caller, who upholds the same contract.
        unsafe { <platform::Adapter<T> as driver::RegistrationOps>::register(pdrv, name, module) }
    }

    unsafe fn unregister(pdrv: &Opaque<Self::DriverType>) {
        // SAFETY: Forwarded from our caller, who upholds the same contract.
        unsafe { <platform::Adapter<T> as driver::RegistrationOps>::unregister(pdrv) }
    }
}

impl<T: PlatformPmOps> PlatformAdapter<T> {
    const PM_OPS: bindings::dev_pm_ops = {
        let mut ops: bindings::dev_pm_ops = pin_init::zeroed();
        if T::HAS_RUNTIME_SUSPEND {
            ops.runtime_suspend = Some(Self::runtime_suspend);
        }
        if T::HAS_RUNTIME_RESUME {
            ops.runtime_resume = Some(Self::runtime_resume);
        }
        if T::HAS_SUSPEND {
            ops.suspend = Some(Self::suspend);
            ops.freeze = Some(Self::suspend);
            ops.poweroff = Some(Self::suspend);
        }
        if T::HAS_RESUME {
            ops.resume = Some(Self::resume);
            ops.thaw = Some(Self::resume);
            ops.restore = Some(Self::resume);
        }
        ops
    };

    /// Drops the driver's private data after `remove()`, like the generic post-unbind step,
    /// but with a runtime PM reference held across the drop.
    ///
    /// The driver core drops its own reference (`pm_runtime_put_sync()`) before `remove()`,
    /// so without ours the autosuspend timer could run `runtime_suspend` while the data is
    /// being dropped. Holding the device active also lets whatever the drop tears down (an
    /// SPI controller whose targets do I/O in their own remove) use the hardware without a
    /// runtime resume, which could not reach the data any more.
    extern "C" fn post_unbind(dev: *mut bindings::device) {
        // SAFETY: The driver core calls this with a valid device, between `remove()` and the
        // release of its device-managed resources, under the device lock.
        let dev = unsafe { &*dev.cast::<device::Device<device::CoreInternal<'_>>>() };
        // Resumes the device if needed and waits for a runtime PM callback in progress; from
        // here on none can start (the usage count is not zero). On failure the count is still
        // raised, which is all that matters here.
        // SAFETY: `dev` is valid; runtime PM is usable on any initialized device.
        unsafe { bindings::pm_runtime_get_sync(dev.as_raw()) };
        // SAFETY: The private data was stored by probe as `T::Data` (platform adapter), and is
        // taken (and the pointer cleared) exactly once, here.
        drop(unsafe { dev.drvdata_obtain::<T::Data<'_>>() });
        // Callbacks that come now find no private data and are refused.
        // SAFETY: Balances the `pm_runtime_get_sync()` above.
        unsafe { bindings::pm_runtime_put_noidle(dev.as_raw()) };
    }

    /// Calls `f` with the platform device and private data behind `dev`, or fails with `EBUSY`
    /// if the device has no private data.
    ///
    /// # Safety
    ///
    /// `dev` must be the device of a platform device bound to this driver, as the PM core
    /// passes it to the driver's callbacks.
    unsafe fn with_data(
        dev: *mut bindings::device,
        f: impl for<'a> FnOnce(&'a platform::Device<Bound>, Pin<&'a T::Data<'a>>) -> Result,
    ) -> c_int {
        // SAFETY: `dev` is a valid device (caller's guarantee).
        if unsafe { bindings::dev_get_drvdata(dev) }.is_null() {
            return EBUSY.to_errno();
        }
        // SAFETY: The PM core calls the driver's callbacks only for a device bound to it. The
        // private data (checked above) is set by a successful probe and dropped only by
        // `post_unbind`, which holds a runtime PM reference across the drop (so no runtime
        // callback runs then) under the device lock (which system sleep callbacks take too),
        // and clears the pointer before dropping.
        let data = unsafe {
            (*dev.cast::<device::Device<device::BoundInternal>>()).drvdata_borrow::<T::Data<'_>>()
        };
        // SAFETY: `dev` is embedded in a platform device (caller's guarantee), bound as above;
        // `platform::Device` is a transparent wrapper of `struct platform_device`.
        let pdev = unsafe {
            &*container_of!(dev, bindings::platform_device, dev).cast::<platform::Device<Bound>>()
        };
        from_result(|| f(pdev, data).map(|()| 0))
    }

    /// # Safety
    ///
    /// Only called by the PM core, as a callback of this driver, with a valid device.
    unsafe extern "C" fn runtime_suspend(dev: *mut bindings::device) -> c_int {
        // SAFETY: The PM core calls this for a device of this driver.
        unsafe { Self::with_data(dev, |pdev, data| T::runtime_suspend(pdev, data)) }
    }

    /// # Safety
    ///
    /// Only called by the PM core, as a callback of this driver, with a valid device.
    unsafe extern "C" fn runtime_resume(dev: *mut bindings::device) -> c_int {
        // SAFETY: The PM core calls this for a device of this driver.
        unsafe { Self::with_data(dev, |pdev, data| T::runtime_resume(pdev, data)) }
    }

    /// # Safety
    ///
    /// Only called by the PM core, as a callback of this driver, with a valid device.
    unsafe extern "C" fn suspend(dev: *mut bindings::device) -> c_int {
        // SAFETY: The PM core calls this for a device of this driver, under its device lock.
        unsafe {
            Self::with_data(dev, |pdev, data| {
                T::suspend(pdev, data, &SystemSleep { dev: pdev.as_ref() })
            })
        }
    }

    /// # Safety
    ///
    /// Only called by the PM core, as a callback of this driver, with a valid device.
    unsafe extern "C" fn resume(dev: *mut bindings::device) -> c_int {
        // SAFETY: The PM core calls this for a device of this driver, under its device lock.
        unsafe {
            Self::with_data(dev, |pdev, data| {
                T::resume(pdev, data, &SystemSleep { dev: pdev.as_ref() })
            })
        }
    }
}

/// Declares a kernel module that exposes a single platform driver with PM callbacks
/// ([`PlatformPmOps`]).
///
/// # Examples
///
/// ```ignore
/// kernel::module_platform_driver_pm! {
///     type: MyDriver,
///     name: "Module name",
///     authors: ["Author name"],
///     description: "Description",
///     license: "GPL v2",
/// }
/// ```
#[macro_export]
macro_rules! module_platform_driver_pm {
    ($($f:tt)*) => {
        $crate::module_driver!(<T>, $crate::pm::PlatformAdapter<T>, { $($f)* });
    };
}
