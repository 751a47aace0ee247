#include <locale.h>

#include "sayso-collect-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  return sayso_collect_main (argc, argv);
}
