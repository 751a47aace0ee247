/* Benchmark: 100,000 responses from 10 kiosks, imported and reported.
 *
 * Ten kiosks at five sites each take 10,000 responses over ten days and
 * export one bundle; the bundles are imported into a fresh analysis database,
 * then reported as HTML, PDF and CSV, for one site and for all, and written
 * as SPSS and Stata files beside the CSV of the same responses. Each step is
 * timed. Targets: import under 10 s, a report under 3 s.
 * Run with `meson test --benchmark`; SAYSO_BENCH_N sets the total.
 * SAYSO_BENCH_KEEP=1 keeps the folder (bundles, analysts' key, database);
 * SAYSO_BENCH_REUSE=that folder imports its bundles again into a new
 * database, skipping the kiosks, for timing the import on its own. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso-export.h"
#include "sayso-import.h"
#include "sayso-report.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

#define N_KIOSKS 10

static const char * const sites[] = { "Liverpool North", "Cumbria", "Dorset", "Cardiff", "Leeds" };

static SaysoResponse *
random_response (SaysoQuestionnaire *survey,
                 GRand              *rand,
                 guint               index)
{
  SaysoResponse *r = sayso_response_new (survey, g_rand_int_range (rand, 0, 10) ? "en" : "cy");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (survey, i);
      const char *id = sayso_question_get_id (q);
      guint n = sayso_question_get_n_options (q);
      guint pick;

      if (!sayso_response_is_shown (r, id) || g_rand_int_range (rand, 0, 100) < 10)
        continue;
      switch (sayso_question_get_kind (q))
        {
        case SAYSO_QUESTION_TEXT:
          if (g_rand_int_range (rand, 0, 100) < 20)
            {
              g_autofree char *text = g_strdup_printf ("Answer %u to %s: more help with travel would be good, and "
                                                       "seeing the same officer each time.", index, id);
              if (!sayso_response_set_text (r, id, text, &error))
                g_error ("%s", error->message);
            }
          break;
        case SAYSO_QUESTION_MULTIPLE:
          pick = g_rand_int_range (rand, 0, n);
          if (!sayso_response_toggle_choice (r, id, sayso_question_get_option_id (q, pick), &error))
            g_error ("%s", error->message);
          pick = g_rand_int_range (rand, 0, n);
          if (!sayso_question_get_option_exclusive (q, pick) && !sayso_response_is_chosen (r, id, sayso_question_get_option_id (q, pick)) &&
              !sayso_response_toggle_choice (r, id, sayso_question_get_option_id (q, pick), &error))
            g_error ("%s", error->message);
          break;
        default:
          pick = MIN (g_rand_int_range (rand, 0, n), g_rand_int_range (rand, 0, n));
          if (!sayso_response_set_choice (r, id, sayso_question_get_option_id (q, pick), &error))
            g_error ("%s", error->message);
          break;
        }
    }
  return r;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
time_report (SaysoAnalysisDb    *db,
             SaysoQuestionnaire *survey,
             SaysoReportFormat   format,
             const char         *site,
             const char         *out)
{
  g_autoptr(GError) error = NULL;
  SaysoReportOptions options = { .site = site, .format = format, .out = out, .small_number = 3, .language = "en" };
  gint64 start = g_get_monotonic_time ();

  if (!sayso_report_write (db, survey, &options, &error))
    g_error ("%s", error->message);
  return seconds_since (start);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SaysoQuestionnaire) survey = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (100000);
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) questionnaires = g_ptr_array_new ();
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *dir = g_build_filename (cwd, "bench-report-XXXXXX", NULL);
  g_autofree char *stick = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *out = NULL;
  SaysoAnalysisDb *db;
  const char *env_n = g_getenv ("SAYSO_BENCH_N");
  const char *reuse = g_getenv ("SAYSO_BENCH_REUSE");
  g_autofree char *key_path = NULL;
  guint n = env_n ? (guint) atoi (env_n) : 100000;
  guint per_kiosk = n / N_KIOSKS;
  guint8 pk[32], sk[32];
  gint64 start, imported = 0;
  double setup_s, import_s;
  struct { const char *what; SaysoReportFormat format; const char *site; const char *file; double s; } reports[] = {
    { "HTML, one site (with national averages)", SAYSO_REPORT_HTML, "Liverpool North", "site.html", 0 },
    { "HTML, all sites",                         SAYSO_REPORT_HTML, NULL,              "all.html",  0 },
    { "PDF, one site (with national averages)",  SAYSO_REPORT_PDF,  "Liverpool North", "site.pdf",  0 },
    { "PDF, all sites",                          SAYSO_REPORT_PDF,  NULL,              "all.pdf",   0 },
    { "CSV + codebook, all sites",               SAYSO_REPORT_CSV,  NULL,              "all.csv",   0 },
    { "SPSS .sav + codebook, all sites",         SAYSO_REPORT_SAV,  NULL,              "all.sav",   0 },
    { "Stata .dta + codebook, all sites",        SAYSO_REPORT_DTA,  NULL,              "all.dta",   0 },
  };

  sayso_init ();
  survey = sayso_questionnaire_new_default ();
  g_ptr_array_add (questionnaires, survey);
  if (reuse)
    {
      g_free (dir);
      dir = g_strdup (reuse);
    }
  else if (g_mkdtemp (dir) == NULL)
    g_error ("cannot make %s", dir);
  stick = g_build_filename (dir, "stick", NULL);
  key_path = g_build_filename (dir, "analysts.key", NULL);
  db_path = g_build_filename (dir, "analysis.db", NULL);

  /* The kiosks: not timed as part of the targets, but shown. */
  start = g_get_monotonic_time ();
  if (reuse)
    {
      g_autoptr(GDir) folder = g_dir_open (stick, 0, &error);
      g_autofree char *key = NULL;
      const char *name;
      gsize len = 0;

      if (folder == NULL || !g_file_get_contents (key_path, &key, &len, &error) || len != sizeof sk)
        g_error ("%s: not a kept benchmark folder", reuse);
      memcpy (sk, key, sizeof sk);
      while ((name = g_dir_read_name (folder)))
        g_ptr_array_add (bundles, g_build_filename (stick, name, NULL));
      g_ptr_array_sort (bundles, (GCompareFunc) g_strcmp0);
      per_kiosk = 0;
      n = 0;
      for (char **suffix = (char *[]) { "", "-wal", "-shm", NULL }; *suffix; suffix++)
        {
          g_autofree char *old = g_strconcat (db_path, *suffix, NULL);
          g_unlink (old);
        }
    }
  else
    {
      g_mkdir (stick, 0700);
      sayso_recipient_keypair_new (pk, sk);
      if (!g_file_set_contents_full (key_path, (const char *) sk, sizeof sk, G_FILE_SET_CONTENTS_NONE, 0600, &error))
        g_error ("%s", error->message);
    }
  for (guint k = 0; k < N_KIOSKS && !reuse; k++)
    {
      g_autofree char *name = g_strdup_printf ("kiosk-%u.db", k);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(SaysoStore) store = sayso_store_create (path, sites[k % G_N_ELEMENTS (sites)], pk, &error);
      g_auto(SaysoExportResult) result = { 0 };

      if (store == NULL)
        g_error ("%s", error->message);
      for (guint done = 0; done < per_kiosk; done += 1000)
        {
          g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
          g_autofree char *day = g_strdup_printf ("2026-10-%02u", 1 + (done / 1000) % 28);

          for (guint i = done; i < MIN (per_kiosk, done + 1000); i++)
            g_ptr_array_add (batch, random_response (survey, rand, i));
          g_setenv ("SAYSO_TODAY", day, TRUE);
          if (!sayso_store_submit_all (store, batch, g_rand_int_range (rand, 0, 3), &error))
            g_error ("%s", error->message);
        }
      g_unsetenv ("SAYSO_TODAY");
      if (!sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &result, &error))
        g_error ("%s", error->message);
      g_ptr_array_add (bundles, g_steal_pointer (&result.path));
    }
  setup_s = seconds_since (start);

  if (!(db = sayso_analysis_db_open (db_path, TRUE, &error)))
    g_error ("%s", error->message);

  start = g_get_monotonic_time ();
  for (guint b = 0; b < bundles->len; b++)
    {
      SaysoImportResult result = { 0 };
      if (!sayso_import_bundle (db, g_ptr_array_index (bundles, b), sk, questionnaires, TRUE, &result, &error))
        g_error ("%s", error->message);
      imported += result.added;
      sayso_import_result_clear (&result);
    }
  import_s = seconds_since (start);
  if (reuse)
    per_kiosk = imported / N_KIOSKS;
  else if (imported != (gint64) per_kiosk * N_KIOSKS)
    g_error ("imported %" G_GINT64_FORMAT " of %u", imported, per_kiosk * N_KIOSKS);

  for (guint r = 0; r < G_N_ELEMENTS (reports); r++)
    {
      g_free (out);
      out = g_build_filename (dir, reports[r].file, NULL);
      reports[r].s = time_report (db, survey, reports[r].format, reports[r].site, out);
    }

  printf ("report: %u responses from %u kiosks at %u sites, in %s\n", per_kiosk * N_KIOSKS, N_KIOSKS,
          (guint) G_N_ELEMENTS (sites), dir);
  printf ("  kiosks: submit and export (not a target)          %8.2f s\n", setup_s);
  printf ("  import %u bundles                                 %8.2f s  (target: under 10 s)\n", bundles->len, import_s);
  for (guint r = 0; r < G_N_ELEMENTS (reports); r++)
    {
      GStatBuf st;
      g_free (out);
      out = g_build_filename (dir, reports[r].file, NULL);
      g_stat (out, &st);
      printf ("  report: %-42s %6.2f s  (%.1f MB; target: under 3 s)\n", reports[r].what, reports[r].s,
              st.st_size / 1e6);
    }
  /* The labelled files beside the plain CSV of the same responses. */
  printf ("  .sav of %u responses: %.2f s beside the CSV's %.2f s (%.2fx); .dta: %.2f s (%.2fx)\n",
          per_kiosk * N_KIOSKS, reports[5].s, reports[4].s, reports[5].s / reports[4].s,
          reports[6].s, reports[6].s / reports[4].s);

  sayso_analysis_db_close (db);
  if (!g_getenv ("SAYSO_BENCH_KEEP") && !reuse)
    test_remove_tree (dir);
  return 0;
}
