#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Makes a kernel configuration from fragments and checks that it is the one
# asked for: allnoconfig, the fragments merged in (merge_config.sh), then
# olddefconfig; every option a fragment sets ("CONFIG_X=v" or "# CONFIG_X is
# not set", the last fragment's line where two name it) must be in the result
# as written. A line that did not stick (a
# missing dependency, a renamed symbol) is named on stderr and fails.
#
# Usage: kconfig.sh [--check-last] SRC OUT LOG FRAGMENT...
#   SRC the kernel source tree, OUT its build directory (O=), LOG where make's
#   output goes (appended). With --check-last only the last fragment's
#   options are checked: the ones before it are a starting point of which it
#   switches parts off (CONFIG_SPI off takes the SPI drivers with it).
set -euo pipefail
. "$(dirname "$0")/env.sh"

checked=all
if [ "${1:-}" = --check-last ]; then
	checked=last
	shift
fi
[ $# -ge 4 ] || die "usage: kconfig.sh [--check-last] SRC OUT LOG FRAGMENT..."
src=$1 out=$2 log=$3
shift 3
kernel_env
kmake() { make -C "$src" O="$out" "${KMAKE_VARS[@]}" "$@" >>"$log" 2>&1; }

kmake allnoconfig || die "allnoconfig failed (log: $log)"
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@" >>"$log" 2>&1 ||
	die "merge_config.sh failed (log: $log)"
kmake olddefconfig || die "olddefconfig failed (log: $log)"

# What the (checked) fragments ask for: per option, the line of the last
# fragment that names it (merge_config.sh lets a later one override).
declare -A want from
checked_fragments=("$@")
[ "$checked" = all ] || checked_fragments=("${@: -1}")
for fragment in "${checked_fragments[@]}"; do
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=${line%%=*} ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }
			opt=${opt%% *}
			;;
		*) continue ;;
		esac
		want[$opt]=$line
		from[$opt]=${fragment##*/}
	done <"$fragment"
done
bad=0
for opt in "${!want[@]}"; do
	got=$(grep -E "^$opt=|^# $opt is not set" "$out/.config" || echo "# $opt is not set")
	if [ "$got" != "${want[$opt]}" ]; then
		note "wanted '${want[$opt]}' from ${from[$opt]}, the configuration has '$got'"
		bad=1
	fi
done
[ "$bad" = 0 ] || die "the kernel configuration in $out lacks options its fragments ask for (see above)"
