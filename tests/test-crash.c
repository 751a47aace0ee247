/* SIGKILL `sayso submit` at random moments, hundreds of times: every response
 * it reported as stored is there, none twice, and the store stays intact. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-db.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

#define DEFAULT_RUNS 600

static void
check_store (const char   *path,
             const guint8 *sk,
             GHashTable   *acknowledged,
             guint         attempts)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) db = sayso_db_open (path, SAYSO_DB_OPEN_EXISTING, &error);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer key;

  g_assert_no_error (error);
  g_assert_true (sayso_db_integrity_check (db, &error));
  g_assert_no_error (error);

  records = test_open_all_records (db, sk);
  g_assert_cmpuint (records->len, <=, attempts);
  for (guint i = 0; i < records->len; i++)
    {
      SaysoRecord *record = g_ptr_array_index (records, i);
      const char *tag = json_object_get_string_member (json_node_get_object (record->answers), "solutions");

      g_assert_false (g_hash_table_contains (seen, tag));
      g_hash_table_add (seen, g_strdup (tag));
    }

  g_hash_table_iter_init (&iter, acknowledged);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (seen, key))
      g_error ("response %s was reported stored but is gone", (const char *) key);
}

/* How long a whole `sayso submit` takes here (a sanitizer build, a loaded
 * machine): kills are spread over one and a half times that, so that some
 * land before the commit and some after, however fast the machine. */
static gint32
submit_window (const char   *dir,
               const guint8 *pk)
{
  g_autofree char *path = g_build_filename (dir, "calibrate.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = sayso_store_create (path, "Calibration", pk, &error);
  gint64 slowest = 0;

  g_assert_no_error (error);
  g_clear_object (&store);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      GOutputStream *in;
      const char *json = "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"solutions\": \"calibration\"}}";
      gint64 start = g_get_monotonic_time ();

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error, test_sayso_binary (), "submit", "--store", path, "-", NULL);
      g_assert_no_error (error);
      in = g_subprocess_get_stdin_pipe (proc);
      g_output_stream_write_all (in, json, strlen (json), NULL, NULL, NULL);
      g_output_stream_close (in, NULL, NULL);
      g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
      slowest = MAX (slowest, g_get_monotonic_time () - start);
    }
  return (gint32) CLAMP (slowest * 3 / 2, 20000, 2 * G_USEC_PER_SEC);
}

static void
test_sigkill_submit (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GHashTable) acknowledged = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = NULL;
  guint8 pk[32], sk[32];
  guint runs = DEFAULT_RUNS, killed = 0;
  gint32 window_usec;
  const char *env_runs = g_getenv ("SAYSO_CRASH_RUNS");

  if (env_runs)
    runs = (guint) g_ascii_strtoull (env_runs, NULL, 10);

  sayso_recipient_keypair_new (pk, sk);
  store = sayso_store_create (path, "Crash site", pk, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  window_usec = submit_window (dir, pk);

  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *tag = g_strdup_printf ("run-%u", i);
      g_autofree char *json = g_strdup_printf ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"solutions\": \"%s\"}}", tag);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GBytes) out = NULL;
      GOutputStream *in;

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               &error, test_sayso_binary (), "submit", "--store", path, "-", NULL);
      g_assert_no_error (error);
      in = g_subprocess_get_stdin_pipe (proc);
      g_output_stream_write_all (in, json, strlen (json), NULL, NULL, NULL);
      g_output_stream_close (in, NULL, NULL);

      /* Anywhere from start-up to well after the commit. */
      g_usleep (g_random_int_range (0, window_usec));
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);

      if (g_subprocess_get_if_signaled (proc))
        killed++;

      out = g_input_stream_read_bytes (g_subprocess_get_stdout_pipe (proc), 256, NULL, NULL);
      if (out != NULL && g_bytes_get_size (out) > 0 &&
          memmem (g_bytes_get_data (out, NULL), g_bytes_get_size (out), "Stored 1 response.", 18))
        g_hash_table_add (acknowledged, g_steal_pointer (&tag));

      if (i % 50 == 49)
        check_store (path, sk, acknowledged, i + 1);
    }

  check_store (path, sk, acknowledged, runs);
  g_test_message ("%u runs, killed within %d ms: %u killed mid-way, %u acknowledged", runs, window_usec / 1000, killed,
                  g_hash_table_size (acknowledged));
  /* Both outcomes must have happened, or the test proved nothing. */
  g_assert_cmpuint (killed, >, 0);
  g_assert_cmpuint (g_hash_table_size (acknowledged), >, 0);

  test_remove_tree (dir);
}

static gboolean
check_exported_one (const SaysoDbRecord *record,
                    gpointer             user_data)
{
  struct { GHashTable *in; guint exported; } *ctx = user_data;
  g_autoptr(GBytes) key = g_bytes_new (record->id, 16);

  if (record->state == SAYSO_DB_STATE_EXPORTED)
    {
      ctx->exported++;
      if (!g_hash_table_contains (ctx->in, key))
        g_error ("a record is marked exported but is in no bundle on the stick");
    }
  return TRUE;
}

/* SIGKILL `sayso export` at random moments: afterwards the store is intact,
 * every record it marks exported is in a bundle on the stick that verifies,
 * and no bundle under its final name is half-written. */
static void
check_export_invariants (const char   *path,
                         const char   *stick,
                         const guint8 *sk,
                         guint         total)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) db = sayso_db_open (path, SAYSO_DB_OPEN_EXISTING, &error);
  g_autoptr(GHashTable) in_bundles = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GDir) dir = g_dir_open (stick, 0, NULL);
  const char *name;
  gint64 n = 0, awaiting = 0;

  g_assert_no_error (error);
  g_assert_true (sayso_db_integrity_check (db, &error));
  g_assert_true (sayso_db_count_responses (db, &n, &awaiting, NULL, &error));
  g_assert_cmpint (n, ==, total);

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *file = g_build_filename (stick, name, NULL);
      g_autoptr(SaysoBundle) bundle = NULL;

      if (g_str_has_prefix (name, "."))
        continue;  /* a temporary file a killed export left: never under a bundle's name */
      bundle = sayso_bundle_open (file, NULL, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < bundle->entries->len; i++)
        g_hash_table_add (in_bundles, g_bytes_new (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->id, 16));
    }

  {
    struct { GHashTable *in; guint exported; } ctx = { in_bundles, 0 };
    g_assert_true (sayso_db_foreach_response (db, check_exported_one, &ctx, &error));
    g_assert_cmpint (ctx.exported, ==, n - awaiting);
  }
}

static void
test_sigkill_export (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_autoptr(SaysoQuestionnaire) survey = sayso_questionnaire_new_default ();
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[32], sk[32];
  guint runs = 400, killed = 0, total = 0;

  sayso_recipient_keypair_new (pk, sk);
  store = sayso_store_create (path, "Export crash site", pk, &error);
  g_assert_no_error (error);
  g_mkdir (stick, 0700);

  for (guint i = 0; i < runs; i++)
    {
      g_autoptr(GSubprocess) proc = NULL;

      /* A few new responses before each export, so there is always work. */
      for (guint k = 0; k < 3; k++)
        {
          g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
          g_assert_true (sayso_response_set_choice (r, "how_often", "monthly", &error));
          g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
          total++;
        }

      /* Now and then a re-export of everything kept, as after a lost stick. */
      if (i % 7 == 0)
        proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                 test_sayso_binary (), "export", "--store", path, "--to", stick, "--again", NULL);
      else
        proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                                 test_sayso_binary (), "export", "--store", path, "--to", stick, NULL);
      g_assert_no_error (error);
      g_usleep (g_random_int_range (0, 25000));
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, &error);
      if (g_subprocess_get_if_signaled (proc))
        killed++;

      if (i % 25 == 24)
        check_export_invariants (path, stick, sk, total);
    }

  check_export_invariants (path, stick, sk, total);
  g_test_message ("%u export runs, %u killed mid-way", runs, killed);
  g_assert_cmpuint (killed, >, 0);
  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

  g_test_add_func ("/crash/sigkill-submit", test_sigkill_submit);
  g_test_add_func ("/crash/sigkill-export", test_sigkill_export);

  return g_test_run ();
}
