// SPDX-License-Identifier: GPL-2.0

//! Test client for the device side of `kernel::spi` (test tooling, not a driver).
//!
//! Bound to a device by `driver_override` (it matches nothing by itself), it:
//! - reads one byte from that device with `write_then_read`;
//! - sends `count` asynchronous messages, `burst` at a time with `pace_us` between bursts, to
//!   the SPI NOR flash at `spi<target_bus>.0` while the flash's own driver uses it: READ ID
//!   (its answer checked) and READ STATUS, each a command transfer and a receive-only one;
//! - times `timing` synchronous READ ID messages sent as a prebuilt message, plain and
//!   optimized once, in alternating rounds.
//!
//! Options:
//! - with `sync_in_done`, sends each asynchronous READ ID again from its completion function,
//!   synchronously (which sleeps and takes the controller's `io_mutex`);
//! - with `late_send`, keeps its reference to the target and sends it one READ STATUS when it
//!   is unbound, which may be after the target's controller is gone (the send must then fail).
//!
//! Each part ends with one `spi_rs_client` line in the kernel log, which the tests read. Probe
//! waits for its messages on every path; one still in flight holds the module
//! (`OwnedMessage::submit`), so it cannot be unloaded under a completion.

use kernel::{
    device::Core,
    prelude::*,
    spi::{self, MessageBuilder, OwnedMessage},
    str::CString,
    sync::{
        aref::ARef,
        atomic::{Acquire, Atomic, Relaxed, Release},
        Arc,
    },
    time::{delay::fsleep, Delta, Instant, Monotonic},
};

/// The flash's JEDEC id (QEMU's is25wp256).
const FLASH_ID: [u8; 3] = [0x9d, 0x70, 0x19];
const READ_ID: u8 = 0x9f;
const READ_STATUS: u8 = 0x05;
/// How long the client waits for its messages to complete before it gives up.
const DRAIN_TIMEOUT: Delta = Delta::from_secs(30);
/// Rounds of the timing part (plain and optimized alternate within each).
const TIMING_ROUNDS: u32 = 5;

kernel::spi_device_table!(
    SPI_TABLE,
    <Client as spi::Driver>::IdInfo,
    [(spi::DeviceId::new(c"spi-rs-client"), ())]
);

struct Client {
    /// The target, kept past probe with `late_send`.
    late_target: Option<ARef<spi::Device>>,
}

/// Counters shared with the completion function.
struct Stats {
    in_flight: Atomic<i32>,
    done: Atomic<i32>,
    errors: Atomic<i32>,
    bad_ids: Atomic<i32>,
    /// READ IDs sent again synchronously from their completion (`sync_in_done`), and how many
    /// of those got the flash's id.
    resent: Atomic<i32>,
    resent_ok: Atomic<i32>,
}

impl Stats {
    fn new() -> Result<Arc<Self>> {
        Arc::new(
            Self {
                in_flight: Atomic::new(0),
                done: Atomic::new(0),
                errors: Atomic::new(0),
                bad_ids: Atomic::new(0),
                resent: Atomic::new(0),
                resent_ok: Atomic::new(0),
            },
            GFP_KERNEL,
        )
        .map_err(Into::into)
    }
}

/// What a message carries for its completion.
struct Sent {
    stats: Arc<Stats>,
    read_id: bool,
}

/// Completion of an asynchronous message: count it, check a READ ID answer, free it. With
/// `sync_in_done`, a READ ID is first sent again synchronously from here, which sleeps.
fn completed(mut msg: Pin<KBox<OwnedMessage<Sent>>>) {
    let stats = msg.data.stats.clone();
    match msg.status() {
        Err(_) => {
            stats.errors.fetch_add(1, Relaxed);
        }
        Ok(()) if msg.data.read_id && msg.rx(1) != Some(&FLASH_ID[..]) => {
            stats.bad_ids.fetch_add(1, Relaxed);
        }
        Ok(()) => {}
    }
    if msg.data.read_id && module_parameters::sync_in_done.value() {
        stats.resent.fetch_add(1, Relaxed);
        if msg.as_mut().sync().is_ok() && msg.rx(1) == Some(&FLASH_ID[..]) {
            stats.resent_ok.fetch_add(1, Relaxed);
        }
    }
    stats.done.fetch_add(1, Relaxed);
    // Last: once the count drops, probe may return.
    drop(msg);
    stats.in_flight.fetch_add(-1, Release);
}

/// Waits until at most `limit` messages are in flight, for at most [`DRAIN_TIMEOUT`].
fn wait_in_flight(stats: &Stats, limit: i32) -> Result {
    let start = Instant::<Monotonic>::now();
    while stats.in_flight.load(Acquire) > limit {
        if start.elapsed() > DRAIN_TIMEOUT {
            return Err(ETIMEDOUT);
        }
        fsleep(Delta::from_micros(20));
    }
    Ok(())
}

fn read_id(target: &ARef<spi::Device>, data: Sent) -> Result<Pin<KBox<OwnedMessage<Sent>>>> {
    MessageBuilder::new(target.clone(), data, GFP_KERNEL)
        .write(&[READ_ID])?
        .read(3)?
        .build()
}

/// Sends the asynchronous traffic and waits for all of it.
fn traffic(dev: &spi::Device<Core<'_>>, target: &ARef<spi::Device>) -> Result {
    let count = module_parameters::count.value();
    let burst = (module_parameters::burst.value()).max(1);
    let pace = Delta::from_micros(i64::from(module_parameters::pace_us.value()));
    let stats = Stats::new()?;
    let module = <LocalModule as kernel::ModuleMetadata>::THIS_MODULE;
    let mut refused = 0;
    let sent = send_all(target, &stats, &module, count, burst, pace, &mut refused);
    // Whatever happened, wait for what is in flight before leaving.
    let drained = wait_in_flight(&stats, 0).inspect_err(|_| {
        dev_err!(
            dev.as_ref(),
            "spi_rs_client: messages still in flight after 30 s\n"
        );
    });
    sent?;
    drained?;
    dev_info!(
        dev.as_ref(),
        "spi_rs_client: async sent {} completed {} refused {} ok {} id_mismatch {}\n",
        count,
        stats.done.load(Relaxed),
        refused,
        stats.done.load(Relaxed) - stats.errors.load(Relaxed),
        stats.bad_ids.load(Relaxed)
    );
    if module_parameters::sync_in_done.value() {
        dev_info!(
            dev.as_ref(),
            "spi_rs_client: sync in done: resent {} ok {}\n",
            stats.resent.load(Relaxed),
            stats.resent_ok.load(Relaxed)
        );
    }
    Ok(())
}

/// Sends `count` messages, `burst` at a time, counting those the core refused.
fn send_all(
    target: &ARef<spi::Device>,
    stats: &Arc<Stats>,
    module: &kernel::ThisModule,
    count: u32,
    burst: u32,
    pace: Delta,
    refused: &mut u32,
) -> Result {
    for i in 0..count {
        let sent = Sent {
            stats: stats.clone(),
            read_id: i % 2 == 0,
        };
        let msg = if sent.read_id {
            read_id(target, sent)?
        } else {
            MessageBuilder::new(target.clone(), sent, GFP_KERNEL)
                .write(&[READ_STATUS])?
                .read(1)?
                .build()?
        };
        stats.in_flight.fetch_add(1, Relaxed);
        if let Err((_, msg)) = msg.submit(completed, module) {
            stats.in_flight.fetch_add(-1, Relaxed);
            *refused += 1;
            drop(msg);
        }
        if (i + 1) % burst == 0 {
            fsleep(pace);
            wait_in_flight(stats, burst as i32)?;
        }
    }
    Ok(())
}

/// Times `n` synchronous sends of `msg`, in ns per message.
fn time_sends(msg: &mut Pin<KBox<OwnedMessage<Sent>>>, n: u32) -> Result<i64> {
    let start = Instant::<Monotonic>::now();
    for _ in 0..n {
        msg.as_mut().sync()?;
    }
    Ok(start.elapsed().as_nanos() / i64::from(n.max(1)))
}

/// Plain against optimized synchronous READ ID messages, alternating in rounds.
fn timing(dev: &spi::Device<Core<'_>>, target: &ARef<spi::Device>) -> Result {
    let n = module_parameters::timing.value();
    let stats = Stats::new()?;
    let new = || {
        read_id(
            target,
            Sent {
                stats: stats.clone(),
                read_id: true,
            },
        )
    };
    let mut plain = new()?;
    let mut optimized = new()?;
    optimized.as_mut().optimize()?;
    for round in 1..=TIMING_ROUNDS {
        let p = time_sends(&mut plain, n)?;
        let o = time_sends(&mut optimized, n)?;
        for msg in [&plain, &optimized] {
            if msg.rx(1) != Some(&FLASH_ID[..]) {
                dev_err!(dev.as_ref(), "spi_rs_client: wrong READ ID answer\n");
                return Err(EIO);
            }
        }
        dev_info!(
            dev.as_ref(),
            "spi_rs_client: timing round {} messages {} plain_ns {} optimized_ns {}\n",
            round,
            n,
            p,
            o
        );
    }
    Ok(())
}

impl spi::Driver for Client {
    type IdInfo = ();
    type Data<'bound> = Self;
    const SPI_ID_TABLE: Option<spi::IdTable<Self::IdInfo>> = Some(&SPI_TABLE);

    fn probe<'bound>(
        spi: &'bound spi::Device<Core<'_>>,
        _id_info: Option<&'bound Self::IdInfo>,
    ) -> impl PinInit<Self::Data<'bound>, Error> + 'bound {
        run(spi)
    }

    fn unbind<'bound>(spi: &'bound spi::Device<Core<'_>>, this: Pin<&Self::Data<'bound>>) {
        if let Some(target) = &this.late_target {
            let mut status = [0u8; 1];
            match target.write_then_read(&[READ_STATUS], &mut status) {
                Ok(()) => dev_info!(spi.as_ref(), "spi_rs_client: late send: ok\n"),
                Err(e) => dev_info!(
                    spi.as_ref(),
                    "spi_rs_client: late send: error {}\n",
                    e.to_errno()
                ),
            }
        }
    }
}

/// The client's whole job, done while it binds.
fn run(spi: &spi::Device<Core<'_>>) -> Result<Client> {
    let name = CString::try_from_fmt(fmt!("spi{}.0", module_parameters::target_bus.value()))?;
    let target = spi::Device::find_by_name(&name).inspect_err(|_| {
        dev_err!(spi.as_ref(), "spi_rs_client: no SPI device {}\n", &*name);
    })?;
    // A byte from our own device: 0x00 is no command for any SPI target we bind to.
    let mut byte = [0u8; 1];
    spi.write_then_read(&[0x00], &mut byte)?;
    dev_info!(
        spi.as_ref(),
        "spi_rs_client: bound; own device answered {:#04x}; target {}\n",
        byte[0],
        &*name
    );
    if module_parameters::count.value() > 0 {
        traffic(spi, &target)?;
    }
    if module_parameters::timing.value() > 0 {
        timing(spi, &target)?;
    }
    Ok(Client {
        late_target: module_parameters::late_send.value().then_some(target),
    })
}

kernel::module_spi_driver! {
    type: Client,
    name: "spi_rs_client",
    authors: ["Seed 9805a112 maintainers <maintainers@users.noreply.h-seed-9805a112.example>"],
    description: "Test client of the kernel::spi device-side API",
    license: "GPL",
    params: {
        target_bus: u32 {
            default: 0,
            description: "Bus number of the target flash (its device is spi<N>.0)",
        },
        count: u32 {
            default: 0,
            description: "Asynchronous messages to send to the target",
        },
        burst: u32 {
            default: 8,
            description: "Messages sent back to back before a pause",
        },
        pace_us: u32 {
            default: 100,
            description: "Pause between bursts, in microseconds",
        },
        sync_in_done: bool {
            default: false,
            description: "Send each READ ID again, synchronously, from its completion",
        },
        late_send: bool {
            default: false,
            description: "Keep the target and send it one message when unbound",
        },
        timing: u32 {
            default: 0,
            description: "Synchronous messages per timing run (0: no timing)",
        },
    },
}
