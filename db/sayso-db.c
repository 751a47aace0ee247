/* sayso-db.c: the SQLite layer of a kiosk store.
 *
 * Rows hold a random id, the questionnaire, the sealed record and its hash;
 * the export state is a row of its own in `exported`. Rows are keyed by a
 * random number, so nothing in the file says which response came first.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sayso-db-private.h"
#include "sayso-sqlite.h"

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
   * store, and SQLite's recovery reads what truly reached the disk. A full
   * disk does not set it: the kernel took none of the bytes it refused. */
  gboolean      poisoned;
  int           busy_timeout;
  /* Test seams for the arrival-order test's negative controls. */
  gboolean      first_free_slot;
  gboolean      keep_wal;
  gboolean      keep_wal_index;
  gboolean      keep_row_order;
  /* Rows were added to responses since it was last laid in key order. */
  gboolean      rows_unordered;
  /* Writes leave the WAL to sayso_db_settle(); unsettled until it ran. */
  gboolean      settle_later;
  gboolean      unsettled;
};

/* The smallest pool of slots of one size, made with the first record of that
 * size; it doubles whenever it is full. */
#define POOL_MIN_SLOTS 64

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
};

/* The first schema that keeps records in slots: opening an older store
 * vacuums it once after migrating. */
#define SLOTS_SCHEMA 7

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SAYSO_DB_SCHEMA_VERSION);

/* The full-disk tests' negative control: the old rule, under which a full
 * disk stopped the handle for good like a failed write. */
static gboolean poison_when_full;

static gboolean
set_error (SaysoDb     *db,
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
 * set_error() alone, so that one bad sector read during an export does not
 * stop the kiosk saving responses. */
static gboolean
set_write_error (SaysoDb     *db,
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
  set_error (db, rc, doing, error);

  /* A full disk refused the bytes before the kernel held any, so nothing
   * written before can be lost and the handle stays good once there is room.
   * SQLite may roll back only the statement: the whole transaction goes now,
   * (after the message, which the rollback would replace), so that no half
   * of it is committed by a later write. */
  if (full && !sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
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

/* For statements that may write (transactions, pragmas, migrations,
 * updates); an error names the statement that failed. */
static gboolean
exec (SaysoDb     *db,
      const char  *sql,
      GError     **error)
{
  g_autofree char *failed = NULL;
  int rc = sayso_sqlite_exec (db->handle, sql, &failed);

  if (rc != SQLITE_OK)
    return set_write_error (db, rc, failed, error);

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

/* The wal-index (-shm) keeps, after a checkpoint, the page numbers of the
 * last transaction's frames until the next one overwrites them: the slot
 * the latest response went into. SQLite's wal-index layout is documented
 * (walformat.html) and has not changed since 3.7.0: two 48-byte copies of a
 * header whose fifth word is mxFrame, a 40-byte checkpoint record, then the
 * first block's page-number array and hash table, up to 32 KiB. With the
 * WAL empty (mxFrame 0 in both copies) no reader looks at them, and the
 * write lock this holds keeps anyone from adding frames meanwhile. */
#define WAL_INDEX_VERSION 3007000
#define WAL_INDEX_HEADER_SIZE 136
#define WAL_INDEX_BLOCK_SIZE 32768

/* FALSE if it could not be cleared now (another connection is writing). A
 * transaction of more than 4,062 frames (a growing pool, a migration) also
 * used the blocks after the first: they are cleared whole. */
static gboolean
scrub_wal_index (SaysoDb *db)
{
  sqlite3_file *file = NULL;
  gboolean scrubbed = TRUE;

  if (db->keep_wal_index)
    return TRUE;

  if (sqlite3_file_control (db->handle, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == NULL || file->pMethods == NULL || file->pMethods->iVersion < 2 || file->pMethods->xShmMap == NULL)
    return TRUE;

  if (sqlite3_exec (db->handle, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return FALSE;

  for (int block = 0; scrubbed; block++)
    {
      volatile void *region = NULL;
      volatile guint32 *header;

      /* Not extended: a block the file does not have comes back NULL. */
      if (file->pMethods->xShmMap (file, block, WAL_INDEX_BLOCK_SIZE, 0, &region) != SQLITE_OK || region == NULL)
        break;
      if (block > 0)
        {
          memset ((char *) region, 0, WAL_INDEX_BLOCK_SIZE);
          continue;
        }
      header = region;
      if (header[0] != WAL_INDEX_VERSION || header[12] != WAL_INDEX_VERSION || header[4] != 0 || header[12 + 4] != 0)
        scrubbed = FALSE;
      else
        memset ((char *) region + WAL_INDEX_HEADER_SIZE, 0, WAL_INDEX_BLOCK_SIZE - WAL_INDEX_HEADER_SIZE);
    }

  sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  return scrubbed;
}

/* After every write: the WAL keeps frames in commit order, so the pages a
 * response was written to, and in which order, would be there until the next
 * checkpoint. This moves them into the main file and truncates the WAL to
 * nothing. It does not wait: a reader in another connection (the staff's
 * export) keeps the frames in the WAL until the next write settles them. The
 * response was durable before this (synchronous=FULL syncs the WAL at
 * commit); a failed checkpoint loses nothing, but a failed write or sync
 * during it stops the handle writing like any other. */
/* Within a B-tree page, SQLite lays each new cell just below the last one
 * laid, and only a rebalance lays them in key order again: so the place of a
 * response's small row in its page (and of its entry in responses_by_slot)
 * told which of its neighbours came before it. After rows were added, both
 * are laid again from nothing in key order. With the foreign keys off, for
 * emptying responses must not empty exported and damaged with it; it runs
 * outside any transaction, as settling does. */
static int
order_rows (SaysoDb *db)
{
  int rc;

  if (!db->rows_unordered || db->keep_row_order)
    return SQLITE_OK;

  rc = sqlite3_exec (db->handle,
                     "PRAGMA foreign_keys = OFF;"
                     "BEGIN IMMEDIATE;"
                     "CREATE TEMP TABLE responses_in_order AS SELECT * FROM responses ORDER BY id;"
                     "DELETE FROM responses;"
                     "INSERT INTO responses SELECT * FROM temp.responses_in_order ORDER BY id;"
                     "DROP TABLE temp.responses_in_order;"
                     "REINDEX responses_by_slot;"
                     "COMMIT;",
                     NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec (db->handle, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    db->rows_unordered = FALSE;
  return rc;
}

static gboolean
settle_wal (SaysoDb  *db,
            gboolean  wait)
{
  int log_frames = -1, done = -1;
  gboolean scrubbed = FALSE;
  int rc;

  if (db->keep_wal)
    return TRUE;

  /* A failure leaves the rows as they are, and this tried again at the
   * next settling; a failed write or sync stops the handle like any other. */
  rc = order_rows (db);
  if ((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_READ && rc != SQLITE_IOERR_SHORT_READ)
    db->poisoned = TRUE;

  sqlite3_busy_timeout (db->handle, wait ? db->busy_timeout : 0);
  rc = sqlite3_wal_checkpoint_v2 (db->handle, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &done);
  sqlite3_busy_timeout (db->handle, 0);
  if (rc == SQLITE_OK && log_frames == 0)
    {
      scrubbed = scrub_wal_index (db);
      /* Settled later, off the respondent's path, the WAL is also started
       * again now: its header, which SQLite syncs on its own before the
       * first frame, and one frame of the database's first page (its
       * header and schema: no record; its change counter counts writes).
       * The next submit then syncs once, like any insert, instead of twice. */
      if (db->settle_later && scrubbed)
        {
          g_autofree char *again = g_strdup_printf ("PRAGMA user_version = %d", db->schema_version);
          int prime = sqlite3_exec (db->handle, again, NULL, NULL, NULL);

          if ((prime & 0xff) == SQLITE_IOERR && prime != SQLITE_IOERR_READ && prime != SQLITE_IOERR_SHORT_READ)
            db->poisoned = TRUE;
        }
    }
  else if ((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_READ && rc != SQLITE_IOERR_SHORT_READ)
    db->poisoned = TRUE;
  sqlite3_busy_timeout (db->handle, db->busy_timeout);

  db->unsettled = !(rc == SQLITE_OK && log_frames == 0 && scrubbed) || db->rows_unordered;
  return !db->unsettled;
}

/* After a write: the WAL is settled now, or, for a kiosk that asked for it,
 * by sayso_db_settle() once the respondent has been answered, and in any
 * case before the next write and at close. */
static void
wrote (SaysoDb *db)
{
  if (db->settle_later)
    db->unsettled = TRUE;
  else
    settle_wal (db, FALSE);
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
      set_error (db, rc, "opening", error);
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
  if (!exec (db,
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
    settle_wal (db, FALSE);
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
    settle_wal (db, FALSE);
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

  if (!writable (db, error))
    return FALSE;

  /* Two writes never share the WAL: what one response wrote is gone from
   * it before the next begins. A reader in another connection (the staff's
   * export) may hold it: this waits for it as for a lock, and only after
   * the busy timeout lets the write share the WAL rather than lose it. */
  if (db->unsettled)
    settle_wal (db, TRUE);

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

  wrote (db);
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
  int rc = sayso_sqlite_prepare_cached (db->handle, cache, sql);

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

  wrote (db);
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
      ok = sayso_sqlite_copy_blob (stmt, 1, kiosk->recipient_pk, 32) &&
           sayso_sqlite_copy_blob (stmt, 2, kiosk->sign_pk, 32) &&
           sayso_sqlite_copy_blob (stmt, 3, kiosk->sign_sk, 64);
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

/* Writes a slot's bytes in place: an UPDATE would free the row's overflow
 * pages and take new ones, laid down in the order records arrive. */
static int
write_slot (SaysoDb       *db,
            gint64         slot,
            gconstpointer  data,
            gsize          size)
{
  sqlite3_blob *blob = NULL;
  int rc, rc_close = SQLITE_OK;

  rc = sqlite3_blob_open (db->handle, "main", "slots", "sealed", slot, 1, &blob);
  if (rc == SQLITE_OK && (gsize) sqlite3_blob_bytes (blob) != size)
    rc = SQLITE_CORRUPT;
  if (rc == SQLITE_OK)
    rc = sqlite3_blob_write (blob, data, (int) size, 0);
  if (blob != NULL)
    rc_close = sqlite3_blob_close (blob);
  return rc != SQLITE_OK ? rc : rc_close;
}

static int
read_slot (SaysoDb *db,
           gint64   slot,
           guint8  *out,
           gsize    size)
{
  sqlite3_blob *blob = NULL;
  int rc, rc_close = SQLITE_OK;

  rc = sqlite3_blob_open (db->handle, "main", "slots", "sealed", slot, 0, &blob);
  if (rc == SQLITE_OK && (gsize) sqlite3_blob_bytes (blob) != size)
    rc = SQLITE_CORRUPT;
  if (rc == SQLITE_OK)
    rc = sqlite3_blob_read (blob, out, (int) size, 0);
  if (blob != NULL)
    rc_close = sqlite3_blob_close (blob);
  return rc != SQLITE_OK ? rc : rc_close;
}

/* A slot no record holds gets fresh random bytes: the old ciphertext must not
 * stay where it was written, and a free slot then looks like a full one. */
static int
wipe_slot (SaysoDb *db,
           gint64   slot,
           gsize    size)
{
  g_autofree guint8 *noise = g_malloc (size);

  sqlite3_randomness ((int) size, noise);
  return write_slot (db, slot, noise, size);
}

static guint64
random_below (guint64 n)
{
  guint64 r;

  g_assert (n > 0);
  /* Rejection keeps every value equally likely. */
  do
    sqlite3_randomness (sizeof r, &r);
  while (r >= G_MAXUINT64 - G_MAXUINT64 % n);
  return r % n;
}

/* Runs a statement with up to two integer parameters to its end. */
static int
exec_int64 (SaysoDb    *db,
            const char *sql,
            gint64      a,
            gint64      b)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, a);
      if (sqlite3_bind_parameter_count (stmt) > 1)
        sqlite3_bind_int64 (stmt, 2, b);
      rc = sayso_sqlite_step_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return rc;
}

static int
query_int64 (SaysoDb    *db,
             const char *sql,
             gint64      arg,
             gint64     *out)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, arg);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *out = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        rc = SQLITE_NOTFOUND;
    }
  sqlite3_finalize (stmt);
  return rc;
}

typedef struct
{
  GBytes *id;
  gint64  slot;
  gint64  new_slot;
  gboolean moved;
} Occupant;

/* Doubles the pool of one slot size, then deals every record of that size
 * out again over the whole pool at random. Growing alone would leak: the new
 * slots would hold only records that came after the old ones. Runs inside
 * the caller's transaction, which a crash rolls back whole. */
static int
grow_pool (SaysoDb *db,
           gint64   size)
{
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) used = g_array_new (FALSE, TRUE, sizeof (Occupant));
  g_autoptr(GHashTable) occupant_of = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree guint8 *carried = NULL;
  g_autofree guint8 *displaced = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n_old = 0, n_new;
  int rc;

  if ((rc = query_int64 (db, "SELECT count(*) FROM slots WHERE size = ?1", size, &n_old)) != SQLITE_OK)
    return rc;
  n_new = MAX (POOL_MIN_SLOTS, n_old);

  rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO slots (size, sealed) VALUES (?1, randomblob (?1))", -1, &stmt, NULL);
  for (gint64 i = 0; rc == SQLITE_OK && i < n_new; i++)
    {
      sqlite3_bind_int64 (stmt, 1, size);
      rc = sayso_sqlite_step_reset (stmt);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_OK)
    return rc;

  if (db->first_free_slot)
    return exec_int64 (db,
                       "INSERT INTO free_slots (size, key) SELECT size, key FROM slots"
                       " WHERE size = ?1 AND key NOT IN (SELECT slot FROM responses)"
                       " ON CONFLICT DO NOTHING",
                       size, 0);

  rc = sqlite3_prepare_v2 (db->handle, "SELECT key FROM slots WHERE size = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, size);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 key = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (keys, key);
        }
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_OK)
    return rc;

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT r.id, r.slot FROM responses r JOIN slots s ON s.key = r.slot WHERE s.size = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, size);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          Occupant o = { 0 };

          o.id = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
          o.slot = sqlite3_column_int64 (stmt, 1);
          g_array_append_val (used, o);
        }
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  /* A record whose slot cannot be read (a bad sector) cannot move: it is set
   * aside as damaged, as the export would, and stays in its slot, which is
   * then no part of the deal; otherwise one bad sector would stop every
   * submit once the pool is full. (Read here first, then again to move: the
   * second read comes from the page cache.) */
  if (rc == SQLITE_OK)
    {
      g_autofree guint8 *scratch = g_malloc (size);

      for (guint i = used->len; rc == SQLITE_OK && i > 0; i--)
        {
          Occupant *o = &g_array_index (used, Occupant, i - 1);
          int read_rc = read_slot (db, o->slot, scratch, size);

          if (read_rc == SQLITE_OK)
            continue;
          if (read_rc != SQLITE_IOERR_READ && read_rc != SQLITE_IOERR_SHORT_READ && (read_rc & 0xff) != SQLITE_CORRUPT)
            {
              rc = read_rc;
              break;
            }
          rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO damaged (id) VALUES (?1) ON CONFLICT DO NOTHING", -1, &stmt, NULL);
          if (rc == SQLITE_OK)
            {
              sqlite3_bind_blob (stmt, 1, g_bytes_get_data (o->id, NULL), (int) g_bytes_get_size (o->id), SQLITE_STATIC);
              rc = sayso_sqlite_step_reset (stmt);
            }
          g_clear_pointer (&stmt, sqlite3_finalize);
          for (guint k = 0; k < keys->len; k++)
            if (g_array_index (keys, gint64, k) == o->slot)
              {
                g_array_remove_index_fast (keys, k);
                break;
              }
          g_bytes_unref (o->id);
          g_array_remove_index_fast (used, i - 1);
        }
    }

  /* Fisher-Yates over every slot; the first ones go to the records. */
  for (guint i = keys->len; rc == SQLITE_OK && i > 1; i--)
    {
      guint j = (guint) random_below (i);
      gint64 t = g_array_index (keys, gint64, i - 1);

      g_array_index (keys, gint64, i - 1) = g_array_index (keys, gint64, j);
      g_array_index (keys, gint64, j) = t;
    }

  for (guint i = 0; i < used->len; i++)
    {
      Occupant *o = &g_array_index (used, Occupant, i);

      o->new_slot = g_array_index (keys, gint64, i);
      g_hash_table_insert (occupant_of, &o->slot, o);
    }

  /* Each record goes to its new slot; one already there is carried on to
   * its own, so two buffers are enough. A chain ends at a slot no unmoved
   * record holds. */
  carried = g_malloc (size);
  displaced = g_malloc (size);
  for (guint i = 0; rc == SQLITE_OK && i < used->len; i++)
    {
      Occupant *o = &g_array_index (used, Occupant, i);

      if (o->moved)
        continue;
      if ((rc = read_slot (db, o->slot, carried, size)) != SQLITE_OK)
        break;
      g_hash_table_remove (occupant_of, &o->slot);

      while (rc == SQLITE_OK)
        {
          Occupant *next = g_hash_table_lookup (occupant_of, &o->new_slot);
          guint8 *t;

          if (next != NULL)
            {
              if ((rc = read_slot (db, next->slot, displaced, size)) != SQLITE_OK)
                break;
              g_hash_table_remove (occupant_of, &next->slot);
            }
          if ((rc = write_slot (db, o->new_slot, carried, size)) != SQLITE_OK)
            break;
          o->moved = TRUE;
          if (next == NULL)
            break;
          t = carried, carried = displaced, displaced = t;
          o = next;
        }
    }

  /* The slots the records left hold their old ciphertext. */
  if (rc == SQLITE_OK)
    {
      g_autoptr(GHashTable) taken = g_hash_table_new (g_int64_hash, g_int64_equal);

      for (guint i = 0; i < used->len; i++)
        g_hash_table_add (taken, &g_array_index (used, Occupant, i).new_slot);
      for (guint i = 0; rc == SQLITE_OK && i < used->len; i++)
        {
          Occupant *o = &g_array_index (used, Occupant, i);
          if (!g_hash_table_contains (taken, &o->slot))
            rc = wipe_slot (db, o->slot, size);
        }
    }

  /* In two steps, so that no two rows hold one slot on the way (the index
   * is unique): first each to the negative of its new slot, then back. */
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db->handle, "UPDATE responses SET slot = -?2 WHERE id = ?1", -1, &stmt, NULL);
  for (guint i = 0; rc == SQLITE_OK && i < used->len; i++)
    {
      Occupant *o = &g_array_index (used, Occupant, i);

      sqlite3_bind_blob (stmt, 1, g_bytes_get_data (o->id, NULL), (int) g_bytes_get_size (o->id), SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, o->new_slot);
      rc = sayso_sqlite_step_reset (stmt);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db->handle, "UPDATE responses SET slot = -slot WHERE slot < 0", NULL, NULL, NULL);
  db->rows_unordered = !db->keep_row_order;

  if (rc == SQLITE_OK)
    rc = exec_int64 (db, "DELETE FROM free_slots WHERE size = ?1", size, 0);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO free_slots (size, key) VALUES (?1, ?2)", -1, &stmt, NULL);
  for (guint i = used->len; rc == SQLITE_OK && i < keys->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, size);
      sqlite3_bind_int64 (stmt, 2, g_array_index (keys, gint64, i));
      rc = sayso_sqlite_step_reset (stmt);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < used->len; i++)
    g_bytes_unref (g_array_index (used, Occupant, i).id);
  return rc;
}

/* A free slot of this size, chosen at random (or the lowest, for the order
 * test's negative control); the pool grows if none is free. */
static int
take_free_slot (SaysoDb *db,
                gint64   size,
                gint64  *slot)
{
  gint64 n_free = 0;
  g_autofree char *sql = NULL;
  int rc;

  if ((rc = query_int64 (db, "SELECT count(*) FROM free_slots WHERE size = ?1", size, &n_free)) != SQLITE_OK)
    return rc;
  if (n_free == 0)
    {
      if ((rc = grow_pool (db, size)) != SQLITE_OK ||
          (rc = query_int64 (db, "SELECT count(*) FROM free_slots WHERE size = ?1", size, &n_free)) != SQLITE_OK)
        return rc;
      if (n_free == 0)
        return SQLITE_CORRUPT;
    }

  sql = g_strdup_printf ("SELECT key FROM free_slots WHERE size = ?1 ORDER BY key LIMIT 1 OFFSET %" G_GUINT64_FORMAT,
                         db->first_free_slot ? 0 : random_below ((guint64) n_free));
  if ((rc = query_int64 (db, sql, size, slot)) != SQLITE_OK)
    return rc;

  return exec_int64 (db, "DELETE FROM free_slots WHERE size = ?1 AND key = ?2", size, *slot);
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
  sqlite3_stmt *stmt = NULL;
  gsize size;
  gconstpointer data;
  gint64 slot = 0;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (questionnaire != NULL, FALSE);
  g_return_val_if_fail (sealed != NULL, FALSE);
  g_return_val_if_fail (hash != NULL, FALSE);

  data = g_bytes_get_data (sealed, &size);
  g_return_val_if_fail (size > 0 && size < G_MAXINT, FALSE);

  /* The id is the response's own: a retry of a submit whose outcome was
   * unclear finds it there and stores nothing twice. */
  rc = sqlite3_prepare_v2 (db->handle, "SELECT 1 FROM responses WHERE id = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, id, SAYSO_DB_RECORD_ID_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    return set_write_error (db, rc, "storing a response", error);

  if ((rc = take_free_slot (db, (gint64) size, &slot)) != SQLITE_OK ||
      (rc = write_slot (db, slot, data, size)) != SQLITE_OK)
    return set_write_error (db, rc, "storing a response", error);

  if (!prepare (db, &db->insert_stmt,
                "INSERT INTO responses (id, slot, questionnaire, version, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
                error))
    return FALSE;

  sqlite3_bind_blob (db->insert_stmt, 1, id, SAYSO_DB_RECORD_ID_SIZE, SQLITE_STATIC);
  sqlite3_bind_int64 (db->insert_stmt, 2, slot);
  sqlite3_bind_text (db->insert_stmt, 3, questionnaire, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (db->insert_stmt, 4, version);
  sqlite3_bind_blob (db->insert_stmt, 5, hash, SAYSO_DB_RECORD_HASH_SIZE, SQLITE_STATIC);
  rc = sayso_sqlite_step_reset (db->insert_stmt);
  sqlite3_clear_bindings (db->insert_stmt);

  if (rc != SQLITE_OK)
    return set_write_error (db, rc, "storing a response", error);

  db->rows_unordered = !db->keep_row_order;
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
  "SELECT r.id, r.questionnaire, r.version, e.id IS NOT NULL, s.sealed, r.hash, d.id IS NOT NULL" \
  " FROM responses r JOIN slots s ON s.key = r.slot" \
  " LEFT JOIN exported e ON e.id = r.id LEFT JOIN damaged d ON d.id = r.id"

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

  rc = sqlite3_prepare_v2 (db->handle, SELECT_RECORD " ORDER BY r.slot", -1, &stmt, NULL);
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
  gint64 deleted = 0;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (last_day_to_delete != NULL, FALSE);

  if (!sayso_db_begin (db, error))
    return FALSE;

  /* A record's slot is wiped and freed, never deleted: the pool keeps its
   * pages where they were laid down. */
  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT r.slot, s.size FROM responses r JOIN slots s ON s.key = r.slot"
                           " WHERE r.id IN (SELECT id FROM exported WHERE day <= ?1)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, last_day_to_delete, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 slot = sqlite3_column_int64 (stmt, 0), size = sqlite3_column_int64 (stmt, 1);

          if ((rc = wipe_slot (db, slot, (gsize) size)) != SQLITE_OK ||
              (rc = exec_int64 (db, "INSERT INTO free_slots (size, key) VALUES (?1, ?2)", size, slot)) != SQLITE_OK)
            break;
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db->handle,
                             "DELETE FROM responses WHERE id IN (SELECT id FROM exported WHERE day <= ?1)",
                             -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, last_day_to_delete, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
      deleted = sqlite3_changes (db->handle);
      sqlite3_finalize (stmt);
    }

  if (rc != SQLITE_OK)
    {
      /* The message first: the rollback would put its own in the handle. */
      set_write_error (db, rc, "deleting old exported records", error);
      sayso_db_rollback (db);
      return FALSE;
    }

  if (n_deleted)
    *n_deleted = deleted;

  return sayso_db_commit (db, error);
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
  if (!exec (db, sql, error))
    return FALSE;

  wrote (db);
  return TRUE;
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

  wrote (db);
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

  wrote (db);
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

void
sayso_db_set_settle_later (SaysoDb  *db,
                           gboolean  later)
{
  g_return_if_fail (db != NULL);
  db->settle_later = later;
  if (!later && db->unsettled)
    settle_wal (db, FALSE);
}

gboolean
sayso_db_settle (SaysoDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!db->unsettled)
    return TRUE;
  if (db->poisoned)
    return FALSE;
  return settle_wal (db, FALSE);
}

void
_sayso_db_set_first_free_slot (SaysoDb  *db,
                                gboolean  first_free)
{
  g_return_if_fail (db != NULL);
  db->first_free_slot = first_free;
}

void
_sayso_db_set_keep_wal (SaysoDb  *db,
                        gboolean  keep)
{
  g_return_if_fail (db != NULL);
  db->keep_wal = keep;
}

void
_sayso_db_set_keep_row_order (SaysoDb  *db,
                              gboolean  keep)
{
  g_return_if_fail (db != NULL);
  db->keep_row_order = keep;
  db->rows_unordered = FALSE;
}

void
_sayso_db_set_keep_wal_index (SaysoDb  *db,
                              gboolean  keep)
{
  g_return_if_fail (db != NULL);
  db->keep_wal_index = keep;
}
