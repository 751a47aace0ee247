/* sayso-analysis-db-quotes.c: the quotes the analysts pick.
 *
 * Part of SaysoAnalysisDb (sayso-analysis-db.c). A free-text answer is read
 * from its response's answers, so that it comes with the record it is from:
 * the counters' texts table keeps no record, by design. A pick is kept by the
 * record and question, never by the short reference (sayso-quotes.c), which
 * may lengthen when a later import brings an answer whose reference begins
 * the same way: a pick is never lost or moved to another answer.
 */
#define G_LOG_DOMAIN "sayso-analysis-db"

#include <sqlite3.h>
#include <string.h>

#include "sayso-analysis-db-private.h"

gboolean
sayso_analysis_db_foreach_quote (SaysoAnalysisDb           *db,
                                 const SaysoAnalysisFilter *filter,
                                 const char                *question,
                                 gboolean                   picked_only,
                                 SaysoAnalysisQuoteFunc     func,
                                 gpointer                   user_data,
                                 GError                   **error)
{
  const char *site = filter ? filter->site : NULL;
  const char *from = filter ? filter->from : NULL;
  const char *to = filter ? filter->to : NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && question != NULL && func != NULL, FALSE);

  /* The question is matched as a key of the answers object (json_each), so
   * that no id can be read as a JSON path of its own. */
  /* The picked ones are found from the picks, so that a report over a
   * hundred thousand responses reads a handful of answers, not every one. */
  rc = sqlite3_prepare_v2 (db->handle,
                           picked_only
                           ? "SELECT r.kiosk, r.id, r.site, a.value, 1"
                             " FROM picks p JOIN responses r ON r.kiosk = p.kiosk AND r.id = p.id, json_each (r.answers) a"
                             " WHERE p.question = ?1 AND a.key = ?1 AND a.type = 'text' AND a.value <> ''"
                             "  AND (?2 IS NULL OR r.site = ?2) AND (?3 IS NULL OR r.day >= ?3) AND (?4 IS NULL OR r.day <= ?4)"
                             " ORDER BY r.response_id"
                           : "SELECT r.kiosk, r.id, r.site, a.value,"
                             "  EXISTS (SELECT 1 FROM picks p WHERE p.kiosk = r.kiosk AND p.id = r.id AND p.question = ?1)"
                             " FROM responses r, json_each (r.answers) a"
                             " WHERE a.key = ?1 AND a.type = 'text' AND a.value <> ''"
                             "  AND (?2 IS NULL OR r.site = ?2) AND (?3 IS NULL OR r.day >= ?3) AND (?4 IS NULL OR r.day <= ?4)"
                             " ORDER BY r.response_id", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, question, -1, SQLITE_STATIC);
      if (site) sqlite3_bind_text (stmt, 2, site, -1, SQLITE_STATIC); else sqlite3_bind_null (stmt, 2);
      if (from) sqlite3_bind_text (stmt, 3, from, -1, SQLITE_STATIC); else sqlite3_bind_null (stmt, 3);
      if (to) sqlite3_bind_text (stmt, 4, to, -1, SQLITE_STATIC); else sqlite3_bind_null (stmt, 4);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          if (sqlite3_column_bytes (stmt, 0) != 32 || sqlite3_column_bytes (stmt, 1) != 16)
            continue;
          if (!func (sqlite3_column_blob (stmt, 0), sqlite3_column_blob (stmt, 1),
                     (const char *) sqlite3_column_text (stmt, 2), (const char *) sqlite3_column_text (stmt, 3),
                     sqlite3_column_int (stmt, 4) != 0, user_data))
            {
              rc = SQLITE_DONE;
              break;
            }
        }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "reading free text for quotes", error);
}

gboolean
sayso_analysis_db_set_picked (SaysoAnalysisDb  *db,
                              const guint8      kiosk[32],
                              const guint8      id[16],
                              const char       *question,
                              gboolean          picked,
                              GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && kiosk != NULL && id != NULL && question != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle,
                           picked ? "INSERT INTO picks (kiosk, id, question) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"
                                  : "DELETE FROM picks WHERE kiosk = ?1 AND id = ?2 AND question = ?3",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, kiosk, 32, SQLITE_STATIC);
      sqlite3_bind_blob (stmt, 2, id, 16, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, question, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, picked ? "picking a quote" : "unpicking a quote", error);
}

gboolean
sayso_analysis_db_quote_key (SaysoAnalysisDb  *db,
                             const guint8      fresh[32],
                             guint8            key[32],
                             GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && fresh != NULL && key != NULL, FALSE);

  /* Two "sayso quotes" at once both offer a key; the first one stays. */
  rc = sqlite3_prepare_v2 (db->handle, "INSERT INTO quote_key (one, key) VALUES (1, ?1) ON CONFLICT DO NOTHING",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_blob (stmt, 1, fresh, 32, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _sayso_analysis_db_fail (db, rc, "keeping the quotes' key", error);

  rc = sqlite3_prepare_v2 (db->handle, "SELECT key FROM quote_key WHERE one = 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == 32)
    {
      memcpy (key, sqlite3_column_blob (stmt, 0), 32);
      rc = SQLITE_DONE;
    }
  else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    rc = SQLITE_CORRUPT;
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "reading the quotes' key", error);
}
