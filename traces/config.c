/* traces/config.c: machine configuration <-> trace header. */
#include "traces/config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cli.h"
#include "core/machine.h"
#include "core/util.h"
#include "core/version.h"
#include "cpu/cpu.h"
#include "devices/sha256.h"
#include "devices/vga.h"

/* The built-in demo ROM (core/demo.asm). */
extern const unsigned char demo_rom[], demo_rom_end[];

/* The string options that define a machine, by their `lucid run` name.
 * A file option is stored with the SHA-256 of the file as KEY-sha256, and
 * a replay refuses to run when the file now differs. (vga-rom is the VGA
 * BIOS the machine loaded, the default one included.) */
struct str_opt {
	const char *key;
	size_t off;
	bool file;
};

#define OPT(key, member, file) \
	{ key, offsetof(struct machine_config, member), file }

static const struct str_opt str_opts[] = {
	OPT("bios", bios, true),
	OPT("serial", serial, false),
	OPT("debugcon", debugcon, false),
	OPT("until-serial", until_serial, false),
	OPT("until-debugcon", until_debugcon, false),
	OPT("loadvm", loadvm, true),
	OPT("input", input, true),
	OPT("kernel", kernel, true),
	OPT("initrd", initrd, true),
	OPT("append", append, false),
	OPT("fda", fda, true),
	OPT("fdb", fdb, true),
	OPT("hda", hda, true),
	OPT("hdb", hdb, true),
	OPT("cdrom", cdrom, true),
	OPT("vga", vga, false),
	OPT("vga-rom", vga_rom, true),
	OPT("enlighten", enlighten, false),
	OPT("vmbus-disk0", vmbus_disk[0], true),
	OPT("vmbus-disk1", vmbus_disk[1], true),
	OPT("vmbus-disk2", vmbus_disk[2], true),
	OPT("vmbus-disk3", vmbus_disk[3], true),
	/* Repeated options: the Nth --nic (and the --mac after it) as nicN. */
	OPT("nic", nic[0], false),
	OPT("mac", mac[0], false),
	OPT("nic2", nic[1], false),
	OPT("mac2", mac[1], false),
	OPT("nic3", nic[2], false),
	OPT("mac3", mac[2], false),
	OPT("nic4", nic[3], false),
	OPT("mac4", mac[3], false),
	OPT("net", net, false),
};

/* Keys that are not options: what a replay knows besides str_opts and
 * their -sha256 companions. Anything else in a header is refused. */
static const char *const other_keys[] = {
	"lucid", "checkpoint-ms", "sections", "fields", "cpu", "mhz", "mem",
	"rtc",
	"bios-sha256", "no-reboot", "no-acpi",
};

static const char **opt_field(struct machine_config *c,
			      const struct str_opt *o)
{
	return (const char **)((char *)c + o->off);
}

static void hex(const uint8_t d[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void sha256_hex(const void *p, size_t n, char out[65])
{
	struct sha256 s;
	uint8_t d[32];

	sha256_init(&s);
	sha256_update(&s, p, n);
	sha256_final(&s, d);
	hex(d, out);
}

static int sha256_file(const char *path, char out[65], char *err,
		       size_t errlen)
{
	FILE *f = fopen(path, "rb");
	uint8_t buf[65536], d[32];
	struct sha256 s;
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	sha256_init(&s);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&s, buf, n);
	bool failed = ferror(f);
	fclose(f);
	if (failed) {
		snprintf(err, errlen, "%s: read error", path);
		return -1;
	}
	sha256_final(&s, d);
	hex(d, out);
	return 0;
}

static void set_file(struct trace_header *h, const char *key,
		     const char *path, const char *sha)
{
	char k[32];
	trace_header_set(h, key, path);
	snprintf(k, sizeof(k), "%s-sha256", key);
	trace_header_set(h, k, sha);
}

int trace_config_from_machine(struct trace_header *h, struct machine *m,
			      unsigned checkpoint_ms, char *err, size_t errlen)
{
	const struct machine_config *c = &m->cfg;
	char buf[256], sha[65];
	struct tm tm;

	if (c->rom) {
		snprintf(err, errlen,
			 "--record: a machine built from an in-memory image cannot be replayed");
		return -1;
	}
	if (c->persist) {
		snprintf(err, errlen,
			 "--record with --persist: the guest would change the images the replay needs");
		return -1;
	}
	if (m->state.nsec + 1 > TRACE_MAX_SECTIONS) {
		snprintf(err, errlen, "--record: too many state sections (%u)",
			 m->state.nsec);
		return -1;
	}
	trace_header_set(h, "lucid", LUCID_VERSION);
	trace_header_set(h, "cpu", c->cpu->name);
	snprintf(buf, sizeof(buf), "%u", c->mhz);
	trace_header_set(h, "mhz", buf);
	snprintf(buf, sizeof(buf), "%" PRIu64 "K", c->mem_size >> 10);
	trace_header_set(h, "mem", buf);
	struct machine_config eff = *c;
	if (!eff.serial)
		eff.serial = "none";
	if (!eff.vga_rom && (!eff.vga || strcmp(eff.vga, "none")))
		eff.vga_rom = VGA_ROM_DEFAULT;
	for (size_t i = 0; i < ARRAY_SIZE(str_opts); i++) {
		const char *v = *opt_field(&eff, &str_opts[i]);
		if (!v)
			continue;
		if (!str_opts[i].file) {
			trace_header_set(h, str_opts[i].key, v);
			continue;
		}
		if (sha256_file(v, sha, err, errlen))
			return -1;
		set_file(h, str_opts[i].key, v, sha);
	}
	if (!c->bios) {
		sha256_hex(demo_rom, (size_t)(demo_rom_end - demo_rom), sha);
		trace_header_set(h, "bios-sha256", sha);
	}
	if (c->no_reboot)
		trace_header_set(h, "no-reboot", "1");
	if (c->no_acpi)
		trace_header_set(h, "no-acpi", "1");
	time_t t = (time_t)c->rtc_start;
	if (!gmtime_r(&t, &tm)) {
		snprintf(err, errlen, "--record: RTC start out of range");
		return -1;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	trace_header_set(h, "rtc", buf);
	snprintf(buf, sizeof(buf), "%u", checkpoint_ms);
	trace_header_set(h, "checkpoint-ms", buf);

	/* The section list, so a replay can name what differs. */
	size_t len = 0, cap = 64;
	char *list = xcalloc(1, cap);
	for (unsigned i = 0; state_section_name(&m->state, i); i++) {
		const char *n = state_section_name(&m->state, i);
		while (len + strlen(n) + 2 > cap)
			list = xrealloc(list, cap *= 2);
		len += (size_t)sprintf(list + len, "%s%s", i ? "," : "", n);
	}
	trace_header_set(h, "sections", list);

	/* The field names of each section (',' between fields, ';' between
	 * sections), in the order of the checkpoints' field hashes, so trace
	 * diff can name fields. Left out when they would not fit. */
	len = 0;
	unsigned nf = 0;
	for (unsigned i = 0; i < m->state.nsec; i++) {
		const struct state_section *sec = &m->state.sec[i];
		if (len + 2 > cap)
			list = xrealloc(list, cap *= 2);
		len += (size_t)sprintf(list + len, "%s", i ? ";" : "");
		for (const struct state_field *f = sec->fields; f->name; f++) {
			while (len + strlen(f->name) + 2 > cap)
				list = xrealloc(list, cap *= 2);
			len += (size_t)sprintf(list + len, "%s%s",
					       f == sec->fields ? "" : ",",
					       f->name);
			nf++;
		}
	}
	if (nf <= TRACE_MAX_FIELDS && len < TRACE_MAX_HEADER / 2)
		trace_header_set(h, "fields", list);
	free(list);
	return 0;
}

static bool key_known(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(other_keys); i++)
		if (!strcmp(key, other_keys[i]))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(str_opts); i++) {
		size_t n = strlen(str_opts[i].key);
		if (!strncmp(key, str_opts[i].key, n) &&
		    (!key[n] || (str_opts[i].file && !strcmp(key + n, "-sha256"))))
			return true;
	}
	return false;
}

/* Every file option: the file must still have the recorded content. */
static int check_files(const struct trace_header *h, const char *name,
		       char *err, size_t errlen)
{
	char sha[65], key[32], why[256];

	for (size_t i = 0; i < ARRAY_SIZE(str_opts); i++) {
		const char *fkey = str_opts[i].key;
		const char *path = str_opts[i].file ? trace_header_get(h, fkey)
						    : NULL;
		snprintf(key, sizeof(key), "%s-sha256", fkey);
		const char *want = trace_header_get(h, key);
		if (!path)
			continue;
		if (!want) {
			snprintf(err, errlen, "%s: header lacks %s", name, key);
			return -1;
		}
		if (sha256_file(path, sha, why, sizeof(why))) {
			snprintf(err, errlen, "%s: --%s %s", name, fkey, why);
			return -1;
		}
		if (strcmp(sha, want)) {
			snprintf(err, errlen,
				 "%s: --%s %s has changed since the recording (SHA-256 differs)",
				 name, fkey, path);
			return -1;
		}
	}
	if (!trace_header_get(h, "bios")) {
		const char *want = trace_header_get(h, "bios-sha256");
		sha256_hex(demo_rom, (size_t)(demo_rom_end - demo_rom), sha);
		if (!want || strcmp(sha, want)) {
			snprintf(err, errlen,
				 "%s: this build's built-in demo ROM differs from the recording's",
				 name);
			return -1;
		}
	}
	return 0;
}

int trace_config_to_machine(const struct trace_header *h,
			    struct machine_config *cfg, const char *name,
			    char *err, size_t errlen)
{
	const char *v;

	for (unsigned i = 0; i < h->n; i++) {
		if (!key_known(h->kv[i].key)) {
			snprintf(err, errlen,
				 "%s: the recording uses '%s', which this build cannot replay",
				 name, h->kv[i].key);
			return -1;
		}
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->accel = "interp";
	v = trace_header_get(h, "cpu");
	cfg->cpu = v ? cpu_model_find(v) : NULL;
	if (!cfg->cpu)
		goto bad;
	v = trace_header_get(h, "mhz");
	if (!v || cli_parse_uint(v, 1, 10000, &cfg->mhz))
		goto bad;
	v = trace_header_get(h, "mem");
	if (!v || cli_parse_size(v, &cfg->mem_size))
		goto bad;
	v = trace_header_get(h, "rtc");
	if (!v || cli_parse_datetime(v, &cfg->rtc_start))
		goto bad;
	for (size_t i = 0; i < ARRAY_SIZE(str_opts); i++)
		*opt_field(cfg, &str_opts[i]) = trace_header_get(h, str_opts[i].key);
	cfg->no_reboot = trace_header_get(h, "no-reboot") != NULL;
	cfg->no_acpi = trace_header_get(h, "no-acpi") != NULL;
	return check_files(h, name, err, errlen);
bad:
	snprintf(err, errlen, "%s: the header's machine configuration is incomplete or invalid",
		 name);
	return -1;
}

int trace_config_check_sections(const struct trace_header *h,
				struct state *s, const char *name, char *err,
				size_t errlen)
{
	const char *list = trace_header_get(h, "sections");
	const char *p = list ? list : "";
	unsigned i = 0;

	for (;; i++) {
		const char *sec = state_section_name(s, i);
		size_t n = strcspn(p, ",");
		if (!sec || !*p)
			break;
		if (strlen(sec) != n || memcmp(sec, p, n))
			break;
		p += n + (p[n] == ',');
	}
	if (state_section_name(s, i) || *p) {
		snprintf(err, errlen,
			 "%s: recorded by a build with other state sections (lucid %s): its checkpoints cannot match",
			 name, trace_header_get(h, "lucid") ? trace_header_get(h, "lucid") : "?");
		return -1;
	}
	return 0;
}

void trace_config_print_options(const struct trace_header *h, FILE *out)
{
	static const char *const order[] = {
		"cpu", "mhz", "mem", "bios", "rtc", "serial", "debugcon",
		"until-serial", "until-debugcon", "loadvm", "input", "kernel",
		"initrd", "append", "fda", "fdb", "hda", "hdb", "cdrom", "vga",
		"enlighten", "vmbus-disk0", "vmbus-disk1", "vmbus-disk2",
		"vmbus-disk3", "nic", "mac", "nic2", "mac2", "nic3", "mac3",
		"nic4", "mac4", "net", "no-reboot", "no-acpi",
	};
	const char *sep = "";

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		const char *v = trace_header_get(h, order[i]);
		if (!v)
			continue;
		bool quote = !*v || strpbrk(v, " \t'\"\\$");
		if (!strncmp(order[i], "no-", 3))
			fprintf(out, "%s--%s", sep, order[i]);
		else
			fprintf(out, "%s--%.*s %s%s%s", sep,
				/* nic2 is a second --nic, vmbus-disk0 the first
				 * --vmbus-disk */
				(int)strcspn(order[i], "01234"), order[i],
				quote ? "'" : "", v, quote ? "'" : "");
		sep = " ";
	}
	fputc('\n', out);
}
