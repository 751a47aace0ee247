/* test-startup: the kiosk program starting. kiosk.ini is bounded: the kiosk
 * refuses to start on one larger than 64 KiB, naming it; on one just at the
 * bound, all comment, it starts (the control). (The bound itself, read by
 * sayso-config: tests/test-config.c /config/too-large.)
 *
 * The welcome screen is drawn without what only later screens need: no SVG
 * renderer (librsvg) is in the process once it has painted, and the pages
 * out of sight are not shown; the control goes on to the first question,
 * whose speaker controls do bring librsvg in.
 *
 * Nor are eSpeak NG and libsoup (and the 35 libraries they bring) in the
 * process when it has painted, though the store has an upload address:
 * the first words read aloud bring the one, the first bundle sent the
 * other (neither this program nor sayso-kiosk links them; the control is
 * GTK, which both link, found by the same look). Where neither can be
 * loaded, the kiosk goes on silent and keeps the bundle, and staff read
 * which library is missing.
 *
 * Nor is it built with them: at its first frame the window holds no
 * question view (nor its on-screen keyboard) and no staff view (nor its
 * PIN pad), counted by type in its whole tree, shown or not; the same
 * count finds the welcome page that is there (the control). A respondent
 * who leaves before the first question (the idle reset, Start again)
 * builds neither; the first question builds the question view and staff
 * opening staff mode the staff view, each once: the next respondent and
 * the next unlock find the same one. The staff view, built late, shows
 * what the kiosk's outbox went through before it existed. */
#define G_LOG_DOMAIN "test-startup"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "sayso-export.h"
#include "sayso-keyboard.h"
#include "sayso-lazy-lib-private.h"
#include "sayso-outbox.h"
#include "sayso-pin-pad.h"
#include "ui-test-utils.h"

#define PIN "555555"

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

/* Whether a library whose file name holds @name is mapped in this process. */
static gboolean
library_mapped (const char *name)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, name) != NULL;
}

/* Under AddressSanitizer only: libsoup and GStreamer, loaded here, make
 * enough quarks for GLib to grow its quark table, which keeps the first
 * block (allocated by its constructor) on purpose. LeakSanitizer tells that
 * allocation by its caller (tests/lsan.supp: call_init) only with a full
 * unwind, as in tests/ui/test-voice.c. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

#define ESPEAK_FILE "libespeak-ng.so"
#define SOUP_FILE   "libsoup-3.0.so"

typedef struct
{
  gboolean  done;
  gboolean  sent_all;
  GError   *error;
} Pass;

static void
pass_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Pass *pass = data;

  pass->sent_all = sayso_outbox_send_finish (SAYSO_OUTBOX (source), result, &pass->error);
  pass->done = TRUE;
}

static gboolean
pass_ended (gpointer data)
{
  return ((Pass *) data)->done;
}

/* An upload address where nothing answers (a port held, never listened
 * on), set before the kiosk starts. */
static void
set_silent_upload (KioskFixture  *fixture,
                   GSocket      **reservation)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", test_free_port (reservation));
  g_autoptr(GError) error = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];

  sayso_sign_keypair_new (pk, sk);
  g_assert_true (sayso_store_set_upload (fixture->store.store, url, pk, &error));
  g_assert_no_error (error);
}

/* One response exported by the real `sayso` into the outbox, then one
 * pass of the kiosk's own outbox over it: @pass says how it ended. */
static void
send_one_bundle (KioskFixture *fixture,
                 SaysoWindow  *window,
                 Pass         *pass)
{
  const char *input = "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}\n";

  g_assert_cmpint (test_run_sayso (input, NULL, NULL, "submit", "--store", fixture->store.path, "-", NULL), ==, 0);
  g_assert_cmpint (test_run_sayso (NULL, NULL, NULL, "export", "--store", fixture->store.path, NULL), ==, 0);
  sayso_outbox_send_async (window->outbox, NULL, pass_done, pass);
  g_assert_true (ui_wait_for (pass_ended, pass, 60000));
}

static void
libraries_when_used (KioskFixture  *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSocket) reservation = NULL;
  SaysoWindow *window;
  Pass pass = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  /* Reading aloud as the kiosk does by default, into a sound card or not. */
  g_unsetenv ("SAYSO_SPEECH");
  set_silent_upload (fixture, &reservation);
  window = kiosk_fixture_open (fixture, FALSE);
  ui_settle (GTK_WIDGET (window));
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (library_mapped (ESPEAK_FILE));
  g_assert_false (library_mapped (SOUP_FILE));
  /* The control: the same look finds a library that is linked. */
  g_assert_true (library_mapped ("libgtk-4.so"));

  ui_press (GTK_WIDGET (window), "language:en");
  ui_press (GTK_WIDGET (window), "next");
  g_assert_nonnull (ui_current_question (window));
  g_assert_false (library_mapped (ESPEAK_FILE));
  ui_press (GTK_WIDGET (window), "speak");
  g_assert_true (library_mapped (ESPEAK_FILE));
  g_assert_false (library_mapped (SOUP_FILE));

  send_one_bundle (fixture, window, &pass);
  g_assert_false (pass.sent_all);
  /* Nothing answered: libsoup was there to try. */
  g_assert_nonnull (pass.error);
  g_assert_null (strstr (pass.error->message, "could not be loaded"));
  g_assert_true (library_mapped (SOUP_FILE));
  g_clear_error (&pass.error);
}

/* As on a machine without either library: the names the loader opens are
 * ones no machine has. */
static void
libraries_missing (KioskFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GSocket) reservation = NULL;
  g_auto(SaysoOutboxStatus) status = { 0 };
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;
  Pass pass = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_unsetenv ("SAYSO_SPEECH");
  _sayso_lazy_espeak_set_soname ("libsayso-no-espeak.so.1");
  _sayso_lazy_soup_set_soname ("libsayso-no-soup.so.0");
  set_silent_upload (fixture, &reservation);
  window = kiosk_fixture_open (fixture, FALSE);
  ui_press (GTK_WIDGET (window), "language:en");
  ui_press (GTK_WIDGET (window), "next");
  ui_press (GTK_WIDGET (window), "speak");
  g_assert_false (sayso_speech_get_available (_sayso_window_get_speech (window)));
  /* Silent, and the survey goes on. */
  ui_answer (window, "contact_officer", "agree");
  ui_press (GTK_WIDGET (window), "next");
  g_assert_cmpstr (ui_current_question (window), ==, "appointment_times");

  send_one_bundle (fixture, window, &pass);
  g_assert_false (pass.sent_all);
  g_assert_nonnull (strstr (pass.error->message, "libsoup (libsayso-no-soup.so.0) could not be loaded: "));
  g_clear_error (&pass.error);
  /* What staff read, and the bundle kept for when the machine can send. */
  g_assert_true (sayso_outbox_get_status (window->outbox, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (status.waiting, ==, 1);
  g_assert_nonnull (status.error);
  g_assert_true (g_str_has_prefix (status.error, "This kiosk cannot send bundles: libsoup (libsayso-no-soup.so.0) "
                                                 "could not be loaded: "));
  g_assert_false (library_mapped (ESPEAK_FILE));
  g_assert_false (library_mapped (SOUP_FILE));
}

static gboolean
transition_done (gpointer stack)
{
  return !gtk_stack_get_transition_running (stack);
}

static void
welcome_only (KioskFixture  *fixture,
              gconstpointer  data)
{
  SaysoWindow *window;
  GtkStack *stack;
  guint n_visible = 0;

  /* In a process of its own: nothing drawn before may have loaded it. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  window = kiosk_fixture_open (fixture, FALSE);
  ui_settle (GTK_WIDGET (window));
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (library_mapped ("librsvg"));

  stack = GTK_STACK (gtk_widget_get_ancestor (ui_find (GTK_WIDGET (window), "language:en"), GTK_TYPE_STACK));
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (stack)); page; page = gtk_widget_get_next_sibling (page))
    n_visible += gtk_widget_get_visible (page);
  g_assert_cmpuint (n_visible, ==, 1);
  g_assert_true (gtk_widget_get_visible (gtk_stack_get_child_by_name (stack, "welcome")));

  /* The control: the first question's speaker controls are drawn from the
   * icon theme's SVGs, so the same look finds librsvg there. */
  ui_press (GTK_WIDGET (window), "language:en");
  ui_press (GTK_WIDGET (window), "next");
  g_assert_nonnull (ui_current_question (window));
  ui_settle (GTK_WIDGET (window));
  g_assert_true (library_mapped ("librsvg"));
  g_assert_true (gtk_widget_get_visible (gtk_stack_get_child_by_name (stack, "question")));
  /* The page left goes once the crossfade has ended. */
  g_assert_true (ui_wait_for (transition_done, stack, 10000));
  g_assert_false (gtk_widget_get_visible (gtk_stack_get_child_by_name (stack, "welcome")));
}

/* How many widgets of @type are in @widget's tree, shown or not. */
static guint
count_type (GtkWidget *widget,
            GType      type)
{
  guint n = G_TYPE_CHECK_INSTANCE_TYPE (widget, type) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_type (child, type);
  return n;
}

static void
assert_counts (SaysoWindow *window,
               guint        question_views,
               guint        staff_views)
{
  GtkWidget *root = GTK_WIDGET (window);

  g_assert_cmpuint (count_type (root, SAYSO_TYPE_QUESTION_VIEW), ==, question_views);
  g_assert_cmpuint (count_type (root, SAYSO_TYPE_KEYBOARD), ==, question_views);
  g_assert_cmpuint (count_type (root, SAYSO_TYPE_STAFF_VIEW), ==, staff_views);
  g_assert_cmpuint (count_type (root, SAYSO_TYPE_PIN_PAD), ==, staff_views);
}

static void
staff_do (SaysoWindow *window,
          const char  *action,
          const char  *digit)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui_staff_view (window)), action, digit ? "s" : NULL, digit));
  ui_iterate ();
}

static void
open_staff (SaysoWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  ui_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (ui_staff_view (window))));
  g_assert_cmpstr (sayso_staff_view_get_page (ui_staff_view (window)), ==, "pin");
  for (const char *c = PIN; *c; c++)
    {
      char digit[2] = { *c, 0 };
      staff_do (window, "staff.digit", digit);
    }
  staff_do (window, "staff.enter", NULL);
  ui_settle (GTK_WIDGET (window));
  g_assert_cmpstr (sayso_staff_view_get_page (ui_staff_view (window)), ==, "menu");
}

static void
built_when_needed (KioskFixture  *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;
  GtkWidget *root;
  gpointer question_view = NULL, staff_view = NULL;

  g_assert_true (sayso_store_set_pin (fixture->store.store, PIN, &error));
  g_assert_no_error (error);
  fixture->config->idle_timeout = 60;
  fixture->config->countdown = 20;
  window = kiosk_fixture_open (fixture, FALSE);
  root = GTK_WIDGET (window);

  /* The first frame, and the control: the same count finds what is built. */
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_cmpuint (count_type (root, SAYSO_TYPE_WELCOME_PAGE), ==, 1);
  assert_counts (window, 0, 0);

  /* Someone who walks away on the promise, and someone who starts again
   * there, are forgotten without a question view. */
  ui_press (root, "language:en");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_PROMISE);
  ui_pretend_idle (window, fixture->config->idle_timeout + 1);
  g_assert_true (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  ui_pretend_idle (window, fixture->config->idle_timeout + fixture->config->countdown + 1);
  ui_settle (root);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  assert_counts (window, 0, 0);
  ui_press (root, "language:cy");
  ui_press (root, "start-again");
  ui_press (root, "start-again-yes");
  ui_settle (root);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  assert_counts (window, 0, 0);

  /* The first question builds it, once: the next respondent's first
   * question has the same, emptied. */
  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_settle (root);
  g_assert_nonnull (ui_current_question (window));
  assert_counts (window, 1, 0);
  question_view = ui_question_view (window);
  g_object_add_weak_pointer (question_view, &question_view);
  g_assert_true (gtk_widget_get_mapped (question_view));
  ui_answer (window, "contact_officer", "agree");
  ui_press (root, "start-again");
  ui_press (root, "start-again-yes");
  ui_settle (root);
  ui_assert_nothing_left (window, "agree");
  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_settle (root);
  assert_counts (window, 1, 0);
  g_assert_true (question_view == (gpointer) ui_question_view (window));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (root, "option:agree"))));
  sayso_window_forget (window);
  ui_settle (root);

  /* Staff mode builds its view; closing hides it, and the next unlock
   * finds the same one. */
  open_staff (window);
  assert_counts (window, 1, 1);
  staff_view = ui_staff_view (window);
  g_object_add_weak_pointer (staff_view, &staff_view);
  staff_do (window, "staff.close", NULL);
  ui_settle (root);
  g_assert_false (gtk_widget_get_visible (staff_view));
  g_assert_true (gtk_widget_is_sensitive (ui_find (root, "language:en")));
  open_staff (window);
  assert_counts (window, 1, 1);
  g_assert_true (staff_view == (gpointer) ui_staff_view (window));

  g_object_remove_weak_pointer (question_view, &question_view);
  g_object_remove_weak_pointer (staff_view, &staff_view);
}

/* The window's outbox has tried to send, and failed. */
static gboolean
outbox_failed (gpointer data)
{
  g_auto(SaysoOutboxStatus) status = { 0 };

  return sayso_store_get_outbox_status (data, &status, NULL) && status.error != NULL;
}

static const char *
label_text (SaysoWindow *window,
            const char  *name)
{
  GtkWidget *label = ui_find (GTK_WIDGET (ui_staff_view (window)), name);

  g_assert_nonnull (label);
  return gtk_label_get_label (GTK_LABEL (label));
}

/* A bundle in the outbox and a collection service not there: the window's
 * outbox tries and fails before anyone opens staff mode, and the staff
 * view, built after, says what the store says happened. */
static void
staff_view_late_outbox (KioskFixture  *fixture,
                        gconstpointer  data)
{
  const char *json = "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"contact_officer\": \"agree\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) reservation = NULL;
  g_autoptr(SaysoResponse) response = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", test_free_port (&reservation));
  g_autofree char *stick = g_build_filename (fixture->store.dir, "stick", NULL);
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  g_auto(SaysoOutboxStatus) status = { 0 };
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], service_sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  gboolean kept = FALSE;
  SaysoWindow *window;

  /* In a process of its own: GLib never frees the first block of its table
   * of names (quarks) once it outgrows it, by design, and one process
   * running every test here with the outbox's libraries outgrows it, which
   * AddressSanitizer's leak check reports. */
  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_true (sayso_store_set_pin (fixture->store.store, PIN, &error));
  g_assert_no_error (error);
  sayso_sign_keypair_new (service_pk, service_sk);
  g_assert_true (sayso_store_set_upload (fixture->store.store, url, service_pk, &error));
  response = sayso_response_new_from_text (fixture->questionnaire, json, strlen (json), "test", 0, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_store_submit (fixture->store.store, response, SAYSO_MODE_SELF, &error));
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_assert_true (sayso_store_export (fixture->store.store, stick, 0, &result, &error));
  g_assert_true (sayso_store_keep_for_upload (fixture->store.store, &result, &kept, &error));
  g_assert_no_error (error);
  g_assert_true (kept);

  window = kiosk_fixture_open (fixture, FALSE);
  g_assert_true (ui_wait_for (outbox_failed, fixture->store.store, 60000));
  assert_counts (window, 0, 0);

  open_staff (window);
  g_assert_true (sayso_store_get_outbox_status (fixture->store.store, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status.state, ==, SAYSO_OUTBOX_WAITING);
  title = sayso_outbox_status_title (&status);
  detail = sayso_outbox_status_detail (&status);
  g_assert_cmpstr (label_text (window, "staff-outbox-status"), ==, title);
  g_assert_cmpstr (label_text (window, "staff-outbox-detail"), ==, detail);
  g_assert_nonnull (strstr (title, "Waiting to send: 1 bundle"));
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/kiosk/startup/config-too-large", test_config_too_large);
  g_test_add ("/kiosk/startup/welcome-only", KioskFixture, NULL, kiosk_fixture_setup, welcome_only,
              kiosk_fixture_teardown);
  g_test_add ("/kiosk/startup/libraries-when-used", KioskFixture, NULL, kiosk_fixture_setup, libraries_when_used,
              kiosk_fixture_teardown);
  g_test_add ("/kiosk/startup/libraries-missing", KioskFixture, NULL, kiosk_fixture_setup, libraries_missing,
              kiosk_fixture_teardown);
  g_test_add ("/kiosk/startup/built-when-needed", KioskFixture, NULL, kiosk_fixture_setup, built_when_needed,
              kiosk_fixture_teardown);
  g_test_add ("/kiosk/startup/staff-view-late-outbox", KioskFixture, NULL, kiosk_fixture_setup,
              staff_view_late_outbox, kiosk_fixture_teardown);

  return g_test_run ();
}
