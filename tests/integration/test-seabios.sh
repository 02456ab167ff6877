# SeaBIOS (Debian's) runs its POST on the interpreter and finds the board.

SEABIOS=${SEABIOS:-/usr/share/seabios/bios.bin}

test_seabios_posts_and_ends_with_no_bootable_device() {
	[ -f "$SEABIOS" ] || { skip "SeaBIOS not found at $SEABIOS (apt-get install seabios)"; return 77; }
	lucid_run seabios 120 run --cpu pentium2 --mhz 25 --bios "$SEABIOS" \
		--display none --serial stdio --debugcon "$OUT/seabios.log" \
		--until-debugcon "No bootable device." --speed max --timeout 120s
	expect_rc 0 || return 1
	name=seabios
	expect_in log "SeaBIOS (version" &&
	expect_in log "Running on QEMU (i440fx)" &&
	expect_in log "Found QEMU fw_cfg" &&
	expect_in log "qemu/e820: addr 0x0000000000000000 len 0x0000000001000000 [RAM]" &&
	expect_in log "PCI: init bdf=00:00.0 id=8086:1237" &&
	expect_in log "PCI: init bdf=00:01.0 id=8086:7000" &&
	expect_in log "PCI: init bdf=00:01.3 id=8086:7113" &&
	expect_in log "Using pmtimer, ioport 0x608" &&
	expect_in log "Start SeaVGABIOS" &&
	expect_in log "PS2 keyboard initialized" &&
	expect_in log "DVD/CD [ata1-0: LUCID CD-ROM" &&
	expect_in log "No bootable device."
}
