// SPDX-License-Identifier: GPL-2.0
/* Inline functions of <linux/pm_runtime.h> used by kernel::pm. */

#include <linux/pm_runtime.h>

__rust_helper void rust_helper_pm_runtime_use_autosuspend(struct device *dev)
{
	pm_runtime_use_autosuspend(dev);
}

__rust_helper void rust_helper_pm_runtime_mark_last_busy(struct device *dev)
{
	pm_runtime_mark_last_busy(dev);
}

__rust_helper int rust_helper_pm_runtime_put_autosuspend(struct device *dev)
{
	return pm_runtime_put_autosuspend(dev);
}

__rust_helper int rust_helper_pm_runtime_resume_and_get(struct device *dev)
{
	return pm_runtime_resume_and_get(dev);
}

__rust_helper int rust_helper_pm_runtime_get_sync(struct device *dev)
{
	return pm_runtime_get_sync(dev);
}

__rust_helper void rust_helper_pm_runtime_put_noidle(struct device *dev)
{
	pm_runtime_put_noidle(dev);
}

__rust_helper void rust_helper_pm_runtime_dont_use_autosuspend(struct device *dev)
{
	pm_runtime_dont_use_autosuspend(dev);
}
