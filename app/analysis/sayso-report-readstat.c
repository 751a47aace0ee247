/* sayso-report-readstat.c: one case per response as an SPSS .sav or a
 * Stata .dta file, through libreadstat, with a codebook beside it.
 *
 * The same cases as the CSV (sayso-report-csv.c), labelled for the tools:
 * a variable per choice question holding the option's code, with the
 * options' labels as its value labels; a 0/1 variable per option of a
 * multiple choice; free text as strings. "Prefer not to say" is a valid,
 * labelled code (PREFER_NOT_TO_SAY_CODE), not a missing value, so that
 * it can be counted; the codebook says how to declare it missing.
 *
 * Responses are streamed from the database into the file, a row at a
 * time: only the strL columns of a Stata file (free text longer than 2,045
 * bytes, found by a first pass) are held, as Stata's map at the head of
 * the file says where they end.
 * No answer is ever logged.
 */
#define G_LOG_DOMAIN "sayso-report"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <limits.h>
#include <pthread.h>
#include <readstat.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "sayso-crypto.h"
#include "sayso-json-limits.h"
#include "sayso-report-private.h"

#define PREFER_NOT_TO_SAY "prefer_not_to_say"
#define PREFER_NOT_TO_SAY_CODE 99
/* Stata's limit on names; SPSS allows 64 bytes. */
#define MAX_NAME 32
/* The longest string each format holds in a fixed-width column. */
#define SAV_MAX_STRING 32767
#define DTA_MAX_STRING 2045
/* What each format keeps of a variable label and of a value label. */
#define SAV_MAX_LABEL_BYTES 255
#define SAV_MAX_VALUE_LABEL_BYTES 120
#define DTA_MAX_LABEL_CHARS 80

typedef enum
{
  COLUMN_ID,
  COLUMN_DAY,
  COLUMN_MODE,
  COLUMN_SITE,
  COLUMN_LANGUAGE,
  COLUMN_CHOICE,    /* likert, single: the option's code */
  COLUMN_OPTION,    /* one option of a multiple choice: 0 or 1 */
  COLUMN_TEXT,
} ColumnKind;

typedef struct
{
  ColumnKind           kind;
  SaysoQuestion       *question;
  guint                option;
  gsize                width;      /* strings: bytes kept; 0: a Stata strL */
  guint                strl;       /* a strL: its place among the strL columns */
  readstat_variable_t *variable;
} Column;

typedef struct
{
  SaysoQuestionnaire *survey;
  SaysoReportFormat   format;
  readstat_writer_t  *writer;
  GArray             *columns;
  JsonParser         *parser;
  const char         *path;
  int                 fd;
  int                 write_errno;   /* why the last write failed, 0: it did not */
  guint               n_cut;
  GError             *error;
  /* Stata's map, at the head of the file, gives where each part starts:
   * the strLs must all be known before the first row is written. */
  guint               n_strl;
  GPtrArray          *strls;         /* row by row, n_strl each: readstat_string_ref_t or NULL */
  readstat_string_ref_t *empty;
  guint               row;
} Writer;

/* Codes */

/* 1, 2, 3… in the questionnaire's order, "Prefer not to say" 99, and no
 * other option ever 99. */
static gint32
option_code (SaysoQuestion *question,
             guint          index)
{
  if (g_str_equal (sayso_question_get_option_id (question, index), PREFER_NOT_TO_SAY))
    return PREFER_NOT_TO_SAY_CODE;
  return index + 1 < PREFER_NOT_TO_SAY_CODE ? (gint32) index + 1 : (gint32) index + 2;
}

static const char * const modes[] = { "self", "staff", "paper" };
static const char * const mode_labels[] = {
  "Self-completed on the kiosk", "Completed with a member of staff", "On paper, entered by staff",
};

static const char *
language_name (const char *language)
{
  return g_str_equal (language, "en") ? "English" : g_str_equal (language, "cy") ? "Welsh (Cymraeg)" : language;
}

/* Days since SPSS's epoch (1582-10-14) in seconds, or since Stata's
 * (1960-01-01) in days; FALSE for a day that is not one. */
static gboolean
day_value (const char        *day,
           SaysoReportFormat  format,
           double            *value)
{
  g_autoptr(GDate) date = NULL;
  g_autoptr(GDate) epoch = NULL;
  guint y, m, d;

  if (day == NULL || strlen (day) != 10 || sscanf (day, "%4u-%2u-%2u", &y, &m, &d) != 3 ||
      !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return FALSE;
  date = g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
  if (format == SAYSO_REPORT_SAV)
    {
      epoch = g_date_new_dmy (14, G_DATE_OCTOBER, 1582);
      *value = (double) g_date_days_between (epoch, date) * 86400.0;
    }
  else
    {
      epoch = g_date_new_dmy (1, G_DATE_JANUARY, 1960);
      *value = (double) g_date_days_between (epoch, date);
    }
  return TRUE;
}

/* Names */

static gboolean
reserved (const char *name)
{
  /* SPSS's reserved words, then Stata's. */
  static const char * const words[] = {
    "all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with",
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n",
    "_pi", "_pred", "_rc", "_skip", "strl", "using",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_str_equal (lower, words[i]))
      return TRUE;
  /* ReadStat refuses any name that starts like str#, not only str# itself. */
  if (g_str_has_prefix (lower, "str") && g_ascii_isdigit (lower[3]))
    return TRUE;
  return FALSE;
}

/* A name both tools take, unique (as SPSS compares them, whatever the case)
 * among @taken: letters, digits and _, a letter first, at most 32 bytes,
 * no reserved word. */
static char *
make_name (GHashTable *taken,
           const char *wanted)
{
  g_autoptr(GString) base = g_string_new (NULL);
  char *name;

  for (const char *p = wanted; *p; p++)
    g_string_append_c (base, g_ascii_isalnum (*p) ? g_ascii_tolower (*p) : '_');
  if (base->len == 0 || !g_ascii_isalpha (base->str[0]))
    g_string_prepend (base, "q");
  if (reserved (base->str))
    g_string_prepend (base, "q_");
  if (base->len > MAX_NAME)
    g_string_truncate (base, MAX_NAME);

  name = g_strdup (base->str);
  for (guint k = 2; g_hash_table_contains (taken, name); k++)
    {
      g_autofree char *suffix = g_strdup_printf ("_%u", k);
      gsize keep = MIN (base->len, MAX_NAME - strlen (suffix));

      g_free (name);
      name = g_strdup_printf ("%.*s%s", (int) keep, base->str, suffix);
    }
  g_hash_table_add (taken, g_strdup (name));
  return name;
}

/* Labels and strings */

/* At most @max_bytes bytes and @max_chars characters of UTF-8 @text, cut
 * between characters; *cut says whether anything was left out. */
static char *
cut_utf8 (const char *text,
          gsize       max_bytes,
          gsize       max_chars,
          gboolean   *cut)
{
  const char *p = text;
  gsize chars = 0;

  while (*p)
    {
      const char *next = g_utf8_next_char (p);
      if ((gsize) (next - text) > max_bytes || chars == max_chars)
        break;
      p = next;
      chars++;
    }
  if (cut)
    *cut = *p != '\0';
  return g_strndup (text, p - text);
}

/* A label the format keeps whole: one too long ends in "…" so that a reader
 * sees it was cut (the codebook holds it whole). */
static char *
cut_label (const char *text,
           gsize       max_bytes,
           gsize       max_chars)
{
  gboolean cut = FALSE;
  g_autofree char *kept = cut_utf8 (text, max_bytes, max_chars, &cut);

  if (!cut)
    return g_steal_pointer (&kept);
  g_clear_pointer (&kept, g_free);
  kept = cut_utf8 (text, max_bytes - strlen ("…"), max_chars - 1, NULL);
  return g_strconcat (g_strchomp (kept), "…", NULL);
}

static char *
variable_label (const Writer *w,
                const char   *text)
{
  if (w->format == SAYSO_REPORT_SAV)
    return cut_label (text, SAV_MAX_LABEL_BYTES, G_MAXSIZE);
  return cut_label (text, G_MAXSIZE, DTA_MAX_LABEL_CHARS);
}

static char *
value_label (const Writer *w,
             const char   *text)
{
  return cut_label (text, w->format == SAYSO_REPORT_SAV ? SAV_MAX_VALUE_LABEL_BYTES : G_MAXSIZE, G_MAXSIZE);
}

static void
csv_row (GString    *out,
         const char *variable,
         const char *question_id,
         const char *kind,
         const char *text,
         const char *value,
         const char *code,
         const char *label)
{
  const char *fields[] = { variable, question_id, kind, text, value, code, label };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      if (i)
        g_string_append_c (out, ',');
      _sayso_report_csv_field (out, fields[i], i == 3 || i == 6);
    }
  g_string_append (out, "\r\n");
}

char *
sayso_report_codebook_path_for (const char        *out,
                                SaysoReportFormat  format)
{
  const char *kind = format == SAYSO_REPORT_SAV ? "-sav" : format == SAYSO_REPORT_DTA ? "-dta" : "";
  g_autofree char *csv = NULL;

  g_return_val_if_fail (out != NULL, NULL);

  csv = sayso_report_codebook_path (out);
  /* Beside the CSV's own codebook, which a .sav of the same name would
   * otherwise replace. */
  g_assert (g_str_has_suffix (csv, "-codebook.csv"));
  return g_strdup_printf ("%.*s%s-codebook.csv", (int) (strlen (csv) - strlen ("-codebook.csv")), csv, kind);
}

/* The file */

static ssize_t
write_bytes (const void *data,
             size_t      len,
             void       *user_data)
{
  Writer *w = user_data;
  const char *p = data;
  size_t left = len;

  while (left > 0)
    {
      ssize_t n = write (w->fd, p, left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          w->write_errno = n < 0 ? errno : ENOSPC;
          /* Not -1: ReadStat compares the count, as a size_t, with the
           * length asked for, and takes -1 for more than enough. */
          return 0;
        }
      p += n;
      left -= (size_t) n;
    }
  return (ssize_t) len;
}

static gboolean
fail_readstat (Writer           *w,
               readstat_error_t  rc,
               GError          **error)
{
  if (w->write_errno == ENOSPC || w->write_errno == EDQUOT)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (w->write_errno),
                 "%s: the disk is full; nothing was written", w->path);
  else if (w->write_errno)
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (w->write_errno),
                 "cannot write %s: %s; nothing was written", w->path, g_strerror (w->write_errno));
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                 "cannot write %s: %s", w->path, readstat_error_message (rc));
  return FALSE;
}

/* SPSS keeps every number as a double, value labels too; Stata labels
 * whole numbers only. */
static readstat_label_set_t *
add_label_set (Writer     *w,
               const char *name)
{
  return readstat_add_label_set (w->writer, w->format == SAYSO_REPORT_SAV ? READSTAT_TYPE_DOUBLE : READSTAT_TYPE_INT32, name);
}

static void
add_value_label (Writer               *w,
                 readstat_label_set_t *set,
                 gint32                code,
                 const char           *label)
{
  g_autofree char *cut = value_label (w, label);

  if (w->format == SAYSO_REPORT_SAV)
    readstat_label_double_value (set, code, cut);
  else
    readstat_label_int32_value (set, code, cut);
}

static readstat_variable_t *
add_column (Writer          *w,
            GHashTable      *taken,
            ColumnKind       kind,
            const char      *wanted,
            readstat_type_t  type,
            gsize            width,
            const char      *label,
            char           **name_out)
{
  g_autofree char *name = make_name (taken, wanted);
  g_autofree char *cut = variable_label (w, label);
  Column column = { kind, NULL, 0, width, 0, NULL };

  if (type == READSTAT_TYPE_STRING_REF)
    column.strl = w->n_strl++;
  column.variable = readstat_add_variable (w->writer, name, type, width);
  readstat_variable_set_label (column.variable, cut);
  g_array_append_val (w->columns, column);
  if (name_out)
    *name_out = g_steal_pointer (&name);
  return column.variable;
}

/* The variables, their labels and the codebook's rows for them. */
static gboolean
define_variables (Writer                    *w,
                  SaysoAnalysisDb           *db,
                  const SaysoAnalysisFilter *filter,
                  const char                *language,
                  GString                   *book,
                  GError                   **error)
{
  g_autoptr(GHashTable) taken = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) sites = NULL;
  gsize site_width = 1;
  readstat_label_set_t *set;
  readstat_label_set_t *chosen;
  readstat_variable_t *variable;
  const char * const *languages = sayso_questionnaire_get_languages (w->survey);
  guint n = sayso_questionnaire_get_n_questions (w->survey);
  gboolean sav = w->format == SAYSO_REPORT_SAV;
  char code[16];

  if (!sayso_analysis_db_list_sites (db, &sites, error))
    return FALSE;
  for (guint i = 0; sites && sites[i]; i++)
    site_width = MAX (site_width, strlen (sites[i]));

  add_column (w, taken, COLUMN_ID, "response_id", READSTAT_TYPE_STRING, 32, "Response id", NULL);
  csv_row (book, "response_id", "response_id", "id",
           "The response's id (32 hex digits), drawn at random when it was imported: not the kiosk's record id, "
           "and it says nothing about who or when", "", "", "");

  variable = add_column (w, taken, COLUMN_DAY, "day", sav ? READSTAT_TYPE_DOUBLE : READSTAT_TYPE_INT32, 0,
                         "The day the response was given", NULL);
  readstat_variable_set_format (variable, sav ? "DATE11" : "%td");
  csv_row (book, "day", "day", "day",
           sav ? "The day the response was given, an SPSS date (DATE11): never a time"
               : "The day the response was given, a Stata date (%td): never a time", "", "", "");

  set = add_label_set (w, "mode");
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      add_value_label (w, set, (gint32) i + 1, mode_labels[i]);
      g_snprintf (code, sizeof code, "%u", i + 1);
      csv_row (book, "mode", "mode", "single", "How the response was given", modes[i], code, mode_labels[i]);
    }
  variable = add_column (w, taken, COLUMN_MODE, "mode", READSTAT_TYPE_INT16, 0, "How the response was given", NULL);
  readstat_variable_set_label_set (variable, set);
  readstat_variable_set_measure (variable, READSTAT_MEASURE_NOMINAL);

  add_column (w, taken, COLUMN_SITE, "site", READSTAT_TYPE_STRING, site_width, "The site (probation office) of the kiosk", NULL);
  csv_row (book, "site", "site", "text", "The site (probation office) of the kiosk", "", "", "");
  /* No kiosk variable: with the site and the day it would split a site's
   * day by kiosk, and a kiosk that took one response that day would show
   * it alone, which the CSV never does. */

  set = add_label_set (w, "language");
  for (guint i = 0; languages && languages[i]; i++)
    {
      add_value_label (w, set, (gint32) i + 1, language_name (languages[i]));
      g_snprintf (code, sizeof code, "%u", i + 1);
      csv_row (book, "language", "language", "single", "The language the survey was answered in", languages[i], code,
               language_name (languages[i]));
    }
  variable = add_column (w, taken, COLUMN_LANGUAGE, "language", READSTAT_TYPE_INT16, 0,
                         "The language the survey was answered in", NULL);
  readstat_variable_set_label_set (variable, set);
  readstat_variable_set_measure (variable, READSTAT_MEASURE_NOMINAL);

  chosen = add_label_set (w, "chosen");
  add_value_label (w, chosen, 0, "Not chosen");
  add_value_label (w, chosen, 1, "Chosen");

  for (guint i = 0; i < n; i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (w->survey, i);
      SaysoQuestionKind kind = sayso_question_get_kind (question);
      const char *id = sayso_question_get_id (question);
      const char *text = _sayso_report_question_text (question, language);
      const char *kind_name = sayso_question_kind_to_string (kind);
      guint n_options = sayso_question_get_n_options (question);
      g_autofree char *name = NULL;

      if (kind == SAYSO_QUESTION_TEXT)
        {
          gint64 longest = 0;
          gboolean strl;
          gsize width;

          if (!sayso_analysis_db_max_text_bytes (db, filter, id, &longest, error))
            return FALSE;
          strl = !sav && longest > DTA_MAX_STRING;
          width = strl ? 0 : (gsize) CLAMP (longest, 1, sav ? SAV_MAX_STRING : DTA_MAX_STRING);
          add_column (w, taken, COLUMN_TEXT, id, strl ? READSTAT_TYPE_STRING_REF : READSTAT_TYPE_STRING, width, text, &name);
          g_array_index (w->columns, Column, w->columns->len - 1).question = question;
          csv_row (book, name, id, kind_name, text, "", "",
                   sav ? "Free text in the respondent's words, UTF-8. SPSS holds at most 32,767 bytes in a string: "
                         "a longer answer is cut there (sayso report says how many were); the CSV holds every answer whole."
                       : "Free text in the respondent's words, UTF-8, whole (a strL where an answer is longer than 2,045 bytes).");
          continue;
        }

      if (kind == SAYSO_QUESTION_MULTIPLE)
        {
          for (guint k = 0; k < n_options; k++)
            {
              const char *option_label = _sayso_report_option_label (question, k, language);
              g_autofree char *wanted = g_strconcat (id, "_", sayso_question_get_option_id (question, k), NULL);
              g_autofree char *label = g_strconcat (text, ": ", option_label, NULL);
              g_autofree char *option_name = NULL;

              variable = add_column (w, taken, COLUMN_OPTION, wanted, READSTAT_TYPE_INT8, 0, label, &option_name);
              readstat_variable_set_label_set (variable, chosen);
              readstat_variable_set_measure (variable, READSTAT_MEASURE_NOMINAL);
              g_array_index (w->columns, Column, w->columns->len - 1).question = question;
              g_array_index (w->columns, Column, w->columns->len - 1).option = k;
              csv_row (book, option_name, id, kind_name, label, sayso_question_get_option_id (question, k), "1",
                       "Chosen (0: not chosen; empty: the question was not answered)");
            }
          continue;
        }

      {
        g_autofree char *set_name = NULL;

        /* The label set is named as the variable, which is named first. */
        variable = add_column (w, taken, COLUMN_CHOICE, id, READSTAT_TYPE_INT16, 0, text, &name);
        g_array_index (w->columns, Column, w->columns->len - 1).question = question;
        set_name = g_strdup (name);
        set = add_label_set (w, set_name);
        for (guint k = 0; k < n_options; k++)
          {
            const char *option_label = _sayso_report_option_label (question, k, language);

            add_value_label (w, set, option_code (question, k), option_label);
            g_snprintf (code, sizeof code, "%d", option_code (question, k));
            csv_row (book, name, id, kind_name, text, sayso_question_get_option_id (question, k), code, option_label);
          }
        readstat_variable_set_label_set (variable, set);
        readstat_variable_set_measure (variable, kind == SAYSO_QUESTION_LIKERT ? READSTAT_MEASURE_ORDINAL
                                                                                 : READSTAT_MEASURE_NOMINAL);
      }
    }

  csv_row (book, "(any variable)", "", "", "An empty cell (system-missing)", "", "",
           "Not answered: skipped, or not asked because of an earlier answer");
  csv_row (book, "(any question)", PREFER_NOT_TO_SAY, "", "Prefer not to say", PREFER_NOT_TO_SAY, "99",
           "A valid, labelled answer, coded 99 wherever it is offered. To leave it out of a figure, declare it "
           "missing: in SPSS, MISSING VALUES and the variables, e.g. MISSING VALUES contact_officer age_band (99). ; "
           "in Stata, mvdecode and the variables, e.g. mvdecode contact_officer age_band, mv(99=.a)");
  return TRUE;
}

static readstat_error_t
insert_string (Writer              *w,
               const Column        *column,
               const char          *value)
{
  g_autofree char *cut = NULL;
  gboolean was_cut = FALSE;

  if (column->width == 0)
    {
      readstat_string_ref_t *ref = g_ptr_array_index (w->strls, w->row * w->n_strl + column->strl);
      return readstat_insert_string_ref (w->writer, column->variable, ref ? ref : w->empty);
    }
  if (value == NULL)
    return readstat_insert_missing_value (w->writer, column->variable);
  if (strlen (value) <= column->width)
    return readstat_insert_string_value (w->writer, column->variable, value);
  /* Longer than the format holds, or than the texts table said (a database
   * edited by hand): cut between characters, and counted. */
  cut = cut_utf8 (value, column->width, G_MAXSIZE, &was_cut);
  if (was_cut)
    w->n_cut++;
  return readstat_insert_string_value (w->writer, column->variable, cut);
}

static readstat_error_t
insert_column (Writer       *w,
               const Column *column,
               const char   *id_hex,
               const char   *day,
               const char   *mode,
               const char   *site,
               const char   *language,
               JsonObject   *answers)
{
  JsonNode *node = NULL;
  double value;

  if (column->question)
    node = answers ? json_object_get_member (answers, sayso_question_get_id (column->question)) : NULL;

  switch (column->kind)
    {
    case COLUMN_ID:
      return insert_string (w, column, id_hex);
    case COLUMN_DAY:
      if (!day_value (day, w->format, &value))
        return readstat_insert_missing_value (w->writer, column->variable);
      if (w->format == SAYSO_REPORT_SAV)
        return readstat_insert_double_value (w->writer, column->variable, value);
      return readstat_insert_int32_value (w->writer, column->variable, (gint32) value);
    case COLUMN_MODE:
      for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
        if (g_strcmp0 (mode, modes[i]) == 0)
          return readstat_insert_int16_value (w->writer, column->variable, (gint16) (i + 1));
      return readstat_insert_missing_value (w->writer, column->variable);
    case COLUMN_SITE:
      return insert_string (w, column, site);
    case COLUMN_LANGUAGE:
      {
        const char * const *languages = sayso_questionnaire_get_languages (w->survey);
        for (guint i = 0; languages && languages[i]; i++)
          if (g_strcmp0 (language, languages[i]) == 0)
            return readstat_insert_int16_value (w->writer, column->variable, (gint16) (i + 1));
        return readstat_insert_missing_value (w->writer, column->variable);
      }
    case COLUMN_CHOICE:
      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        {
          int index = sayso_question_find_option (column->question, json_node_get_string (node));
          if (index >= 0)
            return readstat_insert_int16_value (w->writer, column->variable,
                                                (gint16) option_code (column->question, (guint) index));
        }
      return readstat_insert_missing_value (w->writer, column->variable);
    case COLUMN_OPTION:
      if (node && JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          const char *option = sayso_question_get_option_id (column->question, column->option);
          gint8 is_chosen = 0;

          for (guint k = 0; k < json_array_get_length (array) && !is_chosen; k++)
            is_chosen = g_strcmp0 (json_node_get_string (json_array_get_element (array, k)), option) == 0;
          return readstat_insert_int8_value (w->writer, column->variable, is_chosen);
        }
      return readstat_insert_missing_value (w->writer, column->variable);
    case COLUMN_TEXT:
      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        return insert_string (w, column, json_node_get_string (node));
      return insert_string (w, column, NULL);
    default:
      g_assert_not_reached ();
    }
}

/* A response's answers, or NULL for none; FALSE (with w->error) where the
 * database holds what is not a record's answers. */
static gboolean
parse_answers (Writer      *w,
               const char  *response_id_hex,
               const char  *answers_json,
               JsonObject **answers)
{
  const SaysoJsonLimits limits = { "a record", SAYSO_JSON_RECORD_MAX_BYTES, SAYSO_JSON_RECORD_DEPTH };
  g_autofree char *origin = NULL;
  JsonNode *root;

  *answers = NULL;
  if (answers_json == NULL || *answers_json == '\0')
    return TRUE;
  /* Written by the import, which checked it; but the database is a file
   * anyone with the analysts' machine could edit. */
  origin = g_strdup_printf ("the analysis database, response %s", response_id_hex);
  if (!sayso_json_check_limits (answers_json, strlen (answers_json), &limits, origin, 0, &w->error) ||
      !json_parser_load_from_data (w->parser, answers_json, -1, &w->error))
    {
      g_prefix_error (&w->error, "a response's answers in the database cannot be read: ");
      return FALSE;
    }
  root = json_parser_get_root (w->parser);
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    *answers = json_node_get_object (root);
  return TRUE;
}

/* The first pass, for a Stata file with strL columns only: their texts. */
static gboolean
collect_strls (const char   *response_id_hex,
               const char   *day,
               const char   *mode,
               const char   *site,
               const guint8 *kiosk_pk,
               gsize         kiosk_len,
               const char   *language,
               const char   *questionnaire,
               gint64        version,
               const char   *answers_json,
               gpointer      user_data)
{
  Writer *w = user_data;
  JsonObject *answers = NULL;

  if (!parse_answers (w, response_id_hex, answers_json, &answers))
    return FALSE;
  for (guint i = 0; i < w->columns->len; i++)
    {
      const Column *column = &g_array_index (w->columns, Column, i);
      JsonNode *node;

      if (column->kind != COLUMN_TEXT || column->width != 0)
        continue;
      node = answers ? json_object_get_member (answers, sayso_question_get_id (column->question)) : NULL;
      if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (w->strls, readstat_add_string_ref (w->writer, json_node_get_string (node)));
      else
        g_ptr_array_add (w->strls, NULL);
    }
  return TRUE;
}

static gboolean
write_case (const char   *response_id_hex,
            const char   *day,
            const char   *mode,
            const char   *site,
            const guint8 *kiosk_pk,
            gsize         kiosk_len,
            const char   *language,
            const char   *questionnaire,
            gint64        version,
            const char   *answers_json,
            gpointer      user_data)
{
  Writer *w = user_data;
  JsonObject *answers = NULL;
  readstat_error_t rc;

  if (!parse_answers (w, response_id_hex, answers_json, &answers))
    return FALSE;
  if ((rc = readstat_begin_row (w->writer)) != READSTAT_OK)
    return fail_readstat (w, rc, &w->error);
  for (guint i = 0; i < w->columns->len; i++)
    if ((rc = insert_column (w, &g_array_index (w->columns, Column, i), response_id_hex, day, mode, site,
                             language, answers)) != READSTAT_OK)
      return fail_readstat (w, rc, &w->error);
  if ((rc = readstat_end_row (w->writer)) != READSTAT_OK)
    return fail_readstat (w, rc, &w->error);
  w->row++;
  return TRUE;
}

/* The temporary file holds answers: a Ctrl-C, a kill or a closed terminal
 * while it is written must not leave it beside the output. `sayso report`
 * runs no main loop, so the handler does the one thing it safely can:
 * unlink a path written down before the handler was set, then die by the
 * signal as the process would have. A signal ignored (nohup) stays so. */
static const int guarded_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction guarded_before[G_N_ELEMENTS (guarded_signals)];
static gboolean guarded_set[G_N_ELEMENTS (guarded_signals)];
static char guarded_path[PATH_MAX];
static volatile sig_atomic_t guarding;

static void
remove_then_die (int sig)
{
  int saved = errno;

  if (guarding)
    unlink (guarded_path);
  signal (sig, SIG_DFL);
  raise (sig);
  errno = saved;
}

static void
block_guarded (sigset_t *old)
{
  sigset_t set;

  sigemptyset (&set);
  for (guint i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
    sigaddset (&set, guarded_signals[i]);
  pthread_sigmask (SIG_BLOCK, &set, old);
}

/* Made with the signals held back, so that none comes between the file
 * and its guard. */
static int
make_guarded_temp (char *tmp)
{
  sigset_t old;
  int fd, saved;

  block_guarded (&old);
  fd = g_mkstemp_full (tmp, O_RDWR | O_CLOEXEC, 0600);
  saved = errno;
  if (fd >= 0 && strlen (tmp) < sizeof guarded_path)
    {
      struct sigaction act = { 0 };

      memcpy (guarded_path, tmp, strlen (tmp) + 1);
      guarding = 1;
      act.sa_handler = remove_then_die;
      sigemptyset (&act.sa_mask);
      for (guint i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
        {
          guarded_set[i] = FALSE;
          if (sigaction (guarded_signals[i], NULL, &guarded_before[i]) != 0 ||
              guarded_before[i].sa_handler == SIG_IGN)
            continue;
          guarded_set[i] = sigaction (guarded_signals[i], &act, NULL) == 0;
        }
    }
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  errno = saved;
  return fd;
}

/* The file renamed or removed: the handlers as they were. A signal that
 * came meanwhile is taken as it would have been. */
static void
end_guard (void)
{
  sigset_t old;

  block_guarded (&old);
  for (guint i = 0; i < G_N_ELEMENTS (guarded_signals); i++)
    if (guarded_set[i])
      {
        sigaction (guarded_signals[i], &guarded_before[i], NULL);
        guarded_set[i] = FALSE;
      }
  guarding = 0;
  pthread_sigmask (SIG_SETMASK, &old, NULL);
}

gboolean
_sayso_report_write_readstat (SaysoAnalysisDb           *db,
                              SaysoQuestionnaire        *survey,
                              const SaysoAnalysisFilter *filter,
                              const char                *language,
                              SaysoReportFormat          format,
                              const char                *path,
                              guint                     *n_cut,
                              GError                   **error)
{
  g_autofree char *codebook_path = sayso_report_codebook_path_for (path, format);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  g_autoptr(GString) book = g_string_new ("\xEF\xBB\xBF" "variable,question_id,kind,label,value,code,value_label\r\n");
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GArray) columns = g_array_new (FALSE, TRUE, sizeof (Column));
  g_autoptr(GPtrArray) strls = g_ptr_array_new ();
  Writer w = { survey, format, NULL, columns, parser, path, -1, 0, 0, NULL, 0, strls, NULL, 0 };
  g_autoptr(GError) local_error = NULL;
  gint64 n_cases = 0;
  readstat_error_t rc;
  gboolean ok = FALSE;

  g_assert (format == SAYSO_REPORT_SAV || format == SAYSO_REPORT_DTA);

  /* Both formats give the number of cases before the first. */
  if (!sayso_analysis_db_count_responses (db, filter, &n_cases, NULL, error))
    return FALSE;

  w.writer = readstat_writer_init ();
  readstat_set_data_writer (w.writer, write_bytes);
  readstat_writer_set_file_label (w.writer, sayso_questionnaire_get_title (survey, language));
  if (format == SAYSO_REPORT_SAV)
    {
      readstat_writer_set_compression (w.writer, READSTAT_COMPRESS_ROWS);
      readstat_add_note (w.writer, "Sayso: one case per response. Prefer not to say is 99: see the codebook.");
      readstat_add_note (w.writer, "Free text longer than 32,767 bytes is cut there; the CSV holds it whole.");
    }
  else
    {
      readstat_writer_set_file_format_version (w.writer, 118);
      readstat_add_note (w.writer, "Sayso: one case per response. Prefer not to say is 99: see the codebook.");
    }

  if (!define_variables (&w, db, filter, language, book, error))
    goto out;
  if (w.n_strl > 0)
    {
      w.empty = readstat_add_string_ref (w.writer, "");
      if (!sayso_analysis_db_foreach_response (db, filter, collect_strls, &w, error))
        goto out;
      if (w.error)
        {
          g_propagate_error (error, g_steal_pointer (&w.error));
          goto out;
        }
      if (strls->len != (guint) n_cases * w.n_strl)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "cannot write %s: the database changed while it was read; try again", path);
          goto out;
        }
    }

  w.fd = make_guarded_temp (tmp);
  if (w.fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot write %s: %s", path, g_strerror (saved));
      goto out;
    }

  rc = format == SAYSO_REPORT_SAV ? readstat_begin_writing_sav (w.writer, &w, (long) n_cases)
                                  : readstat_begin_writing_dta (w.writer, &w, (long) n_cases);
  if (rc != READSTAT_OK)
    {
      fail_readstat (&w, rc, error);
      goto out;
    }
  if (!sayso_analysis_db_foreach_response (db, filter, write_case, &w, error))
    goto out;
  if (w.error)
    {
      g_propagate_error (error, g_steal_pointer (&w.error));
      goto out;
    }
  if ((rc = readstat_end_writing (w.writer)) != READSTAT_OK)
    {
      fail_readstat (&w, rc, error);
      goto out;
    }
  if (fsync (w.fd) != 0)
    {
      w.write_errno = errno;
      fail_readstat (&w, READSTAT_ERROR_WRITE, error);
      goto out;
    }
  if (close (w.fd) != 0)
    {
      w.fd = -1;
      w.write_errno = errno;
      fail_readstat (&w, READSTAT_ERROR_WRITE, error);
      goto out;
    }
  w.fd = -1;
  if (!_sayso_report_write_atomically (codebook_path, book->str, book->len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "%s: the disk is full; nothing was written", codebook_path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      goto out;
    }
  {
    sigset_t old;
    int renamed, saved;

    /* Renamed and unguarded with the signals held back: the handler must
     * never unlink a name the output has taken. */
    block_guarded (&old);
    renamed = g_rename (tmp, path);
    saved = errno;
    if (renamed == 0)
      guarding = 0;
    pthread_sigmask (SIG_SETMASK, &old, NULL);
    if (renamed != 0)
      {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "cannot write %s: %s", path, g_strerror (saved));
        goto out;
      }
  }
  if (n_cut)
    *n_cut = w.n_cut;
  ok = TRUE;

out:
  if (w.fd >= 0)
    close (w.fd);
  if (!ok)
    g_unlink (tmp);
  end_guard ();
  g_clear_error (&w.error);
  readstat_writer_free (w.writer);
  return ok;
}
