/* sayso-db-settle.c: the settling of a kiosk store's WAL.
 *
 * Part of SaysoDb (sayso-db.c). After a write, the rows of responses are
 * laid in key order, the WAL is checkpointed and truncated, the wal-index's
 * page numbers are cleared and the WAL primed again: so that nothing on the
 * disk tells which response came last. Apart because it reaches below
 * SQLite's API into the wal-index, which no other part of the store does.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <sqlite3.h>
#include <string.h>

#include "sayso-db-internal.h"

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

gboolean
_sayso_db_settle_wal (SaysoDb  *db,
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
void
_sayso_db_wrote (SaysoDb *db)
{
  if (db->settle_later)
    db->unsettled = TRUE;
  else
    _sayso_db_settle_wal (db, FALSE);
}

void
sayso_db_set_settle_later (SaysoDb  *db,
                           gboolean  later)
{
  g_return_if_fail (db != NULL);
  db->settle_later = later;
  if (!later && db->unsettled)
    _sayso_db_settle_wal (db, FALSE);
}

gboolean
sayso_db_settle (SaysoDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  if (!db->unsettled)
    return TRUE;
  if (db->poisoned)
    return FALSE;
  return _sayso_db_settle_wal (db, FALSE);
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
