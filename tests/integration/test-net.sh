# Networking: the NE2000 over libslirp, recorded and replayed.

NET_BIN=${NET_BIN:-build/guests/net_dhcp.bin}

need_net_guest() {
	[ -f "$NET_BIN" ] || skip "$NET_BIN not built (make guests)"
}

test_dhcp_guest_gets_an_offer_and_replays_it_without_slirp() {
	need_net_guest || return $?
	lucid_run net_rec 30 run --bios "$NET_BIN" --nic ne2000-isa \
		--debugcon "$OUT/net_rec.dbg" --speed max --timeout 20s \
		--checkpoint-ms 1 --record "$OUT/net.lrt"
	expect_rc 0 || return 1
	grep -qx "DHCP-OFFER 10.0.2.15" "$OUT/net_rec.dbg" ||
		fail "no DHCP-OFFER 10.0.2.15 on the debug console" || return 1
	expect_in err "record: $OUT/net.lrt: " || return 1
	# The replay runs no slirp: the frame comes from the trace.
	lucid_run net_rep 30 replay "$OUT/net.lrt" --debugcon "$OUT/net_rep.dbg"
	expect_rc 0 && expect_in err "final hash OK" || return 1
	cmp -s "$OUT/net_rec.dbg" "$OUT/net_rep.dbg" ||
		fail "debug console output differs from the recording's" || return 1
	lucid_run net_info 10 trace info "$OUT/net.lrt"
	expect_rc 0 && expect_in out "--nic ne2000-isa" && expect_in out "net 1"
}

test_nic_without_a_host_network_gets_no_offer() {
	need_net_guest || return $?
	lucid_run net_none 30 run --bios "$NET_BIN" --nic ne2000-isa \
		--net none --debugcon "$OUT/net_none.dbg" --speed max \
		--timeout 20s
	expect_rc 0 || return 1
	grep -qx "DHCP-TIMEOUT" "$OUT/net_none.dbg" ||
		fail "expected DHCP-TIMEOUT with --net none"
}

test_hostfwd_on_a_busy_port_is_one_line() {
	command -v python3 >/dev/null || skip "python3 is needed to hold a port"
	rm -f "$OUT/net_port.txt"
	python3 -u -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(1)
print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(30)' \
		>"$OUT/net_port.txt" &
	holder=$!
	n=0
	while [ ! -s "$OUT/net_port.txt" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	port=$(cat "$OUT/net_port.txt")
	[ -n "$port" ] || { kill "$holder"; skip "could not hold a port"; return $?; }
	lucid_run net_busy 10 run --bios builtin --nic ne2000 \
		--net "user,hostfwd=tcp:127.0.0.1:$port-:22" --timeout 5s
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	expect_rc 1 && expect_one_line_error &&
	expect_in err "hostfwd tcp:127.0.0.1:$port: cannot listen"
}

test_bad_nic_options_are_one_line() {
	lucid_run net_bad 10 run --bios builtin --nic e1000
	expect_rc 1 && expect_one_line_error && expect_in err "--nic e1000" ||
		return 1
	lucid_run net_mac 10 run --bios builtin --mac 52:54:00:00:00:01
	expect_rc 1 && expect_one_line_error
}

test_netvsc_needs_hyperv_and_runs_with_it() {
	lucid_run net_vsc_bad 10 run --bios builtin --nic netvsc
	expect_rc 1 && expect_one_line_error &&
		expect_in err "--nic netvsc needs --enlighten hyperv" || return 1
	# With the enlightenments the board builds (the NIC waits for a
	# guest that opens its channel) next to an NE2000 on the same hub.
	lucid_run net_vsc 10 run --bios builtin --cpu pentium2 \
		--enlighten hyperv --nic netvsc --nic ne2000 --net none \
		--timeout 1s
	expect_rc 0
}
