#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Installs the pinned bindgen-cli from crates.io into the cache (not over the
# system), built with Debian's cargo-web.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache

if [ -x "$BINDGEN" ] && "$BINDGEN" --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
	exit 0
fi
need "$CARGO_BIN"
note "installing bindgen-cli $BINDGEN_VERSION from crates.io (about 2 min)"
root=$(dirname "$(dirname "$BINDGEN")")
log=$CACHE/tools/bindgen-install.log
mkdir -p "$CACHE/tools"
kernel_env
CARGO_HOME=$CACHE/tools/cargo-home "$CARGO_BIN" install --quiet --locked --root "$root" bindgen-cli --version "=$BINDGEN_VERSION" >"$log" 2>&1 ||
	die "cargo install bindgen-cli $BINDGEN_VERSION failed: $(tail -1 "$log") (log: $log)"
"$BINDGEN" --version >/dev/null || die "installed bindgen does not run"
