/* sayso-questionnaire.c: reading and validating a survey definition.
 *
 * Every fault is reported with the exact place it stands in the file
 * (“questions[7].options[2]: missing "label"”), all of them at once, and a
 * file with any fault is refused whole: a kiosk never runs half a survey.
 *
 * This file loads a definition and holds the model's accessors; the parsing
 * and validating is in sayso-questionnaire-parse.c, sharing
 * sayso-questionnaire-private.h.
 */
#define G_LOG_DOMAIN "sayso-questionnaire"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#include "sayso-json-limits.h"
#include "sayso-question-private.h"
#include "sayso-questionnaire-private.h"
#include "sayso-resources.h"

G_DEFINE_FINAL_TYPE (SaysoQuestionnaire, sayso_questionnaire, G_TYPE_OBJECT)

G_DEFINE_QUARK (sayso-questionnaire-error-quark, sayso_questionnaire_error)

static void
sayso_questionnaire_finalize (GObject *object)
{
  SaysoQuestionnaire *self = (SaysoQuestionnaire *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->languages, g_strfreev);
  g_clear_pointer (&self->language_review, g_hash_table_unref);
  g_clear_pointer (&self->title, g_hash_table_unref);
  g_clear_pointer (&self->section_ids, g_ptr_array_unref);
  g_clear_pointer (&self->section_titles, g_hash_table_unref);
  g_clear_pointer (&self->questions, g_ptr_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->base_dir, g_free);
  g_clear_pointer (&self->audio, g_hash_table_unref);
  g_clear_pointer (&self->audio_files, g_hash_table_unref);
  g_clear_pointer (&self->audio_problems, g_ptr_array_unref);

  G_OBJECT_CLASS (sayso_questionnaire_parent_class)->finalize (object);
}

static void
sayso_questionnaire_class_init (SaysoQuestionnaireClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sayso_questionnaire_finalize;
}

static void
sayso_questionnaire_init (SaysoQuestionnaire *self)
{
  self->language_review = _sayso_localized_new ();
  self->title = _sayso_localized_new ();
  self->section_ids = g_ptr_array_new_with_free_func (g_free);
  self->section_titles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_hash_table_unref);
  self->questions = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->audio = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->audio_files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->audio_problems = g_ptr_array_new_with_free_func (g_free);
}

/* @base_dir: where the files the questionnaire names are, or NULL for
 * none (a questionnaire that is not a file may name only resources). */
static SaysoQuestionnaire *
load_bytes (GBytes      *bytes,
            const char  *origin,
            const char  *base_dir,
            GError     **error)
{
  g_autoptr(SaysoQuestionnaire) self = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const SaysoJsonLimits limits = {
    "a questionnaire", SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES, SAYSO_JSON_QUESTIONNAIRE_DEPTH
  };
  gconstpointer data;
  gsize len;

  data = g_bytes_get_data (bytes, &len);
  if (!sayso_json_check_limits (data, len, &limits, origin, 0, &local_error))
    {
      g_set_error_literal (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID, local_error->message);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      g_set_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID,
                   "%s: not valid JSON: %s", origin, local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID,
                   "%s: the file is empty", origin);
      return NULL;
    }

  self = g_object_new (SAYSO_TYPE_QUESTIONNAIRE, NULL);
  self->base_dir = g_strdup (base_dir);
  if (!_sayso_questionnaire_parse (self, json_parser_get_root (parser), origin, error))
    return NULL;

  return g_steal_pointer (&self);
}

SaysoQuestionnaire *
sayso_questionnaire_new_from_bytes (GBytes      *bytes,
                                    const char  *origin,
                                    GError     **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return load_bytes (bytes, origin ? origin : "questionnaire", NULL, error);
}

SaysoQuestionnaire *
sayso_questionnaire_new_from_file (const char  *path,
                                   GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base_dir = NULL;
  SaysoQuestionnaire *self;
  gsize len = 0;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Refused before it is read into memory; the check on the bytes stays
   * for a file that grows in between. */
  if (g_stat (path, &st) == 0 && (guint64) st.st_size > SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES)
    {
      g_set_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID,
                   "%s: %" G_GUINT64_FORMAT " bytes, more than the %d a questionnaire may take; not read",
                   path, (guint64) st.st_size, SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  /* The real folder, symbolic links resolved, is the one a picture may not
   * lead out of. */
  dir = g_path_get_dirname (path);
  if (!(base_dir = realpath (dir, NULL)))
    {
      int saved_errno = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: its folder cannot be opened: %s", path, g_strerror (saved_errno));
      return NULL;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  self = load_bytes (bytes, path, base_dir, error);
  /* Recorded voices are files beside the questionnaire. (Not a GFile
   * without them: the first starts GIO's VFS, which logs the time of day
   * under G_MESSAGES_DEBUG=all; tests/test-privacy.c.) */
  if (self != NULL && g_hash_table_size (self->audio) > 0)
    {
      g_autoptr(GFile) folder = g_file_new_for_path (base_dir);

      _sayso_questionnaire_find_audio (self, folder);
    }
  return self;
}

/**
 * sayso_questionnaire_new_default:
 *
 * The HM Inspectorate of Probation user voice survey built into Sayso.
 * It is validated by the tests, so failing to load it is a programming error.
 */
SaysoQuestionnaire *
sayso_questionnaire_new_default (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  SaysoQuestionnaire *self;

  bytes = g_resource_lookup_data (sayso_app_get_resource (),
                                  "/org/sayso/Sayso/questionnaires/hmip-user-voice.json",
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    g_error ("The built-in questionnaire is missing: %s", error->message);

  self = sayso_questionnaire_new_from_bytes (bytes, "built-in questionnaire", &error);
  if (self == NULL)
    g_error ("%s", error->message);
  if (g_hash_table_size (self->audio) > 0)
    {
      g_autoptr(GFile) folder = g_file_new_for_uri ("resource:///org/sayso/Sayso/questionnaires");
      _sayso_questionnaire_find_audio (self, folder);
    }

  return self;
}

const char *
sayso_questionnaire_get_id (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  return self->id;
}

gint64
sayso_questionnaire_get_version (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), 0);
  return self->version;
}

const char * const *
sayso_questionnaire_get_languages (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  return (const char * const *) self->languages;
}

gboolean
sayso_questionnaire_has_language (SaysoQuestionnaire *self,
                                  const char         *language)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), FALSE);
  return language != NULL && g_strv_contains ((const char * const *) self->languages, language);
}

const char *
sayso_questionnaire_get_language_review (SaysoQuestionnaire *self,
                                         const char         *language)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  return language ? g_hash_table_lookup (self->language_review, language) : NULL;
}

const char *
sayso_questionnaire_get_title (SaysoQuestionnaire *self,
                               const char         *language)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  return _sayso_localized_get (self->title, language, self->languages[0]);
}

guint
sayso_questionnaire_get_n_sections (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), 0);
  return self->section_ids->len;
}

const char *
sayso_questionnaire_get_section_id (SaysoQuestionnaire *self,
                                    guint               index)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  g_return_val_if_fail (index < self->section_ids->len, NULL);
  return g_ptr_array_index (self->section_ids, index);
}

const char *
sayso_questionnaire_get_section_title (SaysoQuestionnaire *self,
                                       const char         *section_id,
                                       const char         *language)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  g_return_val_if_fail (section_id != NULL, NULL);
  return _sayso_localized_get (g_hash_table_lookup (self->section_titles, section_id),
                               language, self->languages[0]);
}

guint
sayso_questionnaire_get_n_questions (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), 0);
  return self->questions->len;
}

SaysoQuestion *
sayso_questionnaire_get_question (SaysoQuestionnaire *self,
                                  guint               index)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), NULL);
  g_return_val_if_fail (index < self->questions->len, NULL);
  return g_ptr_array_index (self->questions, index);
}

int
sayso_questionnaire_get_question_index (SaysoQuestionnaire *self,
                                        const char         *question_id)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), -1);
  g_return_val_if_fail (question_id != NULL, -1);
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (self->by_id, question_id)) - 1;
}

SaysoQuestion *
sayso_questionnaire_lookup_question (SaysoQuestionnaire *self,
                                     const char         *question_id)
{
  int index = sayso_questionnaire_get_question_index (self, question_id);
  return index < 0 ? NULL : g_ptr_array_index (self->questions, index);
}

gsize
sayso_questionnaire_get_record_size (SaysoQuestionnaire *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (self), 0);
  return self->record_size;
}
