/* sayso-config.c: kiosk.ini.
 *
 *   [kiosk]
 *   idle-timeout=60
 *   countdown=20
 *   bilingual=false
 *   bilingual-pair=cy;en
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
#include <string.h>

#include "sayso-config.h"

#define GROUP "kiosk"
/* A kiosk.ini is a few hundred bytes; the settings are the one file the
 * kiosk reads that is not JSON, and a bound keeps a file swollen by a fault
 * (or by anyone) from being read whole into memory at every start. */
#define MAX_CONFIG_BYTES (64 * 1024)

#define KEY_IDLE_TIMEOUT     "idle-timeout"
#define KEY_COUNTDOWN        "countdown"
#define KEY_BILINGUAL        "bilingual"
#define KEY_BILINGUAL_PAIR   "bilingual-pair"
#define KEY_DEFAULT_LANGUAGE "default-language"
#define KEY_KEEP_PARTIAL     "keep-partial"
#define KEY_EXPORT_FOLDER    "export-folder"

#define DEFAULT_LANGUAGE "en"
#define WELSH            "cy"
#define ENGLISH          "en"

#define IDLE_TIMEOUT_MIN 1
#define IDLE_TIMEOUT_MAX 3600
#define COUNTDOWN_MIN    1
#define COUNTDOWN_MAX    600

SaysoKioskConfig *
sayso_kiosk_config_new (void)
{
  SaysoKioskConfig *config = g_new0 (SaysoKioskConfig, 1);

  config->idle_timeout = 60;
  config->countdown = 20;
  config->bilingual = FALSE;
  config->pair[0] = g_strdup (WELSH);
  config->pair[1] = g_strdup (ENGLISH);
  config->default_language = g_strdup (DEFAULT_LANGUAGE);
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
  copy->pair[0] = g_strdup (config->pair[0]);
  copy->pair[1] = g_strdup (config->pair[1]);
  copy->export_folder = g_strdup (config->export_folder);
  return copy;
}

void
sayso_kiosk_config_free (SaysoKioskConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->default_language);
  g_free (config->pair[0]);
  g_free (config->pair[1]);
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

static gboolean
is_language_code (const char *code)
{
  gsize len = strlen (code);

  return len >= 2 && len <= 3 && strspn (code, "abcdefghijklmnopqrstuvwxyz") == len;
}

/* "cy;en": two different language codes, the first shown first. Whether
 * the kiosk has words and the questionnaire texts in them is the
 * journey's to say (sayso_journey_new), as only it has the questionnaire. */
static gboolean
get_pair (GKeyFile          *file,
          SaysoKioskConfig  *config,
          GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) pair = NULL;
  gsize n;

  if (!g_key_file_has_key (file, GROUP, KEY_BILINGUAL_PAIR, NULL))
    return TRUE;

  pair = g_key_file_get_string_list (file, GROUP, KEY_BILINGUAL_PAIR, &n, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (gsize i = 0; i < n; i++)
    g_strstrip (pair[i]);
  if (n != 2 || !is_language_code (pair[0]) || !is_language_code (pair[1]) || g_str_equal (pair[0], pair[1]))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s must be two different language codes, the first shown first, such as cy;en",
                   KEY_BILINGUAL_PAIR);
      return FALSE;
    }
  for (guint i = 0; i < 2; i++)
    {
      g_free (config->pair[i]);
      config->pair[i] = g_strdup (pair[i]);
    }
  return TRUE;
}

/* Reads and checks the file at @path into @file and @config; a missing file
 * leaves both as they are and sets @missing. Errors name the file. */
static gboolean
read_config (const char        *path,
             GKeyFileFlags      flags,
             GKeyFile          *file,
             SaysoKioskConfig  *config,
             gboolean          *missing,
             GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *language = NULL;
  GStatBuf st;

  *missing = FALSE;

  if (g_stat (path, &st) == 0 && (guint64) st.st_size > MAX_CONFIG_BYTES)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                   "%s: %" G_GUINT64_FORMAT " bytes, more than the %d kiosk settings may take; not read",
                   path, (guint64) st.st_size, MAX_CONFIG_BYTES);
      return FALSE;
    }

  if (!g_key_file_load_from_file (file, path, flags, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          *missing = TRUE;
          return TRUE;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return FALSE;
    }

  if (!get_seconds (file, KEY_IDLE_TIMEOUT, IDLE_TIMEOUT_MIN, IDLE_TIMEOUT_MAX, &config->idle_timeout, &local_error) ||
      !get_seconds (file, KEY_COUNTDOWN, COUNTDOWN_MIN, COUNTDOWN_MAX, &config->countdown, &local_error) ||
      !get_boolean (file, KEY_BILINGUAL, &config->bilingual, &local_error) ||
      !get_pair (file, config, &local_error) ||
      !get_boolean (file, KEY_KEEP_PARTIAL, &config->keep_partial, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
      return FALSE;
    }

  if ((language = g_key_file_get_string (file, GROUP, KEY_DEFAULT_LANGUAGE, NULL)))
    {
      g_strstrip (language);
      g_free (config->default_language);
      config->default_language = g_steal_pointer (&language);
    }

  g_clear_pointer (&config->export_folder, g_free);
  if ((config->export_folder = g_key_file_get_string (file, GROUP, KEY_EXPORT_FOLDER, NULL)))
    g_strstrip (config->export_folder);

  return TRUE;
}

SaysoKioskConfig *
sayso_kiosk_config_load (const char  *path,
                         GError     **error)
{
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_new ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autofree char *default_path = NULL;
  gboolean missing;

  if (path == NULL)
    path = default_path = sayso_kiosk_config_default_path ();

  if (!read_config (path, G_KEY_FILE_NONE, file, config, &missing, error))
    return NULL;
  return g_steal_pointer (&config);
}

/* The file is read again, as it is now, so that what someone wrote in it by
 * hand (comments, keys this version does not know) is kept; one that would
 * not load is left alone rather than replaced by a guess at what it meant. */
gboolean
sayso_kiosk_config_save (const SaysoKioskConfig  *config,
                         const char              *path,
                         GError                 **error)
{
  g_autoptr(SaysoKioskConfig) current = sayso_kiosk_config_new ();
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *default_path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize length;
  gboolean missing;
  int mode = 0600;
  GStatBuf st;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (path == NULL)
    path = default_path = sayso_kiosk_config_default_path ();

  if (config->idle_timeout < IDLE_TIMEOUT_MIN || config->idle_timeout > IDLE_TIMEOUT_MAX ||
      config->countdown < COUNTDOWN_MIN || config->countdown > COUNTDOWN_MAX)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "%s: not changed: %s must be between %u and %u seconds and %s between %u and %u",
                   path, KEY_IDLE_TIMEOUT, IDLE_TIMEOUT_MIN, IDLE_TIMEOUT_MAX,
                   KEY_COUNTDOWN, COUNTDOWN_MIN, COUNTDOWN_MAX);
      return FALSE;
    }

  if (!read_config (path, G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                    file, current, &missing, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Not changed, as it could not be read: ");
      return FALSE;
    }

  g_key_file_set_integer (file, GROUP, KEY_IDLE_TIMEOUT, config->idle_timeout);
  g_key_file_set_integer (file, GROUP, KEY_COUNTDOWN, config->countdown);
  g_key_file_set_boolean (file, GROUP, KEY_BILINGUAL, config->bilingual);
  /* Written only when it is not the default, so that a file never touched
   * by hand keeps following it. */
  if (config->pair[0] && config->pair[1] &&
      (!g_str_equal (config->pair[0], WELSH) || !g_str_equal (config->pair[1], ENGLISH) ||
       g_key_file_has_key (file, GROUP, KEY_BILINGUAL_PAIR, NULL)))
    g_key_file_set_string_list (file, GROUP, KEY_BILINGUAL_PAIR, (const char * const *) config->pair, 2);
  g_key_file_set_boolean (file, GROUP, KEY_KEEP_PARTIAL, config->keep_partial);
  if (config->default_language != NULL)
    g_key_file_set_string (file, GROUP, KEY_DEFAULT_LANGUAGE, config->default_language);
  if (config->export_folder != NULL)
    g_key_file_set_string (file, GROUP, KEY_EXPORT_FOLDER, config->export_folder);
  else
    g_key_file_remove_key (file, GROUP, KEY_EXPORT_FOLDER, NULL);

  data = g_key_file_to_data (file, &length, NULL);
  if (length > MAX_CONFIG_BYTES)
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE,
                   "%s: not changed: the settings would take %" G_GSIZE_FORMAT " bytes, more than %d",
                   path, length, MAX_CONFIG_BYTES);
      return FALSE;
    }

  if (!missing && g_stat (path, &st) == 0)
    mode = st.st_mode & 07777;

  dir = g_path_get_dirname (path);
  g_mkdir_with_parents (dir, 0700);
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, mode, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: not changed: ", path);
      return FALSE;
    }
  return TRUE;
}

/* Staff mode's "Start in Welsh" switch. */
gboolean
sayso_kiosk_config_get_welsh_first (const SaysoKioskConfig *config)
{
  g_return_val_if_fail (config != NULL, FALSE);
  return g_strcmp0 (config->default_language, WELSH) == 0;
}

/* The switch says Welsh or not: a kiosk set up to start in another language
 * keeps it unless staff turn Welsh on, and turning Welsh off goes back to
 * the default. */
void
sayso_kiosk_config_set_welsh_first (SaysoKioskConfig *config,
                                    gboolean          welsh_first)
{
  g_return_if_fail (config != NULL);

  if (welsh_first)
    {
      g_free (config->default_language);
      config->default_language = g_strdup (WELSH);
    }
  else if (sayso_kiosk_config_get_welsh_first (config))
    {
      g_free (config->default_language);
      config->default_language = g_strdup (DEFAULT_LANGUAGE);
    }
}
