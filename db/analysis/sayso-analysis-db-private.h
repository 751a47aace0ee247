/* sayso-analysis-db-private.h: what the files of SaysoAnalysisDb share.
 *
 * SaysoAnalysisDb is one unit over three files (sayso-analysis-db.c,
 * sayso-analysis-db-quarantine.c, sayso-analysis-db-report.c); this is
 * their struct and the helpers more than one of them calls. Nothing
 * outside db/ includes it.
 */
#pragma once

#include <sqlite3.h>

#include "sayso-analysis-db.h"

G_BEGIN_DECLS

struct _SaysoAnalysisDb
{
  sqlite3      *handle;
  char         *path;
  sqlite3_stmt *insert_response;
  sqlite3_stmt *find_response;
  sqlite3_stmt *find_quarantined;
  sqlite3_stmt *count_answer;
  sqlite3_stmt *count_answered;
  sqlite3_stmt *insert_text;

  /* Counters not yet written: key → Tally, see tally_add(). */
  GHashTable   *tallies;
  GString      *key;
};

gboolean _sayso_analysis_db_fail          (SaysoAnalysisDb  *db,
                                           int               rc,
                                           const char       *doing,
                                           GError          **error);
/* Writes the counters tallied in memory (see tally_add()). */
gboolean _sayso_analysis_db_flush_tallies (SaysoAnalysisDb  *db,
                                           GError          **error);
gboolean _sayso_analysis_db_find_record   (SaysoAnalysisDb  *db,
                                           gboolean          in_quarantine,
                                           const guint8      id[16],
                                           const guint8      kiosk_pk[32],
                                           const guint8      hash[32],
                                           gboolean         *found,
                                           gboolean         *same,
                                           gint64           *row,
                                           GError          **error);

G_END_DECLS
