# Lucid: GNU make, C11. `make help` lists the targets.

CC      ?= cc
PKGS    := sdl2 slirp zlib libelf
TPKGS   := criterion jansson
O       ?= build
SAN_O   := build-san

WARN    := -Wall -Wextra -Werror -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -I. -MMD -MP
CFLAGS  ?= -O2 -g
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined

# Debian packages `make deps` installs (the header or tool each provides).
DEB_PKGS := libsdl2-dev libslirp-dev zlib1g-dev libelf-dev libcriterion-dev \
	    libjansson-dev pkg-config nasm seabios mtools dosfstools xorriso \
	    clang xvfb gdb binutils syslinux syslinux-common
BENCH_DEB_PKGS := qemu-system-x86 bochs bochsbios bochs-sdl vgabios
# Host tools for the Linux test guest (`make linux-guest`; the guest itself
# comes from Debian's i386 packages, fetched by tests/guests/linux/build.sh).
LINUX_DEB_PKGS := cpio kmod xz-utils

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
T_CFLAGS   = $(shell pkg-config --cflags $(TPKGS) 2>/dev/null)
T_LIBS     = $(shell pkg-config --libs $(TPKGS) 2>/dev/null)

SUBDIRS := core cpu mmu devices accel vmbus ui traces
LIB_SRC := $(filter-out core/main.c,$(foreach d,$(SUBDIRS),$(wildcard $(d)/*.c)))
UNIT_SRC := $(wildcard tests/unit/*.c)
SST_SRC := $(wildcard tests/conformance/*.c)

objs = $(patsubst %.c,$(1)/%.o,$(2))

# Guest programs built into the binary (assembled with nasm, linked in as
# data through .incbin): symbol name -> source.
GEN := build/gen
ROM_OBJS := $(GEN)/demo_rom.o $(GEN)/bench_cpu_rom.o $(GEN)/demo_floppy.o \
	    $(GEN)/accel_calib_rom.o \
	    $(GEN)/bench_pm_rom.o $(GEN)/bench_fpu_rom.o

define rom_rule
$(GEN)/$(1).o: $(2) $(wildcard $(dir $(2))*.inc)
	@mkdir -p $(GEN)
	nasm -f bin -I $(dir $(2)) -o $(GEN)/$(1).bin $(2)
	printf '.section .rodata\n.global $(1), $(1)_end\n$(1):\n.incbin "$(GEN)/$(1).bin"\n$(1)_end:\n.section .note.GNU-stack,"",@progbits\n' > $(GEN)/$(1).S
	$(CC) -c -o $$@ $(GEN)/$(1).S
endef
$(eval $(call rom_rule,demo_rom,core/demo.asm))
$(eval $(call rom_rule,demo_floppy,core/demo_floppy.asm))
$(eval $(call rom_rule,accel_calib_rom,core/accel_calib.asm))

# Test guests of our own (tests/guests/*.asm): flat 64 KiB+ BIOS images that
# integration tests boot with --bios and check through the debug console.
# gdb_elf.asm is an ELF kernel with symbols (--kernel), linked by ld.
GUEST_ELF_SRC := tests/guests/gdb_elf.asm
GUEST_SRC := $(filter-out $(GUEST_ELF_SRC),$(wildcard tests/guests/*.asm))
GUEST_BINS := $(patsubst tests/guests/%.asm,build/guests/%.bin,$(GUEST_SRC))
GUEST_ELFS := $(patsubst tests/guests/%.asm,build/guests/%.elf,$(GUEST_ELF_SRC))
build/guests/%.bin: tests/guests/%.asm $(wildcard tests/guests/*.inc)
	@mkdir -p $(dir $@)
	nasm -f bin -I tests/guests/ -o $@ $<
# -N: one segment from 1 MiB holding the multiboot header, no ELF headers
# mapped below it.
build/guests/%.elf: tests/guests/%.asm
	@mkdir -p $(dir $@)
	nasm -f elf32 -o $(@:.elf=.o) $<
	ld -m elf_i386 -N -Ttext=0x100000 -e _start --no-warn-rwx-segments \
		-o $@ $(@:.elf=.o)
guests: $(GUEST_BINS) $(GUEST_ELFS)
$(eval $(call rom_rule,bench_cpu_rom,tests/bench/cpu-workload.asm))
$(eval $(call rom_rule,bench_pm_rom,tests/bench/pm-workload.asm))
$(eval $(call rom_rule,bench_fpu_rom,tests/bench/fpu-workload.asm))

.PHONY: guests all run test unit integration conformance conformance-ci bench deps \
	bench-deps format clean help san linux-guest fuzz-short

all: lucid

# --- the emulator -----------------------------------------------------------
lucid: $(call objs,$(O),$(LIB_SRC) core/main.c) $(ROM_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

# --- sanitizer build used by the tests --------------------------------------
SAN_LIB := $(call objs,$(SAN_O),$(LIB_SRC)) $(ROM_OBJS)

$(SAN_O)/lucid: $(SAN_LIB) $(SAN_O)/core/main.o
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS)

$(SAN_O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(SAN_FLAGS) $(PKG_CFLAGS) $(T_CFLAGS) -c -o $@ $<

$(SAN_O)/unit-tests: $(SAN_LIB) $(call objs,$(SAN_O),$(UNIT_SRC))
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) $(T_LIBS)

$(SAN_O)/sst-runner: $(SAN_LIB) $(call objs,$(SAN_O),$(SST_SRC))
	$(CC) $(SAN_FLAGS) -o $@ $^ $(PKG_LIBS) $(T_LIBS)

# Optimised runner for full suites (`make conformance SST=DIR...`).
$(O)/sst-runner: $(call objs,$(O),$(LIB_SRC)) $(ROM_OBJS) $(call objs,$(O),$(SST_SRC))
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(T_LIBS)

$(O)/tests/conformance/%.o: tests/conformance/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(T_CFLAGS) -c -o $@ $<

san: $(SAN_O)/lucid $(SAN_O)/unit-tests $(SAN_O)/sst-runner

# --- the README's two commands ----------------------------------------------
run: deps lucid
	./lucid run --demo

test: deps
	$(MAKE) --no-print-directory -j$(shell nproc) san
	@$(MAKE) --no-print-directory linux-guest || \
	  echo "lucid: no Linux test guest (see above): its tests will skip"
	$(MAKE) --no-print-directory unit integration conformance-ci fuzz-short

unit: $(SAN_O)/unit-tests
	ASAN_OPTIONS=detect_leaks=1 $(SAN_O)/unit-tests --jobs 2

integration: $(SAN_O)/lucid guests
	LUCID=$(SAN_O)/lucid tests/integration/run-all.sh

SHARED ?= ../shared
conformance-ci: $(SAN_O)/sst-runner
	tests/conformance/ci-slice.sh $(SAN_O)/sst-runner $(SHARED)/testdata/singlestep

conformance: $(O)/sst-runner
	@test -n "$(SST)" || { echo 'usage: make conformance SST="DIR [DIR...]"' >&2; exit 2; }
	$(O)/sst-runner $(SST)

# Figures, never assertions. Peers (QEMU, Bochs) come from `make bench-deps`;
# a missing peer prints "not installed" in its row.
bench: lucid
	./lucid bench cpu
	./lucid bench bios
	@if [ -f $(SHARED)/testdata/freedos/freedos-serial.img ]; then \
	  ./lucid bench dos --image $(SHARED)/testdata/freedos/freedos-serial.img; \
	else echo "bench dos: SKIP ($(SHARED)/testdata/freedos absent)"; fi
	./lucid bench record --image $(SHARED)/testdata/freedos/freedos-serial.img

# --- fuzzing (libFuzzer, clang) ---------------------------------------------
# Each tests/fuzz/fuzz_*.c links against the VMBus host and what it needs;
# `make fuzz-short` runs every target a few seconds (SKIP without clang).
FUZZ_CC ?= clang
FUZZ_O := build-fuzz
FUZZ_LIB := $(wildcard vmbus/*.c) mmu/mem.c core/bus.c core/clock.c \
	    core/log.c core/state.c core/state_hash.c core/util.c devices/disk.c \
	    devices/sha256.c
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -I. -g -O1 $(WARN) \
	      -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB) \
		  $(wildcard vmbus/*.h)
	@mkdir -p $(FUZZ_O)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_LIB) -lz -lm

fuzz-short:
	tests/fuzz/run-short.sh

# --- packages ---------------------------------------------------------------
# Installs what is missing (quiet when all is there); as non-root prints the
# apt-get line and fails.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "lucid: missing packages; as root run: apt-get install -y$$missing" >&2; exit 1; fi; \
	  echo "lucid: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q $$missing >/tmp/lucid-apt.log 2>&1 || \
	  { apt-get update -q >>/tmp/lucid-apt.log 2>&1 && apt-get install -y -q $$missing >>/tmp/lucid-apt.log 2>&1; } || \
	  { echo "lucid: apt-get failed, see /tmp/lucid-apt.log" >&2; tail -5 /tmp/lucid-apt.log >&2; exit 1; }; \
	fi
endef

deps:
	$(call install_missing,$(DEB_PKGS))

bench-deps:
	$(call install_missing,$(BENCH_DEB_PKGS))

linux-guest:
	$(call install_missing,$(LINUX_DEB_PKGS))
	tests/guests/linux/build.sh

format:
	clang-format -i $(foreach d,$(SUBDIRS) tests/unit tests/conformance,$(wildcard $(d)/*.[ch]))

clean:
	rm -rf $(O) $(SAN_O) $(FUZZ_O) lucid

help:
	@echo "make           build ./lucid"
	@echo "make run       install missing packages, build, boot the demo machine"
	@echo "make test      install missing packages, sanitizer build, all tests"
	@echo "make conformance SST=DIR...   SingleStepTests over every file in DIR"
	@echo "make bench     built-in benchmarks;  make bench-deps: peers (QEMU, Bochs)"
	@echo "make deps      apt-get what is missing (as root)"
	@echo "make linux-guest   Debian's 686 kernel + busybox initramfs in build/linux/"
	@echo "make format    clang-format the sources;  make clean"

# Files only: build/linux/work/ holds unpacked Debian packages with *.d dirs.
-include $(shell find $(O) $(SAN_O) -type f -name '*.d' 2>/dev/null)
