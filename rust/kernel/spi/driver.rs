// SPDX-License-Identifier: GPL-2.0

//! SPI target drivers (`struct spi_driver`): the device side of the bus.

use super::Device;
use crate::{
    acpi, device,
    device_id::{RawDeviceId, RawDeviceIdIndex},
    driver,
    error::{from_result, to_result},
    of,
    prelude::*,
    types::Opaque,
};
use core::marker::PhantomData;

/// An SPI device id (`struct spi_device_id`): a modalias without the `spi:` prefix.
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct DeviceId(bindings::spi_device_id);

impl DeviceId {
    const NAME_SIZE: usize = 32;

    /// An id matching devices called `name`.
    #[inline(always)]
    pub const fn new(name: &'static CStr) -> Self {
        let src = name.to_bytes_with_nul();
        build_assert!(
            src.len() <= Self::NAME_SIZE,
            "SPI device id exceeds 32 bytes"
        );
        let mut id: bindings::spi_device_id = pin_init::zeroed();
        let mut i = 0;
        while i < src.len() {
            id.name[i] = src[i];
            i += 1;
        }
        Self(id)
    }
}

// SAFETY: `DeviceId` is a transparent wrapper of `spi_device_id` without further invariants.
unsafe impl RawDeviceId for DeviceId {
    type RawType = bindings::spi_device_id;
}

// SAFETY: `DRIVER_DATA_OFFSET` is the offset of the `driver_data` field.
unsafe impl RawDeviceIdIndex for DeviceId {
    const DRIVER_DATA_OFFSET: usize = core::mem::offset_of!(bindings::spi_device_id, driver_data);
}

/// A table of SPI device ids.
pub type IdTable<T> = &'static dyn kernel::device_id::IdTable<DeviceId, T>;

/// Creates an SPI [`IdTable`] with its alias for modpost.
#[macro_export]
macro_rules! spi_device_table {
    ($($tt:tt)*) => {
        $crate::module_device_table!("spi", $crate::spi::DeviceId, $($tt)*);
    };
}

/// Declares a kernel module that registers a single SPI driver.
///
/// # Examples
///
/// ```ignore
/// kernel::module_spi_driver! {
///     type: MyDriver,
///     name: "my_spi_driver",
///     authors: ["Author name"],
///     description: "Description",
///     license: "GPL",
/// }
/// ```
#[macro_export]
macro_rules! module_spi_driver {
    ($($f:tt)*) => {
        $crate::module_driver!(<T>, $crate::spi::DriverAdapter<T>, { $($f)* });
    };
}

/// An SPI target driver.
///
/// # Examples
///
/// ```
/// use kernel::{device::Core, spi};
///
/// struct MyDriver;
///
/// kernel::spi_device_table!(
///     SPI_TABLE,
///     <MyDriver as spi::Driver>::IdInfo,
///     [(spi::DeviceId::new(c"my-spi-target"), ())]
/// );
///
/// impl spi::Driver for MyDriver {
///     type IdInfo = ();
///     type Data<'bound> = Self;
///     const SPI_ID_TABLE: Option<spi::IdTable<Self::IdInfo>> = Some(&SPI_TABLE);
///
///     fn probe<'bound>(
///         spi: &'bound spi::Device<Core<'_>>,
///         _id_info: Option<&'bound Self::IdInfo>,
///     ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
///         // Bind only if the target answers a READ ID.
///         let mut id = [0u8; 3];
///         spi.write_then_read(&[0x9f], &mut id).map(|()| MyDriver)
///     }
/// }
/// ```
pub trait Driver {
    /// What each id of the tables carries for the driver.
    type IdInfo: 'static;

    /// The driver's data for a bound device.
    type Data<'bound>: Send + 'bound;

    /// The SPI ids (modaliases) the driver binds to.
    const SPI_ID_TABLE: Option<IdTable<Self::IdInfo>> = None;

    /// The device tree compatibles the driver binds to.
    const OF_ID_TABLE: Option<of::IdTable<Self::IdInfo>> = None;

    /// Binds the driver to `spi`.
    fn probe<'bound>(
        spi: &'bound Device<device::Core<'_>>,
        id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound;

    /// Called when the device is unbound, before its data is dropped; the place for I/O that
    /// puts the device to rest.
    fn unbind<'bound>(spi: &'bound Device<device::Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        let _ = (spi, this);
    }

    /// Called at system shutdown or reboot.
    fn shutdown<'bound>(spi: &'bound Device<device::Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        let _ = (spi, this);
    }
}

/// Registers a [`Driver`] with the SPI core (see [`module_spi_driver!`]).
pub struct DriverAdapter<T: Driver>(PhantomData<T>);

// SAFETY: `struct spi_driver` is a C type that embeds a `struct device_driver` at
// `DEVICE_DRIVER_OFFSET`; the driver's device data is `T::Data`.
unsafe impl<T: Driver> driver::DriverLayout for DriverAdapter<T> {
    type DriverType = bindings::spi_driver;
    type DriverData<'bound> = T::Data<'bound>;
    const DEVICE_DRIVER_OFFSET: usize = core::mem::offset_of!(Self::DriverType, driver);
}

// SAFETY: `unregister` is only called after a successful `register` of the same driver.
unsafe impl<T: Driver> driver::RegistrationOps for DriverAdapter<T> {
    unsafe fn register(
        sdrv: &Opaque<Self::DriverType>,
        name: &'static CStr,
        module: &'static ThisModule,
    ) -> Result {
        build_assert!(
            T::SPI_ID_TABLE.is_some() || T::OF_ID_TABLE.is_some(),
            "an SPI driver needs an SPI or OF id table"
        );
        let spi_table = T::SPI_ID_TABLE.map_or(core::ptr::null(), |t| t.as_ptr());
        let of_table = T::OF_ID_TABLE.map_or(core::ptr::null(), |t| t.as_ptr());
        // SAFETY: The driver is not registered yet, so its fields are ours to set.
        unsafe {
            let d = sdrv.get();
            (*d).driver.name = name.as_char_ptr();
            (*d).probe = Some(Self::probe_callback);
            (*d).remove = Some(Self::remove_callback);
            (*d).shutdown = Some(Self::shutdown_callback);
            (*d).id_table = spi_table;
            (*d).driver.of_match_table = of_table;
        }
        // SAFETY: `sdrv` is a valid, fully set up driver.
        to_result(unsafe { bindings::__spi_register_driver(module.as_ptr(), sdrv.get()) })
    }

    unsafe fn unregister(sdrv: &Opaque<Self::DriverType>) {
        // SAFETY: The driver was registered (the caller's guarantee).
        unsafe { bindings::driver_unregister(&raw mut (*sdrv.get()).driver) };
    }
}

impl<T: Driver> DriverAdapter<T> {
    extern "C" fn probe_callback(spi: *mut bindings::spi_device) -> c_int {
        // SAFETY: The SPI core calls probe with a valid device, which is being bound.
        let spi = unsafe { &*spi.cast::<Device<device::CoreInternal<'_>>>() };
        let info = Self::spi_id_info(spi).or_else(|| {
            // SAFETY: The ids of our tables carry `T::IdInfo`.
            unsafe { <Self as driver::Adapter>::id_info(spi.as_ref()) }
        });
        from_result(|| {
            let data = T::probe(spi, info);
            spi.as_ref().set_drvdata(data)?;
            Ok(0)
        })
    }

    extern "C" fn remove_callback(spi: *mut bindings::spi_device) {
        // SAFETY: The SPI core calls remove with a valid, bound device.
        let spi = unsafe { &*spi.cast::<Device<device::CoreInternal<'_>>>() };
        // SAFETY: remove only follows a successful probe, which stored a `T::Data`.
        let data = unsafe { spi.as_ref().drvdata_borrow::<T::Data<'_>>() };
        T::unbind(spi, data);
    }

    extern "C" fn shutdown_callback(spi: *mut bindings::spi_device) {
        // SAFETY: The SPI core calls shutdown with a valid, bound device.
        let spi = unsafe { &*spi.cast::<Device<device::CoreInternal<'_>>>() };
        // SAFETY: shutdown only runs for a bound device, whose probe stored a `T::Data`.
        let data = unsafe { spi.as_ref().drvdata_borrow::<T::Data<'_>>() };
        T::shutdown(spi, data);
    }

    /// The driver data of the SPI id that matched `spi`, if one did.
    fn spi_id_info(spi: &Device<device::CoreInternal<'_>>) -> Option<&'static T::IdInfo> {
        T::SPI_ID_TABLE?;
        // SAFETY: The device is valid; `spi_get_device_id` looks it up in our driver's table.
        let raw = unsafe { bindings::spi_get_device_id(spi.as_raw()) };
        if raw.is_null() {
            return None;
        }
        // SAFETY: `DeviceId` is a transparent wrapper of `spi_device_id`; `raw` points into our
        // `SPI_ID_TABLE`, which is static.
        let id = unsafe { &*raw.cast::<DeviceId>() };
        // SAFETY: The entries of `SPI_ID_TABLE` carry `T::IdInfo`.
        Some(unsafe { id.info_unchecked::<T::IdInfo>() })
    }
}

impl<T: Driver> driver::Adapter for DriverAdapter<T> {
    type IdInfo = T::IdInfo;

    fn of_id_table() -> Option<of::IdTable<Self::IdInfo>> {
        T::OF_ID_TABLE
    }

    fn acpi_id_table() -> Option<acpi::IdTable<Self::IdInfo>> {
        None
    }
}
