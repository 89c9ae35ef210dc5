// SPDX-License-Identifier: GPL-2.0

//! KUnit tests for the parts of `kernel::spi` that need no hardware.

use kernel::prelude::*;

#[kunit_tests(rust_spi)]
mod spi_kunit {
    use crate::spi::{
        bpw_mask,
        transfer::{classify, BufferKind},
        ControllerFlag, ControllerFlags, Mode, Modes, Nbits,
    };

    #[test]
    fn mode_bits_match_the_uapi() {
        // The user-space ABI of <uapi/linux/spi/spi.h>, written out.
        assert_eq!(u32::from(Modes::from(Mode::Cpha)), 1 << 0);
        assert_eq!(u32::from(Modes::from(Mode::CsHigh)), 1 << 2);
        assert_eq!(u32::from(Modes::from(Mode::TxQuad)), 1 << 9);
        assert_eq!(u32::from(Modes::from(Mode::RxOctal)), 1 << 14);
        let modes = Mode::Cpha | Mode::Cpol | Mode::RxDual;
        assert_eq!(u32::from(modes), 0x403);
        assert!(modes.contains(Mode::Cpol));
        assert!(!modes.contains(Mode::CsHigh));
        // A device's mode keeps bits this type has no name for.
        let raw = Modes((1 << 16) | 1);
        assert!(raw.contains(Mode::Cpha));
        assert_eq!(u32::from(raw), 0x10001);
    }

    #[test]
    fn controller_flags_match_the_header() {
        assert_eq!(
            u16::from(ControllerFlags::from(ControllerFlag::HalfDuplex)),
            1 << 0
        );
        assert_eq!(
            u16::from(ControllerFlags::from(ControllerFlag::MustTx)),
            1 << 4
        );
        assert_eq!(u16::from(ControllerFlags::empty()), 0);
    }

    #[test]
    fn nbits_from_the_core() {
        assert_eq!(Nbits::from_raw(0), Some(Nbits::Single));
        assert_eq!(Nbits::from_raw(1), Some(Nbits::Single));
        assert_eq!(Nbits::from_raw(2), Some(Nbits::Dual));
        assert_eq!(Nbits::from_raw(4), Some(Nbits::Quad));
        assert_eq!(Nbits::from_raw(8), Some(Nbits::Octal));
        assert_eq!(Nbits::from_raw(3), None);
        assert_eq!(Nbits::Quad.wires(), 4);
    }

    #[test]
    fn bpw_mask_matches_c_macro() {
        assert_eq!(bpw_mask(1), 0x1);
        assert_eq!(bpw_mask(8), 0x80);
        assert_eq!(bpw_mask(32), 0x8000_0000);
        assert_eq!(bpw_mask(0), 0);
        assert_eq!(bpw_mask(33), 0);
    }

    #[test]
    fn buffers_are_classified() {
        assert_eq!(classify(0, 0, 4), Some(BufferKind::None));
        assert_eq!(classify(0x1000, 0x2000, 0), Some(BufferKind::None));
        assert_eq!(classify(0x1000, 0, 4), Some(BufferKind::Tx));
        assert_eq!(classify(0, 0x1000, 4), Some(BufferKind::Rx));
        assert_eq!(classify(0x1000, 0x1000, 4), Some(BufferKind::InPlace));
        assert_eq!(classify(0x1000, 0x1004, 4), Some(BufferKind::Duplex));
        assert_eq!(classify(0x1004, 0x1000, 4), Some(BufferKind::Duplex));
    }

    #[test]
    fn overlapping_buffers_are_refused() {
        assert_eq!(classify(0x1000, 0x1002, 4), None);
        assert_eq!(classify(0x1002, 0x1000, 4), None);
        assert_eq!(classify(0x1000, 0x1001, 2), None);
        assert_eq!(classify(usize::MAX - 1, 0x1000, 4), None);
    }
}
