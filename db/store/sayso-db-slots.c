/* sayso-db-slots.c: the pool of same-size slots a kiosk store keeps records in.
 *
 * Part of SaysoDb (sayso-db.c). A record goes into a free slot of its size
 * chosen at random, is written, read and wiped in place, and a full pool
 * doubles and deals its records out again: so that neither where a record
 * lies nor how the file grew tells when it came. Apart because it is the one
 * part of the store that decides where bytes go in the file.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <sqlite3.h>

#include "sayso-db-internal.h"
#include "sayso-sqlite.h"

/* The smallest pool of slots of one size, made with the first record of that
 * size; it doubles whenever it is full. */
#define POOL_MIN_SLOTS 64

/* Writes a slot's bytes in place: an UPDATE would free the row's overflow
 * pages and take new ones, laid down in the order records arrive. */
int
_sayso_db_write_slot (SaysoDb       *db,
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
int
_sayso_db_wipe_slot (SaysoDb *db,
                     gint64   slot,
                     gsize    size)
{
  g_autofree guint8 *noise = g_malloc (size);

  sqlite3_randomness ((int) size, noise);
  return _sayso_db_write_slot (db, slot, noise, size);
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
int
_sayso_db_exec_int64 (SaysoDb    *db,
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
    return _sayso_db_exec_int64 (db,
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
          if ((rc = _sayso_db_write_slot (db, o->new_slot, carried, size)) != SQLITE_OK)
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
            rc = _sayso_db_wipe_slot (db, o->slot, size);
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
    rc = _sayso_db_exec_int64 (db, "DELETE FROM free_slots WHERE size = ?1", size, 0);
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
int
_sayso_db_take_free_slot (SaysoDb *db,
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

  return _sayso_db_exec_int64 (db, "DELETE FROM free_slots WHERE size = ?1 AND key = ?2", size, *slot);
}

void
_sayso_db_set_first_free_slot (SaysoDb  *db,
                                gboolean  first_free)
{
  g_return_if_fail (db != NULL);
  db->first_free_slot = first_free;
}
