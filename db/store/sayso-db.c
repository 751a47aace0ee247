/* sayso-db.c: the SQLite layer of a kiosk store.
 *
 * Rows hold a random id, the questionnaire, the sealed record and its hash;
 * the export state is a row of its own in `exported`. Rows are keyed by a
 * random number, so nothing in the file says which response came first.
 *
 * This file opens, creates and migrates a store, maps its errors and runs
 * its transactions; the queries on responses are in sayso-db-responses.c,
 * the kiosk's own rows in sayso-db-settings.c, the pool of slots in
 * sayso-db-slots.c and the settling of the WAL in sayso-db-settle.c, all
 * sharing sayso-db-internal.h.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sayso-db-internal.h"
#include "sayso-sqlite.h"

#define BUSY_TIMEOUT_MSEC 2000

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

  /* 6 -> 7: sealed records in a pool of same-size slots. A 12 KiB row spills
   * onto overflow pages, and SQLite took those from the end of the file as
   * records arrived: where a record lay told when it came, whatever its
   * random key. Slots are made in batches, filled with random bytes, and a
   * record is written into a free one chosen at random, in place
   * (sqlite3_blob_write keeps a blob's pages), so that its pages were laid
   * down before it arrived. The small rows that find a record by id live in
   * a B-tree keyed by the random id, whose pages follow the keys, not time.
   * Existing records go into slots in a random order here, and the first
   * submit after this grows the pool and shuffles them again. The export
   * state is moved aside while its parent table is replaced, so that dropping
   * the old table cascades to nothing; sayso_db_open() then vacuums the file,
   * so the old table's pages do not stay behind in the freelist. */
  "CREATE TABLE slots ("
  "  key INTEGER PRIMARY KEY,"
  "  size INTEGER NOT NULL,"
  "  sealed BLOB NOT NULL CHECK (length(sealed) = size)"
  ");"
  "CREATE TABLE free_slots ("
  "  size INTEGER NOT NULL,"
  "  key INTEGER NOT NULL,"
  "  PRIMARY KEY (size, key)"
  ") WITHOUT ROWID;"
  "CREATE TEMP TABLE slot_of AS"
  "  SELECT id, row_number () OVER (ORDER BY random ()) AS slot FROM responses;"
  "INSERT INTO slots (key, size, sealed)"
  "  SELECT m.slot, length (r.sealed), r.sealed FROM temp.slot_of m JOIN responses r ON r.id = m.id"
  "  ORDER BY m.slot;"
  "CREATE TABLE responses_v7 ("
  "  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
  "  slot INTEGER NOT NULL,"
  "  questionnaire TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  hash BLOB CHECK (hash IS NULL OR length(hash) = 32)"
  ") WITHOUT ROWID;"
  /* Readers go through the slots in their order, so the export reads the
   * file from start to end; slots are dealt at random, so this order is
   * too. UNIQUE: two records in one slot would be one record lost. */
  "CREATE UNIQUE INDEX responses_by_slot ON responses_v7 (slot);"
  "INSERT INTO responses_v7 (id, slot, questionnaire, version, hash)"
  "  SELECT r.id, m.slot, r.questionnaire, r.version, r.hash FROM responses r JOIN temp.slot_of m ON m.id = r.id;"
  "CREATE TEMP TABLE exported_v6 AS SELECT id, day FROM exported;"
  "CREATE TEMP TABLE damaged_v6 AS SELECT id FROM damaged;"
  "DROP TABLE exported;"
  "DROP TABLE damaged;"
  "DROP TABLE responses;"
  "ALTER TABLE responses_v7 RENAME TO responses;"
  "CREATE TABLE exported ("
  "  id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE,"
  "  day TEXT NOT NULL"
  ") WITHOUT ROWID;"
  "CREATE TABLE damaged ("
  "  id BLOB PRIMARY KEY REFERENCES responses (id) ON DELETE CASCADE"
  ") WITHOUT ROWID;"
  "INSERT INTO exported (id, day) SELECT id, day FROM temp.exported_v6;"
  "INSERT INTO damaged (id) SELECT id FROM temp.damaged_v6;"
  "DROP TABLE temp.slot_of;"
  "DROP TABLE temp.exported_v6;"
  "DROP TABLE temp.damaged_v6;",

  /* 7 -> 8: sending bundles from the kiosk itself. The collection
   * service's address and its receipt key (NULL: the kiosk only exports to
   * a stick), and the outbox: one row a bundle kept to be sent, by its
   * sequence number, with what became of it. Only a day is kept, that of
   * the receipt, never a time; a bundle's name and count are in the bundle
   * already. state: 0 waiting, 1 sent (a verified receipt, kept as its
   * text), 2 refused for good by the service (its reason kept to show). */
  "ALTER TABLE kiosk ADD COLUMN upload_url TEXT;"
  "ALTER TABLE kiosk ADD COLUMN service_pk BLOB CHECK (service_pk IS NULL OR length(service_pk) = 32);"
  "CREATE TABLE outbox ("
  "  sequence INTEGER PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  records INTEGER NOT NULL,"
  "  state INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)),"
  "  reason TEXT,"
  "  receipt TEXT,"
  "  day TEXT"
  ");",
};

/* The first schema that keeps records in slots: opening an older store
 * vacuums it once after migrating. */
#define SLOTS_SCHEMA 7

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SAYSO_DB_SCHEMA_VERSION);

/* The full-disk tests' negative control: the old rule, under which a full
 * disk stopped the handle for good like a failed write. */
static gboolean poison_when_full;

gboolean
_sayso_db_set_error (SaysoDb     *db,
                     int          rc,
                     const char  *doing,
                     GError     **error)
{
  SaysoDbError code = sayso_sqlite_error_code (db->handle, rc);
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
 * _sayso_db_set_error() alone, so that one bad sector read during an export
 * does not stop the kiosk saving responses. */
gboolean
_sayso_db_set_write_error (SaysoDb     *db,
                           int          rc,
                           const char  *doing,
                           GError     **error)
{
  gboolean full = sayso_sqlite_is_full (db->handle, rc);

  /* A page that could not be read within a write loses nothing: the
   * statement fails, its transaction is rolled back, the disk is as it was. */
  if (((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_READ && rc != SQLITE_IOERR_SHORT_READ && !full) ||
      (full && poison_when_full))
    db->poisoned = TRUE;
  _sayso_db_set_error (db, rc, doing, error);

  /* A full disk refused the bytes before the kernel held any, so nothing
   * written before can be lost and the handle stays good once there is room.
   * SQLite may roll back only the statement: the whole transaction goes now,
   * (after the message, which the rollback would replace), so that no half
   * of it is committed by a later write. */
  if (full && !sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

gboolean
_sayso_db_writable (SaysoDb  *db,
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

/* For statements that may write (transactions, pragmas, migrations,
 * updates); an error names the statement that failed. */
gboolean
_sayso_db_exec (SaysoDb     *db,
                const char  *sql,
                GError     **error)
{
  g_autofree char *failed = NULL;
  int rc = sayso_sqlite_exec (db->handle, sql, &failed);

  if (rc != SQLITE_OK)
    return _sayso_db_set_write_error (db, rc, failed, error);

  return TRUE;
}

int
_sayso_db_query_int (SaysoDb    *db,
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
         int      *from_version,
         GError  **error)
{
  int version = 0;
  int n_tables = 0;
  int rc;

  /* IMMEDIATE so that two processes opening an old store at once cannot both migrate it. */
  if (!_sayso_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;

  if ((rc = _sayso_db_query_int (db, "PRAGMA user_version", &version)) != SQLITE_OK ||
      (rc = _sayso_db_query_int (db, "SELECT count(*) FROM sqlite_schema", &n_tables)) != SQLITE_OK)
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      return _sayso_db_set_error (db, rc, "reading the schema version", error);
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

      if (!_sayso_db_exec (db, migrations[v], error) || !_sayso_db_exec (db, bump, error))
        {
          sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }

  if (!_sayso_db_exec (db, "COMMIT", error))
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }

  *from_version = version;
  db->schema_version = SAYSO_DB_SCHEMA_VERSION;
  return TRUE;
}

SaysoDb *
sayso_db_open (const char        *path,
               SaysoDbOpenFlags   flags,
               GError           **error)
{
  g_autoptr(SaysoDb) db = NULL;
  gboolean creating = (flags & SAYSO_DB_OPEN_CREATE) != 0;
  int from_version = 0;
  gboolean wal_had_frames;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (creating)
    {
      /* Made here, so that `sayso init` and `sayso setup` never adopt a file they did not make. */
      if (!sayso_sqlite_create_private_file (path, "the store", error))
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

  /* A store closed cleanly has no WAL left; one with frames in it was left
   * by a crash (or is open in a kiosk), between a write and its settling. */
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    GStatBuf st;

    wal_had_frames = g_stat (wal, &st) == 0 && st.st_size > 0;
  }

  rc = sqlite3_open_v2 (path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      _sayso_db_set_error (db, rc, "opening", error);
      if (creating)
        g_unlink (path);
      return NULL;
    }

  sqlite3_extended_result_codes (db->handle, 1);
  db->busy_timeout = BUSY_TIMEOUT_MSEC;
  sqlite3_busy_timeout (db->handle, db->busy_timeout);

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
  if (!_sayso_db_exec (db,
                       "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA secure_delete = ON;"
                       "PRAGMA temp_store = MEMORY;"
                       "PRAGMA cache_size = -512;"
                       "PRAGMA foreign_keys = ON;",
                       error) ||
      !migrate (db, creating, &from_version, error))
    {
      if (creating)
        {
          g_clear_pointer (&db, sayso_db_close);
          sayso_db_delete_files (path);
        }
      return NULL;
    }

  /* Records moved into slots leave the old table's pages (zeroed by
   * secure_delete) in the freelist, doubling the file: rebuild it once. A
   * failure here loses nothing, and the next open tries again only if it
   * migrates, so it is reported and passed over. */
  if (from_version > 0 && from_version < SLOTS_SCHEMA &&
      (rc = sqlite3_exec (db->handle, "VACUUM", NULL, NULL, NULL)) != SQLITE_OK)
    g_warning ("%s: could not compact the store after moving its records into slots: %s",
               path, sqlite3_errstr (rc));

  /* A crash may have left frames in the WAL (SQLite recovered them: this
   * moves them into the main file), and rows not yet laid in key order;
   * a store closed cleanly is not written to by opening it (`sayso status`). */
  db->rows_unordered = wal_had_frames || (from_version > 0 && from_version < SLOTS_SCHEMA);
  if (wal_had_frames || db->rows_unordered)
    _sayso_db_settle_wal (db, FALSE);
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
  if (db->handle != NULL && db->unsettled && !db->poisoned)
    _sayso_db_settle_wal (db, FALSE);
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
  db->busy_timeout = msec;
  sqlite3_busy_timeout (db->handle, msec);
}

gboolean
sayso_db_begin (SaysoDb  *db,
                GError  **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!_sayso_db_writable (db, error))
    return FALSE;

  /* Two writes never share the WAL: what one response wrote is gone from
   * it before the next begins. A reader in another connection (the staff's
   * export) may hold it: this waits for it as for a lock, and only after
   * the busy timeout lets the write share the WAL rather than lose it. */
  if (db->unsettled)
    _sayso_db_settle_wal (db, TRUE);

  /* IMMEDIATE takes the write lock now, so the busy timeout applies here
   * rather than failing half way through a transaction. */
  return _sayso_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
sayso_db_commit (SaysoDb  *db,
                 GError  **error)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!_sayso_db_exec (db, "COMMIT", error))
    {
      sayso_db_rollback (db);
      return FALSE;
    }

  _sayso_db_wrote (db);
  return TRUE;
}

void
sayso_db_rollback (SaysoDb *db)
{
  g_return_if_fail (db != NULL);

  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_sayso_db_prepare (SaysoDb       *db,
                   sqlite3_stmt **cache,
                   const char    *sql,
                   GError       **error)
{
  int rc = sayso_sqlite_prepare_cached (db->handle, cache, sql);

  if (rc != SQLITE_OK)
    return _sayso_db_set_error (db, rc, "preparing a query", error);

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
    return _sayso_db_set_error (db, rc, "checking integrity", error);

  if (g_strcmp0 (result, "ok") != 0)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                   "%s: integrity check failed: %s", db->path, result);
      return FALSE;
    }

  return TRUE;
}

gboolean
sayso_db_needs_reopen (SaysoDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);
  return db->poisoned;
}

void
_sayso_db_set_poison_when_full (gboolean poison)
{
  poison_when_full = poison;
}

void
_sayso_db_set_synchronous_off (SaysoDb *db)
{
  g_return_if_fail (db != NULL);
  sqlite3_exec (db->handle, "PRAGMA synchronous = OFF", NULL, NULL, NULL);
}
