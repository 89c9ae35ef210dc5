#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make fmt: formats our Rust (kernel crate additions and driver with the
# kernel's .rustfmt.toml; spitrace with the defaults).
set -euo pipefail
. "$(dirname "$0")/env.sh"

need "$RUSTFMT_BIN"
src=$("$TOP/scripts/fetch-kernel.sh")
cd "$TOP"
find rust -name '*.rs' -print0 | xargs -0 "$RUSTFMT_BIN" --edition 2021 --config-path "$src/.rustfmt.toml"
"$RUSTFMT_BIN" --edition 2021 spitrace/src/*.rs
