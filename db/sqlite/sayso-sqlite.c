/* sayso-sqlite.c: what every database does with SQLite the same way. */
#define G_LOG_DOMAIN "sayso-sqlite"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sayso-sqlite.h"

/* Long enough to tell the statements of a migration apart. */
#define STATEMENT_NAME_CHARS 80

G_DEFINE_QUARK (sayso-db-error-quark, sayso_db_error)

gboolean
sayso_sqlite_is_full (sqlite3 *handle,
                      int      rc)
{
  return (rc & 0xff) == SQLITE_FULL ||
         (rc == SQLITE_IOERR_SHMSIZE && handle != NULL && sqlite3_system_errno (handle) == ENOSPC);
}

SaysoDbError
sayso_sqlite_error_code (sqlite3 *handle,
                         int      rc)
{
  if (sayso_sqlite_is_full (handle, rc))
    return SAYSO_DB_ERROR_FULL;

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SAYSO_DB_ERROR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return SAYSO_DB_ERROR_CORRUPT;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return SAYSO_DB_ERROR_IO;
    default:
      return SAYSO_DB_ERROR_FAILED;
    }
}

gboolean
sayso_sqlite_set_error (GError     **error,
                        sqlite3     *handle,
                        int          rc,
                        const char  *path,
                        const char  *doing)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (doing != NULL, FALSE);

  g_set_error (error, SAYSO_DB_ERROR, sayso_sqlite_error_code (handle, rc),
               "%s: %s failed: %s", path, doing,
               handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
  return FALSE;
}

/* A statement as an error names it: on one line, and not a page long. */
static char *
statement_name (const char *start,
                gsize       length)
{
  g_autofree char *text = g_strstrip (g_strndup (start, length));
  GString *name = g_string_new ("“");
  gboolean space = FALSE;
  glong n = 0;

  for (const char *p = text; *p != '\0' && n < STATEMENT_NAME_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          space = TRUE;
          continue;
        }
      if (space)
        {
          g_string_append_c (name, ' ');
          n++;
          space = FALSE;
        }
      g_string_append_unichar (name, c);
      n++;
    }
  if (g_utf8_strlen (text, -1) > n)
    g_string_append (name, "…");
  g_string_append (name, "”");
  return g_string_free (name, FALSE);
}

int
sayso_sqlite_exec (sqlite3     *handle,
                   const char  *sql,
                   char       **failed)
{
  const char *next = sql;

  g_return_val_if_fail (handle != NULL, SQLITE_MISUSE);
  g_return_val_if_fail (sql != NULL, SQLITE_MISUSE);

  while (*next != '\0')
    {
      sqlite3_stmt *stmt = NULL;
      const char *start = next;
      const char *tail = NULL;
      int rc;

      rc = sqlite3_prepare_v2 (handle, start, -1, &stmt, &tail);
      if (rc == SQLITE_OK && stmt != NULL)
        {
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            ;
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
      if (rc != SQLITE_OK)
        {
          if (failed != NULL)
            {
              /* Of a statement that would not even prepare, the tail is
               * where SQLite stopped reading: it ends at its semicolon. */
              const char *end = stmt != NULL ? tail : strchr (start, ';');
              gsize length = end == NULL ? strlen (start) : (gsize) (end - start) + (stmt != NULL ? 0 : 1);

              *failed = statement_name (start, length);
            }
          /* Finalizing a statement that failed keeps its message for sqlite3_errmsg(). */
          sqlite3_finalize (stmt);
          return rc;
        }
      sqlite3_finalize (stmt);
      if (tail == NULL || tail <= start)
        break;
      next = tail;
    }

  return SQLITE_OK;
}

gboolean
sayso_sqlite_exec_checked (sqlite3     *handle,
                           const char  *path,
                           const char  *sql,
                           GError     **error)
{
  g_autofree char *failed = NULL;
  int rc;

  g_return_val_if_fail (handle != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (sql != NULL, FALSE);

  rc = sayso_sqlite_exec (handle, sql, &failed);
  if (rc != SQLITE_OK)
    return sayso_sqlite_set_error (error, handle, rc, path, failed);

  return TRUE;
}

int
sayso_sqlite_prepare_cached (sqlite3       *handle,
                             sqlite3_stmt **cache,
                             const char    *sql)
{
  g_return_val_if_fail (handle != NULL, SQLITE_MISUSE);
  g_return_val_if_fail (cache != NULL, SQLITE_MISUSE);

  if (*cache != NULL)
    {
      sqlite3_reset (*cache);
      sqlite3_clear_bindings (*cache);
      return SQLITE_OK;
    }

  return sqlite3_prepare_v3 (handle, sql, -1, SQLITE_PREPARE_PERSISTENT, cache, NULL);
}

int
sayso_sqlite_step_reset (sqlite3_stmt *stmt)
{
  int rc;

  g_return_val_if_fail (stmt != NULL, SQLITE_MISUSE);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

gboolean
sayso_sqlite_copy_blob (sqlite3_stmt *stmt,
                        int           column,
                        guint8       *out,
                        gsize         size)
{
  const void *blob;

  g_return_val_if_fail (stmt != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  blob = sqlite3_column_blob (stmt, column);
  if (blob == NULL || (gsize) sqlite3_column_bytes (stmt, column) != size)
    {
      memset (out, 0, size);
      return FALSE;
    }
  memcpy (out, blob, size);
  return TRUE;
}

/* Some file systems cannot sync a folder, and say so with EINVAL: there,
 * as on a folder that syncs, the name is as durable as it can be made. */
static gboolean
sync_folder (const char  *path,
             int         *saved_errno)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    {
      *saved_errno = errno;
      return FALSE;
    }
  ok = fsync (fd) == 0 || errno == EINVAL;
  *saved_errno = errno;
  close (fd);
  return ok;
}

gboolean
sayso_sqlite_sync_folder (const char  *path,
                          GError     **error)
{
  int saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sync_folder (path, &saved))
    {
      g_autofree char *folder = g_path_get_dirname (path);

      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO,
                   "%s: cannot sync the folder: %s", folder, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
sayso_sqlite_create_private_file (const char  *path,
                                  const char  *what,
                                  GError     **error)
{
  int fd, saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (what != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The mode is given to open(), never set afterwards: between a create
   * under the umask and a chmod, another user could open the file and keep
   * it open. A umask can only take bits away from 0600. O_EXCL also
   * refuses a symbolic link, dangling or not. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, SAYSO_DB_ERROR,
                   saved == EEXIST ? SAYSO_DB_ERROR_EXISTS : SAYSO_DB_ERROR_IO,
                   "%s: cannot create %s: %s", path, what, g_strerror (saved));
      return FALSE;
    }

  close (fd);

  if (!sync_folder (path, &saved))
    {
      g_unlink (path);
      g_set_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_IO,
                   "%s: cannot create %s: its folder could not be synced: %s", path, what, g_strerror (saved));
      return FALSE;
    }

  return TRUE;
}
