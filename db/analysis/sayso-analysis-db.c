/* sayso-analysis-db.c: the analysts' database.
 *
 * Each response is a row (for the CSV); the report's figures come from
 * counters, one per question, answer, site and day, and one per question,
 * site and day for how many answered it. Importing a response adds one to a
 * few rows of a small table that stays in the cache; a figure is a sum over
 * a handful of rows, whatever the number of responses. Free text is kept
 * apart, for choosing quotes.
 *
 * Within a transaction the counters are tallied in memory and written when
 * it commits: a bundle of 10,000 responses touches a few thousand counter
 * rows, and writing each of them once instead of once per response is most
 * of the difference between an import that keeps up with the threads opening
 * records and one that holds them back.
 *
 * This file makes, opens and migrates the database and imports into it; the
 * records kept aside are in sayso-analysis-db-quarantine.c and the report's
 * queries in sayso-analysis-db-report.c, sharing sayso-analysis-db-private.h.
 */
#define G_LOG_DOMAIN "sayso-analysis-db"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

#include "sayso-analysis-db-private.h"
#include "sayso-sqlite.h"

/* One counter row's increment: of counts (value set) or answered (value NULL). */
typedef struct
{
  char   *question;
  char   *value;
  char   *site;
  char   *day;
  gint64  n;
} Tally;

static void
tally_free (gpointer data)
{
  Tally *tally = data;

  g_free (tally->question);
  g_free (tally->value);
  g_free (tally->site);
  g_free (tally->day);
  g_free (tally);
}

/* Schema 2 keys responses by kiosk and record id with the record's hash
 * (schema 1: by record id alone, no hash), gives each a fresh id for the
 * reports, keeps a bundle whose number another bundle of its kiosk used
 * first (a kiosk restored from a backup), and keeps records aside: those
 * that verify but cannot be opened (quarantine) and those whose id was
 * imported before with other bytes (conflicts). */
#define RESPONSES_TABLE(name) \
  "CREATE TABLE " name " (" \
  "  response_id BLOB NOT NULL CHECK (length(response_id) = 16)," \
  "  kiosk BLOB NOT NULL," \
  "  id BLOB NOT NULL CHECK (length(id) = 16)," \
  "  hash BLOB CHECK (hash IS NULL OR length(hash) = 32)," \
  "  sequence INTEGER NOT NULL," \
  "  questionnaire TEXT NOT NULL," \
  "  version INTEGER NOT NULL," \
  "  day TEXT NOT NULL," \
  "  mode TEXT NOT NULL," \
  "  site TEXT NOT NULL," \
  "  language TEXT NOT NULL," \
  "  answers TEXT NOT NULL," \
  "  UNIQUE (kiosk, id)" \
  ");"

#define BUNDLES_TABLE(name) \
  "CREATE TABLE " name " (" \
  "  kiosk BLOB NOT NULL," \
  "  sequence INTEGER NOT NULL," \
  "  digest BLOB NOT NULL," \
  "  file_name TEXT NOT NULL," \
  "  records INTEGER NOT NULL," \
  "  restored INTEGER NOT NULL DEFAULT 0," \
  "  PRIMARY KEY (kiosk, sequence, digest)" \
  ") WITHOUT ROWID;"

/* Rowid tables: each row holds a sealed record of some 12 KiB. */
#define SET_ASIDE_TABLES \
  "CREATE TABLE quarantine (" \
  "  kiosk BLOB NOT NULL," \
  "  id BLOB NOT NULL CHECK (length(id) = 16)," \
  "  hash BLOB NOT NULL CHECK (length(hash) = 32)," \
  "  sequence INTEGER NOT NULL," \
  "  file_name TEXT NOT NULL," \
  "  site TEXT NOT NULL," \
  "  questionnaire TEXT NOT NULL," \
  "  version INTEGER NOT NULL," \
  "  reason TEXT NOT NULL," \
  "  detail TEXT NOT NULL," \
  "  sealed BLOB NOT NULL," \
  "  UNIQUE (kiosk, id)" \
  ");" \
  "CREATE TABLE conflicts (" \
  "  kiosk BLOB NOT NULL," \
  "  id BLOB NOT NULL CHECK (length(id) = 16)," \
  "  hash BLOB NOT NULL CHECK (length(hash) = 32)," \
  "  sequence INTEGER NOT NULL," \
  "  file_name TEXT NOT NULL," \
  "  sealed BLOB NOT NULL," \
  "  UNIQUE (kiosk, id, hash)" \
  ");"

/* Schema 3: where each collection service's pull got to (sayso import --from). */
#define PULLS_TABLE \
  "CREATE TABLE pulls (" \
  "  url TEXT PRIMARY KEY," \
  "  after INTEGER NOT NULL" \
  ") WITHOUT ROWID;"

/* Schema 4: the quotes the analysts pick (sayso quotes --pick), by the
 * record and question of the answer, and the key of the quotes' short
 * references (written once by the first "sayso quotes", never read out of
 * the database). */
#define QUOTES_TABLES \
  "CREATE TABLE quote_key (" \
  "  one INTEGER PRIMARY KEY CHECK (one = 1)," \
  "  key BLOB NOT NULL CHECK (length(key) = 32)" \
  ");" \
  "CREATE TABLE picks (" \
  "  kiosk BLOB NOT NULL," \
  "  id BLOB NOT NULL CHECK (length(id) = 16)," \
  "  question TEXT NOT NULL," \
  "  PRIMARY KEY (kiosk, id, question)" \
  ") WITHOUT ROWID;"

static const char schema[] =
  "CREATE TABLE kiosks ("
  "  pk BLOB PRIMARY KEY CHECK (length(pk) = 32),"
  "  site TEXT NOT NULL"
  ") WITHOUT ROWID;"
  BUNDLES_TABLE ("bundles")
  /* Rows are appended (rowid tables): keyed by the random ids, a hundred
   * thousand responses would be inserted all over the file, and an import
   * would slow down as the database outgrew the cache. */
  RESPONSES_TABLE ("responses")
  "CREATE INDEX responses_by_site_day ON responses (site, day);"
  "CREATE TABLE counts ("
  "  question TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  site TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  PRIMARY KEY (question, value, site, day)"
  ") WITHOUT ROWID;"
  "CREATE TABLE answered ("
  "  question TEXT NOT NULL,"
  "  site TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  PRIMARY KEY (question, site, day)"
  ") WITHOUT ROWID;"
  "CREATE TABLE texts ("
  "  question TEXT NOT NULL,"
  "  site TEXT NOT NULL,"
  "  day TEXT NOT NULL,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE INDEX texts_by_question ON texts (question, site);"
  SET_ASIDE_TABLES
  PULLS_TABLE
  QUOTES_TABLES
  "PRAGMA user_version = 4;";

/* From schema 1: every response keeps its place, draws a fresh id for the
 * reports, and has no hash yet (schema 1 kept none); the first bundle that
 * brings it again gives it its hash. */
static const char migrate_1_to_2[] =
  RESPONSES_TABLE ("responses_2")
  "INSERT INTO responses_2 (response_id, kiosk, id, hash, sequence, questionnaire, version, day, mode, site,"
  "                         language, answers)"
  "  SELECT randomblob(16), kiosk, id, NULL, sequence, questionnaire, version, day, mode, site, language, answers"
  "  FROM responses ORDER BY rowid;"
  "DROP TABLE responses;"
  "ALTER TABLE responses_2 RENAME TO responses;"
  "CREATE INDEX responses_by_site_day ON responses (site, day);"
  BUNDLES_TABLE ("bundles_2")
  "INSERT INTO bundles_2 (kiosk, sequence, digest, file_name, records)"
  "  SELECT kiosk, sequence, digest, file_name, records FROM bundles;"
  "DROP TABLE bundles;"
  "ALTER TABLE bundles_2 RENAME TO bundles;"
  SET_ASIDE_TABLES
  "PRAGMA user_version = 2;";

static const char migrate_2_to_3[] =
  PULLS_TABLE
  "PRAGMA user_version = 3;";

static const char migrate_3_to_4[] =
  QUOTES_TABLES
  "PRAGMA user_version = 4;";

gboolean
_sayso_analysis_db_fail (SaysoAnalysisDb  *db,
                         int               rc,
                         const char       *doing,
                         GError          **error)
{
  return sayso_sqlite_set_error (error, db->handle, rc, db->path, doing);
}

static gboolean
exec (SaysoAnalysisDb  *db,
      const char       *sql,
      GError          **error)
{
  return sayso_sqlite_exec_checked (db->handle, db->path, sql, error);
}

void
sayso_analysis_db_close (SaysoAnalysisDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->insert_response, sqlite3_finalize);
  g_clear_pointer (&db->find_response, sqlite3_finalize);
  g_clear_pointer (&db->find_quarantined, sqlite3_finalize);
  g_clear_pointer (&db->count_answer, sqlite3_finalize);
  g_clear_pointer (&db->count_answered, sqlite3_finalize);
  g_clear_pointer (&db->insert_text, sqlite3_finalize);
  g_clear_pointer (&db->tallies, g_hash_table_unref);
  if (db->key)
    g_string_free (db->key, TRUE);
  if (db->handle)
    sqlite3_close_v2 (db->handle);
  g_free (db->path);
  g_free (db);
}

SaysoAnalysisDb *
sayso_analysis_db_open (const char  *path,
                        gboolean     create,
                        GError     **error)
{
  g_autoptr(SaysoAnalysisDb) db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = -1, n_tables = 0;
  gboolean made = FALSE;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  /* The file of opened answers is taken only as itself: through a link it
   * could be anyone's file, made the database's and then chmod-ed. */
  if (g_lstat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO,
                   "%s: not an analysis database but a %s; give the database file itself", path,
                   S_ISLNK (st.st_mode) ? "symbolic link" : S_ISDIR (st.st_mode) ? "folder" : "special file");
      return NULL;
    }

  if (!create && !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND,
                   "%s: no analysis database here (“sayso enroll” or “sayso import” makes one)", path);
      return NULL;
    }

  /* It holds opened answers: readable by its owner only, from the first
   * byte. One made before this was made under the umask and then
   * tightened, so one that exists is tightened still. */
  if (create && !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GError) local_error = NULL;

      /* Another import may have made it in the meantime: then it is opened. */
      if (!sayso_sqlite_create_private_file (path, "the analysis database", &local_error) &&
          !g_error_matches (local_error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      made = local_error == NULL;
    }

  db = g_new0 (SaysoAnalysisDb, 1);
  db->path = g_strdup (path);
  db->tallies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, tally_free);
  db->key = g_string_sized_new (128);
  rc = sqlite3_open_v2 (path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      _sayso_analysis_db_fail (db, rc, "opening", error);
      return NULL;
    }
  sqlite3_busy_timeout (db->handle, 5000);

  if (create && !made)
    g_chmod (path, 0600);

  /* Unlike a kiosk's store, this database can always be rebuilt from the
   * bundles, and importing again is harmless: NORMAL keeps it consistent
   * through a power cut (WAL) without an fsync per checkpoint of a large import. */
  if (!exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA secure_delete = ON;"
                 "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 16384;", error))
    return NULL;

  rc = sqlite3_prepare_v2 (db->handle, "SELECT (SELECT user_version FROM pragma_user_version),"
                                       " (SELECT count(*) FROM sqlite_schema)", -1, &stmt, NULL);
  if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    {
      version = sqlite3_column_int (stmt, 0);
      n_tables = sqlite3_column_int (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (version < 0)
    {
      _sayso_analysis_db_fail (db, rc, "reading the schema", error);
      return NULL;
    }

  if ((version == 0 && n_tables == 0) || version == 1 || version == 2 || version == 3)
    {
      /* The version is read again under the write lock: another process
       * may have made or migrated the database in the meantime. */
      if (!exec (db, "BEGIN IMMEDIATE", error))
        return NULL;
      rc = sqlite3_prepare_v2 (db->handle, "SELECT (SELECT user_version FROM pragma_user_version),"
                                           " (SELECT count(*) FROM sqlite_schema)", -1, &stmt, NULL);
      if (rc == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
        {
          version = sqlite3_column_int (stmt, 0);
          n_tables = sqlite3_column_int (stmt, 1);
        }
      sqlite3_finalize (stmt);
      if (!((version == 0 && n_tables == 0) || version == 1 || version == 2 || version == 3 ||
            version == SAYSO_ANALYSIS_SCHEMA_VERSION) ||
          !exec (db, version == 1 ? migrate_1_to_2 : version == 0 ? schema : "", error) ||
          !exec (db, version == 1 || version == 2 ? migrate_2_to_3 : "", error) ||
          !exec (db, version >= 1 && version <= 3 ? migrate_3_to_4 : "", error) ||
          !exec (db, "COMMIT", error))
        {
          if (error && *error == NULL)
            g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                         "%s: not a Sayso analysis database (schema %d)", path, version);
          sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
          return NULL;
        }
    }
  else if (version != SAYSO_ANALYSIS_SCHEMA_VERSION)
    {
      g_set_error (error, SAYSO_DB_ERROR, version > SAYSO_ANALYSIS_SCHEMA_VERSION ? SAYSO_DB_ERROR_TOO_NEW : SAYSO_DB_ERROR_CORRUPT,
                   "%s: not a Sayso analysis database (schema %d)", path, version);
      return NULL;
    }

  return g_steal_pointer (&db);
}

gboolean
sayso_analysis_db_begin (SaysoAnalysisDb  *db,
                         GError          **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  return exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
sayso_analysis_db_commit (SaysoAnalysisDb  *db,
                          GError          **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  if (!_sayso_analysis_db_flush_tallies (db, error) || !exec (db, "COMMIT", error))
    {
      sayso_analysis_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

void
sayso_analysis_db_rollback (SaysoAnalysisDb *db)
{
  g_return_if_fail (db != NULL);
  g_hash_table_remove_all (db->tallies);
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
sayso_analysis_db_enroll (SaysoAnalysisDb  *db,
                          const guint8      kiosk_pk[32],
                          const char       *site,
                          GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && site != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO kiosks (pk, site) VALUES (?1, ?2)"
                           " ON CONFLICT (pk) DO UPDATE SET site = excluded.site", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "enrolling a kiosk", error);
}

gboolean
sayso_analysis_db_lookup_kiosk (SaysoAnalysisDb  *db,
                                const guint8      kiosk_pk[32],
                                char            **site,
                                GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && site != NULL, FALSE);

  *site = NULL;
  rc = sqlite3_prepare_v2 (db->handle, "SELECT site FROM kiosks WHERE pk = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *site = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "looking up a kiosk", error);
}

gboolean
sayso_analysis_db_bundle_state (SaysoAnalysisDb           *db,
                                const guint8               kiosk_pk[32],
                                gint64                     sequence,
                                const guint8               digest[32],
                                SaysoAnalysisBundleState  *state,
                                GError                   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && digest != NULL && state != NULL, FALSE);

  *state = SAYSO_ANALYSIS_BUNDLE_NEW;
  rc = sqlite3_prepare_v2 (db->handle, "SELECT digest FROM bundles WHERE kiosk = ?1 AND sequence = ?2", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, sequence);
      /* A restored kiosk may have used the number for several bundles. */
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && *state != SAYSO_ANALYSIS_BUNDLE_SAME)
        *state = sqlite3_column_bytes (stmt, 0) == 32 && memcmp (sqlite3_column_blob (stmt, 0), digest, 32) == 0
               ? SAYSO_ANALYSIS_BUNDLE_SAME : SAYSO_ANALYSIS_BUNDLE_CONFLICT;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "looking up a bundle", error);
}

gboolean
sayso_analysis_db_add_bundle (SaysoAnalysisDb  *db,
                              const guint8      kiosk_pk[32],
                              gint64            sequence,
                              const guint8      digest[32],
                              const char       *file_name,
                              gint64            n_records,
                              gboolean          restored,
                              GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && digest != NULL && file_name != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO bundles (kiosk, sequence, digest, file_name, records, restored)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, sequence);
      sqlite3_bind_blob (stmt, 3, digest, 32, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, file_name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, n_records);
      sqlite3_bind_int (stmt, 6, restored ? 1 : 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "recording a bundle", error);
}

static gboolean
prepare_cached (SaysoAnalysisDb  *db,
                sqlite3_stmt    **stmt,
                const char       *sql,
                GError          **error)
{
  int rc = sayso_sqlite_prepare_cached (db->handle, stmt, sql);
  return rc == SQLITE_OK ? TRUE : _sayso_analysis_db_fail (db, rc, "preparing a query", error);
}

static gboolean
step_one (SaysoAnalysisDb  *db,
          sqlite3_stmt     *stmt,
          const char       *doing,
          GError          **error)
{
  int rc = sayso_sqlite_step_reset (stmt);
  return rc == SQLITE_OK ? TRUE : _sayso_analysis_db_fail (db, rc, doing, error);
}

/* Question and answer ids are the questionnaire's (no control characters)
 * and a day is YYYY-MM-DD, so with the site last the key is unambiguous. */
static void
tally_add (SaysoAnalysisDb *db,
           const char      *question,
           const char      *value,
           const char      *site,
           const char      *day)
{
  Tally *tally;

  g_string_assign (db->key, value ? "c\x1f" : "a\x1f");
  g_string_append (db->key, question);
  g_string_append_c (db->key, '\x1f');
  if (value)
    g_string_append (db->key, value);
  g_string_append_c (db->key, '\x1f');
  g_string_append (db->key, day);
  g_string_append_c (db->key, '\x1f');
  g_string_append (db->key, site);

  tally = g_hash_table_lookup (db->tallies, db->key->str);
  if (tally == NULL)
    {
      tally = g_new0 (Tally, 1);
      tally->question = g_strdup (question);
      tally->value = g_strdup (value);
      tally->site = g_strdup (site);
      tally->day = g_strdup (day);
      g_hash_table_insert (db->tallies, g_strdup (db->key->str), tally);
    }
  tally->n++;
}

gboolean
_sayso_analysis_db_flush_tallies (SaysoAnalysisDb  *db,
                                  GError          **error)
{
  GHashTableIter iter;
  Tally *tally;

  if (g_hash_table_size (db->tallies) == 0)
    return TRUE;

  if (!prepare_cached (db, &db->count_answer,
                       "INSERT INTO counts (question, value, site, day, n) VALUES (?1, ?2, ?3, ?4, ?5)"
                       " ON CONFLICT (question, value, site, day) DO UPDATE SET n = n + excluded.n", error) ||
      !prepare_cached (db, &db->count_answered,
                       "INSERT INTO answered (question, site, day, n) VALUES (?1, ?2, ?3, ?4)"
                       " ON CONFLICT (question, site, day) DO UPDATE SET n = n + excluded.n", error))
    return FALSE;

  g_hash_table_iter_init (&iter, db->tallies);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &tally))
    {
      sqlite3_stmt *stmt = tally->value ? db->count_answer : db->count_answered;
      int column = 1;

      sqlite3_bind_text (stmt, column++, tally->question, -1, SQLITE_STATIC);
      if (tally->value)
        sqlite3_bind_text (stmt, column++, tally->value, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, column++, tally->site, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, column++, tally->day, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, column, tally->n);
      if (!step_one (db, stmt, "counting answers", error))
        return FALSE;
    }
  g_hash_table_remove_all (db->tallies);
  return TRUE;
}

static gboolean
add_answer (SaysoAnalysisDb  *db,
            const char       *question,
            const char       *value,
            gboolean          is_text,
            const char       *site,
            const char       *day,
            GError          **error)
{
  sqlite3_stmt *stmt;

  if (is_text)
    {
      if (!prepare_cached (db, &db->insert_text,
                           "INSERT INTO texts (question, site, day, value) VALUES (?1, ?2, ?3, ?4)", error))
        return FALSE;
      stmt = db->insert_text;
      sqlite3_bind_text (stmt, 1, question, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, day, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, value, -1, SQLITE_STATIC);
      return step_one (db, stmt, "storing a free-text answer", error);
    }

  tally_add (db, question, value, site, day);
  return TRUE;
}

/* sql with ?1 the kiosk, ?2 the record id, ?3 a hash. */
static gboolean
exec_record (SaysoAnalysisDb  *db,
             const char       *sql,
             const guint8      id[16],
             const guint8      kiosk_pk[32],
             const guint8      hash[32],
             const char       *doing,
             GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, id, 16, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, hash, 32, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, doing, error);
}

/* The hash a record id is kept with, in responses or in quarantine:
 * *found FALSE if it is in neither table, *hash_null if it is kept without
 * one (imported before schema 2). For quarantine, *row is its row. */
gboolean
_sayso_analysis_db_find_record (SaysoAnalysisDb  *db,
                                gboolean          in_quarantine,
                                const guint8      id[16],
                                const guint8      kiosk_pk[32],
                                const guint8      hash[32],
                                gboolean         *found,
                                gboolean         *same,
                                gint64           *row,
                                GError          **error)
{
  sqlite3_stmt **stmt = in_quarantine ? &db->find_quarantined : &db->find_response;
  int rc;

  if (!prepare_cached (db, stmt, in_quarantine
                                   ? "SELECT hash, rowid FROM quarantine WHERE kiosk = ?1 AND id = ?2"
                                   : "SELECT hash, rowid FROM responses WHERE kiosk = ?1 AND id = ?2", error))
    return FALSE;
  sqlite3_bind_blob (*stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
  sqlite3_bind_blob (*stmt, 2, id, 16, SQLITE_STATIC);
  rc = sqlite3_step (*stmt);
  *found = rc == SQLITE_ROW;
  *same = FALSE;
  if (*found)
    {
      /* Kept without a hash (schema 1): these bytes are taken as its own. */
      *same = sqlite3_column_type (*stmt, 0) == SQLITE_NULL ||
              (sqlite3_column_bytes (*stmt, 0) == 32 && memcmp (sqlite3_column_blob (*stmt, 0), hash, 32) == 0);
      if (sqlite3_column_type (*stmt, 0) == SQLITE_NULL)
        {
          sqlite3_reset (*stmt);
          return exec_record (db, "UPDATE responses SET hash = ?3 WHERE kiosk = ?1 AND id = ?2 AND hash IS NULL",
                              id, kiosk_pk, hash, "keeping a response's hash", error);
        }
      if (row)
        *row = sqlite3_column_int64 (*stmt, 1);
      rc = SQLITE_DONE;
    }
  sqlite3_reset (*stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "looking up a record", error);
}

gboolean
sayso_analysis_db_add_response (SaysoAnalysisDb                 *db,
                                const SaysoAnalysisRecordSource *source,
                                const char                      *day,
                                const char                      *mode,
                                const char                      *language,
                                const char                      *answers_json,
                                const char * const              *pairs,
                                SaysoAnalysisRecordState        *state,
                                GError                         **error)
{
  gboolean found = FALSE, same = FALSE;
  gint64 row = 0;

  g_return_val_if_fail (db != NULL && source != NULL, FALSE);
  g_return_val_if_fail (source->id != NULL && source->kiosk_pk != NULL && source->hash != NULL, FALSE);
  g_return_val_if_fail (answers_json != NULL && pairs != NULL && state != NULL, FALSE);

  *state = SAYSO_ANALYSIS_RECORD_ADDED;

  /* In quarantine with these bytes, it opens now (another key, a
   * questionnaire given since): it leaves quarantine. With other bytes it
   * is a conflict, as with a response. */
  if (!_sayso_analysis_db_find_record (db, TRUE, source->id, source->kiosk_pk, source->hash, &found, &same, &row, error))
    return FALSE;
  if (found && !same)
    {
      *state = SAYSO_ANALYSIS_RECORD_CONFLICT;
      return TRUE;
    }
  if (found)
    {
      g_autofree char *sql = g_strdup_printf ("DELETE FROM quarantine WHERE rowid = %" G_GINT64_FORMAT, row);
      if (!exec (db, sql, error))
        return FALSE;
      *state = SAYSO_ANALYSIS_RECORD_RELEASED;
    }

  /* The id shown in reports is drawn here, so that nothing in a report
   * joins it to the kiosk's record id. */
  if (!prepare_cached (db, &db->insert_response,
                       "INSERT INTO responses (response_id, kiosk, id, hash, sequence, questionnaire, version, day, mode,"
                       " site, language, answers)"
                       " VALUES (randomblob(16), ?2, ?1, ?11, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
                       " ON CONFLICT (kiosk, id) DO NOTHING", error))
    return FALSE;

  sqlite3_bind_blob (db->insert_response, 1, source->id, 16, SQLITE_STATIC);
  sqlite3_bind_blob (db->insert_response, 2, source->kiosk_pk, 32, SQLITE_STATIC);
  sqlite3_bind_int64 (db->insert_response, 3, source->sequence);
  sqlite3_bind_text (db->insert_response, 4, source->questionnaire, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (db->insert_response, 5, source->version);
  sqlite3_bind_text (db->insert_response, 6, day, -1, SQLITE_STATIC);
  sqlite3_bind_text (db->insert_response, 7, mode, -1, SQLITE_STATIC);
  sqlite3_bind_text (db->insert_response, 8, source->site, -1, SQLITE_STATIC);
  sqlite3_bind_text (db->insert_response, 9, language, -1, SQLITE_STATIC);
  sqlite3_bind_text (db->insert_response, 10, answers_json, -1, SQLITE_STATIC);
  sqlite3_bind_blob (db->insert_response, 11, source->hash, 32, SQLITE_STATIC);
  if (!step_one (db, db->insert_response, "storing a response", error))
    return FALSE;

  if (sqlite3_changes (db->handle) == 0)
    {
      /* Already there through another bundle: counted once if it is the
       * same record (a re-export), kept aside if it is not. */
      if (!_sayso_analysis_db_find_record (db, FALSE, source->id, source->kiosk_pk, source->hash, &found, &same, NULL, error))
        return FALSE;
      *state = same ? SAYSO_ANALYSIS_RECORD_SAME : SAYSO_ANALYSIS_RECORD_CONFLICT;
      return TRUE;
    }

  /* question, value, kind (“t” for free text): one triple per answer value,
   * a question's values next to each other. */
  for (guint i = 0; pairs[i] && pairs[i + 1] && pairs[i + 2]; i += 3)
    {
      gboolean is_text = pairs[i + 2][0] == 't';

      if (!add_answer (db, pairs[i], pairs[i + 1], is_text, source->site, day, error))
        return FALSE;
      if (!is_text && (i == 0 || g_strcmp0 (pairs[i - 3], pairs[i]) != 0))
        tally_add (db, pairs[i], NULL, source->site, day);
    }

  /* Outside a transaction there is no commit to wait for. */
  if (sqlite3_get_autocommit (db->handle))
    return _sayso_analysis_db_flush_tallies (db, error);
  return TRUE;
}

gboolean
sayso_analysis_db_get_pull (SaysoAnalysisDb  *db,
                            const char       *url,
                            gint64           *after,
                            GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && url != NULL && after != NULL, FALSE);

  *after = 0;
  rc = sqlite3_prepare_v2 (db->handle, "SELECT after FROM pulls WHERE url = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        *after = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "reading where the pull got to", error);
}

gboolean
sayso_analysis_db_set_pull (SaysoAnalysisDb  *db,
                            const char       *url,
                            gint64            after,
                            GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && url != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO pulls (url, after) VALUES (?1, ?2)"
                                       " ON CONFLICT (url) DO UPDATE SET after = excluded.after", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, after);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "noting where the pull got to", error);
}
