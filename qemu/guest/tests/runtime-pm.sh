# SPDX-License-Identifier: GPL-2.0
# The controller autosuspends when idle, is active during I/O, and works after
# a suspend.
load_spi_driver
status() { cat $SPI_CTRL_DEV/power/runtime_status; }
sleep 0.3
s=$(status)
echo "idle: $s"
[ "$s" = suspended ] || fail "runtime_status '$s' after idle, want suspended"
# Sampled until the read ends: the first samples can come before the read
# starts or while the controller resumes (both slow under KASAN).
dd if=/dev/mtd0 of=/dev/null bs=64k count=32 2>/dev/null &
pid=$!
seen=
while kill -0 $pid 2>/dev/null; do
	s=$(status)
	case " $seen " in *" $s "*) ;; *) seen="$seen $s" ;; esac
	sleep 0.02
done
wait $pid || fail "reading /dev/mtd0 failed"
echo "during I/O:$seen"
case " $seen " in *" active "*) ;; *) fail "runtime_status never 'active' during I/O (saw:$seen)" ;; esac
sleep 0.3
s=$(status)
echo "idle again: $s"
[ "$s" = suspended ] || fail "runtime_status '$s' after I/O, want suspended"
run mtdtool erase /dev/mtd0 0x500000 4k
run mtdtool write /dev/mtd0 5 0x500000 4k
run mtdtool verify /dev/mtd0 5 0x500000 4k
echo "suspended $(cat $SPI_CTRL_DEV/power/runtime_suspended_time) ms, active $(cat $SPI_CTRL_DEV/power/runtime_active_time) ms"
