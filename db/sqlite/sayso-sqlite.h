/* sayso-sqlite.h: what every database does with SQLite the same way: the
 * kiosk's store, the analysts' database, the collection service's.
 *
 * One mapping of SQLite's result codes to SAYSO_DB_ERROR, statements run
 * one by one so that an error names the one that failed, cached prepared
 * statements, and the making of a database's file, private from its first
 * byte. Private to db/: callers see only SaysoDbError.
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

#include "sayso-db-error.h"

G_BEGIN_DECLS

/* BUSY and LOCKED → BUSY; FULL → FULL; CORRUPT and NOTADB → CORRUPT; IOERR
 * (but the one below), CANTOPEN, READONLY and PERM → IO; anything else →
 * FAILED. A new connection that finds no room for the shared-memory index
 * says IOERR_SHMSIZE with ENOSPC, and that too is FULL. rc may be a primary
 * or an extended code; handle may be NULL. */
SaysoDbError sayso_sqlite_error_code     (sqlite3      *handle,
                                          int           rc);
gboolean     sayso_sqlite_is_full        (sqlite3      *handle,
                                          int           rc);

/* Sets “<path>: <doing> failed: <SQLite's message>” with the code above, and
 * returns FALSE. */
gboolean     sayso_sqlite_set_error      (GError      **error,
                                          sqlite3      *handle,
                                          int           rc,
                                          const char   *path,
                                          const char   *doing);

/* Runs each statement of sql in turn, as sqlite3_exec() does, stopping at
 * the first that fails. Returns SQLite's code; on failure, *failed (if not
 * NULL) is that statement's text, shortened to a line, for naming it in an
 * error. Only for statements written in the code: a value from outside is
 * always bound, never part of sql, so the text never holds an answer. */
int          sayso_sqlite_exec           (sqlite3      *handle,
                                          const char   *sql,
                                          char        **failed);
/* The same, with a GError that names the statement that failed. */
gboolean     sayso_sqlite_exec_checked   (sqlite3      *handle,
                                          const char   *path,
                                          const char   *sql,
                                          GError      **error) G_GNUC_WARN_UNUSED_RESULT;

/* A statement kept for the life of the connection: prepared on first use,
 * reset with its bindings cleared on the next. */
int          sayso_sqlite_prepare_cached (sqlite3      *handle,
                                          sqlite3_stmt **cache,
                                          const char   *sql);
/* Steps a statement once and resets it: SQLITE_OK if it ran (to its end,
 * or to a first row), SQLite's code if not. */
int          sayso_sqlite_step_reset     (sqlite3_stmt *stmt);
/* Copies a blob column of exactly size bytes; FALSE (out zeroed) if it
 * holds another size or is NULL. */
gboolean     sayso_sqlite_copy_blob      (sqlite3_stmt *stmt,
                                          int           column,
                                          guint8       *out,
                                          gsize         size);

/* Makes an empty file at path for SQLite to open: exclusively (EXISTS if
 * anything is there, a symbolic link included) and 0600 whatever the umask,
 * so that no other user can ever read it and no file is adopted that was
 * not made here; the folder is synced so that the name survives a power
 * cut. SQLite gives the -wal and -shm files the database's mode. what names
 * the file in the error: “the store”, “the collection database”. */
gboolean     sayso_sqlite_create_private_file (const char  *path,
                                               const char  *what,
                                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* Syncs the folder that holds path, so that a name made in it survives a
 * power cut: for a file made otherwise, such as a backup SQLite writes. A
 * file system that cannot sync a folder (EINVAL) is as durable as it gets. */
gboolean     sayso_sqlite_sync_folder    (const char  *path,
                                          GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
