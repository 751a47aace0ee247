/* sayso-analysis-db-report.c: the report's queries on an analysis database.
 *
 * Part of SaysoAnalysisDb (sayso-analysis-db.c): counts of responses and
 * answers summed from the counters over a site and a span of days, free
 * text for quotes, responses for the CSV, the sites. Apart because they
 * only read, and what they read is what sayso-analysis-db.c wrote.
 */
#define G_LOG_DOMAIN "sayso-analysis-db"

#include <sqlite3.h>
#include <string.h>

#include "sayso-analysis-db-private.h"
#include "sayso-sqlite.h"

static void
bind_filter (sqlite3_stmt              *stmt,
             int                        first,
             const SaysoAnalysisFilter *filter)
{
  const char *site = filter ? filter->site : NULL;
  const char *from = filter ? filter->from : NULL;
  const char *to = filter ? filter->to : NULL;

  if (site) sqlite3_bind_text (stmt, first, site, -1, SQLITE_TRANSIENT); else sqlite3_bind_null (stmt, first);
  if (from) sqlite3_bind_text (stmt, first + 1, from, -1, SQLITE_TRANSIENT); else sqlite3_bind_null (stmt, first + 1);
  if (to) sqlite3_bind_text (stmt, first + 2, to, -1, SQLITE_TRANSIENT); else sqlite3_bind_null (stmt, first + 2);
}

#define FILTER_SQL(n1, n2, n3) \
  " (?" #n1 " IS NULL OR site = ?" #n1 ") AND (?" #n2 " IS NULL OR day >= ?" #n2 ") AND (?" #n3 " IS NULL OR day <= ?" #n3 ")"

gboolean
sayso_analysis_db_count_responses (SaysoAnalysisDb           *db,
                                   const SaysoAnalysisFilter *filter,
                                   gint64                    *total,
                                   gint64                     by_mode[3],
                                   GError                   **error)
{
  static const char * const modes[] = { "self", "staff", "paper" };
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL, FALSE);

  if (total)
    *total = 0;
  if (by_mode)
    memset (by_mode, 0, 3 * sizeof (gint64));

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT mode, count(*) FROM responses WHERE" FILTER_SQL (1, 2, 3) " GROUP BY mode",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      bind_filter (stmt, 1, filter);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *mode = (const char *) sqlite3_column_text (stmt, 0);
          gint64 n = sqlite3_column_int64 (stmt, 1);

          if (total)
            *total += n;
          for (guint i = 0; by_mode && i < G_N_ELEMENTS (modes); i++)
            if (g_strcmp0 (mode, modes[i]) == 0)
              by_mode[i] += n;
        }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "counting responses", error);
}

gboolean
sayso_analysis_db_count_answers (SaysoAnalysisDb           *db,
                                 const SaysoAnalysisFilter *filter,
                                 const char                *question,
                                 GHashTable               **counts,
                                 gint64                    *n_answered,
                                 GError                   **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && question != NULL && counts != NULL, FALSE);

  /* Inside a transaction, the counts so far include what it has added. */
  if (!_sayso_analysis_db_flush_tallies (db, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT value, sum(n) FROM counts WHERE question = ?1 AND" FILTER_SQL (2, 3, 4)
                           " GROUP BY value", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, question, -1, SQLITE_STATIC);
      bind_filter (stmt, 2, filter);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 *n = g_new (gint64, 1);
          *n = sqlite3_column_int64 (stmt, 1);
          g_hash_table_insert (table, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), n);
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _sayso_analysis_db_fail (db, rc, "counting answers", error);

  if (n_answered)
    {
      *n_answered = 0;
      rc = sqlite3_prepare_v2 (db->handle,
                               "SELECT coalesce(sum(n), 0) FROM answered WHERE question = ?1 AND" FILTER_SQL (2, 3, 4),
                               -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, question, -1, SQLITE_STATIC);
          bind_filter (stmt, 2, filter);
          if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              *n_answered = sqlite3_column_int64 (stmt, 0);
              rc = SQLITE_DONE;
            }
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return _sayso_analysis_db_fail (db, rc, "counting answers", error);
    }

  *counts = g_steal_pointer (&table);
  return TRUE;
}

gboolean
sayso_analysis_db_foreach_text (SaysoAnalysisDb           *db,
                                const SaysoAnalysisFilter *filter,
                                const char                *question,
                                SaysoAnalysisTextFunc      func,
                                gpointer                   user_data,
                                GError                   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && question != NULL && func != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT site, value FROM texts WHERE question = ?1 AND" FILTER_SQL (2, 3, 4)
                           " ORDER BY site, value", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, question, -1, SQLITE_STATIC);
      bind_filter (stmt, 2, filter);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        if (!func ((const char *) sqlite3_column_text (stmt, 0), (const char *) sqlite3_column_text (stmt, 1), user_data))
          {
            rc = SQLITE_DONE;
            break;
          }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "reading free text", error);
}

gboolean
sayso_analysis_db_foreach_response (SaysoAnalysisDb           *db,
                                    const SaysoAnalysisFilter *filter,
                                    SaysoAnalysisRowFunc       func,
                                    gpointer                   user_data,
                                    GError                   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && func != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle,
                           /* Never the kiosk's record id, nor in its order. */
                           "SELECT lower(hex(response_id)), day, mode, site, language, questionnaire, version, answers, kiosk"
                           " FROM responses WHERE" FILTER_SQL (1, 2, 3) " ORDER BY site, day, response_id", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      bind_filter (stmt, 1, filter);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        if (!func ((const char *) sqlite3_column_text (stmt, 0), (const char *) sqlite3_column_text (stmt, 1),
                   (const char *) sqlite3_column_text (stmt, 2), (const char *) sqlite3_column_text (stmt, 3),
                   sqlite3_column_blob (stmt, 8), (gsize) sqlite3_column_bytes (stmt, 8),
                   (const char *) sqlite3_column_text (stmt, 4), (const char *) sqlite3_column_text (stmt, 5),
                   sqlite3_column_int64 (stmt, 6), (const char *) sqlite3_column_text (stmt, 7), user_data))
          {
            rc = SQLITE_DONE;
            break;
          }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "reading responses", error);
}

gboolean
sayso_analysis_db_list_sites (SaysoAnalysisDb  *db,
                              GStrv            *sites,
                              GError          **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && sites != NULL, FALSE);

  rc = sqlite3_prepare_v2 (db->handle, "SELECT DISTINCT site FROM responses ORDER BY site", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _sayso_analysis_db_fail (db, rc, "listing sites", error);

  *sites = g_strv_builder_end (builder);
  return TRUE;
}

gboolean
sayso_analysis_db_max_text_bytes (SaysoAnalysisDb           *db,
                                  const SaysoAnalysisFilter *filter,
                                  const char                *question,
                                  gint64                    *max_bytes,
                                  GError                   **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (db != NULL && question != NULL && max_bytes != NULL, FALSE);

  *max_bytes = 0;
  rc = sqlite3_prepare_v2 (db->handle,
                           "SELECT coalesce(max(length(CAST(value AS BLOB))), 0) FROM texts WHERE question = ?1 AND"
                           FILTER_SQL (2, 3, 4), -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, question, -1, SQLITE_STATIC);
      bind_filter (stmt, 2, filter);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          *max_bytes = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_DONE;
        }
    }
  sqlite3_finalize (stmt);
  return rc == SQLITE_DONE ? TRUE : _sayso_analysis_db_fail (db, rc, "measuring free text", error);
}
