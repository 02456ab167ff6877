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
/* lucid bench cpu --compare (core/bench_compare.c). */
int bench_compare(unsigned passes, const char *format);
struct peer_result;
/* bench dos's three rows (lucid, qemu, bochs) for IMAGE; DIR for files. */
void bench_dos_rows(struct peer_result *res, const char *image,
		    const char *dir);

#endif
