# Direct kernel boot (--kernel/--initrd/--append): our multiboot guest, the
# one-line errors, and Debian's 686 Linux kernel (built by make linux-guest).

test_multiboot_guest_gets_magic_info_and_cmdline() {
	[ -f build/guests/mboot.bin ] || { skip "build/guests/mboot.bin missing (make guests)"; return; }
	lucid_run mboot 20 run --cpu 386 --kernel build/guests/mboot.bin \
		--append "hello world" --debugcon stdio --speed max --timeout 10s
	expect_rc 0 &&
	expect_in out "MBOOT-OK magic=2BADB002" &&
	expect_in out "lower=0000027F upper=00003C00" &&
	expect_in out "cmdline=build/guests/mboot.bin hello world" &&
	expect_in err "halted with interrupts disabled"
}

test_multiboot_initrd_is_module_0() {
	[ -f build/guests/mboot.bin ] || { skip "build/guests/mboot.bin missing (make guests)"; return; }
	printf 'module payload' >"$OUT/mboot.initrd"
	lucid_run mboot_mod 20 run --cpu pentium --kernel build/guests/mboot.bin \
		--initrd "$OUT/mboot.initrd" --debugcon stdio --speed max --timeout 10s
	# flags: MEM | CMDLINE | MODS | MMAP | LOADER_NAME
	expect_rc 0 && expect_in out "flags=0000024D"
}

test_kernel_missing_file_is_one_line() {
	lucid_run kernel_missing 10 run --cpu 386 --kernel "$OUT/no-such-kernel"
	expect_rc 1 && expect_one_line_error && expect_in err "no-such-kernel"
}

test_kernel_that_is_no_kernel_is_one_line() {
	head -c 4096 /dev/zero >"$OUT/zeros.bin"
	lucid_run kernel_junk 10 run --cpu 386 --kernel "$OUT/zeros.bin"
	expect_rc 1 && expect_one_line_error &&
	expect_in err "not a Linux bzImage, multiboot or ELF kernel"
}

test_kernel_needs_a_32bit_cpu() {
	[ -f build/guests/mboot.bin ] || { skip "build/guests/mboot.bin missing (make guests)"; return; }
	lucid_run kernel_286 10 run --cpu 286 --kernel build/guests/mboot.bin
	expect_rc 1 && expect_one_line_error && expect_in err "32-bit CPU"
}

test_initrd_without_kernel_is_refused() {
	lucid_run initrd_alone 10 run --initrd /dev/null
	expect_rc 1 && expect_one_line_error && expect_in err "--initrd needs --kernel"
}

# Debian's 686 kernel on the interpreter: direct boot to the initramfs,
# ata_piix finds the IDE disk, the guest checksums its first 4 MiB (the same
# digest as the image's on the host), and its power-off (ACPI S5) ends Lucid
# with exit code 0. About 21 s of guest time, 2-3 minutes of host CPU in the
# sanitizer build; needs the guest from 'make linux-guest' (make test builds
# it when it can).
test_linux_686_boots_reads_its_ide_disk_and_powers_off() {
	if [ ! -f build/linux/bzImage ] || [ ! -f build/linux/initrd.gz ]; then
		skip "build/linux/bzImage missing: build the Linux guest with 'make linux-guest' (as root; fetches Debian's packages)"
		return
	fi
	img="$OUT/linux-ide.img"
	# 8 MiB of numbered lines: a digest that any misplaced sector changes.
	seq -f "lucid-ide-line-%09g" 1 400000 | head -c 8388608 >"$img"
	want=$(head -c 4194304 "$img" | md5sum | cut -d' ' -f1)
	# The first characters can reach the console before the shell reads
	# it: a sacrificial line first. libata probes the disk asynchronously.
	cat >"$OUT/linux-ide.in" <<'SCRIPT'
true; true; true; true
for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/sda ] && break; sleep 1; done
uname -a; head -c 4194304 /dev/sda | md5sum; exit
SCRIPT
	lucid_run linux 1200 run --cpu pentium2 --mem 256M \
		--kernel build/linux/bzImage --initrd build/linux/initrd.gz \
		--append "$LINUX_APPEND lucid.modules=ata_piix,sd_mod lucid.shell=1" \
		--hda "$img" --serial stdio --timeout 1200s --speed max \
		--display none <"$OUT/linux-ide.in"
	expect_rc 0 && expect_in out "LUCID-LINUX-BOOT-OK" &&
	expect_in out "LUCID-MODULE-OK ata_piix" &&
	expect_in out "Linux (none) 6." &&
	expect_in out "$want" &&
	expect_in err "guest powered off"
}

# Issue #9: the same kernel booted the PC way: SeaBIOS boots an IDE disk
# (an unpartitioned FAT16 "superfloppy" whose boot sector is Debian's
# syslinux), syslinux reads syslinux.cfg, bzImage and initrd.gz through
# INT 13h and hands the kernel its command line. The image is built here
# with mkfs.fat, syslinux (through mtools, no root) and mcopy. ~35 s of
# guest time; opt-in (LUCID_TEST_LINUX=1): minutes in the sanitizer build.
test_linux_boots_through_seabios_and_syslinux_from_an_ide_disk() {
	if [ ! -f build/linux/bzImage ] || [ ! -f build/linux/initrd.gz ]; then
		skip "build/linux/bzImage missing: build the Linux guest with 'make linux-guest'"
		return
	fi
	if [ -z "${LUCID_TEST_LINUX:-}" ]; then
		skip "the SeaBIOS+syslinux Linux boot takes minutes; run with LUCID_TEST_LINUX=1"
		return
	fi
	bios=/usr/share/seabios/bios.bin
	[ -f "$bios" ] || { skip "$bios missing (make deps installs seabios)"; return; }
	# mkfs.fat lives in /usr/sbin, outside a user's PATH.
	PATH=$PATH:/usr/sbin:/sbin
	for tool in syslinux mkfs.fat mcopy; do
		command -v $tool >/dev/null ||
			{ skip "$tool missing (make deps installs syslinux, dosfstools, mtools)"; return; }
	done
	img="$OUT/linux-syslinux.img"
	rm -f "$img"
	truncate -s 32M "$img" &&
	mkfs.fat -F 16 -n LUCID "$img" >/dev/null &&
	syslinux --install "$img" &&
	printf '%s\n' "DEFAULT linux" "LABEL linux" "  KERNEL bzImage" \
		"  APPEND initrd=initrd.gz $LINUX_APPEND" >"$OUT/syslinux.cfg" &&
	mcopy -o -i "$img" build/linux/bzImage build/linux/initrd.gz \
		"$OUT/syslinux.cfg" ::/ ||
		{ name=linux_syslinux fail "could not build $img"; return; }
	lucid_run linux_syslinux 1200 run --cpu pentium2 --mem 256M \
		--bios "$bios" --hda "$img" --serial stdio \
		--until-serial LUCID-LINUX-BOOT-OK --timeout 1200s --speed max \
		--display none --debugcon "$OUT/linux_syslinux.debugcon"
	# BOOT_IMAGE= is syslinux's: the command line came through its
	# syslinux.cfg, not from Lucid's --append.
	expect_rc 0 && expect_in out "LUCID-LINUX-BOOT-OK" &&
	expect_in out "Kernel command line: BOOT_IMAGE=bzImage initrd=initrd.gz $LINUX_APPEND" &&
	expect_in out "Freeing initrd memory"
}
