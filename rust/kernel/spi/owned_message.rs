// SPDX-License-Identifier: GPL-2.0

//! Messages a target driver builds, owns and sends: synchronously, asynchronously, and
//! optimized once for many sends.

use super::Device;
use crate::{
    alloc::Flags,
    error::{to_result, Error},
    prelude::*,
    sync::aref::ARef,
    types::Opaque,
    ThisModule,
};
use core::marker::PhantomPinned;

/// One transfer of an [`OwnedMessage`], as given to [`MessageBuilder`].
pub(crate) enum Step {
    Write(KVec<u8>),
    Read(usize),
}

/// Builds an [`OwnedMessage`] for a device, one transfer at a time.
pub struct MessageBuilder<T> {
    spi: ARef<Device>,
    steps: KVec<Step>,
    data: T,
    flags: Flags,
}

impl<T: Send + 'static> MessageBuilder<T> {
    /// A message for `spi` carrying `data`, for the driver's own use (e.g. in the completion of
    /// an asynchronous send). Buffers are allocated with `flags`.
    pub fn new(spi: ARef<Device>, data: T, flags: Flags) -> Self {
        Self {
            spi,
            steps: KVec::new(),
            data,
            flags,
        }
    }

    /// Adds a transfer that sends `bytes` (copied into the message); `EINVAL` if empty.
    pub fn write(mut self, bytes: &[u8]) -> Result<Self> {
        if bytes.is_empty() {
            return Err(EINVAL);
        }
        let mut buf = KVec::with_capacity(bytes.len(), self.flags)?;
        buf.extend_from_slice(bytes, self.flags)?;
        self.steps.push(Step::Write(buf), self.flags)?;
        Ok(self)
    }

    /// Adds a transfer that receives `len` bytes, readable with [`OwnedMessage::rx`] after the
    /// message is done; `EINVAL` if `len` is 0. The transfer has no transmit buffer: a
    /// controller with `SPI_CONTROLLER_MUST_TX` makes the core allocate a dummy one for it.
    pub fn read(mut self, len: usize) -> Result<Self> {
        if len == 0 {
            return Err(EINVAL);
        }
        self.steps.push(Step::Read(len), self.flags)?;
        Ok(self)
    }

    /// Allocates the message and links its transfers.
    pub fn build(self) -> Result<Pin<KBox<OwnedMessage<T>>>> {
        let flags = self.flags;
        let (xfers, bufs) = transfers(self.steps, flags)?;
        let msg = KBox::pin_init(
            try_pin_init!(OwnedMessage {
                completer: Completer {
                    work: Opaque::uninit(),
                    call: None,
                    module: core::ptr::null_mut(),
                },
                msg: Opaque::new(pin_init::zeroed()),
                xfers,
                bufs,
                spi: self.spi,
                optimized: false,
                done: None,
                data: self.data,
                _pin: PhantomPinned,
            }),
            flags,
        )?;
        msg.as_ref().link();
        Ok(msg)
    }
}

/// The transfers' buffers, each flagged `true` if it receives.
type Buffers = KVec<(KVec<u8>, bool)>;

/// What [`OwnedMessage::submit`] calls when the message is done.
pub type MessageDone<T> = fn(Pin<KBox<OwnedMessage<T>>>);

/// The transfers for `steps`, each pointing at its buffer (a copy of the bytes to send, or
/// zeroed room for the bytes to receive, flagged `true`); `EINVAL` for no step, an empty one,
/// or a transfer longer than the core can describe.
pub(crate) fn transfers(
    steps: KVec<Step>,
    flags: Flags,
) -> Result<(KVec<Opaque<bindings::spi_transfer>>, Buffers)> {
    let n = steps.len();
    if n == 0 {
        return Err(EINVAL);
    }
    let mut xfers = KVec::with_capacity(n, flags)?;
    let mut bufs = KVec::with_capacity(n, flags)?;
    for step in steps {
        let (mut buf, is_rx) = match step {
            Step::Write(b) => (b, false),
            Step::Read(len) => (KVec::from_elem(0u8, len, flags)?, true),
        };
        if buf.is_empty() {
            // An empty vector's pointer is dangling, not NULL: the core would take it for a buffer.
            return Err(EINVAL);
        }
        let mut x: bindings::spi_transfer = pin_init::zeroed();
        x.len = u32::try_from(buf.len()).map_err(|_| EINVAL)?;
        // The heap buffer stays where it is when the vector moves into `bufs`.
        if is_rx {
            x.rx_buf = buf.as_mut_ptr().cast();
        } else {
            x.tx_buf = buf.as_ptr().cast();
        }
        bufs.push((buf, is_rx), flags)?;
        xfers.push(Opaque::new(x), flags)?;
    }
    Ok((xfers, bufs))
}

/// What the kernel crate's completion callback needs, at the start of every [`OwnedMessage`].
#[repr(C)]
struct Completer {
    /// First: the work item that hands the message back, in process context.
    work: Opaque<bindings::work_struct>,
    /// Hands the message back to its sender (code of the sender's module).
    call: Option<unsafe fn(*mut c_void)>,
    /// The sender's module, held while the message is in flight.
    module: *mut bindings::module,
}

/// The `complete` callback of every message sent by [`OwnedMessage::submit`].
///
/// The core calls it in whatever context finished the message, the interrupt handler of some
/// controllers included, where the sender's `done` could neither sleep nor send again: so it
/// only queues the hand-back on the system's unbound workqueue (`system_dfl_wq`: `system_wq`
/// is deprecated in 7.3).
///
/// # Safety
///
/// `context` must be an in-flight message set up by `submit`, whose `Completer` comes first.
// Never inlined: a function the compiler may inline across crates gets a copy in each module
// that takes its address (`submit` is generic, so it is code of the sender's module).
#[inline(never)]
unsafe extern "C" fn message_complete(context: *mut c_void) {
    // SAFETY: `context` points to the message's `Completer` (the caller's guarantee), which
    // nothing else uses until the work has run.
    let work = unsafe { (*context.cast::<Completer>()).work.get() };
    // SAFETY: `work` is valid, not queued (its message was in flight), and stays in place until
    // `complete_work` hands the message back; the name and the key are static.
    unsafe {
        bindings::init_work_with_key(
            work,
            Some(complete_work),
            false,
            c"spi_message_done".as_char_ptr(),
            crate::static_lock_class!().as_ptr(),
        )
    };
    // SAFETY: `work` is initialized above; `system_dfl_wq` always exists.
    unsafe {
        bindings::queue_work_on(
            bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
            bindings::system_dfl_wq,
            work,
        )
    };
}

/// Hands a completed message back to its sender, from the system's unbound workqueue.
///
/// Not generic, so it is code of the kernel crate: it drops the module reference `submit` took
/// only after the sender's code has returned, so the module cannot go away under it.
///
/// # Safety
///
/// `work` must be the work item [`message_complete`] queued for a message set up by `submit`.
#[inline(never)]
unsafe extern "C" fn complete_work(work: *mut bindings::work_struct) {
    // The work item comes first in the `Completer`, which comes first in the message.
    let context = work.cast::<c_void>();
    let completer = context.cast::<Completer>();
    // SAFETY: `completer` is the message's (the caller's guarantee); it is read before the
    // message is handed back, after which it may be gone.
    let (call, module) = unsafe { ((*completer).call, (*completer).module) };
    if let Some(call) = call {
        // SAFETY: `call` is the sender's `OwnedMessage::<T>::hand_back`, for this message.
        unsafe { call(context) };
    }
    // SAFETY: `submit` took this reference; the sender's code has returned.
    unsafe { bindings::module_put(module) };
}

/// A message with its transfers and buffers, owned by the driver that built it.
///
/// Built by [`MessageBuilder`] for one device; it may be sent any number of times, one send at
/// a time: [`OwnedMessage::sync`] borrows it for the duration, [`OwnedMessage::submit`] gives it
/// to the core until its completion function gets it back.
///
/// # Invariants
///
/// - `msg` is an initialized `struct spi_message` whose transfer list links the entries of
///   `xfers` in order, and `xfers[i]` points at the heap buffer of `bufs[i]` (as `tx_buf`, or as
///   `rx_buf` if `bufs[i].1`) for its whole length. None of them moves: the message is pinned
///   and the vectors are never resized after [`MessageBuilder::build`].
/// - `optimized` is true exactly when `spi_optimize_message()` succeeded for `msg` on `spi`
///   and `spi_unoptimize_message()` was not called since.
#[repr(C)]
#[pin_data(PinnedDrop)]
pub struct OwnedMessage<T> {
    /// First, for [`message_complete`].
    completer: Completer,
    #[pin]
    msg: Opaque<bindings::spi_message>,
    xfers: KVec<Opaque<bindings::spi_transfer>>,
    bufs: Buffers,
    spi: ARef<Device>,
    optimized: bool,
    done: Option<MessageDone<T>>,
    /// The driver's data for this message.
    pub data: T,
    #[pin]
    _pin: PhantomPinned,
}

impl<T: Send + 'static> OwnedMessage<T> {
    /// Initializes the message and links the transfers into it.
    fn link(self: Pin<&Self>) {
        let msg = self.msg.get();
        // SAFETY: The message is pinned and nothing else uses it yet.
        unsafe {
            (*msg).spi = self.spi.as_raw();
            bindings::INIT_LIST_HEAD(&raw mut (*msg).transfers);
            bindings::INIT_LIST_HEAD(&raw mut (*msg).resources);
        }
        for x in self.xfers.iter() {
            // SAFETY: The transfers are heap allocations of the message that live and stay in
            // place as long as it (type invariant), as does the message.
            unsafe {
                bindings::list_add_tail(
                    &raw mut (*x.get()).transfer_list,
                    &raw mut (*msg).transfers,
                )
            };
        }
    }

    /// The device the message is for.
    pub fn device(&self) -> &Device {
        &self.spi
    }

    /// Validates and prepares the message once for all later sends
    /// (`spi_optimize_message()`), so that each send skips that work. Undone when the message
    /// is dropped.
    pub fn optimize(self: Pin<&mut Self>) -> Result {
        if self.optimized {
            return Ok(());
        }
        // SAFETY: Only `optimized` is changed, which is not structurally pinned.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: The device and the message are valid (type invariants), and the message is
        // not in flight: we hold it mutably.
        to_result(unsafe { bindings::spi_optimize_message(this.spi.as_raw(), this.msg.get()) })?;
        this.optimized = true;
        Ok(())
    }

    /// Sends the message and waits until it is done (`spi_sync()`). Might sleep.
    pub fn sync(self: Pin<&mut Self>) -> Result {
        let msg = self.msg.get();
        // SAFETY: The message is ours (not in flight). A callback left from an earlier
        // `submit` must not run: the core calls `complete` on its fast path too.
        unsafe {
            (*msg).complete = None;
            (*msg).context = core::ptr::null_mut();
        }
        // SAFETY: The device and the message are valid and the message is ours for the call;
        // the core writes the receive buffers through the pointers set by `link`, and nothing
        // reads them during the call.
        let sent = to_result(unsafe { bindings::spi_sync(self.spi.as_raw(), msg) });
        // SAFETY: The message is ours again. One the core refused after optimizing it for this
        // send (as for `submit`) must be unoptimized by the sender.
        unsafe {
            if sent.is_err() && !self.optimized && (*msg).optimized {
                bindings::spi_unoptimize_message(msg);
            }
        }
        sent?;
        self.status()
    }

    /// The outcome of the last send: `Ok` or the error it failed with.
    pub fn status(&self) -> Result {
        // SAFETY: The message is valid and not in flight (we hold a reference to it).
        to_result(unsafe { (*self.msg.get()).status })
    }

    /// Bytes the last send moved.
    pub fn actual_length(&self) -> u32 {
        // SAFETY: As in `status`.
        unsafe { (*self.msg.get()).actual_length }
    }

    /// The bytes received by the `index`-th transfer, if it is a read.
    pub fn rx(&self, index: usize) -> Option<&[u8]> {
        let (buf, is_rx) = self.bufs.get(index)?;
        is_rx.then_some(&buf[..])
    }

    /// Sends the message without waiting (`spi_async()`); `done` gets it back once the
    /// message is complete, with its status set.
    ///
    /// `done` runs in process context, on the system's unbound workqueue, whatever context the
    /// core finished the message in (some controllers finish them in their interrupt handler):
    /// it may sleep, send the message again (synchronously or not) or drop it.
    ///
    /// `module` (the caller's, `THIS_MODULE`) is held while the message is in flight, so the
    /// code of `done` stays loaded until it has returned.
    pub fn submit(
        self: Pin<KBox<Self>>,
        done: MessageDone<T>,
        module: &ThisModule,
    ) -> core::result::Result<(), (Error, Pin<KBox<Self>>)> {
        // SAFETY: `module` is a valid module (or NULL, for built-in code).
        if !unsafe { bindings::try_module_get(module.as_ptr()) } {
            return Err((ENODEV, self));
        }
        // SAFETY: The box is turned back into a pinned box before anyone can see it again
        // (below on failure, in `complete` otherwise), and its content is never moved.
        let raw = KBox::into_raw(unsafe { Pin::into_inner_unchecked(self) });
        // SAFETY: `raw` is valid and exclusively ours until `spi_async` accepts the message.
        let ret = unsafe {
            (*raw).done = Some(done);
            (*raw).completer.call = Some(Self::hand_back);
            (*raw).completer.module = module.as_ptr();
            let msg = (*raw).msg.get();
            (*msg).complete = Some(message_complete);
            (*msg).context = raw.cast();
            bindings::spi_async((*raw).spi.as_raw(), msg)
        };
        if ret == 0 {
            return Ok(());
        }
        // SAFETY: Taken above; the core refused the message, so no callback will run.
        unsafe { bindings::module_put(module.as_ptr()) };
        // SAFETY: The core refused the message: `raw` is still ours, from `KBox::into_raw`.
        let this = unsafe { KBox::from_raw(raw) };
        let msg = this.msg.get();
        // SAFETY: A message the core refused after optimizing it for this send (`spi_async`
        // does that for a message not optimized by us) must be unoptimized by the sender.
        unsafe {
            if !this.optimized && (*msg).optimized {
                bindings::spi_unoptimize_message(msg);
            }
        }
        Err((Error::from_errno(ret), KBox::into_pin(this)))
    }

    /// Hands a completed message back to its sender's `done`.
    ///
    /// # Safety
    ///
    /// Called by [`complete_work`] once per accepted `spi_async()` of a message set up by
    /// `submit`, with the context `submit` set.
    unsafe fn hand_back(context: *mut c_void) {
        let raw = context.cast::<Self>();
        // SAFETY: `context` is the pointer `submit` leaked from a pinned box; the core is done
        // with the message, so the box is ours again. Clear what `submit` set, so that a later
        // send of this message does not call back into it.
        let mut this = unsafe {
            let msg = (*raw).msg.get();
            (*msg).complete = None;
            (*msg).context = core::ptr::null_mut();
            (*raw).completer.call = None;
            Pin::new_unchecked(KBox::from_raw(raw))
        };
        // SAFETY: Only `done`, not structurally pinned, is changed.
        let done = unsafe { this.as_mut().get_unchecked_mut() }.done.take();
        if let Some(done) = done {
            done(this);
        }
    }
}

#[pinned_drop]
impl<T> PinnedDrop for OwnedMessage<T> {
    fn drop(self: Pin<&mut Self>) {
        if self.optimized {
            // SAFETY: The message was optimized (type invariant) and is not in flight: we own it.
            unsafe { bindings::spi_unoptimize_message(self.msg.get()) };
        }
    }
}

// SAFETY: The message is only reachable through its owner, and the core while in flight; the
// device reference and the buffers may move between threads; `T: Send`.
unsafe impl<T: Send> Send for OwnedMessage<T> {}

// SAFETY: `&OwnedMessage` only reads (status, received bytes) while the message is not in
// flight.
unsafe impl<T: Sync> Sync for OwnedMessage<T> {}
