/* sayso-db-settings.c: a kiosk store's own settings.
 *
 * Part of SaysoDb (sayso-db.c): the kiosk's identity and signing key, the
 * integer settings, the staff PIN's hash and its failure count. Apart
 * because these single rows hold nothing a respondent gave, and change
 * for other reasons than the responses do.
 */
#define G_LOG_DOMAIN "sayso-db"

#include <sqlite3.h>
#include <string.h>

#include "sayso-db-internal.h"
#include "sayso-sqlite.h"

gboolean
sayso_db_set_kiosk (SaysoDb            *db,
                    const SaysoDbKiosk *kiosk,
                    GError            **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (kiosk != NULL && kiosk->site != NULL, FALSE);

  if (!_sayso_db_writable (db, error))
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
    return _sayso_db_set_write_error (db, rc, "saving the kiosk identity", error);

  _sayso_db_wrote (db);
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
    _sayso_db_set_error (db, rc, "reading the kiosk identity", error);

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
  if ((rc = _sayso_db_query_int (db, sql, &result)) != SQLITE_OK)
    return _sayso_db_set_error (db, rc, "reading a setting", error);

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

  if (!_sayso_db_writable (db, error))
    return FALSE;

  sql = g_strdup_printf ("UPDATE kiosk SET %s = %" G_GINT64_FORMAT, column, value);
  if (!_sayso_db_exec (db, sql, error))
    return FALSE;

  _sayso_db_wrote (db);
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
    return _sayso_db_set_error (db, rc, "reading the staff PIN", error);
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

  if (!_sayso_db_writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle, "UPDATE kiosk SET pin_hash = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _sayso_db_set_write_error (db, rc, "saving the staff PIN", error);

  _sayso_db_wrote (db);
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

  if ((rc = _sayso_db_query_int (db, "SELECT pin_failures FROM kiosk", &result)) != SQLITE_OK)
    return _sayso_db_set_error (db, rc, "reading the count of wrong staff PINs", error);

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

  if (!_sayso_db_writable (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle, "UPDATE kiosk SET pin_failures = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int (stmt, 1, (int) MIN (failures, (guint) G_MAXINT));
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _sayso_db_set_write_error (db, rc, "saving the count of wrong staff PINs", error);

  _sayso_db_wrote (db);
  return TRUE;
}
