# Booting from disks through SeaBIOS: an IDE hard disk (our MBR and volume
# boot record on a FAT16 volume made by mkfs.fat/mtools), an El Torito CD
# (xorriso, no-emulation boot of our program), and FreeDOS from a hard disk
# built from the floppy's files. Images are built here, with Debian tools;
# nothing is fetched.

SEABIOS=${SEABIOS:-/usr/share/seabios/bios.bin}
GUESTS=${GUESTS:-build/guests}
FREEDOS_FD=$SHARED/testdata/freedos/freedos-1.44M.img

# need TOOL... / need_file FILE: SKIP (status 77) when one is missing.
need() {
	for t in "$@"; do
		command -v "$t" >/dev/null ||
			{ skip "$t not installed (make deps installs it)"; return; }
	done
}

need_file() {
	[ -f "$1" ] || skip "$1 not found${2:+ ($2)}"
}

le32() {
	v=$1
	printf "\\$(printf %03o $((v & 255)))\\$(printf %03o $((v >> 8 & 255)))\\$(printf %03o $((v >> 16 & 255)))\\$(printf %03o $((v >> 24 & 255)))"
}

# chs LBA: the partition table's 3-byte CHS form of LBA, for 16 heads and
# 63 sectors per track (the geometry Lucid's IDE disks report).
chs() {
	c=$(($1 / (16 * 63))) h=$(($1 / 63 % 16)) s=$(($1 % 63 + 1))
	[ $c -gt 1023 ] && c=1023 h=15 s=63
	printf "\\$(printf %03o $h)\\$(printf %03o $((s | (c >> 8) << 6)))\\$(printf %03o $((c & 255)))"
}

# fat_volume OUT KIB FATBITS LABEL: a volume for a partition at LBA 2048 of
# a 16-head, 63-sector disk (BPB geometry and hidden sectors must match:
# DOS boot code reads with them).
fat_volume() {
	rm -f "$1"
	mkfs.fat -F "$3" -C -g 16/63 -h 2048 -D 0x80 -n "$4" "$1" "$2" >/dev/null
}

# boot_code VBR VOLUME: VBR's boot code (0x3E up to the signature) over the
# volume's, keeping the volume's BPB.
boot_code() {
	dd if="$1" of="$2" bs=1 skip=62 seek=62 count=448 conv=notrunc 2>/dev/null
}

# hd_image OUT MBR VOLUME TYPE: MBR, then VOLUME as the one (active)
# partition of type TYPE at LBA 2048.
hd_image() {
	n=$(($(stat -c %s "$3") / 512))
	rm -f "$1"
	dd if="$2" of="$1" bs=512 count=1 2>/dev/null &&
	{ printf '\200'; chs 2048; printf "\\$(printf %03o "$4")"
	  chs $((2048 + n - 1)); le32 2048; le32 "$n"; } |
		dd of="$1" bs=1 seek=446 conv=notrunc 2>/dev/null &&
	dd if="$3" of="$1" bs=512 seek=2048 2>/dev/null
}

seabios_run() {
	name=$1 secs=$2
	shift 2
	lucid_run "$name" "$secs" run --cpu pentium2 --mhz 25 --bios "$SEABIOS" \
		--speed max --timeout "${secs}s" "$@"
}

test_ide_disk_boots_our_mbr_and_reads_a_fat16_file() {
	need_file "$SEABIOS" "apt-get install seabios" || return $?
	need mkfs.fat mcopy || return $?
	need_file "$GUESTS/boot_mbr.bin" "make guests" || return $?
	vol=$OUT/hd16.vol
	fat_volume "$vol" 16384 16 LUCIDHD &&
	printf 'marker-%s-fat16\r\n' $$ >"$OUT/marker.txt" &&
	mcopy -i "$vol" "$OUT/marker.txt" ::MARKER.TXT &&
	boot_code "$GUESTS/boot_vbr.bin" "$vol" &&
	hd_image "$OUT/hd16.img" "$GUESTS/boot_mbr.bin" "$vol" 6 ||
		fail "could not build the disk image" || return 1
	seabios_run hdboot 60 --hda "$OUT/hd16.img" --serial stdio \
		--debugcon "$OUT/hdboot.dbg" --screen-text
	expect_rc 0 &&
	expect_in dbg "LUCID-MBR: drive 80, chaining to the active partition" &&
	expect_in dbg "LUCID-VBR: FAT16" &&
	expect_in dbg "MARKER.TXT: marker-$$-fat16" &&
	expect_in dbg "LUCID-HDD-BOOT-OK" &&
	expect_in out "LUCID-HDD-BOOT-OK" &&
	expect_in err "halted with interrupts disabled"
}

test_cdrom_boots_el_torito_no_emulation_and_reads_the_pvd() {
	need_file "$SEABIOS" "apt-get install seabios" || return $?
	need xorriso || return $?
	need_file "$GUESTS/boot_cd.bin" "make guests" || return $?
	rm -rf "$OUT/isoroot" && mkdir -p "$OUT/isoroot/boot" &&
	cp "$GUESTS/boot_cd.bin" "$OUT/isoroot/boot/boot.bin" &&
	echo "Lucid test CD" >"$OUT/isoroot/readme.txt" &&
	xorriso -as mkisofs -quiet -V LUCIDCD -b boot/boot.bin -no-emul-boot \
		-boot-load-size 4 -o "$OUT/boot.iso" "$OUT/isoroot" 2>/dev/null ||
		fail "xorriso could not build the ISO" || return 1
	seabios_run cdboot 60 --cdrom "$OUT/boot.iso" --serial stdio \
		--debugcon "$OUT/cdboot.dbg" --screen-text
	expect_rc 0 &&
	expect_in dbg "LUCID-CD: no-emulation boot, drive E0" &&
	expect_in dbg "LUCID-CD: CD001 volume LUCIDCD" &&
	expect_in dbg "LUCID-CD-BOOT-OK" &&
	expect_in out "LUCID-CD-BOOT-OK"
}

# FreeDOS has no SYS.COM on the floppy and none runs on the host, so the
# hard disk gets our MBR, a FAT12 volume with the floppy's files (CONFIG.SYS
# pointing the shell at C:) and the floppy's own FreeDOS boot code.
test_freedos_boots_from_the_hard_disk_to_c_prompt() {
	need_file "$SEABIOS" "apt-get install seabios" || return $?
	need mkfs.fat mcopy || return $?
	need_file "$FREEDOS_FD" "FreeDOS test image in ../shared" || return $?
	need_file "$GUESTS/boot_mbr.bin" "make guests" || return $?
	vol=$OUT/fdhd.vol
	files="KERNEL.SYS COMMAND.COM CONFIG.SYS AUTOEXEC.BAT"
	rm -rf "$OUT/fdfiles" && mkdir -p "$OUT/fdfiles" &&
	for f in $files; do
		mcopy -i "$FREEDOS_FD" "::$f" "$OUT/fdfiles/$f" || return 1
	done &&
	sed -i 's/A:\\COMMAND/C:\\COMMAND/' "$OUT/fdfiles/CONFIG.SYS" &&
	fat_volume "$vol" 8192 12 FREEDOS &&
	(cd "$OUT/fdfiles" && mcopy -i "../fdhd.vol" $files ::/) &&
	boot_code "$FREEDOS_FD" "$vol" &&
	hd_image "$OUT/fdhd.img" "$GUESTS/boot_mbr.bin" "$vol" 1 ||
		fail "could not build the FreeDOS hard disk" || return 1
	cat >"$OUT/fdhd.txt" <<'SCRIPT'
wait-text "C:\>"
type "ver\n"
wait-text "FreeCom version 0.82 pl 3"
quit
SCRIPT
	seabios_run fdhd 120 --hda "$OUT/fdhd.img" --input "$OUT/fdhd.txt" \
		--debugcon "$OUT/fdhd.dbg" --screen-text
	expect_rc 0 &&
	expect_in dbg "LUCID-MBR: drive 80" &&
	expect_in out 'C:\>ver' &&
	expect_in out "FreeCom version 0.82 pl 3" &&
	expect_in err "quit at line 4"
}
