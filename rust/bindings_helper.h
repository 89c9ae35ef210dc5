/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Headers our kernel-crate additions need in the bindings; inserted into
 * rust/bindings/bindings_helper.h by scripts/apply-kernel-additions.sh.
 */
#include <linux/pm_runtime.h>
#include <linux/spi/spi.h>
