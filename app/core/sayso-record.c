/* sayso-record.c: the record codec.
 *
 * Members are written in a fixed order and answers in the questionnaire's
 * order, so two records with the same answers are byte for byte the same
 * before sealing. The buffers that hold plaintext are wiped before release.
 */
#define G_LOG_DOMAIN "sayso-record"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sayso-json-limits.h"
#include "sayso-record.h"

G_DEFINE_QUARK (sayso-record-error-quark, sayso_record_error)

static const char * const mode_names[] = {
  [SAYSO_MODE_SELF] = "self",
  [SAYSO_MODE_STAFF] = "staff",
  [SAYSO_MODE_PAPER] = "paper",
};

const char *
sayso_mode_to_string (SaysoMode mode)
{
  g_return_val_if_fail (mode < G_N_ELEMENTS (mode_names), NULL);
  return mode_names[mode];
}

gboolean
sayso_mode_from_string (const char *text,
                        SaysoMode  *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (text, mode_names[i]) == 0)
      {
        *mode = i;
        return TRUE;
      }
  return FALSE;
}

/* The local day. SAYSO_TODAY overrides it so that tests can move through the
 * calendar (keep periods, day boundaries) without waiting for one. */
char *
sayso_today (void)
{
  const char *override = g_getenv ("SAYSO_TODAY");
  g_autoptr(GDateTime) now = NULL;

  if (override != NULL && strlen (override) == 10)
    return g_strdup (override);

  now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

typedef struct
{
  char  *data;
  gsize  len;
} Plain;

static void
plain_free (gpointer data)
{
  Plain *plain = data;
  sodium_memzero (plain->data, plain->len);
  g_free (plain->data);
  g_free (plain);
}

GBytes *
sayso_record_encode (SaysoResponse *response,
                     const char    *day,
                     SaysoMode      mode,
                     const char    *site)
{
  SaysoQuestionnaire *questionnaire;
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  Plain *plain;

  g_return_val_if_fail (SAYSO_IS_RESPONSE (response), NULL);
  g_return_val_if_fail (day != NULL, NULL);
  g_return_val_if_fail (site != NULL, NULL);

  questionnaire = sayso_response_get_questionnaire (response);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sayso_record");
  json_builder_add_int_value (builder, SAYSO_RECORD_FORMAT);
  json_builder_set_member_name (builder, "questionnaire");
  json_builder_add_string_value (builder, sayso_questionnaire_get_id (questionnaire));
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, sayso_questionnaire_get_version (questionnaire));
  json_builder_set_member_name (builder, "day");
  json_builder_add_string_value (builder, day);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, sayso_mode_to_string (mode));
  json_builder_set_member_name (builder, "site");
  json_builder_add_string_value (builder, site);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, sayso_response_get_language (response));
  json_builder_set_member_name (builder, "answers");
  json_builder_add_value (builder, sayso_response_answers_to_json (response));
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  plain = g_new (Plain, 1);
  plain->data = json_generator_to_data (generator, &plain->len);
  return g_bytes_new_with_free_func (plain->data, plain->len, plain_free, plain);
}

static const char *
string_member (JsonObject *object,
               const char *key,
               GError    **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID,
                   "record: \"%s\" is missing or not a string", key);
      return NULL;
    }
  return json_node_get_string (node);
}

/* Reports group and filter by day as text: only one spelling of a date. */
static gboolean
is_day (const char *text)
{
  guint year, month, day;
  char end;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-' ||
      sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3)
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  return g_date_valid_dmy (day, month, year);
}

SaysoRecord *
sayso_record_decode (GBytes  *plaintext,
                     GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(SaysoRecord) record = g_new0 (SaysoRecord, 1);
  g_autoptr(GError) local_error = NULL;
  const SaysoJsonLimits limits = { "a record", SAYSO_JSON_RECORD_MAX_BYTES, SAYSO_JSON_RECORD_DEPTH };
  JsonObject *object;
  JsonNode *node;
  const char *text;
  gconstpointer data;
  gsize len;

  g_return_val_if_fail (plaintext != NULL, NULL);

  data = g_bytes_get_data (plaintext, &len);
  if (!sayso_json_check_limits (data, len, &limits, "record", 0, &local_error))
    {
      g_set_error_literal (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID, local_error->message);
      return NULL;
    }
  /* An empty document parses, with no root: a record must be an object. */
  if (!json_parser_load_from_data (parser, data, len, &local_error) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID,
                   "record: not a JSON object%s%s", local_error ? ": " : "",
                   local_error ? local_error->message : "");
      return NULL;
    }
  object = json_node_get_object (json_parser_get_root (parser));

  node = json_object_get_member (object, "sayso_record");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_int (node) != SAYSO_RECORD_FORMAT)
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID,
                   "record: not a Sayso record of format %d", SAYSO_RECORD_FORMAT);
      return NULL;
    }

  if (!(text = string_member (object, "questionnaire", error)))
    return NULL;
  record->questionnaire = g_strdup (text);

  node = json_object_get_member (object, "version");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID, "record: \"version\" is missing");
      return NULL;
    }
  record->version = json_node_get_int (node);

  if (!(text = string_member (object, "day", error)))
    return NULL;
  if (!is_day (text))
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID,
                   "record: \"day\" must be a date written YYYY-MM-DD");
      return NULL;
    }
  record->day = g_strdup (text);

  if (!(text = string_member (object, "mode", error)))
    return NULL;
  if (!sayso_mode_from_string (text, &record->mode))
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID,
                   "record: \"mode\" must be self, staff or paper");
      return NULL;
    }

  if (!(text = string_member (object, "site", error)))
    return NULL;
  record->site = g_strdup (text);

  if (!(text = string_member (object, "language", error)))
    return NULL;
  record->language = g_strdup (text);

  node = json_object_get_member (object, "answers");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID,
                   "record: \"answers\" is missing or not an object");
      return NULL;
    }
  record->answers = json_node_copy (node);

  return g_steal_pointer (&record);
}

void
sayso_record_free (SaysoRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->questionnaire);
  g_free (record->day);
  g_free (record->site);
  g_free (record->language);
  g_clear_pointer (&record->answers, json_node_unref);
  g_free (record);
}
