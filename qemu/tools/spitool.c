// SPDX-License-Identifier: GPL-2.0
/*
 * spitool: spidev checks against the board's SPI NOR flash, for the guest
 * tests and the benchmark.
 *
 *   spitool jedec   DEV          full-duplex READ ID (9f) in one transfer
 *   spitool split   DEV          READ ID as a tx-only then an rx-only transfer
 *   spitool wel     DEV          tx-only WREN/WRDI, checked through the status
 *                                register's write-enable latch
 *   spitool mode    DEV MODE     set mode bits (hex); prints the errno name
 *   spitool getmode DEV          print the device's mode bits (hex)
 *   spitool bits    DEV BITS     set bits per word; prints the errno name
 *   spitool speed   DEV HZ       set max speed; prints the errno name
 *   spitool burst   DEV N [LEN]  N READ ID messages of LEN bytes (default 4)
 *
 * SPI_HZ in the environment sets every transfer's clock rate (spidev forgets
 * a rate set with "speed" when the last file descriptor is closed).
 *
 * Exit 0 ok, 1 wrong data, 2 error (with errno and message).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/spi/spidev.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define JEDEC_ID 0x9d7019
#define CMD_RDID 0x9f
#define CMD_RDSR 0x05
#define CMD_WREN 0x06
#define CMD_WRDI 0x04
#define SR_WEL 0x02

static int fail(const char *what)
{
	fprintf(stderr, "spitool: %s: %s (errno %d)\n", what, strerror(errno), errno);
	return 2;
}

static uint32_t speed_hz;

static int message(int fd, struct spi_ioc_transfer *xfers, int n)
{
	int i;

	for (i = 0; i < n; i++)
		xfers[i].speed_hz = speed_hz;
	return ioctl(fd, SPI_IOC_MESSAGE(n), xfers) < 0 ? -1 : 0;
}

static unsigned int id_of(const uint8_t *b)
{
	return b[0] << 16 | b[1] << 8 | b[2];
}

static int check_id(unsigned int id)
{
	printf("jedec id %06x\n", id);
	if (id != JEDEC_ID) {
		fprintf(stderr, "spitool: id %06x, want %06x\n", id, JEDEC_ID);
		return 1;
	}
	return 0;
}

static int jedec(int fd)
{
	uint8_t tx[4] = { CMD_RDID }, rx[4] = { 0 };
	struct spi_ioc_transfer x = { .tx_buf = (uintptr_t)tx, .rx_buf = (uintptr_t)rx, .len = 4 };

	if (message(fd, &x, 1))
		return fail("SPI_IOC_MESSAGE (full duplex)");
	return check_id(id_of(rx + 1));
}

static int split(int fd)
{
	uint8_t cmd = CMD_RDID, rx[3] = { 0 };
	struct spi_ioc_transfer x[2] = {
		{ .tx_buf = (uintptr_t)&cmd, .len = 1 },
		{ .rx_buf = (uintptr_t)rx, .len = 3 },
	};

	if (message(fd, x, 2))
		return fail("SPI_IOC_MESSAGE (tx-only + rx-only)");
	return check_id(id_of(rx));
}

static int command(int fd, uint8_t cmd)
{
	struct spi_ioc_transfer x = { .tx_buf = (uintptr_t)&cmd, .len = 1 };

	return message(fd, &x, 1);
}

static int status(int fd)
{
	uint8_t cmd = CMD_RDSR, sr = 0;
	struct spi_ioc_transfer x[2] = {
		{ .tx_buf = (uintptr_t)&cmd, .len = 1 },
		{ .rx_buf = (uintptr_t)&sr, .len = 1 },
	};

	return message(fd, x, 2) ? -1 : sr;
}

static int wel(int fd)
{
	int sr;

	if (command(fd, CMD_WREN))
		return fail("WREN");
	sr = status(fd);
	if (sr < 0)
		return fail("RDSR");
	printf("after WREN: status %02x\n", sr);
	if (!(sr & SR_WEL))
		return fprintf(stderr, "spitool: WEL not set after WREN\n"), 1;
	if (command(fd, CMD_WRDI))
		return fail("WRDI");
	sr = status(fd);
	if (sr < 0)
		return fail("RDSR");
	printf("after WRDI: status %02x\n", sr);
	if (sr & SR_WEL)
		return fprintf(stderr, "spitool: WEL still set after WRDI\n"), 1;
	return 0;
}

/* Prints the result of a setting ioctl as "ok" or the errno's name. */
static int setting(int fd, unsigned long req, void *arg)
{
	if (ioctl(fd, req, arg) == 0) {
		printf("ok\n");
		return 0;
	}
	switch (errno) {
	case EINVAL:
		printf("EINVAL\n");
		break;
	default:
		printf("errno %d\n", errno);
	}
	return 0;
}

static int burst(int fd, long n, unsigned int len)
{
	static uint8_t tx[4096], rx[4096];
	struct spi_ioc_transfer x = { .tx_buf = (uintptr_t)tx, .rx_buf = (uintptr_t)rx, .len = len };
	long i;

	if (len < 4 || len > sizeof(tx))
		return fprintf(stderr, "spitool: burst length %u not in 4..%zu\n", len, sizeof(tx)), 2;
	tx[0] = CMD_RDID;
	for (i = 0; i < n; i++) {
		if (message(fd, &x, 1))
			return fail("SPI_IOC_MESSAGE (burst)");
		if (id_of(rx + 1) != JEDEC_ID)
			return fprintf(stderr, "spitool: message %ld: id %06x\n", i, id_of(rx + 1)), 1;
	}
	printf("%ld messages of %u bytes\n", n, len);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	uint32_t v32;
	uint8_t v8;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: spitool jedec|split|wel|mode|bits|speed|burst DEV [ARG...]\n");
		return 2;
	}
	cmd = argv[1];
	if (getenv("SPI_HZ"))
		speed_hz = strtoul(getenv("SPI_HZ"), NULL, 0);
	fd = open(argv[2], O_RDWR);
	if (fd < 0)
		return fail(argv[2]);

	if (!strcmp(cmd, "jedec"))
		return jedec(fd);
	if (!strcmp(cmd, "split"))
		return split(fd);
	if (!strcmp(cmd, "wel"))
		return wel(fd);
	if (!strcmp(cmd, "mode") && argc == 4) {
		v32 = strtoul(argv[3], NULL, 16);
		return setting(fd, SPI_IOC_WR_MODE32, &v32);
	}
	if (!strcmp(cmd, "getmode")) {
		if (ioctl(fd, SPI_IOC_RD_MODE32, &v32))
			return fail("SPI_IOC_RD_MODE32");
		printf("%x\n", v32);
		return 0;
	}
	if (!strcmp(cmd, "bits") && argc == 4) {
		v8 = strtoul(argv[3], NULL, 0);
		return setting(fd, SPI_IOC_WR_BITS_PER_WORD, &v8);
	}
	if (!strcmp(cmd, "speed") && argc == 4) {
		v32 = strtoul(argv[3], NULL, 0);
		return setting(fd, SPI_IOC_WR_MAX_SPEED_HZ, &v32);
	}
	if (!strcmp(cmd, "burst") && (argc == 4 || argc == 5))
		return burst(fd, strtol(argv[3], NULL, 0), argc == 5 ? strtoul(argv[4], NULL, 0) : 4);
	fprintf(stderr, "spitool: bad command or arguments: %s\n", cmd);
	return 2;
}
