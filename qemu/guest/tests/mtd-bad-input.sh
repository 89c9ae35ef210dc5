# SPDX-License-Identifier: GPL-2.0
# Bad input through MTD: writes and reads across or past the end, unaligned
# and out-of-range erases get their errno or a short count, nothing splats,
# and the data around is untouched.
load_spi_driver
size=$(mtdtool info /dev/mtd0 | sed 's/size \([0-9]*\).*/\1/')
eb=$(mtdtool info /dev/mtd0 | sed 's/.*erasesize \([0-9]*\).*/\1/')
last=$((size - eb))
echo "flash: $size bytes, erase blocks of $eb"
run mtdtool erase /dev/mtd0 $((last - eb)) $((2 * eb))
run mtdtool write /dev/mtd0 42 $((last - eb)) $((2 * eb - 16))
expect() { # OP OFF LEN WANT
	got=$(mtdtool try "$1" /dev/mtd0 "$2" "$3")
	echo "$1 at $2 len $3: $got"
	[ "$got" = "$4" ] || fail "$1 at $2 len $3: got '$got', want '$4'"
}
expect write "$size" 4 errno=ENOSPC
expect write $((size + eb)) 4 errno=ENOSPC
expect write $((size - 8)) 16 n=8
expect read "$size" 4 n=0
expect read $((size - 4)) 16 n=4
expect read $((size + eb)) 4 n=0
expect erase "$last" 1 errno=EINVAL
expect erase "$last" $((eb + 1)) errno=EINVAL
expect erase "$size" "$eb" errno=EINVAL
expect erase "$last" $((2 * eb)) errno=EINVAL
expect erase 0 $((size + eb)) errno=EINVAL
# The neighbours of everything above kept their data.
run mtdtool verify /dev/mtd0 42 $((last - eb)) $((2 * eb - 16))

# An erase whose start is not block-aligned but whose length is: spi-nor
# checks only the length and goes ahead (kernel behaviour, not the controller
# driver's). Recorded so a change shows; blocks outside the two the range
# touches must keep their data.
run mtdtool erase /dev/mtd0 $((last - 4 * eb)) $((3 * eb))
run mtdtool write /dev/mtd0 43 $((last - 4 * eb)) $((3 * eb))
expect erase $((last - 3 * eb + 1)) "$eb" n=0
for b in 3 2; do
	if mtdtool blank /dev/mtd0 $((last - b * eb)) "$eb" 2>/dev/null; then
		echo "block at $((last - b * eb)): erased"
	else
		echo "block at $((last - b * eb)): not erased"
	fi
done
run mtdtool verify /dev/mtd0 43 $((last - 4 * eb)) "$eb"
run mtdtool verify /dev/mtd0 42 $((last - eb)) $((eb - 16))
