/* sayso-part-file.c: the hidden file a bundle is written to before it is
 * named.
 *
 * Its writer holds an exclusive lock on it for as long as it writes: what
 * nobody holds is a crash's leftover, which the outbox removes when it opens
 * (sayso-outbox.c, remove_stale_parts), in this process or another, even
 * while an export writes into the outbox (`sayso export` with no --to).
 */
#define G_LOG_DOMAIN "sayso-part-file"

#include "sayso-part-file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

/**
 * sayso_part_file_make:
 * @dir: the folder the bundle will be named in
 * @name: the bundle's file name
 * @mode: the new file's mode
 * @tmp_path: (out): the part-file's path, ".NAME.part-XXXXXX" in @dir
 *
 * Makes a new part-file, never opening an existing one, and locks it. The
 * lock is taken after the file is made, so a cleaner may have removed it in
 * between: then another is made. Where the file system has no locks (a
 * stick may not), the file is written unlocked: nothing cleans there.
 *
 * Returns: its descriptor, or -1 with errno set (and *@tmp_path %NULL)
 */
int
sayso_part_file_make (const char  *dir,
                      const char  *name,
                      int          mode,
                      char       **tmp_path)
{
  g_return_val_if_fail (dir != NULL && name != NULL && tmp_path != NULL, -1);

  *tmp_path = NULL;
  for (guint tries = 0; tries < 8; tries++)
    {
      g_autofree char *path = g_strdup_printf ("%s/.%s.part-XXXXXX", dir, name);
      struct stat st;
      int fd = g_mkstemp_full (path, O_WRONLY | O_CLOEXEC, mode);

      if (fd < 0)
        return -1;
      if (flock (fd, LOCK_EX) != 0 || (fstat (fd, &st) == 0 && st.st_nlink > 0))
        {
          *tmp_path = g_steal_pointer (&path);
          return fd;
        }
      close (fd);
    }
  errno = EAGAIN;
  return -1;
}
