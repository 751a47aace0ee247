#pragma once

#include "sayso-command.h"

G_BEGIN_DECLS

/* Exit codes of `sayso`. */
enum
{
  SAYSO_EXIT_OK = SAYSO_COMMAND_EXIT_OK,
  SAYSO_EXIT_FAILED = SAYSO_COMMAND_EXIT_FAILED,     /* the store, the disk or a key file failed */
  SAYSO_EXIT_BAD_INPUT = SAYSO_COMMAND_EXIT_BAD_INPUT,  /* the command line or the input was wrong; nothing was changed */
};

int sayso_cli_main (int    argc,
                    char **argv);

G_END_DECLS
