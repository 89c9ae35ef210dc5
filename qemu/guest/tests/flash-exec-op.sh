# SPDX-License-Identifier: GPL-2.0
# spi-nor's reads, programs, erases and status polls reach the controller's
# exec_op: while the flash is erased, written and read back, spi-mem traces
# operations and the SPI core sees no message at all (a fallback to regular
# transfers would show as spi_message_submit). Its region (0x380000) is
# not the persistence cases' (0x300000), which the next boot reads back.
load_spi_driver
T=/sys/kernel/tracing
[ -d $T/events/spi-mem ] || fail "no spi-mem trace events in this kernel"
echo 0 >$T/tracing_on
echo >$T/trace
echo 1 >$T/events/spi-mem/spi_mem_start_op/enable
echo 1 >$T/events/spi/spi_message_submit/enable
echo 1 >$T/tracing_on
run mtdtool erase /dev/mtd0 0x380000 64k
run mtdtool write /dev/mtd0 4242 0x380000 64k
run mtdtool verify /dev/mtd0 4242 0x380000 64k
echo 0 >$T/tracing_on
echo 0 >$T/events/spi-mem/spi_mem_start_op/enable
echo 0 >$T/events/spi/spi_message_submit/enable
ops=$(grep -c spi_mem_start_op: $T/trace || true)
msgs=$(grep -c spi_message_submit: $T/trace || true)
echo "spi-mem operations: $ops; SPI messages: $msgs"
# One line per kind of operation: opcode and phase widths.
grep -o 'spi_mem_start_op: .*op=\[[0-9a-f]*' $T/trace |
	sed 's/@[0-9]* Hz //; s/op=\[\(..\).*/opcode \1/' | sort | uniq -c |
	while read -r line; do echo "  $line"; done
[ "$ops" -gt 0 ] || fail "no spi-mem operation traced"
[ "$msgs" -eq 0 ] || fail "$msgs operations fell back to SPI messages"
for opcode in 06 05; do # write enable, read status
	grep -q "op=\[$opcode" $T/trace || fail "no operation with opcode $opcode"
done
