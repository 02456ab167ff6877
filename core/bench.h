/* core/bench.h: `lucid bench ...` subcommands. */
#ifndef LUCID_CORE_BENCH_H
#define LUCID_CORE_BENCH_H

int bench_main(int argc, char **argv);
/* core/bench_kvm.c: lucid bench kvm (the CPU workload, interp vs KVM). */
int bench_kvm(int argc, char **argv);
/* core/bench_dos.c: lucid bench dos (FreeDOS boot vs QEMU and Bochs). */
int bench_dos(int argc, char **argv);
/* core/bench_bios.c: lucid bench bios (SeaBIOS POST vs QEMU). */
int bench_bios(int argc, char **argv);
/* core/bench_record.c: lucid bench record (record/replay costs). */
int bench_record(int argc, char **argv);
/* Run argv[0] with stdout/stderr to log, stdin /dev/null: its exit code
 * (128+signal), -1 if it could not start; *ms the wall time. */
int bench_child_run(char *const argv[], const char *log, double *ms);
/* lucid bench cpu --compare (core/bench_compare.c). */
int bench_compare(unsigned passes, const char *format);
struct peer_result;
/* bench dos's three rows (lucid, qemu, bochs) for IMAGE; DIR for files. */
void bench_dos_rows(struct peer_result *res, const char *image,
		    const char *dir);

#endif
