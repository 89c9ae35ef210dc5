// SPDX-License-Identifier: GPL-2.0

//! SPI memory operations (`spi-mem`), controller side.
//!
//! A controller that can run a whole memory operation (command, address, dummy and data
//! phases under one chip select assertion) implements [`MemOps`] and installs it with
//! [`UnregisteredController::enable_mem_ops`](super::UnregisteredController::enable_mem_ops).
//! SPI memory drivers (spi-nor, spi-nand) then reach [`MemOps::exec_op`] instead of having the
//! core split each operation into an `spi_message`.
//!
//! C header: [`include/linux/spi/spi-mem.h`](srctree/include/linux/spi/spi-mem.h).

use super::{controller::data_of, ControllerOps, Device, Nbits, UnregisteredController};
use crate::{bindings, error::VTABLE_DEFAULT_ERROR, prelude::*, types::Opaque};
use core::marker::PhantomData;

/// An SPI memory device (`struct spi_mem`): the target an operation is for.
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_mem` whose `spi` points to a valid `struct spi_device`, for
/// as long as the reference to it.
#[repr(transparent)]
pub struct Mem(Opaque<bindings::spi_mem>);

impl Mem {
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct spi_mem` with a valid `spi`, both valid for `'a`.
    unsafe fn from_raw<'a>(ptr: *mut bindings::spi_mem) -> &'a Self {
        // SAFETY: The caller guarantees validity; `Mem` is a transparent wrapper.
        unsafe { &*ptr.cast::<Self>() }
    }

    fn as_raw(&self) -> *mut bindings::spi_mem {
        self.0.get()
    }

    /// The SPI device the memory is on.
    ///
    /// Not for sending messages from [`MemOps::exec_op`]: the bus lock is held there, and a
    /// send would wait for it forever (lockdep reports it).
    pub fn device(&self) -> &Device {
        // SAFETY: By the type invariant `spi` is a valid device for as long as `self`.
        unsafe { Device::from_raw((*self.as_raw()).spi) }
    }

    /// Whether the core's generic checks accept `op` for this memory: bus widths the device
    /// was given, no DTR or ECC or byte swap unless the controller claims them in
    /// [`MemOps::CAPS`] (`spi_mem_default_supports_op()`).
    pub fn default_supports_op(&self, op: &MemOp) -> bool {
        // SAFETY: Both pointers are valid (type invariants).
        unsafe { bindings::spi_mem_default_supports_op(self.as_raw(), op.as_raw()) }
    }
}

/// Direction of an operation's data phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataDir {
    /// No data phase.
    None,
    /// From the memory to the host.
    In,
    /// From the host to the memory.
    Out,
}

/// One phase of an operation as the bus sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Phase {
    /// Bytes in the phase; 0 if the operation has no such phase.
    pub bytes: u32,
    /// Wires the phase uses; `None` for a width the core does not define.
    pub width: Option<Nbits>,
    /// Whether data is sampled on both clock edges.
    pub dtr: bool,
}

impl Phase {
    fn new(bytes: u32, buswidth: u8, dtr: bool) -> Self {
        Self {
            bytes,
            width: if bytes == 0 && buswidth == 0 {
                Some(Nbits::Single)
            } else {
                Nbits::from_raw(u32::from(buswidth))
            },
            dtr,
        }
    }
}

/// A memory operation (`struct spi_mem_op`), read-only.
///
/// The data buffer is not reachable from here: [`MemOps::exec_op`] gets it separately, as
/// [`MemData`], because the other callbacks see operation templates whose buffer is not set.
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_mem_op` for as long as the reference to it.
#[repr(transparent)]
pub struct MemOp(Opaque<bindings::spi_mem_op>);

impl MemOp {
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct spi_mem_op` that stays valid and unchanged for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *const bindings::spi_mem_op) -> &'a Self {
        // SAFETY: The caller guarantees validity; `MemOp` is a transparent wrapper.
        unsafe { &*ptr.cast::<Self>() }
    }

    fn as_raw(&self) -> *mut bindings::spi_mem_op {
        self.0.get()
    }

    fn raw(&self) -> &bindings::spi_mem_op {
        // SAFETY: By the type invariant the operation is valid, and nobody changes it while we
        // look at it.
        unsafe { &*self.as_raw() }
    }

    /// The command opcode (one byte, or two for some octal DTR commands).
    pub fn opcode(&self) -> u16 {
        self.raw().cmd.opcode
    }

    /// The command phase.
    pub fn cmd(&self) -> Phase {
        let c = &self.raw().cmd;
        Phase::new(u32::from(c.nbytes), c.buswidth, c.dtr() != 0)
    }

    /// The address phase.
    pub fn addr(&self) -> Phase {
        let a = &self.raw().addr;
        Phase::new(u32::from(a.nbytes), a.buswidth, a.dtr() != 0)
    }

    /// The address, whose low [`MemOp::addr`]`().bytes` bytes are sent.
    pub fn addr_val(&self) -> u64 {
        self.raw().addr.val
    }

    /// The dummy phase.
    pub fn dummy(&self) -> Phase {
        let d = &self.raw().dummy;
        Phase::new(u32::from(d.nbytes), d.buswidth, d.dtr() != 0)
    }

    /// The data phase.
    pub fn data(&self) -> Phase {
        let d = &self.raw().data;
        Phase::new(d.nbytes, d.buswidth, d.dtr() != 0)
    }

    /// Direction of the data phase.
    pub fn data_dir(&self) -> DataDir {
        let d = &self.raw().data;
        match d.dir {
            _ if d.nbytes == 0 => DataDir::None,
            bindings::spi_mem_data_dir_SPI_MEM_DATA_IN => DataDir::In,
            bindings::spi_mem_data_dir_SPI_MEM_DATA_OUT => DataDir::Out,
            _ => DataDir::None,
        }
    }

    /// Whether the data phase asks for the controller's ECC engine or 16-bit byte swapping,
    /// which only a controller claiming them in [`MemOps::CAPS`] may accept.
    pub fn needs_data_engine(&self) -> bool {
        let d = &self.raw().data;
        d.ecc() != 0 || d.swap16() != 0
    }

    /// The clock rate for this operation in Hz; 0 means the device's maximum.
    pub fn max_freq(&self) -> u32 {
        self.raw().max_freq
    }

    /// Writes the bytes that go out before the data phase (opcode, address, then dummy bytes
    /// as `0xff`, as the core's own fallback sends them) into `buf`, and returns that part of
    /// it, or `None` if `buf` is too short or a phase is not one byte per byte (DTR, 2-byte
    /// opcode).
    pub fn header<'b>(&self, buf: &'b mut [u8]) -> Option<&'b [u8]> {
        let (cmd, addr, dummy) = (self.cmd(), self.addr(), self.dummy());
        if cmd.bytes != 1 || cmd.dtr || addr.dtr || dummy.dtr || addr.bytes > 8 {
            return None;
        }
        let len = (cmd.bytes + addr.bytes + dummy.bytes) as usize;
        let out = buf.get_mut(..len)?;
        out[0] = self.opcode() as u8;
        let addr_bytes = addr.bytes as usize;
        let be = self.addr_val().to_be_bytes();
        out[1..=addr_bytes].copy_from_slice(&be[8 - addr_bytes..]);
        out[1 + addr_bytes..].fill(0xff);
        Some(out)
    }
}

/// The data buffer of an operation being executed.
pub enum MemData<'a> {
    /// No data phase.
    None,
    /// Bytes to receive from the memory.
    In(&'a mut [u8]),
    /// Bytes to send to the memory.
    Out(&'a [u8]),
}

/// What a controller can do beyond plain operations (`struct spi_controller_mem_caps`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemCaps {
    /// Double transfer rate phases.
    pub dtr: bool,
    /// An ECC engine on the data phase.
    pub ecc: bool,
    /// Swapping bytes of 16-bit words in 8D-8D-8D mode.
    pub swap16: bool,
    /// A clock rate per operation.
    pub per_op_freq: bool,
    /// A secondary operation template for direct mapping.
    pub secondary_op_tmpl: bool,
    /// Operations without chip select.
    pub no_cs_assertion: bool,
}

impl MemCaps {
    /// No extra capability.
    pub const NONE: Self = Self {
        dtr: false,
        ecc: false,
        swap16: false,
        per_op_freq: false,
        secondary_op_tmpl: false,
        no_cs_assertion: false,
    };
}

/// The memory operations of an SPI controller (`struct spi_controller_mem_ops`).
///
/// Only [`MemOps::exec_op`] is required; an operation not implemented stays `NULL`, and the
/// core uses its generic behaviour. Direct mapping (`dirmap_*`) is not offered: without it the
/// core maps each direct-mapping access to [`MemOps::exec_op`]. Nor is `get_name`: the name
/// ends up in the memory driver's objects (an MTD's name), which may outlive the controller
/// driver's module and binding; the core then names the memory after its device.
///
/// [`MemOps::supports_op`] and [`MemOps::adjust_op_size`] are called by memory drivers without
/// any lock, possibly while the controller is being unregistered, so they get no driver data:
/// they answer from the operation and the device alone.
#[vtable]
pub trait MemOps: ControllerOps {
    /// Capabilities the controller claims, checked by [`Mem::default_supports_op`].
    const CAPS: MemCaps = MemCaps::NONE;

    /// Runs `op` on `mem`, chip select asserted from its first byte to its last.
    ///
    /// Called with the bus locked, `io_mutex` held and the controller powered (runtime PM),
    /// after the message queue was flushed: no transfer of the regular path runs concurrently.
    /// `ENOTSUPP` or `EOPNOTSUPP` makes the core fall back to a regular SPI message.
    fn exec_op(data: &Self::Data<'_>, mem: &Mem, op: &MemOp, buf: MemData<'_>) -> Result;

    /// Whether the controller can run `op`. Without it, [`Mem::default_supports_op`] decides.
    fn supports_op(_mem: &Mem, _op: &MemOp) -> bool {
        build_error!(VTABLE_DEFAULT_ERROR)
    }

    /// The largest data phase, at most `op.data().bytes`, that the controller can run in one
    /// operation like `op`; memory drivers split longer accesses. Without it the core sets no
    /// limit for a controller with `exec_op`: a controller with a size limit must implement
    /// it.
    fn adjust_op_size(_mem: &Mem, _op: &MemOp) -> Result<u32> {
        build_error!(VTABLE_DEFAULT_ERROR)
    }
}

impl<T: MemOps> UnregisteredController<'_, T> {
    /// Installs the controller's SPI memory operations ([`MemOps`]) and capabilities, so that
    /// memory drivers (spi-nor, spi-nand) send whole operations to [`MemOps::exec_op`].
    pub fn enable_mem_ops(&mut self) -> &mut Self {
        let c = self.raw();
        c.mem_ops = MemAdapter::<T>::ops();
        c.mem_caps = MemAdapter::<T>::caps();
        self
    }
}

/// Stands in for a driver's `exec_op` after its controller is unregistered; part of the kernel
/// crate, so it stays callable after the driver's module is gone (never inlined: see
/// `shut_down_callbacks`).
#[inline(never)]
extern "C" fn exec_op_shut_down(
    _mem: *mut bindings::spi_mem,
    _op: *const bindings::spi_mem_op,
) -> c_int {
    ESHUTDOWN.to_errno()
}

/// The memory operations of an unregistered controller: every operation fails.
static SHUT_DOWN_OPS: bindings::spi_controller_mem_ops = bindings::spi_controller_mem_ops {
    adjust_op_size: None,
    supports_op: None,
    exec_op: Some(exec_op_shut_down),
    get_name: None,
    dirmap_create: None,
    dirmap_destroy: None,
    dirmap_read: None,
    dirmap_write: None,
    poll_status: None,
};

/// The capabilities of an unregistered controller: none.
static NO_CAPS: bindings::spi_controller_mem_caps = bindings::spi_controller_mem_caps {
    dtr: false,
    ecc: false,
    swap16: false,
    per_op_freq: false,
    secondary_op_tmpl: false,
    no_cs_assertion: false,
};

/// Replaces a controller's memory operations and capabilities, tables in the driver's module,
/// with the kernel crate's, if it has any: called on unregistration under `io_mutex`, which
/// `exec_op`'s callers hold. The callers of the other operations hold no lock, but they are
/// memory drivers, unbound (with the devices) before this runs; a late one finds the core's
/// generic behaviour. Never inlined, so that the stub's address is taken in the kernel crate.
///
/// # Safety
///
/// `c` must be a valid controller whose `io_mutex` the caller holds.
#[inline(never)]
pub(super) unsafe fn remove_mem_ops(c: *mut bindings::spi_controller) {
    // SAFETY: `c` is valid and the caller holds `io_mutex`; raw field accesses.
    unsafe {
        if !(*c).mem_ops.is_null() {
            (*c).mem_ops = &SHUT_DOWN_OPS;
            (*c).mem_caps = &NO_CAPS;
        }
    }
}

/// Bridges `struct spi_controller_mem_ops` to [`MemOps`].
struct MemAdapter<T>(PhantomData<T>);

impl<T: MemOps> MemAdapter<T> {
    const OPS: bindings::spi_controller_mem_ops = bindings::spi_controller_mem_ops {
        adjust_op_size: if T::HAS_ADJUST_OP_SIZE {
            Some(Self::adjust_op_size)
        } else {
            None
        },
        supports_op: if T::HAS_SUPPORTS_OP {
            Some(Self::supports_op)
        } else {
            None
        },
        exec_op: Some(Self::exec_op),
        get_name: None,
        dirmap_create: None,
        dirmap_destroy: None,
        dirmap_read: None,
        dirmap_write: None,
        poll_status: None,
    };

    const CAPS: bindings::spi_controller_mem_caps = bindings::spi_controller_mem_caps {
        dtr: T::CAPS.dtr,
        ecc: T::CAPS.ecc,
        swap16: T::CAPS.swap16,
        per_op_freq: T::CAPS.per_op_freq,
        secondary_op_tmpl: T::CAPS.secondary_op_tmpl,
        no_cs_assertion: T::CAPS.no_cs_assertion,
    };

    /// The operations table, a constant shared by every controller of `T`.
    const fn ops() -> &'static bindings::spi_controller_mem_ops {
        &Self::OPS
    }

    /// The capabilities, a constant shared by every controller of `T`.
    const fn caps() -> &'static bindings::spi_controller_mem_caps {
        &Self::CAPS
    }

    /// # Safety
    ///
    /// Only called by spi-mem with a valid memory device on a controller of `T` and a valid
    /// operation, during the call.
    unsafe extern "C" fn exec_op(
        mem: *mut bindings::spi_mem,
        op: *const bindings::spi_mem_op,
    ) -> c_int {
        // SAFETY: spi-mem passes a valid memory device, on a controller allocated for `T`.
        let c = unsafe { (*(*mem).spi).controller };
        // SAFETY: spi-mem calls `exec_op` holding `io_mutex` (`spi_mem_access_start()`).
        let Some(driver_data) = (unsafe { data_of::<T>(c) }) else {
            return ESHUTDOWN.to_errno();
        };
        // SAFETY: `mem` and `op` are valid for the call, and the caller does not change `op`.
        let (mem, op) = unsafe { (Mem::from_raw(mem), MemOp::from_raw(op)) };
        let raw = op.raw();
        let len = raw.data.nbytes as usize;
        // SAFETY: Both members of the union are pointers; reading either is reading the one
        // the memory driver stored.
        let buf = unsafe { raw.data.buf.in_ }.cast::<u8>();
        let data = match op.data_dir() {
            DataDir::None => MemData::None,
            _ if buf.is_null() => return EINVAL.to_errno(),
            // SAFETY: For an input operation, the memory driver hands a buffer of
            // `data.nbytes` bytes that nothing else touches until the operation returns.
            DataDir::In => MemData::In(unsafe { core::slice::from_raw_parts_mut(buf, len) }),
            // SAFETY: For an output operation, the buffer holds `data.nbytes` bytes that stay
            // unchanged until the operation returns; it is only read.
            DataDir::Out => MemData::Out(unsafe { core::slice::from_raw_parts(buf, len) }),
        };
        match T::exec_op(driver_data, mem, op, data) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    ///
    /// As for [`Self::exec_op`].
    unsafe extern "C" fn supports_op(
        mem: *mut bindings::spi_mem,
        op: *const bindings::spi_mem_op,
    ) -> bool {
        // SAFETY: spi-mem passes a valid memory device and operation for the call.
        let (mem, op) = unsafe { (Mem::from_raw(mem), MemOp::from_raw(op)) };
        T::supports_op(mem, op)
    }

    /// # Safety
    ///
    /// As for [`Self::exec_op`], with an operation the caller lets us shorten.
    unsafe extern "C" fn adjust_op_size(
        mem: *mut bindings::spi_mem,
        op: *mut bindings::spi_mem_op,
    ) -> c_int {
        // SAFETY: spi-mem passes a valid memory device and operation for the call.
        let (m, o) = unsafe { (Mem::from_raw(mem), MemOp::from_raw(op)) };
        let wanted = o.data().bytes;
        match T::adjust_op_size(m, o) {
            Ok(0) if wanted != 0 => EINVAL.to_errno(),
            Ok(len) => {
                // SAFETY: `op` is valid and, in this callback, ours to change; `o` is not used
                // any more.
                unsafe { (*op).data.nbytes = len.min((*op).data.nbytes) };
                0
            }
            Err(e) => e.to_errno(),
        }
    }
}
