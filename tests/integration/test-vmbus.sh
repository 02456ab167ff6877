# Hyper-V enlightenments and VMBus (--enlighten hyperv, --vmbus-disk):
# option errors, the ACPI device, and Debian's 686 kernel finding Hyper-V,
# bringing up VMBus and attaching the storvsc disk.

test_vmbus_disk_needs_enlighten() {
	head -c 1048576 /dev/zero >"$OUT/vmbus-empty.img"
	lucid_run vmbus_noenl 10 run --cpu pentium2 --vmbus-disk "$OUT/vmbus-empty.img" \
		--timeout 5s
	expect_rc 1 && expect_one_line_error && expect_in err "--vmbus-disk needs --enlighten hyperv"
}

test_enlighten_needs_an_apic() {
	lucid_run vmbus_noapic 10 run --cpu pentium --enlighten hyperv --timeout 5s
	expect_rc 1 && expect_one_line_error && expect_in err "local APIC"
}

test_enlighten_wants_hyperv() {
	lucid_run vmbus_badenl 10 run --cpu pentium2 --enlighten kvm --timeout 5s
	expect_rc 1 && expect_one_line_error && expect_in err "want hyperv"
}

test_enlighten_refuses_kvm() {
	lucid_run vmbus_kvm 10 run --cpu pentium2 --enlighten hyperv --accel kvm --timeout 5s
	expect_rc 1 && expect_one_line_error && expect_in err "interpreter only"
}

test_vmbus_missing_image_is_one_line() {
	lucid_run vmbus_missing 10 run --cpu pentium2 --enlighten hyperv \
		--vmbus-disk "$OUT/no-such.img" --timeout 5s
	expect_rc 1 && expect_one_line_error && expect_in err "no-such.img"
}

# The DSDT carries \_SB.VMBS with _HID "VMBus" only when asked for.
test_acpi_dump_has_the_vmbus_device() {
	rm -rf "$OUT/acpi-vmbus" "$OUT/acpi-plain"
	mkdir -p "$OUT/acpi-vmbus" "$OUT/acpi-plain"
	lucid_run vmbus_acpi 10 run --cpu pentium2 --enlighten hyperv \
		--acpi-dump "$OUT/acpi-vmbus"
	expect_rc 0 || return 1
	grep -q "VMBS" "$OUT/acpi-vmbus/dsdt.dat" && grep -q "VMBus" "$OUT/acpi-vmbus/dsdt.dat" ||
		fail "no VMBS/VMBus in dsdt.dat" || return 1
	lucid_run vmbus_acpi_plain 10 run --cpu pentium2 --acpi-dump "$OUT/acpi-plain"
	expect_rc 0 && ! grep -q "VMBus" "$OUT/acpi-plain/dsdt.dat" ||
		fail "VMBus in a machine without --enlighten"
}

# Debian's 686 kernel with the initramfs loading hv_vmbus and hv_storvsc,
# then a shell (lucid.shell=1) fed through COM1 reading the disk. Checked,
# in order: Hyper-V detected (CPUID), the VMBus version (control plane),
# storvsc's host and the disk attached (rings, SCSI), and the first 16
# bytes /dev/sda gives back: the marker written into the image. Slow (the
# interpreter boots the whole kernel: ~50 s of guest time), so opt-in like
# test-linux.sh's boot test.
test_linux_finds_hyperv_vmbus_and_the_scsi_disk() {
	if [ ! -f build/linux/bzImage ] || [ ! -f build/linux/initrd.gz ]; then
		skip "build/linux/bzImage missing: build the Linux guest with 'make linux-guest' (as root)"
		return
	fi
	if [ -z "${LUCID_TEST_LINUX:-}" ]; then
		skip "Linux boot is slow on the interpreter; run with LUCID_TEST_LINUX=1"
		return
	fi
	img="$OUT/vmbus-disk.img"
	# 32 MiB of numbered lines behind a marker: the guest's checksum of
	# the whole disk must equal the image's.
	seq -f "lucid-vmbus-line-%09g" 1 1400000 | head -c 33554432 >"$img"
	printf 'LUCID-VMBUS-DISK' | dd of="$img" conv=notrunc 2>/dev/null
	want=$(md5sum <"$img" | cut -d' ' -f1)
	printf 'sleep 3; cat /proc/partitions; dd if=/dev/sda bs=16 count=1 2>/dev/null; echo; md5sum /dev/sda; exit\n' \
		>"$OUT/vmbus-shell.in"
	name=linux_vmbus
	timeout -k 5 1500 env -u DISPLAY -u WAYLAND_DISPLAY "$LUCID" run \
		--cpu pentium2 --mem 256M \
		--kernel build/linux/bzImage --initrd build/linux/initrd.gz \
		--append "$LINUX_APPEND lucid.modules=hv_vmbus,hv_storvsc,sd_mod lucid.shell=1" \
		--enlighten hyperv --vmbus-disk "$img" \
		--serial stdio --until-serial LUCID-LINUX-POWEROFF \
		--timeout 1400s --speed max --display none \
		<"$OUT/vmbus-shell.in" >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	expect_rc 0 &&
	expect_in out "Hypervisor detected: Microsoft Hyper-V" &&
	expect_in out "hv_vmbus: Vmbus version:4.0" &&
	expect_in out "scsi host0: storvsc_host_t" &&
	expect_in out "[sda] 65536 512-byte logical blocks" &&
	expect_in out "[sda] Attached SCSI disk" &&
	expect_in out "LUCID-VMBUS-DISK" &&
	expect_in out "$want  /dev/sda"
}

test_trace_info_names_the_enlightenments() {
	head -c 1048576 /dev/zero >"$OUT/vmbus-info.img"
	lucid_run vmbus_rec 20 run --bios builtin --cpu pentium2 --enlighten hyperv \
		--vmbus-disk "$OUT/vmbus-info.img" --nic netvsc --net none \
		--no-acpi --timeout 1s --record "$OUT/vmbus-info.lrt"
	expect_rc 0 || return 1
	lucid_run vmbus_info 10 trace info "$OUT/vmbus-info.lrt"
	expect_rc 0 && expect_in out "--enlighten hyperv" &&
		expect_in out "--vmbus-disk $OUT/vmbus-info.img" &&
		expect_in out "--nic netvsc" && expect_in out "--no-acpi"
}

# Two storvsc disks; the guest makes a FAT file system on the second,
# writes a file, reboots (reboot -f: a machine reset, which re-enters the
# kernel under direct boot) and reads the file back: the writes live in
# the disk's overlay, which a guest reset keeps. The image itself stays as
# it was (no --persist). Both boots get the same shell script, typed by
# the host once each boot has loaded its modules: it mounts the disk if it
# holds a file system, else makes one and reboots. The session is
# recorded and its replay must end on the recorded final hash.
test_linux_vmbus_disk_survives_a_reboot_and_replays() {
	if [ ! -f build/linux/bzImage ] || [ ! -f build/linux/initrd.gz ]; then
		skip "build/linux/bzImage missing: build the Linux guest with 'make linux-guest' (as root)"
		return
	fi
	if [ -z "${LUCID_TEST_LINUX:-}" ]; then
		skip "Linux boot is slow on the interpreter; run with LUCID_TEST_LINUX=1"
		return
	fi
	if ! zcat build/linux/initrd.gz | cpio -t 2>/dev/null | grep -q 'vfat\.ko$'; then
		skip "build/linux/initrd.gz has no vfat: rebuild it with 'make linux-guest'"
		return
	fi
	name=linux_vmbus_reboot
	a="$OUT/vmbus-disk-a.img" b="$OUT/vmbus-disk-b.img"
	head -c 4194304 /dev/zero >"$a"
	head -c 8388608 /dev/zero >"$b"
	b_md5=$(md5sum <"$b" | cut -d' ' -f1)
	last=nls_utf8
	modules=hv_vmbus,hv_storvsc,sd_mod,vfat,nls_cp437,nls_ascii,$last
	# The first characters typed may be lost: a line to spare first.
	cat >"$OUT/$name.in" <<'SCRIPT'
true; true; true; true
mkdir -p /mnt; cat /proc/partitions
if mount -t vfat /dev/sdb /mnt; then cat /mnt/lucid.txt; umount /mnt; exit; fi
mkdosfs /dev/sdb && mount -t vfat /dev/sdb /mnt && echo LUCID-FS-$((6*7))-CONTENT >/mnt/lucid.txt && umount /mnt && echo LUCID-FS-$((1))WRITTEN && reboot -f; exit
SCRIPT
	: >"$OUT/$name.out"
	{
		n=0
		for boot in 1 2; do
			while [ "$(grep -c "LUCID-MODULE-[A-Z]* $last" "$OUT/$name.out")" -lt $boot ] &&
				[ $n -lt 1200 ]; do
				sleep 1
				n=$((n + 1))
			done
			sleep 2
			cat "$OUT/$name.in"
		done
	} | timeout -k 5 1210 env -u DISPLAY -u WAYLAND_DISPLAY "$LUCID" run \
		--cpu pentium2 --mem 256M \
		--kernel build/linux/bzImage --initrd build/linux/initrd.gz \
		--append "$LINUX_APPEND lucid.modules=$modules lucid.shell=1" \
		--enlighten hyperv --vmbus-disk "$a" --vmbus-disk "$b" \
		--serial stdio --until-serial LUCID-LINUX-POWEROFF \
		--timeout 1200s --speed max --display none \
		--record "$OUT/$name.lrt" \
		>"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	expect_rc 0 &&
	expect_in out "LUCID-MODULE-OK $last" &&
	expect_in out "[sda] 8192 512-byte logical blocks" &&
	expect_in out "[sdb] 16384 512-byte logical blocks" &&
	expect_in out "LUCID-FS-1WRITTEN" || return 1
	boots=$(grep -c LUCID-LINUX-BOOT-OK "$OUT/$name.out")
	[ "$boots" = 2 ] || fail "$boots boots, expected 2 (the reboot)" || return 1
	# The content, printed only by the second boot's cat.
	sed -n '/LUCID-FS-1WRITTEN/,$p' "$OUT/$name.out" | grep -q "^LUCID-FS-42-CONTENT" ||
		fail "the second boot did not read the file back" || return 1
	[ "$(md5sum <"$b" | cut -d' ' -f1)" = "$b_md5" ] ||
		fail "$b changed without --persist" || return 1
	name=${name}_replay
	timeout -k 5 1210 "$LUCID" replay "$OUT/${name%_replay}.lrt" \
		--serial none >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	expect_rc 0 && expect_in err "final hash OK" &&
		rm -f "$OUT/${name%_replay}.lrt"
}
