#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the kernel crate with our additions (rust/kernel.o and the C helpers)
# under configurations the test kernels do not have: without CONFIG_PM (so
# without CONFIG_PM_SLEEP), without CONFIG_SPI, and with SPI but without
# CONFIG_SPI_MEM (kernel::spi's spi-mem part compiled out); the first and the
# last in one build, as each build costs a kernel crate. Each has its own
# build directory in the cache; a stamp skips a configuration whose inputs
# did not change since it last built cleanly.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache

src=$("$TOP/scripts/fetch-kernel.sh")
version=$(cat "$src/.unpacked")
tree=$("$TOP/scripts/apply-series.sh" "$src")
kernel_env

check() { # NAME CONFIG-LINE...
	local name=$1 out frag key log
	shift
	out=$(kernel_build_root "$version")/crate-$name
	mkdir -p "$out"
	frag=$out/fragment.config
	printf '%s\n' "$@" >"$frag"
	key="$tree $(hash_inputs "$TOP/qemu/kconfig/base.config" "$frag")"
	[ "$(cat "$out/.clean-stamp" 2>/dev/null)" = "$key" ] && return 0
	log=$out/build.log
	: >"$log"
	"$TOP/scripts/kconfig.sh" --check-last "$src" "$out" "$log" "$TOP/qemu/kconfig/base.config" "$frag" ||
		die "$name: no configuration with $*"
	make -C "$src" O="$out" "${KMAKE_VARS[@]}" -j"$(nproc)" rust/kernel.o rust/helpers/helpers.o >>"$log" 2>&1 || {
		grep -E -A6 '^(error|warning)' "$log" | head -40 >&2
		die "$name: the kernel crate does not build (log: $log)"
	}
	if grep -E -q '^warning' "$log"; then
		grep -E -A6 '^warning' "$log" | head -40 >&2
		die "$name: the kernel crate builds with warnings (log: $log)"
	fi
	echo "$key" >"$out/.clean-stamp"
	echo "$name: builds"
}

# Two builds cover the three configurations: without runtime PM (and so
# without the PM callbacks) and without SPI-MEM (spi-nor selects it: off too)
# in one, without SPI in the other.
check no-pm-no-spi-mem '# CONFIG_PM is not set' '# CONFIG_PM_SLEEP is not set' '# CONFIG_SUSPEND is not set' \
	'# CONFIG_HIBERNATION is not set' '# CONFIG_SPI_MEM is not set' '# CONFIG_MTD_SPI_NOR is not set' 'CONFIG_SPI=y'
check no-spi '# CONFIG_SPI is not set'
