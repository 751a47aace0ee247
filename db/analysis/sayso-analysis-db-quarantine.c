/* sayso-analysis-db-quarantine.c: the records an analysis database keeps aside.
 *
 * Part of SaysoAnalysisDb (sayso-analysis-db.c): a record that could not be
 * opened, or that conflicts with one already imported, is kept sealed with
 * where it came from and why, to be listed, read back and counted. Apart
 * because none of it touches the counters the report is summed from.
 */
#define G_LOG_DOMAIN "sayso-analysis-db"

#include <sqlite3.h>

#include "sayso-analysis-db-private.h"
#include "sayso-sqlite.h"

gboolean
sayso_analysis_db_quarantine (SaysoAnalysisDb                 *db,
                              const SaysoAnalysisRecordSource *source,
                              const char                      *reason,
                              const char                      *detail,
                              GBytes                          *sealed,
                              SaysoAnalysisRecordState        *state,
                              GError                         **error)
{
  gboolean found = FALSE, same = FALSE;
  sqlite3_stmt *stmt = NULL;
  gint64 row = 0;
  gsize len = 0;
  gconstpointer data;
  int rc;

  g_return_val_if_fail (db != NULL && source != NULL, FALSE);
  g_return_val_if_fail (source->id != NULL && source->kiosk_pk != NULL && source->hash != NULL, FALSE);
  g_return_val_if_fail (source->file_name != NULL && source->site != NULL && source->questionnaire != NULL, FALSE);
  g_return_val_if_fail (reason != NULL && detail != NULL && sealed != NULL && state != NULL, FALSE);

  /* Opened before (a re-export of a record imported with the right key),
   * or its id is taken by other bytes. */
  if (!_sayso_analysis_db_find_record (db, FALSE, source->id, source->kiosk_pk, source->hash, &found, &same, NULL, error))
    return FALSE;
  if (found)
    {
      *state = same ? SAYSO_ANALYSIS_RECORD_SAME : SAYSO_ANALYSIS_RECORD_CONFLICT;
      return TRUE;
    }
  if (!_sayso_analysis_db_find_record (db, TRUE, source->id, source->kiosk_pk, source->hash, &found, &same, &row, error))
    return FALSE;
  if (found && !same)
    {
      *state = SAYSO_ANALYSIS_RECORD_CONFLICT;
      return TRUE;
    }

  *state = SAYSO_ANALYSIS_RECORD_QUARANTINED;
  data = g_bytes_get_data (sealed, &len);
  /* Still in quarantine: why, as of this attempt. */
  rc = sqlite3_prepare_v2 (db->handle, found
                                       ? "UPDATE quarantine SET reason = ?9, detail = ?10 WHERE rowid = ?12"
                                       : "INSERT INTO quarantine (kiosk, id, hash, sequence, file_name, site, questionnaire,"
                                         " version, reason, detail, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, source->kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, source->id, 16, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, source->hash, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, source->sequence);
      sqlite3_bind_text (stmt, 5, source->file_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 6, source->site, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, source->questionnaire, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 8, source->version);
      sqlite3_bind_text (stmt, 9, reason, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 10, detail, -1, SQLITE_STATIC);
      if (!found)
        sqlite3_bind_blob64 (stmt, 11, data, len, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, 12, row);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "keeping a record in quarantine", error);
}

gboolean
sayso_analysis_db_add_conflict (SaysoAnalysisDb                 *db,
                                const SaysoAnalysisRecordSource *source,
                                GBytes                          *sealed,
                                GError                         **error)
{
  sqlite3_stmt *stmt = NULL;
  gsize len = 0;
  gconstpointer data;
  int rc;

  g_return_val_if_fail (db != NULL && source != NULL, FALSE);
  g_return_val_if_fail (source->id != NULL && source->kiosk_pk != NULL && source->hash != NULL, FALSE);
  g_return_val_if_fail (source->file_name != NULL && sealed != NULL, FALSE);

  data = g_bytes_get_data (sealed, &len);
  rc = sqlite3_prepare_v2 (db->handle,
                           "INSERT INTO conflicts (kiosk, id, hash, sequence, file_name, sealed)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (kiosk, id, hash) DO NOTHING", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, source->kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, source->id, 16, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 3, source->hash, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 4, source->sequence);
      sqlite3_bind_text (stmt, 5, source->file_name, -1, SQLITE_STATIC);
      sqlite3_bind_blob64 (stmt, 6, data, len, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "keeping a conflicting record", error);
}

void
sayso_analysis_quarantined_free (SaysoAnalysisQuarantined *record)
{
  if (record == NULL)
    return;
  g_free (record->file_name);
  g_free (record->site);
  g_free (record->questionnaire);
  g_free (record->reason);
  g_free (record);
}

gboolean
sayso_analysis_db_list_quarantine (SaysoAnalysisDb  *db,
                                   GPtrArray       **records,
                                   GError          **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) sayso_analysis_quarantined_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && records != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT rowid, kiosk, id, hash, sequence, file_name, site, questionnaire, version, reason"
                           " FROM quarantine ORDER BY site, kiosk, sequence, rowid", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        SaysoAnalysisQuarantined *record = g_new0 (SaysoAnalysisQuarantined, 1);

        record->row = sqlite3_column_int64 (stmt, 0);
        sayso_sqlite_copy_blob (stmt, 1, record->kiosk, sizeof record->kiosk);
        sayso_sqlite_copy_blob (stmt, 2, record->id, sizeof record->id);
        sayso_sqlite_copy_blob (stmt, 3, record->hash, sizeof record->hash);
        record->sequence = sqlite3_column_int64 (stmt, 4);
        record->file_name = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
        record->site = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
        record->questionnaire = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
        record->version = sqlite3_column_int64 (stmt, 8);
        record->reason = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
        g_ptr_array_add (all, record);
      }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _sayso_analysis_db_fail (db, rc, "listing the records in quarantine", error);
  *records = g_steal_pointer (&all);
  return TRUE;
}

GBytes *
sayso_analysis_db_read_quarantined (SaysoAnalysisDb  *db,
                                    gint64            row,
                                    GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  GBytes *sealed = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, NULL);

  rc = sqlite3_prepare_v2 (db->handle, "SELECT sealed FROM quarantine WHERE rowid = ?1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, row);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        sealed = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
    }
  sqlite3_finalize (stmt);
  if (sealed == NULL && rc == SQLITE_DONE)
    g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND,
                 "%s: record %" G_GINT64_FORMAT " is no longer in quarantine", db->path, row);
  else if (sealed == NULL)
    _sayso_analysis_db_fail (db, rc, "reading a record in quarantine", error);
  return sealed;
}

gboolean
sayso_analysis_db_count_quarantined_from (SaysoAnalysisDb  *db,
                                          const guint8      kiosk_pk[32],
                                          gint64            sequence,
                                          gint64           *n,
                                          GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk_pk != NULL && n != NULL, FALSE);

  *n = 0;
  rc = sqlite3_prepare_v2 (db->handle, "SELECT count(*) FROM quarantine WHERE kiosk = ?1 AND sequence = ?2",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk_pk, 32, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, sequence);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          *n = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_DONE;
        }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "counting records in quarantine", error);
}

gboolean
sayso_analysis_db_count_set_aside (SaysoAnalysisDb  *db,
                                   gint64          *quarantined,
                                   gint64          *conflicts,
                                   GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, "SELECT (SELECT count(*) FROM quarantine), (SELECT count(*) FROM conflicts)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (quarantined)
        *quarantined = sqlite3_column_int64 (stmt, 0);
      if (conflicts)
        *conflicts = sqlite3_column_int64 (stmt, 1);
      rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "counting the records kept aside", error);
}
