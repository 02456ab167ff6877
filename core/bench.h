/* core/bench.h: `lucid bench ...` subcommands. */
#ifndef LUCID_CORE_BENCH_H
#define LUCID_CORE_BENCH_H

int bench_main(int argc, char **argv);

#endif
