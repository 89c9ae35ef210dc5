# SPDX-License-Identifier: GPL-2.0
# The Rust test client (device-side kernel::spi) sends asynchronous READ ID
# and READ STATUS messages to the flash while spi-nor erases, writes and
# verifies it: every message completes without error, every READ ID answer is
# the flash's id, and every byte written reads back.
load_spi_driver
client_start count=3000 burst=8 pace_us=50
run mtdtool erase /dev/mtd0 0x400000 256k
run mtdtool write /dev/mtd0 99 0x400000 256k
run mtdtool verify /dev/mtd0 99 0x400000 256k
client_wait
client_check 3000
client_stop
