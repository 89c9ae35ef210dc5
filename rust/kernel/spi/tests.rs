// SPDX-License-Identifier: GPL-2.0

//! KUnit tests for the parts of `kernel::spi` that need no hardware.

use kernel::prelude::*;

#[kunit_tests(rust_spi)]
mod spi_kunit {
    use crate::spi::{
        bpw_mask,
        transfer::{classify, BufferKind},
    };

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
