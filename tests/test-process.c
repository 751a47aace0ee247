/* test-process: what every Sayso program sets up first. No core file (a
 * crash would write the answers in memory to the disk), private folders
 * made 0700 whatever the umask, and the resources the programs read. */
#define G_LOG_DOMAIN "test-process"

#include <glib/gstdio.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "sayso-process.h"
#include "sayso-questionnaire.h"
#include "sayso-test-utils.h"

static void
test_no_core_dumps (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit limit;

      /* As a shell with `ulimit -c unlimited` would have started it (as far
       * as the hard limit lets it). */
      g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
      limit.rlim_cur = limit.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), ==, 0);
      sayso_disable_core_dumps ();
      g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
      g_assert_cmpuint (limit.rlim_cur, ==, 0);
      g_assert_cmpuint (limit.rlim_max, ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* Negative control: a process that does not call it keeps the limit. */
static void
test_core_dumps_without_it (void)
{
  if (g_test_subprocess ())
    {
      struct rlimit limit;
      rlim_t hard;

      g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
      hard = limit.rlim_cur = limit.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_CORE, &limit), ==, 0);
      g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
      g_assert_cmpuint (limit.rlim_cur, ==, hard);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static guint
mode_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static void
test_private_dir (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *parent = g_build_filename (dir, "sayso", NULL);
  g_autofree char *child = g_build_filename (parent, "stores", NULL);
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_autofree char *under = g_build_filename (blocker, "sayso", NULL);
  g_autoptr(GError) error = NULL;
  mode_t old = umask (0);
  gboolean made = sayso_ensure_private_dir (child, &error);

  umask (old);
  g_assert_no_error (error);
  g_assert_true (made);
  g_assert_cmpuint (mode_of (parent), ==, 0700);
  g_assert_cmpuint (mode_of (child), ==, 0700);
  /* There already: nothing to do, and no error. */
  g_assert_true (sayso_ensure_private_dir (child, &error));
  g_assert_no_error (error);

  /* A file in the way: the folder named, nothing made. */
  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));
  g_assert_false (sayso_ensure_private_dir (under, &error));
  g_assert_true (error != NULL && error->domain == G_FILE_ERROR);
  g_assert_true (g_str_has_prefix (error->message, under));
  g_assert_false (g_file_test (under, G_FILE_TEST_EXISTS));

  test_remove_tree (dir);
}

/* The questionnaire and the demo key are built in: after sayso_init() they
 * are found without a file on the disk. */
static void
test_init_registers_resources (void)
{
  g_autoptr(SaysoQuestionnaire) survey = NULL;
  g_autoptr(GBytes) key = NULL;

  sayso_init ();
  survey = sayso_questionnaire_new_default ();
  g_assert_nonnull (survey);
  key = g_resources_lookup_data ("/org/sayso/Sayso/keys/demo-recipient.pub", G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_assert_nonnull (key);
  g_assert_cmpuint (g_bytes_get_size (key), >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/process/no-core-dumps", test_no_core_dumps);
  g_test_add_func ("/process/core-dumps-without-it", test_core_dumps_without_it);
  g_test_add_func ("/process/private-dir", test_private_dir);
  g_test_add_func ("/process/init-registers-resources", test_init_registers_resources);

  return g_test_run ();
}
