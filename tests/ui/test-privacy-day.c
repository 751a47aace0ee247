/* test-privacy-day: a whole day at the kiosk, through the real widgets, with
 * every message logged (G_MESSAGES_DEBUG=all): respondents typing canaries on
 * the on-screen keyboard, one walking away, a staff-assisted survey, the
 * export. Then every file the kiosk wrote or touched (store, -wal, -shm,
 * temporary files, settings, the bundle, the log) holds no canary and no time
 * of day. */
#define G_LOG_DOMAIN "test-privacy-day"

#include <glib/gstdio.h>
#include <string.h>

#include "sayso-pin-gate.h"
#include "ui-test-utils.h"

static GString *log_text;

static GLogWriterOutput
keep_log (GLogLevelFlags   level,
          const GLogField *fields,
          gsize            n_fields,
          gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        g_string_append_len (log_text, fields[i].value,
                             fields[i].length < 0 ? (gssize) strlen (fields[i].value) : fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  /* Debug and info are only kept (on stdout they would garble the TAP);
   * warnings still go out, and are still fatal under G_DEBUG=fatal-warnings. */
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
collect (const char *dir,
         GPtrArray  *files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect (path, files);
      else
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

static void
audit (const char *path,
       GRegex     *time_of_day)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return;
  if (memmem (contents, len, "zebra", 5) || memmem (contents, len, "ZEBRA", 5))
    g_error ("%s holds an answer in plaintext", path);
  if (g_utf8_validate (contents, len, NULL) && g_regex_match (time_of_day, contents, 0, NULL))
    g_error ("%s holds a time of day", path);
  g_test_message ("audited %s (%" G_GSIZE_FORMAT " bytes)", path, len);
}

static void
journey (SaysoWindow *window,
         const char  *canary,
         gboolean     send)
{
  GtkWidget *root = GTK_WIDGET (window);

  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  while (g_strcmp0 (ui_current_question (window), "induction") != 0)
    ui_press (root, "next");
  ui_type (window, canary);
  ui_press (root, "next");
  ui_type (window, canary);
  if (!send)
    return;
  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION)
    ui_press (root, "next");
  ui_press (root, "send");
  ui_thanks_timeout (window);
}

static void
staff (SaysoWindow *window,
       const char  *action,
       const char  *target)
{
  GtkWidget *view = GTK_WIDGET (ui_staff_view (window));

  if (target)
    g_assert_true (gtk_widget_activate_action (view, action, "s", target));
  else
    g_assert_true (gtk_widget_activate_action (view, action, NULL));
  ui_iterate ();
}

static gboolean
at_welcome (gpointer window)
{
  return sayso_window_get_page (window) == SAYSO_PAGE_WELCOME;
}

static void
test_day (KioskFixture  *fixture,
          gconstpointer  data)
{
  g_autoptr(GRegex) time_of_day = g_regex_new ("\\b([01][0-9]|2[0-3]):[0-5][0-9]\\b", 0, 0, NULL);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *stick = g_build_filename (fixture->store.dir, "stick", NULL);
  g_autofree char *log_path = g_build_filename (fixture->store.dir, "kiosk.log", NULL);
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;
  GtkWidget *root;

  g_mkdir (stick, 0700);
  g_free (fixture->config->export_folder);
  fixture->config->export_folder = g_strdup (stick);
  g_assert_true (sayso_store_set_pin (fixture->store.store, "135713", &error));
  window = kiosk_fixture_open (fixture, TRUE);
  root = GTK_WIDGET (window);

  /* Three respondents, in English and Welsh. */
  for (guint i = 0; i < 3; i++)
    {
      ui_press (root, i == 1 ? "language:cy" : "language:en");
      journey (window, i == 2 ? "zebra ŵ three" : "zebra canary", TRUE);
    }

  /* One walks away half way, and one starts again. */
  ui_press (root, "language:en");
  journey (window, "zebra walked away", FALSE);
  ui_pretend_idle (window, fixture->config->idle_timeout + fixture->config->countdown + 2);
  g_assert_true (ui_wait_for (at_welcome, window, 60000));
  ui_press (root, "language:en");
  journey (window, "zebra start again", FALSE);
  ui_press (root, "start-again");
  ui_press (root, "start-again-yes");
  ui_assert_nothing_left (window, "zebra");

  /* Staff-assisted, then the export. */
  g_assert_true (gtk_widget_activate_action (root, "win.staff", NULL));
  ui_iterate ();
  for (const char *c = "135713"; *c; c++)
    {
      char digit[2] = { *c, 0 };
      staff (window, "staff.digit", digit);
    }
  staff (window, "staff.enter", NULL);
  staff (window, "staff.start-survey", "staff");
  journey (window, "zebra with staff", TRUE);

  g_assert_true (gtk_widget_activate_action (root, "win.staff", NULL));
  ui_iterate ();
  for (const char *c = "135713"; *c; c++)
    {
      char digit[2] = { *c, 0 };
      staff (window, "staff.digit", digit);
    }
  staff (window, "staff.enter", NULL);
  staff (window, "staff.show-export", NULL);
  staff (window, "staff.export-to", stick);
  while (strstr (sayso_staff_view_get_message (ui_staff_view (window)), "Do not take it out"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (sayso_staff_view_get_message (ui_staff_view (window)), "4 answer sheets"));
  staff (window, "staff.show-menu", NULL);
  staff (window, "staff.show-settings", NULL);
  staff (window, "staff.save-settings", NULL);
  staff (window, "staff.close", NULL);

  /* Every file: the store (its -wal and -shm are still open), the stick,
   * settings, data and temporary folders, and the day's log. */
  g_assert_true (g_file_set_contents (log_path, log_text->str, log_text->len, NULL));
  g_assert_cmpuint (log_text->len, >, 0);
  collect (fixture->store.dir, files);
  collect (g_get_user_config_dir (), files);
  collect (g_get_user_data_dir (), files);
  collect (g_get_tmp_dir (), files);
  g_assert_cmpuint (files->len, >=, 4);
  for (guint i = 0; i < files->len; i++)
    audit (g_ptr_array_index (files, i), time_of_day);

  /* And the answers are all there, sealed. */
  {
    g_autoptr(GPtrArray) records = ui_open_records (fixture);
    guint staff_assisted = 0;

    g_assert_cmpuint (records->len, ==, 4);
    for (guint i = 0; i < records->len; i++)
      staff_assisted += ((SaysoRecord *) g_ptr_array_index (records, i))->mode == SAYSO_MODE_STAFF;
    g_assert_cmpuint (staff_assisted, ==, 1);
  }
  g_test_message ("%u files audited", files->len);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *tmp = NULL;
  g_autofree char *home = NULL;
  g_autofree char *config = NULL;
  g_autofree char *data = NULL;

  /* Everything logged, and our own temporary folder to search afterwards. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  /* Made by hand: g_get_tmp_dir() would remember the old folder. */
  tmp = g_strdup_printf ("%s/sayso-privacy-day-XXXXXX", g_getenv ("TMPDIR") ? g_getenv ("TMPDIR") : "/tmp");
  g_assert_nonnull (g_mkdtemp (tmp));
  g_setenv ("TMPDIR", tmp, TRUE);
  /* And our own settings and data folders: the build's are shared with
   * every test running beside this one, whose files are not the kiosk's. */
  home = g_strconcat (tmp, "-home", NULL);
  config = g_build_filename (home, "config", NULL);
  data = g_build_filename (home, "data", NULL);
  g_assert_cmpint (g_mkdir (home, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (config, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (data, 0700), ==, 0);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  log_text = g_string_new (NULL);
  g_log_set_writer_func (keep_log, NULL, NULL);

  ui_test_init (&argc, &argv);
  g_test_add ("/kiosk/privacy/day", KioskFixture, NULL, kiosk_fixture_setup, test_day, kiosk_fixture_teardown);
  return g_test_run ();
}
