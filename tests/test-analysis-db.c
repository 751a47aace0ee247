/* test-analysis-db: the analysts' counters. Within a transaction they are
 * tallied in memory; what a report reads must not depend on when they were
 * written, and a rolled-back bundle must leave no count behind. */
#define G_LOG_DOMAIN "test-analysis-db"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "sayso-analysis-db.h"
#include "sayso-db.h"
#include "sayso-test-utils.h"

typedef struct
{
  char            *dir;
  SaysoAnalysisDb *db;
  guint8           kiosk[32];
  guint            next_id;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = test_make_tmp_dir ();
  path = g_build_filename (f->dir, "analysis.db", NULL);
  f->db = sayso_analysis_db_open (path, TRUE, &error);
  g_assert_no_error (error);
  memset (f->kiosk, 7, sizeof f->kiosk);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->db, sayso_analysis_db_close);
  test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Adds a response with the given id number and record bytes (the hash is
 * made from them); returns what became of it. */
static SaysoAnalysisRecordState
add_record (Fixture            *f,
            guint               id_number,
            guint               bytes,
            const char         *site,
            const char         *day,
            const char * const *triples)
{
  g_autoptr(GError) error = NULL;
  guint8 id[16] = { 0 }, hash[32] = { 0 };
  SaysoAnalysisRecordSource source = {
    .kiosk_pk = f->kiosk, .id = id, .hash = hash, .sequence = 1, .site = site, .questionnaire = "demo", .version = 1,
  };
  SaysoAnalysisRecordState state = SAYSO_ANALYSIS_RECORD_CONFLICT;

  memcpy (id, &id_number, sizeof id_number);
  memcpy (hash, &bytes, sizeof bytes);
  g_assert_true (sayso_analysis_db_add_response (f->db, &source, day, "self", "en", "{}", triples, &state, &error));
  g_assert_no_error (error);
  return state;
}

/* Adds a response with the given id number; returns whether it was new. */
static gboolean
add (Fixture            *f,
     guint               id_number,
     const char         *site,
     const char         *day,
     const char * const *triples)
{
  SaysoAnalysisRecordState state = add_record (f, id_number, id_number, site, day, triples);

  g_assert_true (state == SAYSO_ANALYSIS_RECORD_ADDED || state == SAYSO_ANALYSIS_RECORD_SAME);
  return state == SAYSO_ANALYSIS_RECORD_ADDED;
}

static gint64
count (Fixture    *f,
       const char *site,
       const char *question,
       const char *value,
       gint64     *answered)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) counts = NULL;
  SaysoAnalysisFilter filter = { .site = site };
  gint64 *n;

  g_assert_true (sayso_analysis_db_count_answers (f->db, &filter, question, &counts, answered, &error));
  g_assert_no_error (error);
  n = g_hash_table_lookup (counts, value);
  return n ? *n : 0;
}

static const char * const agree[] = { "contact", "agree", "c", "issue", "housing", "c", "issue", "money", "c",
                                      "better", "More evening appointments", "t", NULL };
static const char * const disagree[] = { "contact", "disagree", "c", NULL };

/* Counts are the same whether read inside the transaction that added them,
 * after it committed, or after responses added with no transaction at all. */
static void
test_counts_in_and_out_of_transactions (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 answered = 0;

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 0; i < 30; i++)
    g_assert_true (add (f, i, i % 3 ? "Leeds" : "Dorset", i < 15 ? "2026-11-02" : "2026-11-03", i % 2 ? disagree : agree));

  /* Read inside the transaction. */
  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 15);
  g_assert_cmpint (answered, ==, 30);
  g_assert_cmpint (count (f, "Dorset", "contact", "agree", &answered), ==, 5);
  g_assert_cmpint (answered, ==, 10);

  /* More after the read, then the commit. */
  for (guint i = 30; i < 40; i++)
    g_assert_true (add (f, i, "Leeds", "2026-11-03", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 25);
  g_assert_cmpint (answered, ==, 40);
  /* A multiple choice: one answered per response, one count per option. */
  g_assert_cmpint (count (f, NULL, "issue", "housing", &answered), ==, 25);
  g_assert_cmpint (count (f, NULL, "issue", "money", &answered), ==, 25);
  g_assert_cmpint (answered, ==, 25);

  /* No transaction: counted at once. */
  g_assert_true (add (f, 100, "Leeds", "2026-11-04", disagree));
  g_assert_cmpint (count (f, "Leeds", "contact", "disagree", &answered), ==, 11);

  /* A response already imported is counted once, in or out of a transaction. */
  g_assert_false (add (f, 100, "Leeds", "2026-11-04", disagree));
  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  g_assert_false (add (f, 3, "Leeds", "2026-11-02", disagree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_cmpint (count (f, NULL, "contact", "disagree", &answered), ==, 16);
  g_assert_cmpint (answered, ==, 41);
}

/* A bundle that fails half way leaves no count behind, and the next bundle's
 * counts start from what was committed. */
static void
test_rollback_forgets_tallies (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 answered = 0;

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  g_assert_true (add (f, 1, "Leeds", "2026-11-02", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 2; i < 12; i++)
    g_assert_true (add (f, i, "Leeds", "2026-11-02", agree));
  sayso_analysis_db_rollback (f->db);

  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 1);
  g_assert_cmpint (answered, ==, 1);

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  g_assert_true (add (f, 2, "Leeds", "2026-11-02", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 2);
  g_assert_cmpint (answered, ==, 2);
}

/* Sites are free text from enrolment: ones that share a prefix, or hold the
 * characters a key might be built with, are still counted apart. */
static void
test_sites_apart (Fixture       *f,
                  gconstpointer  data)
{
  static const char * const sites[] = { "Leeds", "Leeds\0372026-11-02", "Leeds 2", "", "Caerdydd — Cardiff" };
  g_autoptr(GError) error = NULL;
  gint64 answered = 0;

  g_assert_true (sayso_analysis_db_begin (f->db, &error));
  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    for (guint j = 0; j <= i; j++)
      g_assert_true (add (f, 10 * i + j, sites[i], "2026-11-02", agree));
  g_assert_true (sayso_analysis_db_commit (f->db, &error));

  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    {
      g_assert_cmpint (count (f, sites[i], "contact", "agree", &answered), ==, i + 1);
      g_assert_cmpint (answered, ==, i + 1);
    }
}

/* Schema 1, as Sayso 0.1 made it: responses keyed by record id alone. */
static const char schema_1[] =
  "CREATE TABLE kiosks (pk BLOB PRIMARY KEY CHECK (length(pk) = 32), site TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE bundles (kiosk BLOB NOT NULL, sequence INTEGER NOT NULL, digest BLOB NOT NULL,"
  "  file_name TEXT NOT NULL, records INTEGER NOT NULL, PRIMARY KEY (kiosk, sequence)) WITHOUT ROWID;"
  "CREATE TABLE responses (id BLOB NOT NULL UNIQUE CHECK (length(id) = 16), kiosk BLOB NOT NULL,"
  "  sequence INTEGER NOT NULL, questionnaire TEXT NOT NULL, version INTEGER NOT NULL, day TEXT NOT NULL,"
  "  mode TEXT NOT NULL, site TEXT NOT NULL, language TEXT NOT NULL, answers TEXT NOT NULL);"
  "CREATE INDEX responses_by_site_day ON responses (site, day);"
  "CREATE TABLE counts (question TEXT NOT NULL, value TEXT NOT NULL, site TEXT NOT NULL, day TEXT NOT NULL,"
  "  n INTEGER NOT NULL, PRIMARY KEY (question, value, site, day)) WITHOUT ROWID;"
  "CREATE TABLE answered (question TEXT NOT NULL, site TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,"
  "  PRIMARY KEY (question, site, day)) WITHOUT ROWID;"
  "CREATE TABLE texts (question TEXT NOT NULL, site TEXT NOT NULL, day TEXT NOT NULL, value TEXT NOT NULL);"
  "CREATE INDEX texts_by_question ON texts (question, site);"
  "INSERT INTO kiosks VALUES (zeroblob(32), 'Leeds');"
  "INSERT INTO bundles VALUES (zeroblob(32), 1, zeroblob(32), 'sayso-leeds-00000000-2026-11-02-0001.sayso', 2);"
  "INSERT INTO responses VALUES (x'0100000000000000000000000000000A', zeroblob(32), 1, 'demo', 1, '2026-11-02',"
  "  'self', 'Leeds', 'en', '{\"contact\":\"agree\"}');"
  "INSERT INTO responses VALUES (x'0200000000000000000000000000000B', zeroblob(32), 1, 'demo', 1, '2026-11-02',"
  "  'paper', 'Leeds', 'en', '{\"contact\":\"disagree\"}');"
  "INSERT INTO counts VALUES ('contact', 'agree', 'Leeds', '2026-11-02', 1), ('contact', 'disagree', 'Leeds', '2026-11-02', 1);"
  "INSERT INTO answered VALUES ('contact', 'Leeds', '2026-11-02', 2);"
  "PRAGMA user_version = 1;";

static gboolean
collect_ids (const char   *response_id_hex,
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
  g_ptr_array_add (user_data, g_strdup (response_id_hex));
  return TRUE;
}

/* A database an earlier Sayso made opens, keeps every response and count,
 * gives each response a fresh id, and takes the hash of each record from
 * the first bundle that brings it again: after that, other bytes under its
 * id are a conflict. */
static void
test_migrate_from_schema_1 (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "old.db", NULL);
  g_autoptr(SaysoAnalysisDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) counts = NULL;
  SaysoAnalysisBundleState bundle_state;
  SaysoAnalysisRecordState state;
  static const char * const triples[] = { "contact", "agree", "c", NULL };
  guint8 kiosk[32] = { 0 }, digest[32] = { 0 }, hash[32] = { 0 }, other[32] = { 0 };
  guint8 id[16] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0a };
  SaysoAnalysisRecordSource source = {
    .kiosk_pk = kiosk, .id = id, .hash = hash, .site = "Leeds", .questionnaire = "demo", .version = 1,
  };
  gint64 total = 0, by_mode[3], answered = 0;
  char *message = NULL;
  sqlite3 *raw;

  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  if (sqlite3_exec (raw, schema_1, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (raw);

  db = sayso_analysis_db_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_analysis_db_count_responses (db, NULL, &total, by_mode, &error));
  g_assert_cmpint (total, ==, 2);
  g_assert_cmpint (by_mode[2], ==, 1);
  g_assert_true (sayso_analysis_db_count_answers (db, NULL, "contact", &counts, &answered, &error));
  g_assert_cmpint (answered, ==, 2);
  g_assert_true (sayso_analysis_db_bundle_state (db, kiosk, 1, digest, &bundle_state, &error));
  g_assert_cmpint (bundle_state, ==, SAYSO_ANALYSIS_BUNDLE_SAME);

  /* Fresh ids, not the record ids (which end in 0a and 0b). */
  g_assert_true (sayso_analysis_db_foreach_response (db, NULL, collect_ids, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), !=, g_ptr_array_index (ids, 1));
  for (guint i = 0; i < ids->len; i++)
    {
      g_assert_cmpuint (strlen (g_ptr_array_index (ids, i)), ==, 32);
      g_assert_false (g_str_equal (g_ptr_array_index (ids, i), "0100000000000000000000000000000a"));
      g_assert_false (g_str_equal (g_ptr_array_index (ids, i), "0200000000000000000000000000000b"));
    }

  /* The first bundle to bring record 0a again gives it its hash. */
  hash[0] = 0x11;
  other[0] = 0x22;
  source.sequence = 2;
  g_assert_true (sayso_analysis_db_add_response (db, &source, "2026-11-02", "self", "en", "{}", triples, &state, &error));
  g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_SAME);
  source.hash = other;
  source.sequence = 3;
  g_assert_true (sayso_analysis_db_add_response (db, &source, "2026-11-02", "self", "en", "{}", triples, &state, &error));
  g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_CONFLICT);
  source.hash = hash;
  source.sequence = 4;
  g_assert_true (sayso_analysis_db_add_response (db, &source, "2026-11-02", "self", "en", "{}", triples, &state, &error));
  g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_SAME);
  g_assert_no_error (error);
  g_assert_true (sayso_analysis_db_count_responses (db, NULL, &total, NULL, &error));
  g_assert_cmpint (total, ==, 2);

  /* Opened again: already schema 2, nothing changes. */
  g_clear_pointer (&db, sayso_analysis_db_close);
  db = sayso_analysis_db_open (path, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&ids, g_ptr_array_unref);
  ids = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (sayso_analysis_db_foreach_response (db, NULL, collect_ids, ids, &error));
  g_assert_cmpuint (ids->len, ==, 2);
  g_clear_pointer (&db, sayso_analysis_db_close);
  g_assert_cmpint (sqlite3_open (path, &raw), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (raw, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, SAYSO_ANALYSIS_SCHEMA_VERSION);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (raw);
  test_remove_tree (dir);
}

/* A record in quarantine, then the same id opened with other bytes: a
 * conflict, and the quarantined one stays; with its own bytes it leaves
 * quarantine and is counted. */
static void
test_quarantine_then_response (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = g_bytes_new_static ("sealed", 6);
  SaysoAnalysisRecordState state;
  guint8 id[16] = { 5 }, hash[32] = { 5 };
  SaysoAnalysisRecordSource source = {
    .kiosk_pk = f->kiosk, .id = id, .hash = hash, .sequence = 1, .file_name = "b.sayso", .site = "Leeds",
    .questionnaire = "demo", .version = 1,
  };
  gint64 quarantined = 0, conflicts = 0, answered = 0;

  g_assert_true (sayso_analysis_db_quarantine (f->db, &source, "wrong-key", "sealed to another key", sealed, &state,
                                               &error));
  g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_QUARANTINED);
  /* Again, from a re-export: still one. */
  source.sequence = 2;
  source.file_name = "c.sayso";
  g_assert_true (sayso_analysis_db_quarantine (f->db, &source, "wrong-key", "sealed to another key", sealed, &state,
                                               &error));
  g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_QUARANTINED);
  g_assert_true (sayso_analysis_db_count_set_aside (f->db, &quarantined, &conflicts, &error));
  g_assert_cmpint (quarantined, ==, 1);

  g_assert_cmpint (add_record (f, 5, 6, "Leeds", "2026-11-02", agree), ==, SAYSO_ANALYSIS_RECORD_CONFLICT);
  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 0);
  g_assert_cmpint (add_record (f, 5, 5, "Leeds", "2026-11-02", agree), ==, SAYSO_ANALYSIS_RECORD_RELEASED);
  g_assert_cmpint (count (f, NULL, "contact", "agree", &answered), ==, 1);
  g_assert_true (sayso_analysis_db_count_set_aside (f->db, &quarantined, &conflicts, &error));
  g_assert_cmpint (quarantined, ==, 0);

  /* Imported now: a later copy that cannot be opened is no news. */
  source.sequence = 3;
  source.file_name = "d.sayso";
  g_assert_true (sayso_analysis_db_quarantine (f->db, &source, "wrong-key", "sealed to another key", sealed, &state,
                                               &error));
  g_assert_cmpint (state, ==, SAYSO_ANALYSIS_RECORD_SAME);
  g_assert_true (sayso_analysis_db_count_set_aside (f->db, &quarantined, &conflicts, &error));
  g_assert_cmpint (quarantined, ==, 0);
}

/* The file of opened answers is only ever itself: a link at its path, to a
 * file or to nothing, and a folder are refused, and what a link points at is
 * left as it was (it was made the database and chmod-ed). The control: the
 * same plain path is made and opens. */
static void
test_refuses_links (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *target = g_build_filename (dir, "someone-else.txt", NULL);
  g_autofree char *link = g_build_filename (dir, "link.db", NULL);
  g_autofree char *dangling = g_build_filename (dir, "dangling.db", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "nowhere.txt", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.db", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *contents = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "x", 1, NULL));
  g_assert_cmpint (g_chmod (target, 0644), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_cmpint (symlink (nowhere, dangling), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);

  for (guint create = 0; create < 2; create++)
    {
      const char *paths[] = { link, dangling, folder };

      for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
        {
          g_autoptr(GError) error = NULL;
          SaysoAnalysisDb *db = sayso_analysis_db_open (paths[i], create, &error);

          g_assert_null (db);
          g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO);
          g_assert_nonnull (strstr (error->message, paths[i]));
          g_assert_nonnull (strstr (error->message, "give the database file itself"));
        }
    }

  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "x");
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));

  {
    g_autoptr(GError) error = NULL;
    SaysoAnalysisDb *db = sayso_analysis_db_open (plain, TRUE, &error);

    g_assert_no_error (error);
    g_assert_nonnull (db);
    sayso_analysis_db_close (db);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/analysis-db/counts-in-and-out-of-transactions", Fixture, NULL, setup,
              test_counts_in_and_out_of_transactions, teardown);
  g_test_add ("/analysis-db/rollback-forgets-tallies", Fixture, NULL, setup, test_rollback_forgets_tallies, teardown);
  g_test_add ("/analysis-db/sites-apart", Fixture, NULL, setup, test_sites_apart, teardown);
  g_test_add ("/analysis-db/quarantine-then-response", Fixture, NULL, setup, test_quarantine_then_response, teardown);
  g_test_add_func ("/analysis-db/migrate-from-schema-1", test_migrate_from_schema_1);
  g_test_add_func ("/analysis-db/refuses-links", test_refuses_links);

  return g_test_run ();
}
