#include <locale.h>

#include "sayso-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  return sayso_cli_main (argc, argv);
}
