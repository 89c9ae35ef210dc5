# SPDX-License-Identifier: GPL-2.0
# Project entry points. The module itself is built by Kbuild
# (make -C $KDIR M=$PWD); this Makefile drives the scripts.
#
#   make run     build what is needed, boot the board, show the driver working
#   make bench   spi_sync() latency and MMIO cost, Rust against C; writes results/bench/
#   make test    the whole test suite, ending with "N passed, N failed"
#   make check   the quick tier for the edit loop: lint, build, clippy, KUnit,
#                one boot of our driver on the flash (a few minutes warm)
#   make patches the kernel part and the driver as a patch series (build/patches/)
#   make fixes   the fixes of the kernel bugs our tests found (build/fixes/)
#   make shell   boot the board with a shell on the console
#   make deps | tools | kernel | module | lint | fmt | clean | cache-clean
#
# Variables: CACHE=<dir> (default ~/.cache/spi-sifive-rs),
#   EXTRA_CONFIG=<fragment> (extra kernel config, part of the cache key),
#   DRIVER=spi_sifive_rs|spi-sifive (run/shell: which driver binds the flash),
#   FIXES=0 (test kernels without the fixes series, to see the bugs again).

SHELL := /bin/bash
DRIVER ?= spi_sifive_rs
export CACHE EXTRA_CONFIG VARIANT FIXES

ifneq ($(filter-out spi_sifive_rs spi-sifive,$(DRIVER)),)
$(error DRIVER=$(DRIVER) is not a known driver (spi_sifive_rs or spi-sifive))
endif

VARIANTS := $(patsubst qemu/kconfig/%.config,%,$(wildcard qemu/kconfig/*.config))
ifneq ($(filter-out $(VARIANTS),$(or $(VARIANT),base)),)
$(error VARIANT=$(VARIANT) is not a kernel variant (have: $(VARIANTS)))
endif
ifneq ($(EXTRA_CONFIG),)
ifeq ($(wildcard $(EXTRA_CONFIG)),)
$(error EXTRA_CONFIG=$(EXTRA_CONFIG): no such file)
endif
endif

.PHONY: all deps tools kernel module build run shell test check bench patches fixes lint fmt clean cache-clean

all: build

# Every entry point that runs a tool installs first (test.sh does it as its
# first step, so that a missing tool is reported there and nowhere else).
deps:
	@scripts/deps.sh

tools:
	@scripts/check-tools.sh

kernel: deps
	@scripts/build-kernel.sh

build module: deps
	@scripts/build.sh

run: build
	@scripts/run.sh $(DRIVER)

shell: build
	@INTERACTIVE=1 scripts/run.sh $(DRIVER)

test:
	@scripts/test.sh full

check:
	@scripts/test.sh quick

bench: deps
	@scripts/bench.sh

# The kernel-crate additions and the driver as a git format-patch series
# against the pristine 7.3 tree (build/patches/); check-patches.sh applies,
# checkpatches, builds and documents it (part of make test).
patches: deps
	@scripts/make-patches.sh

# The fixes for kernel bugs our tests found, a series of its own against the
# pristine tree (build/fixes/); the test kernels carry it unless FIXES=0.
fixes: deps
	@scripts/make-fixes.sh

lint: deps
	@scripts/lint.sh rustfmt
	@scripts/lint.sh shellcheck

fmt: deps
	@scripts/fmt.sh

clean:
	rm -rf build

cache-clean:
	@scripts/cache-clean.sh
