#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes of `sayso-collect`, as `sayso`'s. */
enum
{
  SAYSO_COLLECT_EXIT_OK = 0,
  SAYSO_COLLECT_EXIT_FAILED = 1,     /* the database, the disk or the network failed */
  SAYSO_COLLECT_EXIT_BAD_INPUT = 2,  /* the command line was wrong; nothing was changed */
};

int sayso_collect_main (int    argc,
                        char **argv);

G_END_DECLS
