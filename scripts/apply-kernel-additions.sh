#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Applies our kernel-crate additions (rust/kernel/, rust/helpers/,
# rust/bindings_helper.h) to a kernel source tree:
#   - copies new files in, touching only files whose content changed, so an
#     unchanged addition never triggers a rebuild;
#   - declares each new top-level module in rust/kernel/lib.rs, includes each
#     helper in rust/helpers/helpers.c and our headers in the bindings.
# Files we edit are restored from a saved original first, so re-running is
# idempotent and a removed addition disappears from the tree.
set -euo pipefail
. "$(dirname "$0")/env.sh"

[ $# -eq 1 ] || die "usage: apply-kernel-additions.sh KERNEL_SRC"
src=$1
[ -f "$src/rust/kernel/lib.rs" ] || die "$src is not a kernel tree with Rust support"
add=$TOP/rust
orig=$src/.spi-rs-orig
manifest=$orig/added-files

# Writes stdin to $1 only when the content differs.
update_file() {
	local tmp
	tmp=$(mktemp)
	cat >"$tmp"
	if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv "$tmp" "$1"; chmod 644 "$1"; fi
}

# Returns the pristine copy of a file we edit.
pristine() {
	if [ ! -f "$orig/$1" ]; then
		mkdir -p "$(dirname "$orig/$1")"
		cp -p "$src/$1" "$orig/$1"
	fi
	cat "$orig/$1"
}

mkdir -p "$orig"
touch "$manifest"

# New files: rust/kernel/** and rust/helpers/*.c from the repo.
mkdir -p "$add/kernel" "$add/helpers"
new=$(cd "$add" && find kernel helpers -type f \( -name '*.rs' -o -name '*.c' \) | LC_ALL=C sort)
while read -r old; do
	[ -n "$old" ] || continue
	grep -qxF "$old" <<<"$new" || rm -f "$src/rust/$old"
done <"$manifest"
for f in $new; do
	if [ -e "$src/rust/$f" ] && ! grep -qxF "$f" "$manifest"; then
		die "rust/$f would overwrite a file of the kernel tree"
	fi
	mkdir -p "$(dirname "$src/rust/$f")"
	update_file "$src/rust/$f" <"$add/$f"
done
echo "$new" >"$manifest"

# Declare our top-level modules in the kernel crate, in alphabetical place.
mods=$(cd "$add" && find kernel -maxdepth 1 -name '*.rs' -printf '%f\n' | sed 's/\.rs$//' | LC_ALL=C sort)
# Attribute lines (#[doc(hidden)], #[cfg(...)]) stay with the module they precede.
pristine rust/kernel/lib.rs | awk -v mods="$mods" '
	BEGIN { n = split(mods, m, "\n"); i = 1; held = "" }
	/^#\[/ { held = held $0 "\n"; next }
	/^pub mod [a-z_0-9]+;$/ {
		name = $3; sub(/;$/, "", name)
		while (i <= n && m[i] < name) { print "pub mod " m[i] ";"; i++ }
	}
	{ printf "%s", held; held = ""; print }
	END { printf "%s", held; if (i <= n) exit 1 }
' | update_file "$src/rust/kernel/lib.rs"

# Include our C helpers.
helpers=$(cd "$add" && find helpers -maxdepth 1 -name '*.c' -printf '%f\n' 2>/dev/null | LC_ALL=C sort)
{ pristine rust/helpers/helpers.c; for h in $helpers; do echo "#include \"$h\""; done; } |
	update_file "$src/rust/helpers/helpers.c"

# Our headers and constant helpers for bindgen go after the last <linux/...>
# include (the file's comment lines stay out).
headers=$(grep -h -e '^#include' -e '^const ' "$add/bindings_helper.h" 2>/dev/null || true)
pristine rust/bindings/bindings_helper.h | awk -v hdrs="$headers" '
	{ line[NR] = $0 }
	/^#include <linux\// { last = NR }
	END {
		for (i = 1; i <= NR; i++) {
			print line[i]
			if (i == last && hdrs != "") print hdrs
		}
	}
' | update_file "$src/rust/bindings/bindings_helper.h"
