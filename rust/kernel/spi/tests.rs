// SPDX-License-Identifier: GPL-2.0

//! KUnit tests for the parts of `kernel::spi` that need no hardware.

use kernel::prelude::*;

#[kunit_tests(rust_spi)]
mod spi_kunit {
    use crate::bindings;
    use crate::spi::{
        bpw_mask,
        transfer::{classify, BufferKind},
        ControllerFlag, ControllerFlags, Mode, Modes, Nbits,
    };
    use kernel::prelude::*;

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

    /// A memory operation as spi-nor builds one: `(bytes, buswidth)` for the command, address
    /// and dummy phases; the data phase with its direction.
    #[cfg(CONFIG_SPI_MEM)]
    fn mem_op(
        opcode: u16,
        cmd: (u8, u8),
        addr: (u8, u8, u64),
        dummy: (u8, u8),
        data: (bindings::spi_mem_data_dir, u32, u8),
    ) -> bindings::spi_mem_op {
        let mut op = bindings::spi_mem_op::default();
        (op.cmd.nbytes, op.cmd.buswidth, op.cmd.opcode) = (cmd.0, cmd.1, opcode);
        (op.addr.nbytes, op.addr.buswidth, op.addr.val) = addr;
        (op.dummy.nbytes, op.dummy.buswidth) = dummy;
        (op.data.dir, op.data.nbytes, op.data.buswidth) = data;
        op
    }

    #[cfg(CONFIG_SPI_MEM)]
    #[test]
    fn mem_op_quad_io_read() {
        use crate::spi::{DataDir, MemOp, Phase};
        let raw = mem_op(
            0xec,
            (1, 1),
            (4, 4, 0x0012_3456),
            (3, 4),
            (bindings::spi_mem_data_dir_SPI_MEM_DATA_IN, 16, 4),
        );
        // SAFETY: `raw` is a valid operation that outlives `op` and is not changed.
        let op = unsafe { MemOp::from_raw(&raw) };
        assert_eq!(op.opcode(), 0xec);
        let quad = |bytes| Phase {
            bytes,
            width: Some(Nbits::Quad),
            dtr: false,
        };
        assert_eq!(op.addr(), quad(4));
        assert_eq!(op.dummy(), quad(3));
        assert_eq!(op.data(), quad(16));
        assert_eq!(op.cmd().width, Some(Nbits::Single));
        assert_eq!(op.data_dir(), DataDir::In);
        assert!(!op.needs_data_engine());
        let mut buf = [0u8; 16];
        assert_eq!(
            op.header(&mut buf),
            Some(&[0xec, 0x00, 0x12, 0x34, 0x56, 0xff, 0xff, 0xff][..])
        );
        // The header does not fit: no partial header.
        assert_eq!(op.header(&mut buf[..7]), None);
    }

    #[cfg(CONFIG_SPI_MEM)]
    #[test]
    fn mem_op_without_data_or_address() {
        use crate::spi::{DataDir, MemOp};
        // Write enable: the direction field is meaningless without data bytes.
        let raw = mem_op(
            0x06,
            (1, 1),
            (0, 0, 0xdead),
            (0, 0),
            (bindings::spi_mem_data_dir_SPI_MEM_DATA_IN, 0, 0),
        );
        // SAFETY: As above.
        let op = unsafe { MemOp::from_raw(&raw) };
        assert_eq!(op.data_dir(), DataDir::None);
        assert_eq!(op.addr().bytes, 0);
        assert_eq!(op.addr().width, Some(Nbits::Single));
        let mut buf = [0u8; 4];
        assert_eq!(op.header(&mut buf), Some(&[0x06][..]));
    }

    #[cfg(CONFIG_SPI_MEM)]
    #[test]
    fn mem_op_not_byte_per_byte() {
        use crate::spi::MemOp;
        let out = bindings::spi_mem_data_dir_SPI_MEM_DATA_OUT;
        let mut buf = [0u8; 16];
        // A two-byte opcode (octal DTR commands).
        let raw = mem_op(0x12ed, (2, 8), (4, 8, 0), (0, 0), (out, 4, 8));
        // SAFETY: As above.
        let op = unsafe { MemOp::from_raw(&raw) };
        assert_eq!(op.data().width, Some(Nbits::Octal));
        assert_eq!(op.header(&mut buf), None);
        // A DTR address phase.
        let mut raw = mem_op(0x0b, (1, 1), (3, 1, 0), (1, 1), (out, 4, 1));
        raw.addr.set_dtr(1);
        // SAFETY: As above.
        let op = unsafe { MemOp::from_raw(&raw) };
        assert!(op.addr().dtr);
        assert_eq!(op.header(&mut buf), None);
        // A bus width the core does not define.
        let raw = mem_op(0x0b, (1, 3), (0, 0, 0), (0, 0), (out, 4, 1));
        // SAFETY: As above.
        let op = unsafe { MemOp::from_raw(&raw) };
        assert_eq!(op.cmd().width, None);
    }

    #[test]
    fn device_id_holds_the_name() {
        const ID: crate::spi::DeviceId = crate::spi::DeviceId::new(c"spi-rs-client");
        // SAFETY: `DeviceId` is a transparent wrapper of `spi_device_id`.
        let raw: &bindings::spi_device_id = unsafe { &*core::ptr::from_ref(&ID).cast() };
        assert_eq!(&raw.name[..14], b"spi-rs-client\0");
        assert!(raw.name[14..].iter().all(|&b| b == 0));
        assert_eq!(raw.driver_data, 0);
    }

    #[test]
    fn message_transfers_point_at_their_buffers() -> Result {
        use crate::spi::owned_message::{transfers, Step};
        let mut steps = KVec::new();
        steps.push(Step::Write(kernel::kvec![0x9f]?), GFP_KERNEL)?;
        steps.push(Step::Read(3), GFP_KERNEL)?;
        let (xfers, bufs) = transfers(steps, GFP_KERNEL)?;
        assert_eq!((xfers.len(), bufs.len()), (2, 2));
        // SAFETY: The transfers were just built and nothing else uses them.
        let (w, r) = unsafe { (&*xfers[0].get(), &*xfers[1].get()) };
        assert_eq!((w.len, r.len), (1, 3));
        assert_eq!(w.tx_buf, bufs[0].0.as_ptr().cast());
        assert!(w.rx_buf.is_null() && r.tx_buf.is_null());
        assert_eq!(r.rx_buf.cast_const(), bufs[1].0.as_ptr().cast());
        assert_eq!((bufs[0].1, bufs[1].1), (false, true));
        assert_eq!(&bufs[0].0[..], &[0x9f]);
        assert_eq!(&bufs[1].0[..], &[0, 0, 0]);
        Ok(())
    }

    #[test]
    fn a_message_needs_a_transfer() {
        use crate::spi::owned_message::transfers;
        assert_eq!(transfers(KVec::new(), GFP_KERNEL).err(), Some(EINVAL));
    }
}
