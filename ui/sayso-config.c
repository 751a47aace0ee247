/* sayso-config.c: kiosk.ini.
 *
 *   [kiosk]
 *   idle-timeout=60
 *   countdown=20
 *   bilingual=false
 *   default-language=en
 *   keep-partial=false
 *   export-folder=/run/sayso-usb
 *
 * A missing file means the defaults; a file that is there but wrong is an
 * error, so that a typo is noticed when the kiosk is set up rather than in
 * front of a respondent.
 */
#define G_LOG_DOMAIN "sayso-config"

#include <glib/gstdio.h>

#include "sayso-config.h"

#define GROUP "kiosk"
/* A kiosk.ini is a few hundred bytes; the settings are the one file the
 * kiosk reads that is not JSON, and a bound keeps a file swollen by a fault
 * (or by anyone) from being read whole into memory at every start. */
#define MAX_CONFIG_BYTES (64 * 1024)

SaysoKioskConfig *
sayso_kiosk_config_new (void)
{
  SaysoKioskConfig *config = g_new0 (SaysoKioskConfig, 1);

  config->idle_timeout = 60;
  config->countdown = 20;
  config->bilingual = FALSE;
  config->default_language = g_strdup ("en");
  config->keep_partial = FALSE;
  return config;
}

SaysoKioskConfig *
sayso_kiosk_config_copy (const SaysoKioskConfig *config)
{
  SaysoKioskConfig *copy;

  g_return_val_if_fail (config != NULL, NULL);

  copy = g_memdup2 (config, sizeof *config);
  copy->default_language = g_strdup (config->default_language);
  copy->export_folder = g_strdup (config->export_folder);
  return copy;
}

void
sayso_kiosk_config_free (SaysoKioskConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->default_language);
  g_free (config->export_folder);
  g_free (config);
}

char *
sayso_kiosk_config_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "sayso", "kiosk.ini", NULL);
}

static gboolean
get_seconds (GKeyFile    *file,
             const char  *key,
             guint        min,
             guint        max,
             guint       *out,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  int value;

  if (!g_key_file_has_key (file, GROUP, key, NULL))
    return TRUE;

  value = g_key_file_get_integer (file, GROUP, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (value < (int) min || value > (int) max)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s must be between %u and %u seconds", key, min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

static gboolean
get_boolean (GKeyFile    *file,
             const char  *key,
             gboolean    *out,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean value;

  if (!g_key_file_has_key (file, GROUP, key, NULL))
    return TRUE;

  value = g_key_file_get_boolean (file, GROUP, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *out = value;
  return TRUE;
}

SaysoKioskConfig *
sayso_kiosk_config_load (const char  *path,
                         GError     **error)
{
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_new ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *language = NULL;
  GStatBuf st;

  if (path == NULL)
    path = default_path = sayso_kiosk_config_default_path ();

  if (g_stat (path, &st) == 0 && (guint64) st.st_size > MAX_CONFIG_BYTES)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                   "%s: %" G_GUINT64_FORMAT " bytes, more than the %d kiosk settings may take; not read",
                   path, (guint64) st.st_size, MAX_CONFIG_BYTES);
      return NULL;
    }

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&config);
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return NULL;
    }

  if (!get_seconds (file, "idle-timeout", 1, 3600, &config->idle_timeout, &local_error) ||
      !get_seconds (file, "countdown", 1, 600, &config->countdown, &local_error) ||
      !get_boolean (file, "bilingual", &config->bilingual, &local_error) ||
      !get_boolean (file, "keep-partial", &config->keep_partial, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return NULL;
    }

  if ((language = g_key_file_get_string (file, GROUP, "default-language", NULL)))
    {
      g_strstrip (language);
      g_free (config->default_language);
      config->default_language = g_steal_pointer (&language);
    }

  if ((config->export_folder = g_key_file_get_string (file, GROUP, "export-folder", NULL)))
    g_strstrip (config->export_folder);

  return g_steal_pointer (&config);
}
