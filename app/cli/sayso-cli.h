#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of `sayso`. */
enum
{
  SAYSO_EXIT_OK = 0,
  SAYSO_EXIT_FAILED = 1,     /* the store, the disk or a key file failed */
  SAYSO_EXIT_BAD_INPUT = 2,  /* the command line or the input was wrong; nothing was changed */
};

int sayso_cli_main (int    argc,
                    char **argv);

G_END_DECLS
