/* core/main.c: the `lucid` command line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bench.h"
#include "core/cli.h"
#include "core/demo.h"
#include "core/machine.h"
#include "core/util.h"
#include "core/version.h"
#include "cpu/cpu.h"
#include "devices/acpi_tables.h"
#include "traces/commands.h"
#include "traces/gdbstub.h"
#include "traces/record.h"
#include "ui/screen.h"
#include "ui/ui.h"

static const char usage_main[] =
	"Usage: lucid <command> [options]\n"
	"\n"
	"Lucid is a deterministic, cycle-aware x86 PC emulator.\n"
	"\n"
	"Commands:\n"
	"  run      boot a machine (lucid run --help for its options)\n"
	"  bench    benchmarks: lucid bench cpu|bios|dos|display|kvm (--help each)\n"
	"  replay   replay a recorded run and check it (lucid replay --help)\n"
	"  trace    inspect recorded runs: lucid trace info|verify|diff\n"
	"\n"
	"  lucid --help       this text\n"
	"  lucid --version    the version\n";

static const char usage_run[] =
	"Usage: lucid run [options]\n"
	"\n"
	"Machine:\n"
	"  --cpu MODEL        8086, 286, 386, 486, pentium, pentium2 (default 286)\n"
	"  --mhz N            CPU clock in MHz (default: the model's)\n"
	"  --mem SIZE         RAM, e.g. 640K, 16M (default 16M; 8086: 640K)\n"
	"  --bios FILE        firmware image, or builtin: the built-in demo ROM\n"
	"                     (default: Debian's SeaBIOS on 386 and later\n"
	"                     models when installed, else builtin)\n"
	"  --accel interp|kvm|auto   CPU backend (default interp). kvm: the\n"
	"                     same machine under /dev/kvm, 386 and later models;\n"
	"                     virtual time then follows the host clock, so runs\n"
	"                     are not deterministic. auto: kvm if it works\n"
	"  --switch-at-ms N   after N ms of guest time, move the CPU to the other\n"
	"                     backend (kvm <-> interp) at an instruction boundary\n"
	"  --switch-every-exits N   debugging: alternate backends every N KVM\n"
	"                     exits / N interpreter run slices (kvm needed)\n"
	"  --demo             describe the machine and boot the demo floppy under\n"
	"                     SeaBIOS (a pentium2 unless --cpu; COM1 on stdio;\n"
	"                     type a line, Esc or quit powers off); without\n"
	"                     SeaBIOS, or with --bios builtin, the built-in ROM\n"
	"  --rtc TIME         RTC at power-on, UTC, e.g. 1994-06-01T12:00:00\n"
	"                     (default: the host's time when the run starts)\n"
	"  --kernel FILE      direct boot, no BIOS code runs: a Linux bzImage\n"
	"                     (boot protocol 2.06+), or a multiboot/ELF kernel;\n"
	"                     needs --cpu 386 or later (Linux 686: pentium2)\n"
	"  --initrd FILE      initial ramdisk (multiboot: module 0)\n"
	"  --append TEXT      kernel command line, e.g. \"console=ttyS0\"\n"
	"  --no-acpi          no ACPI tables for the firmware or kernel\n"
	"                     (models with an APIC: pentium2)\n"
	"  --enlighten hyperv Hyper-V enlightenments (CPUID, synthetic MSRs,\n"
	"                     hypercalls, SynIC) and VMBus (ACPI \\_SB.VMBS);\n"
	"                     needs --cpu pentium2, interpreter only\n"
	"  --acpi-dump DIR    write this machine's ACPI tables as DIR/*.dat\n"
	"                     (acpidump -b style, for iasl -d) and exit\n"
	"\n"
	"Drives (raw images; the guest's writes go to a temporary overlay):\n"
	"  --fda IMG, --fdb IMG   floppy A:/B: (360K, 720K, 1.2M, 1.44M, 2.88M)\n"
	"  --hda IMG, --hdb IMG   IDE hard disks, primary master/slave\n"
	"  --cdrom ISO        ATAPI CD-ROM, secondary master\n"
	"  --vmbus-disk IMG   a synthetic SCSI disk on VMBus (storvsc; LUN 0,\n"
	"                     1, ... in order; up to 4); needs --enlighten hyperv\n"
	"  --persist          write the guest's changes into the images\n"
	"                     Boot order: a, c, d with --fda; else c, d, a\n"
	"  --floppies A.img,B.img   floppies for A: to cycle through (the first\n"
	"                     is inserted; Ctrl+Alt+D or the monitor's\n"
	"                     swap-floppy change it); --fda given twice or more\n"
	"                     does the same\n"
	"\n"
	"Network (guest 10.0.2.15/24, gateway 10.0.2.2, DNS 10.0.2.3):\n"
	"  --nic MODEL        none, ne2000 (PCI RTL8029, slot 3 on),\n"
	"                     ne2000-isa[,io=0x300][,irq=3] or netvsc (Hyper-V\n"
	"                     synthetic NIC, needs --enlighten hyperv); up to 4\n"
	"  --mac ADDR         the MAC of the --nic before it (default\n"
	"                     52:54:00:12:34:56, the next NIC :57, ...)\n"
	"  --net user[,hostfwd=tcp|udp:[HOSTADDR]:PORT-[GUESTADDR]:PORT]...\n"
	"                     libslirp user networking (default; HOSTADDR\n"
	"                     127.0.0.1), or none: no host network\n"
	"\n"
	"Output and ending:\n"
	"  --serial TARGET    COM1: stdio, file:PATH, tcp:127.0.0.1:PORT, none\n"
	"  --display sdl|none|auto   an SDL2 window, none, or auto (default): a\n"
	"                     window when $DISPLAY/$WAYLAND_DISPLAY is set and\n"
	"                     SDL starts, else none (with a one-line note if\n"
	"                     SDL failed); sdl without a display is an error\n"
	"  --monitor stdio|tcp:127.0.0.1:PORT   the monitor console: info, stop,\n"
	"                     cont, screenshot FILE, screenshot-window FILE,\n"
	"                     sendkey COMBO, type \"TEXT\", swap-floppy [FILE],\n"
	"                     savevm FILE, loadvm FILE, quit, help\n"
	"  --screen-text      print the text screen as UTF-8 when the run ends\n"
	"  --screenshot-on-exit PNG   write the last frame to a PNG file\n"
	"  --vga std|none     PCI VGA with SeaBIOS's VGA BIOS (default), or none\n"
	"                     (default none)\n"
	"  --until-serial TEXT     stop with exit 0 once COM1 prints TEXT\n"
	"  --debugcon TARGET  debug console port 0x402: stdio or a file path\n"
	"  --input SCRIPT     scripted input: wait-text, wait-serial, type, key,\n"
	"                     wait, screenshot, quit (see README)\n"
	"  --until-debugcon TEXT   stop with exit 0 once TEXT appears there\n"
	"  --timeout TIME     wall-clock limit, e.g. 30s, 500ms (exit 124)\n"
	"  --speed max|100%   run flat out, or pace guest time to real time\n"
	"  --no-reboot        a triple fault ends the run (exit 3) instead of\n"
	"                     resetting the machine\n"
	"  --savevm FILE      write a snapshot when the run ends\n"
	"  --loadvm FILE      start from a snapshot\n"
	"  --record FILE.lrt  record the run (its host input and state\n"
	"                     checkpoints) for lucid replay\n"
	"  --checkpoint-ms N  checkpoint every N ms of guest time (default 100)\n"
	"  --snapshot-every-s S  a full snapshot in the trace every S seconds of\n"
	"                     guest time, for seeking (default 5; 0: none)\n"
	"  --gdb 127.0.0.1:PORT  gdb remote stub on loopback; the machine waits\n"
	"                     for gdb before its first instruction\n"
	"  --log SPEC         log levels, e.g. cpu=debug,bus=info or 'debug'\n"
	"\n"
	"Window hotkeys (Ctrl+Alt+key): P pause/resume, S screenshot\n"
	"(lucid-shot-NNN.png), V save state to lucid-quick.state, L load it,\n"
	"D next --floppies image, End send Ctrl+Alt+Del, K switch kvm/interp,\n"
	"G release the mouse (a click in the window captures it), F fullscreen,\n"
	"I integer/smooth scaling, Q quit. Keys go to the guest by position\n"
	"(host layout ignored); host key repeat is dropped (the guest keyboard\n"
	"repeats).\n"
	"\n"
	"Exit codes: 0 guest finished (halt for good, power-off, --until-*),\n"
	"1 bad input or setup error, 3 triple fault with --no-reboot, 124 timeout.\n";

enum {
	OPT_CPU = 256, OPT_MHZ, OPT_MEM, OPT_BIOS, OPT_ACCEL, OPT_DEMO,
	OPT_DEBUGCON, OPT_UNTIL_DEBUGCON, OPT_TIMEOUT, OPT_SPEED, OPT_LOG,
	OPT_SAVEVM, OPT_LOADVM, OPT_SERIAL, OPT_UNTIL_SERIAL, OPT_RTC, OPT_INPUT,
	OPT_RECORD, OPT_CHECKPOINT_MS, OPT_NO_REBOOT, OPT_SNAPSHOT_S, OPT_GDB,
	OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_NO_ACPI, OPT_ACPI_DUMP,
	OPT_DISPLAY, OPT_MONITOR, OPT_FLOPPIES, OPT_SCREEN_TEXT, OPT_SCREENSHOT,
	OPT_VGA,
	OPT_FDA, OPT_FDB, OPT_HDA, OPT_HDB, OPT_CDROM, OPT_PERSIST,
	OPT_SWITCH_AT_MS, OPT_SWITCH_EVERY, OPT_ENLIGHTEN, OPT_VMBUS_DISK,
	OPT_NIC, OPT_MAC, OPT_NET,
};

static const struct option run_options[] = {
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "mhz", required_argument, NULL, OPT_MHZ },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "bios", required_argument, NULL, OPT_BIOS },
	{ "accel", required_argument, NULL, OPT_ACCEL },
	{ "demo", no_argument, NULL, OPT_DEMO },
	{ "debugcon", required_argument, NULL, OPT_DEBUGCON },
	{ "until-debugcon", required_argument, NULL, OPT_UNTIL_DEBUGCON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "no-reboot", no_argument, NULL, OPT_NO_REBOOT },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "savevm", required_argument, NULL, OPT_SAVEVM },
	{ "loadvm", required_argument, NULL, OPT_LOADVM },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "until-serial", required_argument, NULL, OPT_UNTIL_SERIAL },
	{ "rtc", required_argument, NULL, OPT_RTC },
	{ "input", required_argument, NULL, OPT_INPUT },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "checkpoint-ms", required_argument, NULL, OPT_CHECKPOINT_MS },
	{ "snapshot-every-s", required_argument, NULL, OPT_SNAPSHOT_S },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "no-acpi", no_argument, NULL, OPT_NO_ACPI },
	{ "acpi-dump", required_argument, NULL, OPT_ACPI_DUMP },
	{ "display", required_argument, NULL, OPT_DISPLAY },
	{ "monitor", required_argument, NULL, OPT_MONITOR },
	{ "floppies", required_argument, NULL, OPT_FLOPPIES },
	{ "screen-text", no_argument, NULL, OPT_SCREEN_TEXT },
	{ "screenshot-on-exit", required_argument, NULL, OPT_SCREENSHOT },
	{ "vga", required_argument, NULL, OPT_VGA },
	{ "fda", required_argument, NULL, OPT_FDA },
	{ "fdb", required_argument, NULL, OPT_FDB },
	{ "hda", required_argument, NULL, OPT_HDA },
	{ "hdb", required_argument, NULL, OPT_HDB },
	{ "cdrom", required_argument, NULL, OPT_CDROM },
	{ "persist", no_argument, NULL, OPT_PERSIST },
	{ "switch-at-ms", required_argument, NULL, OPT_SWITCH_AT_MS },
	{ "switch-every-exits", required_argument, NULL, OPT_SWITCH_EVERY },
	{ "enlighten", required_argument, NULL, OPT_ENLIGHTEN },
	{ "vmbus-disk", required_argument, NULL, OPT_VMBUS_DISK },
	{ "nic", required_argument, NULL, OPT_NIC },
	{ "mac", required_argument, NULL, OPT_MAC },
	{ "net", required_argument, NULL, OPT_NET },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "lucid: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 1;
}

/* --acpi-dump: the tables as a direct boot would place them. */
static int run_acpi_dump(const struct machine_config *cfg, const char *dir)
{
	struct acpi_config ac = { .ram_below_4g = cfg->mem_size,
				  .pm_base = ACPI_PM_BASE,
				  .vmbus = cfg->enlighten != NULL };
	char err[256];

	if (!pc_has_apic(cfg->cpu))
		return fail("--acpi-dump: a %s machine has no APIC and no ACPI tables (try --cpu pentium2)",
			    cfg->cpu->name);
	if (acpi_dump(&ac, dir, err, sizeof(err)))
		return fail("--acpi-dump: %s", err);
	printf("lucid: wrote rsdp, rsdt, facp, facs, apic, dsdt .dat to %s\n",
	       dir);
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct machine_config cfg = { .accel = "interp" };
	bool demo = false, mem_set = false, rtc_set = false;
	bool cpu_set = false, bios_set = false;
	const char *acpi_dir = NULL;
	const char *record = NULL;
	unsigned checkpoint_ms = RECORD_DEFAULT_CHECKPOINT_MS;
	uint64_t snapshot_ms = RECORD_DEFAULT_SNAPSHOT_MS;
	const char *gdb = NULL;
	int opt;
	bool screen_text = false;
	const char *screenshot = NULL;
	/* The UI: window, monitor, the A: images to cycle through. */
	const char *floppies[16];
	struct ui_config ui_cfg = { .display = DISPLAY_AUTO,
				    .floppies = floppies };

	cfg.cpu = cpu_model_find("286");
	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", run_options, NULL)) != -1) {
		switch (opt) {
		case OPT_CPU:
			cpu_set = true;
			cfg.cpu = cpu_model_find(optarg);
			if (!cfg.cpu)
				return fail("--cpu %s: unknown model (8086, 286, 386, 486, pentium, pentium2)",
					    optarg);
			break;
		case OPT_MHZ:
			if (cli_parse_uint(optarg, 1, 10000, &cfg.mhz))
				return fail("--mhz %s: want a whole number of MHz, 1 to 10000",
					    optarg);
			break;
		case OPT_MEM:
			if (cli_parse_size(optarg, &cfg.mem_size))
				return fail("--mem %s: want a size such as 640K or 16M",
					    optarg);
			mem_set = true;
			break;
		case OPT_BIOS:
			bios_set = true;
			cfg.bios = strcmp(optarg, "builtin") ? optarg : NULL;
			break;
		case OPT_ACCEL:
			if (strcmp(optarg, "interp") && strcmp(optarg, "kvm") &&
			    strcmp(optarg, "auto"))
				return fail("--accel %s: want interp, kvm or auto",
					    optarg);
			cfg.accel = optarg;
			break;
		case OPT_SWITCH_EVERY: {
			unsigned n;
			if (cli_parse_uint(optarg, 1, 1000000000, &n))
				return fail("--switch-every-exits %s: want 1 to 1000000000",
					    optarg);
			cfg.switch_every = n;
			break;
		}
		case OPT_SWITCH_AT_MS: {
			unsigned ms;
			if (cli_parse_uint(optarg, 1, 86400000, &ms))
				return fail("--switch-at-ms %s: want a whole number of ms, 1 to 86400000",
					    optarg);
			cfg.switch_at_ms = ms;
			break;
		}
		case OPT_DEMO:
			demo = true;
			break;
		case OPT_DEBUGCON:
			cfg.debugcon = optarg;
			break;
		case OPT_UNTIL_DEBUGCON:
			cfg.until_debugcon = optarg;
			break;
		case OPT_TIMEOUT:
			if (cli_parse_duration_ms(optarg, &cfg.timeout_ms) ||
			    !cfg.timeout_ms)
				return fail("--timeout %s: want a duration such as 30s or 500ms",
					    optarg);
			break;
		case OPT_SPEED:
			if (!strcmp(optarg, "max"))
				cfg.speed_max = true;
			else if (strcmp(optarg, "100%"))
				return fail("--speed %s: want max or 100%%", optarg);
			break;
		case OPT_NO_REBOOT:
			cfg.no_reboot = true;
			break;
		case OPT_NO_ACPI:
			cfg.no_acpi = true;
			break;
		case OPT_ACPI_DUMP:
			acpi_dir = optarg;
			break;
		case OPT_LOG:
			cfg.log_spec = optarg;
			break;
		case OPT_SAVEVM:
			cfg.savevm = optarg;
			break;
		case OPT_LOADVM:
			cfg.loadvm = optarg;
			break;
		case OPT_INPUT:
			cfg.input = optarg;
			break;
		case OPT_RECORD:
			record = optarg;
			break;
		case OPT_SNAPSHOT_S:
			if (cli_parse_seconds_ms(optarg, &snapshot_ms))
				return fail("--snapshot-every-s %s: want seconds of guest time, e.g. 5 or 0.5 (0: none)",
					    optarg);
			break;
		case OPT_GDB:
			gdb = optarg;
			break;
		case OPT_CHECKPOINT_MS:
			if (cli_parse_uint(optarg, 1, 3600000, &checkpoint_ms))
				return fail("--checkpoint-ms %s: want a whole number of ms, 1 to 3600000",
					    optarg);
			break;
		case OPT_SERIAL:
			cfg.serial = optarg;
			break;
		case OPT_UNTIL_SERIAL:
			cfg.until_serial = optarg;
			break;
		case OPT_KERNEL:
			cfg.kernel = optarg;
			break;
		case OPT_INITRD:
			cfg.initrd = optarg;
			break;
		case OPT_APPEND:
			cfg.append = optarg;
			break;
		case OPT_RTC:
			if (cli_parse_datetime(optarg, &cfg.rtc_start))
				return fail("--rtc %s: want a UTC time such as 1994-06-01T12:00:00",
					    optarg);
			rtc_set = true;
			break;
		case OPT_DISPLAY:
			if (display_parse_kind(optarg, &ui_cfg.display))
				return fail("--display %s: want sdl, none or auto",
					    optarg);
			break;
		case OPT_MONITOR:
			ui_cfg.monitor = optarg;
			break;
		case OPT_FLOPPIES:
			/* Split in place: argv strings are ours to modify. */
			for (char *save = NULL, *t = strtok_r(optarg, ",", &save);
			     t; t = strtok_r(NULL, ",", &save)) {
				if (ui_cfg.nfloppies == ARRAY_SIZE(floppies))
					return fail("--floppies: at most 16 images%s", "");
				floppies[ui_cfg.nfloppies++] = t;
			}
			break;
		case OPT_SCREEN_TEXT:
			screen_text = true;
			break;
		case OPT_SCREENSHOT:
			screenshot = optarg;
			break;
		case OPT_VGA:
			if (strcmp(optarg, "std") && strcmp(optarg, "none"))
				return fail("--vga %s: want std or none", optarg);
			cfg.vga = optarg;
			break;
		case OPT_FDA:
			if (ui_cfg.nfloppies == ARRAY_SIZE(floppies))
				return fail("--fda: at most 16 images%s", "");
			floppies[ui_cfg.nfloppies++] = optarg;
			break;
		case OPT_FDB:
			cfg.fdb = optarg;
			break;
		case OPT_HDA:
			cfg.hda = optarg;
			break;
		case OPT_HDB:
			cfg.hdb = optarg;
			break;
		case OPT_CDROM:
			cfg.cdrom = optarg;
			break;
		case OPT_PERSIST:
			cfg.persist = true;
			break;
		case OPT_ENLIGHTEN:
			if (strcmp(optarg, "hyperv"))
				return fail("--enlighten %s: want hyperv", optarg);
			cfg.enlighten = optarg;
			break;
		case OPT_VMBUS_DISK: {
			unsigned k = 0;
			while (k < MACHINE_VMBUS_DISKS && cfg.vmbus_disk[k])
				k++;
			if (k == MACHINE_VMBUS_DISKS)
				return fail("--vmbus-disk: at most 4 images%s", "");
			cfg.vmbus_disk[k] = optarg;
			break;
		}
		case OPT_NIC: {
			unsigned k = 0;
			if (!strcmp(optarg, "none")) {
				memset(cfg.nic, 0, sizeof(cfg.nic));
				memset(cfg.mac, 0, sizeof(cfg.mac));
				break;
			}
			while (k < ARRAY_SIZE(cfg.nic) && cfg.nic[k])
				k++;
			if (k == ARRAY_SIZE(cfg.nic))
				return fail("--nic %s: at most 4 NICs", optarg);
			cfg.nic[k] = optarg;
			break;
		}
		case OPT_MAC: {
			unsigned k = 0;
			while (k < ARRAY_SIZE(cfg.nic) && cfg.nic[k])
				k++;
			if (!k)
				return fail("--mac %s: goes after the --nic it is for", optarg);
			cfg.mac[k - 1] = optarg;
			break;
		}
		case OPT_NET:
			cfg.net = optarg;
			break;
		case 'h':
			fputs(usage_run, stdout);
			return 0;
		default:
			return fail("run: unknown or incomplete option '%s' (see lucid run --help)",
				    argv[optind - 1]);
		}
	}
	if (optind < argc)
		return fail("run: unexpected argument '%s'", argv[optind]);
	if (ui_cfg.nfloppies)
		cfg.fda = floppies[0];
	if (ui_cfg.monitor && cfg.serial && !strcmp(ui_cfg.monitor, "stdio") &&
	    !strcmp(cfg.serial, "stdio"))
		return fail("--monitor stdio and --serial stdio both want stdin; put one on tcp:127.0.0.1:PORT%s",
			    "");

	/* Firmware (default SeaBIOS), and what --demo boots. */
	char demo_fda[4096], derr[256];
	if (demo_setup(&cfg, demo, cpu_set, bios_set, demo_fda,
		       sizeof(demo_fda), derr, sizeof(derr)))
		return fail("%s", derr);
	if (!cfg.mhz)
		cfg.mhz = cfg.cpu->default_mhz;
	if (!mem_set)
		cfg.mem_size = cfg.cpu->addr_bits <= 20 ? 640ull << 10 : 16ull << 20;
	uint64_t bus_limit = cfg.cpu->addr_bits >= 32 ? 3ull << 30
						       : 1ull << cfg.cpu->addr_bits;
	if (cfg.mem_size < (64u << 10) || cfg.mem_size > bus_limit ||
	    cfg.mem_size % 4096) {
		char what[64];
		snprintf(what, sizeof(what), "%llu KiB",
			 (unsigned long long)(cfg.mem_size >> 10));
		fprintf(stderr,
			"lucid: --mem %s: a %s machine takes 64 KiB to %llu MiB in 4 KiB steps\n",
			what, cfg.cpu->name,
			(unsigned long long)(bus_limit >> 20));
		return 1;
	}
	/* The one read of host time: the RTC's start, taken once (and, with
	 * recording, written to the trace). */
	if (!rtc_set)
		cfg.rtc_start = (int64_t)time(NULL);
	/* A recording must replay bit-exactly: only the interpreter can. */
	/* KVM would need its Hyper-V exits forwarded (core/pc_vmbus.c). */
	if (cfg.enlighten &&
	    (strcmp(cfg.accel, "interp") || cfg.switch_at_ms || cfg.switch_every))
		return fail("--enlighten %s: the Hyper-V enlightenments run on the interpreter only; drop --accel kvm|auto / --switch-at-ms",
			    cfg.enlighten);
	if (record &&
	    (!strcmp(cfg.accel, "kvm") || cfg.switch_at_ms || cfg.switch_every))
		return fail("--record %s: recording needs the interpreter (KVM runs follow the host clock); drop --accel kvm / --switch-at-ms",
			    record);
	if (gdb && (strcmp(cfg.accel, "interp") || cfg.switch_at_ms))
		return fail("--gdb %s: the gdb stub needs the interpreter; drop --accel kvm|auto / --switch-at-ms",
			    gdb);
	if (record)
		cfg.accel = "interp";
	if (acpi_dir)
		return run_acpi_dump(&cfg, acpi_dir);

	struct machine m;
	char err[256];
	if (machine_create(&m, &cfg, err, sizeof(err))) {
		fprintf(stderr, "lucid: %s\n", err);
		return 1;
	}
	struct ui *ui = ui_create(&m, &ui_cfg, err, sizeof(err));
	if (!ui) {
		fprintf(stderr, "lucid: %s\n", err);
		machine_destroy(&m);
		return 1;
	}
	if ((record && record_start(&m, record, checkpoint_ms, snapshot_ms,
				    err, sizeof(err))) ||
	    (gdb && gdb_start(&m, gdb, 0, err, sizeof(err)))) {
		fprintf(stderr, "lucid: %s\n", err);
		if (m.record)
			record_finish(&m, NULL, err, sizeof(err));
		ui_destroy(ui);
		machine_destroy(&m);
		return 1;
	}
	if (demo)
		machine_describe(&m, stdout);
	int rc = machine_run(&m);
	gdb_finish(&m);
	fprintf(stderr, "lucid: %s (%.3f ms of guest time)\n", m.exit_reason,
		clock_now(&m.clock) / 1e6);
	screen_at_exit(m.vga, screen_text, screenshot);
	if (record && record_finish(&m, stderr, err, sizeof(err))) {
		fprintf(stderr, "lucid: %s\n", err);
		rc = 1;
	}
	ui_destroy(ui);
	machine_destroy(&m);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return 1;
	}
	const char *cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("lucid %s\n", LUCID_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "bench"))
		return bench_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "replay"))
		return replay_main(argc - 1, argv + 1);
	if (!strcmp(cmd, "trace"))
		return trace_main(argc - 1, argv + 1);
	return fail("unknown command '%s' (try lucid --help)", cmd);
}
