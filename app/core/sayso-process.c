/* sayso-process.c: process set-up shared by the command line, the kiosk and
 * the collection service.
 */
#define G_LOG_DOMAIN "sayso-process"

#include <errno.h>
#include <glib/gstdio.h>
#include <sys/resource.h>

#include "sayso-crypto.h"
#include "sayso-process.h"
#include "sayso-resources.h"

void
sayso_init (void)
{
  sayso_crypto_init ();
  g_resources_register (sayso_app_get_resource ());
}

/* A crash must not write a respondent's answers to disk in a core file. */
void
sayso_disable_core_dumps (void)
{
  struct rlimit none = { 0, 0 };

  if (setrlimit (RLIMIT_CORE, &none) != 0)
    g_warning ("Could not disable core dumps: %s", g_strerror (errno));
}

gboolean
sayso_ensure_private_dir (const char  *dir,
                          GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "%s: cannot create the folder: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
