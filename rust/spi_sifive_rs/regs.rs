// SPDX-License-Identifier: GPL-2.0

//! Registers of the SiFive SPI controller (FU540-C000 manual, chapter "Serial Peripheral
//! Interface").

use kernel::{io::register, num::Bounded, prelude::*};

/// Size of the register window.
pub(crate) const SIZE: usize = 0x1000;

register! {
    /// Serial clock divisor: SCK = input clock / (2 * (div + 1)).
    pub(crate) SCKDIV(u32) @ 0x00 {
        11:0 div;
    }

    /// Serial clock mode.
    pub(crate) SCKMODE(u32) @ 0x04 {
        /// Clock phase (SPI mode CPHA).
        0:0 pha => bool;
        /// Clock polarity (SPI mode CPOL).
        1:1 pol => bool;
    }

    /// Chip select ID: which chip select line the controller drives.
    pub(crate) CSID(u32) @ 0x10 {
        31:0 id;
    }

    /// Chip select default: the inactive level of each chip select line.
    pub(crate) CSDEF(u32) @ 0x14 {
        31:0 levels;
    }

    /// Chip select mode.
    pub(crate) CSMODE(u32) @ 0x18 {
        1:0 mode ?=> CsMode;
    }

    /// Delays around chip select, in SCK cycles.
    pub(crate) DELAY0(u32) @ 0x28 {
        /// Chip select to first clock edge.
        7:0 cssck;
        /// Last clock edge to chip select deassertion.
        23:16 sckcs;
    }

    /// Delays between frames, in SCK cycles.
    pub(crate) DELAY1(u32) @ 0x2c {
        /// Minimum chip select inactive time.
        7:0 intercs;
        /// Delay between frames without chip select deassertion.
        23:16 interxfr;
    }

    /// Frame format.
    pub(crate) FMT(u32) @ 0x40 {
        /// Wires per direction.
        1:0 proto ?=> Proto;
        /// Least significant bit first.
        2:2 lsb_first => bool;
        /// Transmit only: the receive FIFO is not filled.
        3:3 tx_only => bool;
        /// Bits per frame.
        19:16 len;
    }

    /// Transmit FIFO data; writing queues one frame.
    pub(crate) TXDATA(u32) @ 0x48 {
        7:0 data;
        /// The FIFO is full (reading only).
        31:31 full => bool;
    }

    /// Receive FIFO data; reading dequeues one frame.
    pub(crate) RXDATA(u32) @ 0x4c {
        7:0 data;
        /// The FIFO was empty: `data` is not valid.
        31:31 empty => bool;
    }

    /// Transmit watermark: TXWM is pending while the FIFO holds fewer frames than this.
    pub(crate) TXMARK(u32) @ 0x50 {
        2:0 mark;
    }

    /// Receive watermark: RXWM is pending while the FIFO holds more frames than this.
    pub(crate) RXMARK(u32) @ 0x54 {
        2:0 mark;
    }

    /// Memory-mapped flash interface control.
    pub(crate) FCTRL(u32) @ 0x60 {
        /// Memory-mapped flash mode enabled.
        0:0 en => bool;
    }

    /// Interrupt enable.
    pub(crate) IE(u32) @ 0x70 {
        0:0 txwm => bool;
        1:1 rxwm => bool;
    }

    /// Interrupt pending (reflects the FIFO levels against the watermarks).
    pub(crate) IP(u32) @ 0x74 {
        0:0 txwm => bool;
        1:1 rxwm => bool;
    }
}

/// The largest SCKDIV value (a 12-bit field): the slowest clock is input / 8192.
pub(crate) const SCKDIV_MAX: u32 = (1 << 12) - 1;

/// Chip select behaviour (CSMODE.mode; the driver does not use OFF, 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CsMode {
    /// Asserted for each frame, deasserted between frames.
    Auto = 0,
    /// Kept asserted from the first frame until the mode changes.
    Hold = 2,
}

impl From<CsMode> for Bounded<u32, 2> {
    fn from(mode: CsMode) -> Self {
        match mode {
            CsMode::Auto => Bounded::<u32, 2>::new::<0>(),
            CsMode::Hold => Bounded::<u32, 2>::new::<2>(),
        }
    }
}

impl TryFrom<Bounded<u32, 2>> for CsMode {
    type Error = Error;

    fn try_from(value: Bounded<u32, 2>) -> Result<Self> {
        match value.get() {
            0 => Ok(Self::Auto),
            2 => Ok(Self::Hold),
            _ => Err(EINVAL),
        }
    }
}

/// SPI protocol: how many wires carry data (FMT.proto).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Proto {
    /// One wire per direction (MOSI, MISO).
    Single = 0,
    /// Two bidirectional wires (DQ0-1).
    Dual = 1,
    /// Four bidirectional wires (DQ0-3).
    Quad = 2,
}

impl From<Proto> for Bounded<u32, 2> {
    fn from(proto: Proto) -> Self {
        match proto {
            Proto::Single => Bounded::<u32, 2>::new::<0>(),
            Proto::Dual => Bounded::<u32, 2>::new::<1>(),
            Proto::Quad => Bounded::<u32, 2>::new::<2>(),
        }
    }
}

impl TryFrom<Bounded<u32, 2>> for Proto {
    type Error = Error;

    fn try_from(value: Bounded<u32, 2>) -> Result<Self> {
        match value.get() {
            0 => Ok(Self::Single),
            1 => Ok(Self::Dual),
            2 => Ok(Self::Quad),
            _ => Err(EINVAL),
        }
    }
}
