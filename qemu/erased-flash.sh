#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Writes an erased flash image for the board's SPI NOR (32 MiB, every byte
# 0xff, as a chip leaves the factory) to FILE.
set -euo pipefail
. "$(dirname "$0")/../scripts/env.sh"

[ $# -eq 1 ] || die "usage: erased-flash.sh FILE"
head -c $((32 << 20)) /dev/zero | tr '\0' '\377' >"$1" || die "could not write $1"
