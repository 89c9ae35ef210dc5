// SPDX-License-Identifier: GPL-2.0

//! Fault injection points (`struct fault_attr`).
//!
//! A driver declares a point where a fault can be injected (an interrupt that gets lost, a
//! command that fails) and asks [`FaultAttr::should_fail`] there. Without
//! `CONFIG_FAULT_INJECTION` the answer is always `false` and the check compiles away. With
//! `CONFIG_FAULT_INJECTION_DEBUG_FS` the point gets a debugfs directory with the usual controls
//! (`probability`, `interval`, `times`, `space`, `verbose`, ...), see
//! `Documentation/fault-injection/fault-injection.rst`. A new point never fails until
//! configured.
//!
//! C header: [`include/linux/fault-inject.h`](srctree/include/linux/fault-inject.h).

use crate::{prelude::*, types::Opaque};

/// A fault injection point, configurable through debugfs.
///
/// # Invariants
///
/// With `CONFIG_FAULT_INJECTION`, `attr` is an initialized `struct fault_attr`. `dir` is null or
/// the debugfs directory whose files point into `attr`, removed before `attr` goes away.
#[pin_data(PinnedDrop)]
pub struct FaultAttr {
    #[pin]
    attr: Opaque<bindings::fault_attr>,
    dir: *mut bindings::dentry,
}

// SAFETY: `struct fault_attr` is made to be shared: `should_fail()` updates it with atomics, and
// its debugfs files only read and write plain words. `dir` is only used on drop.
unsafe impl Send for FaultAttr {}

// SAFETY: See `Send`.
unsafe impl Sync for FaultAttr {}

impl FaultAttr {
    /// Creates a fault injection point, configurable in debugfs under `name` (at the top level,
    /// like `fail_page_alloc`). Never fails: without debugfs the point exists but stays off.
    pub fn new(name: &CStr) -> impl PinInit<Self> + '_ {
        pin_init!(&this in Self {
            attr <- Opaque::ffi_init(|slot: *mut bindings::fault_attr| {
                #[cfg(CONFIG_FAULT_INJECTION)]
                // SAFETY: `slot` is valid for writes of a `struct fault_attr`.
                unsafe {
                    bindings::fault_attr_init(slot)
                };
                #[cfg(not(CONFIG_FAULT_INJECTION))]
                let _ = slot;
            }),
            dir: Self::create_debugfs(name, this.as_ptr()),
        })
    }

    /// Creates the debugfs directory of the point; null if there is none.
    #[cfg(CONFIG_FAULT_INJECTION_DEBUG_FS)]
    fn create_debugfs(name: &CStr, this: *mut Self) -> *mut bindings::dentry {
        // SAFETY: `attr` was initialized just before (field order of `new`), and stays at this
        // address (pinned) until `drop`, which removes the directory first.
        let dir = unsafe {
            bindings::fault_create_debugfs_attr(
                name.as_char_ptr(),
                core::ptr::null_mut(),
                Opaque::cast_into(&raw const (*this).attr),
            )
        };
        // A point without its directory still works; it just cannot be switched on.
        crate::error::from_err_ptr(dir).unwrap_or(core::ptr::null_mut())
    }

    #[cfg(not(CONFIG_FAULT_INJECTION_DEBUG_FS))]
    fn create_debugfs(_name: &CStr, _this: *mut Self) -> *mut bindings::dentry {
        core::ptr::null_mut()
    }

    /// Whether a fault should be injected now, for an operation of `size` units (`space`
    /// counts them down before faults start). Callable from any context, hard IRQ included.
    #[inline]
    pub fn should_fail(&self, size: isize) -> bool {
        #[cfg(CONFIG_FAULT_INJECTION)]
        {
            // SAFETY: `attr` is initialized (type invariant); `should_fail()` may race with
            // itself and with debugfs writes by design.
            unsafe { bindings::should_fail(self.attr.get(), size) }
        }
        #[cfg(not(CONFIG_FAULT_INJECTION))]
        {
            let _ = size;
            false
        }
    }
}

#[pinned_drop]
impl PinnedDrop for FaultAttr {
    fn drop(self: Pin<&mut Self>) {
        #[cfg(CONFIG_FAULT_INJECTION_DEBUG_FS)]
        if !self.dir.is_null() {
            // SAFETY: `dir` is the directory created in `new`, removed once, here; its files
            // are gone (and none is being accessed) when this returns.
            unsafe { bindings::debugfs_remove(self.dir) };
        }
    }
}
