/* test-widgets: the on-screen keyboard, speech, settings and the submit
 * queue on their own. */
#define G_LOG_DOMAIN "test-widgets"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "sayso-application.h"
#include "sayso-config.h"
#include "sayso-keyboard.h"
#include "sayso-speech.h"
#include "sayso-submit-queue.h"
#include "ui-test-utils.h"

typedef struct
{
  GtkWindow     *window;
  GtkTextView   *view;
  SaysoKeyboard *keyboard;
} KeyboardFixture;

static void
keyboard_setup (KeyboardFixture *fixture,
                gconstpointer    data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->view = GTK_TEXT_VIEW (gtk_text_view_new ());
  fixture->keyboard = SAYSO_KEYBOARD (sayso_keyboard_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->keyboard));
  gtk_window_set_child (fixture->window, box);
  sayso_keyboard_set_target (fixture->keyboard, fixture->view);
  gtk_window_present (fixture->window);
  ui_wait (50);
}

static void
keyboard_teardown (KeyboardFixture *fixture,
                   gconstpointer    data)
{
  gtk_window_destroy (fixture->window);
  ui_iterate ();
}

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
press (KeyboardFixture *fixture,
       const char      *name)
{
  ui_press (GTK_WIDGET (fixture->keyboard), name);
}

static void
test_keyboard_typing (KeyboardFixture *fixture,
                      gconstpointer    data)
{
  g_autofree char *text = NULL;

  /* Shift makes one capital, then lets go. */
  press (fixture, "key-shift");
  g_assert_true (sayso_keyboard_get_shifted (fixture->keyboard));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (ui_find (GTK_WIDGET (fixture->keyboard), "key:h"))), ==, "H");
  press (fixture, "key:h");
  g_assert_false (sayso_keyboard_get_shifted (fixture->keyboard));
  press (fixture, "key:i");
  press (fixture, "key-space");

  /* Digits and punctuation */
  press (fixture, "key-numbers");
  g_assert_cmpint (sayso_keyboard_get_layer (fixture->keyboard), ==, SAYSO_KEYBOARD_NUMBERS);
  g_assert_false (gtk_widget_is_sensitive (ui_find (GTK_WIDGET (fixture->keyboard), "key-shift")));
  press (fixture, "key:4");
  press (fixture, "key:£");
  press (fixture, "key-numbers");
  g_assert_cmpint (sayso_keyboard_get_layer (fixture->keyboard), ==, SAYSO_KEYBOARD_LETTERS);

  /* Welsh letters, small and capital */
  press (fixture, "key-accents");
  press (fixture, "key:ŵ");
  press (fixture, "key-shift");
  press (fixture, "key:ŷ");
  press (fixture, "key:â");
  press (fixture, "key-accents");

  /* Backspace takes off the last letter, or the selection. */
  press (fixture, "key:x");
  press (fixture, "key-backspace");
  text = text_of (fixture->view);
  g_assert_cmpstr (text, ==, "Hi 4£ŵŶâ");

  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (fixture->view);
    GtkTextIter start, end;
    gtk_text_buffer_get_iter_at_offset (buffer, &start, 0);
    gtk_text_buffer_get_iter_at_offset (buffer, &end, 3);
    gtk_text_buffer_select_range (buffer, &start, &end);
  }
  press (fixture, "key-backspace");
  g_clear_pointer (&text, g_free);
  text = text_of (fixture->view);
  g_assert_cmpstr (text, ==, "4£ŵŶâ");

  /* Reset puts the keyboard back as a new respondent should find it. */
  press (fixture, "key-shift");
  press (fixture, "key-numbers");
  sayso_keyboard_reset (fixture->keyboard);
  g_assert_false (sayso_keyboard_get_shifted (fixture->keyboard));
  g_assert_cmpint (sayso_keyboard_get_layer (fixture->keyboard), ==, SAYSO_KEYBOARD_LETTERS);
}

static void
assert_big_keys (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_BUTTON (widget))
    {
      g_assert_cmpint (gtk_widget_get_height (widget), >=, 64);
      g_assert_false (gtk_widget_get_focus_on_click (widget));
      g_assert_true (gtk_widget_get_focusable (widget));
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    assert_big_keys (c);
}

static void
test_keyboard_keys (KeyboardFixture *fixture,
                    gconstpointer    data)
{
  static const char * const special[] = { "key-shift", "key-backspace", "key-space", "key-numbers", "key-accents" };

  sayso_kiosk_load_style (gdk_display_get_default ());
  ui_wait (50);
  assert_big_keys (GTK_WIDGET (fixture->keyboard));

  sayso_keyboard_set_language (fixture->keyboard, "cy");
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      GtkWidget *key = ui_find (GTK_WIDGET (fixture->keyboard), special[i]);
      g_assert_nonnull (key);
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (key), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (fixture->keyboard), GTK_ACCESSIBLE_ROLE_GROUP));
}

static void
count_spoken (SaysoSpeech *speech,
              const char  *language,
              const char  *text,
              guint       *count)
{
  g_assert_cmpstr (language, ==, "cy");
  g_assert_cmpstr (text, ==, "Helo");
  (*count)++;
}

/* With the real engine and no sound card, speaking fails quietly. */
static void
test_speech_without_sound (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SaysoSpeech) speech = NULL;
      guint count = 0;

      g_unsetenv ("SAYSO_SPEECH");
      speech = sayso_speech_new ();
      g_signal_connect (speech, "spoken", G_CALLBACK (count_spoken), &count);
      sayso_speech_say (speech, "cy", "Helo");
      sayso_speech_say (speech, "cy", "Helo");
      g_assert_cmpuint (count, ==, 2);
      g_assert_cmpstr (sayso_speech_get_last_text (speech), ==, "Helo");
      sayso_speech_stop (speech);
      g_assert_null (sayso_speech_get_last_text (speech));
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

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

/* kiosk.ini is bounded: the kiosk refuses to start on one larger than
 * 64 KiB, naming it; one just at the bound, all comment, is read and the
 * kiosk starts on it (the control). */
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

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/keyboard/typing", KeyboardFixture, NULL, keyboard_setup, test_keyboard_typing, keyboard_teardown);
  g_test_add ("/kiosk/keyboard/keys", KeyboardFixture, NULL, keyboard_setup, test_keyboard_keys, keyboard_teardown);
  g_test_add_func ("/kiosk/speech/without-sound", test_speech_without_sound);
  g_test_add_func ("/kiosk/config", test_config);
  g_test_add_func ("/kiosk/config-too-large", test_config_too_large);
  g_test_add_func ("/kiosk/config-save-round-trip", test_config_save_round_trip);
  g_test_add_func ("/kiosk/config-save-refuses-unreadable", test_config_save_refuses_unreadable);
  g_test_add_func ("/kiosk/config-save-fails-unwritable", test_config_save_fails_unwritable);

  return g_test_run ();
}
