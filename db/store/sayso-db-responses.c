/* sayso-db-responses.c: a kiosk store's public queries on responses.
 *
 * Part of SaysoDb (sayso-db.c): storing a sealed response, reading it back,
 * counting, marking damaged and exported, purging what was exported. Apart
 * so that the queries a caller sees stand beside each other, over the pool
 * of slots (sayso-db-slots.c) that they store into.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <sqlite3.h>

#include "sayso-db-internal.h"
#include "sayso-sqlite.h"

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
    return _sayso_db_set_write_error (db, rc, "storing a response", error);

  if ((rc = _sayso_db_take_free_slot (db, (gint64) size, &slot)) != SQLITE_OK ||
      (rc = _sayso_db_write_slot (db, slot, data, size)) != SQLITE_OK)
    return _sayso_db_set_write_error (db, rc, "storing a response", error);

  if (!_sayso_db_prepare (db, &db->insert_stmt,
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
    return _sayso_db_set_write_error (db, rc, "storing a response", error);

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
    return _sayso_db_set_error (db, rc, "reading responses", error);

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
    ok = _sayso_db_set_error (db, rc, "reading a response", error);
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

  if (!_sayso_db_prepare (db, &db->count_stmt,
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
    return _sayso_db_set_error (db, rc, "counting responses", error);

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
      _sayso_db_set_write_error (db, rc, "setting a damaged record aside", error);
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

  if (!_sayso_db_exec (db, "UPDATE kiosk SET export_seq = export_seq + 1", error))
    {
      sayso_db_rollback (db);
      return FALSE;
    }

  if ((rc = _sayso_db_query_int (db, "SELECT export_seq FROM kiosk", &value)) != SQLITE_OK)
    {
      /* The message first: the rollback would put its own in the handle. */
      _sayso_db_set_error (db, rc, "reserving an export number", error);
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
      _sayso_db_set_write_error (db, rc, "marking records exported", error);
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

          if ((rc = _sayso_db_wipe_slot (db, slot, (gsize) size)) != SQLITE_OK ||
              (rc = _sayso_db_exec_int64 (db, "INSERT INTO free_slots (size, key) VALUES (?1, ?2)", size, slot)) != SQLITE_OK)
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
      _sayso_db_set_write_error (db, rc, "deleting old exported records", error);
      sayso_db_rollback (db);
      return FALSE;
    }

  if (n_deleted)
    *n_deleted = deleted;

  return sayso_db_commit (db, error);
}
