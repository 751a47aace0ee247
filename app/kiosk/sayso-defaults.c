/* sayso-defaults.c: where the kiosk's store lives by default, and the demo store.
 *
 * With no --store, Sayso uses a store under the user's data directory and,
 * the first time, makes it with the demo analysts' key so that the kiosk works
 * out of the box. The demo secret key is published with the source: the demo
 * store is for trying Sayso, never for real answers.
 */
#define G_LOG_DOMAIN "sayso-defaults"

#include "sayso-defaults.h"
#include "sayso-process.h"
#include "sayso-resources.h"

char *
sayso_default_store_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "sayso", "store.db", NULL);
}

gboolean
sayso_demo_recipient_key (guint8   pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                          GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize len;

  bytes = g_resource_lookup_data (sayso_app_get_resource (), "/org/sayso/Sayso/keys/demo-recipient.pub",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &len);
  return sayso_key_from_text (SAYSO_KEY_RECIPIENT_PUBLIC, data, len, "demo key", pk, error);
}

SaysoStore *
sayso_store_open_default (const char  *path,
                          GError     **error)
{
  g_autofree char *default_path = NULL;
  g_autofree char *dir = NULL;
  guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE];

  if (path != NULL)
    return sayso_store_open (path, error);

  default_path = sayso_default_store_path ();
  if (g_file_test (default_path, G_FILE_TEST_EXISTS))
    return sayso_store_open (default_path, error);

  dir = g_path_get_dirname (default_path);
  if (!sayso_ensure_private_dir (dir, error) || !sayso_demo_recipient_key (pk, error))
    return NULL;

  g_message ("Created a demo store at %s, sealed to the published demo key: "
             "for trying Sayso only, never for real answers", default_path);
  return sayso_store_create (default_path, SAYSO_DEMO_SITE, pk, error);
}
