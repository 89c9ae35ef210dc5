// SPDX-License-Identifier: GPL-2.0

//! A view of `struct spi_transfer`, one buffer pair clocked under one setting.

use super::Nbits;
use crate::{bindings, prelude::*, types::Opaque};

/// The data buffers of a transfer, as a controller driver may use them.
///
/// The SPI core passes `tx_buf` and `rx_buf` as raw pointers that may be absent or point to the
/// same memory; this sorts the cases out so no buffer is both shared and mutable.
#[derive(Debug)]
pub enum Buffers<'a> {
    /// Neither buffer (a zero-length or delay-only transfer).
    None,
    /// Data to send; what comes in is dropped.
    Tx(&'a [u8]),
    /// Data to receive; what goes out is the controller's choice (zeros, or nothing).
    Rx(&'a mut [u8]),
    /// Separate buffers for both directions.
    Duplex {
        /// Data to send.
        tx: &'a [u8],
        /// Where received data goes.
        rx: &'a mut [u8],
    },
    /// One buffer for both directions: each word is sent, then replaced by the one received.
    InPlace(&'a mut [u8]),
}

/// Classifies a transfer's buffer pointers; `None` if they overlap without being the same.
///
/// Pure address arithmetic, kept separate from the view so it can be unit tested.
#[inline]
pub(crate) fn classify(tx: usize, rx: usize, len: usize) -> Option<BufferKind> {
    if len == 0 {
        return Some(BufferKind::None);
    }
    // A buffer that wraps around the address space is not a buffer.
    let tx_end = tx.checked_add(len)?;
    let rx_end = rx.checked_add(len)?;
    Some(match (tx, rx) {
        (0, 0) => BufferKind::None,
        (_, 0) => BufferKind::Tx,
        (0, _) => BufferKind::Rx,
        (t, r) if t == r => BufferKind::InPlace,
        (t, r) if t < rx_end && r < tx_end => return None,
        _ => BufferKind::Duplex,
    })
}

/// Which buffers a transfer has (see [`Buffers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BufferKind {
    None,
    Tx,
    Rx,
    Duplex,
    InPlace,
}

/// One transfer of a message, handed to [`super::ControllerOps::transfer_one`].
///
/// # Invariants
///
/// `self.0` is a valid `struct spi_transfer` whose non-NULL buffers are valid for `len` bytes
/// (the tx buffer for reads, the rx buffer for writes) while the controller works on it.
#[repr(transparent)]
pub struct Transfer(Opaque<bindings::spi_transfer>);

impl Transfer {
    /// Creates a reference to a [`Transfer`] from a C pointer.
    ///
    /// # Safety
    ///
    /// `ptr` must point to a valid `struct spi_transfer` that the caller may use exclusively for
    /// `'a`, with buffers valid for `len` bytes.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::spi_transfer) -> &'a mut Self {
        // SAFETY: The caller guarantees validity and exclusivity; `Transfer` is transparent.
        unsafe { &mut *ptr.cast::<Self>() }
    }

    #[inline]
    fn raw(&self) -> &bindings::spi_transfer {
        // SAFETY: By the type invariant the transfer is valid; nobody else writes to it while
        // the controller has it.
        unsafe { &*self.0.get() }
    }

    /// The transfer's length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        self.raw().len as usize
    }

    /// Whether the transfer moves no data.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The clock rate for this transfer, in Hz (already limited by the core to the device's and
    /// the controller's maximum).
    #[inline]
    pub fn speed_hz(&self) -> u32 {
        self.raw().speed_hz
    }

    /// The word size for this transfer, in bits.
    #[inline]
    pub fn bits_per_word(&self) -> u8 {
        self.raw().bits_per_word
    }

    /// Number of wires used to transmit.
    ///
    /// The core validated the width against the device's mode before the transfer reached
    /// the controller; a transfer without a tx buffer reports one wire.
    #[inline]
    pub fn tx_nbits(&self) -> Nbits {
        Nbits::from_raw(self.raw().tx_nbits()).unwrap_or(Nbits::Single)
    }

    /// Number of wires used to receive (see [`Transfer::tx_nbits`]).
    #[inline]
    pub fn rx_nbits(&self) -> Nbits {
        Nbits::from_raw(self.raw().rx_nbits()).unwrap_or(Nbits::Single)
    }

    /// Whether chip select changes after this transfer.
    #[inline]
    pub fn cs_change(&self) -> bool {
        self.raw().cs_change() != 0
    }

    /// Records the clock rate actually used, for the core's statistics and for client drivers.
    #[inline]
    pub fn set_effective_speed_hz(&mut self, hz: u32) {
        // SAFETY: By the type invariant the transfer is valid and `&mut self` is exclusive.
        unsafe { (*self.0.get()).effective_speed_hz = hz };
    }

    /// The transfer's buffers.
    ///
    /// Fails with `EINVAL` if the tx and rx buffers overlap without being the same buffer.
    #[inline]
    pub fn buffers(&mut self) -> Result<Buffers<'_>> {
        let raw = self.raw();
        let (tx, rx, len) = (raw.tx_buf.cast::<u8>(), raw.rx_buf.cast::<u8>(), self.len());
        let kind = classify(tx as usize, rx as usize, len).ok_or(EINVAL)?;
        // Each arm: by the type invariant a non-NULL buffer is valid for `len` bytes while the
        // controller works on the transfer, which the borrow of `self` bounds; `classify`
        // guarantees that a shared and a mutable slice never overlap, and that a buffer used
        // both ways is handed out once, mutably.
        Ok(match kind {
            BufferKind::None => Buffers::None,
            // SAFETY: See above: `tx` is non-NULL and valid for reads of `len` bytes.
            BufferKind::Tx => Buffers::Tx(unsafe { core::slice::from_raw_parts(tx, len) }),
            // SAFETY: See above: `rx` is non-NULL and valid for writes of `len` bytes.
            BufferKind::Rx => Buffers::Rx(unsafe { core::slice::from_raw_parts_mut(rx, len) }),
            BufferKind::InPlace => {
                // SAFETY: See above: `rx` (== `tx`) is valid for `len` bytes, handed out once.
                Buffers::InPlace(unsafe { core::slice::from_raw_parts_mut(rx, len) })
            }
            BufferKind::Duplex => Buffers::Duplex {
                // SAFETY: See above: `tx` is valid for reads and does not overlap `rx`.
                tx: unsafe { core::slice::from_raw_parts(tx, len) },
                // SAFETY: See above: `rx` is valid for writes and does not overlap `tx`.
                rx: unsafe { core::slice::from_raw_parts_mut(rx, len) },
            },
        })
    }
}
