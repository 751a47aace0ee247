/* sayso-db.c: the SQLite layer of a kiosk store.
 *
 * Rows hold a random id, the questionnaire, the sealed record and its hash;
 * the export state is a row of its own in `exported`. Rows are keyed by a
 * random number, so nothing in the file says which response came first.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "sayso-db-private.h"

#define BUSY_TIMEOUT_MSEC 2000

struct _SaysoDb
{
  sqlite3      *handle;
  char         *path;
  int           schema_version;
  sqlite3_stmt *insert_stmt;
  sqlite3_stmt *count_stmt;
  /* Set after an I/O error while writing. After a failed fsync the kernel may
   * have dropped the dirty pages and a retried fsync can falsely succeed, so
   * nothing more is written through this handle: the program must reopen the
   * store (restart), and SQLite's recovery reads what truly reached the disk. */
  gboolean      poisoned;
  /* The test seam for a clash of random row keys. */
  gboolean      next_key_set;
  gint64        next_key;
};

/* Each entry moves a store from version N to N+1; never edit one that has shipped. */
static const char * const migrations[] = {
  /* 0 -> 1: the first store */
  "CREATE TABLE kiosk ("
  "  one INTEGER PRIMARY KEY CHECK (one = 1),"
  "  site TEXT NOT NULL,"
  "  recipient_pk BLOB NOT NULL CHECK (length(recipient_pk) = 32),"
  "  sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32),"
  "  sign_sk BLOB NOT NULL CHECK (length(sign_sk) = 64)"
  ");"
  "CREATE TABLE responses ("
  "  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
  "  questionnaire TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1)),"
  "  sealed BLOB NOT NULL"
  ") WITHOUT ROWID;",

  /* 1 -> 2: export bookkeeping and staff access. The export state moves to
   * its own small table: marking ten thousand records exported then writes a
   * few bytes for each, not its 12 KiB row again. The export day (never a
   * time) drives how long exported records are kept for a re-export. */
  "CREATE TABLE exported ("
  "  id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,"
  "  day TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "INSERT INTO exported (id, day) SELECT id, '1970-01-01' FROM responses WHERE state = 1;"
  "ALTER TABLE responses DROP COLUMN state;"
  "ALTER TABLE kiosk ADD COLUMN export_seq INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE kiosk ADD COLUMN keep_days INTEGER NOT NULL DEFAULT 14;"
  "ALTER TABLE kiosk ADD COLUMN pin_hash TEXT;",

  /* 2 -> 3: a row table whose key is random (SQLite's random(), seeded
   * from the system) instead of a WITHOUT ROWID table. With 12 KiB rows a WITHOUT ROWID
   * table keeps whole rows in its interior pages, four to a page, and
   * every step of a lookup by id read a whole record: a tree seven levels
   * deep for ten thousand responses. Rows are still in random order; the
   * ids get a small index of their own. The export state is moved aside
   * while its parent table is replaced, so that dropping the old table
   * cascades to nothing. */
  "CREATE TABLE responses_v3 ("
  "  key INTEGER PRIMARY KEY,"
  "  id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
  "  questionnaire TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  sealed BLOB NOT NULL"
  ");"
  "INSERT INTO responses_v3 (key, id, questionnaire, version, sealed)"
  "  SELECT random (), id, questionnaire, version, sealed FROM responses;"
  "CREATE TEMP TABLE exported_v2 AS SELECT id, day FROM exported;"
  "DROP TABLE exported;"
  "DROP TABLE responses;"
  "ALTER TABLE responses_v3 RENAME TO responses;"
  "CREATE TABLE exported ("
  "  id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,"
  "  day TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "INSERT INTO exported (id, day) SELECT id, day FROM temp.exported_v2;"
  "DROP TABLE temp.exported_v2;",

  /* 3 -> 4: each record's BLAKE2b hash, taken when it is saved. The export
   * writes it into the manifest instead of hashing every record again, and
   * its read-back check then covers the record from submit to stick. Rows
   * saved before have none; the export hashes those as it goes. */
  "ALTER TABLE responses ADD COLUMN hash BLOB CHECK (hash IS NULL OR length(hash) = 32);",

  /* 4 -> 5: records whose stored copy no longer matches its hash (a bad
   * sector). They are kept, but never exported again: in a bundle a record
   * that cannot be opened makes the analysts' import refuse every other. A
   * table of its own, like exported: a column after the 12 KiB sealed record
   * would make counting them read every record. */
  "CREATE TABLE damaged ("
  "  id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE"
  ") WITHOUT ROWID;",

  /* 5 -> 6: the wrong staff PINs in a row. Kept in the store so that a
   * restart of the kiosk (which the unit does in two seconds) does not give
   * five more tries. A count, never a time: the store keeps no time finer
   * than a day. */
  "ALTER TABLE kiosk ADD COLUMN pin_failures INTEGER NOT NULL DEFAULT 0;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SAYSO_DB_SCHEMA_VERSION);

G_DEFINE_QUARK (sayso-db-error-quark, sayso_db_error)

static SaysoDbError
code_for_sqlite (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SAYSO_DB_ERROR_BUSY;
    case SQLITE_FULL:
      return SAYSO_DB_ERROR_FULL;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return SAYSO_DB_ERROR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return SAYSO_DB_ERROR_IO;
    default:
      return SAYSO_DB_ERROR_FAILED;
    }
}

static gboolean
set_error (SaysoDb     *db,
           int          rc,
           const char  *doing,
           GError     **error)
{
  SaysoDbError code = code_for_sqlite (rc);
  const char *what = db->handle ? sqlite3_errmsg (db->handle) : sqlite3_errstr (rc);

  switch (code)
    {
    case SAYSO_DB_ERROR_BUSY:
      g_set_error (error, SAYSO_DB_ERROR, code,
                   "%s: the store is busy (another Sayso program is using it); try again", db->path);
      break;
    case SAYSO_DB_ERROR_FULL:
      g_set_error (error, SAYSO_DB_ERROR, code,
                   "%s: the disk is full; nothing was stored", db->path);
      break;
    case SAYSO_DB_ERROR_CORRUPT:
      g_set_error (error, SAYSO_DB_ERROR, code,
                   "%s: not a Sayso store, or it is damaged (%s)", db->path, what);
      break;
    default:
      g_set_error (error, SAYSO_DB_ERROR, code,
                   "%s: %s failed: %s", db->path, doing, what);
      break;
    }

  return FALSE;
}

/* A failed write or sync may have lost dirty pages that a retried fsync
 * then falsely reports as saved: after one, the handle is never written
 * through again (see poisoned). A failed read loses nothing, and uses
 * set_error() alone, so that one bad sector read during an export does not
 * stop the kiosk saving responses. */
static gboolean
set_write_error (SaysoDb     *db,
                 int          rc,
                 const char  *doing,
                 GError     **error)
{
  /* A page that could not be read within a write loses nothing: the
   * statement fails, its transaction is rolled back, the disk is as it was. */
  if (((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_READ && rc != SQLITE_IOERR_SHORT_READ) ||
      (rc & 0xff) == SQLITE_FULL)
    db->poisoned = TRUE;
  return set_error (db, rc, doing, error);
}

static gboolean
writable (SaysoDb  *db,
          GError  **error)
{
  if (db->poisoned)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO,
                   "%s: the disk reported an error while saving, so this store is not written to again "
                   "until Sayso is restarted (nothing that was saved is lost)", db->path);
      return FALSE;
    }
  return TRUE;
}

/* For statements that may write (transactions, pragmas, migrations, updates). */
static gboolean
exec (SaysoDb     *db,
      const char  *sql,
      GError     **error)
{
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_write_error (db, rc, "a query", error);

  return TRUE;
}

static int
query_int (SaysoDb    *db,
           const char *sql,
           int        *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);
  return rc;
}

static gboolean
migrate (SaysoDb  *db,
         gboolean  creating,
         GError  **error)
{
  int version = 0;
  int n_tables = 0;
  int rc;

  /* IMMEDIATE so that two processes opening an old store at once cannot both migrate it. */
  if (!exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if ((rc = query_int (db, "PRAGMA user_version", &version)) != SQLITE_OK ||
      (rc = query_int (db, "SELECT count(*) FROM sqlite_schema", &n_tables)) != SQLITE_OK)
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      return set_error (db, rc, "reading the schema version", error);
    }

  if (version > SAYSO_DB_SCHEMA_VERSION)
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_TOO_NEW,
                   "%s: written by a newer Sayso (store version %d, this program knows up to %d)",
                   db->path, version, SAYSO_DB_SCHEMA_VERSION);
      return FALSE;
    }

  if (version == 0 && (n_tables > 0 || !creating))
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                   "%s: not a Sayso store (create one with “sayso setup”)", db->path);
      return FALSE;
    }

  for (int v = version; v < SAYSO_DB_SCHEMA_VERSION; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);

      if (version > 0)
        g_info ("Migrating %s from schema %d to %d", db->path, v, v + 1);

      if (!exec (db, migrations[v], error) || !exec (db, bump, error))
        {
          sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  if (!exec (db, "COMMIT", error))
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  db->schema_version = SAYSO_DB_SCHEMA_VERSION;
  return TRUE;
}

/* The file is made by us, 0600 and exclusively, so that no other user can
 * ever read it and `sayso init` never adopts a file it did not make. SQLite
 * gives the -wal and -shm files the same mode. */
static gboolean
create_private_file (const char  *path,
                     GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SAYSO_DB_ERROR,
                   saved == EEXIST ? SAYSO_DB_ERROR_EXISTS : SAYSO_DB_ERROR_IO,
                   "%s: cannot create the store: %s", path, g_strerror (saved));
      return FALSE;
    }

  close (fd);
  return TRUE;
}

SaysoDb *
sayso_db_open (const char        *path,
               SaysoDbOpenFlags   flags,
               GError           **error)
{
  g_autoptr(SaysoDb) db = NULL;
  gboolean creating = (flags & SAYSO_DB_OPEN_CREATE) != 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (creating)
    {
      if (!create_private_file (path, error))
        return NULL;
    }
  else if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND,
                   "%s: no store here (create one with “sayso setup”)", path);
      return NULL;
    }

  db = g_new0 (SaysoDb, 1);
  db->path = g_strdup (path);

  rc = sqlite3_open_v2 (path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (db, rc, "opening", error);
      if (creating)
        g_unlink (path);
      return NULL;
    }

  sqlite3_extended_result_codes (db->handle, 1);
  sqlite3_busy_timeout (db->handle, BUSY_TIMEOUT_MSEC);

  /* WAL + FULL: a commit is on disk when it returns, even across a power
   * cut. secure_delete: deleted records are overwritten, not left in free pages.
   * No temp files: temporary tables and indices stay in memory. A small page
   * cache: a kiosk only appends, and runs for months. No memory-mapped reads,
   * even for the export, which reads everything: a bad sector under a mapped
   * page kills the process with SIGBUS instead of failing the read (read()
   * costs the export about 25 ms for 10,000 records). (Random row keys
   * spread a day's inserts over the whole table, so the cache fills to its
   * limit: 512 KiB keeps a kiosk's growth over 200 respondents near 1 MB, at
   * no cost to a submit that the benchmark shows.) */
  if (!exec (db,
             "PRAGMA journal_mode = WAL;"
             "PRAGMA synchronous = FULL;"
             "PRAGMA secure_delete = ON;"
             "PRAGMA temp_store = MEMORY;"
             "PRAGMA cache_size = -512;"
             "PRAGMA foreign_keys = ON;",
             error) ||
      !migrate (db, creating, error))
    {
      if (creating)
        {
          g_clear_pointer (&db, sayso_db_close);
          sayso_db_delete_files (path);
        }
      return NULL;
    }

  return g_steal_pointer (&db);
}

void
sayso_db_delete_files (const char *path)
{
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;

  g_return_if_fail (path != NULL);

  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

void
sayso_db_close (SaysoDb *db)
{
  if (db == NULL)
    return;

  g_clear_pointer (&db->insert_stmt, sqlite3_finalize);
  g_clear_pointer (&db->count_stmt, sqlite3_finalize);
  if (db->handle != NULL)
    sqlite3_close_v2 (db->handle);
  g_free (db->path);
  g_free (db);
}

const char *
sayso_db_get_path (SaysoDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);
  return db->path;
}

int
sayso_db_get_schema_version (SaysoDb *db)
{
  g_return_val_if_fail (db != NULL, -1);
  return db->schema_version;
}

void
sayso_db_set_busy_timeout (SaysoDb *db,
                           int      msec)
{
  g_return_if_fail (db != NULL);
  sqlite3_busy_timeout (db->handle, msec);
}

gboolean
sayso_db_begin (SaysoDb  *db,
                GError  **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!writable (db, error))
    return FALSE;

  /* IMMEDIATE takes the write lock now, so the busy timeout applies here
   * rather than failing half way through a transaction. */
  return exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
sayso_db_commit (SaysoDb  *db,
                 GError  **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!exec (db, "COMMIT", error))
    {
      sayso_db_rollback (db);
      return FALSE;
    }

  return TRUE;
}

void
sayso_db_rollback (SaysoDb *db)
{
  g_return_if_fail (db != NULL);

  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
prepare (SaysoDb       *db,
         sqlite3_stmt **cache,
         const char    *sql,
         GError       **error)
{
  int rc;

  if (*cache != NULL)
    {
      sqlite3_reset (*cache);
      sqlite3_clear_bindings (*cache);
      return TRUE;
    }

  rc = sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, cache, NULL);
  if (rc != SQLITE_OK)
    return set_error (db, rc, "preparing a query", error);

  return TRUE;
}

gboolean
sayso_db_set_kiosk (SaysoDb            *db,
                    const SaysoDbKiosk *kiosk,
                    GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (kiosk != NULL && kiosk->site != NULL, FALSE);

  if (!writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO kiosk (one, site, recipient_pk, sign_pk, sign_sk, export_seq)"
                           " VALUES (1, ?1, ?2, ?3, ?4, ?5)"
                           " ON CONFLICT (one) DO UPDATE SET site = ?1, recipient_pk = ?2,"
                           " sign_pk = ?3, sign_sk = ?4, export_seq = ?5",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, kiosk->site, -1, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, kiosk->recipient_pk, 32, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, kiosk->sign_pk, 32, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 4, kiosk->sign_sk, 64, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 5, kiosk->export_seq);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return set_write_error (db, rc, "saving the kiosk identity", error);

  return TRUE;
}

static gboolean
copy_blob (sqlite3_stmt *stmt,
           int           col,
           guint8       *out,
           gsize         size)
{
  if (sqlite3_column_bytes (stmt, col) != (int) size)
    return FALSE;
  memcpy (out, sqlite3_column_blob (stmt, col), size);
  return TRUE;
}

gboolean
sayso_db_get_kiosk (SaysoDb       *db,
                    SaysoDbKiosk  *kiosk,
                    GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (kiosk != NULL, FALSE);

  memset (kiosk, 0, sizeof *kiosk);

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT site, recipient_pk, sign_pk, sign_sk, export_seq FROM kiosk WHERE one = 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    {
      kiosk->site = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      kiosk->export_seq = sqlite3_column_int64 (stmt, 4);
      ok = copy_blob (stmt, 1, kiosk->recipient_pk, 32) &&
           copy_blob (stmt, 2, kiosk->sign_pk, 32) &&
           copy_blob (stmt, 3, kiosk->sign_sk, 64);
      if (!ok)
        g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                     "%s: the kiosk identity is damaged", db->path);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND,
                 "%s: the store has no kiosk identity (was “sayso init” interrupted?)", db->path);
  else
    set_error (db, rc, "reading the kiosk identity", error);

  sqlite3_finalize (stmt);

  if (!ok)
    sayso_db_kiosk_clear (kiosk);

  return ok;
}

void
sayso_db_kiosk_clear (SaysoDbKiosk *kiosk)
{
  if (kiosk == NULL)
    return;

  g_free (kiosk->site);
  /* The signing key must not linger in freed memory. */
  memset (kiosk, 0, sizeof *kiosk);
}

gboolean
sayso_db_insert_response (SaysoDb      *db,
                          const guint8  id[SAYSO_DB_RECORD_ID_SIZE],
                          const char   *questionnaire,
                          gint64        version,
                          GBytes       *sealed,
                          const guint8  hash[SAYSO_DB_RECORD_HASH_SIZE],
                          GError      **error)
{
  gsize size;
  gconstpointer data;
  gboolean key_clash;
  int rc = SQLITE_OK;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (questionnaire != NULL, FALSE);
  g_return_val_if_fail (sealed != NULL, FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  if (!prepare (db, &db->insert_stmt,
                /* The id is the response's own: a retry of a submit whose
                 * outcome was unclear finds it there and stores nothing twice.
                 * The key is random, so rows lie in no order of arrival. */
                "INSERT INTO responses (key, id, questionnaire, version, sealed, hash)"
                " VALUES (coalesce (?6, random ()), ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO NOTHING",
                error))
    return FALSE;

  data = g_bytes_get_data (sealed, &size);
  /* Two random 64-bit keys meet once in about 2^32 rows: then another is drawn. */
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      sqlite3_bind_blob (db->insert_stmt, 1, id, SAYSO_DB_RECORD_ID_SIZE, SQLITE_STATIC);
      sqlite3_bind_text (db->insert_stmt, 2, questionnaire, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (db->insert_stmt, 3, version);
      sqlite3_bind_blob (db->insert_stmt, 4, data, (int) size, SQLITE_STATIC);
      sqlite3_bind_blob (db->insert_stmt, 5, hash, SAYSO_DB_RECORD_HASH_SIZE, SQLITE_STATIC);
      if (db->next_key_set)
        sqlite3_bind_int64 (db->insert_stmt, 6, db->next_key);
      db->next_key_set = FALSE;

      rc = sqlite3_step (db->insert_stmt);
      key_clash = (rc & 0xff) == SQLITE_CONSTRAINT && sqlite3_extended_errcode (db->handle) == SQLITE_CONSTRAINT_PRIMARYKEY;
      sqlite3_reset (db->insert_stmt);
      sqlite3_clear_bindings (db->insert_stmt);
      if (!key_clash)
        break;
    }

  if (rc != SQLITE_DONE)
    return set_write_error (db, rc, "storing a response", error);

  return TRUE;
}

/* Hands the row to func; FALSE (with error set) if the row is damaged. */
static gboolean
call_with_row (SaysoDb              *db,
               sqlite3_stmt         *stmt,
               SaysoDbResponseFunc   func,
               gpointer              user_data,
               gboolean             *go_on,
               GError              **error)
{
  SaysoDbRecord record = { 0 };

  /* The blob before its size: SQLite's documented order for a conversion-free read. */
  record.id = sqlite3_column_blob (stmt, 0);
  record.questionnaire = (const char *) sqlite3_column_text (stmt, 1);
  record.version = sqlite3_column_int64 (stmt, 2);
  record.state = sqlite3_column_int (stmt, 3) ? SAYSO_DB_STATE_EXPORTED : SAYSO_DB_STATE_AWAITING;
  record.sealed = sqlite3_column_blob (stmt, 4);
  record.sealed_size = sqlite3_column_bytes (stmt, 4);
  record.hash = sqlite3_column_blob (stmt, 5);
  record.damaged = sqlite3_column_int (stmt, 6) != 0;

  if (record.id == NULL || sqlite3_column_bytes (stmt, 0) != SAYSO_DB_RECORD_ID_SIZE ||
      record.questionnaire == NULL || record.sealed == NULL ||
      (record.hash != NULL && sqlite3_column_bytes (stmt, 5) != SAYSO_DB_RECORD_HASH_SIZE))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT, "%s: a stored record is damaged", db->path);
      return FALSE;
    }

  *go_on = func (&record, user_data);
  return TRUE;
}

#define SELECT_RECORD \
  "SELECT r.id, r.questionnaire, r.version, e.id IS NOT NULL, r.sealed, r.hash, d.id IS NOT NULL" \
  " FROM responses r LEFT JOIN exported e ON e.id = r.id LEFT JOIN damaged d ON d.id = r.id"

gboolean
sayso_db_foreach_response (SaysoDb             *db,
                           SaysoDbResponseFunc  func,
                           gpointer             user_data,
                           GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean go_on = TRUE;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, SELECT_RECORD " ORDER BY r.key", -1, &stmt, NULL);
  while (rc == SQLITE_OK && go_on && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (!call_with_row (db, stmt, func, user_data, &go_on, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_OK)
    return set_error (db, rc, "reading responses", error);

  return TRUE;
}

gboolean
sayso_db_get_response (SaysoDb             *db,
                       const guint8         id[SAYSO_DB_RECORD_ID_SIZE],
                       SaysoDbResponseFunc  func,
                       gpointer             user_data,
                       GError             **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean go_on = TRUE, ok;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, SELECT_RECORD " WHERE r.id = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, id, SAYSO_DB_RECORD_ID_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  if (rc == SQLITE_ROW)
    ok = call_with_row (db, stmt, func, user_data, &go_on, error);
  else if (rc == SQLITE_DONE)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND, "%s: no such record", db->path);
      ok = FALSE;
    }
  else
    ok = set_error (db, rc, "reading a response", error);
  sqlite3_finalize (stmt);
  return ok;
}

gboolean
sayso_db_count_responses (SaysoDb  *db,
                          gint64   *total,
                          gint64   *awaiting,
                          gint64   *damaged,
                          GError  **error)
{
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  if (!prepare (db, &db->count_stmt,
                "SELECT (SELECT count(*) FROM responses), (SELECT count(*) FROM exported),"
                " (SELECT count(*) FROM damaged),"
                " (SELECT count(*) FROM damaged d WHERE NOT EXISTS (SELECT 1 FROM exported e WHERE e.id = d.id))",
                error))
    return FALSE;

  rc = sqlite3_step (db->count_stmt);
  if (rc == SQLITE_ROW)
    {
      gint64 all = sqlite3_column_int64 (db->count_stmt, 0);

      if (total)
        *total = all;
      /* A damaged record never goes out, so it does not wait to. */
      if (awaiting)
        *awaiting = all - sqlite3_column_int64 (db->count_stmt, 1) - sqlite3_column_int64 (db->count_stmt, 3);
      if (damaged)
        *damaged = sqlite3_column_int64 (db->count_stmt, 2);
    }
  sqlite3_reset (db->count_stmt);

  if (rc != SQLITE_ROW)
    return set_error (db, rc, "counting responses", error);

  return TRUE;
}

gboolean
sayso_db_mark_damaged (SaysoDb       *db,
                       const guint8   id[SAYSO_DB_RECORD_ID_SIZE],
                       GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!sayso_db_begin (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO damaged (id) VALUES (?1) ON CONFLICT DO NOTHING", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, id, SAYSO_DB_RECORD_ID_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      /* The message first: the rollback would put its own in the handle. */
      set_write_error (db, rc, "setting a damaged record aside", error);
      sayso_db_rollback (db);
      return FALSE;
    }

  return sayso_db_commit (db, error);
}

gboolean
sayso_db_reserve_export_seq (SaysoDb  *db,
                             gint64   *seq,
                             GError  **error)
{
  int value = 0;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (seq != NULL, FALSE);

  /* Committed before the bundle is written: a bundle that reached the stick
   * before a crash can never share its number with the next one. */
  if (!sayso_db_begin (db, error))
    return FALSE;

  if (!exec (db, "UPDATE kiosk SET export_seq = export_seq + 1", error))
    {
      sayso_db_rollback (db);
      return FALSE;
    }

  if ((rc = query_int (db, "SELECT export_seq FROM kiosk", &value)) != SQLITE_OK)
    {
      /* The message first: the rollback would put its own in the handle. */
      set_error (db, rc, "reserving an export number", error);
      sayso_db_rollback (db);
      return FALSE;
    }

  if (!sayso_db_commit (db, error))
    return FALSE;

  *seq = value;
  return TRUE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return g_bytes_compare (*(GBytes * const *) a, *(GBytes * const *) b);
}

gboolean
sayso_db_mark_exported (SaysoDb     *db,
                        GPtrArray   *ids,
                        const char  *day,
                        GError     **error)
{
  g_autoptr(GPtrArray) sorted = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (ids != NULL, FALSE);
  g_return_val_if_fail (day != NULL, FALSE);

  /* In id order, both B-trees (exported, and the index on responses) are
   * walked once from end to end instead of at random: fewer pages touched,
   * and fewer written to the journal. */
  sorted = g_ptr_array_sized_new (ids->len);   /* borrows: the copy would take ids' free function */
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (ids, i));
  g_ptr_array_sort (sorted, compare_ids);

  if (!sayso_db_begin (db, error))
    return FALSE;

  /* A re-exported record starts its keep period again: the new stick may be lost too. */
  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO exported (id, day) SELECT ?1, ?2 WHERE EXISTS"
                           " (SELECT 1 FROM responses WHERE id = ?1)"
                           " ON CONFLICT (id) DO UPDATE SET day = excluded.day",
                           -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < sorted->len; i++)
    {
      GBytes *id = g_ptr_array_index (sorted, i);

      sqlite3_bind_blob (stmt, 1, g_bytes_get_data (id, NULL), (int) g_bytes_get_size (id), SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, day, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      /* The message first: the rollback would put its own in the handle. */
      set_write_error (db, rc, "marking records exported", error);
      sayso_db_rollback (db);
      return FALSE;
    }

  return sayso_db_commit (db, error);
}

gboolean
sayso_db_purge_exported (SaysoDb     *db,
                         const char  *last_day_to_delete,
                         gint64      *n_deleted,
                         GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (last_day_to_delete != NULL, FALSE);

  if (!sayso_db_begin (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle,
                           "DELETE FROM responses WHERE id IN (SELECT id FROM exported WHERE day <= ?1)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, last_day_to_delete, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      /* The message first: the rollback would put its own in the handle. */
      set_write_error (db, rc, "deleting old exported records", error);
      sayso_db_rollback (db);
      return FALSE;
    }

  if (n_deleted)
    *n_deleted = sqlite3_changes (db->handle);

  if (!sayso_db_commit (db, error))
    return FALSE;

  /* secure_delete zeroes the freed pages in the database; the checkpoint
   * carries that into the file now rather than leaving old pages in the WAL. */
  sqlite3_wal_checkpoint_v2 (db->handle, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  return TRUE;
}

static gboolean
is_setting (const char *column)
{
  return g_strcmp0 (column, "keep_days") == 0 || g_strcmp0 (column, "export_seq") == 0;
}

gboolean
sayso_db_get_int_setting (SaysoDb     *db,
                          const char  *column,
                          gint64      *value,
                          GError     **error)
{
  g_autofree char *sql = NULL;
  int result = 0;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (is_setting (column), FALSE);

  sql = g_strdup_printf ("SELECT %s FROM kiosk", column);
  if ((rc = query_int (db, sql, &result)) != SQLITE_OK)
    return set_error (db, rc, "reading a setting", error);

  *value = result;
  return TRUE;
}

gboolean
sayso_db_set_int_setting (SaysoDb     *db,
                          const char  *column,
                          gint64       value,
                          GError     **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (is_setting (column), FALSE);

  if (!writable (db, error))
    return FALSE;

  sql = g_strdup_printf ("UPDATE kiosk SET %s = %" G_GINT64_FORMAT, column, value);
  return exec (db, sql, error);
}

gboolean
sayso_db_get_pin_hash (SaysoDb  *db,
                       char    **hash,
                       GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  *hash = NULL;
  rc = sqlite3_prepare_v2 (db->handle, "SELECT pin_hash FROM kiosk", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        *hash = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    return set_error (db, rc, "reading the staff PIN", error);
  return TRUE;
}

gboolean
sayso_db_set_pin_hash (SaysoDb     *db,
                       const char  *hash,
                       GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  if (!writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle, "UPDATE kiosk SET pin_hash = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return set_write_error (db, rc, "saving the staff PIN", error);
  return TRUE;
}

gboolean
sayso_db_get_pin_failures (SaysoDb  *db,
                           guint    *failures,
                           GError  **error)
{
  int result = 0;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (failures != NULL, FALSE);

  if ((rc = query_int (db, "SELECT pin_failures FROM kiosk", &result)) != SQLITE_OK)
    return set_error (db, rc, "reading the count of wrong staff PINs", error);

  *failures = (guint) MAX (result, 0);
  return TRUE;
}

gboolean
sayso_db_set_pin_failures (SaysoDb  *db,
                           guint     failures,
                           GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  if (!writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle, "UPDATE kiosk SET pin_failures = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, (int) MIN (failures, (guint) G_MAXINT));
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return set_write_error (db, rc, "saving the count of wrong staff PINs", error);
  return TRUE;
}

gboolean
sayso_db_integrity_check (SaysoDb  *db,
                          GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *result = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (result == NULL)
    return set_error (db, rc, "checking integrity", error);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                   "%s: integrity check failed: %s", db->path, result);
      return FALSE;
    }

  return TRUE;
}

void
_sayso_db_set_synchronous_off (SaysoDb *db)
{
  g_return_if_fail (db != NULL);
  sqlite3_exec (db->handle, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
}

void
_sayso_db_set_next_key (SaysoDb *db,
                        gint64   key)
{
  g_return_if_fail (db != NULL);
  db->next_key_set = TRUE;
  db->next_key = key;
}
