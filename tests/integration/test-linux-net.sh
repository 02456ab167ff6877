# Linux end to end: Debian's 686 kernel loads ne2k-pci for the PCI NE2000
# (or hv_vmbus and hv_netvsc for the VMBus NIC), gets a DHCP lease from
# slirp, fetches a file from an HTTP server on the host's 127.0.0.1 (the
# guest reaches it as 10.0.2.2), then serves one with busybox httpd that
# the host fetches through a hostfwd port. The session is recorded and
# replayed without slirp: every checkpoint must match. Needs the Linux
# guest (make linux-guest); opt-in like the boot test (LUCID_TEST_LINUX=1):
# it takes minutes.

test_linux_ne2k_pci_gets_a_lease_and_fetches_over_http() {
	linux_net_fetch linux_net ne2k-pci ne2k-pci --nic ne2000
}

test_linux_netvsc_gets_a_lease_and_fetches_over_http() {
	linux_net_fetch linux_netvsc hv_vmbus,hv_netvsc hv_netvsc \
		--enlighten hyperv --nic netvsc
}

# NAME MODULES LASTMODULE LUCID-ARGS...
linux_net_fetch() {
	name=$1 modules=$2 last=$3
	shift 3
	if [ ! -f build/linux/bzImage ] || [ ! -f build/linux/initrd.gz ]; then
		skip "build/linux/bzImage missing: build the Linux guest with 'make linux-guest'"
		return
	fi
	if [ -z "${LUCID_TEST_LINUX:-}" ]; then
		skip "the Linux boot takes minutes; run with LUCID_TEST_LINUX=1"
		return
	fi
	command -v python3 >/dev/null || { skip "python3 is needed for the HTTP server"; return; }
	www=$OUT/${name}_www
	mkdir -p "$www"
	echo "LUCID-HTTP-PAYLOAD-$$" >"$www/hello.txt"
	rm -f "$OUT/${name}_port.txt"
	python3 -u -c 'import http.server,functools,sys
h=functools.partial(http.server.SimpleHTTPRequestHandler,directory=sys.argv[1])
s=http.server.HTTPServer(("127.0.0.1",0),h)
print(s.server_address[1]); s.serve_forever()' "$www" \
		>"$OUT/${name}_port.txt" 2>/dev/null &
	server=$!
	n=0
	while [ ! -s "$OUT/${name}_port.txt" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	port=$(cat "$OUT/${name}_port.txt")
	fwd=$(python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	# The initramfs's shell reads COM1 (typed once it runs; markers are
	# computed so the echoed command line does not match them); udhcpc's
	# script applies the lease.
	cat >"$OUT/$name.in" <<EOF
echo '[ "\$1" = bound ] && ifconfig \$interface \$ip netmask \$subnet && route add default gw \$router' >/tmp/dh
chmod +x /tmp/dh
for i in 1 2 3 4 5 6 7 8 9 10; do ifconfig eth0 >/dev/null 2>&1 && break; sleep 1; done
ifconfig eth0 up
udhcpc -i eth0 -n -q -t 5 -s /tmp/dh && echo LUCID-DHCP-\$((1))OK
ifconfig eth0 | grep 'inet '
wget -q -O - http://10.0.2.2:$port/hello.txt
mkdir -p /www && echo LUCID-GUEST-\$((2))SERVED >/www/index.html
httpd -p 80 -h /www && echo LUCID-HTTPD-\$((1))UP
EOF
	: >"$OUT/$name.out"
	rm -f "$OUT/$name.fwd"
	# The shell reads COM1 as the host types: the setup; then, once the
	# guest's httpd runs and the host has fetched from it through the
	# forwarded port, the last line.
	{
		n=0
		while ! grep -q "LUCID-MODULE-[A-Z]* $last" "$OUT/$name.out" && [ $n -lt 1200 ]; do
			sleep 1
			n=$((n + 1))
		done
		sleep 2
		cat "$OUT/$name.in"
		while ! grep -q LUCID-HTTPD-1UP "$OUT/$name.out" && [ $n -lt 1200 ]; do
			sleep 1
			n=$((n + 1))
		done
		grep -q LUCID-HTTPD-1UP "$OUT/$name.out" &&
		timeout 300 python3 -c 'import sys,urllib.request
u = "http://127.0.0.1:%s/index.html" % sys.argv[1]
print(urllib.request.urlopen(u, timeout=290).read().decode())' "$fwd" \
			>"$OUT/$name.fwd" 2>&1
		printf 'echo LUCID-NET-$((1))DONE\nexit\n'
	} | timeout -k 5 1210 env -u DISPLAY -u WAYLAND_DISPLAY "$LUCID" run \
		--cpu pentium2 --mem 256M \
		--kernel build/linux/bzImage --initrd build/linux/initrd.gz \
		--append "$LINUX_APPEND lucid.modules=$modules lucid.shell=1" \
		"$@" --net "user,hostfwd=tcp:127.0.0.1:$fwd-:80" \
		--serial stdio --until-serial LUCID-NET-1DONE \
		--timeout 1200s --record "$OUT/$name.lrt" \
		>"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	touch "$OUT/$name.fwd"
	expect_rc 0 && expect_in out "LUCID-MODULE-OK $last" &&
	expect_in out "LUCID-DHCP-1OK" && expect_in out "10.0.2.15" &&
	expect_in out "LUCID-HTTP-PAYLOAD-$$" &&
	expect_in fwd "LUCID-GUEST-2SERVED" || return 1
	name=${name}_replay
	timeout -k 5 1210 "$LUCID" replay "$OUT/${name%_replay}.lrt" \
		--serial none >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	expect_rc 0 && expect_in err "final hash OK" &&
		rm -f "$OUT/${name%_replay}.lrt"
}
