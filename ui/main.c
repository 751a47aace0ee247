/* main.c: sayso-kiosk. Everything else is in libsayso-ui. */
#include <glib/gi18n.h>

#include "sayso-application.h"
#include "sayso-process.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(SaysoApplication) app = NULL;

  sayso_disable_core_dumps ();
  sayso_kiosk_init ();

  app = sayso_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
