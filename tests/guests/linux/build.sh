#!/bin/sh
# tests/guests/linux/build.sh: the Linux test guest, from Debian's packages
# only: the i386 686 kernel (linux-image-686's real package) and
# busybox-static:i386, turned into build/linux/bzImage and build/linux/initrd.gz.
#
# Idempotent: nothing is fetched or rebuilt while the outputs are newer than
# the downloaded .debs and this script. Run as root (apt-get); `make
# linux-guest` installs the host tools it needs (cpio, kmod, xz-utils) first.
set -eu

SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$SELF")/../../.."
OUT=build/linux
WORK=$OUT/work
DEBS=$WORK/debs
ROOT=$WORK/initramfs
# Modules later issues load (VMBus storage/network, IDE, NE2000 PCI), and
# vfat with the code page and character sets its mount wants (a file system
# busybox can make: mkdosfs).
MODULES="hv_vmbus hv_storvsc hv_netvsc ata_piix sd_mod ne2k-pci vfat nls_cp437 nls_ascii nls_utf8"

die() {
	echo "linux-guest: $*" >&2
	exit 1
}

up_to_date() {
	[ -s "$OUT/bzImage" ] && [ -s "$OUT/initrd.gz" ] || return 1
	ls "$DEBS"/*.deb >/dev/null 2>&1 || return 1
	for f in "$DEBS"/*.deb "$SELF"; do
		[ "$OUT/initrd.gz" -nt "$f" ] && [ "$OUT/bzImage" -nt "$f" ] ||
			return 1
	done
}

if up_to_date; then
	echo "linux-guest: $OUT/bzImage and $OUT/initrd.gz are up to date"
	exit 0
fi

for tool in dpkg-deb apt-get apt-cache cpio depmod modinfo gzip xz; do
	command -v "$tool" >/dev/null 2>&1 ||
		die "'$tool' is missing: run 'make linux-guest' (installs cpio, kmod, xz-utils) as root"
done

apt_log=$WORK/apt.log
mkdir -p "$DEBS"
: >"$apt_log"

apt_update() {
	echo "linux-guest: apt-get update"
	# A partial failure (one mirror syncing) may still leave usable
	# lists: the candidate check below decides.
	apt-get update -q >>"$apt_log" 2>&1 ||
		echo "linux-guest: apt-get update reported errors (no network?); see $apt_log" >&2
}

# The i386 architecture and fresh package lists, only when needed.
if ! dpkg --print-foreign-architectures | grep -qx i386; then
	[ "$(id -u)" = 0 ] || die "need root to run 'dpkg --add-architecture i386'"
	dpkg --add-architecture i386
	apt_update
fi
candidate() {
	apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }'
}
c=$(candidate linux-image-686:i386)
if [ -z "$c" ] || [ "$c" = "(none)" ]; then
	apt_update
	c=$(candidate linux-image-686:i386)
	[ -n "$c" ] && [ "$c" != "(none)" ] ||
		die "apt knows no linux-image-686:i386 after apt-get update (no network, or Debian's mirror unreachable?); see $apt_log"
fi

# The metapackage depends on the real, versioned image package.
kpkg=$(apt-cache depends linux-image-686:i386 2>/dev/null |
	sed -n 's/^ *Depends: <\{0,1\}\(linux-image-[0-9][^:> ]*-686\).*/\1/p' |
	head -n 1)
[ -n "$kpkg" ] || die "cannot resolve linux-image-686:i386 to a linux-image-*-686 package"
echo "linux-guest: kernel package $kpkg"

# apt-get download writes to the current directory; keep one copy of each.
fetch() {
	pkg=$1 name=${1%%:*}
	if ls "$DEBS/${name}_"*.deb >/dev/null 2>&1; then
		return 0
	fi
	echo "linux-guest: apt-get download $pkg"
	(cd "$DEBS" && apt-get download -q "$pkg") >>"$apt_log" 2>&1 ||
		die "apt-get download $pkg failed (no network?); see $apt_log"
}
fetch "$kpkg:i386"
fetch busybox-static:i386
kdeb=$(ls "$DEBS/${kpkg}_"*.deb | tail -n 1)
bdeb=$(ls "$DEBS"/busybox-static_*.deb | tail -n 1)

rm -rf "$WORK/kernel" "$WORK/busybox" "$ROOT"
dpkg-deb -x "$kdeb" "$WORK/kernel" || die "$kdeb: cannot extract"
dpkg-deb -x "$bdeb" "$WORK/busybox" || die "$bdeb: cannot extract"

vmlinuz=$(ls "$WORK"/kernel/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "$kdeb has no boot/vmlinuz-*"
kver=${vmlinuz##*/vmlinuz-}
moddir=
for d in "$WORK/kernel/lib/modules/$kver" "$WORK/kernel/usr/lib/modules/$kver"; do
	[ -d "$d" ] && moddir=$d
done
[ -n "$moddir" ] || die "$kdeb has no modules tree for $kver"

# --- the initramfs ----------------------------------------------------------
mkdir -p "$ROOT/bin" "$ROOT/sbin" "$ROOT/proc" "$ROOT/sys" "$ROOT/dev" \
	"$ROOT/tmp" "$ROOT/lib/modules/$kver"
cp "$WORK/busybox/bin/busybox" "$ROOT/bin/busybox"
ln -s busybox "$ROOT/bin/sh"
# The kernel's built-in initramfs has /dev/console already; a node of our
# own covers kernels without it (only root can make one).
mknod -m 600 "$ROOT/dev/console" c 5 1 2>/dev/null || true

# Module file for a name (modules use '-' and '_' interchangeably).
modfile() {
	pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
	find "$moddir" -regex ".*/$pat\.ko\(\.xz\|\.zst\|\.gz\)?" | head -n 1
}
# Copy a module and, first, what it depends on; decompressed, since
# busybox's modprobe may not read compressed modules. (sh has no local
# variables: f is looked up again after the recursion.)
copied=" "
copy_module() {
	case $copied in *" $1 "*) return 0 ;; esac
	copied="$copied$1 "
	f=$(modfile "$1")
	[ -n "$f" ] || die "module $1 is not in $kdeb"
	for dep in $(modinfo -F depends "$f" | tr ',' ' '); do
		copy_module "$dep"
	done
	f=$(modfile "$1")
	rel=${f#"$moddir"/}
	dst="$ROOT/lib/modules/$kver/${rel%.*}"
	mkdir -p "$(dirname "$dst")"
	case $f in
	*.ko.xz) xz -dc "$f" >"$dst" ;;
	*.ko.zst) zstd -qdc "$f" >"$dst" ;;
	*.ko.gz) gzip -dc "$f" >"$dst" ;;
	*) cp "$f" "$ROOT/lib/modules/$kver/$rel" ;;
	esac
}
for mod in $MODULES; do
	copy_module "$mod"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "$ROOT/lib/modules/$kver/"
done
depmod -b "$ROOT" "$kver" || die "depmod failed on the initramfs modules"

cat >"$ROOT/init" <<'EOF'
#!/bin/sh
# Lucid's Linux test guest: mount, report, optionally load modules named by
# lucid.modules=a,b on the kernel command line, power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
echo LUCID-LINUX-BOOT-OK
uname -a
for arg in $(cat /proc/cmdline); do
	case $arg in
	lucid.modules=*)
		for mod in $(echo "${arg#lucid.modules=}" | tr ',' ' '); do
			modprobe "$mod" && echo "LUCID-MODULE-OK $mod" ||
				echo "LUCID-MODULE-FAILED $mod"
		done
		;;
	lucid.shell=1)
		sh
		;;
	esac
done
echo LUCID-LINUX-POWEROFF
# poweroff -f does not wait for the UART to drain its queue.
sleep 1
poweroff -f
EOF
chmod 755 "$ROOT/init"

# --- outputs ------------------------------------------------------------------
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -9 >"$OUT/initrd.gz.tmp"
cp "$vmlinuz" "$OUT/bzImage.tmp"
mv "$OUT/bzImage.tmp" "$OUT/bzImage"
mv "$OUT/initrd.gz.tmp" "$OUT/initrd.gz"
echo "linux-guest: $OUT/bzImage ($kver), $OUT/initrd.gz ($(wc -c <"$OUT/initrd.gz") bytes)"
