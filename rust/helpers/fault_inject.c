// SPDX-License-Identifier: GPL-2.0
/* Initializer of <linux/fault-inject.h> used by kernel::fault_inject. */

#include <linux/fault-inject.h>
#include <linux/ratelimit.h>

#ifdef CONFIG_FAULT_INJECTION
__rust_helper void rust_helper_fault_attr_init(struct fault_attr *attr)
{
	*attr = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	/* A lock in dynamic memory needs a dynamic lockdep key. */
	ratelimit_state_init(&attr->ratelimit_state, 0, DEFAULT_RATELIMIT_BURST);
}
#endif
