/* Durability: power cuts (every write not yet synced is lost) and disk faults
 * at each write and sync in turn, through an SQLite VFS shim. */
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-db-private.h"
#include "sayso-export-private.h"
#include "sayso-process.h"
#include "sayso-pin-gate.h"
#include "sayso-store-private.h"
#include "sayso-test-utils.h"
#include "sayso-test-vfs.h"

#define SUBMITS_PER_RUN 12

static SaysoQuestionnaire *survey;

static SaysoResponse *
tagged (const char *tag)
{
  SaysoResponse *r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_text (r, "solutions", tag, &error));
  return r;
}

/* The child: submit until the power goes; report each acknowledged response. */
static void G_GNUC_NORETURN
submitting_child (const char *path,
                  int         ack_fd,
                  guint       run,
                  guint       cut_after,
                  gboolean    sync_off)
{
  g_autoptr(SaysoStore) store = NULL;

  test_vfs_install ();
  store = sayso_store_open (path, NULL);
  if (store == NULL)
    _exit (3);
  if (sync_off)
    _sayso_db_set_synchronous_off (_sayso_store_get_db (store));

  test_vfs_power_cut_after (cut_after);
  for (guint i = 0; i < SUBMITS_PER_RUN; i++)
    {
      g_autofree char *tag = g_strdup_printf ("r%u-%u", run, i);
      g_autoptr(SaysoResponse) r = tagged (tag);
      g_autofree char *line = NULL;

      if (!sayso_store_submit (store, r, SAYSO_MODE_SELF, NULL))
        _exit (4);
      /* Acknowledged: sayso submit would now say “Stored”. */
      line = g_strdup_printf ("%s\n", tag);
      if (write (ack_fd, line, strlen (line)) < 0)
        _exit (5);
    }
  _exit (0);
}

static GHashTable *
present_tags (const char   *path,
              const guint8 *sk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) db = sayso_db_open (path, SAYSO_DB_OPEN_EXISTING, &error);
  g_autoptr(GPtrArray) records = NULL;
  GHashTable *tags = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_no_error (error);
  g_assert_true (sayso_db_integrity_check (db, &error));
  g_assert_no_error (error);
  records = test_open_all_records (db, sk);
  for (guint i = 0; i < records->len; i++)
    {
      SaysoRecord *record = g_ptr_array_index (records, i);
      const char *tag = json_object_get_string_member (json_node_get_object (record->answers), "solutions");
      g_assert_false (g_hash_table_contains (tags, tag));
      g_hash_table_add (tags, g_strdup (tag));
    }
  return tags;
}

/* Runs the power-cut loop; returns how many acknowledged responses were lost. */
static guint
power_cut_runs (guint    runs,
                gboolean sync_off,
                guint   *acknowledged)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GPtrArray) acked = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) present = NULL;
  guint8 pk[32], sk[32];
  guint lost = 0;

  sayso_recipient_keypair_new (pk, sk);
  store = sayso_store_create (path, "Power site", pk, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  for (guint run = 0; run < runs; run++)
    {
      int fds[2];
      pid_t pid;
      int status = 0;
      g_autoptr(GString) out = g_string_new (NULL);
      char buf[256];
      gssize n;

      /* Anywhere in the dozen submits: each is a dozen writes and two
       * syncs (the commit, then the checkpoint that empties the WAL), but
       * the one that finds the pool of slots full grows it, a thousand
       * writes and more. Drawn evenly on a log scale up to 8192, so that
       * both ordinary submits and growing pools are cut, and some runs
       * end before the power goes. Drawn here, in the parent: a forked
       * child inherits the parent's random state, so children drawing for
       * themselves all cut alike. */
      guint cut = (guint) exp (g_random_double_range (0.0, log (8192.0))) + 1;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          submitting_child (path, fds[1], run, cut, sync_off);
        }
      close (fds[1]);
      while ((n = read (fds[0], buf, sizeof buf)) > 0)
        g_string_append_len (out, buf, n);
      close (fds[0]);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      /* Under valgrind, a child that was cut off mid-submit exits 1 for the
       * memory it held: 3, 4 and 5 are the child's own failures. */
      if (!(g_getenv ("SAYSO_UNDER_VALGRIND") && WEXITSTATUS (status) == 1))
        g_assert_cmpint (WEXITSTATUS (status), ==, 0);

      {
        g_auto(GStrv) lines = g_strsplit (out->str, "\n", -1);
        for (guint i = 0; lines[i]; i++)
          if (*lines[i])
            g_ptr_array_add (acked, g_strdup (lines[i]));
      }

      /* As after a reboot: open the store afresh, check it, count. */
      g_clear_pointer (&present, g_hash_table_unref);
      present = present_tags (path, sk);
    }

  for (guint i = 0; i < acked->len; i++)
    if (!g_hash_table_contains (present, g_ptr_array_index (acked, i)))
      lost++;

  *acknowledged = acked->len;
  test_remove_tree (dir);
  return lost;
}

static void
test_power_cut (void)
{
  guint acknowledged = 0;
  guint lost = power_cut_runs (200, FALSE, &acknowledged);

  g_test_message ("200 power cuts: %u responses acknowledged, %u lost", acknowledged, lost);
  g_assert_cmpuint (acknowledged, >, 0);
  g_assert_cmpuint (lost, ==, 0);
}

/* The harness can see a loss: the same cuts with synchronous=OFF lose responses. */
static void
test_power_cut_sees_losses_without_sync (void)
{
  guint acknowledged = 0;
  guint lost = power_cut_runs (40, TRUE, &acknowledged);

  g_test_message ("40 power cuts with synchronous=OFF: %u acknowledged, %u lost", acknowledged, lost);
  g_assert_cmpuint (lost, >, 0);
}

static gboolean
count_one (const SaysoDbRecord *record,
           gpointer             user_data)
{
  (*(guint *) user_data)++;
  return TRUE;
}

/* A read error (a bad sector under a page a submit or the export reads) is
 * reported but does not stop the store saving: only a failed write or sync
 * can have lost something. After a failed write, the settings and the staff PIN are
 * refused like responses, and nothing of them reaches the disk. */
static void
test_read_error_is_not_a_write_error (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(SaysoResponse) after = tagged ("after-the-read-error");
  g_autoptr(SaysoResponse) refused = tagged ("refused");
  g_autoptr(SaysoResponse) unread = tagged ("after-a-read-error-in-a-submit");
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_auto(SaysoExportResult) exported = { 0 };
  guint8 pk[32], sk[32];
  guint seen = 0;
  gint64 keep = 0, awaiting = 0;
  gboolean stored;

  sayso_recipient_keypair_new (pk, sk);
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  store = sayso_store_create (path, "Read site", pk, &error);
  g_assert_no_error (error);
  /* More rows than the page cache holds, so reading them all goes to the disk. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *tag = g_strdup_printf ("before-%u", i);
      g_autoptr(SaysoResponse) r = tagged (tag);

      g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
    }
  g_clear_object (&store);

  test_vfs_install ();
  store = sayso_store_open (path, &error);
  g_assert_no_error (error);

  test_vfs_set_fault (TEST_VFS_FAULT_READ, 1);
  g_assert_false (sayso_db_foreach_response (_sayso_store_get_db (store), count_one, &seen, &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO);
  g_clear_error (&error);

  test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  stored = sayso_store_submit (store, after, SAYSO_MODE_SELF, &error);
  g_assert_no_error (error);
  g_assert_true (stored);

  /* A page that cannot be read in the middle of a submit, with a fresh
   * cache: the submit fails, nothing is lost, and the store goes on. */
  g_clear_object (&store);
  store = sayso_store_open (path, &error);
  g_assert_no_error (error);
  test_vfs_set_fault (TEST_VFS_FAULT_READ, 1);
  g_assert_false (sayso_store_submit (store, unread, SAYSO_MODE_SELF, &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO);
  g_clear_error (&error);
  test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  g_assert_true (sayso_store_submit (store, unread, SAYSO_MODE_SELF, &error));
  g_assert_no_error (error);

  /* And in the middle of an export, which reads every record through the
   * same read calls (never through a memory map, where a bad sector is a
   * SIGBUS): the export fails plainly, every record still awaiting. */
  test_vfs_set_fault (TEST_VFS_FAULT_READ, 5);
  g_assert_false (sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &exported, &error));
  g_assert_nonnull (strstr (error->message, "every record is still awaiting export"));
  g_clear_error (&error);
  test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  g_assert_true (sayso_store_count (store, NULL, &awaiting, &error));
  g_assert_cmpint (awaiting, ==, 102);
  g_assert_true (sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &exported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (exported.records, ==, 102);
  sayso_export_result_clear (&exported);

  /* A failed write: from now on nothing is written through this handle. */
  test_vfs_set_fault (TEST_VFS_FAULT_WRITE, 1);
  g_assert_false (sayso_store_submit (store, refused, SAYSO_MODE_SELF, &error));
  g_clear_error (&error);
  test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  g_assert_false (sayso_store_set_keep_days (store, 30, &error));
  g_assert_nonnull (strstr (error->message, "until Sayso is restarted"));
  g_clear_error (&error);
  g_assert_false (sayso_store_set_pin (store, "135790", &error));
  g_assert_nonnull (strstr (error->message, "until Sayso is restarted"));
  g_clear_error (&error);
  g_clear_object (&store);
  test_vfs_uninstall ();

  store = sayso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_store_get_keep_days (store, &keep, &error));
  g_assert_cmpint (keep, ==, SAYSO_DEFAULT_KEEP_DAYS);
  g_assert_false (sayso_store_has_pin (store));
  g_clear_object (&store);
  {
    g_autoptr(GHashTable) present = present_tags (path, sk);

    g_assert_cmpuint (g_hash_table_size (present), ==, 102);
    g_assert_true (g_hash_table_contains (present, "after-the-read-error"));
    g_assert_true (g_hash_table_contains (present, "after-a-read-error-in-a-submit"));
    g_assert_false (g_hash_table_contains (present, "refused"));
  }
  test_remove_tree (dir);
}

/* A staff PIN try is counted on the disk before the PIN is checked: a write
 * or sync failing at each call of the count's commit in turn, and not even
 * the right PIN is checked, so no order of events (a kill, a full disk)
 * lets a try go uncounted. Where the failing call is of the other kind, the
 * try goes through and the right PIN opens: the negative control. */
static void
test_pin_try_counted_first (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  guint8 pk[32], sk[32];
  guint commit_calls;

  sayso_recipient_keypair_new (pk, sk);
  {
    g_autoptr(SaysoStore) made = sayso_store_create (path, "Test site", pk, &error);
    g_assert_no_error (error);
    g_assert_true (sayso_store_set_pin (made, "135790", &error));
  }

  /* How many writes and syncs counting one wrong try takes. */
  {
    g_autoptr(SaysoStore) store = NULL;
    g_autoptr(SaysoPinGate) gate = NULL;

    test_vfs_install ();
    store = sayso_store_open (path, &error);
    g_assert_no_error (error);
    gate = sayso_pin_gate_new (store);
    test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
    g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_WRONG);
    commit_calls = test_vfs_get_calls ();
    g_assert_cmpuint (commit_calls, >, 0);
    g_clear_object (&gate);
    g_clear_object (&store);
    test_vfs_uninstall ();
  }

  for (TestVfsFault fault = TEST_VFS_FAULT_WRITE; fault <= TEST_VFS_FAULT_SYNC; fault += TEST_VFS_FAULT_SYNC - TEST_VFS_FAULT_WRITE)
    {
      guint refused = 0, opened = 0;

      for (guint at = 1; at <= commit_calls; at++)
        {
          g_autoptr(SaysoStore) store = NULL;
          g_autoptr(SaysoPinGate) gate = NULL;
          SaysoPinResult result;

          /* Each time a fresh start with no wrong tries. */
          store = sayso_store_open (path, &error);
          g_assert_no_error (error);
          g_assert_true (sayso_db_set_pin_failures (_sayso_store_get_db (store), 0, &error));
          g_clear_object (&store);

          test_vfs_install ();
          store = sayso_store_open (path, &error);
          g_assert_no_error (error);
          gate = sayso_pin_gate_new (store);
          test_vfs_set_fault (fault, at);
          result = sayso_pin_gate_try (gate, "135790", &error);
          test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
          if (error != NULL)
            {
              /* The count failed: the PIN was not checked. */
              g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO);
              g_assert_cmpint (result, !=, SAYSO_PIN_ACCEPTED);
              g_clear_error (&error);
              refused++;
            }
          else
            {
              g_assert_cmpint (result, ==, SAYSO_PIN_ACCEPTED);
              opened++;
            }
          g_clear_object (&gate);
          g_clear_object (&store);
          test_vfs_uninstall ();
        }
      g_test_message ("%s failing at each of %u calls: %u tries refused, %u opened",
                      fault == TEST_VFS_FAULT_WRITE ? "a write" : "a sync", commit_calls, refused, opened);
      g_assert_cmpuint (refused, >, 0);
    }
  test_remove_tree (dir);
}


/* A store holding `before` responses, its pool of slots made, opened
 * through the shim. */
static SaysoStore *
store_with (const char   *path,
            const guint8 *pk,
            guint         before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = sayso_store_create (path, "Fault site", pk, &error);
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_object_unref);

  g_assert_no_error (error);
  for (guint i = 0; i < before; i++)
    {
      g_autofree char *tag = g_strdup_printf ("before-%u", i);
      g_ptr_array_add (responses, tagged (tag));
    }
  g_assert_true (sayso_store_submit_all (store, responses, SAYSO_MODE_SELF, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  test_vfs_install ();
  store = sayso_store_open (path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

/* One submit with the fault at its `at`th write or sync; TRUE if it failed. */
static gboolean
fault_run (const char   *path,
           const guint8 *pk,
           const guint8 *sk,
           guint         before,
           TestVfsFault  fault,
           guint         at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = store_with (path, pk, before);
  g_autoptr(SaysoResponse) r = tagged ("faulty");
  g_autoptr(GHashTable) present = NULL;
  gboolean stored, failed;

  test_vfs_set_fault (fault, at);
  stored = sayso_store_submit (store, r, SAYSO_MODE_SELF, &error);
  failed = !stored;
  if (!stored)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == SAYSO_DB_ERROR);
      test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
      if (g_error_matches (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL))
        {
          /* A full disk took nothing: once there is room, the same
           * handle stores the response, exactly once (checked below). */
          g_clear_error (&error);
          g_assert_false (sayso_store_needs_reopen (store));
          g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
          g_assert_no_error (error);
          stored = TRUE;
        }
      else
        {
          g_clear_error (&error);
          /* Never trusted again without a restart. */
          g_assert_true (sayso_store_needs_reopen (store));
          g_assert_false (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
          g_assert_nonnull (strstr (error->message, "until Sayso is restarted"));
          g_clear_error (&error);
        }
    }
  g_clear_object (&store);
  test_vfs_uninstall ();

  /* The restart: consistent, every earlier response there, and this one at most once. */
  present = present_tags (path, sk);
  if (stored)
    g_assert_true (g_hash_table_contains (present, "faulty"));
  g_assert_cmpuint (g_hash_table_size (present), <=, before + 1);
  g_assert_cmpuint (g_hash_table_size (present), >=, before);

  /* And the retry after the restart stores it exactly once. */
  store = sayso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
  g_clear_object (&store);
  g_clear_pointer (&present, g_hash_table_unref);
  present = present_tags (path, sk);
  g_assert_cmpuint (g_hash_table_size (present), ==, before + 1);
  g_assert_true (g_hash_table_contains (present, "faulty"));
  return failed;
}

/* How many writes and syncs one submit makes on a store with `before`
 * responses in it, and which of them were syncs (up to 8). */
static guint
calls_of_a_submit (const char   *dir,
                   const guint8 *pk,
                   guint         before,
                   guint         syncs[8])
{
  g_autofree char *path = g_strdup_printf ("%s/probe-%u.db", dir, before);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = store_with (path, pk, before);
  g_autoptr(SaysoResponse) r = tagged ("probe");
  guint calls;

  test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
  calls = test_vfs_get_calls ();
  for (guint i = 0; i < 8; i++)
    syncs[i] = test_vfs_get_sync_call (i);
  g_clear_object (&store);
  test_vfs_uninstall ();
  return calls;
}

/* A write or sync failing at each call of an ordinary submit in turn: a
 * clear error, a consistent store, and after an I/O error no more writes
 * through that handle. Then the same at
 * forty points spread over a submit that finds the pool of slots full and
 * grows it, dealing out the 64 records already there again. */
static void
test_fault_at_each_call (gconstpointer data)
{
  TestVfsFault fault = GPOINTER_TO_INT (data);
  g_autofree char *dir = test_make_tmp_dir ();
  guint8 pk[32], sk[32];
  guint calls_per_submit, calls_per_growth, failures = 0, growth_failures = 0;
  guint syncs[8], points[40 + 8];
  guint n_points = 0;

  sayso_recipient_keypair_new (pk, sk);

  calls_per_submit = calls_of_a_submit (dir, pk, 1, syncs);
  g_assert_cmpuint (calls_per_submit, >=, 2);
  for (guint at = 1; at <= calls_per_submit; at++)
    {
      g_autofree char *path = g_strdup_printf ("%s/store-%u.db", dir, at);
      failures += fault_run (path, pk, sk, 1, fault, at);
    }

  /* Forty writes spread over the growing submit, and each of its syncs. */
  calls_per_growth = calls_of_a_submit (dir, pk, 64, syncs);
  g_assert_cmpuint (calls_per_growth, >, 10 * calls_per_submit);
  for (guint k = 0; k < 40; k++)
    points[n_points++] = 1 + k * (calls_per_growth - 1) / 39;
  for (guint k = 0; k < 8 && syncs[k] != 0; k++)
    points[n_points++] = syncs[k];
  for (guint k = 0; k < n_points; k++)
    {
      g_autofree char *path = g_strdup_printf ("%s/growing-%u-%u.db", dir, k, points[k]);
      growth_failures += fault_run (path, pk, sk, 64, fault, points[k]);
    }

  g_test_message ("fault %d at each of %u calls: %u submits failed cleanly; "
                  "at %u of the %u calls of a growing pool: %u failed cleanly",
                  fault, calls_per_submit, failures, n_points, calls_per_growth, growth_failures);
  g_assert_cmpuint (failures, >, 0);
  g_assert_cmpuint (growth_failures, >, 0);
  test_remove_tree (dir);
}

/* Power cuts during an export: the drive keeps only what was fsynced (the
 * bundle's data after its fsync, its name after the folder's fsync), the
 * store only what SQLite synced. Afterwards no file under a bundle's name is
 * half-written, and every record the store calls exported is in a bundle on
 * the stick that verifies. */
static gboolean
in_bundles (const SaysoDbRecord *record,
            gpointer             user_data)
{
  g_autoptr(GBytes) key = g_bytes_new (record->id, 16);

  if (record->state == SAYSO_DB_STATE_EXPORTED && !g_hash_table_contains (user_data, key))
    g_error ("a record is marked exported but is in no bundle on the stick");
  return TRUE;
}

static void
test_power_cut_export (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *stick = g_build_filename (dir, "stick", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = NULL;
  guint8 pk[32], sk[32];
  guint runs = 200, bundles_seen = 0;

  sayso_recipient_keypair_new (pk, sk);
  store = sayso_store_create (path, "Power site", pk, &error);
  g_assert_no_error (error);
  g_mkdir (stick, 0700);

  for (guint run = 0; run < runs; run++)
    {
      g_autoptr(GHashTable) exported_ids = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
      g_autoptr(GDir) d = NULL;
      const char *name;
      int status = 0;
      /* Drawn in the parent, so that each child cuts somewhere else. */
      guint seam_cut = g_random_int_range (1, 7);
      guint vfs_cut = g_random_int_range (1, 40);
      pid_t pid;

      for (guint i = 0; i < 2; i++)
        {
          g_autofree char *tag = g_strdup_printf ("e%u-%u", run, i);
          g_autoptr(SaysoResponse) r = tagged (tag);
          g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
        }
      g_clear_object (&store);

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          g_auto(SaysoExportResult) result = { 0 };
          g_autoptr(SaysoStore) child = NULL;

          test_vfs_install ();
          child = sayso_store_open (path, NULL);
          if (child == NULL)
            _exit (3);
          /* The cut falls in the bundle's writing, or in the store's marking. */
          if (run % 2 == 0)
            _sayso_export_set_power_cut (seam_cut);
          else
            test_vfs_power_cut_after (vfs_cut);
          if (!sayso_store_export (child, stick, run % 9 == 0 ? SAYSO_EXPORT_AGAIN : SAYSO_EXPORT_DEFAULT, &result, NULL))
            _exit (4);
          _exit (0);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFEXITED (status));
      if (!(g_getenv ("SAYSO_UNDER_VALGRIND") && WEXITSTATUS (status) == 1))
        g_assert_cmpint (WEXITSTATUS (status), ==, 0);

      /* After the reboot. */
      d = g_dir_open (stick, 0, NULL);
      while ((name = g_dir_read_name (d)))
        {
          g_autofree char *file = g_build_filename (stick, name, NULL);
          g_autoptr(SaysoBundle) bundle = NULL;

          if (g_str_has_prefix (name, "."))
            continue;  /* an unfinished export's temporary file */
          bundle = sayso_bundle_open (file, NULL, &error);
          g_assert_no_error (error);
          bundles_seen++;
          for (guint i = 0; i < bundle->entries->len; i++)
            g_hash_table_add (exported_ids, g_bytes_new (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->id, 16));
        }

      store = sayso_store_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (sayso_db_integrity_check (_sayso_store_get_db (store), &error));
      g_assert_true (sayso_db_foreach_response (_sayso_store_get_db (store), in_bundles, exported_ids, &error));
      g_assert_no_error (error);
    }

  g_test_message ("%u power cuts during exports; %u bundle checks passed", runs, bundles_seen);
  g_assert_cmpuint (bundles_seen, >, 0);
  g_clear_object (&store);
  test_remove_tree (dir);
}

#define FULL_BEFORE 3
#define FULL_DURING 6

/* A day on a kiosk whose disk fills up: responses that meet the full disk
 * wait (in the kiosk, in its queue; here in a list) and are submitted again
 * through the same store, without a restart, once there is room. Returns how
 * many of the day's responses the store holds in the end; present_tags()
 * fails the test if one is there twice. */
static guint
full_disk_day (gboolean  old_rule,
               guint    *n_waited)
{
  TestFullDisk *disk = test_full_disk_new (8 * 1024 * 1024);
  g_autofree char *path = g_build_filename (test_full_disk_get_dir (disk), "store.db", NULL);
  g_autoptr(GPtrArray) waiting = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) present = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  guint8 pk[32], sk[32];
  guint n_present;

  sayso_recipient_keypair_new (pk, sk);
  store = sayso_store_create (path, "Full site", pk, &error);
  g_assert_no_error (error);
  _sayso_db_set_poison_when_full (old_rule);

  for (guint i = 0; i < FULL_BEFORE; i++)
    {
      g_autofree char *tag = g_strdup_printf ("before-%u", i);
      g_autoptr(SaysoResponse) r = tagged (tag);

      g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }

  test_full_disk_fill (disk);
  for (guint i = 0; i < FULL_DURING; i++)
    {
      g_autofree char *tag = g_strdup_printf ("during-%u", i);
      g_autoptr(SaysoResponse) r = tagged (tag);

      if (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error))
        continue;
      /* The old rule gives the full disk's message once, then its own. */
      g_assert_error (error, SAYSO_DB_ERROR, (gint) (waiting->len == 0 || !old_rule ? SAYSO_DB_ERROR_FULL : SAYSO_DB_ERROR_IO));
      g_clear_error (&error);
      g_ptr_array_add (waiting, g_steal_pointer (&r));
    }
  g_assert_cmpuint (waiting->len, >, 0);
  *n_waited = waiting->len;

  /* Still full: refused again, and the store is not given up on. */
  g_assert_false (sayso_store_submit (store, g_ptr_array_index (waiting, 0), SAYSO_MODE_SELF, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (sayso_store_needs_reopen (store) == old_rule);

  test_full_disk_make_room (disk);
  for (guint i = 0; i < waiting->len; i++)
    if (!sayso_store_submit (store, g_ptr_array_index (waiting, i), SAYSO_MODE_SELF, &error))
      {
        g_assert_true (old_rule);
        g_assert_nonnull (strstr (error->message, "until Sayso is restarted"));
        g_clear_error (&error);
      }
  _sayso_db_set_poison_when_full (FALSE);
  g_clear_object (&store);

  present = present_tags (path, sk);
  n_present = g_hash_table_size (present);
  test_full_disk_free (disk);
  return n_present;
}

/* A full disk rolls its transaction back and loses nothing: once there is
 * room, every response that waited is stored through the same handle, and
 * none twice. */
static void
test_full_disk (void)
{
  guint waited = 0;

  g_assert_cmpuint (full_disk_day (FALSE, &waited), ==, FULL_BEFORE + FULL_DURING);
  g_test_message ("%u of %u responses met the full disk and were stored once there was room",
                  waited, FULL_DURING);
}

/* The negative control: under the old rule (a full disk stops the handle
 * for good) the same day loses what waited, and the test above would see it. */
static void
test_full_disk_old_rule_loses (void)
{
  guint waited = 0;

  g_assert_cmpuint (full_disk_day (TRUE, &waited), ==, FULL_BEFORE + FULL_DURING - waited);
  g_assert_cmpuint (waited, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

  g_test_add_func ("/durability/power-cut", test_power_cut);
  g_test_add_func ("/durability/power-cut-sees-losses-without-sync", test_power_cut_sees_losses_without_sync);
  g_test_add_func ("/durability/power-cut-export", test_power_cut_export);
  g_test_add_data_func ("/durability/fault/write", GINT_TO_POINTER (TEST_VFS_FAULT_WRITE), test_fault_at_each_call);
  g_test_add_data_func ("/durability/fault/short-write", GINT_TO_POINTER (TEST_VFS_FAULT_SHORT_WRITE), test_fault_at_each_call);
  g_test_add_data_func ("/durability/fault/fsync", GINT_TO_POINTER (TEST_VFS_FAULT_SYNC), test_fault_at_each_call);
  g_test_add_func ("/durability/fault/read-is-not-a-write-error", test_read_error_is_not_a_write_error);
  g_test_add_func ("/durability/full-disk", test_full_disk);
  g_test_add_func ("/durability/full-disk-old-rule-loses", test_full_disk_old_rule_loses);
  g_test_add_func ("/durability/pin-try-counted-first", test_pin_try_counted_first);

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
