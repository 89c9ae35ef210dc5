#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Fetches Debian's linux-source-7.3 and unpacks its tarball into the cache.
# Prefers the version the project was developed on, accepts a newer 7.3.x.
# Prints the path of the unpacked tree.
set -euo pipefail
. "$(dirname "$0")/env.sh"
ensure_cache

dl=$CACHE/downloads
deb=$(ls "$dl/${KERNEL_PKG}_"*_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	note "downloading $KERNEL_PKG=$KERNEL_PKG_VERSION from $KERNEL_SUITE"
	rc=0
	deb=$("$TOP/scripts/apt-private.sh" "$KERNEL_SUITE" "$(dpkg --print-architecture)" "$KERNEL_PKG=$KERNEL_PKG_VERSION" "$dl") || rc=$?
	if [ $rc -eq 3 ]; then
		note "$KERNEL_PKG $KERNEL_PKG_VERSION not found in $KERNEL_SUITE; trying its current $KERNEL_PKG"
		deb=$("$TOP/scripts/apt-private.sh" "$KERNEL_SUITE" "$(dpkg --print-architecture)" "$KERNEL_PKG" "$dl") ||
			die "no $KERNEL_PKG package is available from $KERNEL_SUITE"
		note "using $(basename "$deb"), not the $KERNEL_PKG_VERSION the project was developed on"
	elif [ $rc -ne 0 ]; then
		die "cannot download $KERNEL_PKG from $KERNEL_SUITE (reason above)"
	fi
fi
version=$(dpkg-deb -f "$deb" Version)
case $version in
7.3.*) ;;
*) die "$(basename "$deb") is version $version, not a 7.3.x kernel" ;;
esac

src=$CACHE/src/linux-$version
if [ ! -f "$src/.unpacked" ]; then
	note "unpacking $KERNEL_PKG $version (1.8 GB)"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$src.tmp" --wildcards './usr/src/linux-source-*.tar.*'
	tarball=$(ls "$src.tmp"/usr/src/linux-source-*.tar.*)
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	rm -rf "$src.tmp"
	echo "$version" >"$src/.unpacked"
fi
echo "$src"
