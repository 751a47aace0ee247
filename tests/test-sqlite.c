/* test-sqlite: the SQLite helper every database uses. One mapping of
 * SQLite's codes to SAYSO_DB_ERROR, statements that fail named, and a
 * database's file private from its first byte whatever the umask. */
#define G_LOG_DOMAIN "test-sqlite"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sayso-analysis-db.h"
#include "sayso-db.h"
#include "sayso-sqlite.h"
#include "sayso-test-utils.h"

typedef struct
{
  int          rc;
  SaysoDbError code;
} Mapping;

/* As sayso-sqlite.h documents it, primary and extended codes alike. */
static const Mapping documented[] = {
  { SQLITE_BUSY, SAYSO_DB_ERROR_BUSY },
  { SQLITE_BUSY_SNAPSHOT, SAYSO_DB_ERROR_BUSY },
  { SQLITE_BUSY_TIMEOUT, SAYSO_DB_ERROR_BUSY },
  { SQLITE_LOCKED, SAYSO_DB_ERROR_BUSY },
  { SQLITE_LOCKED_SHAREDCACHE, SAYSO_DB_ERROR_BUSY },
  { SQLITE_FULL, SAYSO_DB_ERROR_FULL },
  { SQLITE_CORRUPT, SAYSO_DB_ERROR_CORRUPT },
  { SQLITE_CORRUPT_INDEX, SAYSO_DB_ERROR_CORRUPT },
  { SQLITE_NOTADB, SAYSO_DB_ERROR_CORRUPT },
  { SQLITE_IOERR, SAYSO_DB_ERROR_IO },
  { SQLITE_IOERR_READ, SAYSO_DB_ERROR_IO },
  { SQLITE_IOERR_FSYNC, SAYSO_DB_ERROR_IO },
  { SQLITE_IOERR_WRITE, SAYSO_DB_ERROR_IO },
  /* Without a handle there is no errno to tell a full disk by. */
  { SQLITE_IOERR_SHMSIZE, SAYSO_DB_ERROR_IO },
  { SQLITE_CANTOPEN, SAYSO_DB_ERROR_IO },
  { SQLITE_CANTOPEN_ISDIR, SAYSO_DB_ERROR_IO },
  { SQLITE_READONLY, SAYSO_DB_ERROR_IO },
  { SQLITE_READONLY_DBMOVED, SAYSO_DB_ERROR_IO },
  { SQLITE_PERM, SAYSO_DB_ERROR_IO },
  { SQLITE_ERROR, SAYSO_DB_ERROR_FAILED },
  { SQLITE_CONSTRAINT, SAYSO_DB_ERROR_FAILED },
  { SQLITE_CONSTRAINT_UNIQUE, SAYSO_DB_ERROR_FAILED },
  { SQLITE_MISUSE, SAYSO_DB_ERROR_FAILED },
  { SQLITE_NOMEM, SAYSO_DB_ERROR_FAILED },
  { SQLITE_SCHEMA, SAYSO_DB_ERROR_FAILED },
  { SQLITE_TOOBIG, SAYSO_DB_ERROR_FAILED },
  { SQLITE_MISMATCH, SAYSO_DB_ERROR_FAILED },
  { SQLITE_RANGE, SAYSO_DB_ERROR_FAILED },
};

typedef SaysoDbError (*MapFunc) (int rc);

static SaysoDbError
helper_mapping (int rc)
{
  return sayso_sqlite_error_code (NULL, rc);
}

/* The analysis database's own mapping before the helper, as it was written. */
static SaysoDbError
old_analysis_mapping (int rc)
{
  return (rc & 0xff) == SQLITE_BUSY ? SAYSO_DB_ERROR_BUSY
       : (rc & 0xff) == SQLITE_FULL ? SAYSO_DB_ERROR_FULL
       : (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT ? SAYSO_DB_ERROR_CORRUPT
       : SAYSO_DB_ERROR_FAILED;
}

static guint
count_wrong (MapFunc map)
{
  guint wrong = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (documented); i++)
    if (map (documented[i].rc) != documented[i].code)
      {
        g_test_message ("%s (%d) maps to %d, not %d", sqlite3_errstr (documented[i].rc),
                        documented[i].rc, map (documented[i].rc), documented[i].code);
        wrong++;
      }
  return wrong;
}

static void
test_error_codes (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (count_wrong (helper_mapping), ==, 0);

  /* The error set says where, doing what, and what SQLite said. */
  g_assert_false (sayso_sqlite_set_error (&error, NULL, SQLITE_LOCKED, "/x/analysis.db", "counting answers"));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_BUSY);
  g_assert_cmpstr (error->message, ==, "/x/analysis.db: counting answers failed: database table is locked");
}

/* Negative control: the analysis database's old mapping fails the same
 * table, at LOCKED and at each I/O code, which it called FAILED. */
static void
test_error_codes_old_mapping_differs (void)
{
  g_assert_cmpuint (count_wrong (old_analysis_mapping), ==, 12);
}

/* A new connection that finds no room for its shared-memory index says
 * IOERR_SHMSIZE, and the helper reads the errno: the full-disk tests in
 * test-durability and test-cli measure it on a real full disk. Here the
 * errno is what SQLite last saw on a handle, so a handle with no system
 * error keeps IOERR_SHMSIZE an I/O error. */
static void
test_shmsize_needs_enospc (void)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_system_errno (db), ==, 0);
  g_assert_cmpint (sayso_sqlite_error_code (db, SQLITE_IOERR_SHMSIZE), ==, SAYSO_DB_ERROR_IO);
  g_assert_false (sayso_sqlite_is_full (db, SQLITE_IOERR_SHMSIZE));
  g_assert_true (sayso_sqlite_is_full (db, SQLITE_FULL));
  sqlite3_close (db);
}

/* Through the analysts' database, where a person meets it: a folder given
 * as the database is an I/O error (it was FAILED), a text file a damaged
 * database, as the kiosk's store says of both. */
static void
test_analysis_db_codes (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *text = g_build_filename (dir, "notes.txt", NULL);
  g_autoptr(GError) error = NULL;
  SaysoAnalysisDb *db;

  db = sayso_analysis_db_open (dir, TRUE, &error);
  g_assert_null (db);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (text, "just some text, not a database at all....", -1, NULL));
  db = sayso_analysis_db_open (text, FALSE, &error);
  g_assert_null (db);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "notes.txt"));
  g_clear_error (&error);

  test_remove_tree (dir);
}

static sqlite3 *
open_memory (void)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  return db;
}

static gboolean
has_table (sqlite3    *db,
           const char *name)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT 1 FROM sqlite_schema WHERE name = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  return found;
}

/* Of a list, the statement that failed is named, with SQLite's reason; the
 * ones before it ran, the ones after it did not. */
static void
test_exec_names_statement (void)
{
  sqlite3 *db = open_memory ();
  g_autoptr(GError) error = NULL;
  g_autofree char *failed = NULL;

  /* One that will not prepare. */
  g_assert_cmpint (sayso_sqlite_exec (db, "CREATE TABLE t (a);\n  INSERT INTO missing VALUES (1);\nCREATE TABLE u (b);", &failed),
                   ==, SQLITE_ERROR);
  g_assert_cmpstr (failed, ==, "“INSERT INTO missing VALUES (1);”");
  g_assert_true (has_table (db, "t"));
  g_assert_false (has_table (db, "u"));
  g_clear_pointer (&failed, g_free);

  /* One that prepares and fails as it runs: of two alike, the second. */
  g_assert_false (sayso_sqlite_exec_checked (db, "/x/test.db",
                                             "CREATE TABLE v (a UNIQUE); INSERT INTO v VALUES (1); "
                                             "INSERT INTO v VALUES (2 - 1); CREATE TABLE w (c)", &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "/x/test.db: “INSERT INTO v VALUES (2 - 1);” failed: UNIQUE constraint failed: v.a");
  g_assert_false (has_table (db, "w"));
  g_clear_error (&error);

  /* A long one is named by its start, on one line. */
  g_assert_cmpint (sayso_sqlite_exec (db, "CREATE TABLE v (\n"
                                          "  first_column_with_a_long_name TEXT,\n"
                                          "  second_column_with_a_long_name TEXT,\n"
                                          "  third TEXT)", &failed), ==, SQLITE_ERROR);
  g_assert_cmpstr (failed, ==, "“CREATE TABLE v ( first_column_with_a_long_name TEXT, "
                               "second_column_with_a_long_n…”");
  g_clear_pointer (&failed, g_free);

  sqlite3_close (db);
}

/* Negative control: a list that runs names nothing and runs to its end. */
static void
test_exec_list_that_runs (void)
{
  sqlite3 *db = open_memory ();
  g_autoptr(GError) error = NULL;
  char *failed = NULL;

  g_assert_cmpint (sayso_sqlite_exec (db, "CREATE TABLE t (a); INSERT INTO t VALUES (1); SELECT * FROM t; "
                                          "CREATE TABLE u (b); -- the end\n", &failed), ==, SQLITE_OK);
  g_assert_null (failed);
  g_assert_true (has_table (db, "t"));
  g_assert_true (has_table (db, "u"));
  g_assert_true (sayso_sqlite_exec_checked (db, "/x/test.db", "", &error));
  g_assert_no_error (error);
  sqlite3_close (db);
}

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_private_file_under_open_umask (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "made.db", NULL);
  g_autoptr(GError) error = NULL;
  mode_t old = umask (0);

  g_assert_true (sayso_sqlite_create_private_file (path, "the test database", &error));
  umask (old);
  g_assert_no_error (error);
  g_assert_cmpuint (mode_of (path), ==, 0600);

  test_remove_tree (dir);
}

/* Negative control: under the same umask, a file made the ordinary way is
 * readable by everyone, so the umask the test sets is in force; in a
 * program started under it too, as sayso-collect is below. */
static void
test_fopen_under_open_umask_is_not_private (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *child_path = g_build_filename (dir, "child.db", NULL);
  g_autoptr(GError) error = NULL;
  const char *touch[] = { "touch", child_path, NULL };
  mode_t old = umask (0);
  FILE *file = fopen (path, "w");
  int status = -1;

  g_spawn_sync (NULL, (char **) touch, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  umask (old);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_nonnull (file);
  fclose (file);
  g_assert_cmpuint (mode_of (path), ==, 0666);
  g_assert_cmpuint (mode_of (child_path), ==, 0666);

  test_remove_tree (dir);
}

/* The three databases, made under umask 000, with their -wal and -shm while
 * open: the store and the analysts' through their units, the collection
 * service's by the real `sayso-collect init`, held open by `serve`. */
static void
test_databases_private_under_open_umask (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *store_path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *analysis_path = g_build_filename (dir, "analysis.db", NULL);
  g_autofree char *collect_path = g_build_filename (dir, "collect.db", NULL);
  g_autofree char *listening = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) store = NULL;
  g_autoptr(SaysoAnalysisDb) analysis = NULL;
  g_autoptr(GSubprocess) init = NULL;
  g_autoptr(GSubprocess) serve = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  const char *paths[] = { store_path, analysis_path, collect_path };
  mode_t old = umask (0);

  store = sayso_db_open (store_path, SAYSO_DB_OPEN_CREATE, &error);
  g_assert_no_error (error);
  analysis = sayso_analysis_db_open (analysis_path, TRUE, &error);
  g_assert_no_error (error);
  /* Something written, so that both have a WAL and an index. */
  g_assert_true (sayso_db_set_pin_failures (store, 1, &error));
  g_assert_true (sayso_analysis_db_begin (analysis, &error) && sayso_analysis_db_commit (analysis, &error));
  g_assert_no_error (error);
  /* The service's database is made by init, and open in serve: its first
   * line, where it listens, comes once the database is open. */
  init = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, test_collect_binary (), "init", "--db", collect_path, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (init, NULL, &error));
  g_assert_no_error (error);
  serve = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, test_collect_binary (), "serve", "--db", collect_path,
                            "--listen", "127.0.0.1:0", NULL);
  umask (old);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (serve));
  listening = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (listening);
  g_assert_true (g_str_has_prefix (listening, "http://127.0.0.1:"));

  for (gsize i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *wal = g_strconcat (paths[i], "-wal", NULL);
      g_autofree char *shm = g_strconcat (paths[i], "-shm", NULL);

      g_assert_cmpuint (mode_of (paths[i]), ==, 0600);
      g_assert_cmpuint (mode_of (wal), ==, 0600);
      g_assert_cmpuint (mode_of (shm), ==, 0600);
    }

  /* Stopped at once: a SIGTERM before it has set up its handler would be
   * the test's race, not the service's failure. */
  g_subprocess_force_exit (serve);
  g_assert_true (g_subprocess_wait (serve, NULL, &error));
  g_assert_no_error (error);
  test_remove_tree (dir);
}

/* Creating never adopts what is there: a file keeps its bytes, a symbolic
 * link is not followed to make its target. */
static void
test_private_file_refuses_existing (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "there.db", NULL);
  g_autofree char *link = g_build_filename (dir, "link.db", NULL);
  g_autofree char *target = g_build_filename (dir, "target.db", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "someone's file", -1, NULL));
  g_assert_false (sayso_sqlite_create_private_file (path, "the store", &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "there.db: cannot create the store"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "someone's file");

  g_assert_cmpint (symlink (target, link), ==, 0);
  g_assert_false (sayso_sqlite_create_private_file (link, "the store", &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));

  /* Negative control: where nothing is, it is made. */
  g_assert_true (sayso_sqlite_create_private_file (target, "the store", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (target, G_FILE_TEST_IS_REGULAR));

  test_remove_tree (dir);
}

/* A folder that is not there: an I/O error naming the file, nothing made. */
static void
test_private_file_no_folder (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "not-here", "made.db", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (sayso_sqlite_create_private_file (path, "the analysis database", &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "made.db: cannot create the analysis database"));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sqlite/error-codes", test_error_codes);
  g_test_add_func ("/sqlite/error-codes-old-mapping-differs", test_error_codes_old_mapping_differs);
  g_test_add_func ("/sqlite/shmsize-needs-enospc", test_shmsize_needs_enospc);
  g_test_add_func ("/sqlite/analysis-db-codes", test_analysis_db_codes);
  g_test_add_func ("/sqlite/exec-names-statement", test_exec_names_statement);
  g_test_add_func ("/sqlite/exec-list-that-runs", test_exec_list_that_runs);
  g_test_add_func ("/sqlite/private-file/umask-000", test_private_file_under_open_umask);
  g_test_add_func ("/sqlite/private-file/fopen-umask-000-not-private", test_fopen_under_open_umask_is_not_private);
  g_test_add_func ("/sqlite/private-file/databases-umask-000", test_databases_private_under_open_umask);
  g_test_add_func ("/sqlite/private-file/refuses-existing", test_private_file_refuses_existing);
  g_test_add_func ("/sqlite/private-file/no-folder", test_private_file_no_folder);

  return g_test_run ();
}
