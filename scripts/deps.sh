#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deps: installs or fetches everything the build and the tests use
# (Debian packages, bindgen, the kernel source, busybox), then verifies that
# every tool is where the scripts call it. Fast and silent when all is there.
set -euo pipefail
. "$(dirname "$0")/env.sh"

"$TOP/scripts/install-deps.sh"
"$TOP/scripts/install-bindgen.sh"
"$TOP/scripts/fetch-kernel.sh" >/dev/null
"$TOP/scripts/fetch-busybox.sh" >/dev/null
"$TOP/scripts/check-tools.sh" >/dev/null
