/* sayso-db-internal.h: what the files of SaysoDb share.
 *
 * SaysoDb is one unit over several files (sayso-db.c, sayso-db-responses.c,
 * sayso-db-settings.c, sayso-db-slots.c, sayso-db-settle.c); this is their
 * struct and the helpers more than one of them calls. Nothing outside db/
 * includes it: the test seams stay apart in sayso-db-private.h.
 */
#pragma once

#include <sqlite3.h>

#include "sayso-db-private.h"

G_BEGIN_DECLS

struct _SaysoDb
{
  sqlite3      *handle;
  char         *path;
  int           schema_version;
  sqlite3_stmt *insert_stmt;
  sqlite3_stmt *count_stmt;
  /* Set after an I/O error while writing. After a failed fsync the kernel may
   * have dropped the dirty pages and a retried fsync can falsely succeed, so
   * nothing more is written through this handle: the program must reopen the
   * store, and SQLite's recovery reads what truly reached the disk. A full
   * disk does not set it: the kernel took none of the bytes it refused. */
  gboolean      poisoned;
  int           busy_timeout;
  /* Test seams for the arrival-order test's negative controls. */
  gboolean      first_free_slot;
  gboolean      keep_wal;
  gboolean      keep_wal_index;
  gboolean      keep_row_order;
  /* Rows were added to responses since it was last laid in key order. */
  gboolean      rows_unordered;
  /* Writes leave the WAL to sayso_db_settle(); unsettled until it ran. */
  gboolean      settle_later;
  gboolean      unsettled;
};

/* Errors (sayso-db.c): a failed write or sync stops the handle writing. */
gboolean _sayso_db_set_error       (SaysoDb     *db,
                                    int          rc,
                                    const char  *doing,
                                    GError     **error);
gboolean _sayso_db_set_write_error (SaysoDb     *db,
                                    int          rc,
                                    const char  *doing,
                                    GError     **error);
gboolean _sayso_db_writable        (SaysoDb     *db,
                                    GError     **error);
gboolean _sayso_db_exec            (SaysoDb     *db,
                                    const char  *sql,
                                    GError     **error);
int      _sayso_db_query_int       (SaysoDb     *db,
                                    const char  *sql,
                                    int         *out);
gboolean _sayso_db_prepare         (SaysoDb       *db,
                                    sqlite3_stmt **cache,
                                    const char    *sql,
                                    GError       **error);

/* Settling the WAL (sayso-db-settle.c). */
gboolean _sayso_db_settle_wal      (SaysoDb     *db,
                                    gboolean     wait);
void     _sayso_db_wrote           (SaysoDb     *db);

/* The pool of slots (sayso-db-slots.c). */
int      _sayso_db_take_free_slot  (SaysoDb       *db,
                                    gint64         size,
                                    gint64        *slot);
int      _sayso_db_write_slot      (SaysoDb       *db,
                                    gint64         slot,
                                    gconstpointer  data,
                                    gsize          size);
int      _sayso_db_wipe_slot       (SaysoDb       *db,
                                    gint64         slot,
                                    gsize          size);
int      _sayso_db_exec_int64      (SaysoDb       *db,
                                    const char    *sql,
                                    gint64         a,
                                    gint64         b);

G_END_DECLS
