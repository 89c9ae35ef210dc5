#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Checks the host's kernel-log check (qemu/log-errors.sh) on a made-up serial
# log: each class of error line it must catch, each line it must let through,
# expected-log scoping and counts. Prints what differs.
set -euo pipefail
. "$(dirname "$0")/env.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# One serial-log line per input line, with a timestamp and the console's CR.
log_of() {
	awk '{ printf "[%5d.000000] %s\r\n", NR, $0 }'
}

log_of >"$tmp/boot.log" <<'EOF'
Booting Linux on hartid 1
spi_sifive_rs 10040000.spi: registered: irq 5, 1 chip select(s), fifo depth 8, clock 1000000 Hz
spi_sifive_rs 10040000.spi: could not detect any chip select line
spi-rs: TAP version 13
spi-rs: 1..5
spi-rs: # a case that provokes nothing
irq 5: nobody cared (try booting with the "irqpoll" option)
Disabling IRQ #5
spi-rs: ok 1 handler
INFO: trying to register non-static key.
sifive_spi 10040000.spi: DMA mask not set
workqueue: work func _RNvNtNtCs0_6kernel3spi13owned_message13complete_work enqueued on deprecated workqueue. Use system_{percpu|dfl}_wq instead.
workqueue: work func _RNvXs8_NtCs0_6kernel9workqueue3run enqueued on deprecated workqueue. Use system_{percpu|dfl}_wq instead.
spi-rs: ok 2 lockdep
spi_sifive_rs 10040000.spi: transfer of 4 bytes at 1000000 Hz timed out; controller reset (logged once)
spi-rs: # expected-log n=1: spi_sifive_rs 10040000\.spi: transfer of [0-9]+ bytes at [0-9]+ Hz timed out
spi_sifive_rs 10040000.spi: transfer of 4 bytes at 1000000 Hz timed out; controller reset (logged once)
spi-rs: # expected-log n=1: spidev spi[0-9.]+: SPI transfer failed: -110
spidev spi0.0: SPI transfer failed: -5
spi-rs: # expected-log n=@power: spi_master spi[0-9]+: Failed to power device: -5
spi-rs: # expected-log n=@power: Runtime PM usage count underflow
spi_master spi0: Failed to power device: -5
spi_master spi0: Failed to power device: -5
spi_master spi0: Runtime PM usage count underflow!
spi-rs: not ok 3 scoped
spi-rs: # expected-log n=@pair: spi_master spi[0-9]+: Failed to power device: -5
spi-rs: # expected-log n=@pair: Runtime PM usage count underflow
spi-rs: # expected-log: spi_rs_client spi[0-9.]+: spi_rs_client: late send: error -108$
spi_master spi0: Failed to power device: -5
spi_master spi0: Runtime PM usage count underflow!
spi_rs_client spi1.0: spi_rs_client: bound; own device answered 0x9d; target spi0
spi_rs_client spi1.0: spi_rs_client: async sent 8 completed 8 refused 0 ok 8 id_mismatch 0
spi_rs_client spi1.0: spi_rs_client: late send: error -108
spi_rs_client spi1.0: spi_rs_client: wrong READ ID answer
spi-rs: ok 4 paired
INFO: task kworker/0:1:42 blocked for more than 120 seconds.
spi-rs: ok 5 last
rcu: INFO: rcu_sched self-detected stall on CPU
spi-rs: # spi-rs: end of plan
spi-nor spi0.0: spi-nor read error -110
EOF

cat >"$tmp/want" <<'EOF'
0	spi_sifive_rs 10040000.spi: could not detect any chip select line
1	irq 5: nobody cared (try booting with the "irqpoll" option)
1	Disabling IRQ #5
2	INFO: trying to register non-static key.
2	sifive_spi 10040000.spi: DMA mask not set
2	workqueue: work func _RNvNtNtCs0_6kernel3spi13owned_message13complete_work enqueued on deprecated workqueue. Use system_{percpu|dfl}_wq instead.
3	spi_sifive_rs 10040000.spi: transfer of 4 bytes at 1000000 Hz timed out; controller reset (logged once)
3	spidev spi0.0: SPI transfer failed: -5
3	expected-log n=1: want 1 line(s) matching /spidev spi[0-9.]+: SPI transfer failed: -110/ after its declaration, saw 0
3	expected-log n=@power: want 2 line(s) matching /Runtime PM usage count underflow/ after its declaration, saw 1
4	spi_rs_client spi1.0: spi_rs_client: wrong READ ID answer
5	INFO: task kworker/0:1:42 blocked for more than 120 seconds.
0	rcu: INFO: rcu_sched self-detected stall on CPU
0	spi-nor spi0.0: spi-nor read error -110
EOF

"$TOP/qemu/log-errors.sh" "$tmp/boot.log" >"$tmp/got"
if ! diff -u "$tmp/want" "$tmp/got"; then
	echo "log-errors.sh: output differs from what the made-up log wants (- want, + got)" >&2
	exit 1
fi
echo "log-errors.sh: $(wc -l <"$tmp/want") error lines and counts found, none extra"
