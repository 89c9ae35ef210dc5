// SPDX-License-Identifier: GPL-2.0
/* Inline functions of <linux/spi/spi.h> used by kernel::spi. */

#include <linux/spi/spi.h>

#if IS_ENABLED(CONFIG_SPI)

__rust_helper void *rust_helper_spi_controller_get_devdata(struct spi_controller *ctlr)
{
	return spi_controller_get_devdata(ctlr);
}

__rust_helper struct spi_controller *
rust_helper_spi_alloc_host(struct device *dev, unsigned int size)
{
	return spi_alloc_host(dev, size);
}

__rust_helper void rust_helper_spi_controller_put(struct spi_controller *ctlr)
{
	spi_controller_put(ctlr);
}

__rust_helper u8 rust_helper_spi_get_chipselect(const struct spi_device *spi, u8 idx)
{
	return spi_get_chipselect(spi, idx);
}

/* Holds the module of a sender of asynchronous messages while one is in flight. */
__rust_helper bool rust_helper_try_module_get(struct module *module)
{
	return try_module_get(module);
}

/* A device on the SPI bus by name, with a reference taken; NULL if there is none. */
__rust_helper struct spi_device *rust_helper_spi_find_device_by_name(const char *name)
{
	struct device *dev = bus_find_device_by_name(&spi_bus_type, NULL, name);

	return dev ? to_spi_device(dev) : NULL;
}
#endif
