/* sayso-db-outbox.c: the kiosk's upload settings and its outbox list.
 *
 * Part of SaysoDb (sayso-db.c). The bundles themselves are files beside
 * the store, sealed and signed already; here is only which of them wait,
 * which were sent (with the receipt's text) and which were refused. No
 * time finer than a day is kept.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <sqlite3.h>
#include <string.h>

#include "sayso-db-internal.h"
#include "sayso-sqlite.h"

gboolean
sayso_db_get_upload (SaysoDb  *db,
                     char    **url,
                     guint8    service_pk[32],
                     GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (url != NULL && service_pk != NULL, FALSE);

  *url = NULL;
  memset (service_pk, 0, 32);
  rc = sqlite3_prepare_v2 (db->handle, "SELECT upload_url, service_pk FROM kiosk", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL &&
          sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        {
          if (!sayso_sqlite_copy_blob (stmt, 1, service_pk, 32))
            {
              sqlite3_finalize (stmt);
              g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_CORRUPT,
                           "%s: the collection service's key is damaged", db->path);
              return FALSE;
            }
          *url = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
      rc = SQLITE_OK;
    }
  else if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    return _sayso_db_set_error (db, rc, "reading the upload address", error);
  return TRUE;
}

gboolean
sayso_db_set_upload (SaysoDb       *db,
                     const char    *url,
                     const guint8  *service_pk,
                     GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail ((url == NULL) == (service_pk == NULL), FALSE);

  if (!_sayso_db_writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle, "UPDATE kiosk SET upload_url = ?1, service_pk = ?2", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      if (url != NULL)
        {
          sqlite3_bind_text (stmt, 1, url, -1, SQLITE_STATIC);
          sqlite3_bind_blob (stmt, 2, service_pk, 32, SQLITE_STATIC);
        }
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _sayso_db_set_write_error (db, rc, "saving the upload address", error);

  _sayso_db_wrote (db);
  return TRUE;
}

gboolean
sayso_db_outbox_add (SaysoDb     *db,
                     gint64       sequence,
                     const char  *name,
                     gint64       records,
                     GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!_sayso_db_writable (db, error))
    return FALSE;

  /* The same bundle kept twice (an export retried after a crash) is one entry. */
  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO outbox (sequence, name, records) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT (sequence) DO NOTHING",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, sequence);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, records);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _sayso_db_set_write_error (db, rc, "adding a bundle to the outbox", error);

  _sayso_db_wrote (db);
  return TRUE;
}

void
sayso_db_outbox_entry_free (SaysoDbOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->reason);
  g_free (entry->day);
  g_free (entry);
}

static char *
column_text_or_null (sqlite3_stmt *stmt,
                     int           column)
{
  if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
sayso_db_outbox_list (SaysoDb  *db,
                      GError  **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_db_outbox_entry_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT sequence, name, records, state, reason, day FROM outbox ORDER BY sequence",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SaysoDbOutboxEntry *entry = g_new0 (SaysoDbOutboxEntry, 1);

      entry->sequence = sqlite3_column_int64 (stmt, 0);
      entry->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->records = sqlite3_column_int64 (stmt, 2);
      entry->state = (SaysoDbOutboxState) sqlite3_column_int (stmt, 3);
      entry->reason = column_text_or_null (stmt, 4);
      entry->day = column_text_or_null (stmt, 5);
      g_ptr_array_add (entries, entry);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      _sayso_db_set_error (db, rc, "reading the outbox", error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static gboolean
mark (SaysoDb            *db,
      gint64              sequence,
      SaysoDbOutboxState  state,
      const char         *reason,
      const char         *receipt,
      const char         *day,
      GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc, changed = 0;

  if (!_sayso_db_writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle,
                           "UPDATE outbox SET state = ?2, reason = ?3, receipt = ?4, day = ?5 WHERE sequence = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, sequence);
      sqlite3_bind_int (stmt, 2, state);
      sqlite3_bind_text (stmt, 3, reason, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, receipt, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, day, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      changed = sqlite3_changes (db->handle);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _sayso_db_set_write_error (db, rc, "marking a bundle in the outbox", error);

  _sayso_db_wrote (db);
  /* A mark that changed nothing would let the caller believe a bundle
   * sent (or refused) that the store does not list. */
  if (changed != 1)
    {
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND,
                   "%s: bundle %" G_GINT64_FORMAT " is not in the outbox; nothing was marked", db->path, sequence);
      return FALSE;
    }
  return TRUE;
}

gboolean
sayso_db_outbox_mark_sent (SaysoDb     *db,
                           gint64       sequence,
                           const char  *receipt,
                           const char  *day,
                           GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (receipt != NULL && day != NULL, FALSE);

  return mark (db, sequence, SAYSO_DB_OUTBOX_SENT, NULL, receipt, day, error);
}

gboolean
sayso_db_outbox_mark_refused (SaysoDb     *db,
                              gint64       sequence,
                              const char  *reason,
                              GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (reason != NULL, FALSE);

  return mark (db, sequence, SAYSO_DB_OUTBOX_REFUSED, reason, NULL, NULL, error);
}

gboolean
sayso_db_outbox_note (SaysoDb     *db,
                      gint64       sequence,
                      const char  *reason,
                      GError     **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (reason != NULL, FALSE);

  return mark (db, sequence, SAYSO_DB_OUTBOX_WAITING, reason, NULL, NULL, error);
}
