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
 *   spitool loop    DEV SECONDS  send 64-byte messages for SECONDS or until
 *                                SIGTERM; while the device is gone (unbound),
 *                                reopen and go on; prints messages sent and
 *                                device losses
 *   spitool badinput DEV         every class of bad input, each followed by a
 *                                READ ID check (prints one line per class)
 *
 * SPI_HZ in the environment sets every transfer's clock rate (spidev forgets
 * a rate set with "speed" when the last file descriptor is closed).
 *
 * Exit 0 ok, 1 wrong data, 2 error (with errno and message).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/spi/spidev.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
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
	struct timespec start, end;
	int err;

	clock_gettime(CLOCK_MONOTONIC, &start);
	if (message(fd, &x, 1)) {
		/* How long the failed ioctl took, for a test of the driver's bound. */
		err = errno;
		clock_gettime(CLOCK_MONOTONIC, &end);
		fprintf(stderr, "spitool: the failed message took %.3f s\n",
			(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
		errno = err;
		return fail("SPI_IOC_MESSAGE (full duplex)");
	}
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

/* ---- bad input: each class expects one result, then the device must work ---- */

#define BUFSIZ_SPIDEV 4096 /* spidev's default bufsiz */

struct bad_case {
	const char *name;
	int want; /* 0 or the errno expected */
	int (*run)(int fd);
};

static int set_mode(int fd, uint32_t mode)
{
	return ioctl(fd, SPI_IOC_WR_MODE32, &mode);
}

static int set_bits(int fd, uint8_t bits)
{
	return ioctl(fd, SPI_IOC_WR_BITS_PER_WORD, &bits);
}

static int set_max_speed(int fd, uint32_t hz)
{
	return ioctl(fd, SPI_IOC_WR_MAX_SPEED_HZ, &hz);
}

/* One READ ID transfer with fields changed by the caller's template. */
static int rdid_with(int fd, struct spi_ioc_transfer t)
{
	uint8_t tx[4] = { CMD_RDID }, rx[4] = { 0 };

	if (!t.tx_buf)
		t.tx_buf = (uintptr_t)tx;
	if (!t.rx_buf)
		t.rx_buf = (uintptr_t)rx;
	if (!t.len)
		t.len = 4;
	if (ioctl(fd, SPI_IOC_MESSAGE(1), &t) < 0)
		return -1;
	if (t.rx_buf == (uintptr_t)rx && id_of(rx + 1) != JEDEC_ID) {
		errno = EIO;
		return -1;
	}
	return 0;
}

#define MODE_CASE(fn, m) \
	static int fn(int fd) { int r = set_mode(fd, m); set_mode(fd, 0); return r; }
MODE_CASE(mode_3wire, SPI_3WIRE)
MODE_CASE(mode_loop, SPI_LOOP)
MODE_CASE(mode_no_cs, SPI_NO_CS)
MODE_CASE(mode_ready, SPI_READY)
MODE_CASE(mode_tx_dual_quad, SPI_TX_DUAL | SPI_TX_QUAD)
MODE_CASE(mode_rx_dual_quad, SPI_RX_DUAL | SPI_RX_QUAD)

#define BITS_CASE(fn, b) \
	static int fn(int fd) { int r = set_bits(fd, b); set_bits(fd, 8); return r; }
BITS_CASE(bits_0, 0)
BITS_CASE(bits_7, 7)
BITS_CASE(bits_9, 9)
BITS_CASE(bits_16, 16)
BITS_CASE(bits_32, 32)

static int max_speed_0(int fd) { return set_max_speed(fd, 0); }
static int max_speed_huge(int fd) { return set_max_speed(fd, 1000000000); }

#define XFER_CASE(fn, ...) \
	static int fn(int fd) { struct spi_ioc_transfer t = { __VA_ARGS__ }; return rdid_with(fd, t); }
XFER_CASE(xfer_speed_below_min, .speed_hz = 1000)
XFER_CASE(xfer_speed_above_max, .speed_hz = 1000000000)
XFER_CASE(xfer_bits_16, .bits_per_word = 16)
XFER_CASE(xfer_bits_9, .bits_per_word = 9)
XFER_CASE(xfer_tx_dual, .tx_nbits = 2)
XFER_CASE(xfer_rx_quad, .rx_nbits = 4)
XFER_CASE(xfer_nbits_3, .tx_nbits = 3)
XFER_CASE(xfer_bad_tx_pointer, .tx_buf = 8)
XFER_CASE(xfer_bad_rx_pointer, .rx_buf = 8)
XFER_CASE(xfer_delays, .delay_usecs = 50, .word_delay_usecs = 2)

static int zero_length(int fd)
{
	uint8_t b[4];
	struct spi_ioc_transfer t = { .tx_buf = (uintptr_t)b, .rx_buf = (uintptr_t)b, .len = 0 };

	return ioctl(fd, SPI_IOC_MESSAGE(1), &t) < 0 ? -1 : 0;
}

static int zero_transfers(int fd)
{
	return ioctl(fd, SPI_IOC_MESSAGE(0), NULL) < 0 ? -1 : 0;
}

static int over_bufsiz(int fd, int rx)
{
	static uint8_t b[BUFSIZ_SPIDEV + 1];
	struct spi_ioc_transfer t = { .len = sizeof(b) };

	if (rx)
		t.rx_buf = (uintptr_t)b;
	else
		t.tx_buf = (uintptr_t)b;
	return ioctl(fd, SPI_IOC_MESSAGE(1), &t) < 0 ? -1 : 0;
}

static int tx_over_bufsiz(int fd) { return over_bufsiz(fd, 0); }
static int rx_over_bufsiz(int fd) { return over_bufsiz(fd, 1); }

static int total_over_bufsiz(int fd)
{
	static uint8_t a[3000], b[3000];
	struct spi_ioc_transfer t[2] = {
		{ .tx_buf = (uintptr_t)a, .len = sizeof(a) },
		{ .tx_buf = (uintptr_t)b, .len = sizeof(b) },
	};

	return ioctl(fd, SPI_IOC_MESSAGE(2), t) < 0 ? -1 : 0;
}

/* n READ IDs in one message, chip select toggled between them (cs_change). */
static int many_transfers(int fd, int n, int cs_change)
{
	static struct spi_ioc_transfer t[128];
	static uint8_t tx[128][4], rx[128][4];
	int i;

	for (i = 0; i < n; i++) {
		memset(rx[i], 0, 4);
		tx[i][0] = CMD_RDID;
		t[i] = (struct spi_ioc_transfer){ .tx_buf = (uintptr_t)tx[i], .rx_buf = (uintptr_t)rx[i],
						  .len = 4, .cs_change = cs_change };
	}
	t[n - 1].cs_change = 0;
	if (ioctl(fd, SPI_IOC_MESSAGE(n), t) < 0)
		return -1;
	for (i = 0; i < (cs_change ? n : 1); i++) {
		if (id_of(rx[i] + 1) != JEDEC_ID) {
			errno = EIO;
			return -1;
		}
	}
	return 0;
}

static int transfers_64(int fd) { return many_transfers(fd, 64, 0); }
static int transfers_128(int fd) { return many_transfers(fd, 128, 0); }
static int cs_change_chain(int fd) { return many_transfers(fd, 16, 1); }

static int same_buffer(int fd)
{
	uint8_t b[4] = { CMD_RDID };
	struct spi_ioc_transfer t = { .tx_buf = (uintptr_t)b, .rx_buf = (uintptr_t)b, .len = 4 };

	if (ioctl(fd, SPI_IOC_MESSAGE(1), &t) < 0)
		return -1;
	if (id_of(b + 1) != JEDEC_ID) {
		errno = EIO;
		return -1;
	}
	return 0;
}

static int bad_ioctl_size(int fd)
{
	uint8_t b[40] = { 0 };

	return ioctl(fd, _IOW(SPI_IOC_MAGIC, 0, char[40]), b) < 0 ? -1 : 0;
}

static int unknown_ioctl(int fd)
{
	return ioctl(fd, _IO(SPI_IOC_MAGIC, 99), 0) < 0 ? -1 : 0;
}

static int write_over_bufsiz(int fd)
{
	static uint8_t b[BUFSIZ_SPIDEV + 1];

	return write(fd, b, sizeof(b)) < 0 ? -1 : 0;
}

static int read_over_bufsiz(int fd)
{
	static uint8_t b[BUFSIZ_SPIDEV + 1];

	return read(fd, b, sizeof(b)) < 0 ? -1 : 0;
}

static const struct bad_case bad_cases[] = {
	{ "mode-3wire", EINVAL, mode_3wire },
	{ "mode-loop", EINVAL, mode_loop },
	{ "mode-no-cs", EINVAL, mode_no_cs },
	{ "mode-ready", EINVAL, mode_ready },
	{ "mode-tx-dual-and-quad", EINVAL, mode_tx_dual_quad },
	{ "mode-rx-dual-and-quad", EINVAL, mode_rx_dual_quad },
	{ "bits-0-means-8", 0, bits_0 },
	{ "bits-7", EINVAL, bits_7 },
	{ "bits-9", EINVAL, bits_9 },
	{ "bits-16", EINVAL, bits_16 },
	{ "bits-32", EINVAL, bits_32 },
	{ "max-speed-0", EINVAL, max_speed_0 },
	{ "max-speed-above-controller-max-clamped", 0, max_speed_huge },
	{ "transfer-speed-below-divider-min", EINVAL, xfer_speed_below_min },
	{ "transfer-speed-above-max-clamped", 0, xfer_speed_above_max },
	{ "transfer-bits-16", EINVAL, xfer_bits_16 },
	{ "transfer-bits-9", EINVAL, xfer_bits_9 },
	{ "transfer-tx-dual-on-single-device", EINVAL, xfer_tx_dual },
	{ "transfer-rx-quad-on-single-device", EINVAL, xfer_rx_quad },
	{ "transfer-nbits-3", EINVAL, xfer_nbits_3 },
	{ "transfer-bad-tx-pointer", EFAULT, xfer_bad_tx_pointer },
	{ "transfer-bad-rx-pointer", EFAULT, xfer_bad_rx_pointer },
	{ "transfer-delays", 0, xfer_delays },
	{ "zero-length-transfer", 0, zero_length },
	{ "zero-transfers", 0, zero_transfers },
	{ "tx-larger-than-bufsiz", EMSGSIZE, tx_over_bufsiz },
	{ "rx-larger-than-bufsiz", EMSGSIZE, rx_over_bufsiz },
	{ "message-total-over-bufsiz", EMSGSIZE, total_over_bufsiz },
	{ "64-transfers", 0, transfers_64 },
	{ "128-transfers", 0, transfers_128 },
	{ "cs-change-chain", 0, cs_change_chain },
	{ "rx-tx-same-buffer", 0, same_buffer },
	{ "ioctl-size-not-transfer-multiple", EINVAL, bad_ioctl_size },
	{ "unknown-ioctl", ENOTTY, unknown_ioctl },
	{ "write-larger-than-bufsiz", EMSGSIZE, write_over_bufsiz },
	{ "read-larger-than-bufsiz", EMSGSIZE, read_over_bufsiz },
};

static int badinput(int fd)
{
	unsigned int i, failed = 0;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		int got = c->run(fd) ? errno : 0;
		uint8_t tx[4] = { CMD_RDID }, rx[4] = { 0 };
		struct spi_ioc_transfer x = { .tx_buf = (uintptr_t)tx, .rx_buf = (uintptr_t)rx, .len = 4 };
		int works = message(fd, &x, 1) == 0 && id_of(rx + 1) == JEDEC_ID;
		int ok = got == c->want && works;

		printf("%s %s: got %s, want %s; device %s\n", ok ? "ok" : "FAIL", c->name,
		       got ? strerror(got) : "success", c->want ? strerror(c->want) : "success",
		       works ? "works" : "BROKEN");
		failed += !ok;
	}
	printf("%u classes, %u failed\n", i, failed);
	return failed ? 1 : 0;
}

static volatile sig_atomic_t loop_stop;

static void on_term(int sig)
{
	(void)sig;
	loop_stop = 1;
}

/*
 * Messages for a while, surviving the device's unbinding (ENODEV/ESHUTDOWN).
 * SIGTERM ends the loop as its time would: the counts are printed, exit 0.
 */
static int loop(const char *dev, int fd, double seconds)
{
	uint8_t tx[64] = { CMD_RDID }, rx[64];
	struct spi_ioc_transfer x = { .tx_buf = (uintptr_t)tx, .rx_buf = (uintptr_t)rx, .len = 64 };
	struct sigaction term = { .sa_handler = on_term };
	struct timespec t0, t;
	long sent = 0, lost = 0, reopened = 0;

	if (sigaction(SIGTERM, &term, NULL))
		return fail("sigaction");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!loop_stop) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 > seconds)
			break;
		if (fd >= 0 && message(fd, &x, 1) == 0) {
			sent++;
			continue;
		}
		if (loop_stop)
			break;
		if (fd >= 0 && errno != ESHUTDOWN && errno != ENODEV && errno != EBADF) {
			fail("SPI_IOC_MESSAGE (loop)");
			return 2;
		}
		if (fd >= 0) {
			lost++;
			close(fd);
		}
		usleep(1000);
		fd = open(dev, O_RDWR);
		reopened += fd >= 0;
	}
	printf("%ld messages, device lost %ld times, reopened %ld times\n", sent, lost, reopened);
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
	if (!strcmp(cmd, "loop") && argc == 4)
		return loop(argv[2], fd, strtod(argv[3], NULL));
	if (!strcmp(cmd, "badinput"))
		return badinput(fd);
	if (!strcmp(cmd, "burst") && (argc == 4 || argc == 5))
		return burst(fd, strtol(argv[3], NULL, 0), argc == 5 ? strtoul(argv[4], NULL, 0) : 4);
	fprintf(stderr, "spitool: bad command or arguments: %s\n", cmd);
	return 2;
}
