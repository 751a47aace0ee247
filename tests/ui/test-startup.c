/* test-startup: the kiosk program starting. kiosk.ini is bounded: the kiosk
 * refuses to start on one larger than 64 KiB, naming it; on one just at the
 * bound, all comment, it starts (the control). (The bound itself, read by
 * sayso-config: tests/test-config.c /config/too-large.) */
#define G_LOG_DOMAIN "test-startup"

#include <string.h>
#include <sys/wait.h>

#include "ui-test-utils.h"

static int
run_kiosk (const char  *store,
           const char  *config,
           char       **err)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { g_getenv ("SAYSO_KIOSK_BIN"), "--windowed", "--store", store, "--config", config, NULL };
  int status;

  g_assert_nonnull (argv[0]);
  env = g_environ_setenv (env, "SAYSO_KIOSK_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_config_too_large (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *big = g_build_filename (dir, "big.ini", NULL);
  g_autofree char *fits = g_build_filename (dir, "fits.ini", NULL);
  g_autofree char *store = g_build_filename (dir, "store.db", NULL);
  g_autofree char *padding = g_strnfill (64 * 1024 - strlen ("[kiosk]\n#\n"), 'x');
  g_autofree char *text = g_strconcat ("[kiosk]\n#", padding, "\n", NULL);
  g_autofree char *big_text = g_strconcat (text, "#\n", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *expected = g_strdup_printf ("%s: 65538 bytes, more than the 65536 kiosk settings may take; not read", big);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (text), ==, 64 * 1024);
  g_assert_true (g_file_set_contents (fits, text, -1, NULL));
  g_assert_true (g_file_set_contents (big, big_text, -1, NULL));
  {
    g_autoptr(SaysoStore) made = NULL;
    guint8 pk[SAYSO_BOX_PUBLIC_KEY_SIZE], sk[SAYSO_BOX_SECRET_KEY_SIZE];

    sayso_recipient_keypair_new (pk, sk);
    made = sayso_store_create (store, "Widgets", pk, &error);
    g_assert_no_error (error);
  }

  g_assert_cmpint (run_kiosk (store, big, &err), ==, 2);
  g_assert_nonnull (strstr (err, expected));
  g_assert_cmpint (run_kiosk (store, fits, &err2), ==, 0);
  g_assert_null (strstr (err2, "kiosk settings may take"));

  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/kiosk/startup/config-too-large", test_config_too_large);

  return g_test_run ();
}
