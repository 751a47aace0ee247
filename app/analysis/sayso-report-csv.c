/* sayso-report-csv.c: one CSV row per response, with a codebook beside it.
 *
 * RFC 4180, UTF-8 with a byte order mark for Excel, CRLF line ends. The CSV
 * holds the responses themselves, not the report's figures: every free-text
 * answer, however many (the HTML and PDF list the first
 * SAYSO_FIGURES_MAX_QUOTES), for R, Excel or SPSS.
 */
#define G_LOG_DOMAIN "sayso-report"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sayso-json-limits.h"
#include "sayso-report-private.h"

char *
sayso_report_codebook_path (const char *out)
{
  g_autofree char *dir = g_path_get_dirname (out);
  g_autofree char *base = g_path_get_basename (out);
  g_autofree char *name = NULL;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strconcat (base, "-codebook.csv", NULL);
  if (strchr (out, G_DIR_SEPARATOR) == NULL)
    return g_steal_pointer (&name);
  return g_build_filename (dir, name, NULL);
}

static void
csv_field (GString    *out,
           const char *value,
           gboolean    guard)
{
  const char *p;
  gboolean quote = FALSE;

  if (value == NULL)
    return;
  for (p = value; *p; p++)
    if (*p == '"' || *p == ',' || *p == '\n' || *p == '\r')
      {
        quote = TRUE;
        break;
      }
  /* A free-text answer that starts like a formula would run as one in a
   * spreadsheet: it gets a leading apostrophe, as the codebook says. */
  guard = guard && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                    value[0] == '\t' || value[0] == '\r');
  if (guard)
    quote = TRUE;
  if (!quote)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

void
_sayso_report_csv_field (GString    *out,
                         const char *value,
                         gboolean    guard)
{
  csv_field (out, value, guard);
}

typedef struct
{
  SaysoQuestionnaire *questionnaire;
  GString            *out;
  JsonParser         *parser;
  GString            *joined;   /* a multiple choice's values, reused row after row */
  GError             *error;
} CsvWriter;

static gboolean
csv_row (const char *response_id_hex,
         const char *day,
         const char *mode,
         const char *site,
         const char *language,
         const char *questionnaire,
         gint64      version,
         const char *answers_json,
         gpointer    user_data)
{
  CsvWriter *writer = user_data;
  SaysoQuestionnaire *survey = writer->questionnaire;
  guint n = sayso_questionnaire_get_n_questions (survey);
  JsonObject *answers = NULL;
  GString *out = writer->out;

  if (answers_json && *answers_json)
    {
      const SaysoJsonLimits limits = { "a record", SAYSO_JSON_RECORD_MAX_BYTES, SAYSO_JSON_RECORD_DEPTH };
      g_autofree char *origin = g_strdup_printf ("the analysis database, response %s", response_id_hex);
      JsonNode *root;

      /* Written by the import, which checked it; but the database is a file
       * anyone with the analysts' machine could edit. */
      if (!sayso_json_check_limits (answers_json, strlen (answers_json), &limits, origin, 0, &writer->error))
        return FALSE;
      if (!json_parser_load_from_data (writer->parser, answers_json, -1, &writer->error))
        return FALSE;
      root = json_parser_get_root (writer->parser);
      if (root && JSON_NODE_HOLDS_OBJECT (root))
        answers = json_node_get_object (root);
    }

  csv_field (out, response_id_hex, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, day, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, mode, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, site, TRUE);
  g_string_append_c (out, ',');
  csv_field (out, language, FALSE);
  for (guint i = 0; i < n; i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (survey, i);
      JsonNode *node = answers ? json_object_get_member (answers, sayso_question_get_id (question)) : NULL;

      g_string_append_c (out, ',');
      if (node == NULL)
        continue;
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          GString *joined = g_string_truncate (writer->joined, 0);

          for (guint k = 0; k < json_array_get_length (array); k++)
            {
              const char *value = json_node_get_string (json_array_get_element (array, k));
              if (value == NULL)
                continue;
              if (joined->len)
                g_string_append_c (joined, ';');
              g_string_append (joined, value);
            }
          csv_field (out, joined->str, FALSE);
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        csv_field (out, json_node_get_string (node),
                   sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT);
    }
  g_string_append (out, "\r\n");
  return TRUE;
}

static void
codebook_row (GString    *out,
              const char *question,
              const char *kind,
              const char *text,
              const char *value,
              const char *label)
{
  csv_field (out, question, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, kind, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, text, TRUE);
  g_string_append_c (out, ',');
  csv_field (out, value, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, label, TRUE);
  g_string_append (out, "\r\n");
}

static GString *
make_codebook (SaysoQuestionnaire *survey,
               const char         *language)
{
  guint n = sayso_questionnaire_get_n_questions (survey);
  GString *out = g_string_new ("\xEF\xBB\xBF" "question_id,kind,question,value,label\r\n");

  codebook_row (out, "response_id", "id", "The response's id (32 hex digits), drawn at random when it was imported: not the kiosk's record id, and it says nothing about who or when", "", "");
  codebook_row (out, "day", "day", "The day the response was given, YYYY-MM-DD (never a time)", "", "");
  codebook_row (out, "mode", "single", "How the response was given", "self", "Self-completed on the kiosk");
  codebook_row (out, "mode", "single", "How the response was given", "staff", "Completed with a member of staff");
  codebook_row (out, "mode", "single", "How the response was given", "paper", "On paper, entered by staff");
  codebook_row (out, "site", "text", "The site (probation office) of the kiosk", "", "");
  for (const char * const *lang = sayso_questionnaire_get_languages (survey); lang && *lang; lang++)
    codebook_row (out, "language", "single", "The language the survey was answered in", *lang,
                  g_str_equal (*lang, "en") ? "English" : g_str_equal (*lang, "cy") ? "Welsh (Cymraeg)" : *lang);

  for (guint i = 0; i < n; i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (survey, i);
      SaysoQuestionKind kind = sayso_question_get_kind (question);
      const char *id = sayso_question_get_id (question);
      const char *text = _sayso_report_question_text (question, language);
      const char *kind_name = sayso_question_kind_to_string (kind);

      if (kind == SAYSO_QUESTION_TEXT)
        {
          codebook_row (out, id, kind_name, text, "",
                        "Free text in the respondent's words. A text that begins with =, +, - or @ has an apostrophe "
                        "put in front so that a spreadsheet does not run it as a formula.");
          continue;
        }
      if (kind == SAYSO_QUESTION_MULTIPLE)
        codebook_row (out, id, kind_name, text, "",
                      "Several answers may be chosen: the cell holds the option ids joined by \";\" (e.g. travel;reception).");
      for (guint k = 0; k < sayso_question_get_n_options (question); k++)
        codebook_row (out, id, kind_name, text, sayso_question_get_option_id (question, k),
                      _sayso_report_option_label (question, k, language));
    }
  codebook_row (out, "(any question)", "", "An empty cell", "", "Not answered: skipped, or not asked because of an earlier answer");
  return out;
}

gboolean
_sayso_report_write_csv (SaysoAnalysisDb           *db,
                         SaysoQuestionnaire        *survey,
                         const SaysoAnalysisFilter *filter,
                         const char                *language,
                         const char                *path,
                         GError                   **error)
{
  guint n = sayso_questionnaire_get_n_questions (survey);
  g_autoptr(GString) out = g_string_sized_new (4 * 1024 * 1024);
  g_autoptr(GString) codebook = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *codebook_path = sayso_report_codebook_path (path);
  g_autoptr(GString) joined = g_string_new (NULL);
  CsvWriter writer = { survey, out, parser, joined, NULL };
  gboolean ok;

  g_string_append (out, "\xEF\xBB\xBF" "response_id,day,mode,site,language");
  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (out, ',');
      csv_field (out, sayso_question_get_id (sayso_questionnaire_get_question (survey, i)), FALSE);
    }
  g_string_append (out, "\r\n");

  if (!sayso_analysis_db_foreach_response (db, filter, csv_row, &writer, error))
    {
      memset (out->str, 0, out->len);
      g_clear_error (&writer.error);
      return FALSE;
    }
  if (writer.error)
    {
      g_propagate_prefixed_error (error, writer.error, "a response's answers in the database cannot be read: ");
      memset (out->str, 0, out->len);
      return FALSE;
    }

  codebook = make_codebook (survey, language);
  ok = _sayso_report_write_atomically (codebook_path, codebook->str, codebook->len, error) &&
       _sayso_report_write_atomically (path, out->str, out->len, error);
  memset (out->str, 0, out->len);
  return ok;
}
