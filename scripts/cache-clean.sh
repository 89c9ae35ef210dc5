#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Removes the cache directory (downloads, kernel tree, kernel builds, tools).
set -euo pipefail
. "$(dirname "$0")/env.sh"
[ -d "$CACHE" ] || exit 0
case $CACHE in /|"$HOME"|"$TOP"*) die "refusing to remove $CACHE" ;; esac
echo "removing $CACHE ($(du -sh "$CACHE" | cut -f1))"
rm -rf "$CACHE"
