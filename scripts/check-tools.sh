#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Verifies that every tool the build and the tests call exists at the path
# they call it by (the TOOLS table in env.sh), and that QEMU is new enough.
# Lists everything missing with the package that provides it; exits 1 if
# anything is missing. Run after the install step (make deps), before any
# check of our code, so a missing tool never shows up as a failed test.
set -euo pipefail
. "$(dirname "$0")/env.sh"

missing=()
for entry in "${TOOLS[@]}"; do
	path=${entry%% *} pkg=${entry#* }
	if [ ! -e "$path" ]; then
		missing+=("$path (package $pkg)")
	else
		case ${path##*/} in
		*.rs | *.so | *.h | *.a | *.bin | *.py) ;; # data, not a program
		*) [ -x "$path" ] || missing+=("$path is not executable (package $pkg)") ;;
		esac
	fi
done
if [ -x "$QEMU_BIN" ]; then
	v=$("$QEMU_BIN" --version 2>/dev/null | sed -n 's/.*version \([0-9]*\)\..*/\1/p')
	[ "${v:-0}" -ge 10 ] || missing+=("$QEMU_BIN is version ${v:-unknown}, need >= 10 (qemu-system-misc from bookworm-backports)")
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "missing tools (install with: make deps, as root):" >&2
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi
echo "all ${#TOOLS[@]} tools present"
