/* tests/conformance/sst.h: SingleStepTests conformance runner.
 *
 * sst_json.c turns the suite's files (gzip'ed JSON arrays of tests,
 * metadata.json, revocation_list.txt) into the plain structs below;
 * sst_run.c runs one test on a real Lucid CPU + memory and compares; sst.c
 * is the command line, file walking and counting.
 */
#ifndef LUCID_TESTS_SST_H
#define LUCID_TESTS_SST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* The registers the 8086 and 286 suites name, in the order diffs print. */
enum sst_reg {
	SST_AX, SST_BX, SST_CX, SST_DX, SST_SI, SST_DI, SST_BP, SST_SP,
	SST_CS, SST_DS, SST_ES, SST_SS, SST_IP, SST_FLAGS, SST_NREG
};

extern const char *const sst_reg_names[SST_NREG];

struct sst_regs {
	uint16_t v[SST_NREG];
	uint16_t present; /* bit per enum sst_reg */
};

struct sst_ram {
	uint32_t addr;
	uint8_t val;
};

/* Grows as needed and is reused from test to test. */
struct sst_ramlist {
	struct sst_ram *e;
	size_t n, cap;
};

#define SST_MAX_BYTES 32

struct sst_test {
	long idx;        /* "idx" / "test_num", else the position in the file */
	char name[128];
	uint8_t bytes[SST_MAX_BYTES];
	unsigned nbytes; /* how many are stored (the rest are not shown) */
	struct sst_regs init, fin;
	struct sst_ramlist init_ram, fin_ram;
	bool has_exc;
	uint8_t exc_vector;
	uint32_t flag_addr; /* where the exception pushed FLAGS */
	char hash[72];
};

/* Opcode status in metadata.json. */
enum sst_status {
	SST_ST_UNKNOWN, /* not in the metadata */
	SST_ST_NORMAL,
	SST_ST_PREFIX,
	SST_ST_ALIAS,
	SST_ST_UNDOCUMENTED,
	SST_ST_UNDEFINED,
	SST_ST_FPU,
	SST_ST_EXTENSION, /* 286: 0F, the two-byte opcode escape */
	SST_ST_OTHER,     /* a status this runner does not know: run it */
};

struct sst_opinfo {
	bool known;
	enum sst_status status;
	bool has_mask;
	uint16_t flags_mask;
};

/* Opcodes 00-FF, then 0F00-0F FF; group opcodes carry a "reg" table. */
#define SST_NOPS 512

struct sst_opentry {
	struct sst_opinfo info;
	bool has_reg;
	struct sst_opinfo reg[8];
};

struct sst_meta {
	bool loaded;
	char cpu[32]; /* the "cpu" field, "" if absent */
	struct sst_opentry op[SST_NOPS];
};

/* Hashes of tests the suite's authors withdrew, sorted for bsearch. */
struct sst_revoked {
	char **hash;
	size_t n;
};

/* A test file opened for iteration. It is read and parsed one array
 * element at a time, so a truncated file still runs its leading tests and a
 * bad element can be named by its index. */
#define SST_MAX_SKIPS 4

struct sst_file {
	const char *path;
	struct gzFile_s *gz; /* NULL once the stream is finished */
	char *buf;           /* decompressed text not yet consumed */
	size_t cap, len, pos;
	uint64_t base;       /* file offset of buf[0] */
	char *scratch;       /* the current element, minus what is skipped */
	size_t scratch_cap;
	struct {
		size_t start, end;
	} skip[SST_MAX_SKIPS];
	unsigned nskip;
	long next;     /* index of the next element */
	long err_test; /* after SST_NEXT_FATAL: the test it concerns, or -1
			* when the trouble is the file's */
	bool done;
	char gz_err[128]; /* gzip trouble seen while reading, "" if none */
};

enum sst_next {
	SST_NEXT_TEST, /* *t filled in */
	SST_NEXT_BAD,  /* this element is unusable (err); iteration continues */
	SST_NEXT_END,  /* clean end of the array */
	SST_NEXT_FATAL /* cannot continue in this file (err) */
};

int sst_file_open(struct sst_file *f, const char *path, char *err,
		  size_t errlen);
void sst_file_close(struct sst_file *f);
enum sst_next sst_file_next(struct sst_file *f, struct sst_test *t, char *err,
			    size_t errlen);

/* An integer in [lo, hi]. */
bool sst_json_int(json_t *v, long long lo, long long hi, long long *out);
int sst_test_from_json(json_t *j, struct sst_test *t, char *err,
		       size_t errlen);
void sst_test_free(struct sst_test *t);

/* Return 0, 1 if the file does not exist (m left empty), -1 on error. */
int sst_meta_load(struct sst_meta *m, const char *path, char *err,
		  size_t errlen);
/* Look up the opcode of an instruction, skipping the prefixes the metadata
 * names. key gets "F6.6"-style text. Never NULL: unknown opcodes give an
 * entry with known == false. */
const struct sst_opinfo *sst_meta_lookup(const struct sst_meta *m,
					 const uint8_t *bytes, unsigned n,
					 char *key, size_t keylen);

int sst_revoked_load(struct sst_revoked *r, const char *path, char *err,
		     size_t errlen);
bool sst_revoked_has(const struct sst_revoked *r, const char *hash);
void sst_revoked_free(struct sst_revoked *r);

/* --- running (sst_run.c) ---------------------------------------------- */

struct cpu_model;
struct sst_machine;

/* How a suite's tests run: the 8086 one is exactly one instruction, the
 * 286 one is the instruction plus HLT, run until the CPU halts. */
enum sst_suite { SST_SUITE_NONE, SST_SUITE_8086, SST_SUITE_286 };

enum sst_result { SST_PASS, SST_FAIL };

struct sst_machine *sst_machine_create(const struct cpu_model *model,
				       bool verbose, char *err, size_t errlen);
void sst_machine_destroy(struct sst_machine *m);
/* Run t and compare; on failure with verbose, print a diff headed
 * "file: test k". Leaves the machine's RAM all zero again. */
enum sst_result sst_run_test(struct sst_machine *m, enum sst_suite suite,
			     const struct sst_test *t,
			     const struct sst_opinfo *op, const char *key,
			     const char *file, long k, bool verbose);

#endif
