# SPDX-License-Identifier: GPL-2.0
# The running kernel was built with Rust support.
zcat /proc/config.gz | grep -qx 'CONFIG_RUST=y' || fail "CONFIG_RUST=y not in /proc/config.gz"
echo "$(uname -r): CONFIG_RUST=y"
