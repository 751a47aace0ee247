/* sayso-collect-db.c: the collection service's database.
 *
 * A bundle's bytes are kept in the database as a blob, so that one commit
 * (WAL, synchronous=FULL: synced before it returns) stores it whole or not
 * at all, and one online backup copies every bundle with the kiosks and
 * keys that go with them. The bytes are streamed into the blob from the
 * file they were received into, a mebibyte at a time: a bundle is never
 * held whole in memory.
 */
#define G_LOG_DOMAIN "sayso-collect-db"

#include <errno.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "sayso-collect-db.h"
#include "sayso-sqlite.h"

#define COPY_BLOCK (1024 * 1024)

struct _SaysoCollectDb
{
  sqlite3 *handle;
  char    *path;
  /* The service's threads share the connection: every use of it holds
   * this, so that a transaction's check, insert and commit go together and
   * no other statement runs inside it. */
  GMutex   lock;
};

/* A bundle row is its bytes (up to the service's size limit) with what the
 * service checked of it; rowid tables, for sqlite3_blob_write. */
#define BUNDLE_COLUMNS \
  "  kiosk BLOB NOT NULL REFERENCES kiosks (pk)," \
  "  sequence INTEGER NOT NULL CHECK (sequence >= 1)," \
  "  hash BLOB NOT NULL CHECK (length(hash) = 32)," \
  "  records INTEGER NOT NULL," \
  "  day TEXT NOT NULL," \
  "  received TEXT NOT NULL," \
  "  size INTEGER NOT NULL," \
  "  data BLOB NOT NULL,"

/* The highest number each site ever gave (schema 3): a kiosk enrolled
 * again for another site leaves its number behind, and the highest of
 * those still enrolled would give it out again. */
#define SITE_NUMBERS \
  "CREATE TABLE site_numbers (" \
  "  site TEXT PRIMARY KEY," \
  "  last INTEGER NOT NULL CHECK (last >= 1)" \
  ") WITHOUT ROWID;"

static const char schema[] =
  "CREATE TABLE service ("
  "  one INTEGER PRIMARY KEY CHECK (one = 1),"
  "  sign_pk BLOB NOT NULL CHECK (length(sign_pk) = 32),"
  "  sign_sk BLOB NOT NULL CHECK (length(sign_sk) = 64)"
  ");"
  "CREATE TABLE kiosks ("
  "  pk BLOB PRIMARY KEY CHECK (length(pk) = 32),"
  "  site TEXT NOT NULL,"
  "  enrolled TEXT NOT NULL,"
  "  number INTEGER NOT NULL CHECK (number >= 1),"
  "  UNIQUE (site, number)"
  ") WITHOUT ROWID;"
  "CREATE TABLE bundles ("
  BUNDLE_COLUMNS
  "  UNIQUE (kiosk, sequence)"
  ");"
  "CREATE TABLE conflicts ("
  BUNDLE_COLUMNS
  "  UNIQUE (kiosk, sequence, hash)"
  ");"
  "CREATE TABLE tokens ("
  "  hash BLOB PRIMARY KEY CHECK (length(hash) = 32),"
  "  name TEXT NOT NULL,"
  "  made TEXT NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0"
  ") WITHOUT ROWID;"
  SITE_NUMBERS
  "PRAGMA user_version = 3;";

/* Schema 1 named kiosks by their key alone. A site's kiosks are numbered 1,
 * 2, 3 in the order they were enrolled; of those enrolled the same day the
 * order is not known, and their keys' order stands in for it. A WITHOUT
 * ROWID table cannot gain a NOT NULL column in place: it is made again. */
static const char migrate_1_to_2[] =
  "CREATE TABLE kiosks_2 ("
  "  pk BLOB PRIMARY KEY CHECK (length(pk) = 32),"
  "  site TEXT NOT NULL,"
  "  enrolled TEXT NOT NULL,"
  "  number INTEGER NOT NULL CHECK (number >= 1),"
  "  UNIQUE (site, number)"
  ") WITHOUT ROWID;"
  "INSERT INTO kiosks_2 (pk, site, enrolled, number)"
  "  SELECT pk, site, enrolled, row_number () OVER (PARTITION BY site ORDER BY enrolled, pk) FROM kiosks;"
  "DROP TABLE kiosks;"
  "ALTER TABLE kiosks_2 RENAME TO kiosks;"
  "PRAGMA user_version = 2;";

/* What a schema-2 database gave out before is known only from the kiosks
 * still enrolled: a number left behind earlier is lost to it. */
static const char migrate_2_to_3[] =
  SITE_NUMBERS
  "INSERT INTO site_numbers (site, last) SELECT site, max(number) FROM kiosks GROUP BY site;"
  "PRAGMA user_version = 3;";

static gboolean
fail_rc (const char  *path,
         sqlite3     *handle,
         int          rc,
         const char  *doing,
         GError     **error)
{
  /* SQLite says “database or disk is full”, or of a wal-index with no room
   * “disk I/O error”: whoever reads it needs to know only that it is the disk. */
  if (sayso_sqlite_is_full (handle, rc))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL, "%s: %s failed: the disk is full", path, doing);
      return FALSE;
    }
  return sayso_sqlite_set_error (error, handle, rc, path, doing);
}

static gboolean
fail (SaysoCollectDb  *db,
      int              rc,
      const char      *doing,
      GError         **error)
{
  return fail_rc (db->path, db->handle, rc, doing, error);
}

/* Of a list such as the schema, the error names the statement that failed. */
static gboolean
exec (SaysoCollectDb  *db,
      const char      *sql,
      GError         **error)
{
  g_autofree char *failed = NULL;
  int rc = sayso_sqlite_exec (db->handle, sql, &failed);

  return rc == SQLITE_OK ? TRUE : fail (db, rc, failed, error);
}

static void
rollback (SaysoCollectDb *db)
{
  /* What failed is already said, and in WAL mode a rollback only drops
   * what the transaction wrote: it has nothing to add. */
  if (!sqlite3_get_autocommit (db->handle))
    (void) sayso_sqlite_exec (db->handle, "ROLLBACK", NULL);
}

void
sayso_collect_db_close (SaysoCollectDb *db)
{
  if (db == NULL)
    return;
  if (db->handle)
    sqlite3_close_v2 (db->handle);
  g_mutex_clear (&db->lock);
  g_free (db->path);
  g_free (db);
}

const char *
sayso_collect_db_get_path (SaysoCollectDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);
  return db->path;
}

static SaysoCollectDb *
db_open (const char  *path,
         GError     **error)
{
  g_autoptr(SaysoCollectDb) db = g_new0 (SaysoCollectDb, 1);
  int rc;

  g_mutex_init (&db->lock);
  db->path = g_strdup (path);
  /* Serialized: the service's threads share the one connection. Never
   * through a link: the file is made here, or checked a plain file. */
  rc = sqlite3_open_v2 (path, &db->handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc != SQLITE_OK)
    {
      fail (db, rc, "opening", error);
      return NULL;
    }
  sqlite3_busy_timeout (db->handle, 5000);
  sqlite3_extended_result_codes (db->handle, 1);

  /* Every commit is synced before the service answers: a 201 is a promise. */
  if (!exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
                 "PRAGMA secure_delete = ON;", error))
    return NULL;
  return g_steal_pointer (&db);
}

SaysoCollectDb *
sayso_collect_db_create (const char    *path,
                         const guint8   service_pk[SAYSO_COLLECT_KEY_SIZE],
                         const guint8   service_sk[SAYSO_COLLECT_SECRET_SIZE],
                         GError       **error)
{
  g_autoptr(SaysoCollectDb) db = NULL;
  g_autoptr(GError) local_error = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (path != NULL && service_pk != NULL && service_sk != NULL, NULL);

  /* Made empty and 0600 first, its name synced: it holds the service's
   * secret key. Nothing at the path, a link included, is ever adopted. */
  if (!sayso_sqlite_create_private_file (path, "the collection database", &local_error))
    {
      if (g_error_matches (local_error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS))
        g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS,
                     "%s: a file is already there; nothing was changed", path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (!(db = db_open (path, error)) || !exec (db, "BEGIN IMMEDIATE", error) || !exec (db, schema, error))
    goto failed;

  rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO service (one, sign_pk, sign_sk) VALUES (1, ?1, ?2)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, service_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, service_sk, SAYSO_COLLECT_SECRET_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "storing the service key", error);
      goto failed;
    }
  if (!exec (db, "COMMIT", error))
    goto failed;
  return g_steal_pointer (&db);

failed:
  g_clear_pointer (&db, sayso_collect_db_close);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  return NULL;
}

/* The kiosks' table is made again, and the bundles that point at it must
 * still point at a kiosk: the keys' checks are off while it is, and the
 * whole is checked before it commits. */
static gboolean
read_version (SaysoCollectDb  *db,
              int             *version,
              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *version = -1;
  rc = sqlite3_prepare_v2 (db->handle, "SELECT user_version FROM pragma_user_version", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    *version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return *version >= 0 ? TRUE : fail (db, rc, "reading the schema", error);
}

/* Another program may open the same database at the same moment: the
 * version is read again inside the transaction, and what it migrated
 * already is left. */
static gboolean
migrate_to_3 (SaysoCollectDb  *db,
              GError         **error)
{
  int version;

  if (!exec (db, "BEGIN IMMEDIATE", error) || !read_version (db, &version, error))
    goto failed;
  if (version == 2 && !exec (db, migrate_2_to_3, error))
    goto failed;
  return exec (db, "COMMIT", error);

failed:
  rollback (db);
  return FALSE;
}

static gboolean
migrate_to_2 (SaysoCollectDb  *db,
              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc, version;

  if (!exec (db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;
  if (!exec (db, "BEGIN IMMEDIATE", error) || !read_version (db, &version, error))
    goto failed;
  if (version != 1)
    {
      if (!exec (db, "COMMIT", error))
        goto failed;
      return exec (db, "PRAGMA foreign_keys = ON", error);
    }
  if (!exec (db, migrate_1_to_2, error))
    goto failed;
  rc = sqlite3_prepare_v2 (db->handle, "PRAGMA foreign_key_check", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                   "%s: a bundle names a kiosk that is not enrolled; the database was left as it was", db->path);
      goto failed;
    }
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "numbering the kiosks", error);
      goto failed;
    }
  if (!exec (db, "COMMIT", error))
    goto failed;
  return exec (db, "PRAGMA foreign_keys = ON", error);

failed:
  rollback (db);
  return FALSE;
}

SaysoCollectDb *
sayso_collect_db_open (const char  *path,
                       GError     **error)
{
  g_autoptr(SaysoCollectDb) db = NULL;
  int version = -1;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  /* The file that holds the service's secret key is taken only as itself:
   * through a link it could be anyone's file, or be switched to another. */
  if (g_lstat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO,
                   "%s: not a collection database but a %s; give the database file itself", path,
                   S_ISLNK (st.st_mode) ? "symbolic link" : S_ISDIR (st.st_mode) ? "folder" : "special file");
      return NULL;
    }
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND,
                   "%s: no collection database here (“sayso-collect init” makes one)", path);
      return NULL;
    }
  if (!(db = db_open (path, error)) || !read_version (db, &version, error))
    return NULL;
  if (version == 1 && !migrate_to_2 (db, error))
    return NULL;
  if (version == 1)
    version = 2;
  if (version == 2 && !migrate_to_3 (db, error))
    return NULL;
  if (version == 2)
    version = SAYSO_COLLECT_SCHEMA_VERSION;
  if (version != SAYSO_COLLECT_SCHEMA_VERSION)
    {
      g_set_error (error, SAYSO_DB_ERROR,
                   version > SAYSO_COLLECT_SCHEMA_VERSION ? SAYSO_DB_ERROR_TOO_NEW : SAYSO_DB_ERROR_CORRUPT,
                   "%s: not a Sayso collection database (schema %d)", path, version);
      return NULL;
    }
  return g_steal_pointer (&db);
}

gboolean
sayso_collect_db_service_key (SaysoCollectDb  *db,
                              guint8           pk[SAYSO_COLLECT_KEY_SIZE],
                              guint8           sk[SAYSO_COLLECT_SECRET_SIZE],
                              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (db != NULL && pk != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, "SELECT sign_pk, sign_sk FROM service WHERE one = 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW &&
      sqlite3_column_bytes (stmt, 0) == SAYSO_COLLECT_KEY_SIZE && sqlite3_column_bytes (stmt, 1) == SAYSO_COLLECT_SECRET_SIZE)
    {
      memcpy (pk, sqlite3_column_blob (stmt, 0), SAYSO_COLLECT_KEY_SIZE);
      if (sk)
        memcpy (sk, sqlite3_column_blob (stmt, 1), SAYSO_COLLECT_SECRET_SIZE);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  if (!ok)
    {
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                     "%s: the service's key is missing or damaged", db->path);
      else
        fail (db, rc, "reading the service key", error);
    }
  return ok;
}

/* The kiosk's place in its site: its number if it is enrolled there, or
 * the next after the highest the site ever gave: a number is never given
 * to a second kiosk, even once the first has moved to another site. */
static gboolean
number_in_site (SaysoCollectDb  *db,
                const guint8    *kiosk_pk,
                const char      *site,
                gint64          *number,
                GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT coalesce ((SELECT number FROM kiosks WHERE pk = ?1 AND site = ?2),"
                           "                 max ((SELECT coalesce (max(number), 0) FROM kiosks WHERE site = ?2),"
                           "                      (SELECT coalesce (max(last), 0) FROM site_numbers WHERE site = ?2)) + 1)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        *number = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW ? TRUE : fail (db, rc, "numbering the kiosk", error);
}

gboolean
sayso_collect_db_enroll (SaysoCollectDb  *db,
                         const guint8     kiosk_pk[SAYSO_COLLECT_KEY_SIZE],
                         const char      *site,
                         const char      *day,
                         gint64          *number,
                         GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;
  gint64 n = 0;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && site != NULL && day != NULL, FALSE);

  g_mutex_lock (&db->lock);
  /* The number and the row go together: two enrolments at once in one
   * site must not both take the next number. */
  if (!exec (db, "BEGIN IMMEDIATE", error) || !number_in_site (db, kiosk_pk, site, &n, error))
    goto out;
  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO kiosks (pk, site, enrolled, number) VALUES (?1, ?2, ?3, ?4)"
                           " ON CONFLICT (pk) DO UPDATE SET site = excluded.site, number = excluded.number", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, day, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, n);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "enrolling the kiosk", error);
      goto out;
    }
  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO site_numbers (site, last) VALUES (?1, ?2)"
                           " ON CONFLICT (site) DO UPDATE SET last = max (last, excluded.last)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, site, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, n);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "keeping the site's highest kiosk number", error);
      goto out;
    }
  ok = exec (db, "COMMIT", error);

out:
  if (!ok)
    rollback (db);
  g_mutex_unlock (&db->lock);
  if (ok && number)
    *number = n;
  return ok;
}

gboolean
sayso_collect_db_find_kiosk (SaysoCollectDb  *db,
                             const guint8     kiosk_pk[SAYSO_COLLECT_KEY_SIZE],
                             char           **site,
                             gint64          *number,
                             GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL, FALSE);

  if (site)
    *site = NULL;
  if (number)
    *number = 0;
  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, "SELECT site, number FROM kiosks WHERE pk = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && site)
        *site = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      if (rc == SQLITE_ROW && number)
        *number = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (db, rc, "looking up the kiosk", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* The stored bundle's hash for (kiosk, sequence), if there is one. */
static gboolean
find_sequence (SaysoCollectDb  *db,
               const char      *table,
               const guint8    *kiosk_pk,
               gint64           sequence,
               const guint8    *hash,
               gboolean        *found,
               gboolean        *same,
               GError         **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT hash = ?3 FROM %s WHERE kiosk = ?1 AND sequence = ?2"
                                          " ORDER BY hash = ?3 DESC LIMIT 1", table);
  sqlite3_stmt *stmt = NULL;
  int rc;

  *found = *same = FALSE;
  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, sequence);
      sqlite3_bind_blob (stmt, 3, hash, SAYSO_COLLECT_HASH_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *found = TRUE;
          *same = sqlite3_column_int (stmt, 0) == 1;
        }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? TRUE : fail (db, rc, "looking up the bundle", error);
}

static gboolean
copy_into_blob (SaysoCollectDb  *db,
                const char      *table,
                sqlite3_int64    row,
                int              fd,
                gint64           size,
                GError         **error)
{
  g_autofree guint8 *buffer = g_malloc (COPY_BLOCK);
  sqlite3_blob *blob = NULL;
  gint64 done = 0;
  int rc;

  rc = sqlite3_blob_open (db->handle, "main", table, "data", row, 1, &blob);
  if (rc != SQLITE_OK)
    return fail (db, rc, "storing the bundle", error);

  while (done < size)
    {
      gssize n = pread (fd, buffer, (gsize) MIN ((gint64) COPY_BLOCK, size - done), (off_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = errno;
          sqlite3_blob_close (blob);
          g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO,
                       "%s: cannot read the received bundle: %s", db->path,
                       n < 0 ? g_strerror (saved) : "it is shorter than it was");
          return FALSE;
        }
      rc = sqlite3_blob_write (blob, buffer, (int) n, (int) done);
      if (rc != SQLITE_OK)
        {
          sqlite3_blob_close (blob);
          return fail (db, rc, "storing the bundle", error);
        }
      done += n;
    }
  rc = sqlite3_blob_close (blob);
  return rc == SQLITE_OK ? TRUE : fail (db, rc, "storing the bundle", error);
}

static gboolean
insert_bundle (SaysoCollectDb                *db,
               const char                    *table,
               const SaysoCollectBundleInfo  *info,
               int                            fd,
               gint64                         size,
               GError                       **error)
{
  g_autofree char *sql = g_strdup_printf ("INSERT INTO %s (kiosk, sequence, hash, records, day, received, size, data)"
                                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, zeroblob(?7))", table);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, info->kiosk_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, info->sequence);
      sqlite3_bind_blob (stmt, 3, info->hash, SAYSO_COLLECT_HASH_SIZE, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, info->record_count);
      sqlite3_bind_text (stmt, 5, info->day, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, info->received, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 7, size);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return fail (db, rc, "storing the bundle", error);
  return copy_into_blob (db, table, sqlite3_last_insert_rowid (db->handle), fd, size, error);
}

gboolean
sayso_collect_db_store_bundle (SaysoCollectDb                *db,
                               const SaysoCollectBundleInfo  *info,
                               int                            fd,
                               gint64                         size,
                               SaysoCollectBundleState       *state,
                               GError                       **error)
{
  gboolean found = FALSE, same = FALSE;
  gboolean ok = FALSE;

  g_return_val_if_fail (db != NULL && info != NULL && state != NULL, FALSE);
  g_return_val_if_fail (info->kiosk_pk != NULL && info->hash != NULL && info->day != NULL && info->received != NULL, FALSE);
  g_return_val_if_fail (fd >= 0 && size > 0, FALSE);

  g_mutex_lock (&db->lock);
  if (!exec (db, "BEGIN IMMEDIATE", error) ||
      !find_sequence (db, "bundles", info->kiosk_pk, info->sequence, info->hash, &found, &same, error))
    goto out;

  if (!found)
    {
      if (!insert_bundle (db, "bundles", info, fd, size, error))
        goto out;
      *state = SAYSO_COLLECT_BUNDLE_NEW;
    }
  else if (same)
    *state = SAYSO_COLLECT_BUNDLE_SAME;
  else
    {
      /* Kept aside once, however often it is sent again. */
      if (!find_sequence (db, "conflicts", info->kiosk_pk, info->sequence, info->hash, &found, &same, error) ||
          (!same && !insert_bundle (db, "conflicts", info, fd, size, error)))
        goto out;
      *state = SAYSO_COLLECT_BUNDLE_CONFLICT;
    }
  ok = exec (db, "COMMIT", error);

out:
  if (!ok)
    rollback (db);
  g_mutex_unlock (&db->lock);
  return ok;
}

gboolean
sayso_collect_db_find_received (SaysoCollectDb  *db,
                                const guint8     kiosk_pk[SAYSO_COLLECT_KEY_SIZE],
                                gint64           sequence,
                                char           **received,
                                GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && received != NULL, FALSE);

  *received = NULL;
  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, "SELECT received FROM bundles WHERE kiosk = ?1 AND sequence = ?2", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, SAYSO_COLLECT_KEY_SIZE, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, sequence);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        *received = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (db, rc, "looking up the bundle", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

void
sayso_collect_bundle_row_free (SaysoCollectBundleRow *row)
{
  if (row == NULL)
    return;
  g_free (row->site);
  g_free (row->day);
  g_free (row->received);
  g_free (row);
}

void
sayso_collect_kiosk_row_free (SaysoCollectKioskRow *row)
{
  if (row == NULL)
    return;
  g_free (row->site);
  g_free (row->enrolled);
  g_free (row->last_received);
  g_clear_pointer (&row->missing, g_array_unref);
  g_free (row);
}

static GPtrArray *
list_bundles_locked (SaysoCollectDb  *db,
                     GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_collect_bundle_row_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT b.kiosk, k.site, b.sequence, b.hash, b.records, b.day, b.received, b.size, b.conflict, k.number"
                           " FROM (SELECT kiosk, sequence, hash, records, day, received, size, 0 AS conflict FROM bundles"
                           "       UNION ALL"
                           "       SELECT kiosk, sequence, hash, records, day, received, size, 1 FROM conflicts) AS b"
                           " JOIN kiosks AS k ON k.pk = b.kiosk"
                           " ORDER BY k.site, k.number, b.sequence, b.conflict, b.hash", -1, &stmt, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SaysoCollectBundleRow *row = g_new0 (SaysoCollectBundleRow, 1);

      sayso_sqlite_copy_blob (stmt, 0, row->kiosk_pk, SAYSO_COLLECT_KEY_SIZE);
      row->site = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->sequence = sqlite3_column_int64 (stmt, 2);
      sayso_sqlite_copy_blob (stmt, 3, row->hash, SAYSO_COLLECT_HASH_SIZE);
      row->record_count = sqlite3_column_int64 (stmt, 4);
      row->day = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      row->received = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->size = sqlite3_column_int64 (stmt, 7);
      row->conflict = sqlite3_column_int (stmt, 8) != 0;
      row->number = sqlite3_column_int64 (stmt, 9);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "listing the bundles", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static GPtrArray *
list_kiosks_locked (SaysoCollectDb  *db,
                    GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_collect_kiosk_row_free);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_bytes_hash, g_bytes_equal);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT k.pk, k.site, count(b.sequence), coalesce(sum(b.records), 0), max(b.received),"
                           "       (SELECT count(*) FROM conflicts AS c WHERE c.kiosk = k.pk), k.enrolled, k.number"
                           " FROM kiosks AS k LEFT JOIN bundles AS b ON b.kiosk = k.pk"
                           " GROUP BY k.pk ORDER BY k.site, k.number", -1, &stmt, NULL);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SaysoCollectKioskRow *row = g_new0 (SaysoCollectKioskRow, 1);
      GBytes *key;

      sayso_sqlite_copy_blob (stmt, 0, row->kiosk_pk, SAYSO_COLLECT_KEY_SIZE);
      row->site = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->bundles = sqlite3_column_int64 (stmt, 2);
      row->responses = sqlite3_column_int64 (stmt, 3);
      row->last_received = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->conflicts = sqlite3_column_int64 (stmt, 5);
      row->enrolled = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      row->number = sqlite3_column_int64 (stmt, 7);
      row->missing = g_array_new (FALSE, FALSE, sizeof (gint64));
      key = g_bytes_new (row->kiosk_pk, SAYSO_COLLECT_KEY_SIZE);
      g_ptr_array_add (keys, key);
      g_hash_table_insert (by_key, key, row);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "listing the kiosks", error);
      return NULL;
    }

  /* A number below the highest that never came is a bundle lost on the way. */
  rc = sqlite3_prepare_v2 (db->handle, "SELECT kiosk, sequence FROM bundles ORDER BY kiosk, sequence", -1, &stmt, NULL);
  {
    SaysoCollectKioskRow *row = NULL;
    gint64 next = 1;

    while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        g_autoptr(GBytes) key = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
        SaysoCollectKioskRow *this_row = g_hash_table_lookup (by_key, key);
        gint64 sequence = sqlite3_column_int64 (stmt, 1);

        if (this_row == NULL)
          continue;
        if (this_row != row)
          {
            row = this_row;
            next = 1;
          }
        /* Bounded: a forged huge number must not make a huge list. */
        for (; next < sequence && row->missing->len < 1000; next++)
          g_array_append_val (row->missing, next);
        next = sequence + 1;
      }
  }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      fail (db, rc, "listing the bundles", error);
      return NULL;
    }
  return g_steal_pointer (&rows);
}

static SaysoCollectBundleRow *
row_from_stmt (sqlite3_stmt *stmt)
{
  SaysoCollectBundleRow *row = g_new0 (SaysoCollectBundleRow, 1);

  /* id, kiosk, site, sequence, hash, records, day, received, size, number */
  row->id = sqlite3_column_int64 (stmt, 0);
  sayso_sqlite_copy_blob (stmt, 1, row->kiosk_pk, SAYSO_COLLECT_KEY_SIZE);
  row->site = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  row->sequence = sqlite3_column_int64 (stmt, 3);
  sayso_sqlite_copy_blob (stmt, 4, row->hash, SAYSO_COLLECT_HASH_SIZE);
  row->record_count = sqlite3_column_int64 (stmt, 5);
  row->day = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  row->received = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  row->size = sqlite3_column_int64 (stmt, 8);
  row->number = sqlite3_column_int64 (stmt, 9);
  return row;
}

#define PULL_COLUMNS \
  "SELECT b.rowid, b.kiosk, k.site, b.sequence, b.hash, b.records, b.day, b.received, b.size, k.number" \
  " FROM bundles AS b JOIN kiosks AS k ON k.pk = b.kiosk"

GPtrArray *
sayso_collect_db_list_after (SaysoCollectDb  *db,
                             gint64           after,
                             guint            limit,
                             GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_collect_bundle_row_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, PULL_COLUMNS " WHERE b.rowid > ?1 ORDER BY b.rowid LIMIT ?2", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, after);
      sqlite3_bind_int64 (stmt, 2, limit);
    }
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (rows, row_from_stmt (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    fail (db, rc, "listing the bundles", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

GPtrArray *
sayso_collect_db_list_conflicts (SaysoCollectDb  *db,
                                 guint            limit,
                                 GError         **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_collect_bundle_row_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT 0, c.kiosk, k.site, c.sequence, c.hash, c.records, c.day, c.received, c.size, k.number"
                           " FROM conflicts AS c JOIN kiosks AS k ON k.pk = c.kiosk"
                           " ORDER BY k.site, k.number, c.sequence, c.hash LIMIT ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc == SQLITE_OK || rc == SQLITE_ROW) && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SaysoCollectBundleRow *row = row_from_stmt (stmt);

      row->conflict = TRUE;
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    fail (db, rc, "listing the bundles kept aside", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&rows) : NULL;
}

gboolean
sayso_collect_db_find_bundle (SaysoCollectDb         *db,
                              gint64                  id,
                              SaysoCollectBundleRow **row,
                              GError                **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && row != NULL, FALSE);

  *row = NULL;
  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, PULL_COLUMNS " WHERE b.rowid = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        *row = row_from_stmt (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (db, rc, "looking up the bundle", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

gssize
sayso_collect_db_read_bundle (SaysoCollectDb  *db,
                              gint64           id,
                              gint64           offset,
                              guint8          *buffer,
                              gsize            len,
                              GError         **error)
{
  sqlite3_blob *blob = NULL;
  gint64 size;
  int rc, n = 0;

  g_return_val_if_fail (db != NULL && buffer != NULL && offset >= 0, -1);

  g_mutex_lock (&db->lock);
  rc = sqlite3_blob_open (db->handle, "main", "bundles", "data", id, 0, &blob);
  if (rc == SQLITE_OK)
    {
      size = sqlite3_blob_bytes (blob);
      n = (int) MIN ((gint64) MIN (len, (gsize) G_MAXINT), MAX (size - offset, 0));
      if (n > 0)
        rc = sqlite3_blob_read (blob, buffer, n, (int) offset);
      sqlite3_blob_close (blob);
    }
  if (rc != SQLITE_OK)
    fail (db, rc, "reading the bundle", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_OK ? n : -1;
}

GPtrArray *
sayso_collect_db_list_bundles (SaysoCollectDb  *db,
                               GError         **error)
{
  GPtrArray *rows;

  g_return_val_if_fail (db != NULL, NULL);

  g_mutex_lock (&db->lock);
  rows = list_bundles_locked (db, error);
  g_mutex_unlock (&db->lock);
  return rows;
}

GPtrArray *
sayso_collect_db_list_kiosks (SaysoCollectDb  *db,
                              GError         **error)
{
  GPtrArray *rows;

  g_return_val_if_fail (db != NULL, NULL);

  g_mutex_lock (&db->lock);
  rows = list_kiosks_locked (db, error);
  g_mutex_unlock (&db->lock);
  return rows;
}

gboolean
sayso_collect_db_add_token (SaysoCollectDb  *db,
                            const char      *name,
                            const guint8     hash[SAYSO_COLLECT_HASH_SIZE],
                            const char      *day,
                            GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && name != NULL && hash != NULL && day != NULL, FALSE);

  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO tokens (hash, name, made) VALUES (?1, ?2, ?3)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, hash, SAYSO_COLLECT_HASH_SIZE, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, day, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_DONE ? TRUE : fail (db, rc, "storing the token", error);
}

gboolean
sayso_collect_db_revoke_tokens (SaysoCollectDb  *db,
                                const char      *name,
                                guint           *revoked,
                                GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && name != NULL && revoked != NULL, FALSE);

  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, "UPDATE tokens SET revoked = 1 WHERE name = ?1 AND revoked = 0", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  *revoked = rc == SQLITE_DONE ? (guint) sqlite3_changes (db->handle) : 0;
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_DONE ? TRUE : fail (db, rc, "revoking the token", error);
}

gboolean
sayso_collect_db_check_token (SaysoCollectDb  *db,
                              const guint8     hash[SAYSO_COLLECT_HASH_SIZE],
                              gboolean        *valid,
                              GError         **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && hash != NULL && valid != NULL, FALSE);

  *valid = FALSE;
  g_mutex_lock (&db->lock);
  rc = sqlite3_prepare_v2 (db->handle, "SELECT revoked FROM tokens WHERE hash = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, hash, SAYSO_COLLECT_HASH_SIZE, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        *valid = sqlite3_column_int (stmt, 0) == 0;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    fail (db, rc, "checking the token", error);
  g_mutex_unlock (&db->lock);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

gboolean
sayso_collect_db_backup (SaysoCollectDb  *db,
                         const char      *to,
                         GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  sqlite3 *copy = NULL;
  sqlite3_backup *backup;
  int rc;

  g_return_val_if_fail (db != NULL && to != NULL, FALSE);

  /* The copy holds the service's secret key too: 0600 from the start. */
  if (!sayso_sqlite_create_private_file (to, "the backup", &local_error))
    {
      if (g_error_matches (local_error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS))
        g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_EXISTS,
                     "%s: a file is already there; it was left as it was", to);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  rc = sqlite3_open_v2 (to, &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (copy, 5000);
      /* The copy is one file: a rollback journal, synced at its end. */
      rc = sayso_sqlite_exec (copy, "PRAGMA synchronous = FULL", NULL);
    }
  if (rc == SQLITE_OK)
    {
      backup = sqlite3_backup_init (copy, "main", db->handle, "main");
      if (backup == NULL)
        rc = sqlite3_errcode (copy);
      else
        {
          /* In steps, so that the service's writes go on between them. */
          do
            {
              rc = sqlite3_backup_step (backup, 256);
              if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                g_usleep (10 * 1000);
            }
          while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
          sqlite3_backup_finish (backup);
          if (rc == SQLITE_DONE)
            rc = sqlite3_errcode (copy);
        }
    }
  if (rc != SQLITE_OK && rc != SQLITE_DONE)
    {
      fail_rc (to, copy, rc, "the backup", error);
      sqlite3_close_v2 (copy);
      g_unlink (to);
      return FALSE;
    }
  rc = sqlite3_close (copy);
  if (rc != SQLITE_OK)
    {
      g_unlink (to);
      return fail_rc (to, NULL, rc, "closing the backup", error);
    }
  /* Removing its journal is what commits the copy: a journal back after a
   * power cut would roll it back to nothing. */
  return sayso_sqlite_sync_folder (to, error);
}
