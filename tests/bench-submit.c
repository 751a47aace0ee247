/* Benchmark: the latency of a sealed submit beside a bare SQLite insert of an
 * equally sized blob with the same pragmas on the same disk.
 *
 * The two are interleaved, one of each in turn, so that both see the same
 * disk weather. Run with `meson test --benchmark`. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "sayso-process.h"
#include "sayso-test-utils.h"

#define WARM_UP 20

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static gint64
percentile (GArray *samples,
            double  p)
{
  guint index = (guint) (p * (samples->len - 1) + 0.5);

  g_array_sort (samples, compare_gint64);
  return g_array_index (samples, gint64, index);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static SaysoResponse *
typical_response (SaysoQuestionnaire *survey,
                  guint               i)
{
  SaysoResponse *r = sayso_response_new (survey, i % 5 ? "en" : "cy");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strdup_printf ("Appointments are at the right time but the bus takes an hour, "
                                           "and I would like to be seen closer to home (%u).", i);

  if (!sayso_response_set_choice (r, "contact_officer", "agree", &error) ||
      !sayso_response_set_choice (r, "appointment_times", "neither", &error) ||
      !sayso_response_set_choice (r, "feel_safe_office", "strongly_agree", &error) ||
      !sayso_response_set_choice (r, "biggest_issue", "travel", &error) ||
      !sayso_response_toggle_choice (r, "what_good", "reception", &error) ||
      !sayso_response_toggle_choice (r, "what_good", "probation_officer", &error) ||
      !sayso_response_set_choice (r, "how_often", "monthly", &error) ||
      !sayso_response_set_choice (r, "age_band", "25_34", &error) ||
      !sayso_response_set_text (r, "solutions", text, &error))
    g_error ("%s", error->message);
  return r;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SaysoQuestionnaire) survey = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) submit_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) bare_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) cold_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) settle_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) whole_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *dir = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *bare_path = NULL;
  g_autofree guint8 *blob = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  const char *env_n = g_getenv ("SAYSO_BENCH_N");
  guint n = env_n ? (guint) atoi (env_n) : 400;
  guint8 pk[32], sk[32];
  gsize blob_size;
  sqlite3 *bare;
  sqlite3_stmt *insert;
  gint64 sm, sp, bm, bp;

  sayso_init ();
  survey = sayso_questionnaire_new_default ();

  /* In the build tree, not /tmp: the comparison must be on the same, real disk. */
  dir = g_build_filename (cwd, "bench-submit-XXXXXX", NULL);
  if (g_mkdtemp (dir) == NULL)
    g_error ("cannot make %s", dir);
  store_path = g_build_filename (dir, "store.db", NULL);
  bare_path = g_build_filename (dir, "bare.db", NULL);

  sayso_recipient_keypair_new (pk, sk);
  if (!(store = sayso_store_create (store_path, "Bench site", pk, &error)))
    g_error ("%s", error->message);
  /* As the kiosk does: the WAL is emptied of each response on the next idle. */
  sayso_store_settle_when_idle (store);

  blob_size = sayso_questionnaire_get_record_size (survey) + SAYSO_SEAL_OVERHEAD;
  blob = g_malloc (blob_size);
  sayso_random_bytes (blob, blob_size);

  if (sqlite3_open (bare_path, &bare) != SQLITE_OK)
    g_error ("cannot open %s", bare_path);
  exec_sql (bare,
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA secure_delete = ON;"
            "PRAGMA temp_store = MEMORY;"
            "CREATE TABLE responses (id BLOB PRIMARY KEY, questionnaire TEXT NOT NULL,"
            " version INTEGER NOT NULL, sealed BLOB NOT NULL) WITHOUT ROWID;");
  if (sqlite3_prepare_v3 (bare, "INSERT INTO responses (id, questionnaire, version, sealed) VALUES (?1, 'hmip-user-voice', 1, ?2)",
                          -1, SQLITE_PREPARE_PERSISTENT, &insert, NULL) != SQLITE_OK)
    g_error ("prepare failed");

  for (guint i = 0; i < WARM_UP + n; i++)
    {
      g_autoptr(SaysoResponse) r = typical_response (survey, i);
      guint8 id[16];
      gint64 t0, t1, ts, t2;

      /* The response is built, and the sealing key exchanged, before the clock
       * starts: the kiosk does both while the respondent is answering. Every
       * fourth submit is left cold, to show the cost without it. */
      if (i % 4 != 3)
        sayso_store_prepare (store);
      t0 = g_get_monotonic_time ();
      if (!sayso_store_submit (store, r, SAYSO_MODE_SELF, &error))
        g_error ("%s", error->message);
      t1 = g_get_monotonic_time ();
      while (g_main_context_iteration (NULL, FALSE))
        ;
      ts = g_get_monotonic_time ();

      sayso_random_bytes (id, sizeof id);
      exec_sql (bare, "BEGIN IMMEDIATE");
      sqlite3_bind_blob (insert, 1, id, sizeof id, SQLITE_STATIC);
      sqlite3_bind_blob (insert, 2, blob, (int) blob_size, SQLITE_STATIC);
      if (sqlite3_step (insert) != SQLITE_DONE)
        g_error ("insert failed: %s", sqlite3_errmsg (bare));
      sqlite3_reset (insert);
      exec_sql (bare, "COMMIT");
      t2 = g_get_monotonic_time ();

      if (i >= WARM_UP)
        {
          gint64 s = t1 - t0, w = ts - t0, settle = ts - t1, b = t2 - ts;
          g_array_append_val (i % 4 != 3 ? submit_us : cold_us, s);
          if (i % 4 != 3)
            {
              g_array_append_val (whole_us, w);
              g_array_append_val (settle_us, settle);
            }
          g_array_append_val (bare_us, b);
        }
    }

  sqlite3_finalize (insert);
  sqlite3_close (bare);

  sm = percentile (submit_us, 0.5);
  sp = percentile (submit_us, 0.99);
  bm = percentile (bare_us, 0.5);
  bp = percentile (bare_us, 0.99);

  printf ("submit-latency: %u submits of a %" G_GSIZE_FORMAT "-byte sealed record, WAL, synchronous=FULL, in %s\n",
          n, blob_size, dir);
  printf ("  sayso submit  median %6" G_GINT64_FORMAT " us   p99 %6" G_GINT64_FORMAT " us   (until the answers are safe and the respondent answered)\n", sm, sp);
  printf ("  cold submit   median %6" G_GINT64_FORMAT " us   p99 %6" G_GINT64_FORMAT " us   (key exchange inline)\n",
          percentile (cold_us, 0.5), percentile (cold_us, 0.99));
  printf ("  WAL settled   median %6" G_GINT64_FORMAT " us   p99 %6" G_GINT64_FORMAT " us   (after the answer, on idle: rows laid in key order, checkpoint, truncate, wal-index cleared)\n",
          percentile (settle_us, 0.5), percentile (settle_us, 0.99));
  printf ("  with settling median %6" G_GINT64_FORMAT " us   p99 %6" G_GINT64_FORMAT " us\n",
          percentile (whole_us, 0.5), percentile (whole_us, 0.99));
  printf ("  bare insert   median %6" G_GINT64_FORMAT " us   p99 %6" G_GINT64_FORMAT " us\n", bm, bp);
  printf ("  ratio         median %6.2fx     p99 %6.2fx   (target: within 2x, p99 under 20 ms)\n",
          (double) sm / (double) bm, (double) sp / (double) bp);
  printf ("  with settling median %6.2fx     p99 %6.2fx\n",
          (double) percentile (whole_us, 0.5) / (double) bm, (double) percentile (whole_us, 0.99) / (double) bp);

  g_clear_object (&store);
  test_remove_tree (dir);
  return 0;
}
