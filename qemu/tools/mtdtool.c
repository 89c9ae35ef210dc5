// SPDX-License-Identifier: GPL-2.0
/*
 * mtdtool: erase, write and verify pseudo-random patterns on an MTD char
 * device, for the guest tests. The pattern byte at an absolute flash offset
 * depends only on (seed, offset), so any sub-range can be verified alone.
 *
 *   mtdtool info   DEV
 *   mtdtool erase  DEV OFF LEN
 *   mtdtool write  DEV SEED OFF LEN
 *   mtdtool verify DEV SEED OFF LEN
 *   mtdtool blank  DEV OFF LEN        (every byte 0xff)
 *   mtdtool try    read|write|erase DEV OFF LEN
 *                  does one raw operation and prints its outcome: "n=COUNT"
 *                  (bytes moved, or 0 for an erase) or "errno=NAME"
 *
 * DEV may also be a flash image (a regular file: write, verify and blank
 * only), for the host to prepare a boot's flash and check what it wrote.
 *
 * Numbers accept 0x and k/M suffixes. Exit 0 ok, 1 mismatch, 2 error.
 */
#include <errno.h>
#include <fcntl.h>
#include <mtd/mtd-user.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536

static uint8_t pattern_byte(uint64_t seed, uint64_t off)
{
	/* splitmix64 of the 8-byte word index, one byte of it per offset */
	uint64_t z = seed * 0x9e3779b97f4a7c15ULL + (off >> 3) + 1;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z >> (8 * (off & 7));
}

static uint64_t number(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		goto bad;
	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	if (*end)
		goto bad;
	return v;
bad:
	fprintf(stderr, "mtdtool: '%s' is not a number\n", s);
	exit(2);
}

static int fail(const char *what, uint64_t off)
{
	fprintf(stderr, "mtdtool: %s at 0x%llx: %s (errno %d)\n", what,
		(unsigned long long)off, strerror(errno), errno);
	return 2;
}

static int do_io(int fd, int op, uint64_t seed, uint64_t off, uint64_t len)
{
	static uint8_t buf[CHUNK];
	uint64_t done = 0;

	while (done < len) {
		size_t n = len - done > CHUNK ? CHUNK : len - done;
		uint64_t at = off + done;
		ssize_t r;
		size_t i;

		if (op == 'w') {
			for (i = 0; i < n; i++)
				buf[i] = pattern_byte(seed, at + i);
			r = pwrite(fd, buf, n, at);
			if (r != (ssize_t)n)
				return fail(r < 0 ? "write" : "short write", at);
		} else {
			r = pread(fd, buf, n, at);
			if (r != (ssize_t)n)
				return fail(r < 0 ? "read" : "short read", at);
			for (i = 0; i < n; i++) {
				uint8_t want = op == 'b' ? 0xff : pattern_byte(seed, at + i);

				if (buf[i] != want) {
					fprintf(stderr, "mtdtool: mismatch at 0x%llx: got 0x%02x, want 0x%02x\n",
						(unsigned long long)(at + i), buf[i], want);
					return 1;
				}
			}
		}
		done += n;
	}
	return 0;
}

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EFAULT: return "EFAULT";
	case EIO: return "EIO";
	case EROFS: return "EROFS";
	case EPERM: return "EPERM";
	default: return strerror(e);
	}
}

/* One raw operation, whatever its outcome; the outcome is printed, exit 0. */
static int try_op(int fd, const char *op, uint64_t off, uint64_t len)
{
	static uint8_t buf[1 << 16];
	long long r;

	if (strcmp(op, "erase") && len > sizeof(buf)) {
		fprintf(stderr, "mtdtool: try: length above %zu\n", sizeof(buf));
		return 2;
	}
	if (!strcmp(op, "read")) {
		r = pread(fd, buf, len, off);
	} else if (!strcmp(op, "write")) {
		memset(buf, 0x5a, len);
		r = pwrite(fd, buf, len, off);
	} else if (!strcmp(op, "erase")) {
		struct erase_info_user64 e = { .start = off, .length = len };

		r = ioctl(fd, MEMERASE64, &e);
	} else {
		fprintf(stderr, "mtdtool: try: unknown operation %s\n", op);
		return 2;
	}
	if (r < 0)
		printf("errno=%s\n", errno_name(errno));
	else
		printf("n=%lld\n", r);
	return 0;
}

int main(int argc, char **argv)
{
	struct mtd_info_user info;
	const char *cmd;
	struct stat st;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: mtdtool info|erase|write|verify|blank DEV [SEED] [OFF LEN]\n");
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "try") && argc == 6) {
		fd = open(argv[3], O_RDWR);
		if (fd < 0)
			return fail("open", 0);
		return try_op(fd, argv[2], number(argv[4]), number(argv[5]));
	}
	fd = open(argv[2], strcmp(cmd, "info") && strcmp(cmd, "verify") && strcmp(cmd, "blank") ?
			   O_RDWR : O_RDONLY);
	if (fd < 0)
		return fail("open", 0);
	if (fstat(fd, &st))
		return fail("fstat", 0);
	if (S_ISREG(st.st_mode)) {
		if (!strcmp(cmd, "info") || !strcmp(cmd, "erase")) {
			fprintf(stderr, "mtdtool: %s: %s needs an MTD device, not a file\n", argv[2], cmd);
			return 2;
		}
	} else if (ioctl(fd, MEMGETINFO, &info)) {
		return fail("MEMGETINFO", 0);
	}

	if (!strcmp(cmd, "info") && argc == 3) {
		printf("size %u erasesize %u writesize %u\n", info.size, info.erasesize, info.writesize);
		return 0;
	}
	if (!strcmp(cmd, "erase") && argc == 5) {
		struct erase_info_user64 e = { .start = number(argv[3]), .length = number(argv[4]) };

		if (ioctl(fd, MEMERASE64, &e))
			return fail("erase", e.start);
		return 0;
	}
	if (!strcmp(cmd, "blank") && argc == 5)
		return do_io(fd, 'b', 0, number(argv[3]), number(argv[4]));
	if (!strcmp(cmd, "write") && argc == 6)
		return do_io(fd, 'w', number(argv[3]), number(argv[4]), number(argv[5]));
	if (!strcmp(cmd, "verify") && argc == 6)
		return do_io(fd, 'v', number(argv[3]), number(argv[4]), number(argv[5]));
	fprintf(stderr, "mtdtool: bad command or arguments: %s\n", cmd);
	return 2;
}
