/* test-part-file: the hidden file a bundle is written to is new, private to
 * its writer while written, and told from a crash's leftover by its lock. */
#define G_LOG_DOMAIN "test-part-file"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sayso-part-file.h"
#include "sayso-test-utils.h"

#define NAME "sayso-liverpool-0a1b2c3d-2026-12-01-0001.sayso"

/* Whether another open file of @path could take the lock, as the outbox's
 * cleaner tries before it removes a part-file. */
static gboolean
lock_free (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean free_;

  g_assert_cmpint (fd, >=, 0);
  free_ = flock (fd, LOCK_EX | LOCK_NB) == 0;
  close (fd);
  return free_;
}

/* Made new, in the pattern the cleaner knows, with the mode asked for, and
 * held while its writer has it open; free once closed (the control: the
 * same check sees a leftover's lock as free). */
static void
test_made_and_held (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  struct stat st;
  int fd = sayso_part_file_make (dir, NAME, 0600, &path);

  g_assert_cmpint (fd, >=, 0);
  g_assert_nonnull (path);
  base = g_path_get_basename (path);
  g_assert_true (g_str_has_prefix (base, "." NAME ".part-"));
  g_assert_cmpuint (strlen (base), ==, strlen ("." NAME ".part-") + 6);
  g_assert_cmpint (fstat (fd, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 0);
  g_assert_false (lock_free (path));
  close (fd);
  g_assert_true (lock_free (path));
  g_unlink (path);
  test_remove_tree (dir);
}

/* Two writers of the same bundle never share a file. */
static void
test_never_shared (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  int fa = sayso_part_file_make (dir, NAME, 0644, &a);
  int fb = sayso_part_file_make (dir, NAME, 0644, &b);

  g_assert_cmpint (fa, >=, 0);
  g_assert_cmpint (fb, >=, 0);
  g_assert_cmpstr (a, !=, b);
  close (fa);
  close (fb);
  g_unlink (a);
  g_unlink (b);
  test_remove_tree (dir);
}

/* A folder it cannot write in: -1, errno said, no path. */
static void
test_failure_said (void)
{
  g_autofree char *path = NULL;
  int fd = sayso_part_file_make ("/nonexistent-sayso-folder", NAME, 0600, &path);

  g_assert_cmpint (fd, ==, -1);
  g_assert_cmpint (errno, ==, ENOENT);
  g_assert_null (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/part-file/made-and-held", test_made_and_held);
  g_test_add_func ("/part-file/never-shared", test_never_shared);
  g_test_add_func ("/part-file/failure-said", test_failure_said);
  return g_test_run ();
}
