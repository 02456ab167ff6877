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

# Debian's 686 kernel to the initramfs's marker. Opt-in (LUCID_TEST_LINUX=1)
# because it is long: about 70 s of guest time, several minutes of host CPU
# in the sanitizer build.
test_linux_686_boots_to_the_initramfs() {
	if [ ! -f build/linux/bzImage ] || [ ! -f build/linux/initrd.gz ]; then
		skip "build/linux/bzImage missing: build the Linux guest with 'make linux-guest' (as root; fetches Debian's packages)"
		return
	fi
	if [ -z "${LUCID_TEST_LINUX:-}" ]; then
		skip "the Linux boot takes minutes; run with LUCID_TEST_LINUX=1"
		return
	fi
	lucid_run linux 1200 run --cpu pentium2 --mem 256M \
		--kernel build/linux/bzImage --initrd build/linux/initrd.gz \
		--append "console=ttyS0 earlyprintk=serial,ttyS0,115200 panic=-1" \
		--serial stdio --until-serial LUCID-LINUX-BOOT-OK \
		--timeout 1200s --speed max
	expect_rc 0 && expect_in out "LUCID-LINUX-BOOT-OK"
}
