# SPDX-License-Identifier: GPL-2.0
# MMIO-counting boot of the benchmark (QEMU traces the controller's register
# accesses): one variant, READS 4 KiB MTD reads and MSGS READ ID messages, as
# /etc/bench.conf says. Boots with different sizes are differenced.
. /etc/bench.conf
name=${VARIANT%%:*} mod=${VARIANT#*:}
load_bench_variant "$mod"
dd if=/dev/mtd0 of=/dev/null bs=4k count="$READS" 2>/dev/null || fail "MTD read failed"
spidev_on
spitool burst "$SPIDEV" "$MSGS" 4 >/dev/null || fail "spidev burst failed"
spidev_off
echo "$name: $READS reads, $MSGS messages"
