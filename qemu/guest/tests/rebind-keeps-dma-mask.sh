# SPDX-License-Identifier: GPL-2.0
# Unbinding the flash's controller and binding it again leaves the platform
# device as it was: the second probe finds its DMA mask pointer set (no "DMA
# mask not set" from of_dma_configure_id()), and the flash works. The
# reproducer of series/fixes/05 (spi-sifive cleared the pointer at probe).
load_spi_driver
drv=/sys/bus/platform/drivers/$(spi_driver_name)
from=$(dmesg | wc -l)
echo 10040000.spi >"$drv/unbind" || fail "unbind failed"
echo 10040000.spi >"$drv/bind" || fail "bind failed"
wait_for /dev/mtd0 5 || fail "/dev/mtd0 missing after bind"
lost=$(dmesg | tail -n +$((from + 1)) | grep 'DMA mask not set' || true)
[ -z "$lost" ] || fail "the second probe found the DMA mask pointer cleared: $lost"
run mtdtool erase /dev/mtd0 0x7a0000 4k
run mtdtool write /dev/mtd0 81 0x7a0000 4k
run mtdtool verify /dev/mtd0 81 0x7a0000 4k
