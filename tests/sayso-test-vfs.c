/* sayso-test-vfs.c: see sayso-test-vfs.h. Used by tests only. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "sayso-test-vfs.h"

typedef struct
{
  sqlite3_int64 offset;
  int           len;
  guint8       *old;     /* what was there before this write */
} Undo;

typedef struct
{
  sqlite3_file   base;
  sqlite3_file  *real;
  char          *path;
  gboolean       dirty;          /* written since the last sync */
  sqlite3_int64  synced_size;    /* the size at the last sync */
  GArray        *undo;           /* of Undo, since the last sync */
  GList         *link;
} ShimFile;

static sqlite3_vfs shim_vfs;
static sqlite3_vfs *real_vfs;
static sqlite3_io_methods shim_methods;
static GList *open_files;
static guint calls;
static guint cut_at;
static TestVfsFault fault;
static guint fault_at;
static guint read_calls;
static GArray *sync_calls;   /* which of the counted calls were syncs */

static void
undo_clear (ShimFile *f)
{
  for (guint i = 0; i < f->undo->len; i++)
    g_free (g_array_index (f->undo, Undo, i).old);
  g_array_set_size (f->undo, 0);
}

/* A power cut: the disk keeps only what was synced. */
static void G_GNUC_NORETURN
power_cut (void)
{
  for (GList *l = open_files; l; l = l->next)
    {
      ShimFile *f = l->data;

      for (guint i = f->undo->len; i > 0; i--)
        {
          Undo *u = &g_array_index (f->undo, Undo, i - 1);
          f->real->pMethods->xWrite (f->real, u->old, u->len, u->offset);
        }
      if (f->dirty)
        f->real->pMethods->xTruncate (f->real, f->synced_size);
      f->real->pMethods->xSync (f->real, SQLITE_SYNC_FULL);
    }
  /* The shared-memory index does not survive a reboot. */
  for (GList *l = open_files; l; l = l->next)
    {
      ShimFile *f = l->data;
      if (g_str_has_suffix (f->path, "-wal"))
        {
          g_autofree char *shm = g_strndup (f->path, strlen (f->path) - 4);
          g_autofree char *shm_path = g_strconcat (shm, "-shm", NULL);
          unlink (shm_path);
        }
    }
  _exit (0);
}

static gboolean
count_call (void)
{
  calls++;
  if (cut_at != 0 && calls >= cut_at)
    power_cut ();
  return fault != TEST_VFS_FAULT_NONE && calls == fault_at;
}

static int
shim_close (sqlite3_file *file)
{
  ShimFile *f = (ShimFile *) file;
  int rc = f->real->pMethods->xClose (f->real);

  open_files = g_list_delete_link (open_files, f->link);
  undo_clear (f);
  g_array_unref (f->undo);
  g_free (f->path);
  g_free (f->real);
  return rc;
}

static int
shim_read (sqlite3_file *file, void *buf, int amt, sqlite3_int64 offset)
{
  ShimFile *f = (ShimFile *) file;

  /* Apart from the write and sync count, which the other faults step through. */
  if (fault == TEST_VFS_FAULT_READ && ++read_calls >= fault_at)
    return SQLITE_IOERR_READ;
  return f->real->pMethods->xRead (f->real, buf, amt, offset);
}

static int
shim_write (sqlite3_file *file, const void *buf, int amt, sqlite3_int64 offset)
{
  ShimFile *f = (ShimFile *) file;
  sqlite3_int64 size = 0;
  gboolean fail = count_call ();

  if (fail && fault == TEST_VFS_FAULT_WRITE)
    return SQLITE_IOERR_WRITE;
  if (fault == TEST_VFS_FAULT_FULL)
    return SQLITE_FULL;

  f->real->pMethods->xFileSize (f->real, &size);
  if (!f->dirty)
    {
      f->dirty = TRUE;
      f->synced_size = size;
    }
  if (offset < f->synced_size)
    {
      Undo u;
      u.offset = offset;
      u.len = (int) MIN ((sqlite3_int64) amt, f->synced_size - offset);
      u.old = g_malloc0 (u.len);
      f->real->pMethods->xRead (f->real, u.old, u.len, offset);
      g_array_append_val (f->undo, u);
    }

  if (fail && fault == TEST_VFS_FAULT_SHORT_WRITE)
    {
      f->real->pMethods->xWrite (f->real, buf, amt / 2, offset);
      return SQLITE_FULL;
    }
  return f->real->pMethods->xWrite (f->real, buf, amt, offset);
}

static int
shim_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  ShimFile *f = (ShimFile *) file;
  sqlite3_int64 old = 0;

  f->real->pMethods->xFileSize (f->real, &old);
  if (!f->dirty)
    {
      f->dirty = TRUE;
      f->synced_size = old;
    }
  if (size < old && size < f->synced_size)
    {
      Undo u;
      u.offset = size;
      u.len = (int) (f->synced_size - size);
      u.old = g_malloc0 (u.len);
      f->real->pMethods->xRead (f->real, u.old, u.len, size);
      g_array_append_val (f->undo, u);
    }
  return f->real->pMethods->xTruncate (f->real, size);
}

static int
shim_sync (sqlite3_file *file, int flags)
{
  ShimFile *f = (ShimFile *) file;
  gboolean fail = count_call ();
  int rc;

  if (sync_calls == NULL)
    sync_calls = g_array_new (FALSE, FALSE, sizeof (guint));
  g_array_append_val (sync_calls, calls);

  if (fail && fault == TEST_VFS_FAULT_SYNC)
    return SQLITE_IOERR_FSYNC;

  rc = f->real->pMethods->xSync (f->real, flags);
  if (rc == SQLITE_OK)
    {
      undo_clear (f);
      f->dirty = FALSE;
      f->real->pMethods->xFileSize (f->real, &f->synced_size);
    }
  return rc;
}

#define FORWARD(name, proto, args) \
  static int shim_##name proto { ShimFile *f = (ShimFile *) file; return f->real->pMethods->x##name args; }

FORWARD (FileSize, (sqlite3_file *file, sqlite3_int64 *size), (f->real, size))
FORWARD (Lock, (sqlite3_file *file, int lock), (f->real, lock))
FORWARD (Unlock, (sqlite3_file *file, int lock), (f->real, lock))
FORWARD (CheckReservedLock, (sqlite3_file *file, int *out), (f->real, out))
FORWARD (FileControl, (sqlite3_file *file, int op, void *arg), (f->real, op, arg))
FORWARD (SectorSize, (sqlite3_file *file), (f->real))
FORWARD (DeviceCharacteristics, (sqlite3_file *file), (f->real))
FORWARD (ShmMap, (sqlite3_file *file, int page, int size, int extend, void volatile **out), (f->real, page, size, extend, out))
FORWARD (ShmLock, (sqlite3_file *file, int offset, int n, int flags), (f->real, offset, n, flags))
FORWARD (ShmUnmap, (sqlite3_file *file, int delete_flag), (f->real, delete_flag))
FORWARD (Fetch, (sqlite3_file *file, sqlite3_int64 offset, int amt, void **out), (f->real, offset, amt, out))
FORWARD (Unfetch, (sqlite3_file *file, sqlite3_int64 offset, void *p), (f->real, offset, p))

static void
shim_ShmBarrier (sqlite3_file *file)
{
  ShimFile *f = (ShimFile *) file;
  f->real->pMethods->xShmBarrier (f->real);
}

static int
shim_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  ShimFile *f = (ShimFile *) file;
  int rc;

  memset (f, 0, sizeof *f);
  f->real = g_malloc0 (real_vfs->szOsFile);
  rc = real_vfs->xOpen (real_vfs, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK)
    {
      g_free (f->real);
      f->base.pMethods = NULL;
      return rc;
    }
  f->base.pMethods = &shim_methods;
  f->path = g_strdup (name ? name : "");
  f->undo = g_array_new (FALSE, FALSE, sizeof (Undo));
  f->real->pMethods->xFileSize (f->real, &f->synced_size);
  open_files = g_list_prepend (open_files, f);
  f->link = open_files;
  return SQLITE_OK;
}

#define VFS_FORWARD(name, proto, args) \
  static int vfs_##name proto { return real_vfs->x##name args; }

VFS_FORWARD (Delete, (sqlite3_vfs *v, const char *name, int sync_dir), (real_vfs, name, sync_dir))
VFS_FORWARD (Access, (sqlite3_vfs *v, const char *name, int flags, int *out), (real_vfs, name, flags, out))
VFS_FORWARD (FullPathname, (sqlite3_vfs *v, const char *name, int n, char *out), (real_vfs, name, n, out))
VFS_FORWARD (Randomness, (sqlite3_vfs *v, int n, char *out), (real_vfs, n, out))
VFS_FORWARD (Sleep, (sqlite3_vfs *v, int us), (real_vfs, us))
VFS_FORWARD (CurrentTime, (sqlite3_vfs *v, double *out), (real_vfs, out))
VFS_FORWARD (GetLastError, (sqlite3_vfs *v, int n, char *out), (real_vfs, n, out))
VFS_FORWARD (CurrentTimeInt64, (sqlite3_vfs *v, sqlite3_int64 *out), (real_vfs, out))

void
test_vfs_install (void)
{
  if (real_vfs == NULL)
    {
      real_vfs = sqlite3_vfs_find (NULL);
      shim_methods = (sqlite3_io_methods) {
        .iVersion = 3,
        .xClose = shim_close, .xRead = shim_read, .xWrite = shim_write, .xTruncate = shim_truncate,
        .xSync = shim_sync, .xFileSize = shim_FileSize, .xLock = shim_Lock, .xUnlock = shim_Unlock,
        .xCheckReservedLock = shim_CheckReservedLock, .xFileControl = shim_FileControl,
        .xSectorSize = shim_SectorSize, .xDeviceCharacteristics = shim_DeviceCharacteristics,
        .xShmMap = shim_ShmMap, .xShmLock = shim_ShmLock, .xShmBarrier = shim_ShmBarrier,
        .xShmUnmap = shim_ShmUnmap, .xFetch = shim_Fetch, .xUnfetch = shim_Unfetch,
      };
      shim_vfs = *real_vfs;
      shim_vfs.zName = "sayso-test-shim";
      shim_vfs.szOsFile = sizeof (ShimFile);
      shim_vfs.pNext = NULL;
      shim_vfs.xOpen = shim_open;
      shim_vfs.xDelete = vfs_Delete;
      shim_vfs.xAccess = vfs_Access;
      shim_vfs.xFullPathname = vfs_FullPathname;
      shim_vfs.xRandomness = vfs_Randomness;
      shim_vfs.xSleep = vfs_Sleep;
      shim_vfs.xCurrentTime = vfs_CurrentTime;
      shim_vfs.xGetLastError = vfs_GetLastError;
      shim_vfs.xCurrentTimeInt64 = vfs_CurrentTimeInt64;
    }
  sqlite3_vfs_register (&shim_vfs, 1);
}

void
test_vfs_uninstall (void)
{
  sqlite3_vfs_unregister (&shim_vfs);
  if (real_vfs)
    sqlite3_vfs_register (real_vfs, 1);
}

void
test_vfs_power_cut_after (guint n_calls)
{
  calls = 0;
  cut_at = n_calls;
}

void
test_vfs_set_fault (TestVfsFault what,
                    guint        at_call)
{
  calls = 0;
  read_calls = 0;
  if (sync_calls != NULL)
    g_array_set_size (sync_calls, 0);
  fault = what;
  fault_at = at_call;
}

guint
test_vfs_get_calls (void)
{
  return calls;
}

guint
test_vfs_get_sync_call (guint nth)
{
  return sync_calls != NULL && nth < sync_calls->len ? g_array_index (sync_calls, guint, nth) : 0;
}

static gboolean private_mounts;

struct _TestFullDisk
{
  char     *dir;
  char     *filler;
  gboolean  mounted;
};

TestFullDisk *
test_full_disk_new (gsize size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *options = g_strdup_printf ("size=%" G_GSIZE_FORMAT ",mode=0700", size);
  TestFullDisk *disk = g_new0 (TestFullDisk, 1);

  disk->dir = g_dir_make_tmp ("sayso-full-XXXXXX", &error);
  g_assert_no_error (error);
  disk->filler = g_build_filename (disk->dir, "filler", NULL);
  /* In a mount namespace of the test's own (this thread's, which children
   * it starts share), so that a test that fails half way leaves no mount
   * behind on the machine. */
  if (!private_mounts)
    private_mounts = unshare (CLONE_NEWNS) == 0 && mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0;
  disk->mounted = mount ("tmpfs", disk->dir, "tmpfs", MS_NOSUID | MS_NODEV, options) == 0;
  if (!disk->mounted)
    {
      g_test_message ("cannot mount a tmpfs (%s): a full disk through the VFS shim instead", g_strerror (errno));
      test_vfs_install ();
      test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
    }
  return disk;
}

const char *
test_full_disk_get_dir (TestFullDisk *disk)
{
  return disk->dir;
}

gboolean
test_full_disk_is_real (TestFullDisk *disk)
{
  return disk->mounted;
}

/* Every byte taken, as a disk that filled up while the kiosk ran. */
void
test_full_disk_fill (TestFullDisk *disk)
{
  static const guint8 block[65536];
  int fd;

  if (!disk->mounted)
    {
      test_vfs_set_fault (TEST_VFS_FAULT_FULL, 0);
      return;
    }

  fd = g_open (disk->filler, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  g_assert_cmpint (fd, >=, 0);
  for (gsize chunk = sizeof block; chunk > 0; chunk /= 2)
    while (write (fd, block, chunk) == (gssize) chunk)
      ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
}

void
test_full_disk_make_room (TestFullDisk *disk)
{
  if (!disk->mounted)
    test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  else
    g_assert_cmpint (g_unlink (disk->filler), ==, 0);
}

void
test_full_disk_free (TestFullDisk *disk)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (disk == NULL)
    return;
  if ((dir = g_dir_open (disk->dir, 0, NULL)))
    while ((name = g_dir_read_name (dir)))
      {
        g_autofree char *path = g_build_filename (disk->dir, name, NULL);
        g_unlink (path);
      }
  if (disk->mounted)
    g_assert_cmpint (umount2 (disk->dir, MNT_DETACH), ==, 0);
  else
    {
      test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
      test_vfs_uninstall ();
    }
  g_rmdir (disk->dir);
  g_free (disk->filler);
  g_free (disk->dir);
  g_free (disk);
}
