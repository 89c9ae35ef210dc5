#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the host analysis tool (spitrace/) with Debian's cargo and rustc;
# its target dir is in the cache. Prints the binary's path. With "test",
# runs its unit tests instead.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache

need "$CARGO_BIN" "$RUSTC_BIN"
kernel_env # Debian rustc, cargo, clippy-driver only
export CARGO_TARGET_DIR=$CACHE/spitrace-target RUSTC=$RUSTC_BIN CARGO_HOME=$CACHE/tools/cargo-home
cd "$TOP/spitrace"
case ${1:-build} in
test) exec "$CARGO_BIN" test --quiet --locked ;;
build)
	"$CARGO_BIN" build --quiet --release --locked >&2 || die "cargo build of spitrace failed"
	echo "$CARGO_TARGET_DIR/release/spitrace"
	;;
*) die "usage: build-spitrace.sh [build|test]" ;;
esac
