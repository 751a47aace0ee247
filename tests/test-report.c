/* The analysts' report: figures, small numbers, HTML, PDF and CSV, as a
 * reader sees them (the figures themselves and their rounding: test-figures.c).
 *
 * Responses go the whole way: submitted to kiosk stores, exported, imported
 * into an analysis database, reported. The expected figures are counted here,
 * from the responses the test made, never read back from the database. */
#include <cairo.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "sayso-export.h"
#include "sayso-figures.h"
#include "sayso-import.h"
#include "sayso-report.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

static SaysoQuestionnaire *survey;

/* One respondent, as the test means it. */
typedef struct
{
  char       *site;
  char       *day;
  SaysoMode   mode;
  const char *language;
  GHashTable *answers;   /* question id → GStrv (one value for single, likert, text) */
} Resp;

static void
resp_free (Resp *resp)
{
  g_free (resp->site);
  g_free (resp->day);
  g_hash_table_unref (resp->answers);
  g_free (resp);
}

static Resp *
resp_new (const char *site,
          const char *day,
          SaysoMode   mode)
{
  Resp *resp = g_new0 (Resp, 1);

  resp->site = g_strdup (site);
  resp->day = g_strdup (day);
  resp->mode = mode;
  resp->language = "en";
  resp->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  return resp;
}

static void
resp_set (Resp       *resp,
          const char *question,
          const char *value)
{
  const char *values[] = { value, NULL };
  g_hash_table_replace (resp->answers, g_strdup (question), g_strdupv ((char **) values));
}

/* Values in option order, as the record keeps them. */
static void
resp_set_many (Resp               *resp,
               const char         *question,
               const char * const *values)
{
  SaysoQuestion *q = sayso_questionnaire_lookup_question (survey, question);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < sayso_question_get_n_options (q); i++)
    if (g_strv_contains (values, sayso_question_get_option_id (q, i)))
      g_strv_builder_add (builder, sayso_question_get_option_id (q, i));
  g_hash_table_replace (resp->answers, g_strdup (question), g_strv_builder_end (builder));
}

static SaysoResponse *
resp_to_response (Resp *resp)
{
  SaysoResponse *r = sayso_response_new (survey, resp->language);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (survey, i);
      const char *id = sayso_question_get_id (q);
      GStrv values = g_hash_table_lookup (resp->answers, id);

      if (values == NULL)
        continue;
      switch (sayso_question_get_kind (q))
        {
        case SAYSO_QUESTION_TEXT:
          g_assert_true (sayso_response_set_text (r, id, values[0], &error));
          break;
        case SAYSO_QUESTION_MULTIPLE:
          g_assert_true (sayso_response_set_choices (r, id, (const char * const *) values, &error));
          break;
        default:
          g_assert_true (sayso_response_set_choice (r, id, values[0], &error));
          break;
        }
      g_assert_no_error (error);
    }
  g_assert_true (sayso_response_validate (r, &error));
  g_assert_no_error (error);
  return r;
}

/* The analysts' side: a key pair, an analysis database, a folder. */
typedef struct
{
  char            *dir;
  guint8           pk[SAYSO_BOX_PUBLIC_KEY_SIZE];
  guint8           sk[SAYSO_BOX_SECRET_KEY_SIZE];
  SaysoAnalysisDb *db;
  GPtrArray       *questionnaires;
  GPtrArray       *resps;            /* Resp: everything submitted */
  guint            n_kiosks;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  sayso_init ();
  f->dir = test_make_tmp_dir ();
  sayso_recipient_keypair_new (f->pk, f->sk);
  path = g_build_filename (f->dir, "analysis.db", NULL);
  f->db = sayso_analysis_db_open (path, TRUE, &error);
  g_assert_no_error (error);
  f->questionnaires = g_ptr_array_new ();
  g_ptr_array_add (f->questionnaires, survey);
  f->resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("SAYSO_TODAY");
  g_clear_pointer (&f->db, sayso_analysis_db_close);
  g_ptr_array_unref (f->questionnaires);
  g_ptr_array_unref (f->resps);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* One kiosk at a site: submits the site's responses (each on its day, in its
 * mode), exports a bundle and imports it. */
static void
kiosk_submit_export_import (Fixture    *f,
                            const char *site,
                            GPtrArray  *resps)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("kiosk-%u.db", f->n_kiosks);
  g_autofree char *store_path = g_build_filename (f->dir, name, NULL);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autoptr(SaysoStore) store = NULL;
  g_auto(SaysoExportResult) exported = { 0 };
  SaysoImportResult imported = { 0 };

  f->n_kiosks++;
  g_mkdir_with_parents (stick, 0700);
  store = sayso_store_create (store_path, site, f->pk, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < resps->len; i++)
    {
      Resp *resp = g_ptr_array_index (resps, i);
      g_autoptr(SaysoResponse) r = resp_to_response (resp);

      g_assert_cmpstr (resp->site, ==, site);
      g_setenv ("SAYSO_TODAY", resp->day, TRUE);
      g_assert_true (sayso_store_submit (store, r, resp->mode, &error));
      g_assert_no_error (error);
    }
  g_unsetenv ("SAYSO_TODAY");

  g_assert_true (sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &exported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (exported.records, ==, resps->len);

  g_assert_true (sayso_import_bundle (f->db, exported.path, f->sk, f->questionnaires, TRUE, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (imported.added, ==, resps->len);
  g_assert_cmpstr (imported.site, ==, site);

  for (guint i = 0; i < resps->len; i++)
    g_ptr_array_add (f->resps, g_ptr_array_index (resps, i));
  g_ptr_array_set_free_func (resps, NULL);

  sayso_import_result_clear (&imported);
}

static char *
report (Fixture          *f,
        SaysoReportFormat format,
        const char       *site,
        const char       *from,
        const char       *to,
        guint             small,
        const char       *file)
{
  g_autoptr(GError) error = NULL;
  char *out = g_build_filename (f->dir, file, NULL);
  SaysoReportOptions options = {
    .site = site, .from = from, .to = to, .format = format, .out = out, .small_number = small, .language = "en",
    /* Every answer, in the appendix: the checks below look for each one. */
    .all_quotes = TRUE,
  };
  char *contents = NULL;

  g_assert_true (sayso_report_write (f->db, survey, &options, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &contents, NULL, &error));
  g_assert_no_error (error);
  g_free (out);
  return contents;
}

/* Independent counts */

typedef struct
{
  gint64      total;
  gint64      by_mode[3];
  GHashTable *answered;   /* question → gint64 (as pointer) */
  GHashTable *counts;     /* "question=value" → gint64 */
} Tally;

static void
tally_clear (Tally *t)
{
  g_hash_table_unref (t->answered);
  g_hash_table_unref (t->counts);
}

static void
tally (Fixture    *f,
       const char *site,
       const char *from,
       const char *to,
       Tally      *t)
{
  memset (t, 0, sizeof *t);
  t->answered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  t->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < f->resps->len; i++)
    {
      Resp *resp = g_ptr_array_index (f->resps, i);
      GHashTableIter iter;
      gpointer key, value;

      if ((site && g_strcmp0 (site, resp->site) != 0) ||
          (from && strcmp (resp->day, from) < 0) || (to && strcmp (resp->day, to) > 0))
        continue;
      t->total++;
      t->by_mode[resp->mode]++;
      g_hash_table_iter_init (&iter, resp->answers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          GStrv values = value;
          g_hash_table_replace (t->answered, g_strdup (key),
                                GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (t->answered, key)) + 1));
          for (guint v = 0; values[v]; v++)
            {
              g_autofree char *k = g_strdup_printf ("%s=%s", (char *) key, values[v]);
              g_hash_table_replace (t->counts, g_strdup (k),
                                    GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (t->counts, k)) + 1));
            }
        }
    }
}

static gint64
t_answered (Tally      *t,
            const char *question)
{
  return (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (t->answered, question));
}

static gint64
t_count (Tally      *t,
         const char *question,
         const char *value)
{
  g_autofree char *k = g_strdup_printf ("%s=%s", question, value);
  return (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (t->counts, k));
}

/* Reading the HTML: each figure sits in a row tagged with its question and
 * option, and each headline in a paragraph tagged with its question. */

static char *
html_row (const char *html,
          const char *question,
          const char *value)
{
  g_autofree char *start = g_strdup_printf ("<tr data-q=\"%s\" data-v=\"%s\">", question, value);
  const char *p = strstr (html, start);
  const char *end;

  if (p == NULL)
    g_error ("no row for %s=%s in the report", question, value);
  g_assert_null (strstr (p + 1, start));   /* exactly one */
  end = strstr (p, "</tr>");
  g_assert_nonnull (end);
  return g_strndup (p, end - p);
}

/* The row's cells after its label: cell1 (this report's figure) and, if
 * given, cell2 (the national average) as the last cell. */
static void
assert_row_cells (const char *html,
                  const char *question,
                  const char *value,
                  const char *cell1,
                  const char *cell2)
{
  g_autofree char *row = html_row (html, question, value);
  g_autofree char *esc1 = g_markup_escape_text (cell1, -1);
  g_autofree char *esc2 = cell2 ? g_markup_escape_text (cell2, -1) : NULL;
  g_autofree char *want = cell2 ? g_strdup_printf ("</th><td>%s</td><td>%s</td>", esc1, esc2)
                                : g_strdup_printf ("</th><td>%s</td>", esc1);

  if (!(cell2 ? g_str_has_suffix (row, want) : strstr (row, want) != NULL))
    g_error ("%s=%s: want %s%s%s in %s", question, value, cell1, cell2 ? " and " : "", cell2 ? cell2 : "", row);
}

static void
assert_headline (const char *html,
                 const char *question,
                 const char *share)
{
  g_autofree char *want = g_strdup_printf ("<p class=\"headline\" data-q=\"%s\"><strong class=\"share\">%s</strong>",
                                           question, share);
  if (strstr (html, want) == NULL)
    g_error ("no headline %s for %s", share, question);
}

/* How many times needle occurs. */
static guint
occurrences (const char *haystack,
             const char *needle)
{
  guint n = 0;
  for (const char *p = haystack; (p = strstr (p, needle)); p += strlen (needle))
    n++;
  return n;
}

/* Every figure of the HTML against the independent counts. */
static void
check_html_figures (Fixture    *f,
                    const char *html,
                    const char *site,
                    const char *from,
                    const char *to,
                    guint       small)
{
  Tally t, all;
  g_autofree char *total = NULL;

  tally (f, site, from, to, &t);
  tally (f, NULL, from, to, &all);

  total = g_strdup_printf ("<h2 data-total=\"%" G_GINT64_FORMAT "\">%" G_GINT64_FORMAT " people had their say</h2>",
                           t.total, t.total);
  g_assert_nonnull (strstr (html, total));
  for (guint m = 0; m < 3; m++)
    {
      static const char * const ids[] = { "self", "staff", "paper" };
      g_autofree char *start = g_strdup_printf ("<tr data-mode=\"%s\">", ids[m]);
      g_autofree char *count = g_strdup_printf ("<td>%" G_GINT64_FORMAT "</td>", t.by_mode[m]);
      const char *row = strstr (html, start);

      g_assert_nonnull (row);
      g_assert_true (strstr (row, count) != NULL && strstr (row, count) < strstr (row, "</tr>"));
    }

  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (survey, i);
      const char *qid = sayso_question_get_id (q);
      SaysoQuestionKind kind = sayso_question_get_kind (q);
      gboolean demographic = g_str_equal (sayso_question_get_section (q), "about_you");
      gint64 n = t_answered (&t, qid), all_n = t_answered (&all, qid);

      if (kind == SAYSO_QUESTION_TEXT)
        continue;
      for (guint o = 0; o < sayso_question_get_n_options (q); o++)
        {
          const char *oid = sayso_question_get_option_id (q, o);
          gint64 c = t_count (&t, qid, oid);

          if (demographic)
            {
              g_autofree char *cell = (small > 0 && c > 0 && c < small) ? g_strdup_printf ("<%u", small)
                                                                          : g_strdup_printf ("%" G_GINT64_FORMAT, c);
              assert_row_cells (html, qid, oid, cell, NULL);
            }
          else
            {
              g_autofree char *share = sayso_figures_format_share (c, n);
              g_autofree char *all_share = site ? sayso_figures_format_share (t_count (&all, qid, oid), all_n) : NULL;
              assert_row_cells (html, qid, oid, share, all_share);
            }
        }
      if (kind == SAYSO_QUESTION_LIKERT)
        {
          g_autofree char *share = sayso_figures_format_share (t_count (&t, qid, "strongly_agree") + t_count (&t, qid, "agree"), n);
          assert_headline (html, qid, share);
        }
    }

  /* The free text of these responses, and of no others. */
  for (guint i = 0; i < f->resps->len; i++)
    {
      Resp *resp = g_ptr_array_index (f->resps, i);
      gboolean in = !((site && g_strcmp0 (site, resp->site) != 0) ||
                      (from && strcmp (resp->day, from) < 0) || (to && strcmp (resp->day, to) > 0));
      GStrv text = g_hash_table_lookup (resp->answers, "solutions");

      if (text)
        {
          g_autofree char *escaped = g_markup_escape_text (text[0], -1);
          g_autofree char *quote = g_strdup_printf ("<blockquote><p>%s</p>", escaped);
          g_assert_cmpuint (occurrences (html, quote), ==, in ? 1 : 0);
        }
    }

  tally_clear (&t);
  tally_clear (&all);
}

/* Random but repeatable respondents. */
static Resp *
random_resp (GRand      *rand,
             const char *site,
             guint       index)
{
  static const char * const days[] = { "2026-10-01", "2026-10-02", "2026-10-15" };
  Resp *resp = resp_new (site, days[g_rand_int_range (rand, 0, 3)], g_rand_int_range (rand, 0, 3));

  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (survey, i);
      const char *id = sayso_question_get_id (q);
      const char *cond = sayso_question_get_condition_question (q);
      guint n = sayso_question_get_n_options (q);

      if (cond)
        {
          GStrv given = g_hash_table_lookup (resp->answers, cond);
          if (given == NULL || !g_strv_contains (sayso_question_get_condition_values (q), given[0]))
            continue;
        }
      if (g_rand_int_range (rand, 0, 100) < 15)
        continue;   /* skipped */
      switch (sayso_question_get_kind (q))
        {
        case SAYSO_QUESTION_TEXT:
          if (g_rand_int_range (rand, 0, 100) < 40)
            {
              static guint serial;
              g_autofree char *text = g_strdup_printf ("%s said %u: \"it's <fine>\", & more, %s", site, serial++, id);
              resp_set (resp, id, text);
            }
          break;
        case SAYSO_QUESTION_MULTIPLE:
          {
            guint pick = g_rand_int_range (rand, 0, n);
            if (sayso_question_get_option_exclusive (q, pick))
              resp_set (resp, id, sayso_question_get_option_id (q, pick));
            else
              {
                const char *chosen[4] = { NULL };
                guint k = 0;
                for (guint tries = 0; tries < 3; tries++, pick = g_rand_int_range (rand, 0, n))
                  if (!sayso_question_get_option_exclusive (q, pick))
                    chosen[k++] = sayso_question_get_option_id (q, pick);
                resp_set_many (resp, id, chosen);
              }
          }
          break;
        default:
          /* Skewed, so that some demographic cells are small. */
          resp_set (resp, id, sayso_question_get_option_id (q, MIN (g_rand_int_range (rand, 0, n), g_rand_int_range (rand, 0, n))));
          break;
        }
    }
  if (g_hash_table_size (resp->answers) == 0)
    resp_set (resp, "overall_happy", "agree");
  return resp;
}

static void
add_random_site (Fixture    *f,
                 GRand      *rand,
                 const char *site,
                 guint       n)
{
  g_autoptr(GPtrArray) resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (resps, random_resp (rand, site, i));
  kiosk_submit_export_import (f, site, resps);
}

/* A minimal RFC 4180 reader for the checks: fields of records. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  g_assert_true (g_str_has_prefix (p, "\xEF\xBB\xBF"));
  p += 3;
  while (*p)
    {
      if (*p == '"')
        {
          for (p++; !(*p == '"' && p[1] != '"'); p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"')
                p++;
              g_string_append_c (field, *p);
            }
          p++;
        }
      else
        while (*p && *p != ',' && *p != '\r' && *p != '\n')
          g_string_append_c (field, *p++);
      g_ptr_array_add (row, g_strdup (field->str));
      g_string_truncate (field, 0);
      if (*p == ',')
        p++;
      else
        {
          g_assert_true (p[0] == '\r' && p[1] == '\n');   /* CRLF only */
          p += 2;
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
    }
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

static char *
expected_csv_line (Resp *resp)
{
  GString *line = g_string_new (NULL);

  g_string_append_printf (line, "%s|%s|%s|%s", resp->day, sayso_mode_to_string (resp->mode), resp->site, resp->language);
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (survey, i);
      GStrv values = g_hash_table_lookup (resp->answers, sayso_question_get_id (q));
      g_autofree char *joined = values ? g_strjoinv (";", values) : g_strdup ("");

      g_string_append_c (line, '|');
      if (sayso_question_get_kind (q) == SAYSO_QUESTION_TEXT && joined[0] && strchr ("=+-@\t", joined[0]))
        g_string_append_c (line, '\'');
      g_string_append (line, joined);
    }
  return g_string_free (line, FALSE);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(char **) a, *(char **) b);
}

static void
check_csv (Fixture    *f,
           const char *csv,
           const char *site)
{
  g_autoptr(GPtrArray) rows = parse_csv (csv);
  g_autoptr(GPtrArray) got = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *header = g_ptr_array_index (rows, 0);
  const char *fixed[] = { "response_id", "day", "mode", "site", "language" };

  g_assert_cmpuint (header->len, ==, 5 + sayso_questionnaire_get_n_questions (survey));
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (g_ptr_array_index (header, i), ==, fixed[i]);
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    g_assert_cmpstr (g_ptr_array_index (header, 5 + i), ==, sayso_question_get_id (sayso_questionnaire_get_question (survey, i)));

  for (guint r = 1; r < rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (rows, r);
      GString *line = g_string_new (NULL);

      g_assert_cmpuint (row->len, ==, header->len);
      g_assert_cmpuint (strlen (g_ptr_array_index (row, 0)), ==, 32);
      for (guint c = 1; c < row->len; c++)
        g_string_append_printf (line, "%s%s", c > 1 ? "|" : "", (char *) g_ptr_array_index (row, c));
      g_ptr_array_add (got, g_string_free (line, FALSE));
    }
  for (guint i = 0; i < f->resps->len; i++)
    {
      Resp *resp = g_ptr_array_index (f->resps, i);
      if (site == NULL || g_str_equal (site, resp->site))
        g_ptr_array_add (want, expected_csv_line (resp));
    }
  g_ptr_array_sort (got, compare_strings);
  g_ptr_array_sort (want, compare_strings);
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < got->len; i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, g_ptr_array_index (want, i));
}

/* pdftotext's view of a PDF, or NULL where poppler-utils is not installed. */
static char *
pdf_text (const char *pdf_path)
{
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *txt = g_strconcat (pdf_path, ".txt", NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { pdftotext, "-layout", pdf_path, txt, NULL };
  char *contents = NULL;
  int status = 0;

  if (pdftotext == NULL)
    return NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (txt, &contents, NULL, NULL));
  return contents;
}

/* Tests */

static void
test_codebook_path (void)
{
  static const char * const cases[][2] = {
    { "/tmp/out/report.csv", "/tmp/out/report-codebook.csv" },
    { "report.csv", "report-codebook.csv" },
    { "/tmp/a.b/report", "/tmp/a.b/report-codebook.csv" },
    { "/tmp/x/.hidden", "/tmp/x/.hidden-codebook.csv" },
    { "/tmp/x/r.2026.csv", "/tmp/x/r.2026-codebook.csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sayso_report_codebook_path (cases[i][0]);
      g_assert_cmpstr (got, ==, cases[i][1]);
    }
}

/* Submitted, exported, imported, reported: every figure of every format
 * equals the counts made here. */
static void
test_end_to_end (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261123);
  g_autofree char *html_site = NULL;
  g_autofree char *html_all = NULL;
  g_autofree char *html_days = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv_site = NULL;
  g_autofree char *codebook = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *pdf_path = g_build_filename (f->dir, "site.pdf", NULL);
  g_autofree char *text = NULL;
  Tally t;

  add_random_site (f, rand, "Liverpool North", 160);
  add_random_site (f, rand, "Cumbria", 90);
  add_random_site (f, rand, "Liverpool North", 40);   /* a second kiosk at the same site */

  html_site = report (f, SAYSO_REPORT_HTML, "Liverpool North", NULL, NULL, 3, "site.html");
  check_html_figures (f, html_site, "Liverpool North", NULL, NULL, 3);

  html_all = report (f, SAYSO_REPORT_HTML, NULL, NULL, NULL, 3, "all.html");
  check_html_figures (f, html_all, NULL, NULL, NULL, 3);
  g_assert_null (strstr (html_all, "national average"));

  html_days = report (f, SAYSO_REPORT_HTML, "Cumbria", "2026-10-02", "2026-10-15", 3, "days.html");
  check_html_figures (f, html_days, "Cumbria", "2026-10-02", "2026-10-15", 3);

  /* Self-contained: no fetch of anything. */
  g_assert_null (strstr (html_site, "src="));
  g_assert_null (strstr (html_site, "<link"));
  g_assert_null (strstr (html_site, "<script"));

  csv = report (f, SAYSO_REPORT_CSV, NULL, NULL, NULL, 3, "all.csv");
  check_csv (f, csv, NULL);
  csv_site = report (f, SAYSO_REPORT_CSV, "Cumbria", NULL, NULL, 3, "cumbria.csv");
  check_csv (f, csv_site, "Cumbria");
  {
    g_autofree char *path = g_build_filename (f->dir, "all-codebook.csv", NULL);
    g_assert_true (g_file_get_contents (path, &codebook, NULL, NULL));
  }
  g_assert_true (g_str_has_prefix (codebook, "\xEF\xBB\xBF" "question_id,kind,question,value,label\r\n"));

  pdf = report (f, SAYSO_REPORT_PDF, "Liverpool North", NULL, NULL, 3, "site.pdf");
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  if ((text = pdf_text (pdf_path)))
    {
      g_autofree char *total = NULL;
      g_autofree char *share = NULL;

      tally (f, "Liverpool North", NULL, NULL, &t);
      total = g_strdup_printf ("%" G_GINT64_FORMAT " people had their say", t.total);
      g_assert_nonnull (strstr (text, total));
      for (guint i = 0; i < 3; i++)
        {
          static const char * const q[] = { "biggest_issue", "how_often", "face_or_remote" };
          SaysoQuestion *question = sayso_questionnaire_lookup_question (survey, q[i]);
          for (guint o = 0; o < sayso_question_get_n_options (question); o++)
            {
              g_free (share);
              share = sayso_figures_format_share (t_count (&t, q[i], sayso_question_get_option_id (question, o)), t_answered (&t, q[i]));
              if (strstr (text, share) == NULL)
                g_error ("%s not in the PDF's text", share);
            }
        }
      g_assert_nonnull (strstr (text, "national average"));
      tally_clear (&t);
    }
  else
    g_test_message ("pdftotext not found: the PDF's text is not checked");
}

/* Builds the Liverpool North report (May 2023) from responses made to match
 * its counts, with a second site that makes the national averages it quotes. */
static void
build_liverpool_north (Fixture *f)
{
  g_autoptr(GPtrArray) lpool = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  g_autoptr(GPtrArray) other = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  /* "what has been good" for the 55 who named something (77 picks). */
  static const struct { const char *id; guint n; } good[] = {
    { "appointments", 9 }, { "probation_officer", 22 }, { "reception", 7 }, { "signposting", 10 },
    { "substance_misuse", 6 }, { "ete", 6 }, { "programmes", 9 }, { "mental_health", 8 },
  };
  static const char * const likert[] = { "strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "prefer_not_to_say" };
  /* Points per statement over the 78: strongly agree, agree, neither, disagree, strongly disagree, prefer not to say. */
  static const struct { const char *id; guint n[6]; } statements[] = {
    { "contact_officer",       { 30, 25, 10, 8, 3, 2 } },
    { "appointment_times",     { 28, 24, 12, 8, 4, 2 } },
    { "private_conversations", { 33, 27, 8, 6, 2, 2 } },
    { "feel_safe_office",      { 30, 29, 9, 6, 2, 2 } },   /* "3 in 4 feel safe": 59/78 = 76% */
    { "asked_views",           { 10, 25, 20, 15, 5, 3 } }, /* 35/78 = 45% */
    { "know_complaint",        { 25, 25, 10, 10, 5, 3 } },
    { "overall_happy",         { 15, 32, 16, 8, 7, 0 } },  /* "3 in 5 are happy": 47/78 = 60% */
  };
  GPtrArray *picks = g_ptr_array_new ();

  for (guint g = 0; g < G_N_ELEMENTS (good); g++)
    for (guint k = 0; k < good[g].n; k++)
      g_ptr_array_add (picks, (gpointer) good[g].id);
  g_assert_cmpuint (picks->len, ==, 77);

  /* 85 had their say: 10 online (self), 68 face to face (staff), 7 in-depth
   * interviews, entered from paper notes with their words only. */
  for (guint i = 0; i < 85; i++)
    {
      Resp *r = resp_new ("Liverpool North", "2023-03-14", i < 10 ? SAYSO_MODE_SELF : i < 78 ? SAYSO_MODE_STAFF : SAYSO_MODE_PAPER);

      g_ptr_array_add (lpool, r);
      if (i >= 78)
        {
          resp_set (r, "anything_else", "Interview notes: appointments always feel pointless.");
          continue;
        }
      resp_set (r, "biggest_issue", i < 7 ? "appointments" : i < 19 ? "travel" : i < 27 ? "probation_officer"
                                    : i < 71 ? "nothing_to_improve" : i < 74 ? "housing" : i < 76 ? "communication"
                                    : "mental_health");
      if (i < 23)
        resp_set (r, "what_good", "no_positives");
      else
        {
          const char *chosen[3] = { NULL };
          guint k = 0;
          for (guint p = i - 23; p < picks->len; p += 55)
            chosen[k++] = g_ptr_array_index (picks, p);
          resp_set_many (r, "what_good", chosen);
        }
      resp_set (r, "how_often", i < 47 ? "monthly" : i < 63 ? "fortnightly" : i < 72 ? "weekly" : "every_three_months");
      resp_set (r, "face_or_remote", i < 51 ? "face_to_face" : i < 67 ? "remote" : "mix");
      for (guint s = 0; s < G_N_ELEMENTS (statements); s++)
        {
          guint at = i;
          for (guint p = 0; p < 6; p++)
            {
              if (at < statements[s].n[p])
                {
                  resp_set (r, statements[s].id, likert[p]);
                  break;
                }
              at -= statements[s].n[p];
            }
        }
      /* 52 answered whether they needed services: 36 yes, 16 no. */
      if (i < 52)
        resp_set (r, "needed_services", i < 36 ? "yes" : "no");
      if (i < 36)
        {
          resp_set (r, "services_helped", i < 20 ? "agree" : "disagree");
          if (i < 35)
            resp_set (r, "services_relevant", i < 12 ? "agree" : "neither");      /* 34% (12/35) */
          resp_set (r, "services_reasonable_time", i < 19 ? "strongly_agree" : "disagree"); /* 53% (19/36) */
          if (i < 35)
            resp_set (r, "services_local", i < 27 ? "agree" : "disagree");       /* 77% (27/35) */
        }
      /* Demographics, with some groups of one or two. */
      resp_set (r, "gender", i < 70 ? "man" : i < 76 ? "woman" : "other");                 /* other: 2 */
      resp_set (r, "ethnicity", i < 64 ? "white" : i < 69 ? "mixed" : i < 70 ? "asian"    /* asian: 1 */
                                : i < 74 ? "black" : "prefer_not_to_say");
      resp_set (r, "age_band", i < 10 ? "18_24" : i < 40 ? "25_34" : i < 60 ? "35_44" : i < 75 ? "45_54" : "55_64"); /* 55-64: 3 */
      if (i < 4)
        resp_set (r, "induction", i == 0 ? "It was good, it was clear to me what they wanted me to do and what they can do to help me."
                                  : i == 1 ? "Was a shambles, because I was released from Preston but they intercepted me."
                                  : i == 2 ? "=1+1 is not a formula here, it is what someone wrote"
                                  : "It wasn't great, I don't remember it much, they took a while to see me though.");
    }

  /* Elsewhere: 122 more, so that over all 200 appointments are the biggest
   * issue for 20% (40/200) and travel for 9% (18/200), and reception is good
   * for 6% (12/200), lower than Liverpool North's 9%. */
  for (guint i = 0; i < 122; i++)
    {
      Resp *r = resp_new ("Elsewhere", "2023-03-20", SAYSO_MODE_SELF);
      g_ptr_array_add (other, r);
      resp_set (r, "biggest_issue", i < 33 ? "appointments" : i < 39 ? "travel" : i < 89 ? "nothing_to_improve"
                                    : i < 109 ? "probation_officer" : "housing");
      resp_set (r, "what_good", i < 5 ? "reception" : "probation_officer");
      resp_set (r, "how_often", "fortnightly");
    }
  g_ptr_array_unref (picks);

  kiosk_submit_export_import (f, "Liverpool North", lpool);
  kiosk_submit_export_import (f, "Elsewhere", other);
}

static void
test_seed_liverpool_north (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pdf_path = g_build_filename (f->dir, "liverpool-north.pdf", NULL);
  /* As the seed prints them: figure, question, option. */
  static const struct { const char *figure, *question, *option, *national; } figures[] = {
    { "9% (7/78)",   "biggest_issue", "appointments",      "20% (40/200)" },  /* "national average of 20%" */
    { "15% (12/78)", "biggest_issue", "travel",            "9% (18/200)" },   /* "national average is 9%" */
    { "10% (8/78)",  "biggest_issue", "probation_officer", NULL },
    { "56% (44/78)", "biggest_issue", "nothing_to_improve", NULL },
    { "12% (9/78)",  "what_good",     "appointments",      NULL },
    { "28% (22/78)", "what_good",     "probation_officer", NULL },
    { "9% (7/78)",   "what_good",     "reception",         "6% (12/200)" },   /* "higher than the national average" */
    { "29% (23/78)", "what_good",     "no_positives",      NULL },
    { "13% (10/78)", "what_good",     "signposting",       NULL },            /* "General signposting: 13%" */
    { "8% (6/78)",   "what_good",     "substance_misuse",  NULL },            /* "Substance misuse support: 8%" */
    { "8% (6/78)",   "what_good",     "ete",               NULL },            /* "Education, training and employment: 8%" */
    { "12% (9/78)",  "what_good",     "programmes",        NULL },            /* "Programmes and groups: 12%" */
    { "10% (8/78)",  "what_good",     "mental_health",     NULL },            /* "Mental health: 10%" */
    { "60% (47/78)", "how_often",     "monthly",           NULL },
    /* The seed prints "66% (51/78)"; 51/78 is 65.4% (see test_share). */
    { "65% (51/78)", "face_or_remote", "face_to_face",     NULL },
    { "69% (36/52)", "needed_services", "yes",             NULL },
  };
  static const struct { const char *figure, *question; } headlines[] = {
    { "45% (35/78)", "asked_views" },             /* "felt like probation services have asked for their views" */
    { "76% (59/78)", "feel_safe_office" },        /* "3 in 4 ... feel safe" */
    { "60% (47/78)", "overall_happy" },           /* "3 in 5 are happy" */
    { "34% (12/35)", "services_relevant" },       /* "34% have been able to access services relevant ..." */
    { "53% (19/36)", "services_reasonable_time" },/* "53% ... in a reasonable time" */
    { "77% (27/35)", "services_local" },          /* "77% ... in their local area" */
  };
  const char *seed_dir = g_getenv ("SAYSO_SOURCE_DIR");
  g_autofree char *seed = NULL;

  build_liverpool_north (f);
  html = report (f, SAYSO_REPORT_HTML, "Liverpool North", NULL, NULL, 3, "liverpool-north.html");

  /* "85 people had their say: 10 online surveys, 68 face to face surveys, 7 in-depth interviews" */
  g_assert_nonnull (strstr (html, "<h2 data-total=\"85\">85 people had their say</h2>"));
  g_assert_nonnull (strstr (html, "<tr data-mode=\"self\"><th scope=\"row\">Self-completed on the kiosk</th><td>10</td>"));
  g_assert_nonnull (strstr (html, "<tr data-mode=\"staff\"><th scope=\"row\">Completed with a member of staff</th><td>68</td>"));
  g_assert_nonnull (strstr (html, "<tr data-mode=\"paper\"><th scope=\"row\">On paper, entered by staff</th><td>7</td>"));

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    assert_row_cells (html, figures[i].question, figures[i].option, figures[i].figure, figures[i].national);
  for (guint i = 0; i < G_N_ELEMENTS (headlines); i++)
    assert_headline (html, headlines[i].question, headlines[i].figure);
  /* The headline of a choice: the most common answer, with its national average. */
  g_assert_nonnull (strstr (html, "<p class=\"headline\" data-q=\"biggest_issue\" data-v=\"nothing_to_improve\">"
                                  "<strong class=\"share\">56% (44/78)</strong>"));
  g_assert_nonnull (strstr (html, "<span class=\"national\">(national average 47%)</span>"));  /* (44+50)/200 */

  /* Ranked: nothing to improve, travel, my probation officer, appointments. */
  {
    const char *a = strstr (html, "data-q=\"biggest_issue\" data-v=\"nothing_to_improve\"><th");
    const char *b = strstr (html, "data-q=\"biggest_issue\" data-v=\"travel\"><th");
    const char *c = strstr (html, "data-q=\"biggest_issue\" data-v=\"probation_officer\"><th");
    const char *d = strstr (html, "data-q=\"biggest_issue\" data-v=\"appointments\"><th");
    g_assert_true (a && b && c && d && a < b && b < c && c < d);
  }

  /* A scale keeps its order: every week, every two weeks, every month ... */
  {
    const char *a = strstr (html, "data-q=\"how_often\" data-v=\"weekly\"><th");
    const char *b = strstr (html, "data-q=\"how_often\" data-v=\"fortnightly\"><th");
    const char *c = strstr (html, "data-q=\"how_often\" data-v=\"monthly\"><th");
    g_assert_true (a && b && c && a < b && b < c);
  }
  g_assert_nonnull (strstr (html, "<p class=\"headline\" data-q=\"how_often\" data-v=\"monthly\">"
                                  "<strong class=\"share\">60% (47/78)</strong>"));

  /* Small numbers: asian (1) and other gender (2) hide; 55-64 (3) shows. */
  assert_row_cells (html, "ethnicity", "asian", "<3", NULL);
  assert_row_cells (html, "gender", "other", "<3", NULL);
  assert_row_cells (html, "age_band", "55_64", "3", NULL);
  assert_row_cells (html, "ethnicity", "white", "64", NULL);

  /* The quotes, escaped, under their question. */
  g_assert_true (strstr (html, "<blockquote><p>It wasn&apos;t great, I don&apos;t remember it much, they took a while to see me though.</p></blockquote>") ||
                    strstr (html, "<blockquote><p>It wasn&#39;t great, I don&#39;t remember it much, they took a while to see me though.</p></blockquote>"));

  /* The same figures where the seed prints them, in the PDF. */
  pdf = report (f, SAYSO_REPORT_PDF, "Liverpool North", NULL, NULL, 3, "liverpool-north.pdf");
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  if ((text = pdf_text (pdf_path)))
    {
      for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
        if (strstr (text, figures[i].figure) == NULL)
          g_error ("%s not in the PDF", figures[i].figure);
      for (guint i = 0; i < G_N_ELEMENTS (headlines); i++)
        if (strstr (text, headlines[i].figure) == NULL)
          g_error ("%s not in the PDF", headlines[i].figure);
      g_assert_nonnull (strstr (text, "national average 20%"));
      g_assert_nonnull (strstr (text, "national average 9%"));
      g_assert_nonnull (strstr (text, "85 people had their say"));
    }

  /* SAYSO_TEST_KEEP_REPORTS=DIR keeps these reports, e.g. for
   * docs/report-example.png (see the README). */
  if (g_getenv ("SAYSO_TEST_KEEP_REPORTS"))
    {
      const char *keep = g_getenv ("SAYSO_TEST_KEEP_REPORTS");
      g_autofree char *keep_pdf = g_build_filename (keep, "liverpool-north.pdf", NULL);
      g_autofree char *keep_html = g_build_filename (keep, "liverpool-north.html", NULL);
      g_mkdir_with_parents (keep, 0700);
      g_autofree char *bytes = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (pdf_path, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (keep_pdf, bytes, len, NULL));
      g_assert_true (g_file_set_contents (keep_html, html, -1, NULL));
    }

  /* Where these figures come from, when the seeds are at hand. */
  if (seed_dir)
    {
      g_autofree char *path = g_build_filename (seed_dir, "..", "shared", "seeds", "000_9a43a9230572cb8f.txt", NULL);
      static const char * const printed[] = {
        "**9%** (7/78)", "**15%** (12/78)", "**10%** (8/78)", "**28%** (22/78)", "**12%** (9/78)",
        "**60%** (47/78)", "**66%** (51/78)", "**45%** (35/78)", "**29%** (23/78)", "**56%** (44/78)",
        "**69%** (36/52)", "national average of **20%**", "national average is **9%**",
      };
      if (g_file_get_contents (path, &seed, NULL, NULL))
        for (guint i = 0; i < G_N_ELEMENTS (printed); i++)
          g_assert_nonnull (strstr (seed, printed[i]));
    }
}

/* Fewer than 3 in a demographic cell shows as "<3"; configurable; 0 disables. */
static void
test_small_numbers (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  g_autofree char *html3 = NULL;
  g_autofree char *html5 = NULL;
  g_autofree char *html0 = NULL;
  static const char * const ages[] = { "18_24", "25_34", "25_34", "35_44", "35_44", "35_44",
                                       "45_54", "45_54", "45_54", "45_54", "45_54" };

  for (guint i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      Resp *r = resp_new ("Small", "2026-01-05", SAYSO_MODE_SELF);
      resp_set (r, "age_band", ages[i]);
      resp_set (r, "biggest_issue", i == 0 ? "housing" : "travel");
      g_ptr_array_add (resps, r);
    }
  kiosk_submit_export_import (f, "Small", resps);

  html3 = report (f, SAYSO_REPORT_HTML, NULL, NULL, NULL, 3, "3.html");
  assert_row_cells (html3, "age_band", "18_24", "<3", NULL);
  assert_row_cells (html3, "age_band", "25_34", "<3", NULL);
  assert_row_cells (html3, "age_band", "35_44", "3", NULL);
  assert_row_cells (html3, "age_band", "45_54", "5", NULL);
  assert_row_cells (html3, "age_band", "65_plus", "0", NULL);
  /* Neither the chart's text alternative nor its table gives the hidden
   * counts or the number who answered. */
  g_assert_null (strstr (html3, "18 to 24: 1"));
  g_assert_nonnull (strstr (html3, "18 to 24: &lt;3"));
  for (guint i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      g_autofree char *row = html_row (html3, "age_band", ages[i]);
      g_assert_null (strstr (row, "%"));
      g_assert_null (strstr (row, "/11"));
    }
  /* Not a demographic: the seeds print "1/11" figures as they are. */
  assert_row_cells (html3, "biggest_issue", "housing", "9% (1/11)", NULL);

  html5 = report (f, SAYSO_REPORT_HTML, NULL, NULL, NULL, 5, "5.html");
  assert_row_cells (html5, "age_band", "35_44", "<5", NULL);
  assert_row_cells (html5, "age_band", "45_54", "5", NULL);

  html0 = report (f, SAYSO_REPORT_HTML, NULL, NULL, NULL, 0, "0.html");
  assert_row_cells (html0, "age_band", "18_24", "1", NULL);
  assert_row_cells (html0, "age_band", "25_34", "2", NULL);
}

/* RFC 4180 with the traps in the answers: commas, quotes, line breaks,
 * formulas, Welsh letters; the codebook beside it. */
static void
test_csv (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  static const char * const texts[] = {
    "plain", "a, comma", "a \"quoted\" word", "two\nlines", "\tstarts with a tab", "=HYPERLINK(\"x\")",
    "+44 123", "-minus", "@sum", "Mae'n dda iawn – ŵ ŷ", "ends with a quote\"",
  };
  const char *both[] = { "travel", "reception", NULL };
  g_autofree char *csv = NULL;
  g_autofree char *codebook = NULL;
  g_autofree char *codebook_path = g_build_filename (f->dir, "answers-codebook.csv", NULL);
  g_autoptr(GPtrArray) rows = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      Resp *r = resp_new ("Cymru, \"North\"", "2026-02-0" "1", i % 2 ? SAYSO_MODE_STAFF : SAYSO_MODE_PAPER);
      r->language = i % 2 ? "cy" : "en";
      resp_set (r, "solutions", texts[i]);
      if (i == 0)
        resp_set_many (r, "what_good", both);
      g_ptr_array_add (resps, r);
    }
  kiosk_submit_export_import (f, "Cymru, \"North\"", resps);

  csv = report (f, SAYSO_REPORT_CSV, NULL, NULL, NULL, 3, "answers.csv");
  check_csv (f, csv, NULL);
  g_assert_nonnull (strstr (csv, ",\"'=HYPERLINK(\"\"x\"\")\","));
  g_assert_nonnull (strstr (csv, ",travel;reception,"));
  g_assert_nonnull (strstr (csv, ",\"Cymru, \"\"North\"\"\","));
  rows = parse_csv (csv);
  g_assert_cmpuint (rows->len, ==, 1 + G_N_ELEMENTS (texts));

  g_assert_true (g_file_get_contents (codebook_path, &codebook, NULL, NULL));
  g_assert_true (g_str_has_prefix (codebook, "\xEF\xBB\xBF" "question_id,kind,question,value,label\r\n"));
  g_assert_nonnull (strstr (codebook, "what_good,multiple,\"If anything, what has been good about your probation experience?\",travel,Travel (getting there and the cost)\r\n"));
  g_assert_nonnull (strstr (codebook, "joined by \"\";\"\""));
  g_assert_nonnull (strstr (codebook, "contact_officer,likert,I have been able to contact my probation officer when needed,strongly_agree,Strongly agree\r\n"));
  g_assert_nonnull (strstr (codebook, "mode,single,How the response was given,paper,"));
  g_assert_nonnull (strstr (codebook, "language,single,The language the survey was answered in,cy,Welsh (Cymraeg)\r\n"));
  g_assert_nonnull (strstr (codebook, "solutions,text,"));
  {
    g_autoptr(GPtrArray) book = parse_csv (codebook);
    for (guint i = 0; i < book->len; i++)
      g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (book, i))->len, ==, 5);
  }
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  g_autofree char *missing = g_build_filename (f->dir, "no-such-dir", "report.html", NULL);
  g_autofree char *out = g_build_filename (f->dir, "r.html", NULL);
  SaysoReportOptions options = { .format = SAYSO_REPORT_HTML, .out = out, .small_number = 3 };
  GError *error = NULL;
  Resp *r = resp_new ("Known", "2026-03-01", SAYSO_MODE_SELF);

  resp_set (r, "how_often", "weekly");
  g_ptr_array_add (resps, r);
  kiosk_submit_export_import (f, "Known", resps);

  options.site = "Unknown";
  g_assert_false (sayso_report_write (f->db, survey, &options, &error));
  g_assert_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_UNKNOWN_SITE);
  g_assert_nonnull (strstr (error->message, "“Known”"));
  g_clear_error (&error);
  options.site = NULL;

  options.from = "2026-13-01";
  g_assert_false (sayso_report_write (f->db, survey, &options, &error));
  g_assert_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID);
  g_clear_error (&error);
  options.from = "2026-03-02";
  options.to = "2026-03-01";
  g_assert_false (sayso_report_write (f->db, survey, &options, &error));
  g_assert_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID);
  g_clear_error (&error);
  options.from = options.to = NULL;

  options.language = "fr";
  g_assert_false (sayso_report_write (f->db, survey, &options, &error));
  g_assert_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID);
  g_clear_error (&error);
  options.language = NULL;

  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  /* Labels in Welsh. */
  options.language = "cy";
  g_assert_true (sayso_report_write (f->db, survey, &options, &error));
  g_assert_no_error (error);
  g_assert_true (test_file_contains (out, "<html lang=\"cy\">"));
  g_assert_true (test_file_contains (out, "Pa mor aml ydych chi&apos;n meddwl y dylech chi weld eich swyddog prawf?") ||
                 test_file_contains (out, "Pa mor aml ydych chi&#39;n meddwl y dylech chi weld eich swyddog prawf?"));
  g_assert_true (test_file_contains (out, "<tr data-q=\"how_often\" data-v=\"weekly\"><th scope=\"row\">Bob wythnos</th><td>100% (1/1)</td>"));
  g_assert_true (g_unlink (out) == 0);
  options.language = NULL;

  /* An unwritable place: an error, and nothing half-written. */
  options.out = missing;
  g_assert_false (sayso_report_write (f->db, survey, &options, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Replaced whole: a report over an old one. */
  g_assert_true (g_file_set_contents (out, "old", -1, NULL));
  options.out = out;
  g_assert_true (sayso_report_write (f->db, survey, &options, &error));
  g_assert_no_error (error);
  g_assert_true (test_file_contains (out, "</html>"));
  g_assert_false (test_file_contains (out, "old</"));
  {
    GStatBuf st;
    g_assert_cmpint (g_stat (out, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  }

  /* An empty period still makes a report. */
  options.from = "2020-01-01";
  options.to = "2020-01-31";
  g_assert_true (sayso_report_write (f->db, survey, &options, &error));
  g_assert_no_error (error);
  g_assert_true (test_file_contains (out, "<h2 data-total=\"0\">0 people had their say</h2>"));
  g_assert_true (test_file_contains (out, "<p class=\"note\" data-q=\"how_often\">No one answered this question.</p>"));
  g_assert_false (test_file_contains (out, "<tr data-q="));
}

/* Charts in the HTML: inline SVG with a title and a description, ids unique
 * over the page, and a table of the same figures. */
static void
test_svg (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autofree char *html = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_svg, n_title, n_desc, n_table;

  add_random_site (f, rand, "Dorset", 30);
  html = report (f, SAYSO_REPORT_HTML, "Dorset", NULL, NULL, 3, "dorset.html");

  n_svg = occurrences (html, "<svg ");
  n_title = occurrences (html, "<title id=\"c");
  n_desc = occurrences (html, "<desc id=\"c");
  n_table = occurrences (html, "<table>");
  g_assert_cmpuint (n_svg, >, 20);
  g_assert_cmpuint (n_title, ==, n_svg);
  g_assert_cmpuint (n_desc, ==, n_svg);
  g_assert_cmpuint (n_table, ==, n_svg);
  g_assert_cmpuint (occurrences (html, "role=\"img\""), ==, n_svg);
  g_assert_null (strstr (html, "<?xml"));

  for (const char *p = html; (p = strstr (p, " id=\"")); )
    {
      const char *end;
      p += 5;
      end = strchr (p, '"');
      g_assert_nonnull (end);
      if (!g_hash_table_add (ids, g_strndup (p, end - p)))
        g_error ("id %.*s twice", (int) (end - p), p);
    }
  g_assert_cmpuint (g_hash_table_size (ids), >, n_svg * 2);
}

/* The answers a CSV report reads back are JSON too: an analysis database
 * edited to hold 100,000 nested brackets is refused by `sayso report` (exit 1, as any failed report),
 * naming the response, instead of crashing it; the same database with the
 * answers at the limit (4) reports. */
static int
run_report (Fixture     *f,
            const char  *out,
            char       **err)
{
  g_autofree char *db_path = g_build_filename (f->dir, "analysis.db", NULL);
  const char *argv[] = { test_sayso_binary (), "report", "--db", db_path, "--format", "csv", "--out", out, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
set_answers (Fixture    *f,
             const char *answers)
{
  g_autofree char *db_path = g_build_filename (f->dir, "analysis.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE responses SET answers = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, answers, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_csv_deep_answers (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  Resp *r = resp_new ("Cumbria", "2026-02-01", SAYSO_MODE_SELF);
  g_autofree char *deep = g_strnfill (100000, '[');
  g_autofree char *deep_answers = g_strconcat ("{\"what_good\":", deep, NULL);
  g_autofree char *out = g_build_filename (f->dir, "deep.csv", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;

  resp_set (r, "how_often", "monthly");
  g_ptr_array_add (resps, r);
  kiosk_submit_export_import (f, "Cumbria", resps);

  set_answers (f, deep_answers);
  g_assert_cmpint (run_report (f, out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "the analysis database, response "));
  g_assert_nonnull (strstr (err, ":1:17: nested deeper than the 4 levels a record may have"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  set_answers (f, "{\"how_often\":\"monthly\",\"what_good\":[[[\"travel\"]]]}");
  g_assert_cmpint (run_report (f, out, &err2), ==, 0);
  g_assert_true (g_file_test (out, G_FILE_TEST_EXISTS));
}


/* Headlines, intervals, picked quotes and charts alone, through the real
 * `sayso` as an analyst runs it. */

/* n people at a site, the first `agree` of whom agree with question, the
 * rest disagree. */
static void
shaped_site (Fixture    *f,
             const char *site,
             guint       n,
             guint       agree,
             const char *question)
{
  g_autoptr(GPtrArray) resps = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);

  for (guint i = 0; i < n; i++)
    {
      Resp *r = resp_new (site, "2026-09-01", SAYSO_MODE_SELF);
      resp_set (r, question, i < agree ? "agree" : "disagree");
      g_ptr_array_add (resps, r);
    }
  kiosk_submit_export_import (f, site, resps);
}

/* `sayso report --db … --format FORMAT --out FILE [ARGS]`: its exit code;
 * *contents the file written (on success). */
static int
sayso_report (Fixture     *f,
              const char  *format,
              const char  *file,
              char       **contents,
              char       **err,
              ...) G_GNUC_NULL_TERMINATED;

static int
sayso_report (Fixture     *f,
              const char  *format,
              const char  *file,
              char       **contents,
              char       **err,
              ...)
{
  g_autofree char *db_path = g_build_filename (f->dir, "analysis.db", NULL);
  g_autofree char *out = g_build_filename (f->dir, file, NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) test_sayso_binary ());
  g_ptr_array_add (argv, "report");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db_path);
  g_ptr_array_add (argv, "--format");
  g_ptr_array_add (argv, (gpointer) format);
  g_ptr_array_add (argv, "--out");
  g_ptr_array_add (argv, out);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_remove (out);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) == 0 && contents)
    {
      g_assert_true (g_file_get_contents (out, contents, NULL, &error));
      g_assert_no_error (error);
    }
  return WEXITSTATUS (status);
}

/* The finding of question in the HTML, NULL if there is none; with its
 * direction ("higher", "lower", "same") checked. */
static const char *
html_finding (const char *html,
              const char *question,
              const char *direction)
{
  g_autofree char *start = g_strdup_printf ("<p class=\"finding\" data-q=\"%s\"", question);
  const char *p = strstr (html, start);
  g_autofree char *want = NULL;

  if (p == NULL)
    return NULL;
  want = g_strdup_printf ("data-direction=\"%s\">", direction);
  g_assert_true (strstr (p, want) != NULL && strstr (p, want) < strstr (p, "</p>"));
  return p;
}

/* A real difference is headlined, leading its section, in HTML and PDF:
 * 25% (20/80) agree at one site against 50% (80/160) at the others
 * (z = -3.7). Control: the report over all sites has no headline. */
static void
test_headline_difference (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *all = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pdf_path = g_build_filename (f->dir, "h.pdf", NULL);
  const char *finding, *section, *first_h3;

  shaped_site (f, "Liverpool North", 80, 20, "contact_officer");
  shaped_site (f, "Cumbria", 90, 45, "contact_officer");
  shaped_site (f, "Dorset", 70, 35, "contact_officer");

  g_assert_cmpint (sayso_report (f, "html", "h.html", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  finding = html_finding (html, "contact_officer", "lower");
  g_assert_nonnull (finding);
  g_assert_true (g_str_has_prefix (strstr (finding, "<strong>"),
                                   "<strong>THE SHARE WHO AGREE THAT “I HAVE BEEN ABLE TO CONTACT MY PROBATION OFFICER WHEN "
                                   "NEEDED” IN LIVERPOOL NORTH IS LOWER THAN THE REST OF THE COUNTRY</strong>: "
                                   "25% (20/80) against 50% (80/160)</p>"));
  /* One finding: the other statements were not answered. */
  g_assert_cmpuint (occurrences (html, "<p class=\"finding\""), ==, 1);
  /* It leads its section: after the section's heading, before its first question. */
  section = strstr (html, "<h2 data-section=\"officer_appointments\">");
  g_assert_nonnull (section);
  first_h3 = strstr (section, "<h3");
  g_assert_true (section < finding && finding < first_h3);
  /* The method is stated. */
  g_assert_nonnull (strstr (html, "two-proportion z-test at 95%"));

  g_assert_cmpint (sayso_report (f, "pdf", "h.pdf", &pdf, NULL, "--site", "Liverpool North", NULL), ==, 0);
  if ((text = pdf_text (pdf_path)))
    {
      g_autoptr(GRegex) space = g_regex_new ("\\s+", 0, 0, NULL);
      g_autofree char *one_line = g_regex_replace_literal (space, text, -1, 0, " ", 0, NULL);

      g_assert_nonnull (strstr (one_line, "IS LOWER THAN THE REST OF THE COUNTRY: 25% (20/80) against 50% (80/160)"));
    }

  /* Control: over all sites there is nothing to compare with. */
  g_assert_cmpint (sayso_report (f, "html", "all.html", &all, NULL, NULL), ==, 0);
  g_assert_null (strstr (all, "<p class=\"finding\""));
  g_assert_null (strstr (all, "two-proportion z-test"));
}


/* The same difference, 25% against 50%, among 20 and 40 people is not
 * headlined (below the minimum N of 30, and z = -1.9 in any case); nor is a
 * bigger one among 25 and 100 (z = -3.6) until --min-n lets it. Control:
 * --min-n 20 brings that one out. */
static void
test_headline_small_n (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *lower = NULL;
  g_autofree char *err = NULL;

  shaped_site (f, "Liverpool North", 20, 5, "contact_officer");
  shaped_site (f, "Cumbria", 40, 20, "contact_officer");
  shaped_site (f, "Liverpool North", 25, 5, "appointment_times");
  shaped_site (f, "Cumbria", 100, 60, "appointment_times");

  g_assert_cmpint (sayso_report (f, "html", "s.html", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_null (strstr (html, "<p class=\"finding\""));
  g_assert_nonnull (strstr (html, "fewer than 30 people who answered"));
  g_free (html);
  html = NULL;

  /* Control: with --min-n 20 the second is headlined; the first is still
   * not (not a difference at this N, and too wide a gap to be "about the
   * same"), nor at 26 the second. */
  g_assert_cmpint (sayso_report (f, "html", "s.html", &html, NULL, "--site", "Liverpool North", "--min-n", "20", NULL), ==, 0);
  g_assert_null (html_finding (html, "contact_officer", "same"));
  g_assert_nonnull (html_finding (html, "appointment_times", "lower"));
  g_assert_cmpuint (occurrences (html, "<p class=\"finding\""), ==, 1);
  g_assert_cmpint (sayso_report (f, "html", "l.html", &lower, NULL, "--site", "Liverpool North", "--min-n", "26", NULL), ==, 0);
  g_assert_null (strstr (lower, "<p class=\"finding\""));

  g_assert_cmpint (sayso_report (f, "html", "x.html", NULL, &err, "--site", "Liverpool North", "--min-n", "0", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--min-n must be 1 or more"));
}

/* Equal shares say "about the same": 50% (40/80) against 50% (80/160), and
 * nothing says "higher" or "lower". Control: 40% against 50% at the same N
 * (z = -1.5, not a difference at 95%) is ten points apart: no finding. */
static void
test_headline_same (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *html = NULL;
  const char *finding;

  shaped_site (f, "Liverpool North", 80, 40, "contact_officer");
  shaped_site (f, "Cumbria", 160, 80, "contact_officer");

  g_assert_cmpint (sayso_report (f, "html", "e.html", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  finding = html_finding (html, "contact_officer", "same");
  g_assert_nonnull (finding);
  g_assert_true (g_str_has_prefix (strstr (finding, "<strong>"),
                                   "<strong>THE SHARE WHO AGREE THAT “I HAVE BEEN ABLE TO CONTACT MY PROBATION OFFICER WHEN "
                                   "NEEDED” IN LIVERPOOL NORTH IS ABOUT THE SAME AS THE REST OF THE COUNTRY</strong>: "
                                   "50% (40/80) against 50% (80/160)</p>"));
  g_assert_null (strstr (html, "data-direction=\"higher\""));
  g_assert_null (strstr (html, "data-direction=\"lower\""));

  shaped_site (f, "Dorset", 80, 32, "appointment_times");
  shaped_site (f, "Cumbria", 160, 80, "appointment_times");
  g_clear_pointer (&html, g_free);
  g_assert_cmpint (sayso_report (f, "html", "d.html", &html, NULL, "--site", "Dorset", NULL), ==, 0);
  g_assert_null (strstr (html, "<p class=\"finding\" data-q=\"appointment_times\""));
}

/* A cell the report would hide never yields a headline: 2 of 80 agree at
 * the site against 80 of 160 (z = -7): with the small number 3 there is no
 * finding; control: --small-number 0 shows it. */
static void
test_headline_suppressed (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *figures = NULL;
  g_autofree char *figures_path = g_build_filename (f->dir, "p-figures.csv", NULL);

  shaped_site (f, "Liverpool North", 80, 2, "contact_officer");
  shaped_site (f, "Cumbria", 160, 80, "contact_officer");

  g_assert_cmpint (sayso_report (f, "html", "p.html", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_null (strstr (html, "<p class=\"finding\""));
  g_assert_cmpint (sayso_report (f, "csv", "p.csv", &csv, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_true (g_file_get_contents (figures_path, &figures, NULL, NULL));
  g_assert_null (strstr (figures, "headline_"));
  g_free (figures);
  figures = NULL;

  g_assert_cmpint (sayso_report (f, "html", "q.html", &shown, NULL, "--site", "Liverpool North", "--small-number", "0", NULL), ==, 0);
  g_assert_nonnull (html_finding (shown, "contact_officer", "lower"));
  g_free (csv);
  csv = NULL;
  g_assert_cmpint (sayso_report (f, "csv", "p.csv", &csv, NULL, "--site", "Liverpool North", "--small-number", "0", NULL), ==, 0);
  g_assert_true (g_file_get_contents (figures_path, &figures, NULL, NULL));
  /* The headline as rows of its own kind: the site, then the rest. */
  g_assert_nonnull (strstr (figures, "\r\nheadline_lower,officer_appointments,contact_officer,agree,Liverpool North,2,80,3,,,"));
  g_assert_nonnull (strstr (figures, "\r\nheadline_lower,officer_appointments,contact_officer,agree,rest of the country,80,160,50,,,"));
}

/* --intervals puts each share's Wilson 95% interval beside it in the HTML
 * table, the PDF's charts and the figures CSV: 7/78 is 4.4–17.4%.
 * Control: without it, no interval anywhere. */
static void
test_intervals (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *figures = NULL;
  g_autofree char *pdf_path = g_build_filename (f->dir, "i.pdf", NULL);
  g_autofree char *figures_path = g_build_filename (f->dir, "i-figures.csv", NULL);

  build_liverpool_north (f);
  g_assert_cmpint (sayso_report (f, "html", "i.html", &html, NULL, "--site", "Liverpool North", "--intervals", NULL), ==, 0);
  assert_row_cells (html, "biggest_issue", "appointments", "9% (7/78) [4.4–17.4%]", "20% (40/200) [15.0–26.1%]");
  g_assert_nonnull (strstr (html, "Wilson 95% interval"));

  g_assert_cmpint (sayso_report (f, "pdf", "i.pdf", &pdf, NULL, "--site", "Liverpool North", "--intervals", NULL), ==, 0);
  if ((text = pdf_text (pdf_path)))
    g_assert_nonnull (strstr (text, "[4.4–17.4%]"));

  g_assert_cmpint (sayso_report (f, "csv", "i.csv", &csv, NULL, "--site", "Liverpool North", "--intervals", NULL), ==, 0);
  g_assert_true (g_file_get_contents (figures_path, &figures, NULL, NULL));
  g_assert_nonnull (strstr (figures, "\r\nshare,good_and_hard,biggest_issue,appointments,Liverpool North,7,78,9,4.4,17.4,\r\n"));

  /* Control. */
  g_assert_cmpint (sayso_report (f, "html", "n.html", &plain, NULL, "--site", "Liverpool North", NULL), ==, 0);
  assert_row_cells (plain, "biggest_issue", "appointments", "9% (7/78)", "20% (40/200)");
  g_assert_null (strstr (plain, "17.4%"));
  g_free (figures);
  figures = NULL;
  g_free (csv);
  csv = NULL;
  g_assert_cmpint (sayso_report (f, "csv", "i.csv", &csv, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_true (g_file_get_contents (figures_path, &figures, NULL, NULL));
  g_assert_nonnull (strstr (figures, "\r\nshare,good_and_hard,biggest_issue,appointments,Liverpool North,7,78,9,,,\r\n"));
}


/* `sayso quotes --db … ARGS`: its exit code. */
static int
sayso_quotes (Fixture     *f,
              char       **out,
              char       **err,
              const char  *arg1,
              const char  *arg2,
              const char  *arg3)
{
  g_autofree char *db_path = g_build_filename (f->dir, "analysis.db", NULL);
  return test_run_sayso (NULL, out, err, "quotes", "--db", db_path, arg1, arg2, arg3, NULL);
}

/* The listing as text → reference. */
static GHashTable *
quote_refs (Fixture *f)
{
  GHashTable *refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *ref = NULL;

  g_assert_cmpint (sayso_quotes (f, &out, NULL, NULL, NULL, NULL), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      if (g_str_has_prefix (lines[i], "    "))
        {
          /* The same words given twice: each has its own ref; the first is kept here. */
          g_assert_nonnull (ref);
          if (!g_hash_table_contains (refs, lines[i] + 4))
            g_hash_table_insert (refs, g_strdup (lines[i] + 4), g_steal_pointer (&ref));
          g_clear_pointer (&ref, g_free);
        }
      else if (lines[i][0] && !strchr (lines[i], ':'))
        {
          g_auto(GStrv) words = g_strsplit (lines[i], " ", 2);
          g_clear_pointer (&ref, g_free);
          ref = g_strdup (words[0]);
          /* Six characters of base32. */
          g_assert_cmpuint (strlen (ref), ==, 6);
          for (guint c = 0; ref[c]; c++)
            g_assert_true ((ref[c] >= 'A' && ref[c] <= 'Z') || (ref[c] >= '2' && ref[c] <= '7'));
        }
    }
  return refs;
}

static void
quote_resp (GPtrArray  *resps,
            const char *site,
            const char *question,
            const char *text)
{
  Resp *r = resp_new (site, "2026-09-01", SAYSO_MODE_SELF);
  resp_set (r, "overall_happy", "agree");
  resp_set (r, question, text);
  g_ptr_array_add (resps, r);
}

/* The reference an answer would have under key (NULL: unkeyed), as
 * sayso-quotes.h defines it: base32 of BLAKE2b-128 of kiosk, id and
 * question, cut to 6. */
static char *
expected_ref (const guint8 *key,
              const guint8 *kiosk,
              const guint8 *id,
              const char   *question)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  crypto_generichash_state state;
  guint8 hash[16];
  guint bits = 0, value = 0;
  GString *out = g_string_new (NULL);

  crypto_generichash_init (&state, key, key ? 32 : 0, sizeof hash);
  crypto_generichash_update (&state, kiosk, 32);
  crypto_generichash_update (&state, id, 16);
  crypto_generichash_update (&state, (const guint8 *) question, strlen (question) + 1);
  crypto_generichash_final (&state, hash, sizeof hash);
  for (guint i = 0; i < sizeof hash && out->len < 6; i++)
    {
      value = (value << 8) | hash[i];
      bits += 8;
      while (bits >= 5 && out->len < 6)
        {
          g_string_append_c (out, alphabet[(value >> (bits - 5)) & 31]);
          bits -= 5;
        }
    }
  return g_string_free (out, FALSE);
}

/* Every answer's reference worked out from the database's rows: with the
 * quotes' key, and without it. */
static void
check_refs_keyed (Fixture    *f,
                  GHashTable *refs)
{
  g_autofree char *db_path = g_build_filename (f->dir, "analysis.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint8 key[32];
  guint n = 0;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT key FROM quote_key", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_bytes (stmt, 0), ==, 32);
  memcpy (key, sqlite3_column_blob (stmt, 0), 32);
  sqlite3_finalize (stmt);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT r.kiosk, r.id, a.key, a.value FROM responses r, json_each (r.answers) a"
                                           " WHERE a.key IN ('solutions', 'induction')", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const guint8 *kiosk = sqlite3_column_blob (stmt, 0), *id = sqlite3_column_blob (stmt, 1);
      const char *question = (const char *) sqlite3_column_text (stmt, 2);
      const char *text = (const char *) sqlite3_column_text (stmt, 3);
      g_autofree char *keyed = expected_ref (key, kiosk, id, question);
      g_autofree char *unkeyed = expected_ref (NULL, kiosk, id, question);
      g_autofree char *id_hex = sayso_hex (id, 16);
      g_autofree char *lower = g_ascii_strdown (g_hash_table_lookup (refs, text), -1);

      /* Control: with the database's key, the very reference listed, so the
       * next checks would see an unkeyed one. */
      g_assert_cmpstr (g_hash_table_lookup (refs, text), ==, keyed);
      /* Without the key (anyone with the bundle's record ids): another. */
      g_assert_cmpstr (g_hash_table_lookup (refs, text), !=, unkeyed);
      g_assert_null (strstr (id_hex, lower));
      n++;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  sodium_memzero (key, sizeof key);
  g_assert_cmpuint (n, ==, g_hash_table_size (refs));
}

/* The quotes in HTML: each picked one, exactly once. */
static guint
picked_quotes (const char *html)
{
  return occurrences (html, "<blockquote class=\"picked\"");
}

/* Pick two quotes with `sayso quotes --pick`: the report shows exactly those,
 * under their questions in their section, in the HTML and the PDF; unpick
 * one and it goes; the references are the same after importing the same
 * bundles again; an unknown reference is named and nothing is picked.
 * Controls: before picking the report shows no quote; --all-quotes lists
 * every answer in an appendix. The references are keyed: the database's
 * key gives them, the record ids alone (which bundles hold) do not. */
static void
test_picked_quotes (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) a = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  g_autoptr(GPtrArray) b = g_ptr_array_new_with_free_func ((GDestroyNotify) resp_free);
  g_autoptr(GHashTable) refs = NULL;
  g_autoptr(GHashTable) again = NULL;
  g_autofree char *html = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pdf_path = g_build_filename (f->dir, "q.pdf", NULL);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  static const char * const texts[] = { "Idea A1: more evening slots.", "Idea A2: a quiet room to talk.",
                                        "Idea A3: text reminders.", "Induction A: it was clear.",
                                        "Idea B1: a bus pass.", "Idea B2: fewer forms." };
  const char *section, *solutions, *induction, *appendix;
  GHashTableIter iter;
  gpointer key, value;
  GDir *dir;
  const char *name;

  quote_resp (a, "Liverpool North", "solutions", texts[0]);
  quote_resp (a, "Liverpool North", "solutions", texts[1]);
  quote_resp (a, "Liverpool North", "solutions", texts[2]);
  quote_resp (a, "Liverpool North", "induction", texts[3]);
  quote_resp (b, "Cumbria", "solutions", texts[4]);
  quote_resp (b, "Cumbria", "solutions", texts[5]);
  kiosk_submit_export_import (f, "Liverpool North", a);
  kiosk_submit_export_import (f, "Cumbria", b);

  refs = quote_refs (f);
  g_assert_cmpuint (g_hash_table_size (refs), ==, G_N_ELEMENTS (texts));
  check_refs_keyed (f, refs);

  /* Control: nothing picked, no quote in the report; all in the appendix when asked. */
  g_assert_cmpint (sayso_report (f, "html", "q.html", &html, NULL, NULL), ==, 0);
  g_assert_cmpuint (picked_quotes (html), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_assert_null (strstr (html, texts[i]));
  g_clear_pointer (&html, g_free);
  g_assert_cmpint (sayso_report (f, "html", "q.html", &html, NULL, "--all-quotes", NULL), ==, 0);
  appendix = strstr (html, "Appendix: in their own words");
  g_assert_nonnull (appendix);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    g_assert_true (strstr (html, texts[i]) > appendix);
  g_clear_pointer (&html, g_free);

  /* An unknown reference is named, and the good one beside it is not picked. */
  g_assert_cmpint (sayso_quotes (f, NULL, &err, "--pick", g_hash_table_lookup (refs, texts[1]), "ZZZZZZ"), ==, 2);
  g_assert_nonnull (strstr (err, "“ZZZZZZ”"));
  g_assert_nonnull (strstr (err, "nothing picked"));
  g_assert_cmpint (sayso_report (f, "html", "q.html", &html, NULL, NULL), ==, 0);
  g_assert_cmpuint (picked_quotes (html), ==, 0);
  g_clear_pointer (&html, g_free);

  /* Pick two, one of each question at Liverpool North (in lower case: refs are read either way). */
  {
    g_autofree char *lower = g_ascii_strdown (g_hash_table_lookup (refs, texts[3]), -1);
    g_assert_cmpint (sayso_quotes (f, &out, NULL, "--pick", g_hash_table_lookup (refs, texts[1]), lower), ==, 0);
    g_assert_nonnull (strstr (out, "Picked 2 quotes"));
  }
  g_assert_cmpint (sayso_report (f, "html", "q.html", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_cmpuint (picked_quotes (html), ==, 2);
  section = strstr (html, "<h2 data-section=\"your_ideas\">");
  induction = strstr (html, "<h3 data-q=\"induction\">");
  solutions = strstr (html, "<h3 data-q=\"solutions\">");
  g_assert_true (section && induction && solutions && section < induction && induction < solutions);
  {
    const char *q1 = strstr (html, "<blockquote class=\"picked\" data-q=\"induction\"><p>Induction A: it was clear.</p>");
    const char *q2 = strstr (html, "<blockquote class=\"picked\" data-q=\"solutions\"><p>Idea A2: a quiet room to talk.</p>");
    g_assert_true (q1 && q2 && induction < q1 && q1 < solutions && solutions < q2);
  }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    if (i != 1 && i != 3)
      g_assert_null (strstr (html, texts[i]));
  g_assert_null (strstr (html, "Appendix"));

  g_assert_cmpint (sayso_report (f, "pdf", "q.pdf", &pdf, NULL, "--site", "Liverpool North", NULL), ==, 0);
  if ((text = pdf_text (pdf_path)))
    {
      g_assert_nonnull (strstr (text, texts[1]));
      g_assert_nonnull (strstr (text, texts[3]));
      for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
        if (i != 1 && i != 3)
          g_assert_null (strstr (text, texts[i]));
    }
  g_clear_pointer (&html, g_free);

  /* The other site's report shows none of them. */
  g_assert_cmpint (sayso_report (f, "html", "c.html", &html, NULL, "--site", "Cumbria", NULL), ==, 0);
  g_assert_cmpuint (picked_quotes (html), ==, 0);
  g_clear_pointer (&html, g_free);

  /* The same bundles imported again: the same references, the picks kept. */
  dir = g_dir_open (stick, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (stick, name, NULL);
      g_autoptr(GError) error = NULL;
      SaysoImportResult imported = { 0 };

      g_assert_true (sayso_import_bundle (f->db, path, f->sk, f->questionnaires, TRUE, &imported, &error));
      g_assert_no_error (error);
      g_assert_cmpint (imported.added, ==, 0);
      sayso_import_result_clear (&imported);
    }
  g_dir_close (dir);
  again = quote_refs (f);
  g_assert_cmpuint (g_hash_table_size (again), ==, g_hash_table_size (refs));
  g_hash_table_iter_init (&iter, refs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_assert_cmpstr (g_hash_table_lookup (again, key), ==, value);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (sayso_quotes (f, &out, NULL, "--question", "induction", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "picked"));
  g_assert_nonnull (strstr (out, texts[3]));
  g_assert_null (strstr (out, texts[1]));

  /* Unpick one: the other stays. */
  g_assert_cmpint (sayso_quotes (f, NULL, NULL, "--unpick", g_hash_table_lookup (refs, texts[1]), NULL), ==, 0);
  g_assert_cmpint (sayso_report (f, "html", "q.html", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_cmpuint (picked_quotes (html), ==, 1);
  g_assert_nonnull (strstr (html, texts[3]));
  g_assert_null (strstr (html, texts[1]));
}


/* An SVG file as XML: its root element and its width and height in points. */
typedef struct
{
  guint   depth;
  char   *root;
  char   *xmlns;
  double  width, height;
} SvgCheck;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgCheck *check = user_data;

  if (check->depth++ > 0)
    return;
  check->root = g_strdup (element);
  for (guint i = 0; names[i]; i++)
    if (g_str_equal (names[i], "xmlns"))
      check->xmlns = g_strdup (values[i]);
    else if (g_str_equal (names[i], "width"))
      check->width = g_ascii_strtod (values[i], NULL);
    else if (g_str_equal (names[i], "height"))
      check->height = g_ascii_strtod (values[i], NULL);
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  ((SvgCheck *) user_data)->depth--;
}

static gboolean
parse_svg (const char  *text,
           SvgCheck    *check,
           GError     **error)
{
  static const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, check, NULL);

  return g_markup_parse_context_parse (context, text, -1, error) && g_markup_parse_context_end_parse (context, error);
}

static cairo_status_t
read_from_bytes (void          *closure,
                 unsigned char *data,
                 unsigned int   length)
{
  GBytes **rest = closure;
  gsize size;
  const guint8 *p = g_bytes_get_data (*rest, &size);
  GBytes *next;

  if (length > size)
    return CAIRO_STATUS_READ_ERROR;
  memcpy (data, p, length);
  next = g_bytes_new_from_bytes (*rest, length, size - length);
  g_bytes_unref (*rest);
  *rest = next;
  return CAIRO_STATUS_SUCCESS;
}

/* A PNG read back by cairo: its size, or FALSE if it is not one. */
static gboolean
read_png (const char *bytes,
          gsize       len,
          int        *width,
          int        *height)
{
  GBytes *rest = g_bytes_new (bytes, len);
  cairo_surface_t *surface;
  gboolean ok;

  if (len < 8 || memcmp (bytes, "\x89PNG\r\n\x1a\n", 8) != 0)
    {
      g_bytes_unref (rest);
      return FALSE;
    }
  surface = cairo_image_surface_create_from_png_stream (read_from_bytes, &rest);
  ok = cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS;
  if (ok)
    {
      *width = cairo_image_surface_get_width (surface);
      *height = cairo_image_surface_get_height (surface);
    }
  cairo_surface_destroy (surface);
  g_bytes_unref (rest);
  return ok;
}

/* --charts DIR writes each chart of the report alone, as SVG and PNG,
 * named by section and question: one of each per chart of the HTML, each a
 * valid SVG (parsed as XML) and PNG (read back by cairo) of a sensible size.
 * Controls: without --charts no folder is made; a cut SVG and a cut PNG fail
 * the same checks. */
static void
test_charts_alone (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *html = NULL;
  g_autofree char *charts = g_build_filename (f->dir, "charts", NULL);
  g_autoptr(GPtrArray) svgs = g_ptr_array_new_with_free_func (g_free);
  guint n_pngs = 0;
  GDir *dir;
  const char *name;

  build_liverpool_north (f);
  g_assert_cmpint (sayso_report (f, "html", "c.html", &html, NULL, "--site", "Liverpool North", "--charts", charts, NULL), ==, 0);
  g_assert_cmpuint (occurrences (html, "<figure>"), >, 10);

  dir = g_dir_open (charts, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (charts, name, NULL);
      g_autofree char *bytes = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
      if (g_str_has_suffix (name, ".svg"))
        {
          g_autoptr(GError) error = NULL;
          SvgCheck check = { 0 };
          g_autofree char *png = g_strndup (name, strlen (name) - 4);
          g_autofree char *png_path = NULL;

          g_assert_true (g_str_has_prefix (bytes, "<?xml version=\"1.0\""));
          g_assert_true (parse_svg (bytes, &check, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (check.root, ==, "svg");
          g_assert_cmpstr (check.xmlns, ==, "http://www.w3.org/2000/svg");
          g_assert_cmpfloat (check.width, ==, 480);
          g_assert_cmpfloat (check.height, >, 30);
          g_assert_cmpfloat (check.height, <, 2000);
          g_free (check.root);
          g_free (check.xmlns);
          png_path = g_strconcat (charts, G_DIR_SEPARATOR_S, png, ".png", NULL);
          g_assert_true (g_file_test (png_path, G_FILE_TEST_IS_REGULAR));
          g_ptr_array_add (svgs, g_strdup (name));

          /* Control: the same file cut short is not XML. */
          {
            g_autoptr(GError) cut_error = NULL;
            g_autofree char *cut = g_strndup (bytes, len / 2);
            SvgCheck cut_check = { 0 };
            g_assert_false (parse_svg (cut, &cut_check, &cut_error));
            g_free (cut_check.root);
            g_free (cut_check.xmlns);
          }
        }
      else if (g_str_has_suffix (name, ".png"))
        {
          int width = 0, height = 0;

          g_assert_true (read_png (bytes, len, &width, &height));
          g_assert_cmpint (width, ==, 960);
          g_assert_cmpint (height, >, 60);
          g_assert_cmpint (height, <, 4000);
          n_pngs++;
          /* Control: cut short, it is not read as a PNG. */
          g_assert_false (read_png (bytes, len / 2, &width, &height));
        }
      else
        g_error ("%s: neither an SVG nor a PNG", name);
    }
  g_dir_close (dir);

  /* One of each per chart, named by section and question. */
  g_assert_cmpuint (svgs->len, ==, occurrences (html, "<figure>"));
  g_assert_cmpuint (n_pngs, ==, svgs->len);
  g_assert_true (g_ptr_array_find_with_equal_func (svgs, "had_their_say.svg", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (svgs, "officer_appointments-contact_officer.svg", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (svgs, "good_and_hard-biggest_issue.svg", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (svgs, "about_you-gender.svg", g_str_equal, NULL));

  /* Control: the same report without --charts writes no chart alone. */
  test_remove_tree (charts);
  g_clear_pointer (&html, g_free);
  g_assert_cmpint (sayso_report (f, "pdf", "c.pdf", &html, NULL, "--site", "Liverpool North", NULL), ==, 0);
  g_assert_false (g_file_test (charts, G_FILE_TEST_EXISTS));
}


/* The report of the README (docs/report-headlines.png): Liverpool North as
 * its inspection report has it, beside two more sites, two quotes picked,
 * intervals shown, as a PDF through `sayso`. Its headline and quotes are
 * checked in the PDF's text; SAYSO_TEST_KEEP_REPORTS=DIR keeps it. */
static void
test_demo_headlines (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  g_autoptr(GHashTable) refs = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *one_line = NULL;
  g_autofree char *pdf_path = g_build_filename (f->dir, "report-headlines.pdf", NULL);
  g_autoptr(GRegex) space = g_regex_new ("\\s+", 0, 0, NULL);
  const char *picked[] = {
    "It was good, it was clear to me what they wanted me to do and what they can do to help me.",
    "Was a shambles, because I was released from Preston but they intercepted me.",
  };

  build_liverpool_north (f);
  add_random_site (f, rand, "Cumbria", 90);
  add_random_site (f, rand, "Dorset", 70);
  refs = quote_refs (f);
  g_assert_cmpint (sayso_quotes (f, NULL, NULL, "--pick", g_hash_table_lookup (refs, picked[0]),
                                 g_hash_table_lookup (refs, picked[1])), ==, 0);

  g_assert_cmpint (sayso_report (f, "pdf", "report-headlines.pdf", &pdf, NULL, "--site", "Liverpool North",
                                 "--intervals", NULL), ==, 0);
  if (g_getenv ("SAYSO_TEST_KEEP_REPORTS"))
    {
      const char *keep = g_getenv ("SAYSO_TEST_KEEP_REPORTS");
      g_autofree char *keep_pdf = g_build_filename (keep, "report-headlines.pdf", NULL);
      g_autofree char *bytes = NULL;
      gsize len = 0;

      g_mkdir_with_parents (keep, 0700);
      g_assert_true (g_file_get_contents (pdf_path, &bytes, &len, NULL));
      g_assert_true (g_file_set_contents (keep_pdf, bytes, len, NULL));
    }
  if ((text = pdf_text (pdf_path)))
    {
      one_line = g_regex_replace_literal (space, text, -1, 0, " ", 0, NULL);
      g_assert_nonnull (strstr (one_line, "WHEN NEEDED” IN LIVERPOOL NORTH IS HIGHER THAN THE REST OF THE COUNTRY: 71% (55/78) against"));
      for (guint i = 0; i < G_N_ELEMENTS (picked); i++)
        {
          g_autofree char *flat = g_regex_replace_literal (space, picked[i], -1, 0, " ", 0, NULL);
          g_assert_nonnull (strstr (one_line, flat));
        }
      /* The two other induction answers were not picked. */
      g_assert_null (strstr (one_line, "took a while to see me"));
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

  g_test_add_func ("/report/codebook-path", test_codebook_path);
  g_test_add ("/report/end-to-end", Fixture, NULL, fixture_setup, test_end_to_end, fixture_teardown);
  g_test_add ("/report/seed-liverpool-north", Fixture, NULL, fixture_setup, test_seed_liverpool_north, fixture_teardown);
  g_test_add ("/report/small-numbers", Fixture, NULL, fixture_setup, test_small_numbers, fixture_teardown);
  g_test_add ("/report/csv", Fixture, NULL, fixture_setup, test_csv, fixture_teardown);
  g_test_add ("/report/csv-deep-answers", Fixture, NULL, fixture_setup, test_csv_deep_answers, fixture_teardown);
  g_test_add ("/report/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/report/svg", Fixture, NULL, fixture_setup, test_svg, fixture_teardown);
  g_test_add ("/report/headline-difference", Fixture, NULL, fixture_setup, test_headline_difference, fixture_teardown);
  g_test_add ("/report/headline-small-n", Fixture, NULL, fixture_setup, test_headline_small_n, fixture_teardown);
  g_test_add ("/report/headline-same", Fixture, NULL, fixture_setup, test_headline_same, fixture_teardown);
  g_test_add ("/report/headline-suppressed", Fixture, NULL, fixture_setup, test_headline_suppressed, fixture_teardown);
  g_test_add ("/report/intervals", Fixture, NULL, fixture_setup, test_intervals, fixture_teardown);
  g_test_add ("/report/picked-quotes", Fixture, NULL, fixture_setup, test_picked_quotes, fixture_teardown);
  g_test_add ("/report/charts-alone", Fixture, NULL, fixture_setup, test_charts_alone, fixture_teardown);
  g_test_add ("/report/demo-headlines", Fixture, NULL, fixture_setup, test_demo_headlines, fixture_teardown);

  status = g_test_run ();
  g_object_unref (survey);
  return status;
}
