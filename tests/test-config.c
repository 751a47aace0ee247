/* test-config: kiosk.ini, read, validated and written by sayso-config
 * alone. Defaults for a missing file, values read back, bad values and a
 * file too large refused, and a save that keeps what a person wrote, keeps
 * the file's mode, and never replaces a file it could not read or write. */
#define G_LOG_DOMAIN "test-config"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>

#include "sayso-config.h"
#include "sayso-test-utils.h"

static void
test_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "kiosk.ini", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.ini", NULL);
  g_autoptr(SaysoKioskConfig) config = NULL;

  config = sayso_kiosk_config_load (missing, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->idle_timeout, ==, 60);
  g_assert_cmpuint (config->countdown, ==, 20);
  g_assert_false (config->bilingual);
  g_assert_false (config->keep_partial);
  g_assert_cmpstr (config->default_language, ==, "en");
  g_clear_pointer (&config, sayso_kiosk_config_free);

  g_assert_true (g_file_set_contents (path,
                                      "[kiosk]\nidle-timeout=90\ncountdown=15\nbilingual=true\n"
                                      "default-language=cy\nkeep-partial=true\n", -1, NULL));
  config = sayso_kiosk_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->idle_timeout, ==, 90);
  g_assert_cmpuint (config->countdown, ==, 15);
  g_assert_true (config->bilingual);
  g_assert_true (config->keep_partial);
  g_assert_cmpstr (config->default_language, ==, "cy");
  g_clear_pointer (&config, sayso_kiosk_config_free);

  g_assert_true (g_file_set_contents (path, "[kiosk]\nidle-timeout=0\n", -1, NULL));
  config = sayso_kiosk_config_load (path, &error);
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
  g_assert_null (config);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "[kiosk]\nbilingual=maybe\n", -1, NULL));
  config = sayso_kiosk_config_load (path, &error);
  g_assert_nonnull (error);
  g_assert_null (config);

  test_remove_tree (dir);
}

/* bilingual-pair: Welsh and English unless set; any two different
 * language codes, first shown first, kept through a save; anything else
 * refused naming the key. Whether the kiosk can be in them is the
 * journey's (tests/ui/test-languages.c: refused by name, Welsh and English
 * instead). */
static void
test_config_pair (void)
{
  static const char * const bad[] = {
    "cy", "cy;en;fr", "en;en", "CY;en", "cymraeg;en", ";en", "c;en",
  };
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "kiosk.ini", NULL);
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  g_assert_cmpstr (config->pair[0], ==, "cy");
  g_assert_cmpstr (config->pair[1], ==, "en");
  g_clear_pointer (&config, sayso_kiosk_config_free);

  g_assert_true (g_file_set_contents (path, "[kiosk]\nbilingual=true\nbilingual-pair= ur ; en\n", -1, NULL));
  config = sayso_kiosk_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (config->pair[0], ==, "ur");
  g_assert_cmpstr (config->pair[1], ==, "en");

  /* Kept through a save, and a copy has it. */
  g_free (config->pair[0]);
  config->pair[0] = g_strdup ("pa");
  g_assert_true (sayso_kiosk_config_save (config, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &saved, NULL, NULL));
  g_assert_nonnull (strstr (saved, "bilingual-pair=pa;en;"));
  g_clear_pointer (&config, sayso_kiosk_config_free);
  config = sayso_kiosk_config_load (path, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SaysoKioskConfig) copy = sayso_kiosk_config_copy (config);

    g_assert_cmpstr (copy->pair[0], ==, "pa");
    g_assert_cmpstr (copy->pair[1], ==, "en");
  }
  g_clear_pointer (&config, sayso_kiosk_config_free);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *text = g_strdup_printf ("[kiosk]\nbilingual-pair=%s\n", bad[i]);

      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      config = sayso_kiosk_config_load (path, &error);
      g_assert_null (config);
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "bilingual-pair must be two different language codes"));
      g_clear_error (&error);
    }
  test_remove_tree (dir);
}

/* kiosk.ini is bounded: one larger than 64 KiB is refused, naming it; one
 * just at the bound, all comment, is read (the control). The kiosk program
 * refusing to start on it: tests/ui/test-startup.c. */
static void
test_config_too_large (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *big = g_build_filename (dir, "big.ini", NULL);
  g_autofree char *fits = g_build_filename (dir, "fits.ini", NULL);
  g_autofree char *padding = g_strnfill (64 * 1024 - strlen ("[kiosk]\n#\n"), 'x');
  g_autofree char *text = g_strconcat ("[kiosk]\n#", padding, "\n", NULL);
  g_autofree char *big_text = g_strconcat (text, "#\n", NULL);
  g_autofree char *expected = g_strdup_printf ("%s: 65538 bytes, more than the 65536 kiosk settings may take; not read", big);
  g_autoptr(SaysoKioskConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (strlen (text), ==, 64 * 1024);
  g_assert_true (g_file_set_contents (fits, text, -1, NULL));
  g_assert_true (g_file_set_contents (big, big_text, -1, NULL));

  config = sayso_kiosk_config_load (fits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  g_clear_pointer (&config, sayso_kiosk_config_free);
  config = sayso_kiosk_config_load (big, &error);
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_null (config);
  g_clear_error (&error);

  test_remove_tree (dir);
}

/* A save keeps what someone wrote by hand (comments, keys and groups this
 * version does not know) and the file's mode, and what it wrote loads back;
 * a new file is made for the owner alone. */
static void
test_config_save_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "kiosk.ini", NULL);
  g_autofree char *fresh = g_build_filename (dir, "new", "kiosk.ini", NULL);
  g_autofree char *text = NULL;
  g_autoptr(SaysoKioskConfig) config = NULL;
  GStatBuf st;

  g_assert_true (g_file_set_contents (path,
                                      "# Set up by the site team\n[kiosk]\n# slower readers here\nidle-timeout=90\n"
                                      "future-key=kept\nexport-folder=/run/sayso-usb\n\n[site]\nroom=2\n", -1, NULL));
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);
  config = sayso_kiosk_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->idle_timeout, ==, 90);
  g_assert_false (config->bilingual);
  config->idle_timeout = 120;
  config->countdown = 30;
  config->bilingual = TRUE;
  config->keep_partial = TRUE;
  g_free (config->default_language);
  config->default_language = g_strdup ("cy");
  g_assert_true (sayso_kiosk_config_save (config, path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&config, sayso_kiosk_config_free);

  config = sayso_kiosk_config_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->idle_timeout, ==, 120);
  g_assert_cmpuint (config->countdown, ==, 30);
  g_assert_true (config->bilingual);
  g_assert_true (config->keep_partial);
  g_assert_cmpstr (config->default_language, ==, "cy");
  g_assert_cmpstr (config->export_folder, ==, "/run/sayso-usb");
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# Set up by the site team\n"));
  g_assert_nonnull (strstr (text, "# slower readers here\n"));
  g_assert_nonnull (strstr (text, "future-key=kept\n"));
  g_assert_nonnull (strstr (text, "[site]\nroom=2\n"));
  g_assert_null (strstr (text, "idle-timeout=90"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);

  g_assert_true (sayso_kiosk_config_save (config, fresh, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (fresh, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_clear_pointer (&config, sayso_kiosk_config_free);
  config = sayso_kiosk_config_load (fresh, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (config->idle_timeout, ==, 120);

  test_remove_tree (dir);
}

/* A file the kiosk could not read is left as it is, not replaced: the save
 * says why, naming it. The control: once mended, the same save goes through. */
static void
test_config_save_refuses_unreadable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "kiosk.ini", NULL);
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_new ();
  const char *broken = "# hand-made\n[kiosk]\nbilingual=maybe\nidle-timeout=75\n";
  g_autofree char *text = NULL;

  g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  g_assert_false (sayso_kiosk_config_save (config, path, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "Not changed"));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, broken);

  g_assert_true (g_file_set_contents (path, "# hand-made\n[kiosk]\nbilingual=true\n", -1, NULL));
  g_assert_true (sayso_kiosk_config_save (config, path, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "bilingual=false"));
  g_assert_nonnull (strstr (text, "# hand-made"));

  test_remove_tree (dir);
}

/* Where the settings cannot be written (tests run as root, so a folder's
 * permissions would not stop them: a path under a regular file, and a disk
 * that takes no more bytes), the save fails naming the file, and the file
 * there is as it was. */
static void
test_config_save_fails_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *blocker = g_build_filename (dir, "blocker", NULL);
  g_autofree char *under = g_build_filename (blocker, "kiosk.ini", NULL);
  g_autofree char *path = g_build_filename (dir, "kiosk.ini", NULL);
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_new ();
  const char *before = "# site\n[kiosk]\nidle-timeout=75\n";
  g_autofree char *text = NULL;
  struct rlimit saved, small;
  void (*old_handler) (int);
  gboolean saved_ok;

  g_assert_true (g_file_set_contents (blocker, "not a folder", -1, NULL));
  g_assert_false (sayso_kiosk_config_save (config, under, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, under));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (blocker, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "not a folder");
  g_clear_pointer (&text, g_free);

  g_assert_true (g_file_set_contents (path, before, -1, NULL));
  config->idle_timeout = 200;
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 8;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  saved_ok = sayso_kiosk_config_save (config, path, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);
  g_assert_false (saved_ok);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, before);
  g_clear_pointer (&text, g_free);

  /* The control: with room on the disk the same save is written. */
  g_assert_true (sayso_kiosk_config_save (config, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "idle-timeout=200"));

  test_remove_tree (dir);
}

/* sayso-config's rule for the "Start in Welsh" switch: on is Welsh, off
 * goes back from Welsh to the default, and a kiosk set up to start in
 * another language keeps it while the switch stays off (the control: the
 * same off from Welsh does change the language). */
static void
test_config_welsh_first (void)
{
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_new ();
  g_autoptr(SaysoKioskConfig) defaults = sayso_kiosk_config_new ();

  g_assert_false (sayso_kiosk_config_get_welsh_first (config));
  sayso_kiosk_config_set_welsh_first (config, TRUE);
  g_assert_cmpstr (config->default_language, ==, "cy");
  g_assert_true (sayso_kiosk_config_get_welsh_first (config));
  sayso_kiosk_config_set_welsh_first (config, FALSE);
  g_assert_cmpstr (config->default_language, ==, defaults->default_language);
  g_assert_false (sayso_kiosk_config_get_welsh_first (config));

  g_free (config->default_language);
  config->default_language = g_strdup ("pl");
  sayso_kiosk_config_set_welsh_first (config, FALSE);
  g_assert_cmpstr (config->default_language, ==, "pl");
  g_assert_false (sayso_kiosk_config_get_welsh_first (config));
  sayso_kiosk_config_set_welsh_first (config, TRUE);
  g_assert_cmpstr (config->default_language, ==, "cy");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/config/load", test_config);
  g_test_add_func ("/config/too-large", test_config_too_large);
  g_test_add_func ("/config/pair", test_config_pair);
  g_test_add_func ("/config/save-round-trip", test_config_save_round_trip);
  g_test_add_func ("/config/save-refuses-unreadable", test_config_save_refuses_unreadable);
  g_test_add_func ("/config/save-fails-unwritable", test_config_save_fails_unwritable);
  g_test_add_func ("/config/welsh-first", test_config_welsh_first);

  return g_test_run ();
}
