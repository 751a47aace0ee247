/* sayso-response.c: one respondent's answers, in memory only.
 *
 * Every answer is kept as a string vector (one option, several options or one
 * text), and every string is wiped before it is freed, so that a cleared
 * response leaves nothing of the respondent in freed memory.
 *
 * Error messages name the question and what is wrong, never the answer itself.
 */
#define G_LOG_DOMAIN "sayso-response"

#include <sodium.h>
#include <string.h>

#include "sayso-json-limits.h"
#include "sayso-response.h"

struct _SaysoResponse
{
  GObject             parent_instance;

  SaysoQuestionnaire *questionnaire;
  char               *language;
  GHashTable         *answers;   /* question id → GStrv */
  guint8              record_id[16];
};

G_DEFINE_FINAL_TYPE (SaysoResponse, sayso_response, G_TYPE_OBJECT)

G_DEFINE_QUARK (sayso-response-error-quark, sayso_response_error)

static void
wipe_strv (gpointer data)
{
  char **strv = data;

  if (strv == NULL)
    return;
  for (guint i = 0; strv[i]; i++)
    sodium_memzero (strv[i], strlen (strv[i]));
  g_strfreev (strv);
}

static void
sayso_response_finalize (GObject *object)
{
  SaysoResponse *self = (SaysoResponse *)object;

  g_clear_pointer (&self->answers, g_hash_table_unref);
  g_clear_object (&self->questionnaire);
  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (sayso_response_parent_class)->finalize (object);
}

static void
sayso_response_class_init (SaysoResponseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sayso_response_finalize;
}

static void
sayso_response_init (SaysoResponse *self)
{
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_strv);
  randombytes_buf (self->record_id, sizeof self->record_id);
}

SaysoResponse *
sayso_response_new (SaysoQuestionnaire *questionnaire,
                    const char         *language)
{
  SaysoResponse *self;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);

  self = g_object_new (SAYSO_TYPE_RESPONSE, NULL);
  self->questionnaire = g_object_ref (questionnaire);
  sayso_response_set_language (self, language);
  return self;
}

SaysoQuestionnaire *
sayso_response_get_questionnaire (SaysoResponse *self)
{
  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), NULL);
  return self->questionnaire;
}

const char *
sayso_response_get_language (SaysoResponse *self)
{
  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), NULL);
  return self->language;
}

void
sayso_response_set_language (SaysoResponse *self,
                             const char    *language)
{
  g_return_if_fail (SAYSO_IS_RESPONSE (self));

  if (!sayso_questionnaire_has_language (self->questionnaire, language))
    language = sayso_questionnaire_get_languages (self->questionnaire)[0];

  g_free (self->language);
  self->language = g_strdup (language);
}

static SaysoQuestion *
find_question (SaysoResponse  *self,
               const char     *question_id,
               GError        **error)
{
  SaysoQuestion *question = sayso_questionnaire_lookup_question (self->questionnaire, question_id);

  if (question == NULL)
    g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                 "question \"%s\": there is no such question in %s",
                 question_id, sayso_questionnaire_get_id (self->questionnaire));
  return question;
}

static gboolean
is_choice (SaysoQuestion *question)
{
  return sayso_question_get_kind (question) != SAYSO_QUESTION_TEXT;
}

static gboolean
check_option (SaysoQuestion  *question,
              const char     *option_id,
              GError        **error)
{
  g_autoptr(GString) known = NULL;

  if (option_id != NULL && sayso_question_find_option (question, option_id) >= 0)
    return TRUE;

  known = g_string_new (NULL);
  for (guint i = 0; i < sayso_question_get_n_options (question); i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", sayso_question_get_option_id (question, i));

  g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
               "question \"%s\": the answer is not one of its options (%s)",
               sayso_question_get_id (question), known->str);
  return FALSE;
}

static void
store (SaysoResponse *self,
       SaysoQuestion *question,
       GStrv          values)
{
  g_hash_table_replace (self->answers, g_strdup (sayso_question_get_id (question)), values);
}

gboolean
sayso_response_set_choice (SaysoResponse  *self,
                           const char     *question_id,
                           const char     *option_id,
                           GError        **error)
{
  SaysoQuestion *question;
  const char *values[] = { option_id, NULL };

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);

  if (!(question = find_question (self, question_id, error)))
    return FALSE;

  if (sayso_question_get_kind (question) == SAYSO_QUESTION_MULTIPLE)
    return sayso_response_set_choices (self, question_id, values, error);

  if (!is_choice (question))
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": it asks for text, not a choice", question_id);
      return FALSE;
    }

  if (!check_option (question, option_id, error))
    return FALSE;

  store (self, question, g_strdupv ((char **) values));
  return TRUE;
}

gboolean
sayso_response_set_choices (SaysoResponse      *self,
                            const char         *question_id,
                            const char * const *option_ids,
                            GError            **error)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  SaysoQuestion *question;
  guint n, n_exclusive = 0;

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);
  g_return_val_if_fail (option_ids != NULL, FALSE);

  if (!(question = find_question (self, question_id, error)))
    return FALSE;

  n = g_strv_length ((char **) option_ids);

  if (sayso_question_get_kind (question) != SAYSO_QUESTION_MULTIPLE)
    {
      if (n == 1)
        return sayso_response_set_choice (self, question_id, option_ids[0], error);
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": only one answer can be chosen", question_id);
      return FALSE;
    }

  if (n == 0)
    {
      sayso_response_clear_answer (self, question_id);
      return TRUE;
    }

  /* Kept in the questionnaire's order, so the record says nothing of the
   * order in which they were tapped. */
  builder = g_strv_builder_new ();
  for (guint i = 0; i < sayso_question_get_n_options (question); i++)
    {
      const char *id = sayso_question_get_option_id (question, i);
      guint times = 0;

      for (guint k = 0; k < n; k++)
        if (g_strcmp0 (option_ids[k], id) == 0)
          times++;

      if (times > 1)
        {
          g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                       "question \"%s\": an option is chosen twice", question_id);
          return FALSE;
        }
      if (times == 1)
        {
          g_strv_builder_add (builder, id);
          if (sayso_question_get_option_exclusive (question, i))
            n_exclusive++;
        }
    }

  for (guint k = 0; k < n; k++)
    if (!check_option (question, option_ids[k], error))
      return FALSE;

  if (n_exclusive > 0 && n > 1)
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": an answer that stands alone is chosen with others", question_id);
      return FALSE;
    }

  store (self, question, g_strv_builder_end (builder));
  return TRUE;
}

gboolean
sayso_response_toggle_choice (SaysoResponse  *self,
                              const char     *question_id,
                              const char     *option_id,
                              GError        **error)
{
  g_autoptr(GPtrArray) chosen = NULL;
  SaysoQuestion *question;
  const char * const *current;
  int index;

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);
  g_return_val_if_fail (option_id != NULL, FALSE);

  if (!(question = find_question (self, question_id, error)))
    return FALSE;

  if (sayso_question_get_kind (question) != SAYSO_QUESTION_MULTIPLE)
    return sayso_response_set_choice (self, question_id, option_id, error);

  if (!check_option (question, option_id, error))
    return FALSE;

  index = sayso_question_find_option (question, option_id);
  current = sayso_response_get_choices (self, question_id);
  chosen = g_ptr_array_new ();

  if (sayso_response_is_chosen (self, question_id, option_id))
    {
      for (guint i = 0; current && current[i]; i++)
        if (!g_str_equal (current[i], option_id))
          g_ptr_array_add (chosen, (gpointer) current[i]);
    }
  else if (sayso_question_get_option_exclusive (question, index))
    {
      /* “No positives” replaces whatever else was ticked, as on paper. */
      g_ptr_array_add (chosen, (gpointer) option_id);
    }
  else
    {
      for (guint i = 0; current && current[i]; i++)
        if (!sayso_question_get_option_exclusive (question, sayso_question_find_option (question, current[i])))
          g_ptr_array_add (chosen, (gpointer) current[i]);
      g_ptr_array_add (chosen, (gpointer) option_id);
    }

  g_ptr_array_add (chosen, NULL);
  {
    /* set_choices copies before the old vector (which `chosen` points into) is freed. */
    g_auto(GStrv) copy = g_strdupv ((char **) chosen->pdata);
    gboolean ok = sayso_response_set_choices (self, question_id, (const char * const *) copy, error);
    for (guint i = 0; copy[i]; i++)
      sodium_memzero (copy[i], strlen (copy[i]));
    return ok;
  }
}

/* The bytes JSON-GLib writes for @text inside a record (C0 controls but
 * tab and newline are refused before): the record's size allows 4 bytes a
 * character, which a UTF-8 character or a two-byte escape never exceeds,
 * but DEL (U+007F), written as \u007f, takes 6. */
static gboolean
fits_record (const char    *text,
             SaysoQuestion *question)
{
  gsize cost = 0;

  for (const guchar *c = (const guchar *) text; *c; c++)
    cost += *c == 0x7f ? 6 : (*c == '"' || *c == '\\' || *c == '\n' || *c == '\t') ? 2 : 1;
  return cost <= 4 * (gsize) sayso_question_get_max_length (question);
}

gboolean
sayso_response_set_text (SaysoResponse  *self,
                         const char     *question_id,
                         const char     *text,
                         GError        **error)
{
  SaysoQuestion *question;
  const char *end = NULL;
  glong n_chars;
  char *values[2] = { NULL, NULL };

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (!(question = find_question (self, question_id, error)))
    return FALSE;

  if (sayso_question_get_kind (question) != SAYSO_QUESTION_TEXT)
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": it asks for a choice, not text", question_id);
      return FALSE;
    }

  if (!g_utf8_validate (text, -1, &end))
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": the text is not valid UTF-8 (at byte %td)", question_id, end - text);
      return FALSE;
    }

  for (const char *c = text; *c; c++)
    if ((guchar) *c < 0x20 && *c != '\n' && *c != '\t')
      {
        g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                     "question \"%s\": the text holds a control character (at byte %td)",
                     question_id, c - text);
        return FALSE;
      }

  n_chars = g_utf8_strlen (text, -1);
  if ((guint) n_chars > sayso_question_get_max_length (question))
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": the answer is %ld characters long, at most %u are allowed",
                   question_id, n_chars, sayso_question_get_max_length (question));
      return FALSE;
    }

  if (!fits_record (text, question))
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                   "question \"%s\": the answer holds too many DEL characters (U+007F) to fit: "
                   "each takes the room of a character and a half", question_id);
      return FALSE;
    }

  /* Blank is the same as skipped. */
  if (strspn (text, " \t\n") == strlen (text))
    {
      sayso_response_clear_answer (self, question_id);
      return TRUE;
    }

  values[0] = g_strdup (text);
  store (self, question, g_strdupv (values));
  sodium_memzero (values[0], strlen (values[0]));
  g_free (values[0]);
  return TRUE;
}

void
sayso_response_clear_answer (SaysoResponse *self,
                             const char    *question_id)
{
  g_return_if_fail (SAYSO_IS_RESPONSE (self));
  g_return_if_fail (question_id != NULL);

  g_hash_table_remove (self->answers, question_id);
}

void
sayso_response_clear (SaysoResponse *self)
{
  g_return_if_fail (SAYSO_IS_RESPONSE (self));

  g_hash_table_remove_all (self->answers);
  sayso_response_set_language (self, NULL);
  randombytes_buf (self->record_id, sizeof self->record_id);
}

const guint8 *
sayso_response_get_record_id (SaysoResponse *self)
{
  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), NULL);
  return self->record_id;
}

gboolean
sayso_response_has_answer (SaysoResponse *self,
                           const char    *question_id)
{
  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);
  return g_hash_table_contains (self->answers, question_id);
}

const char * const *
sayso_response_get_choices (SaysoResponse *self,
                            const char    *question_id)
{
  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), NULL);
  g_return_val_if_fail (question_id != NULL, NULL);
  return g_hash_table_lookup (self->answers, question_id);
}

const char *
sayso_response_get_choice (SaysoResponse *self,
                           const char    *question_id)
{
  const char * const *values = sayso_response_get_choices (self, question_id);
  return values ? values[0] : NULL;
}

const char *
sayso_response_get_text (SaysoResponse *self,
                         const char    *question_id)
{
  return sayso_response_get_choice (self, question_id);
}

gboolean
sayso_response_is_chosen (SaysoResponse *self,
                          const char    *question_id,
                          const char    *option_id)
{
  const char * const *values = sayso_response_get_choices (self, question_id);
  return values != NULL && option_id != NULL && g_strv_contains (values, option_id);
}

guint
sayso_response_get_n_answers (SaysoResponse *self)
{
  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), 0);
  return g_hash_table_size (self->answers);
}

gboolean
sayso_response_is_shown (SaysoResponse *self,
                         const char    *question_id)
{
  SaysoQuestion *question;
  const char *depends_on;
  const char * const *wanted;
  const char * const *given;

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);
  g_return_val_if_fail (question_id != NULL, FALSE);

  if (!(question = sayso_questionnaire_lookup_question (self->questionnaire, question_id)))
    return FALSE;

  if (!(depends_on = sayso_question_get_condition_question (question)))
    return TRUE;

  /* A condition always points at an earlier question, so this ends. */
  if (!sayso_response_is_shown (self, depends_on))
    return FALSE;

  wanted = sayso_question_get_condition_values (question);
  given = sayso_response_get_choices (self, depends_on);
  for (guint i = 0; given && given[i]; i++)
    if (g_strv_contains (wanted, given[i]))
      return TRUE;

  return FALSE;
}

gboolean
sayso_response_validate (SaysoResponse  *self,
                         GError        **error)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), FALSE);

  /* Answers are checked as they are set; this is the last line of defence
   * against a questionnaire swapped underneath a half-finished response. */
  g_hash_table_iter_init (&iter, self->answers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      SaysoQuestion *question = find_question (self, key, error);
      const char * const *values = value;

      if (question == NULL)
        return FALSE;

      if (is_choice (question))
        {
          for (guint i = 0; values[i]; i++)
            if (!check_option (question, values[i], error))
              return FALSE;
          if (sayso_question_get_kind (question) != SAYSO_QUESTION_MULTIPLE && values[1] != NULL)
            {
              g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                           "question \"%s\": only one answer can be chosen", (const char *) key);
              return FALSE;
            }
        }
      else if (g_utf8_strlen (values[0], -1) > (glong) sayso_question_get_max_length (question) ||
               !fits_record (values[0], question))
        {
          g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID,
                       "question \"%s\": the answer is too long", (const char *) key);
          return FALSE;
        }
    }

  return TRUE;
}

/* Only the answers to questions the respondent was actually shown, in the
 * questionnaire's order. */
JsonNode *
sayso_response_answers_to_json (SaysoResponse *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (SAYSO_IS_RESPONSE (self), NULL);

  json_builder_begin_object (builder);
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (self->questionnaire); i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (self->questionnaire, i);
      const char *id = sayso_question_get_id (question);
      const char * const *values = g_hash_table_lookup (self->answers, id);

      if (values == NULL || !sayso_response_is_shown (self, id))
        continue;

      json_builder_set_member_name (builder, id);
      if (sayso_question_get_kind (question) == SAYSO_QUESTION_MULTIPLE)
        {
          json_builder_begin_array (builder);
          for (guint k = 0; values[k]; k++)
            json_builder_add_string_value (builder, values[k]);
          json_builder_end_array (builder);
        }
      else
        json_builder_add_string_value (builder, values[0]);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
set_from_node (SaysoResponse  *self,
               const char     *question_id,
               JsonNode       *node,
               GError        **error)
{
  SaysoQuestion *question = find_question (self, question_id, error);

  if (question == NULL)
    return FALSE;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;  /* skipped */

  switch (sayso_question_get_kind (question))
    {
    case SAYSO_QUESTION_MULTIPLE:
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          g_autoptr(GPtrArray) values = g_ptr_array_new ();

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *element = json_array_get_element (array, i);
              if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
                return invalid (error, "question \"%s\": element %u must be an option id (a string)",
                                question_id, i);
              g_ptr_array_add (values, (gpointer) json_node_get_string (element));
            }
          g_ptr_array_add (values, NULL);
          return sayso_response_set_choices (self, question_id, (const char * const *) values->pdata, error);
        }
      return invalid (error, "question \"%s\": a multiple choice takes a list of option ids", question_id);

    case SAYSO_QUESTION_TEXT:
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return sayso_response_set_text (self, question_id, json_node_get_string (node), error);
      return invalid (error, "question \"%s\": a free-text answer must be a string", question_id);

    case SAYSO_QUESTION_LIKERT:
    case SAYSO_QUESTION_SINGLE:
    default:
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return sayso_response_set_choice (self, question_id, json_node_get_string (node), error);
      return invalid (error, "question \"%s\": takes one option id (a string)", question_id);
    }
}

/**
 * sayso_response_new_from_text:
 * @origin: the file it came from, for messages
 * @line: the line of @origin that @text is, for JSON Lines; 0 if @text is
 *   the whole of @origin
 *
 * A response as `sayso submit` reads it: JSON text from outside, checked
 * for depth and size before it is parsed (see sayso-json-limits.h), then
 * as sayso_response_new_from_json() does. Messages name @origin and @line.
 */
SaysoResponse *
sayso_response_new_from_text (SaysoQuestionnaire  *questionnaire,
                              const char          *text,
                              gsize                len,
                              const char          *origin,
                              guint                line,
                              GError             **error)
{
  const SaysoJsonLimits limits = sayso_json_response_limits (sayso_questionnaire_get_record_size (questionnaire));
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *where = NULL;
  SaysoResponse *response;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (text != NULL || len == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sayso_json_check_limits (text, len, &limits, origin, line, &local_error))
    {
      g_set_error_literal (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, local_error->message);
      return NULL;
    }

  where = line > 0 ? g_strdup_printf ("%s:%u", origin, line) : g_strdup (origin);
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, text, len, &local_error))
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, "%s: not valid JSON: %s",
                   where, local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, "%s: empty, no response in it", where);
      return NULL;
    }

  response = sayso_response_new_from_json (questionnaire, json_parser_get_root (parser), &local_error);
  if (response == NULL)
    g_set_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, "%s: %s", where, local_error->message);
  return response;
}

SaysoResponse *
sayso_response_new_from_json (SaysoQuestionnaire  *questionnaire,
                              JsonNode            *node,
                              GError             **error)
{
  static const char * const allowed[] = { "questionnaire", "version", "language", "answers", NULL };
  g_autoptr(GList) members = NULL;
  JsonObject *object, *answers;
  JsonNode *member;
  const char *language = NULL;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, "a response must be a JSON object with \"questionnaire\" and \"answers\"");
      return NULL;
    }
  object = json_node_get_object (node);

  members = json_object_get_members (object);
  for (GList *l = members; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        invalid (error, "unknown key \"%s\" (expected questionnaire, version, language, answers)",
                 (const char *) l->data);
        return NULL;
      }

  member = json_object_get_member (object, "questionnaire");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    {
      invalid (error, "\"questionnaire\" is missing or not a string");
      return NULL;
    }
  if (!g_str_equal (json_node_get_string (member), sayso_questionnaire_get_id (questionnaire)))
    {
      invalid (error, "\"questionnaire\": this kiosk runs \"%s\", not \"%s\"",
               sayso_questionnaire_get_id (questionnaire), json_node_get_string (member));
      return NULL;
    }

  if ((member = json_object_get_member (object, "version")) &&
      (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64 ||
       json_node_get_int (member) != sayso_questionnaire_get_version (questionnaire)))
    {
      invalid (error, "\"version\": this kiosk runs version %" G_GINT64_FORMAT " of \"%s\"",
               sayso_questionnaire_get_version (questionnaire), sayso_questionnaire_get_id (questionnaire));
      return NULL;
    }

  /* Which languages are allowed is checked with the answers, below. */
  if ((member = json_object_get_member (object, "language")))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
        {
          invalid (error, "\"language\" must be a language code such as \"en\"");
          return NULL;
        }
      language = json_node_get_string (member);
    }

  member = json_object_get_member (object, "answers");
  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    {
      invalid (error, "\"answers\" is missing or not an object of question id → answer");
      return NULL;
    }
  answers = json_node_get_object (member);

  return sayso_response_new_from_answers (questionnaire, language, answers, error);
}

/**
 * sayso_response_new_from_answers:
 * @answers: question id → answer, as in a record or a submission
 *
 * The answers alone, checked exactly as a submission's are; for callers that
 * already know the questionnaire and language (import reads them from the
 * sealed record).
 */
SaysoResponse *
sayso_response_new_from_answers (SaysoQuestionnaire  *questionnaire,
                                 const char          *language,
                                 JsonObject          *answers,
                                 GError             **error)
{
  g_autoptr(SaysoResponse) self = NULL;
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (language != NULL && !sayso_questionnaire_has_language (questionnaire, language))
    {
      g_autofree char *known = g_strjoinv (", ", (char **) sayso_questionnaire_get_languages (questionnaire));
      invalid (error, "\"language\" must be one of %s", known);
      return NULL;
    }

  self = sayso_response_new (questionnaire, language);

  members = json_object_get_members (answers);
  for (GList *l = members; l; l = l->next)
    if (!set_from_node (self, l->data, json_object_get_member (answers, l->data), error))
      return NULL;

  /* An answer to a question the respondent would never have been shown is a mistake in the input. */
  for (GList *l = members; l; l = l->next)
    if (sayso_response_has_answer (self, l->data) && !sayso_response_is_shown (self, l->data))
      {
        SaysoQuestion *question = sayso_questionnaire_lookup_question (questionnaire, l->data);
        g_autofree char *values = g_strjoinv (" or ", (char **) sayso_question_get_condition_values (question));

        invalid (error, "question \"%s\": only asked when \"%s\" is %s",
                 (const char *) l->data, sayso_question_get_condition_question (question), values);
        return NULL;
      }

  return g_steal_pointer (&self);
}
