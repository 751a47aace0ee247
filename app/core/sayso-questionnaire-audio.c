/* sayso-questionnaire-audio.c: the recorded voices a questionnaire names.
 *
 * Part of SaysoQuestionnaire. The parser (sayso-questionnaire-parse.c) has
 * checked each clip's spelling: relative, no "..", a kind GStreamer plays.
 * Here the files themselves are looked for when the questionnaire is loaded,
 * so that a clip that is missing, a folder, unreadable or a link out of the
 * questionnaire's folder is told to staff then (sayso check, the kiosk's
 * start-up), never found out by a respondent at the kiosk: such a text is
 * said by eSpeak NG instead.
 */
#define G_LOG_DOMAIN "sayso-questionnaire"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sayso-question-private.h"
#include "sayso-questionnaire-private.h"

/* Where a link (or a folder on the way) really leads must still be inside
 * the questionnaire's folder. */
static gboolean
inside_folder (GFile *file,
               GFile *folder)
{
  g_autofree char *file_path = g_file_get_path (file);
  g_autofree char *folder_path = g_file_get_path (folder);
  g_autofree char *real_file = NULL;
  g_autofree char *real_folder = NULL;

  if (file_path == NULL || folder_path == NULL)
    return FALSE;
  real_file = realpath (file_path, NULL);
  real_folder = realpath (folder_path, NULL);
  if (real_file == NULL || real_folder == NULL)
    return FALSE;
  return g_str_has_prefix (real_file, real_folder) && real_file[strlen (real_folder)] == '/';
}

/* Returns: (nullable): what is wrong with the clip, or %NULL */
static char *
clip_problem (GFile *file,
              GFile *folder)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  char byte;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_IS_SYMLINK,
                            G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  if (info == NULL)
    return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
           ? g_strdup ("is missing") : g_strdup_printf ("cannot be looked at (%s)", error->message);

  if (g_file_is_native (file) && !inside_folder (file, folder))
    return g_file_info_get_is_symlink (info)
           ? g_strdup ("is a link that leads out of the questionnaire's folder, or nowhere")
           : g_strdup ("lies out of the questionnaire's folder (through a link)");

  g_clear_object (&info);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &error);
  if (info == NULL)
    return g_strdup_printf ("cannot be looked at (%s)", error->message);
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    return g_strdup ("is a folder, not a clip");
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return g_strdup ("is not an ordinary file");
  if (g_file_info_get_size (info) == 0)
    return g_strdup ("is empty");

  if (!(stream = g_file_read (file, NULL, &error)) ||
      g_input_stream_read (G_INPUT_STREAM (stream), &byte, 1, NULL, &error) != 1)
    return g_strdup_printf ("cannot be read (%s)", error ? error->message : "no data");
  return NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

void
_sayso_questionnaire_find_audio (SaysoQuestionnaire *self,
                                 GFile              *folder)
{
  guint n_keys = 0;
  g_autofree gpointer *keys = g_hash_table_get_keys_as_array (self->audio, &n_keys);

  g_assert (G_IS_FILE (folder));

  g_hash_table_remove_all (self->audio_files);
  g_ptr_array_set_size (self->audio_problems, 0);

  /* In the file's order would be kinder, but JSON-GLib keeps no order
   * across objects; sorted at least reads the same every time. */
  qsort (keys, n_keys, sizeof (gpointer), compare_strings);
  for (guint i = 0; i < n_keys; i++)
    {
      const char *key = keys[i];
      const char *path = g_hash_table_lookup (self->audio, key);
      const char *colon = strchr (key, ':');
      g_autoptr(GFile) file = g_file_resolve_relative_path (folder, path);
      g_autofree char *problem = clip_problem (file, folder);
      g_autofree char *language = g_strndup (key, colon - key);

      if (problem == NULL)
        g_hash_table_insert (self->audio_files, g_strdup (key), g_steal_pointer (&file));
      else
        g_ptr_array_add (self->audio_problems,
                         g_strdup_printf ("audio.%s[\"%s\"]: the clip \"%s\" %s; eSpeak NG will say this text instead",
                                          language, colon + 1, path, problem));
    }
}

/**
 * sayso_questionnaire_get_audio:
 * @text_key: which text: "title", "questions.ID.text", "kiosk.NAME", …
 *
 * Returns: (transfer none) (nullable): the recorded clip for the text in
 * @language, or %NULL when it has none (or it was not found): eSpeak NG
 * says it then.
 */
GFile *
sayso_questionnaire_get_audio (SaysoQuestionnaire *self,
                               const char         *text_key,
                               const char         *language)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  g_return_val_if_fail (text_key != NULL, NULL);

  if (language == NULL)
    return NULL;
  key = g_strdup_printf ("%s:%s", language, text_key);
  return g_hash_table_lookup (self->audio_files, key);
}

/**
 * sayso_questionnaire_get_question_audio:
 * @part: "text", "help" or "options"
 * @option: the option's index for "options"
 *
 * Returns: (transfer none) (nullable): the clip for a question's text, help
 * or option; a likert point without a clip of its own has the scale's.
 */
GFile *
sayso_questionnaire_get_question_audio (SaysoQuestionnaire *self,
                                        SaysoQuestion      *question,
                                        const char         *part,
                                        int                 option,
                                        const char         *language)
{
  g_autofree char *key = NULL;
  GFile *clip;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTION (question), NULL);
  g_return_val_if_fail (part != NULL, NULL);

  if (!g_str_equal (part, "options"))
    {
      key = g_strdup_printf ("questions.%s.%s", question->id, part);
      return sayso_questionnaire_get_audio (self, key, language);
    }

  g_return_val_if_fail (option >= 0 && (guint) option < question->options->len, NULL);
  {
    const char *option_id = ((SaysoOption *) g_ptr_array_index (question->options, option))->id;

    key = g_strdup_printf ("questions.%s.options.%s", question->id, option_id);
    if ((clip = sayso_questionnaire_get_audio (self, key, language)) || question->kind != SAYSO_QUESTION_LIKERT)
      return clip;
    g_free (key);
    key = g_strdup_printf ("likert.%s", option_id);
    return sayso_questionnaire_get_audio (self, key, language);
  }
}

/**
 * sayso_questionnaire_get_kiosk_audio:
 * @text: which of the kiosk's own words
 *
 * Returns: (transfer none) (nullable): the clip the questionnaire names for
 * "kiosk.NAME" in @language, or %NULL (always for %SAYSO_KIOSK_TEXT_NONE).
 */
GFile *
sayso_questionnaire_get_kiosk_audio (SaysoQuestionnaire *self,
                                     SaysoKioskText      text,
                                     const char         *language)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  g_return_val_if_fail (text < SAYSO_N_KIOSK_TEXTS, NULL);

  if (text == SAYSO_KIOSK_TEXT_NONE)
    return NULL;
  key = g_strconcat ("kiosk.", sayso_kiosk_text_get_name (text), NULL);
  return sayso_questionnaire_get_audio (self, key, language);
}

/* How many clips were found. */
guint
sayso_questionnaire_get_n_audio (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), 0);
  return g_hash_table_size (self->audio_files);
}

/**
 * sayso_questionnaire_get_audio_problems:
 *
 * Returns: (transfer none) (element-type utf8): one line for each clip that
 * was not found or cannot be played, naming it and its text; for staff.
 */
GPtrArray *
sayso_questionnaire_get_audio_problems (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  return self->audio_problems;
}
