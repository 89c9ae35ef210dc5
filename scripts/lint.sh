#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fast lint before any build: rustfmt (kernel's .rustfmt.toml) on our Rust
# and shellcheck on our scripts. Usage: lint.sh rustfmt|shellcheck
set -euo pipefail
. "$(dirname "$0")/env.sh"

case ${1:-} in
rustfmt)
	need "$RUSTFMT_BIN"
	src=$("$TOP/scripts/fetch-kernel.sh")
	files=$(cd "$TOP" && find rust -name '*.rs' | LC_ALL=C sort)
	# shellcheck disable=SC2086 # one word per file
	(cd "$TOP" && "$RUSTFMT_BIN" --edition 2021 --config-path "$src/.rustfmt.toml" --check $files) ||
		die "rustfmt: the files above need formatting (run: make fmt)"
	;;
spitrace)
	need "$RUSTFMT_BIN" "$CARGO_BIN" "$RUSTC_BIN" "$CLIPPY_DRIVER_BIN"
	kernel_env # Debian rustc, cargo, clippy-driver only
	export CARGO_TARGET_DIR=$CACHE/spitrace-target RUSTC=$RUSTC_BIN CARGO_HOME=$CACHE/tools/cargo-home
	cd "$TOP/spitrace"
	"$RUSTFMT_BIN" --edition 2021 --check src/*.rs || die "rustfmt: spitrace needs formatting (make fmt)"
	"$CARGO_BIN" clippy --quiet --locked --all-targets -- -D warnings || die "clippy found problems in spitrace (above)"
	;;
shellcheck)
	need "$SHELLCHECK_BIN"
	cd "$TOP"
	"$SHELLCHECK_BIN" -S warning -x -e SC1091 scripts/*.sh qemu/*.sh .ci/run ||
		die "shellcheck found problems (above)"
	"$SHELLCHECK_BIN" -S warning -s sh -e SC1091,SC2034,SC3043,SC3045 qemu/guest/init qemu/guest/testlib.sh ||
		die "shellcheck found problems in guest scripts (above)"
	;;
*) die "usage: lint.sh rustfmt|shellcheck|spitrace" ;;
esac
