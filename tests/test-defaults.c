/* test-defaults: where the store lives when no --store is given, and the
 * demo store made there the first time, sealed to the published demo key
 * in a folder of the user's own. A path that is given is only opened. */
#define G_LOG_DOMAIN "test-defaults"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sayso-db.h"
#include "sayso-defaults.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

/* The user's data folder, fresh for this run (GLib reads it once). */
static char *data_home;

static void
test_default_path (void)
{
  g_autofree char *path = sayso_default_store_path ();
  g_autofree char *expected = g_build_filename (data_home, "sayso", "store.db", NULL);

  g_assert_cmpstr (path, ==, expected);
}

static void
test_demo_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pub_path = g_build_filename (g_getenv ("SAYSO_SOURCE_DIR"), "app", "data", "demo-recipient.pub", NULL);
  g_autofree char *text = NULL;
  guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE], from_file[SAYSO_BOX_PUBLIC_KEY_SIZE];
  gsize len = 0;

  g_assert_true (sayso_demo_recipient_key (pk, &error));
  g_assert_no_error (error);
  /* The key built in is the one published beside the source. */
  g_assert_true (g_file_get_contents (pub_path, &text, &len, &error));
  g_assert_true (sayso_key_from_text (SAYSO_KEY_RECIPIENT_PUBLIC, text, len, pub_path, from_file, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (pk, sizeof pk, from_file, sizeof from_file);
}

/* The first open makes the demo store, in a folder only the user can
 * enter; the next opens the same store. */
static void
test_open_default_makes_demo (void)
{
  g_autofree char *path = sayso_default_store_path ();
  g_autofree char *folder = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(SaysoStore) again = NULL;
  guint8 demo[SAYSO_BOX_PUBLIC_KEY_SIZE], kiosk[32];
  GStatBuf st;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  store = sayso_store_open_default (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);
  g_assert_true (sayso_demo_recipient_key (demo, &error));
  g_assert_cmpmem (sayso_store_get_recipient_key (store), sizeof demo, demo, sizeof demo);
  memcpy (kiosk, sayso_store_get_kiosk_key (store), sizeof kiosk);
  g_clear_object (&store);

  again = sayso_store_open_default (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (sayso_store_get_kiosk_key (again), sizeof kiosk, kiosk, sizeof kiosk);
}

/* Negative control: a path given is opened, never made, demo or not. */
static void
test_open_given_path_makes_nothing (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) store = sayso_store_open_default (path, &error);

  g_assert_null (store);
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  data_home = test_make_tmp_dir ();
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

  g_test_add_func ("/defaults/default-path", test_default_path);
  g_test_add_func ("/defaults/demo-key", test_demo_key);
  g_test_add_func ("/defaults/open-default-makes-demo", test_open_default_makes_demo);
  g_test_add_func ("/defaults/open-given-path-makes-nothing", test_open_given_path_makes_nothing);

  ret = g_test_run ();
  test_remove_tree (data_home);
  g_free (data_home);
  return ret;
}
