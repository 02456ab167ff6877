/* traces/commands.h: the `lucid replay` and `lucid trace` subcommands. */
#ifndef LUCID_TRACES_COMMANDS_H
#define LUCID_TRACES_COMMANDS_H

/* argv[0] is the subcommand's name; return the process exit code. */
int replay_main(int argc, char **argv);
int trace_main(int argc, char **argv);

#endif
