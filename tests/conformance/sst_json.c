/* tests/conformance/sst_json.c: reading SingleStepTests files.
 *
 * Every check here turns bad input into a one-line reason instead of a
 * crash: the suites are large and a damaged download must not take the
 * whole run down or, worse, pass silently.
 */
#include "tests/conformance/sst.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

const char *const sst_reg_names[SST_NREG] = {
	"ax", "bx", "cx", "dx", "si", "di", "bp", "sp",
	"cs", "ds", "es", "ss", "ip", "flags",
};

#define SST_ALL_REGS ((uint16_t)((1u << SST_NREG) - 1))

/* --- test files --------------------------------------------------------- */

static void sst_skip_ws(struct sst_file *f)
{
	while (f->pos < f->len && isspace((unsigned char)f->buf[f->pos]))
		f->pos++;
}

int sst_file_open(struct sst_file *f, const char *path, char *err,
		  size_t errlen)
{
	memset(f, 0, sizeof(*f));
	errno = 0;
	gzFile gz = gzopen(path, "rb");
	if (!gz) {
		snprintf(err, errlen, "cannot open: %s",
			 errno ? strerror(errno) : "out of memory");
		return -1;
	}
	gzbuffer(gz, 1u << 17);

	size_t cap = 1u << 20;
	f->buf = malloc(cap + 1);
	if (!f->buf) {
		gzclose(gz);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		if (cap - f->len < (1u << 16)) {
			char *nb = realloc(f->buf, cap * 2 + 1);
			if (!nb) {
				gzclose(gz);
				sst_file_close(f);
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			f->buf = nb;
			cap *= 2;
		}
		size_t room = cap - f->len;
		int n = gzread(gz, f->buf + f->len,
			       (unsigned)(room > INT_MAX ? INT_MAX : room));
		if (n <= 0)
			break;
		f->len += (size_t)n;
	}
	/* A stream cut short reads as data then Z_BUF_ERROR; keep what came
	 * through so the complete tests before the cut still run. */
	int zerr = Z_OK;
	const char *msg = gzerror(gz, &zerr);
	if (zerr != Z_OK)
		snprintf(f->gz_err, sizeof(f->gz_err), "%s",
			 zerr == Z_ERRNO ? strerror(errno) : msg);
	gzclose(gz);
	f->buf[f->len] = '\0';

	sst_skip_ws(f);
	if (f->pos >= f->len) {
		if (f->gz_err[0])
			snprintf(err, errlen, "gzip: %s", f->gz_err);
		else
			snprintf(err, errlen, "empty file");
		sst_file_close(f);
		return -1;
	}
	if (f->buf[f->pos] != '[') {
		if (f->gz_err[0])
			snprintf(err, errlen, "gzip: %s", f->gz_err);
		else
			snprintf(err, errlen,
				 "not a JSON array of tests (starts with '%c')",
				 isprint((unsigned char)f->buf[f->pos]) ?
					 f->buf[f->pos] : '?');
		sst_file_close(f);
		return -1;
	}
	f->pos++;
	return 0;
}

void sst_file_close(struct sst_file *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = f->pos = 0;
	f->done = true;
}

static unsigned sst_line_of(const struct sst_file *f, size_t off)
{
	unsigned line = 1;
	for (size_t i = 0; i < off && i < f->len; i++)
		line += f->buf[i] == '\n';
	return line;
}

static enum sst_next sst_file_fatal(struct sst_file *f, char *err,
				    size_t errlen, const char *what)
{
	f->done = true;
	f->err_test = f->next - 1;
	if (f->gz_err[0])
		snprintf(err, errlen, "input truncated (gzip: %s)", f->gz_err);
	else
		snprintf(err, errlen, "%s", what);
	return SST_NEXT_FATAL;
}

enum sst_next sst_file_next(struct sst_file *f, struct sst_test *t, char *err,
			    size_t errlen)
{
	char why[192];

	if (f->done)
		return SST_NEXT_END;
	sst_skip_ws(f);
	if (f->pos < f->len && f->buf[f->pos] == ']') {
		f->pos++;
		sst_skip_ws(f);
		f->done = true;
		f->err_test = -1;
		if (f->pos < f->len) {
			snprintf(err, errlen, "junk after the array at byte %zu",
				 f->pos);
			return SST_NEXT_FATAL;
		}
		if (f->gz_err[0]) {
			snprintf(err, errlen, "gzip: %s", f->gz_err);
			return SST_NEXT_FATAL;
		}
		return SST_NEXT_END;
	}
	long k = f->next++;
	if (k > 0) {
		if (f->pos < f->len && f->buf[f->pos] == ',') {
			f->pos++;
			sst_skip_ws(f);
		} else if (f->pos < f->len) {
			snprintf(why, sizeof(why),
				 "expected ',' or ']' at line %u, byte %zu",
				 sst_line_of(f, f->pos), f->pos);
			return sst_file_fatal(f, err, errlen, why);
		}
	}
	if (f->pos >= f->len)
		return sst_file_fatal(f, err, errlen,
				      "input ends inside the array (truncated)");

	/* One element at a time: DISABLE_EOF_CHECK stops after the object
	 * and leaves the bytes consumed in je.position. */
	json_error_t je;
	json_t *j = json_loadb(f->buf + f->pos, f->len - f->pos,
			       JSON_DISABLE_EOF_CHECK, &je);
	if (!j) {
		size_t at = f->pos + (size_t)(je.position > 0 ? je.position : 0);
		snprintf(why, sizeof(why), "JSON error at line %u, byte %zu: %s",
			 sst_line_of(f, at), at, je.text);
		return sst_file_fatal(f, err, errlen, why);
	}
	f->pos += (size_t)je.position;
	t->idx = k;
	int r = sst_test_from_json(j, t, err, errlen);
	json_decref(j);
	return r ? SST_NEXT_BAD : SST_NEXT_TEST;
}

/* --- one test ----------------------------------------------------------- */

static bool sst_int(json_t *v, long long lo, long long hi, long long *out)
{
	if (!json_is_integer(v))
		return false;
	long long x = json_integer_value(v);
	if (x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

static int sst_reg_index(const char *name)
{
	for (int i = 0; i < SST_NREG; i++)
		if (!strcmp(name, sst_reg_names[i]))
			return i;
	return -1;
}

static int sst_parse_regs(json_t *o, struct sst_regs *r, bool need_all,
			  const char *what, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s.regs: %s", what,
			 o ? "expected an object" : "missing");
		return -1;
	}
	r->present = 0;
	json_object_foreach(o, key, v) {
		int i = sst_reg_index(key);
		long long x;
		/* A register we do not know would otherwise go unchecked. */
		if (i < 0) {
			snprintf(err, errlen, "%s.regs.%s: unknown register",
				 what, key);
			return -1;
		}
		if (!sst_int(v, 0, 0xffff, &x)) {
			snprintf(err, errlen,
				 "%s.regs.%s: expected an integer 0..65535",
				 what, key);
			return -1;
		}
		r->v[i] = (uint16_t)x;
		r->present |= (uint16_t)(1u << i);
	}
	if (need_all && r->present != SST_ALL_REGS) {
		for (int i = 0; i < SST_NREG; i++)
			if (!(r->present & (1u << i))) {
				snprintf(err, errlen, "%s.regs: missing \"%s\"",
					 what, sst_reg_names[i]);
				break;
			}
		return -1;
	}
	return 0;
}

static int sst_parse_ram(json_t *a, struct sst_ramlist *l, const char *what,
			 char *err, size_t errlen)
{
	if (!json_is_array(a)) {
		snprintf(err, errlen, "%s.ram: %s", what,
			 a ? "expected an array" : "missing");
		return -1;
	}
	size_t n = json_array_size(a);
	if (n > l->cap) {
		struct sst_ram *ne = realloc(l->e, n * sizeof(*ne));
		if (!ne) {
			snprintf(err, errlen, "%s.ram: out of memory", what);
			return -1;
		}
		l->e = ne;
		l->cap = n;
	}
	l->n = 0;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(a, i);
		long long addr, val;
		if (!json_is_array(e) || json_array_size(e) != 2 ||
		    !sst_int(json_array_get(e, 0), 0, 0xffffffffll, &addr) ||
		    !sst_int(json_array_get(e, 1), 0, 0xff, &val)) {
			snprintf(err, errlen,
				 "%s.ram[%zu]: expected [address, byte]", what, i);
			return -1;
		}
		l->e[l->n++] = (struct sst_ram){ (uint32_t)addr, (uint8_t)val };
	}
	return 0;
}

static int sst_parse_state(json_t *o, struct sst_regs *r, struct sst_ramlist *l,
			   bool need_all, const char *what, char *err,
			   size_t errlen)
{
	if (!json_is_object(o)) {
		snprintf(err, errlen, "%s: %s", what,
			 o ? "expected an object" : "missing");
		return -1;
	}
	if (sst_parse_regs(json_object_get(o, "regs"), r, need_all, what, err,
			   errlen))
		return -1;
	return sst_parse_ram(json_object_get(o, "ram"), l, what, err, errlen);
}

/* The 8086 and 286 suites spell a few keys differently. */
static json_t *sst_get2(json_t *o, const char *a, const char *b,
			const char **which)
{
	json_t *v = json_object_get(o, a);
	*which = a;
	if (!v) {
		v = json_object_get(o, b);
		*which = b;
	}
	return v;
}

int sst_test_from_json(json_t *j, struct sst_test *t, char *err,
		       size_t errlen)
{
	const char *k;
	json_t *v;
	long long x;

	t->name[0] = '\0';
	t->hash[0] = '\0';
	t->nbytes = 0;
	t->has_exc = false;
	if (!json_is_object(j)) {
		snprintf(err, errlen, "not a JSON object");
		return -1;
	}

	v = json_object_get(j, "name");
	if (v && !json_is_string(v)) {
		snprintf(err, errlen, "name: expected a string");
		return -1;
	}
	if (v)
		snprintf(t->name, sizeof(t->name), "%s", json_string_value(v));

	v = sst_get2(j, "idx", "test_num", &k);
	if (v) {
		if (!sst_int(v, 0, LONG_MAX, &x)) {
			snprintf(err, errlen, "%s: expected an integer >= 0", k);
			return -1;
		}
		t->idx = (long)x;
	}

	v = sst_get2(j, "hash", "test_hash", &k);
	if (v && !json_is_string(v)) {
		snprintf(err, errlen, "%s: expected a string", k);
		return -1;
	}
	if (v)
		snprintf(t->hash, sizeof(t->hash), "%s", json_string_value(v));

	v = json_object_get(j, "bytes");
	if (!json_is_array(v) || !json_array_size(v)) {
		snprintf(err, errlen, "bytes: %s",
			 v ? "expected a non-empty array" : "missing");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(v); i++) {
		if (!sst_int(json_array_get(v, i), 0, 0xff, &x)) {
			snprintf(err, errlen, "bytes[%zu]: expected 0..255", i);
			return -1;
		}
		if (t->nbytes < SST_MAX_BYTES)
			t->bytes[t->nbytes++] = (uint8_t)x;
	}

	if (sst_parse_state(json_object_get(j, "initial"), &t->init,
			    &t->init_ram, true, "initial", err, errlen) ||
	    sst_parse_state(json_object_get(j, "final"), &t->fin, &t->fin_ram,
			    false, "final", err, errlen))
		return -1;

	v = json_object_get(j, "exception");
	if (v) {
		long long fa;
		if (!json_is_object(v) ||
		    !sst_int(json_object_get(v, "number"), 0, 0xff, &x) ||
		    !sst_int(json_object_get(v, "flag_address"), 0,
			     0xffffffffll, &fa)) {
			snprintf(err, errlen,
				 "exception: expected {number: 0..255, flag_address}");
			return -1;
		}
		t->has_exc = true;
		t->exc_vector = (uint8_t)x;
		t->flag_addr = (uint32_t)fa;
	}
	return 0;
}

void sst_test_free(struct sst_test *t)
{
	free(t->init_ram.e);
	free(t->fin_ram.e);
	t->init_ram = t->fin_ram = (struct sst_ramlist){ 0 };
}

/* --- metadata.json ------------------------------------------------------ */

static const struct {
	const char *name;
	enum sst_status st;
} sst_statuses[] = {
	{ "normal", SST_ST_NORMAL },	   { "prefix", SST_ST_PREFIX },
	{ "alias", SST_ST_ALIAS },	   { "undocumented", SST_ST_UNDOCUMENTED },
	{ "undefined", SST_ST_UNDEFINED }, { "fpu", SST_ST_FPU },
	{ "extension", SST_ST_EXTENSION },
};

const char *sst_status_name(enum sst_status s)
{
	for (size_t i = 0; i < sizeof(sst_statuses) / sizeof(*sst_statuses); i++)
		if (sst_statuses[i].st == s)
			return sst_statuses[i].name;
	return s == SST_ST_UNKNOWN ? "not in metadata" : "other";
}

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
			snprintf(err, errlen, "%s.status: expected a string", what);
			return -1;
		}
		info->status = SST_ST_OTHER;
		for (size_t i = 0; i < sizeof(sst_statuses) / sizeof(*sst_statuses);
		     i++)
			if (!strcmp(json_string_value(v), sst_statuses[i].name))
				info->status = sst_statuses[i].st;
	}
	v = json_object_get(o, "flags-mask");
	if (v) {
		if (!sst_int(v, 0, 0xffff, &x)) {
			snprintf(err, errlen,
				 "%s.flags-mask: expected an integer 0..65535", what);
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
			snprintf(err, errlen, "opcodes.%s.reg: expected an object",
				 key);
			return -1;
		}
		e->has_reg = true;
		json_object_foreach(regs, rkey, rv) {
			if (rkey[0] < '0' || rkey[0] > '7' || rkey[1]) {
				snprintf(err, errlen,
					 "opcodes.%s.reg.%s: not a reg field 0..7",
					 key, rkey);
				return -1;
			}
			snprintf(what, sizeof(what), "opcodes.%s.reg.%s", key, rkey);
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
