#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Downloads one Debian package from a suite the system does not use (trixie,
# trixie-backports) through a private apt configuration: its own sources file,
# lists and cache under the cache dir, so the system's sources stay untouched.
#
# Usage: apt-private.sh SUITE ARCH PACKAGE[=VERSION] DESTDIR
# Prints the path of the downloaded .deb. Exits 3 when the suite does not
# have the package (or that version of it), 1 on any other failure.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 4 ] || die "usage: apt-private.sh SUITE ARCH PACKAGE[=VERSION] DESTDIR"
suite=$1 arch=$2 pkg=$3 dest=$4
ensure_cache

APT=$CACHE/apt/$suite-$arch
mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$dest"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
	>"$APT/sources.list"
opts=(-q -o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache"
	-o APT::Sandbox::User=root -o Debug::NoLocking=1
	-o APT::Architectures::="$arch" -o APT::Architecture="$arch")

# Refresh the package lists at most once a day.
if [ -z "$(find "$APT/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -1)" ]; then
	apt-get "${opts[@]}" update >"$APT/update.log" 2>&1 ||
		die "apt-get update for $suite/$arch failed (see $APT/update.log)"
fi
# apt's form is NAME:ARCH=VERSION (NAME=VERSION:ARCH would read ":ARCH" as
# part of the version and never match).
name=${pkg%%=*}
spec=$name:$arch
[ "$name" = "$pkg" ] || spec+="=${pkg#*=}"
if ! (cd "$dest" && apt-get "${opts[@]}" download "$spec" >"$APT/download.log" 2>&1); then
	err=$(grep -m1 '^E:' "$APT/download.log" || echo "see $APT/download.log")
	note "cannot download $spec from $suite: $err"
	case $err in
	*"Unable to locate package"* | *"was not found"* | *"Can't select"*) exit 3 ;;
	esac
	exit 1
fi
ls -t "$dest/${name}_"*.deb 2>/dev/null | head -1 | grep . ||
	die "apt-get download of $pkg left no .deb in $dest"
