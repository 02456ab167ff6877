/* tests/conformance/sst_meta.c: metadata.json and revocation_list.txt.
 *
 * The metadata says, per opcode (and per ModR/M reg for group opcodes),
 * what kind of instruction it is and which flags it leaves undefined; the
 * revocation list names tests the suite's authors withdrew.
 */
#include "tests/conformance/sst.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- metadata.json ------------------------------------------------------ */

static const struct {
	const char *name;
	enum sst_status st;
} sst_statuses[] = {
	{ "normal", SST_ST_NORMAL },
	{ "prefix", SST_ST_PREFIX },
	{ "alias", SST_ST_ALIAS },
	{ "undocumented", SST_ST_UNDOCUMENTED },
	{ "undefined", SST_ST_UNDEFINED },
	{ "fpu", SST_ST_FPU },
	{ "extension", SST_ST_EXTENSION },
};

#define SST_NSTATUSES (sizeof(sst_statuses) / sizeof(*sst_statuses))

static int sst_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)toupper((unsigned char)c);
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "F6" -> 0xF6, "0F01" -> 0x101; -1 if the key is neither. */
static int sst_op_index(const char *key)
{
	size_t n = strlen(key);
	int v = 0;

	if (n != 2 && n != 4)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int h = sst_hexval(key[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	if (n == 4)
		return (v >> 8) == 0x0f ? 0x100 | (v & 0xff) : -1;
	return v;
}

static int sst_parse_opinfo(json_t *o, struct sst_opinfo *info,
			    const char *what, char *err, size_t errlen)
{
	json_t *v;
	long long x;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: expected an object", what);
		return -1;
	}
	info->known = true;
	info->status = SST_ST_UNKNOWN;
	v = json_object_get(o, "status");
	if (v) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "%s.status: expected a string",
				 what);
			return -1;
		}
		info->status = SST_ST_OTHER;
		for (size_t i = 0; i < SST_NSTATUSES; i++)
			if (!strcmp(json_string_value(v), sst_statuses[i].name))
				info->status = sst_statuses[i].st;
	}
	v = json_object_get(o, "flags-mask");
	if (v) {
		if (!sst_json_int(v, 0, 0xffff, &x)) {
			snprintf(err, errlen,
				 "%s.flags-mask: expected an integer 0..65535",
				 what);
			return -1;
		}
		info->has_mask = true;
		info->flags_mask = (uint16_t)x;
	}
	return 0;
}

static int sst_parse_opcodes(struct sst_meta *m, json_t *ops, char *err,
			     size_t errlen)
{
	const char *key, *rkey;
	json_t *v, *rv;
	char what[64];

	json_object_foreach(ops, key, v) {
		int op = sst_op_index(key);
		if (op < 0) {
			snprintf(err, errlen, "opcodes.%s: not an opcode", key);
			return -1;
		}
		struct sst_opentry *e = &m->op[op];
		snprintf(what, sizeof(what), "opcodes.%s", key);
		if (sst_parse_opinfo(v, &e->info, what, err, errlen))
			return -1;
		json_t *regs = json_object_get(v, "reg");
		if (!regs)
			continue;
		if (!json_is_object(regs)) {
			snprintf(err, errlen,
				 "opcodes.%s.reg: expected an object", key);
			return -1;
		}
		e->has_reg = true;
		json_object_foreach(regs, rkey, rv) {
			if (rkey[0] < '0' || rkey[0] > '7' || rkey[1]) {
				snprintf(err, errlen, "opcodes.%s.reg.%s: "
						      "not a reg field 0..7",
					 key, rkey);
				return -1;
			}
			snprintf(what, sizeof(what), "opcodes.%s.reg.%s", key,
				 rkey);
			if (sst_parse_opinfo(rv, &e->reg[rkey[0] - '0'], what,
					     err, errlen))
				return -1;
		}
	}
	return 0;
}

int sst_meta_load(struct sst_meta *m, const char *path, char *err,
		  size_t errlen)
{
	json_error_t je;

	memset(m, 0, sizeof(*m));
	if (access(path, F_OK) && errno == ENOENT)
		return 1;
	json_t *j = json_load_file(path, 0, &je);
	if (!j) {
		snprintf(err, errlen, "line %d: %s", je.line, je.text);
		return -1;
	}
	int r = -1;
	json_t *cpu = json_object_get(j, "cpu");
	json_t *ops = json_object_get(j, "opcodes");
	if (!json_is_object(j)) {
		snprintf(err, errlen, "expected a JSON object");
	} else if (cpu && !json_is_string(cpu)) {
		snprintf(err, errlen, "cpu: expected a string");
	} else if (!json_is_object(ops)) {
		snprintf(err, errlen, "opcodes: %s",
			 ops ? "expected an object" : "missing");
	} else if (!sst_parse_opcodes(m, ops, err, errlen)) {
		if (cpu)
			snprintf(m->cpu, sizeof(m->cpu), "%s",
				 json_string_value(cpu));
		m->loaded = true;
		r = 0;
	}
	json_decref(j);
	if (r) {
		/* Half a table would mask some opcodes and not others. */
		memset(m, 0, sizeof(*m));
	}
	return r;
}

static bool sst_is_prefix(const struct sst_meta *m, uint8_t b)
{
	if (m->loaded)
		return m->op[b].info.status == SST_ST_PREFIX;
	return b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0xf0 ||
	       b == 0xf2 || b == 0xf3;
}

const struct sst_opinfo *sst_meta_lookup(const struct sst_meta *m,
					 const uint8_t *bytes, unsigned n,
					 char *key, size_t keylen)
{
	static const struct sst_opinfo none;
	unsigned i = 0;

	while (i < n && sst_is_prefix(m, bytes[i]))
		i++;
	if (i >= n) {
		snprintf(key, keylen, "?");
		return &none;
	}
	unsigned op = bytes[i++];
	if (op == 0x0f && m->op[0x0f].info.status == SST_ST_EXTENSION && i < n)
		op = 0x100 | bytes[i++];
	const struct sst_opentry *e = &m->op[op];
	int len = snprintf(key, keylen, op < 0x100 ? "%02X" : "0F%02X",
			   op & 0xff);
	/* Group opcodes: the ModR/M reg field picks the entry. Files such as
	 * 8F.json hold every reg value, so the file name is not enough. */
	if (e->has_reg && i < n) {
		unsigned r = (bytes[i] >> 3) & 7;
		if (len > 0 && (size_t)len < keylen)
			snprintf(key + len, keylen - (size_t)len, ".%u", r);
		if (e->reg[r].known)
			return &e->reg[r];
	}
	return &e->info;
}

/* --- revocation_list.txt ------------------------------------------------ */

static int sst_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int sst_revoked_load(struct sst_revoked *r, const char *path, char *err,
		     size_t errlen)
{
	char line[256];
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	FILE *f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "cannot open: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (!*s || *s == '#')
			continue;
		if (r->n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			char **nh = realloc(r->hash, nc * sizeof(*nh));
			if (!nh)
				goto oom;
			r->hash = nh;
			cap = nc;
		}
		if (!(r->hash[r->n] = strdup(s)))
			goto oom;
		r->n++;
	}
	fclose(f);
	if (r->n)
		qsort(r->hash, r->n, sizeof(*r->hash), sst_strcmp_p);
	return 0;
oom:
	fclose(f);
	sst_revoked_free(r);
	snprintf(err, errlen, "out of memory");
	return -1;
}

bool sst_revoked_has(const struct sst_revoked *r, const char *hash)
{
	if (!r->n || !hash[0])
		return false;
	return bsearch(&hash, r->hash, r->n, sizeof(*r->hash), sst_strcmp_p);
}

void sst_revoked_free(struct sst_revoked *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->hash[i]);
	free(r->hash);
	r->hash = NULL;
	r->n = 0;
}
