/* The sealed store: round trips, privacy of the file, migrations, busy stores. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>

#include "sayso-bundle.h"
#include "sayso-db-private.h"
#include "sayso-export.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-test-utils.h"

static SaysoQuestionnaire *survey;

static SaysoResponse *
sample_response (const char *canary)
{
  SaysoResponse *r = sayso_response_new (survey, "cy");
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_choice (r, "contact_officer", "strongly_agree", &error));
  g_assert_true (sayso_response_set_choice (r, "needed_services", "yes", &error));
  g_assert_true (sayso_response_set_choice (r, "services_local", "agree", &error));
  g_assert_true (sayso_response_toggle_choice (r, "what_good", "reception", &error));
  g_assert_true (sayso_response_toggle_choice (r, "what_good", "travel", &error));
  g_assert_true (sayso_response_set_text (r, "induction", canary, &error));
  g_assert_no_error (error);
  return r;
}

static void
test_round_trip (TestStore     *f,
                 gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sample_response ("Dim ond yn iawn — CANARY-7f3a");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *answers = NULL;
  g_autofree char *today = sayso_today ();
  SaysoRecord *record;
  gint64 total = -1, awaiting = -1;

  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_STAFF, &error));
  g_assert_no_error (error);
  g_assert_true (sayso_store_count (f->store, &total, &awaiting, &error));
  g_assert_cmpint (total, ==, 1);
  g_assert_cmpint (awaiting, ==, 1);

  records = test_open_all_records (_sayso_store_get_db (f->store), f->sk);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpstr (record->questionnaire, ==, "hmip-user-voice");
  g_assert_cmpint (record->version, ==, 1);
  test_assert_day_since (today, record->day);
  g_assert_cmpint (record->mode, ==, SAYSO_MODE_STAFF);
  g_assert_cmpstr (record->site, ==, "Test site");
  g_assert_cmpstr (record->language, ==, "cy");
  answers = test_answers_to_string (record);
  g_assert_cmpstr (answers, ==,
                   "{\"contact_officer\":\"strongly_agree\",\"needed_services\":\"yes\","
                   "\"services_local\":\"agree\",\"what_good\":[\"travel\",\"reception\"],"
                   "\"induction\":\"Dim ond yn iawn — CANARY-7f3a\"}");
}

/* The canary must be nowhere on disk, with the WAL still open and after it is checkpointed. */
static void
test_canary_nowhere (TestStore     *f,
                     gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  const char *canary = "CANARY-d41d8cd98f";

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(SaysoResponse) r = sample_response (canary);
      g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
    }
  g_assert_no_error (error);

  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_false (test_file_contains (f->path, canary));
  g_assert_false (test_file_contains (wal, canary));
  g_assert_false (test_file_contains (shm, canary));
  /* Nor the site's name, the mode or the language in the clear. */
  g_assert_false (test_file_contains (f->path, "reception"));
  g_assert_false (test_file_contains (wal, "reception"));

  g_clear_object (&f->store);
  g_assert_false (test_file_contains (f->path, canary));
}

/* Short and long answers give records of one size, so length says nothing. */
static void
test_fixed_record_size (TestStore     *f,
                        gconstpointer  data)
{
  g_autoptr(SaysoResponse) empty = sayso_response_new (survey, "en");
  g_autoptr(SaysoResponse) full = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;
  g_autofree char *longest = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 500; i++)
    g_string_append (text, "𝄞");  /* four bytes each: the worst case */
  longest = g_string_free (text, FALSE);
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (survey); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (survey, i);
      const char *id = sayso_question_get_id (q);

      if (sayso_question_get_kind (q) == SAYSO_QUESTION_TEXT)
        g_assert_true (sayso_response_set_text (full, id, longest, &error));
      else if (sayso_question_get_kind (q) == SAYSO_QUESTION_MULTIPLE)
        for (guint k = 0; k < sayso_question_get_n_options (q); k++)
          {
            if (!sayso_question_get_option_exclusive (q, k))
              g_assert_true (sayso_response_toggle_choice (full, id, sayso_question_get_option_id (q, k), &error));
          }
      else
        g_assert_true (sayso_response_set_choice (full, id, sayso_question_get_option_id (q, 0), &error));
    }
  g_assert_no_error (error);

  g_assert_true (sayso_store_submit (f->store, empty, SAYSO_MODE_SELF, &error));
  g_assert_true (sayso_store_submit (f->store, full, SAYSO_MODE_SELF, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(DISTINCT length(s.sealed)), min(length(s.sealed))"
                                       " FROM responses r JOIN slots s ON s.key = r.slot", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, (int) sayso_questionnaire_get_record_size (survey) + SAYSO_SEAL_OVERHEAD);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* In clear, a response's row holds its random id, its slot, the
 * questionnaire and the ciphertext's hash; the ciphertext is in a slot of the
 * pool, which holds a key, a size and the bytes (the export state is its own
 * table); no time, and nothing in the order of the slots says which response
 * came first. */
static void
test_schema_holds_nothing_else (TestStore     *f,
                                gconstpointer  data)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  g_autoptr(GString) columns = g_string_new (NULL);
  g_autoptr(GHashTable) arrival = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint rises = 0;
  gint64 highest = 0;

  /* Twenty responses, one after another. */
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
      g_autoptr(GError) error = NULL;

      g_assert_true (sayso_response_set_choice (r, "contact_officer", "agree", &error));
      g_hash_table_insert (arrival, g_bytes_new (sayso_response_get_record_id (r), SAYSO_DB_RECORD_ID_SIZE),
                           GUINT_TO_POINTER (i));
      g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM pragma_table_info('responses') ORDER BY cid", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (columns, "%s ", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpstr (columns->str, ==, "id slot questionnaire version hash ");
  g_string_truncate (columns, 0);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM pragma_table_info('slots') ORDER BY cid", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (columns, "%s ", sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpstr (columns->str, ==, "key size sealed ");

  /* In the file's own order (slots by key), arrival neither rises nor falls
   * throughout: filling slots in turn would rise 19 times in 19 steps. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, slot FROM responses ORDER BY slot", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GBytes) id = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
      gint64 slot = sqlite3_column_int64 (stmt, 1);
      gpointer index;
      guint i;

      g_assert_true (g_hash_table_lookup_extended (arrival, id, NULL, &index));
      i = GPOINTER_TO_UINT (index);
      g_array_append_val (order, i);
      g_array_append_val (slots, slot);
      highest = MAX (highest, slot);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_cmpuint (order->len, ==, 20);
  for (guint i = 1; i < order->len; i++)
    rises += g_array_index (order, guint, i) > g_array_index (order, guint, i - 1);
  g_assert_cmpuint (rises, <, 19);       /* each fails once in 20! runs */
  g_assert_cmpuint (rises, >, 0);
  /* …and the records are dealt over the whole pool, not its first slots. */
  g_assert_cmpint (highest, >, 20);
}

static void
test_private_file (TestStore     *f,
                   gconstpointer  data)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_create_refuses_existing (TestStore     *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) again = sayso_store_create (f->path, "Elsewhere", f->pk, &error);

  g_assert_null (again);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS);
}

static void
test_reopen (TestStore     *f,
             gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sample_response ("x");
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) again = NULL;
  guint8 kiosk_key[32];
  gint64 total = 0;

  memcpy (kiosk_key, sayso_store_get_kiosk_key (f->store), 32);
  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_PAPER, &error));
  g_clear_object (&f->store);

  again = sayso_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sayso_store_get_site (again), ==, "Test site");
  g_assert_cmpmem (sayso_store_get_recipient_key (again), 32, f->pk, 32);
  g_assert_cmpmem (sayso_store_get_kiosk_key (again), 32, kiosk_key, 32);
  g_assert_true (sayso_store_count (again, &total, NULL, &error));
  g_assert_cmpint (total, ==, 1);
}

static void
test_bad_site_names (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "s.db", NULL);
  g_autofree char *long_name = g_strnfill (SAYSO_SITE_MAX_CHARS + 1, 'a');
  const char *names[] = { "", "   ", long_name, "Tab\there" };
  guint8 pk[32], sk[32];

  sayso_recipient_keypair_new (pk, sk);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoStore) store = sayso_store_create (path, names[i], pk, &error);

      g_assert_null (store);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  test_remove_tree (dir);
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* The pool grows twice (past 64 and 128 slots), dealing its records out
 * again each time: every record is still there, opens, is in a slot of its
 * own, and no slot but its own holds its bytes (a vacated slot is wiped). */
static void
test_slot_pool_grows (TestStore     *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) opened = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gint64 total = 0;

  for (guint i = 0; i < 150; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");

      g_assert_true (sayso_response_set_choice (r, "contact_officer", i % 2 ? "agree" : "disagree", &error));
      g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }
  g_assert_true (sayso_store_count (f->store, &total, NULL, &error));
  g_assert_cmpint (total, ==, 150);
  opened = test_open_all_records (_sayso_store_get_db (f->store), f->sk);
  g_assert_cmpuint (opened->len, ==, 150);

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT (SELECT count(*) FROM slots), (SELECT count(*) FROM free_slots),"
                                       " (SELECT count(DISTINCT slot) FROM responses),"
                                       " (SELECT count(*) FROM (SELECT sealed FROM slots GROUP BY sealed HAVING count(*) > 1)),"
                                       " (SELECT count(*) FROM free_slots WHERE key IN (SELECT slot FROM responses))",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 256);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 256 - 150);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 150);
  g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, 0);
  g_assert_cmpint (sqlite3_column_int (stmt, 4), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

typedef struct
{
  const guint8 *sk;
  guint         opened;
  guint         damaged;
} OpenedCount;

static gboolean
open_undamaged (const SaysoDbRecord *record,
                gpointer             user_data)
{
  OpenedCount *count = user_data;
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;

  if (record->damaged)
    {
      count->damaged++;
      return TRUE;
    }
  sealed = g_bytes_new (record->sealed, record->sealed_size);
  plain = sayso_unseal (count->sk, sealed, NULL);
  g_assert_nonnull (plain);
  count->opened++;
  return TRUE;
}

/* One record whose slot can no longer be read as it was written (here a
 * changed length; a bad sector alike) when the pool must grow: it is set
 * aside as damaged and stays where it is, and the submit that needed the
 * room is stored, with every other record. */
static void
test_slot_pool_grows_past_damage (TestStore     *f,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SaysoResponse) one_more = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;
  OpenedCount count = { f->sk, 0, 0 };
  gint64 total = 0, damaged = 0;
  sqlite3 *db;

  for (guint i = 0; i < 64; i++)
    g_ptr_array_add (responses, sayso_response_new (survey, "en"));
  g_assert_true (sayso_store_submit_all (f->store, responses, SAYSO_MODE_SELF, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  exec_sql (db, "PRAGMA ignore_check_constraints = ON;"
                "UPDATE slots SET sealed = randomblob (100) WHERE key = (SELECT min (slot) FROM responses)");
  sqlite3_close (db);

  g_assert_true (sayso_store_submit (f->store, one_more, SAYSO_MODE_SELF, &error));
  g_assert_no_error (error);
  g_assert_true (sayso_store_count (f->store, &total, NULL, &error));
  g_assert_true (sayso_store_count_damaged (f->store, &damaged, &error));
  g_assert_cmpint (total, ==, 65);
  g_assert_cmpint (damaged, ==, 1);
  g_assert_true (sayso_db_foreach_response (_sayso_store_get_db (f->store), open_undamaged, &count, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count.opened, ==, 64);
  g_assert_cmpuint (count.damaged, ==, 1);
}

/* Opening a store that was closed cleanly (as `sayso status` does) writes
 * nothing to it: not a byte of the file changes. The control: the same
 * open after a submit that was never settled (a kiosk that was killed)
 * settles it, and the file changes. */
static void
test_open_writes_nothing (TestStore     *f,
                          gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(SaysoStore) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_len = 0, after_len = 0;

  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
  g_clear_object (&f->store);
  g_assert_true (g_file_get_contents (f->path, &before, &before_len, NULL));

  again = sayso_store_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_object (&again);
  g_assert_true (g_file_get_contents (f->path, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  /* The control: a submit left in the WAL, as a crash leaves it. */
  {
    g_autoptr(SaysoResponse) unsettled = sayso_response_new (survey, "en");
    g_autofree char *settled = NULL;
    gsize settled_len = 0;
    pid_t pid = fork ();
    int status = 0;

    g_assert_cmpint (pid, >=, 0);
    if (pid == 0)
      {
        SaysoStore *dying = sayso_store_open (f->path, NULL);

        if (dying == NULL)
          _exit (3);
        sayso_store_settle_when_idle (dying);
        _exit (sayso_store_submit (dying, unsettled, SAYSO_MODE_SELF, NULL) ? 0 : 4);
      }
    g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
    again = sayso_store_open (f->path, &error);
    g_assert_no_error (error);
    g_clear_object (&again);
    g_assert_true (g_file_get_contents (f->path, &settled, &settled_len, NULL));
    g_assert_false (settled_len == after_len && memcmp (settled, after, after_len) == 0);
  }
}

/* A store made by the first release, with responses in it, opens and keeps
 * them; they have no stored hash, and export hashes them as it goes. */
static void
test_migration_from_v1 (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "v1.db", NULL);
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static ("{}", 2);
  g_autoptr(GBytes) sealed = NULL;
  guint8 pk[32], sk[32], spk[32], ssk[64];
  gint64 total = 0, awaiting = 0;
  sqlite3 *db;
  sqlite3_stmt *stmt;

  sayso_recipient_keypair_new (pk, sk);
  sayso_sign_keypair_new (spk, ssk);
  sealed = sayso_seal (pk, plain, 4096, &error);

  /* The v1 schema, exactly as it shipped. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_sql (db,
            "PRAGMA journal_mode = WAL;"
            "CREATE TABLE kiosk (one INTEGER PRIMARY KEY CHECK (one = 1), site TEXT NOT NULL,"
            " recipient_pk BLOB NOT NULL CHECK (length(recipient_pk) = 32),"
            " sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32),"
            " sign_sk BLOB NOT NULL CHECK (length(sign_sk) = 64));"
            "CREATE TABLE responses (id BLOB PRIMARY KEY CHECK (length(id) = 16),"
            " questionnaire TEXT NOT NULL, version INTEGER NOT NULL,"
            " state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1)), sealed BLOB NOT NULL) WITHOUT ROWID;"
            "PRAGMA user_version = 1;");
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO kiosk VALUES (1, 'Old site', ?1, ?2, ?3)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, pk, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, spk, 32, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 3, ssk, 64, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "INSERT INTO responses VALUES (randomblob(16), 'hmip-user-voice', 1, 0, ?1)", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_reset (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  /* One of the two had been exported under v1. */
  exec_sql (db, "UPDATE responses SET state = 1 WHERE id = (SELECT min(id) FROM responses)");
  sqlite3_close (db);

  store = sayso_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sayso_db_get_schema_version (_sayso_store_get_db (store)), ==, SAYSO_DB_SCHEMA_VERSION);
  g_assert_cmpstr (sayso_store_get_site (store), ==, "Old site");
  g_assert_true (sayso_store_count (store, &total, &awaiting, &error));
  g_assert_cmpint (total, ==, 2);
  g_assert_cmpint (awaiting, ==, 1);
  g_assert_true (sayso_db_integrity_check (_sayso_store_get_db (store), &error));
  g_assert_no_error (error);

  {
    g_autofree char *stick = g_build_filename (dir, "stick", NULL);
    g_auto(SaysoExportResult) result = { 0 };

    g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
    for (guint flags = SAYSO_EXPORT_DEFAULT; flags <= SAYSO_EXPORT_AGAIN; flags++)
      {
        g_autoptr(SaysoBundle) bundle = NULL;

        g_assert_true (sayso_store_export (store, stick, flags, &result, &error));
        g_assert_no_error (error);
        /* The one exported under v1 came with no export day, so the first
         * export deletes it as past its keep period; the other goes twice. */
        g_assert_cmpint (result.records, ==, 1);
        g_assert_cmpint (result.purged, ==, (flags == SAYSO_EXPORT_DEFAULT ? 1 : 0));
        bundle = sayso_bundle_open (result.path, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (bundle->entries->len, ==, result.records);
        sayso_export_result_clear (&result);
      }
  }

  g_clear_object (&store);
  test_remove_tree (dir);
}

static void
test_refuses_foreign_files (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *other = g_build_filename (dir, "other.db", NULL);
  g_autofree char *newer = g_build_filename (dir, "newer.db", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.db", NULL);
  g_autoptr(GError) error = NULL;
  SaysoStore *store;
  sqlite3 *db;

  g_assert_true (g_file_set_contents (text, "just some text, not a database at all....", -1, NULL));
  store = sayso_store_open (text, &error);
  g_assert_null (store);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "notes.txt: not a Sayso store"));
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE recipes (name TEXT)");
  sqlite3_close (db);
  store = sayso_store_open (other, &error);
  g_assert_null (store);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT);
  g_clear_error (&error);

  g_assert_cmpint (sqlite3_open (newer, &db), ==, SQLITE_OK);
  exec_sql (db, "CREATE TABLE x (y); PRAGMA user_version = 99");
  sqlite3_close (db);
  store = sayso_store_open (newer, &error);
  g_assert_null (store);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "store version 99"));
  g_clear_error (&error);

  store = sayso_store_open (missing, &error);
  g_assert_null (store);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  test_remove_tree (dir);
}

/* Another process holding the write lock: we wait briefly, then say so plainly. */
static void
test_busy_store (TestStore     *f,
                 gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sample_response ("x");
  g_autoptr(GError) error = NULL;
  gint64 total = -1;
  gint64 start;
  sqlite3 *other;

  g_assert_cmpint (sqlite3_open (f->path, &other), ==, SQLITE_OK);
  exec_sql (other, "BEGIN IMMEDIATE");

  sayso_db_set_busy_timeout (_sayso_store_get_db (f->store), 200);
  start = g_get_monotonic_time ();
  g_assert_false (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 150 * 1000);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, "the store is busy"));
  g_clear_error (&error);

  exec_sql (other, "COMMIT");
  sqlite3_close (other);

  /* Nothing half-written: the retry stores exactly one. */
  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
  g_assert_true (sayso_store_count (f->store, &total, NULL, &error));
  g_assert_cmpint (total, ==, 1);
  g_assert_true (sayso_db_integrity_check (_sayso_store_get_db (f->store), &error));
}

/* A retry of the same response, after an unclear failure, never stores it twice. */
static void
test_retry_is_idempotent (TestStore     *f,
                          gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sample_response ("once");
  g_autoptr(GError) error = NULL;
  guint8 first_id[16];
  gint64 total = -1;

  memcpy (first_id, sayso_response_get_record_id (r), 16);
  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
  g_assert_true (sayso_store_count (f->store, &total, NULL, &error));
  g_assert_cmpint (total, ==, 1);

  /* The next respondent gets a new id. */
  sayso_response_clear (r);
  g_assert_false (memcmp (first_id, sayso_response_get_record_id (r), 16) == 0);
  g_assert_true (sayso_store_submit (f->store, r, SAYSO_MODE_SELF, &error));
  g_assert_true (sayso_store_count (f->store, &total, NULL, &error));
  g_assert_cmpint (total, ==, 2);
}

/* Several responses, of different questionnaires, in one transaction. */
static void
test_submit_all (TestStore     *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) responses = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SaysoQuestionnaire) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) tiny = NULL;
  gint64 total = -1;
  static const char tiny_json[] =
    "{\"format\":1,\"id\":\"tiny\",\"version\":1,\"languages\":[\"en\"],\"title\":{\"en\":\"T\"},"
    "\"sections\":[{\"id\":\"s\",\"title\":{\"en\":\"S\"}}],"
    "\"questions\":[{\"id\":\"t\",\"section\":\"s\",\"kind\":\"text\",\"max_length\":10,\"text\":{\"en\":\"T\"}}]}";

  tiny = g_bytes_new_static (tiny_json, sizeof tiny_json - 1);
  other = sayso_questionnaire_new_from_bytes (tiny, "tiny", &error);
  g_assert_no_error (error);

  g_ptr_array_add (responses, sample_response ("a"));
  g_ptr_array_add (responses, sayso_response_new (other, "en"));
  g_assert_true (sayso_response_set_text (g_ptr_array_index (responses, 1), "t", "short", &error));
  g_assert_true (sayso_store_submit_all (f->store, responses, SAYSO_MODE_SELF, &error));
  g_assert_true (sayso_store_count (f->store, &total, NULL, &error));
  g_assert_cmpint (total, ==, 2);
  g_assert_no_error (error);

  /* Each questionnaire's records are padded to its own size; both open. */
  {
    g_autoptr(GPtrArray) records = test_open_all_records (_sayso_store_get_db (f->store), f->sk);
    guint n_tiny = 0;

    g_assert_cmpuint (records->len, ==, 2);
    for (guint i = 0; i < records->len; i++)
      n_tiny += g_str_equal (((SaysoRecord *) g_ptr_array_index (records, i))->questionnaire, "tiny");
    g_assert_cmpuint (n_tiny, ==, 1);
  }
}

/* A questionnaire whose one question is free text, at the longest a
 * questionnaire may allow: nothing else in its record can hide an overrun
 * of the bound, as the built-in survey's other questions would. */
#define LONG_TEXT 5000

static SaysoQuestionnaire *
long_text_questionnaire (void)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"id\": \"long\", \"version\": 1, \"languages\": [\"en\"],"
    " \"title\": {\"en\": \"Long\"},"
    " \"likert\": [{\"id\": \"strongly_agree\", \"label\": {\"en\": \"SA\"}}, {\"id\": \"agree\", \"label\": {\"en\": \"A\"}},"
    "             {\"id\": \"neither\", \"label\": {\"en\": \"N\"}}, {\"id\": \"disagree\", \"label\": {\"en\": \"D\"}},"
    "             {\"id\": \"strongly_disagree\", \"label\": {\"en\": \"SD\"}},"
    "             {\"id\": \"prefer_not_to_say\", \"label\": {\"en\": \"PNS\"}}],"
    " \"sections\": [{\"id\": \"main\", \"title\": {\"en\": \"Main\"}}],"
    " \"questions\": [{\"id\": \"say\", \"section\": \"main\", \"kind\": \"text\", \"max_length\": %d,"
    "                  \"text\": {\"en\": \"Say\"}}]}", LONG_TEXT);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  SaysoQuestionnaire *q = sayso_questionnaire_new_from_bytes (bytes, "long.json", &error);

  g_assert_no_error (error);
  return q;
}

/* What JSON-GLib writes for one character inside a string, quotes aside. */
static gsize
json_cost (gunichar c)
{
  char utf8[8] = { 0 };
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *out = NULL;
  gsize len = 0;

  g_unichar_to_utf8 (c, utf8);
  json_node_set_string (node, utf8);
  json_generator_set_root (generator, node);
  out = json_generator_to_data (generator, &len);
  return len - 2;
}

static char *
repeated (gunichar c,
          guint    n)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_unichar (text, c);
  return g_string_free (text, FALSE);
}

/* Seals a response holding @text (TRUE), or says why not (FALSE). */
static gboolean
submit_text (SaysoStore          *store,
             SaysoQuestionnaire  *q,
             const char          *text,
             GError             **error)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (q, "en");

  return sayso_response_set_text (r, "say", text, error) && sayso_store_submit (store, r, SAYSO_MODE_PAPER, error);
}

static void
assert_one_record_size (const char *path,
                        gsize       record_size)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(DISTINCT length(s.sealed)), min(length(s.sealed)), count(*)"
                                       " FROM responses r JOIN slots s ON s.key = r.slot",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, (int) (record_size + SAYSO_SEAL_OVERHEAD));
  g_assert_cmpint (sqlite3_column_int (stmt, 2), >, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Every Unicode character, as a free-text answer at the longest allowed, in
 * a store whose site name is as long and as costly as it may be: refused
 * with a message naming the question, or sealed into the record's one size.
 * The characters are taken by what JSON-GLib really writes for each. */
static void
test_padding_bound_every_character (void)
{
  g_autoptr(SaysoQuestionnaire) q = long_text_questionnaire ();
  g_autoptr(GHashTable) classes = g_hash_table_new (NULL, NULL);
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *site = repeated (0x7f, SAYSO_SITE_MAX_CHARS);
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  guint8 pk[32], sk[32];
  guint n_stored = 0;

  sayso_recipient_keypair_new (pk, sk);
  store = sayso_store_create (path, site, pk, &error);
  g_assert_no_error (error);

  /* One character of each kind: its UTF-8 length, what JSON-GLib writes
   * for it, and whether an answer may hold it at all. */
  {
    g_autoptr(SaysoResponse) scratch = sayso_response_new (q, "en");

    for (gunichar c = 1; c <= 0x10ffff; c++)
      {
        char one[8] = { 0 };
        gboolean allowed;
        gsize cost;

        if (c >= 0xd800 && c <= 0xdfff)
          continue;
        cost = json_cost (c);
        g_assert_cmpuint (cost, <=, 6);
        g_unichar_to_utf8 (c, one);
        allowed = sayso_response_set_text (scratch, "say", one, NULL);
        key = GUINT_TO_POINTER ((guint) (strlen (one) << 8 | cost << 1 | allowed));
        if (!g_hash_table_contains (classes, key))
          g_hash_table_insert (classes, key, GUINT_TO_POINTER (c));
      }
  }

  g_hash_table_iter_init (&iter, classes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gunichar c = GPOINTER_TO_UINT (value);
      g_autofree char *text = repeated (c, LONG_TEXT);

      if (submit_text (store, q, text, &error))
        {
          n_stored++;
          continue;
        }
      /* Refused only where it cannot fit, and it is said where. */
      g_assert_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "question \"say\": "));
      if ((GPOINTER_TO_UINT (key) & 1) == 0)
        g_assert_cmpuint (c, <, 0x20);
      else
        g_assert_cmpuint (c, ==, 0x7f);
      g_clear_error (&error);
    }
  g_test_message ("%u kinds of character, %u stored at %d characters", g_hash_table_size (classes), n_stored, LONG_TEXT);
  g_assert_cmpuint (n_stored, ==, 5);

  /* DEL takes 6 bytes where the bound allows 4: as many as fit are taken. */
  {
    g_autofree char *most = repeated (0x7f, 4 * LONG_TEXT / 6);
    g_autofree char *one_more = repeated (0x7f, 4 * LONG_TEXT / 6 + 1);

    g_assert_true (submit_text (store, q, most, &error));
    g_assert_no_error (error);
    g_assert_false (submit_text (store, q, one_more, &error));
    g_assert_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "DEL"));
    g_clear_error (&error);
  }

  g_clear_object (&store);
  assert_one_record_size (path, sayso_questionnaire_get_record_size (q));
  test_remove_tree (dir);
}

/* The negative control: the same long question full of DELs, which the old
 * check (at most max_length characters) let through, is more than its
 * record can hold; the test above would see it refused by the sealer. */
static void
test_padding_bound_old_check_overflows (void)
{
  g_autoptr(SaysoQuestionnaire) q = long_text_questionnaire ();

  g_assert_cmpuint (json_cost (0x7f) * LONG_TEXT, >, sayso_questionnaire_get_record_size (q));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

#define ADD(path, func) g_test_add (path, TestStore, NULL, test_store_setup, func, test_store_teardown)
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/canary-nowhere", test_canary_nowhere);
  ADD ("/store/fixed-record-size", test_fixed_record_size);
  ADD ("/store/schema-holds-nothing-else", test_schema_holds_nothing_else);
  ADD ("/store/slot-pool-grows", test_slot_pool_grows);
  ADD ("/store/slot-pool-grows-past-damage", test_slot_pool_grows_past_damage);
  ADD ("/store/open-writes-nothing", test_open_writes_nothing);
  ADD ("/store/private-file", test_private_file);
  ADD ("/store/create-refuses-existing", test_create_refuses_existing);
  ADD ("/store/reopen", test_reopen);
  ADD ("/store/busy", test_busy_store);
  ADD ("/store/submit-all", test_submit_all);
  ADD ("/store/retry-is-idempotent", test_retry_is_idempotent);
#undef ADD
  g_test_add_func ("/store/bad-site-names", test_bad_site_names);
  g_test_add_func ("/store/padding-bound/every-character", test_padding_bound_every_character);
  g_test_add_func ("/store/padding-bound/old-check-overflows", test_padding_bound_old_check_overflows);
  g_test_add_func ("/store/migration-from-v1", test_migration_from_v1);
  g_test_add_func ("/store/refuses-foreign-files", test_refuses_foreign_files);

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
