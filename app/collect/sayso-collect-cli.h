#pragma once

#include "sayso-command.h"

G_BEGIN_DECLS

/* Exit codes of `sayso-collect`, as `sayso`'s. */
enum
{
  SAYSO_COLLECT_EXIT_OK = SAYSO_COMMAND_EXIT_OK,
  SAYSO_COLLECT_EXIT_FAILED = SAYSO_COMMAND_EXIT_FAILED,     /* the database, the disk or the network failed */
  SAYSO_COLLECT_EXIT_BAD_INPUT = SAYSO_COMMAND_EXIT_BAD_INPUT,  /* the command line was wrong; nothing was changed */
};

int sayso_collect_main (int    argc,
                        char **argv);

G_END_DECLS
