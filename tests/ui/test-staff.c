/* Staff mode, driven through its real widgets under Xvfb: the PIN, its
 * delays and lockout, closing when idle, the export and settings. */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/resource.h>
#include <gtk/gtk.h>
#include <sqlite3.h>
#include <string.h>

#include "sayso-application.h"
#include "sayso-config.h"
#include "sayso-export.h"
#include "sayso-process.h"
#include "sayso-staff-view.h"
#include "sayso-test-utils.h"
#include "sayso-ui-resources.h"
#include "ui-test-utils.h"

static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

typedef struct
{
  TestStore       base;
  GtkWindow      *window;
  SaysoStaffView *view;
  char           *folder;
  char           *settings;
  guint           closed;
  int             started_mode;
} Fixture;

static void
on_closed (SaysoStaffView *view,
           Fixture        *f)
{
  f->closed++;
}

static void
on_start (SaysoStaffView *view,
          int             mode,
          Fixture        *f)
{
  f->started_mode = mode;
}

/* The staff view in its own window, as the kiosk makes it when it starts. */
static void
make_view (Fixture *f)
{
  f->view = sayso_staff_view_new ();
  sayso_staff_view_set_clock (f->view, fake_clock);
  sayso_staff_view_set_store (f->view, f->base.store);
  sayso_staff_view_set_export_folder (f->view, f->folder);
  sayso_staff_view_set_settings_file (f->view, f->settings);
  g_signal_connect (f->view, "closed", G_CALLBACK (on_closed), f);
  g_signal_connect (f->view, "start-survey", G_CALLBACK (on_start), f);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1024, 768);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  test_store_setup (&f->base, data);
  f->folder = g_build_filename (f->base.dir, "stick", NULL);
  f->settings = g_build_filename (f->base.dir, "config", "kiosk.ini", NULL);
  g_mkdir (f->folder, 0700);
  f->started_mode = -1;
  fake_now = (gint64) 5000 * G_USEC_PER_SEC;
  make_view (f);
}

/* What the unit does when the kiosk is killed: a new process, the store
 * opened again from its file, a new staff mode. Nothing in memory survives. */
static void
restart (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE));
  g_clear_object (&f->base.store);
  f->base.store = sayso_store_open (f->base.path, &error);
  g_assert_no_error (error);
  /* Another process, another monotonic clock. */
  fake_now += 2 * G_USEC_PER_SEC;
  make_view (f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE));
  g_free (f->folder);
  g_free (f->settings);
  test_store_teardown (&f->base, data);
}

static void
press (Fixture    *f,
       const char *action,
       const char *digit)
{
  if (digit)
    gtk_widget_activate_action (GTK_WIDGET (f->view), action, "s", digit);
  else
    gtk_widget_activate_action (GTK_WIDGET (f->view), action, NULL);
  while (g_main_context_iteration (NULL, FALSE));
}

/* Type on the PIN pad, by its real buttons. */
static void
type_pin (Fixture    *f,
          const char *pin)
{
  for (const char *c = pin; *c; c++)
    {
      char digit[2] = { *c, 0 };
      press (f, "staff.digit", digit);
    }
  press (f, "staff.enter", NULL);
}

static void
set_pin (Fixture    *f,
         const char *pin)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (sayso_store_set_pin (f->base.store, pin, &error));
}

static void
test_first_start_sets_pin (Fixture       *f,
                           gconstpointer  data)
{
  g_assert_false (sayso_store_has_pin (f->base.store));
  /* In a window (a demo), not on a kiosk. */
  sayso_staff_view_set_may_set_first_pin (f->view, TRUE);
  sayso_staff_view_open (f->view);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");

  type_pin (f, "246824");
  type_pin (f, "246924");
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "not the same"));
  g_assert_false (sayso_store_has_pin (f->base.store));

  type_pin (f, "246824");
  type_pin (f, "246824");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
  g_assert_true (sayso_store_has_pin (f->base.store));

  /* And now it asks for it. */
  sayso_staff_view_close (f->view);
  sayso_staff_view_open (f->view);
  type_pin (f, "246824");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

static void
test_wrong_pin_delays_and_lockout (Fixture       *f,
                                   gconstpointer  data)
{
  set_pin (f, "135791");
  sayso_staff_view_open (f->view);

  type_pin (f, "000000");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "Wait 1 second and"));

  /* While it waits, even the right PIN does not open it. */
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "Please wait 1 more second before"));

  for (guint i = 1; i < 4; i++)
    {
      fake_now += ((gint64) 1 << (i - 1)) * G_USEC_PER_SEC;
      type_pin (f, "000000");
    }
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "Wait 8 seconds"));
  fake_now += 8 * G_USEC_PER_SEC;
  type_pin (f, "000000");
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "locked for 5 minutes"));

  fake_now += 299 * G_USEC_PER_SEC;
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
  fake_now += 1 * G_USEC_PER_SEC;
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

/* Five wrong PINs, and the kiosk killed and started again: still locked,
 * for the whole five minutes. */
static void
test_restart_keeps_lockout (Fixture       *f,
                            gconstpointer  data)
{
  set_pin (f, "135791");
  sayso_staff_view_open (f->view);
  for (guint i = 0; i < SAYSO_PIN_MAX_FAILURES; i++)
    {
      type_pin (f, "000000");
      fake_now += 8 * G_USEC_PER_SEC;
    }
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "locked for 5 minutes"));

  restart (f);
  sayso_staff_view_open (f->view);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "locked for 5 minutes"));
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");

  /* A second restart does not shorten it either. */
  fake_now += 200 * G_USEC_PER_SEC;
  restart (f);
  sayso_staff_view_open (f->view);
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");

  fake_now += (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC;
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

/* The negative control: four wrong and a restart is not locked: after the
 * wait the fourth earned, the right PIN opens staff mode. */
static void
test_restart_after_four_not_locked (Fixture       *f,
                                    gconstpointer  data)
{
  set_pin (f, "135791");
  sayso_staff_view_open (f->view);
  for (guint i = 0; i < SAYSO_PIN_MAX_FAILURES - 1; i++)
    {
      type_pin (f, "000000");
      fake_now += 8 * G_USEC_PER_SEC;
    }

  restart (f);
  sayso_staff_view_open (f->view);
  g_assert_null (strstr (sayso_staff_view_get_message (f->view), "locked for 5 minutes"));
  fake_now += 8 * G_USEC_PER_SEC;
  type_pin (f, "135791");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

/* A store with no PIN, on a kiosk: nobody at the screen may choose one. */
static void
test_no_pin_not_set_up (Fixture       *f,
                        gconstpointer  data)
{
  g_assert_false (sayso_store_has_pin (f->base.store));
  sayso_staff_view_open (f->view);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "not-set-up");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (f->view), "staff-not-set-up"))), ==,
                   "This kiosk is not set up: ask IT to run sayso setup");

  /* Nothing to type on, nothing else to reach. */
  type_pin (f, "246824");
  type_pin (f, "246824");
  press (f, "staff.show-menu", NULL);
  press (f, "staff.show-new-pin", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "not-set-up");
  g_assert_false (sayso_store_has_pin (f->base.store));
  press (f, "staff.close", NULL);
  g_assert_cmpuint (f->closed, ==, 1);
}

/* Someone with the disk swaps the analysts' key: staff mode's menu, after
 * the restart that makes the kiosk use it, shows another fingerprint. */
static void
test_fingerprint_shows_swapped_key (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *given = sayso_key_fingerprint (f->base.pk);
  g_autofree char *swapped = NULL;
  g_autoptr(GError) error = NULL;
  guint8 other_pk[32], other_sk[32];
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  const char *shown;

  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  shown = gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (f->view), "staff-key-fingerprint")));
  g_assert_nonnull (strstr (shown, given));

  /* The negative control: a restart over the same store, the same fingerprint. */
  restart (f);
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  shown = gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (f->view), "staff-key-fingerprint")));
  g_assert_nonnull (strstr (shown, given));

  sayso_recipient_keypair_new (other_pk, other_sk);
  swapped = sayso_key_fingerprint (other_pk);
  g_assert_cmpint (sqlite3_open (f->base.path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE kiosk SET recipient_pk = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, other_pk, 32, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  restart (f);
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  shown = gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (f->view), "staff-key-fingerprint")));
  g_assert_null (strstr (shown, given));
  g_assert_nonnull (strstr (shown, swapped));
  g_assert_no_error (error);
}

static gboolean
closed (gpointer data)
{
  return ((Fixture *) data)->closed > 0;
}

static void
test_idle_close (Fixture       *f,
                 gconstpointer  data)
{
  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
  g_assert_cmpuint (f->closed, ==, 0);
  /* The shortest idle time only now, from the next touch: a second (as
   * little as 0.75 s on a whole-second timer) could end before a loaded
   * machine has typed the PIN. */
  sayso_staff_view_set_idle_seconds (f->view, 1);
  press (f, "staff.show-menu", NULL);

  /* g_timeout_add_seconds() keeps to whole seconds of the clock: a one
   * second timeout can take nearly two, and a loaded machine's run many
   * times that. A minute before calling it stuck. */
  ui_wait_for (closed, f, 60000);

  g_assert_cmpuint (f->closed, ==, 1);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
}

static void
test_start_survey_modes (Fixture       *f,
                         gconstpointer  data)
{
  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  press (f, "staff.start-survey", "paper");
  g_assert_cmpint (f->started_mode, ==, SAYSO_MODE_PAPER);
  g_assert_cmpuint (f->closed, ==, 1);

  /* Not without the PIN. */
  f->started_mode = -1;
  sayso_staff_view_open (f->view);
  press (f, "staff.start-survey", "staff");
  g_assert_cmpint (f->started_mode, ==, -1);
}

static void
test_export_to_folder (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SaysoQuestionnaire) survey = sayso_questionnaire_new_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  gint64 total = 0, awaiting = -1;
  guint n_files = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
      g_assert_true (sayso_response_set_choice (r, "how_often", "monthly", &error));
      g_assert_true (sayso_store_submit (f->base.store, r, SAYSO_MODE_SELF, &error));
    }

  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  press (f, "staff.show-export", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "export");
  press (f, "staff.export-to", f->folder);

  while (strstr (sayso_staff_view_get_message (f->view), "Do not take it out"))
    g_main_context_iteration (NULL, TRUE);

  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "3 answer sheets were saved"));
  g_assert_true (sayso_store_count (f->base.store, &total, &awaiting, &error));
  g_assert_cmpint (awaiting, ==, 0);
  dir = g_dir_open (f->folder, 0, NULL);
  while (g_dir_read_name (dir))
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
      strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

/* A record the disk damaged: the export leaves it out and says so, and the
 * menu's counts keep saying so, as staff never see it any other way. */
static void
test_export_sets_damaged_aside (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SaysoQuestionnaire) survey = sayso_questionnaire_new_default ();
  g_autoptr(GError) error = NULL;
  char *message = NULL;
  sqlite3 *db;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
      g_assert_true (sayso_response_set_choice (r, "how_often", "monthly", &error));
      g_assert_true (sayso_store_submit (f->base.store, r, SAYSO_MODE_SELF, &error));
    }
  g_assert_cmpint (sqlite3_open (f->base.path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, "UPDATE slots SET sealed = randomblob (length (sealed))"
                        " WHERE key = (SELECT min (slot) FROM responses)", NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);

  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  g_assert_false (shows_text (GTK_WIDGET (f->view), "Damaged by the disk"));
  press (f, "staff.show-export", NULL);
  g_test_expect_message ("sayso-export", G_LOG_LEVEL_WARNING, "*is damaged*never exported*");
  press (f, "staff.export-to", f->folder);
  while (strstr (sayso_staff_view_get_message (f->view), "Do not take it out"))
    g_main_context_iteration (NULL, TRUE);
  g_test_assert_expected_messages ();

  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "2 answer sheets were saved"));
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view),
                            "1 answer sheet on this screen was damaged by the disk"));
  press (f, "staff.show-menu", NULL);
  g_assert_true (shows_text (GTK_WIDGET (f->view), "Damaged by the disk, never to be exported: 1 answer sheet"));
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *language = NULL;
  gint64 keep = 0;

  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  press (f, "staff.show-settings", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "settings");
  press (f, "staff.save-settings", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");

  g_assert_true (g_key_file_load_from_file (file, f->settings, G_KEY_FILE_NONE, &error));
  g_assert_cmpint (g_key_file_get_integer (file, "kiosk", "idle-timeout", NULL), ==, 60);
  language = g_key_file_get_string (file, "kiosk", "default-language", NULL);
  g_assert_cmpstr (language, ==, "en");
  g_assert_true (sayso_store_get_keep_days (f->base.store, &keep, &error));
  g_assert_cmpint (keep, ==, 14);

  /* A kiosk set up to start in another language keeps it through a save. */
  g_key_file_set_string (file, "kiosk", "default-language", "pl");
  g_assert_true (g_key_file_save_to_file (file, f->settings, &error));
  press (f, "staff.show-settings", NULL);
  press (f, "staff.save-settings", NULL);
  g_assert_true (g_key_file_load_from_file (file, f->settings, G_KEY_FILE_NONE, &error));
  g_free (language);
  language = g_key_file_get_string (file, "kiosk", "default-language", NULL);
  g_assert_cmpstr (language, ==, "pl");
}

/* A save that cannot be written tells staff so on the settings page, naming
 * the file, never "Settings saved.", and the file is as it was; a file the
 * kiosk could not read is left alone too. The control: the same flow with
 * room to write says "Settings saved." and the file holds the new values,
 * its comment kept. */
static void
test_settings_save_fails (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->settings);
  g_autofree char *text = NULL;
  const char *before = "# site team\n[kiosk]\nidle-timeout=90\n";
  const char *broken = "# site team\n[kiosk]\nidle-timeout=ninety\n";
  struct rlimit saved, small;
  void (*old_handler) (int);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->settings, before, -1, NULL));
  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  press (f, "staff.show-settings", NULL);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (ui_find (GTK_WIDGET (f->view), "setting-idle-timeout"))), ==, 90);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui_find (GTK_WIDGET (f->view), "setting-idle-timeout")), 120);
  gtk_switch_set_active (GTK_SWITCH (ui_find (GTK_WIDGET (f->view), "setting-bilingual")), TRUE);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 8;
  old_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  press (f, "staff.save-settings", NULL);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, old_handler);

  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "settings");
  g_assert_true (shows_text (GTK_WIDGET (f->view), "Settings not saved."));
  g_assert_true (shows_text (GTK_WIDGET (f->view), f->settings));
  g_assert_false (shows_text (GTK_WIDGET (f->view), "Settings saved."));
  g_assert_true (g_file_get_contents (f->settings, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, before);
  g_clear_pointer (&text, g_free);

  /* The control: the same press with room to write. */
  press (f, "staff.save-settings", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
  g_assert_true (shows_text (GTK_WIDGET (f->view), "Settings saved."));
  g_assert_true (g_file_get_contents (f->settings, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# site team\n"));
  g_assert_nonnull (strstr (text, "idle-timeout=120\n"));
  g_assert_nonnull (strstr (text, "bilingual=true\n"));
  g_clear_pointer (&text, g_free);

  /* A file the kiosk cannot read: staff are told on opening the page and on
   * saving, and it is not replaced. */
  g_assert_true (g_file_set_contents (f->settings, broken, -1, NULL));
  press (f, "staff.show-settings", NULL);
  g_assert_true (shows_text (GTK_WIDGET (f->view), "The settings could not be read"));
  g_assert_true (shows_text (GTK_WIDGET (f->view), f->settings));
  press (f, "staff.save-settings", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "settings");
  /* The menu, behind, still holds the last save's "Settings saved."; what
   * the settings page says is measured instead. */
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "Settings not saved."));
  g_assert_null (strstr (sayso_staff_view_get_message (f->view), "Settings saved."));
  g_assert_true (g_file_get_contents (f->settings, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, broken);
}

/* The PIN pad */

static GtkWidget *
widget_named (Fixture    *f,
              const char *name)
{
  GtkWidget *widget = ui_find (GTK_WIDGET (f->view), name);

  if (widget == NULL)
    g_error ("No widget \"%s\" on the screen", name);
  return widget;
}

/* A tap on one of the pad's keys, if it can be tapped. */
static gboolean
tap_key (Fixture    *f,
         const char *name)
{
  GtkWidget *key = widget_named (f, name);

  if (!gtk_widget_is_sensitive (key))
    return FALSE;
  g_signal_emit_by_name (key, "clicked");
  while (g_main_context_iteration (NULL, FALSE));
  return TRUE;
}

static void
tap_digits (Fixture    *f,
            const char *digits)
{
  for (const char *c = digits; *c; c++)
    {
      g_autofree char *name = g_strdup_printf ("pin-key-%c", *c);
      tap_key (f, name);
    }
}

static guint
n_dots (Fixture *f)
{
  const char *dots = gtk_label_get_label (GTK_LABEL (widget_named (f, "pin-dots")));
  guint n = 0;

  for (const char *p = strstr (dots, "●"); p; p = strstr (p + 1, "●"))
    n++;
  return n;
}

/* A PIN of the longest kind, typed with one digit too many: the pad shows
 * twelve dots, its keys go grey, the thirteenth digit (by the keys or by the
 * action a keyboard uses) is not added, and what is tried is the twelve. The
 * control: one digit erased, a key can be tapped again and adds a dot. */
static void
test_pin_pad_stops_at_the_longest (Fixture       *f,
                                   gconstpointer  data)
{
  set_pin (f, "123456789012");
  sayso_staff_view_open (f->view);
  g_assert_cmpuint (n_dots (f), ==, 0);
  g_assert_false (gtk_widget_is_sensitive (widget_named (f, "pin-erase")));
  g_assert_false (gtk_widget_is_sensitive (widget_named (f, "pin-enter")));

  tap_digits (f, "123456789012");
  g_assert_cmpuint (n_dots (f), ==, SAYSO_PIN_MAX_DIGITS);
  g_assert_false (gtk_widget_is_sensitive (widget_named (f, "pin-key-9")));
  g_assert_false (tap_key (f, "pin-key-9"));
  press (f, "staff.digit", "9");
  g_assert_cmpuint (n_dots (f), ==, SAYSO_PIN_MAX_DIGITS);

  /* The control: room for one more. */
  g_assert_true (tap_key (f, "pin-erase"));
  g_assert_cmpuint (n_dots (f), ==, SAYSO_PIN_MAX_DIGITS - 1);
  g_assert_true (tap_key (f, "pin-key-2"));
  g_assert_cmpuint (n_dots (f), ==, SAYSO_PIN_MAX_DIGITS);

  g_assert_true (tap_key (f, "pin-enter"));
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

/* A wrong PIN, typed on the keys: the dots are cleared at once, the erase
 * and OK keys go grey, and the pad says so; the control is the same pad
 * before OK, holding the six digits. */
static void
test_pin_pad_clears_on_wrong (Fixture       *f,
                              gconstpointer  data)
{
  set_pin (f, "135791");
  sayso_staff_view_open (f->view);

  tap_digits (f, "000000");
  g_assert_cmpuint (n_dots (f), ==, 6);
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "pin-enter")));
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "pin-erase")));
  g_assert_cmpstr (sayso_staff_view_get_message (f->view), ==, "");

  g_assert_true (tap_key (f, "pin-enter"));
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
  g_assert_cmpuint (n_dots (f), ==, 0);
  g_assert_false (gtk_widget_is_sensitive (widget_named (f, "pin-enter")));
  g_assert_false (gtk_widget_is_sensitive (widget_named (f, "pin-erase")));
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "pin-key-1")));
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "That PIN is not right"));

  /* Closing staff mode in the middle of a PIN forgets it too. */
  fake_now += 2 * G_USEC_PER_SEC;
  tap_digits (f, "1357");
  sayso_staff_view_close (f->view);
  sayso_staff_view_open (f->view);
  g_assert_cmpuint (n_dots (f), ==, 0);
  tap_digits (f, "91");
  g_assert_cmpuint (n_dots (f), ==, 2);
  g_assert_false (tap_key (f, "pin-enter"));
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "pin");
}

/* The export page */

/* While an export runs nothing on the page can start another or leave it,
 * nor can staff mode close, so staff see when the stick can come out; when
 * it is done everything comes back. The control: before the press, Back
 * and the stick's button can be pressed. */
static void
test_export_page_busy (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SaysoQuestionnaire) survey = sayso_questionnaire_new_default ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  GtkWidget *target;
  guint n_files = 0;

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
      g_assert_true (sayso_response_set_choice (r, "how_often", "monthly", &error));
      g_assert_true (sayso_store_submit (f->base.store, r, SAYSO_MODE_SELF, &error));
    }

  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  press (f, "staff.show-export", NULL);
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "Put the USB stick in"));
  target = widget_named (f, "export-target");
  g_assert_true (gtk_widget_is_sensitive (target));
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "export-back")));

  /* No turn of the main loop between the tap and the looking: the export's
   * thread cannot have ended. */
  g_signal_emit_by_name (target, "clicked");
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "Do not take it out"));
  g_assert_false (gtk_widget_is_sensitive (target));
  g_assert_false (gtk_widget_is_sensitive (widget_named (f, "export-back")));
  gtk_widget_activate_action (GTK_WIDGET (f->view), "staff.export-to", "s", f->folder);
  gtk_widget_activate_action (GTK_WIDGET (f->view), "staff.close", NULL);
  g_assert_cmpuint (f->closed, ==, 0);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "export");

  while (strstr (sayso_staff_view_get_message (f->view), "Do not take it out"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (sayso_staff_view_get_message (f->view), "2 answer sheets were saved"));
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "export-target")));
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "export-back")));
  dir = g_dir_open (f->folder, 0, NULL);
  while (g_dir_read_name (dir))
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);

  /* Nothing left: the same button says so, and writes nothing. */
  g_signal_emit_by_name (widget_named (f, "export-target"), "clicked");
  while (strstr (sayso_staff_view_get_message (f->view), "Do not take it out"))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (sayso_staff_view_get_message (f->view), ==, "There is nothing waiting to be exported.");
  g_assert_true (gtk_widget_is_sensitive (widget_named (f, "export-back")));
  g_assert_true (tap_key (f, "export-back"));
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

/* The settings page */

/* The page shows what kiosk.ini says, and Cancel leaves the file as it was,
 * byte for byte, whatever staff touched; the control: the same touches and
 * Save change it. */
static void
test_settings_page_shows_and_cancels (Fixture       *f,
                                      gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->settings);
  g_autofree char *text = NULL;
  const char *before = "# IT\n[kiosk]\nidle-timeout=90\nbilingual=true\ndefault-language=cy\nkeep-partial=true\n";
  GtkWidget *root;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (f->settings, before, -1, NULL));
  set_pin (f, "123456");
  sayso_staff_view_open (f->view);
  type_pin (f, "123456");
  press (f, "staff.show-settings", NULL);
  root = GTK_WIDGET (f->view);
  g_assert_cmpstr (sayso_staff_view_get_message (f->view), ==, "");
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (ui_find (root, "setting-welsh-first"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (ui_find (root, "setting-bilingual"))));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (ui_find (root, "setting-keep-partial"))));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (ui_find (root, "setting-idle-timeout"))), ==, 90);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (ui_find (root, "setting-keep-days"))), ==,
                   SAYSO_DEFAULT_KEEP_DAYS);

  gtk_switch_set_active (GTK_SWITCH (ui_find (root, "setting-welsh-first")), FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui_find (root, "setting-idle-timeout")), 200);
  g_assert_true (tap_key (f, "settings-cancel"));
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
  g_assert_true (g_file_get_contents (f->settings, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, before);
  g_clear_pointer (&text, g_free);

  /* Shown again, the page is what the file says, not what was touched. */
  press (f, "staff.show-settings", NULL);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (ui_find (root, "setting-welsh-first"))));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (ui_find (root, "setting-idle-timeout"))), ==, 90);

  /* The control. */
  gtk_switch_set_active (GTK_SWITCH (ui_find (root, "setting-welsh-first")), FALSE);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui_find (root, "setting-idle-timeout")), 200);
  g_assert_true (tap_key (f, "settings-save"));
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
  g_assert_cmpstr (sayso_staff_view_get_message (f->view), ==, "Settings saved.");
  g_assert_true (g_file_get_contents (f->settings, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "# IT\n"));
  g_assert_nonnull (strstr (text, "idle-timeout=200\n"));
  g_assert_nonnull (strstr (text, "default-language=en\n"));
}

int
main (int   argc,
      char *argv[])
{
  sayso_kiosk_init ();
  gtk_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/staff/first-start-sets-pin", test_first_start_sets_pin);
  ADD ("/staff/wrong-pin-delays-and-lockout", test_wrong_pin_delays_and_lockout);
  ADD ("/staff/restart-keeps-lockout", test_restart_keeps_lockout);
  ADD ("/staff/restart-after-four-not-locked", test_restart_after_four_not_locked);
  ADD ("/staff/no-pin-not-set-up", test_no_pin_not_set_up);
  ADD ("/staff/fingerprint-shows-swapped-key", test_fingerprint_shows_swapped_key);
  ADD ("/staff/idle-close", test_idle_close);
  ADD ("/staff/start-survey-modes", test_start_survey_modes);
  ADD ("/staff/export-to-folder", test_export_to_folder);
  ADD ("/staff/export-sets-damaged-aside", test_export_sets_damaged_aside);
  ADD ("/staff/settings", test_settings);
  ADD ("/staff/settings-save-fails", test_settings_save_fails);
  ADD ("/staff/pin-pad/stops-at-the-longest", test_pin_pad_stops_at_the_longest);
  ADD ("/staff/pin-pad/clears-on-wrong", test_pin_pad_clears_on_wrong);
  ADD ("/staff/export-page/busy", test_export_page_busy);
  ADD ("/staff/settings-page/shows-and-cancels", test_settings_page_shows_and_cancels);
#undef ADD

  return g_test_run ();
}
