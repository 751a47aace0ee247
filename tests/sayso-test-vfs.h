/* sayso-test-vfs.h: an SQLite VFS shim for the durability tests.
 *
 * It wraps the default VFS and can (1) simulate a power cut: every write not
 * yet made durable by a sync is undone on disk, then the process ends at
 * once; (2) make the Nth write or sync fail, or write short. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  TEST_VFS_FAULT_NONE,
  TEST_VFS_FAULT_WRITE,        /* xWrite returns SQLITE_IOERR_WRITE */
  TEST_VFS_FAULT_SHORT_WRITE,  /* xWrite writes half, then SQLITE_FULL (a disk filling up) */
  TEST_VFS_FAULT_SYNC,         /* xSync returns SQLITE_IOERR_FSYNC */
  TEST_VFS_FAULT_READ,         /* every xRead from the Nth on returns SQLITE_IOERR_READ (reads counted apart) */
  TEST_VFS_FAULT_FULL,         /* every xWrite returns SQLITE_FULL, writing nothing, until cleared (at_call unused) */
} TestVfsFault;

void   test_vfs_install          (void);
void   test_vfs_uninstall        (void);
/* Cut the power at the Nth write or sync from now (0: never). */
void   test_vfs_power_cut_after  (guint        n_calls);
void   test_vfs_set_fault        (TestVfsFault fault,
                                  guint        at_call);
guint  test_vfs_get_calls        (void);
/* Which call, counted as test_vfs_get_calls() counts, the nth sync since
 * the last test_vfs_set_fault() was; 0 past the last. */
guint  test_vfs_get_sync_call    (guint        nth);

/* A disk that fills up and is freed again, for the full-disk tests: a small
 * tmpfs mounted on a fresh folder (the tests run as root, as CI does), or,
 * where mounting is not permitted, the shim above refusing every write with
 * SQLITE_FULL while "full" (then only this process sees a full disk, and the
 * shim is installed from test_full_disk_new() to test_full_disk_free()). */
typedef struct _TestFullDisk TestFullDisk;

TestFullDisk *test_full_disk_new        (gsize         size);
const char   *test_full_disk_get_dir    (TestFullDisk *disk);
gboolean      test_full_disk_is_real    (TestFullDisk *disk);
void          test_full_disk_fill       (TestFullDisk *disk);
void          test_full_disk_make_room  (TestFullDisk *disk);
void          test_full_disk_free       (TestFullDisk *disk);

G_END_DECLS
