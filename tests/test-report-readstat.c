/* The SPSS and Stata files (`sayso report --format sav|dta`), read back by
 * readers that share no code with the writer: GNU PSPP for .sav, R's haven
 * for .dta (haven reads through its own copy of ReadStat's reader; PSPP
 * 1.6 has its own reader, of .sav only).
 *
 * Responses go the whole way, as in test-report.c: submitted to kiosk
 * stores, exported, imported into an analysis database; the files are
 * written by the real `sayso` and compared, case by case, with the CSV of
 * the same database, and with what the test itself submitted.
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "sayso-export.h"
#include "sayso-import.h"
#include "sayso-process.h"
#include "sayso-report.h"
#include "sayso-test-utils.h"
#include "sayso-test-vfs.h"

static SaysoQuestionnaire *survey;

/* The analysts' side: a key pair, an analysis database, a folder; the
 * kiosks' fingerprints by site (one kiosk a site). */
typedef struct
{
  char               *dir;
  char               *db_path;
  guint8              pk[SAYSO_BOX_PUBLIC_KEY_SIZE];
  guint8              sk[SAYSO_BOX_SECRET_KEY_SIZE];
  SaysoAnalysisDb    *db;
  SaysoQuestionnaire *survey;
  GHashTable         *kiosks;
  guint               n_kiosks;
  guint               n_resps;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = test_make_tmp_dir ();
  sayso_recipient_keypair_new (f->pk, f->sk);
  f->db_path = g_build_filename (f->dir, "analysis.db", NULL);
  f->db = sayso_analysis_db_open (f->db_path, TRUE, &error);
  g_assert_no_error (error);
  f->survey = g_object_ref (survey);
  f->kiosks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_unsetenv ("SAYSO_TODAY");
  g_clear_pointer (&f->db, sayso_analysis_db_close);
  g_clear_object (&f->survey);
  g_hash_table_unref (f->kiosks);
  test_remove_tree (f->dir);
  g_free (f->db_path);
  g_free (f->dir);
}

/* One respondent's answers: "question=value" pairs, several values of a
 * multiple choice as "question=a;b". */
typedef struct
{
  const char *day;
  SaysoMode   mode;
  const char *language;
  const char *answers[8];
} Resp;

static SaysoResponse *
make_response (SaysoQuestionnaire *questionnaire,
               const Resp         *resp)
{
  SaysoResponse *r = sayso_response_new (questionnaire, resp->language ? resp->language : "en");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (resp->answers) && resp->answers[i]; i++)
    {
      g_auto(GStrv) pair = g_strsplit (resp->answers[i], "=", 2);
      SaysoQuestion *q = sayso_questionnaire_lookup_question (questionnaire, pair[0]);

      g_assert_nonnull (q);
      switch (sayso_question_get_kind (q))
        {
        case SAYSO_QUESTION_TEXT:
          g_assert_true (sayso_response_set_text (r, pair[0], pair[1], &error));
          break;
        case SAYSO_QUESTION_MULTIPLE:
          {
            g_auto(GStrv) values = g_strsplit (pair[1], ";", -1);
            g_assert_true (sayso_response_set_choices (r, pair[0], (const char * const *) values, &error));
          }
          break;
        default:
          g_assert_true (sayso_response_set_choice (r, pair[0], pair[1], &error));
          break;
        }
      g_assert_no_error (error);
    }
  g_assert_true (sayso_response_validate (r, &error));
  g_assert_no_error (error);
  return r;
}

/* One kiosk at @site: submits, exports a bundle, and it is imported. */
static void
kiosk (Fixture    *f,
       const char *site,
       const Resp *resps,
       guint       n)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("kiosk-%u.db", f->n_kiosks++);
  g_autofree char *store_path = g_build_filename (f->dir, name, NULL);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autoptr(GPtrArray) questionnaires = g_ptr_array_new ();
  g_autoptr(SaysoStore) store = NULL;
  g_auto(SaysoExportResult) exported = { 0 };
  SaysoImportResult imported = { 0 };

  g_mkdir_with_parents (stick, 0700);
  store = sayso_store_create (store_path, site, f->pk, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SaysoResponse) r = make_response (f->survey, &resps[i]);

      g_setenv ("SAYSO_TODAY", resps[i].day, TRUE);
      g_assert_true (sayso_store_submit (store, r, resps[i].mode, &error));
      g_assert_no_error (error);
    }
  g_unsetenv ("SAYSO_TODAY");
  g_assert_true (sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &exported, &error));
  g_assert_no_error (error);

  g_ptr_array_add (questionnaires, f->survey);
  g_assert_true (sayso_import_bundle (f->db, exported.path, f->sk, questionnaires, TRUE, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (imported.added, ==, n);
  sayso_import_result_clear (&imported);
  g_hash_table_replace (f->kiosks, g_strdup (site), sayso_key_fingerprint (sayso_store_get_kiosk_key (store)));
  f->n_resps += n;
}

/* `sayso report` on the fixture's database: its exit status. */
static int
sayso_report (Fixture     *f,
              const char  *format,
              const char  *file,
              const char  *language,
              const char  *questionnaire,
              char       **err)
{
  g_autofree char *out = g_build_filename (f->dir, file, NULL);
  g_autofree char *stdout_text = NULL;
  int code;

  if (questionnaire)
    code = test_run_sayso (NULL, &stdout_text, err, "report", "--db", f->db_path, "--format", format, "--out", out,
                           "--language", language, "--questionnaire", questionnaire, NULL);
  else
    code = test_run_sayso (NULL, &stdout_text, err, "report", "--db", f->db_path, "--format", format, "--out", out,
                           "--language", language, NULL);
  return code;
}

static void
report_ok (Fixture    *f,
           const char *format,
           const char *file,
           const char *language)
{
  g_autofree char *err = NULL;

  if (sayso_report (f, format, file, language, NULL, &err) != 0)
    g_error ("sayso report --format %s: %s", format, err);
}

/* Reading CSV: RFC 4180, with or without a byte order mark, CRLF or LF. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *row = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  if (g_str_has_prefix (p, "\xEF\xBB\xBF"))
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
          if (*p == '\r')
            p++;
          if (*p == '\n')
            p++;
          g_ptr_array_add (rows, row);
          row = g_ptr_array_new_with_free_func (g_free);
        }
    }
  g_ptr_array_unref (row);
  g_string_free (field, TRUE);
  return rows;
}

/* A CSV file as a table: column name → index, and its rows by their first
 * field (the response id). */
typedef struct
{
  GPtrArray  *rows;
  GHashTable *columns;   /* name → index + 1 */
  GHashTable *by_id;     /* first field → GPtrArray row */
} Table;

static void
table_free (Table *t)
{
  g_hash_table_unref (t->by_id);
  g_hash_table_unref (t->columns);
  g_ptr_array_unref (t->rows);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Table, table_free)

static Table *
table_read (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  Table *t = g_new0 (Table, 1);
  GPtrArray *header;

  if (!g_file_get_contents (path, &text, NULL, &error))
    g_error ("%s", error->message);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  t->rows = parse_csv (text);
  t->columns = g_hash_table_new (g_str_hash, g_str_equal);
  t->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_assert_cmpuint (t->rows->len, >=, 1);
  header = g_ptr_array_index (t->rows, 0);
  for (guint i = 0; i < header->len; i++)
    g_hash_table_insert (t->columns, g_ptr_array_index (header, i), GUINT_TO_POINTER (i + 1));
  for (guint r = 1; r < t->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (t->rows, r);
      g_assert_cmpuint (row->len, ==, header->len);
      g_hash_table_insert (t->by_id, g_ptr_array_index (row, 0), row);
    }
  return t;
}

static const char *
cell (Table      *t,
      GPtrArray  *row,
      const char *column)
{
  guint index = GPOINTER_TO_UINT (g_hash_table_lookup (t->columns, column));

  if (index == 0)
    g_error ("no column %s", column);
  return g_ptr_array_index (row, index - 1);
}

/* What the writer promises, worked out here from the questionnaire, not
 * from the writer: option k is coded k + 1, "Prefer not to say" 99. */
static int
expected_code (SaysoQuestion *question,
               const char    *option)
{
  int index = sayso_question_find_option (question, option);

  g_assert_cmpint (index, >=, 0);
  return g_str_equal (option, "prefer_not_to_say") ? 99 : index + 1;
}

static int
mode_code (const char *mode)
{
  return g_str_equal (mode, "self") ? 1 : g_str_equal (mode, "staff") ? 2 : g_str_equal (mode, "paper") ? 3 : 0;
}

static const char *
mode_label (const char *mode)
{
  return g_str_equal (mode, "self") ? "Self-completed on the kiosk"
       : g_str_equal (mode, "staff") ? "Completed with a member of staff" : "On paper, entered by staff";
}

/* A reader's missing value: PSPP writes system-missing as a space, R as
 * an empty field. */
static gboolean
is_missing (const char *value)
{
  return value[0] == '\0' || g_str_equal (value, " ") || g_str_equal (value, ".");
}

/* Each case a reader got (values and labels, as it wrote them), against the
 * CSV of the same database and the kiosks' fingerprints: the number of
 * differences, each one told. @date_format turns a day into the reader's
 * text ("%m/%d/%Y" for PSPP, "%Y-%m-%d" for R). */
static guint
compare (Fixture    *f,
         Table      *csv,
         Table      *values,
         Table      *labels,
         const char *language,
         const char *date_format)
{
  guint n = sayso_questionnaire_get_n_questions (f->survey);
  guint differences = 0;
  const char * const *languages = sayso_questionnaire_get_languages (f->survey);

#define DIFFER(...) G_STMT_START { g_test_message (__VA_ARGS__); differences++; } G_STMT_END

  if (values->rows->len != csv->rows->len)
    DIFFER ("%u cases, the CSV %u rows", values->rows->len - 1, csv->rows->len - 1);
  for (guint r = 1; r < csv->rows->len; r++)
    {
      GPtrArray *want = g_ptr_array_index (csv->rows, r);
      const char *id = g_ptr_array_index (want, 0);
      GPtrArray *got = g_hash_table_lookup (values->by_id, id);
      GPtrArray *got_label = g_hash_table_lookup (labels->by_id, id);
      const char *mode = cell (csv, want, "mode");
      const char *site = cell (csv, want, "site");
      const char *lang = cell (csv, want, "language");
      g_autofree char *mode_text = NULL;
      g_autoptr(GDate) date = g_date_new ();
      char buffer[32];

      if (got == NULL || got_label == NULL)
        {
          DIFFER ("response %s is not in the file", id);
          continue;
        }
      g_date_set_parse (date, cell (csv, want, "day"));
      g_assert_true (g_date_valid (date));
      g_date_strftime (buffer, sizeof buffer, date_format, date);
      if (!g_str_equal (cell (values, got, "day"), buffer))
        DIFFER ("%s: day %s, want %s", id, cell (values, got, "day"), buffer);
      mode_text = g_strdup_printf ("%d", mode_code (mode));
      if (!g_str_equal (cell (values, got, "mode"), mode_text))
        DIFFER ("%s: mode %s, want %s", id, cell (values, got, "mode"), mode_text);
      if (!g_str_equal (cell (labels, got_label, "mode"), mode_label (mode)))
        DIFFER ("%s: mode labelled %s", id, cell (labels, got_label, "mode"));
      if (!g_str_equal (cell (values, got, "site"), site))
        DIFFER ("%s: site %s, want %s", id, cell (values, got, "site"), site);
      /* No kiosk: with site and day it would single out a kiosk's only
       * response of a day, which the CSV never does. */
      if (g_hash_table_contains (values->columns, "kiosk"))
        DIFFER ("%s: the file names the kiosk (%s)", id, cell (values, got, "kiosk"));
      for (guint l = 0; languages[l]; l++)
        if (g_str_equal (languages[l], lang))
          {
            g_autofree char *code = g_strdup_printf ("%u", l + 1);
            if (!g_str_equal (cell (values, got, "language"), code))
              DIFFER ("%s: language %s, want %s", id, cell (values, got, "language"), code);
          }

      for (guint i = 0; i < n; i++)
        {
          SaysoQuestion *q = sayso_questionnaire_get_question (f->survey, i);
          const char *qid = sayso_question_get_id (q);
          const char *answer = cell (csv, want, qid);

          switch (sayso_question_get_kind (q))
            {
            case SAYSO_QUESTION_TEXT:
              /* The CSV guards a formula with an apostrophe; the file holds the words. */
              if (answer[0] == '\'' && strchr ("=+-@\t\r", answer[1]))
                answer++;
              if (!g_str_equal (cell (values, got, qid), answer))
                DIFFER ("%s: %s is not the CSV's text (%zu bytes, want %zu)", id, qid, strlen (cell (values, got, qid)),
                        strlen (answer));
              break;
            case SAYSO_QUESTION_MULTIPLE:
              {
                g_auto(GStrv) chosen = g_strsplit (answer, ";", -1);

                for (guint k = 0; k < sayso_question_get_n_options (q); k++)
                  {
                    const char *option = sayso_question_get_option_id (q, k);
                    g_autofree char *column = g_strconcat (qid, "_", option, NULL);
                    const char *value = cell (values, got, column);
                    const char *label = cell (labels, got_label, column);

                    if (answer[0] == '\0' ? !is_missing (value)
                                          : !g_str_equal (value, g_strv_contains ((const char * const *) chosen, option) ? "1" : "0"))
                      DIFFER ("%s: %s is %s for “%s”", id, column, value, answer);
                    if (answer[0] != '\0' &&
                        !g_str_equal (label, g_strv_contains ((const char * const *) chosen, option) ? "Chosen" : "Not chosen"))
                      DIFFER ("%s: %s labelled %s", id, column, label);
                  }
              }
              break;
            default:
              if (answer[0] == '\0')
                {
                  if (!is_missing (cell (values, got, qid)))
                    DIFFER ("%s: %s is %s, want missing", id, qid, cell (values, got, qid));
                }
              else
                {
                  g_autofree char *code = g_strdup_printf ("%d", expected_code (q, answer));
                  const char *label = sayso_question_get_option_label (q, sayso_question_find_option (q, answer), language);

                  if (!g_str_equal (cell (values, got, qid), code))
                    DIFFER ("%s: %s is %s, want %s", id, qid, cell (values, got, qid), code);
                  if (!g_str_equal (cell (labels, got_label, qid), label))
                    DIFFER ("%s: %s labelled %s, want %s", id, qid, cell (labels, got_label, qid), label);
                }
              break;
            }
        }
    }
#undef DIFFER
  return differences;
}

/* Readers */

static void
run_reader (const char * const *argv,
            gboolean            must_succeed,
            int                *status_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  if (must_succeed && !g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);
  if (status_out)
    *status_out = status;
}

/* PSPP reads the .sav @file: its values and labels as CSV, and its
 * dictionary (the variables with their labels) as CSV output. Returns
 * PSPP's exit status. */
static int
pspp_read (Fixture    *f,
           const char *file,
           gboolean    must_succeed)
{
  g_autofree char *path = g_build_filename (f->dir, file, NULL);
  g_autofree char *syntax_path = g_build_filename (f->dir, "read.sps", NULL);
  g_autofree char *dict = g_build_filename (f->dir, "pspp-dictionary.csv", NULL);
  g_autofree char *values = g_build_filename (f->dir, "pspp-values.csv", NULL);
  g_autofree char *labels = g_build_filename (f->dir, "pspp-labels.csv", NULL);
  g_autofree char *syntax = g_strdup_printf (
    "GET FILE='%s'.\n"
    "SAVE TRANSLATE /OUTFILE='%s' /TYPE=CSV /FIELDNAMES /CELLS=VALUES /REPLACE.\n"
    "SAVE TRANSLATE /OUTFILE='%s' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.\n"
    "DISPLAY DICTIONARY.\n",
    path, values, labels);
  g_autofree char *output = g_strdup_printf ("--output=%s", dict);
  const char *argv[] = { "pspp", "--batch", "--safer", output, syntax_path, NULL };
  int status;

  g_unlink (values);
  g_unlink (labels);
  g_assert_true (g_file_set_contents (syntax_path, syntax, -1, NULL));
  run_reader (argv, must_succeed, &status);
  return status;
}

/* The variables of PSPP's dictionary: name → label. */
static GHashTable *
pspp_variables (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "pspp-dictionary.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gboolean in_table = FALSE;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  rows = parse_csv (text);
  for (guint r = 0; r < rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (rows, r);
      const char *first = row->len ? g_ptr_array_index (row, 0) : "";

      if (g_str_has_prefix (first, "Table: "))
        in_table = g_str_equal (first, "Table: Variables");
      else if (in_table && row->len >= 3 && !g_str_equal (first, "Name") && first[0])
        g_hash_table_replace (names, g_strdup (first), g_strdup (g_ptr_array_index (row, 2)));
    }
  return names;
}

/* R's haven reads the .dta: values (days as YYYY-MM-DD), labels, and the
 * variables with their labels, as CSV. */
static const char haven_script[] =
  "suppressMessages(library(haven))\n"
  "a <- commandArgs(TRUE)\n"
  "d <- read_dta(a[1])\n"
  "plain <- function(x) if (inherits(x, 'Date')) format(x, '%Y-%m-%d') else as.character(zap_labels(x))\n"
  "named <- function(x) if (is.labelled(x)) as.character(as_factor(x, levels = 'labels')) else plain(x)\n"
  "v <- as.data.frame(lapply(d, plain), stringsAsFactors = FALSE, optional = TRUE)\n"
  "l <- as.data.frame(lapply(d, named), stringsAsFactors = FALSE, optional = TRUE)\n"
  "names(v) <- names(l) <- names(d)\n"
  "write.csv(v, a[2], row.names = FALSE, na = '', fileEncoding = 'UTF-8')\n"
  "write.csv(l, a[3], row.names = FALSE, na = '', fileEncoding = 'UTF-8')\n"
  "lab <- vapply(d, function(x) { s <- attr(x, 'label'); if (is.null(s)) '' else s }, '')\n"
  "write.csv(data.frame(name = names(d), label = lab), a[4], row.names = FALSE, fileEncoding = 'UTF-8')\n";

static int
haven_read (Fixture    *f,
            const char *file,
            gboolean    must_succeed)
{
  g_autofree char *path = g_build_filename (f->dir, file, NULL);
  g_autofree char *values = g_build_filename (f->dir, "haven-values.csv", NULL);
  g_autofree char *labels = g_build_filename (f->dir, "haven-labels.csv", NULL);
  g_autofree char *variables = g_build_filename (f->dir, "haven-variables.csv", NULL);
  const char *argv[] = { "Rscript", "--vanilla", "-e", haven_script, path, values, labels, variables, NULL };
  int status;

  run_reader (argv, must_succeed, &status);
  return status;
}

static GHashTable *
haven_variables (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "haven-variables.csv", NULL);
  g_autoptr(Table) t = table_read (path);
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint r = 1; r < t->rows->len; r++)
    {
      GPtrArray *row = g_ptr_array_index (t->rows, r);
      g_hash_table_replace (names, g_strdup (g_ptr_array_index (row, 0)), g_strdup (g_ptr_array_index (row, 1)));
    }
  return names;
}

static Table *
read_table (Fixture    *f,
            const char *file)
{
  g_autofree char *path = g_build_filename (f->dir, file, NULL);
  return table_read (path);
}

/* @got is @want, or where the format keeps only @max_chars characters
 * (Stata: 80), the start of it, whole characters, ending in "…". */
static void
assert_label (const char *got,
              const char *want,
              gsize       max_chars)
{
  g_autofree char *start = NULL;

  g_assert_nonnull (got);
  if ((gsize) g_utf8_strlen (want, -1) <= max_chars)
    {
      g_assert_cmpstr (got, ==, want);
      return;
    }
  g_assert_true (g_str_has_suffix (got, "…"));
  g_assert_cmpuint (g_utf8_strlen (got, -1), <=, max_chars);
  g_assert_cmpuint (g_utf8_strlen (got, -1), >=, max_chars - 10);
  start = g_strndup (got, strlen (got) - strlen ("…"));
  g_assert_true (g_str_has_prefix (want, start));
}

/* Every question's variable (a multiple choice's one per option) is
 * labelled with its text in @language, as in the questionnaire. */
static void
assert_variable_labels (Fixture    *f,
                        GHashTable *variables,
                        const char *language,
                        gsize       max_chars)
{
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (f->survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (f->survey, i);
      const char *qid = sayso_question_get_id (q);
      const char *text = sayso_question_get_text (q, language);

      if (sayso_question_get_kind (q) == SAYSO_QUESTION_MULTIPLE)
        for (guint k = 0; k < sayso_question_get_n_options (q); k++)
          {
            g_autofree char *name = g_strconcat (qid, "_", sayso_question_get_option_id (q, k), NULL);
            g_autofree char *want = g_strconcat (text, ": ", sayso_question_get_option_label (q, k, language), NULL);
            const char *got = g_hash_table_lookup (variables, name);

            g_assert_nonnull (got);
            assert_label (got, want, max_chars);
          }
      else
        {
          const char *got = g_hash_table_lookup (variables, qid);
          assert_label (got, text, max_chars);
        }
    }
}

/* Counts per option, from a table's values: "question=code" → n. */
static GHashTable *
count_codes (Fixture *f,
             Table   *t)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint r = 1; r < t->rows->len; r++)
    for (guint i = 0; i < sayso_questionnaire_get_n_questions (f->survey); i++)
      {
        SaysoQuestion *q = sayso_questionnaire_get_question (f->survey, i);
        const char *value;
        char *key;

        if (sayso_question_get_kind (q) != SAYSO_QUESTION_LIKERT && sayso_question_get_kind (q) != SAYSO_QUESTION_SINGLE)
          continue;
        value = cell (t, g_ptr_array_index (t->rows, r), sayso_question_get_id (q));
        if (is_missing (value))
          continue;
        key = g_strdup_printf ("%s=%s", sayso_question_get_id (q), value);
        g_hash_table_replace (counts, key, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (counts, key)) + 1));
      }
  return counts;
}

/* The same counts from the CSV: option ids coded as the test expects. */
static GHashTable *
count_csv (Fixture *f,
           Table   *csv)
{
  GHashTable *counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint r = 1; r < csv->rows->len; r++)
    for (guint i = 0; i < sayso_questionnaire_get_n_questions (f->survey); i++)
      {
        SaysoQuestion *q = sayso_questionnaire_get_question (f->survey, i);
        const char *value;
        char *key;

        if (sayso_question_get_kind (q) != SAYSO_QUESTION_LIKERT && sayso_question_get_kind (q) != SAYSO_QUESTION_SINGLE)
          continue;
        value = cell (csv, g_ptr_array_index (csv->rows, r), sayso_question_get_id (q));
        if (value[0] == '\0')
          continue;
        key = g_strdup_printf ("%s=%d", sayso_question_get_id (q), expected_code (q, value));
        g_hash_table_replace (counts, key, GSIZE_TO_POINTER (GPOINTER_TO_SIZE (g_hash_table_lookup (counts, key)) + 1));
      }
  return counts;
}

static gboolean
same_counts (GHashTable *a,
             GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (b, key) != value)
      return FALSE;
  return TRUE;
}

/* Shaped data */

static const Resp cumbria[] = {
  { "2026-02-02", SAYSO_MODE_SELF, "en", { "contact_officer=strongly_agree", "how_often=weekly", "what_good=travel;reception",
                                          "solutions=plain words", NULL } },
  { "2026-02-02", SAYSO_MODE_STAFF, "cy", { "contact_officer=prefer_not_to_say", "what_good=prefer_not_to_say",
                                           "solutions=Mae'n dda iawn – ŵ ŷ Ŵ Ŷ", NULL } },
  { "2026-02-03", SAYSO_MODE_PAPER, "en", { "contact_officer=agree", "how_often=monthly",
                                           "solutions=two\nlines, a \"quoted\" word", NULL } },
  { "2026-02-28", SAYSO_MODE_SELF, "en", { "contact_officer=agree", "solutions==HYPERLINK(\"x\")", NULL } },
  { "2026-03-01", SAYSO_MODE_SELF, "cy", { NULL } },
};

static const Resp cardiff[] = {
  { "2026-02-01", SAYSO_MODE_SELF, "cy", { "contact_officer=disagree", "how_often=weekly", "what_good=travel",
                                          "solutions=Gwasanaeth ŵyr a ŷd", NULL } },
  { "2026-02-04", SAYSO_MODE_STAFF, "en", { "contact_officer=strongly_disagree", "what_good=probation_officer;travel", NULL } },
  { "2026-02-04", SAYSO_MODE_SELF, "en", { "contact_officer=agree", "how_often=weekly", NULL } },
};

static void
shaped (Fixture *f)
{
  kiosk (f, "Cumbria", cumbria, G_N_ELEMENTS (cumbria));
  kiosk (f, "Cardiff", cardiff, G_N_ELEMENTS (cardiff));
}

/* A .sav read by PSPP: every case the CSV's, its values coded and
 * labelled as promised, the variables labelled with the questions, the
 * counts per option the CSV's. The control: one value changed on the
 * CSV's side is a difference. */
static void
test_sav_pspp (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Table) csv = NULL;
  g_autoptr(Table) values = NULL;
  g_autoptr(Table) labels = NULL;
  g_autoptr(GHashTable) variables = NULL;
  g_autoptr(GHashTable) got_counts = NULL;
  g_autoptr(GHashTable) want_counts = NULL;
  g_autofree char *codebook = NULL;
  g_autofree char *codebook_path = g_build_filename (f->dir, "answers-sav-codebook.csv", NULL);
  GPtrArray *row;

  shaped (f);
  report_ok (f, "csv", "answers.csv", "en");
  report_ok (f, "sav", "answers.sav", "en");
  pspp_read (f, "answers.sav", TRUE);

  csv = read_table (f, "answers.csv");
  values = read_table (f, "pspp-values.csv");
  labels = read_table (f, "pspp-labels.csv");
  g_assert_cmpuint (csv->rows->len, ==, 1 + f->n_resps);
  g_assert_cmpuint (compare (f, csv, values, labels, "en", "%m/%d/%Y"), ==, 0);

  variables = pspp_variables (f);
  assert_variable_labels (f, variables, "en", G_MAXSIZE);
  g_assert_cmpstr (g_hash_table_lookup (variables, "day"), ==, "The day the response was given");

  got_counts = count_codes (f, values);
  want_counts = count_csv (f, csv);
  g_assert_true (same_counts (got_counts, want_counts));
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (got_counts, "contact_officer=99")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_SIZE (g_hash_table_lookup (got_counts, "contact_officer=2")), ==, 3);

  /* The codebook beside says how "Prefer not to say" is coded, and how to
   * leave it out in SPSS. */
  g_assert_true (g_file_get_contents (codebook_path, &codebook, NULL, NULL));
  g_assert_nonnull (strstr (codebook, "contact_officer,contact_officer,likert,I have been able to contact my probation officer when needed,prefer_not_to_say,99,Prefer not to say\r\n"));
  g_assert_nonnull (strstr (codebook, "MISSING VALUES"));

  /* The control: one answer changed on the CSV's side ("neither", which no
   * one gave) is two differences, its code and its label. */
  for (guint r = 1; r < csv->rows->len; r++)
    {
      guint index = GPOINTER_TO_UINT (g_hash_table_lookup (csv->columns, "contact_officer")) - 1;

      row = g_ptr_array_index (csv->rows, r);
      if (*(char *) g_ptr_array_index (row, index) == '\0')
        continue;
      g_free (g_ptr_array_index (row, index));
      g_ptr_array_index (row, index) = g_strdup ("neither");
      break;
    }
  g_assert_cmpuint (compare (f, csv, values, labels, "en", "%m/%d/%Y"), ==, 2);
  g_hash_table_replace (want_counts, g_strdup ("contact_officer=99"), GSIZE_TO_POINTER (2));
  g_assert_false (same_counts (got_counts, want_counts));
}

/* A .dta read by R's haven, labelled in Welsh: the same comparison, the
 * Welsh letters byte for byte. The control: a file cut short is refused. */
static void
test_dta_haven (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Table) csv = NULL;
  g_autoptr(Table) values = NULL;
  g_autoptr(Table) labels = NULL;
  g_autoptr(GHashTable) variables = NULL;
  g_autoptr(GHashTable) got_counts = NULL;
  g_autoptr(GHashTable) want_counts = NULL;
  g_autofree char *dta = g_build_filename (f->dir, "atebion.dta", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  gboolean welsh = FALSE;

  shaped (f);
  report_ok (f, "csv", "answers.csv", "cy");
  report_ok (f, "dta", "atebion.dta", "cy");
  haven_read (f, "atebion.dta", TRUE);

  csv = read_table (f, "answers.csv");
  values = read_table (f, "haven-values.csv");
  labels = read_table (f, "haven-labels.csv");
  g_assert_cmpuint (compare (f, csv, values, labels, "cy", "%Y-%m-%d"), ==, 0);
  for (guint r = 1; r < values->rows->len; r++)
    welsh = welsh || g_str_equal (cell (values, g_ptr_array_index (values->rows, r), "solutions"), "Mae'n dda iawn – ŵ ŷ Ŵ Ŷ");
  g_assert_true (welsh);

  variables = haven_variables (f);
  assert_variable_labels (f, variables, "cy", 80);
  got_counts = count_codes (f, values);
  want_counts = count_csv (f, csv);
  g_assert_true (same_counts (got_counts, want_counts));

  /* The control: the file cut short is refused. */
  g_assert_true (g_file_get_contents (dta, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (dta, bytes, len / 2, NULL));
  g_assert_false (g_spawn_check_wait_status (haven_read (f, "atebion.dta", FALSE), NULL));
}

/* Ids that no tool takes as a name: long, starting with a digit, the same
 * for 32 characters, reserved words, a hyphen. Each gets a name both tools
 * take, and no two the same, as PSPP and haven read them. The control: the
 * check refuses the ids themselves. */
static const char odd_questionnaire[] =
  "{\"format\": 1, \"id\": \"odd-names\", \"version\": 1, \"languages\": [\"en\"],"
  " \"title\": {\"en\": \"Odd names\"},"
  " \"sections\": [{\"id\": \"s\", \"title\": {\"en\": \"S\"}}],"
  " \"questions\": ["
  "  {\"id\": \"how_often_do_you_think_you_should_see_your_probation_officer_1\", \"section\": \"s\", \"kind\": \"single\","
  "   \"text\": {\"en\": \"Long one\"}, \"options\": [{\"id\": \"a\", \"label\": {\"en\": \"A\"}}, {\"id\": \"b\", \"label\": {\"en\": \"B\"}}]},"
  "  {\"id\": \"how_often_do_you_think_you_should_see_your_probation_officer_2\", \"section\": \"s\", \"kind\": \"single\","
  "   \"text\": {\"en\": \"Long two\"}, \"options\": [{\"id\": \"a\", \"label\": {\"en\": \"A\"}}, {\"id\": \"b\", \"label\": {\"en\": \"B\"}}]},"
  "  {\"id\": \"1st-visit\", \"section\": \"s\", \"kind\": \"single\","
  "   \"text\": {\"en\": \"First visit\"}, \"options\": [{\"id\": \"yes\", \"label\": {\"en\": \"Yes\"}}, {\"id\": \"no\", \"label\": {\"en\": \"No\"}}]},"
  "  {\"id\": \"in\", \"section\": \"s\", \"kind\": \"text\", \"max_length\": 100, \"text\": {\"en\": \"In\"}},"
  "  {\"id\": \"str5\", \"section\": \"s\", \"kind\": \"text\", \"max_length\": 100, \"text\": {\"en\": \"Str5\"}},"
  "  {\"id\": \"site\", \"section\": \"s\", \"kind\": \"text\", \"max_length\": 100, \"text\": {\"en\": \"A question called site\"}},"
  "  {\"id\": \"with\", \"section\": \"s\", \"kind\": \"multiple\", \"text\": {\"en\": \"With\"},"
  "   \"options\": [{\"id\": \"a-very-long-option-id-that-goes-on-and-on\", \"label\": {\"en\": \"Long A\"}},"
  "                 {\"id\": \"a-very-long-option-id-that-goes-on-and-on-too\", \"label\": {\"en\": \"Long B\"}}]}"
  " ]}";

static gboolean
valid_name (const char *name)
{
  static const char * const reserved[] = {
    "all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with",
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long", "_n", "_pi", "_pred",
    "_rc", "_skip", "strl", "using",
  };
  g_autofree char *lower = g_ascii_strdown (name, -1);

  if (!g_regex_match_simple ("^[A-Za-z][A-Za-z0-9_]{0,31}$", name, 0, 0))
    return FALSE;
  /* Stata's str1…str2045, and for ReadStat anything that starts so. */
  if (g_regex_match_simple ("^str[0-9]", lower, 0, 0))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (g_str_equal (lower, reserved[i]))
      return FALSE;
  return TRUE;
}

static void
assert_names_valid (GHashTable *variables,
                    guint       n_expected)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer name;

  g_assert_cmpuint (g_hash_table_size (variables), ==, n_expected);
  g_hash_table_iter_init (&iter, variables);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      if (!valid_name (name))
        g_error ("“%s” is not a name both tools take", (char *) name);
      g_assert_true (g_hash_table_add (seen, g_ascii_strdown (name, -1)));
    }
}

static void
test_names (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "odd.json", NULL);
  g_autoptr(GHashTable) from_pspp = NULL;
  g_autoptr(GHashTable) from_haven = NULL;
  g_autofree char *err = NULL;
  const Resp odd[] = {
    { "2026-04-01", SAYSO_MODE_SELF, "en", { "how_often_do_you_think_you_should_see_your_probation_officer_1=b",
                                            "1st-visit=yes", "in=inside", "str5=five", "site=not the site",
                                            "with=a-very-long-option-id-that-goes-on-and-on-too", NULL } },
  };
  /* 5 fixed variables (id, day, mode, site, language), 3 single and 3 text
   * questions, 2 options. */
  const guint n_variables = 5 + 6 + 2;

  g_assert_true (g_file_set_contents (path, odd_questionnaire, -1, NULL));
  g_clear_object (&f->survey);
  f->survey = sayso_questionnaire_new_from_file (path, &error);
  g_assert_no_error (error);
  kiosk (f, "Leeds", odd, G_N_ELEMENTS (odd));

  g_assert_cmpint (sayso_report (f, "sav", "odd.sav", "en", path, &err), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (sayso_report (f, "dta", "odd.dta", "en", path, &err), ==, 0);
  pspp_read (f, "odd.sav", TRUE);
  haven_read (f, "odd.dta", TRUE);
  from_pspp = pspp_variables (f);
  from_haven = haven_variables (f);
  assert_names_valid (from_pspp, n_variables);
  assert_names_valid (from_haven, n_variables);

  /* The fixed variables keep their names; the question called "site" is
   * another; the two long ids, cut at 32, are told apart by their labels. */
  g_assert_cmpstr (g_hash_table_lookup (from_haven, "site"), ==, "The site (probation office) of the kiosk");
  {
    GHashTableIter iter;
    gpointer name, label;
    guint long_ones = 0, site_question = 0;

    g_hash_table_iter_init (&iter, from_haven);
    while (g_hash_table_iter_next (&iter, &name, &label))
      {
        long_ones += g_str_equal (label, "Long one") || g_str_equal (label, "Long two");
        site_question += g_str_equal (label, "A question called site");
        g_assert_cmpstr (g_hash_table_lookup (from_pspp, name), ==, label);
      }
    g_assert_cmpuint (long_ones, ==, 2);
    g_assert_cmpuint (site_question, ==, 1);
  }

  /* The control: the ids themselves fail the check. */
  g_assert_false (valid_name ("how_often_do_you_think_you_should_see_your_probation_officer_1"));
  g_assert_false (valid_name ("1st-visit"));
  g_assert_false (valid_name ("in"));
  g_assert_false (valid_name ("str5"));
  g_assert_false (valid_name ("with"));
}

/* No responses in the period: both files valid, every variable, no case;
 * and --site and --from as for the other formats. */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *sav = g_build_filename (f->dir, "none.sav", NULL);
  g_autofree char *dta = g_build_filename (f->dir, "none.dta", NULL);
  g_autofree char *err = NULL;
  g_autoptr(Table) values = NULL;
  g_autoptr(GHashTable) variables = NULL;

  shaped (f);
  g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "sav", "--out", sav,
                                   "--from", "2020-01-01", "--to", "2020-01-31", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "dta", "--out", dta,
                                   "--from", "2020-01-01", "--to", "2020-01-31", NULL), ==, 0);

  pspp_read (f, "none.sav", TRUE);
  values = read_table (f, "pspp-values.csv");
  g_assert_cmpuint (values->rows->len, ==, 1);
  variables = pspp_variables (f);
  assert_variable_labels (f, variables, "en", G_MAXSIZE);

  /* The same filters as the other formats: one site, from a day. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "sav", "--out", sav,
                                   "--site", "Cardiff", "--from", "2026-02-02", NULL), ==, 0);
  pspp_read (f, "none.sav", TRUE);
  g_clear_pointer (&values, table_free);
  values = read_table (f, "pspp-values.csv");
  g_assert_cmpuint (values->rows->len, ==, 1 + 2);
  for (guint r = 1; r < values->rows->len; r++)
    {
      g_assert_cmpstr (cell (values, g_ptr_array_index (values->rows, r), "site"), ==, "Cardiff");
      g_assert_cmpstr (cell (values, g_ptr_array_index (values->rows, r), "day"), ==, "02/04/2026");
    }

  haven_read (f, "none.dta", TRUE);
  g_clear_pointer (&values, table_free);
  values = read_table (f, "haven-values.csv");
  g_assert_cmpuint (values->rows->len, ==, 1);
  g_clear_pointer (&variables, g_hash_table_unref);
  variables = haven_variables (f);
  assert_variable_labels (f, variables, "en", 80);
  g_assert_cmpuint (g_hash_table_size (variables), ==, g_hash_table_size (((Table *) values)->columns));
}

/* A 100,000-character answer (a database edited by hand: the kiosk takes
 * no more than the questionnaire's max_length): whole in the .dta (a
 * strL), and in the .sav cut at SPSS's 32,767 bytes between characters,
 * with `sayso report` saying so. */
static void
set_long_text (Fixture    *f,
               const char *text)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *answers = NULL;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "solutions");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  answers = json_generator_to_data (generator, NULL);

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE responses SET answers = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, answers, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE texts SET value = ?", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static void
test_long_text (Fixture       *f,
                gconstpointer  data)
{
  const Resp one[] = { { "2026-05-05", SAYSO_MODE_SELF, "en", { "solutions=short", NULL } } };
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(Table) values = NULL;
  g_autofree char *err = NULL;
  const char *got;

  /* 100,000 characters, of one, two and three bytes, 200,000 bytes in all. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, i % 3 == 0 ? "a" : i % 3 == 1 ? "ŵ" : "€");
  g_assert_cmpint (g_utf8_strlen (text->str, -1), ==, 100000);
  kiosk (f, "Cardiff", one, G_N_ELEMENTS (one));
  set_long_text (f, text->str);

  g_assert_cmpint (sayso_report (f, "dta", "long.dta", "en", NULL, &err), ==, 0);
  g_assert_cmpstr (err, ==, "");
  haven_read (f, "long.dta", TRUE);
  values = read_table (f, "haven-values.csv");
  g_assert_cmpuint (values->rows->len, ==, 2);
  g_assert_cmpstr (cell (values, g_ptr_array_index (values->rows, 1), "solutions"), ==, text->str);

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (sayso_report (f, "sav", "long.sav", "en", NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "1 free-text answer longer than the format holds (SPSS: 32,767 bytes) was cut there"));
  pspp_read (f, "long.sav", TRUE);
  g_clear_pointer (&values, table_free);
  values = read_table (f, "pspp-values.csv");
  got = cell (values, g_ptr_array_index (values->rows, 1), "solutions");
  g_assert_cmpuint (strlen (got), <=, 32767);
  g_assert_cmpuint (strlen (got), >, 32760);
  g_assert_true (g_utf8_validate (got, -1, NULL));
  g_assert_true (strncmp (got, text->str, strlen (got)) == 0);

  /* The control: an answer that fits is not cut, and nothing is said. */
  set_long_text (f, "ŵ ŷ fits");
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (sayso_report (f, "sav", "long.sav", "en", NULL, &err), ==, 0);
  g_assert_null (strstr (err, "cut"));
  pspp_read (f, "long.sav", TRUE);
  g_clear_pointer (&values, table_free);
  values = read_table (f, "pspp-values.csv");
  g_assert_cmpstr (cell (values, g_ptr_array_index (values->rows, 1), "solutions"), ==, "ŵ ŷ fits");
}

/* An --out in no folder, and a full disk: a clear message naming the
 * file, no file and no temporary file left, an older file there kept
 * whole; with room on the disk the same report is written. */
static gboolean
only_entries (const char         *dir,
              const char * const *names)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (folder);
  while ((name = g_dir_read_name (folder)))
    {
      if (!g_strv_contains (names, name))
        {
          g_test_message ("%s left in %s", name, dir);
          return FALSE;
        }
      n++;
    }
  return n == g_strv_length ((char **) names);
}

typedef struct
{
  rlim_t limit;
} Limit;

static void
limit_file_size (gpointer user_data)
{
  const Limit *limit = user_data;
  struct rlimit small = { limit->limit, limit->limit };

  /* In the child before it runs sayso: a write past the limit fails
   * (EFBIG) instead of killing it, as a full disk's would (ENOSPC). */
  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &small);
}

static int
report_limited (Fixture    *f,
                const char *out,
                rlim_t      limit,
                char      **err)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { test_sayso_binary (), "report", "--db", f->db_path, "--format", "sav", "--out", out, NULL };
  Limit l = { limit };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, limit_file_size, &l,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *missing = g_build_filename (f->dir, "no-such-folder", "answers.sav", NULL);
  g_autofree char *err = NULL;
  TestFullDisk *disk = test_full_disk_new (256 * 1024);
  const char *disk_dir = test_full_disk_get_dir (disk);
  g_autofree char *on_disk = g_build_filename (disk_dir, "answers.sav", NULL);
  g_autofree char *old = NULL;
  const char *full[] = { "answers.sav", "filler", NULL };
  const char *only_old[] = { "answers.sav", NULL };
  const char *written[] = { "answers.sav", "answers-sav-codebook.csv", NULL };
  Resp many[20];

  for (guint i = 0; i < G_N_ELEMENTS (many); i++)
    many[i] = (Resp) { "2026-06-01", SAYSO_MODE_SELF, "en", { "contact_officer=agree", "solutions=Mae'n dda iawn – ŵ ŷ", NULL } };
  kiosk (f, "Cumbria", many, G_N_ELEMENTS (many));
  kiosk (f, "Cardiff", many, G_N_ELEMENTS (many));

  g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "sav", "--out", missing, NULL), ==, 1);
  g_assert_nonnull (strstr (err, missing));
  g_assert_nonnull (strstr (err, "No such file or directory"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_set_contents (on_disk, "an older file", -1, NULL));
  if (test_full_disk_is_real (disk))
    {
      test_full_disk_fill (disk);
      g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "sav", "--out", on_disk, NULL), ==, 1);
      /* The file or its codebook, whichever met the full disk first. */
      g_assert_nonnull (strstr (err, disk_dir));
      g_assert_nonnull (strstr (err, "the disk is full; nothing was written"));
      g_clear_pointer (&err, g_free);
      g_assert_true (only_entries (disk_dir, full));
      g_assert_true (g_file_get_contents (on_disk, &old, NULL, NULL));
      g_assert_cmpstr (old, ==, "an older file");
      g_clear_pointer (&old, g_free);
    }
  else
    g_test_message ("no tmpfs: the full disk as a limit on the file's size only");
  test_full_disk_make_room (disk);

  /* A limit on a file's size: the write fails (EFBIG) part way through. */
  g_assert_cmpint (report_limited (f, on_disk, 4096, &err), ==, 1);
  g_assert_nonnull (strstr (err, on_disk));
  g_assert_nonnull (strstr (err, "nothing was written"));
  g_clear_pointer (&err, g_free);
  g_assert_true (g_file_get_contents (on_disk, &old, NULL, NULL));
  g_assert_cmpstr (old, ==, "an older file");
  if (test_full_disk_is_real (disk))
    g_assert_true (only_entries (disk_dir, only_old));

  /* The control: with room, the same report replaces the older file. */
  g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "sav", "--out", on_disk, NULL), ==, 0);
  g_clear_pointer (&old, g_free);
  g_assert_true (g_file_get_contents (on_disk, &old, NULL, NULL));
  g_assert_true (g_str_has_prefix (old, "$FL2"));
  if (test_full_disk_is_real (disk))
    g_assert_true (only_entries (disk_dir, written));
  test_full_disk_free (disk);
}

/* The CSV's codebook says how the .sav and .dta code "Prefer not to say",
 * and how to declare it missing in each tool; --help names the formats. */
static void
test_codebook (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *csv_book = g_build_filename (f->dir, "answers-codebook.csv", NULL);
  g_autofree char *dta_book = g_build_filename (f->dir, "answers-dta-codebook.csv", NULL);
  g_autofree char *text = NULL;
  g_autofree char *path = sayso_report_codebook_path_for ("/x/answers.sav", SAYSO_REPORT_SAV);

  g_assert_cmpstr (path, ==, "/x/answers-sav-codebook.csv");
  g_clear_pointer (&path, g_free);
  path = sayso_report_codebook_path_for ("answers.csv", SAYSO_REPORT_CSV);
  g_assert_cmpstr (path, ==, "answers-codebook.csv");

  g_autofree char *help = NULL;

  /* sayso report --help names both formats. */
  g_assert_cmpint (test_run_sayso (NULL, &help, NULL, "report", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "html|pdf|csv|sav|dta"));
  g_assert_nonnull (strstr (help, "sav (SPSS) or dta (Stata)"));

  shaped (f);
  report_ok (f, "csv", "answers.csv", "en");
  report_ok (f, "dta", "answers.dta", "en");
  g_assert_true (g_file_get_contents (csv_book, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "coded 99"));
  g_assert_nonnull (strstr (text, "MISSING VALUES"));
  g_assert_nonnull (strstr (text, "mvdecode"));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (dta_book, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "mvdecode"));
  g_assert_nonnull (strstr (text, "what_good_travel,what_good,multiple,"));
}

/* 100,000 responses straight into the analysis database, as an import of
 * many bundles would leave them (sealing and importing each would take
 * minutes). */
static void
fill (Fixture *f,
      guint    n)
{
  g_autoptr(GError) error = NULL;
  guint8 kiosk_pk[32], id[16], hash[32];
  const char * const triples[] = { "how_often", "weekly", "c", "anything_else", "a free-text answer", "t", NULL };
  const char *answers = "{\"how_often\": \"weekly\", \"anything_else\": \"a free-text answer\"}";

  sayso_random_bytes (kiosk_pk, sizeof kiosk_pk);
  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 0; i < n; i++)
    {
      SaysoAnalysisRecordSource source = {
        .kiosk_pk = kiosk_pk, .id = id, .hash = hash, .sequence = 1, .site = "Cumbria",
        .questionnaire = sayso_questionnaire_get_id (f->survey), .version = sayso_questionnaire_get_version (f->survey),
      };
      SaysoAnalysisRecordState state = SAYSO_ANALYSIS_RECORD_CONFLICT;

      sayso_random_bytes (id, sizeof id);
      sayso_random_bytes (hash, sizeof hash);
      g_assert_true (sayso_analysis_db_add_response (f->db, &source, "2026-06-01", "self", "en", answers, triples,
                                                     &state, &error));
      g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_ADDED);
    }
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_no_error (error);
}

/* The first entry of @dir whose name starts with @prefix, or NULL. */
static char *
entry_with_prefix (const char *dir,
                   const char *prefix)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (folder);
  while ((name = g_dir_read_name (folder)))
    if (g_str_has_prefix (name, prefix))
      return g_strdup (name);
  return NULL;
}

/* A real `sayso report --format sav` of 100,000 responses, sent SIGINT (a
 * Ctrl-C) or SIGTERM (a kill) while it writes its temporary file, which
 * holds answers: the process dies by that signal, and neither the file
 * nor its temporary is left. The controls: the temporary file was there
 * when the signal was sent, and the same report left alone writes the
 * file with every response. */
static void
test_interrupted (Fixture       *f,
                  gconstpointer  data)
{
  const int signals[] = { SIGINT, SIGTERM };
  g_autofree char *out_dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *out = g_build_filename (out_dir, "answers.sav", NULL);

  fill (f, 100000);
  g_assert_cmpint (g_mkdir (out_dir, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) report = NULL;
      g_autofree char *tmp = NULL, *left = NULL;
      gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

      report = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, test_sayso_binary (), "report",
                                 "--db", f->db_path, "--format", "sav", "--out", out, NULL);
      g_assert_no_error (error);
      while (!(tmp = entry_with_prefix (out_dir, "answers.sav.")))
        {
          g_assert_cmpint (g_get_monotonic_time (), <, end);
          g_usleep (500);
        }
      g_subprocess_send_signal (report, signals[i]);
      g_assert_true (g_subprocess_wait (report, NULL, &error));
      g_assert_true (g_subprocess_get_if_signaled (report));
      g_assert_cmpint (g_subprocess_get_term_sig (report), ==, signals[i]);
      left = entry_with_prefix (out_dir, "answers.sav");
      if (left)
        g_error ("%s left in %s after signal %d", left, out_dir, signals[i]);
    }

  /* The control: left alone, it writes every response. */
  {
    g_autofree char *err = NULL;
    g_autofree char *left = NULL;

    g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "report", "--db", f->db_path, "--format", "sav", "--out", out,
                                     NULL), ==, 0);
    g_assert_true (g_file_test (out, G_FILE_TEST_IS_REGULAR));
    left = entry_with_prefix (out_dir, "answers.sav.");
    g_assert_null (left);
    {
      g_autofree char *values_path = g_build_filename (f->dir, "pspp-values.csv", NULL);
      g_autofree char *values = NULL;
      guint lines = 0;

      pspp_read (f, "out/answers.sav", TRUE);
      g_assert_true (g_file_get_contents (values_path, &values, NULL, NULL));
      for (const char *p = values; *p; p++)
        lines += *p == '\n';
      /* A line of names, then one a case. */
      g_assert_cmpuint (lines, ==, 100000 + 1);
    }
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

  g_test_add ("/report-readstat/sav-pspp", Fixture, NULL, fixture_setup, test_sav_pspp, fixture_teardown);
  g_test_add ("/report-readstat/dta-haven", Fixture, NULL, fixture_setup, test_dta_haven, fixture_teardown);
  g_test_add ("/report-readstat/names", Fixture, NULL, fixture_setup, test_names, fixture_teardown);
  g_test_add ("/report-readstat/empty", Fixture, NULL, fixture_setup, test_empty, fixture_teardown);
  g_test_add ("/report-readstat/long-text", Fixture, NULL, fixture_setup, test_long_text, fixture_teardown);
  g_test_add ("/report-readstat/errors", Fixture, NULL, fixture_setup, test_errors, fixture_teardown);
  g_test_add ("/report-readstat/codebook", Fixture, NULL, fixture_setup, test_codebook, fixture_teardown);
  g_test_add ("/report-readstat/interrupted", Fixture, NULL, fixture_setup, test_interrupted, fixture_teardown);

  status = g_test_run ();
  g_object_unref (survey);
  return status;
}
