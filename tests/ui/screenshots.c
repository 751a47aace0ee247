/* screenshots: every screen of the kiosk, as PNG files, for docs/screenshots.
 *
 *   ui/screenshots.sh [DIR]
 *
 * Drives the real window through a respondent's journey at 1280×800 and
 * renders each screen with the window's own renderer, once what it shows
 * has been drawn: no page mid-transition, no text typed but not yet laid out.
 */
#define G_LOG_DOMAIN "sayso-screenshots"

#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>

#include "sayso-outbox.h"
#include "sayso-pin-gate.h"
#include "sayso-submit-queue-private.h"
#include "sayso-db.h"
#include "ui-test-utils.h"

static const char *out_dir;

static gboolean
transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (transition_running (child))
      return TRUE;
  return FALSE;
}

/* On the screen (a new fullscreen window is mapped only once the X server
 * has placed it), with no page moving. */
static gboolean
settled (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 0 && !transition_running (data);
}

static void
after_paint (GdkFrameClock *clock,
             guint         *paints)
{
  (*paints)++;
}

/* Until the window has been painted twice after everything queued so far:
 * the first paint lays out what changed (a text view validates its lines
 * only then), the second draws what that layout asked for. */
static void
wait_for_paint (SaysoWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  guint paints = 0;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &paints);
  for (guint wanted = 1; wanted <= 2; wanted++)
    {
      ui_iterate ();
      gtk_widget_queue_draw (GTK_WIDGET (window));
      while (paints < wanted)
        g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);
  ui_iterate ();
}

/* What the screen shows once its pages have stopped moving, all that was
 * queued has been painted, and the buttons' own CSS transitions (GTK's
 * theme's are 200 ms) have ended. */
static void
wait_for_screen (SaysoWindow *window)
{
  if (!ui_wait_for (settled, window, 5000))
    g_error ("The window was not on the screen, or a page still moving, after five seconds");
  wait_for_paint (window);
  ui_wait (250);
}

static void
shoot (SaysoWindow *window,
       const char  *name)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  int width, height;

  wait_for_screen (window);

  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  file = g_strconcat (name, ".png", NULL);
  path = g_build_filename (out_dir, file, NULL);
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("Could not write %s", path);
  g_print ("%s (%dx%d, surface %dx%d)\n", path, width, height,
           gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))),
           gdk_surface_get_height (gtk_native_get_surface (GTK_NATIVE (window))));
}

static void
go_to (SaysoWindow *window,
       const char  *question_id)
{
  for (guint i = 0; i < 40 && g_strcmp0 (ui_current_question (window), question_id) != 0; i++)
    ui_press (GTK_WIDGET (window), "next");
  g_assert_cmpstr (ui_current_question (window), ==, question_id);
}

static gboolean
failing_submit (SaysoStore     *store,
                SaysoResponse  *response,
                SaysoMode       mode,
                GError        **error)
{
  /* As the store words it. */
  g_set_error_literal (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL,
                       "/var/lib/sayso/store.db: the disk is full; nothing was stored");
  return FALSE;
}

/* One option's speaker control pressed on the 14-option screen. Without
 * sound its words are "said" at once and the mark goes; it is put back as
 * a respondent sees it while the words are heard. */
static void
option_being_read (SaysoWindow *window)
{
  GtkWidget *hear;

  ui_press (GTK_WIDGET (window), "hear:option:travel");
  hear = ui_find (GTK_WIDGET (window), "hear:option:travel");
  sayso_question_view_set_hearing (ui_question_view (window), hear);
  shoot (window, "42-option-being-read");
  sayso_question_view_set_hearing (ui_question_view (window), NULL);
}

/* The box has what was typed before its picture is taken. */
static void
assert_typed (SaysoWindow *window,
              const char  *typed)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (sayso_question_view_get_text_view (ui_question_view (window)));
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (text, ==, typed);
}

static void
journey (KioskFixture *fixture)
{
  static const char typed[] = "It was OK. Staff were kind";
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *root = GTK_WIDGET (window);

  shoot (window, "01-welcome");
  ui_press (root, "language:en");
  shoot (window, "03-promise");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  shoot (window, "04-question-likert");
  go_to (window, "needed_services");
  ui_answer (window, "needed_services", "yes");
  shoot (window, "05-question-single");
  go_to (window, "biggest_issue");
  ui_answer (window, "biggest_issue", "communication");
  shoot (window, "06-question-single-long");
  ui_answer (window, "biggest_issue", "housing");
  shoot (window, "40-biggest-issue-with-pictures");
  option_being_read (window);
  go_to (window, "what_good");
  ui_answer (window, "what_good", "reception");
  ui_answer (window, "what_good", "housing");
  shoot (window, "07-question-multiple");
  go_to (window, "induction");
  ui_type (window, typed);
  assert_typed (window, typed);
  shoot (window, "08-question-text-keyboard");
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-accents");
  assert_typed (window, typed);
  shoot (window, "09-question-text-welsh-letters");
  ui_press (root, "start-again");
  shoot (window, "10-start-again");
  ui_press (root, "start-again-no");
  ui_pretend_idle (window, fixture->config->idle_timeout + 3);
  shoot (window, "11-still-there");
  ui_press (root, "still-here");
  go_to (window, "time_on_probation");
  ui_press (root, "next");
  shoot (window, "12-submit");
  ui_press (root, "send");
  shoot (window, "13-thank-you");
  ui_thanks_timeout (window);

  /* Large text and high contrast, chosen on the welcome screen. */
  ui_press (root, "text-size:2");
  ui_press (root, "high-contrast");
  shoot (window, "14-welcome-high-contrast-large-text");
  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "strongly_agree");
  shoot (window, "15-question-high-contrast-large-text");
  go_to (window, "needed_services");
  shoot (window, "16-question-single-high-contrast-large-text");
  go_to (window, "biggest_issue");
  ui_answer (window, "biggest_issue", "travel");
  shoot (window, "41-pictures-large-text-high-contrast");
  sayso_window_forget (window);

  /* The store fails: the respondent is calmly told; staff see a marker. */
  _sayso_submit_queue_set_submit_func (_sayso_window_get_queue (window), failing_submit);
  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  go_to (window, "time_on_probation");
  ui_press (root, "next");
  ui_press (root, "send");
  shoot (window, "17-store-error");
  _sayso_submit_queue_set_submit_func (_sayso_window_get_queue (window), NULL);
  sayso_submit_queue_retry_now (_sayso_window_get_queue (window));
  ui_thanks_timeout (window);
}

static void
bilingual (KioskFixture *fixture)
{
  SaysoWindow *window;
  GtkWidget *root;

  fixture->config->bilingual = TRUE;
  window = kiosk_fixture_open (fixture, TRUE);
  root = GTK_WIDGET (window);

  shoot (window, "02-welcome-bilingual");
  ui_press (root, "language:cy");
  shoot (window, "18-promise-bilingual");
  ui_press (root, "next");
  shoot (window, "19-question-likert-bilingual");
  go_to (window, "induction");
  shoot (window, "20-question-text-bilingual");
}

static void
staff_action (SaysoWindow *window,
              const char  *action,
              const char  *target)
{
  GtkWidget *view = GTK_WIDGET (ui_staff_view (window));

  if (target)
    gtk_widget_activate_action (view, action, "s", target);
  else
    gtk_widget_activate_action (view, action, NULL);
  ui_iterate ();
}

static void
type_digits (SaysoWindow *window,
             const char  *digits)
{
  for (const char *digit = digits; *digit; digit++)
    {
      char one[2] = { *digit, 0 };
      staff_action (window, "staff.digit", one);
    }
}

/* One respondent's journey to the thank-you. */
static void
one_respondent (SaysoWindow *window)
{
  ui_press (GTK_WIDGET (window), "language:en");
  ui_press (GTK_WIDGET (window), "next");
  ui_answer (window, "contact_officer", "agree");
  go_to (window, "time_on_probation");
  ui_press (GTK_WIDGET (window), "next");
  ui_press (GTK_WIDGET (window), "send");
  ui_thanks_timeout (window);
}

/* Staff mode: the PIN pad, the menu, the export and the settings. */
static void
staff (KioskFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stick = g_build_filename (fixture->store.dir, "USB stick", NULL);
  SaysoWindow *window;

  g_mkdir_with_parents (stick, 0700);
  g_free (fixture->config->export_folder);
  fixture->config->export_folder = g_strdup (stick);
  g_assert_true (sayso_store_set_pin (fixture->store.store, "246824", &error));
  window = kiosk_fixture_open (fixture, TRUE);

  /* Two respondents earlier in the day. */
  for (guint i = 0; i < 2; i++)
    one_respondent (window);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL);
  type_digits (window, "24");
  shoot (window, "21-staff-pin");
  type_digits (window, "6824");
  staff_action (window, "staff.enter", NULL);
  shoot (window, "22-staff-menu");
  staff_action (window, "staff.show-export", NULL);
  staff_action (window, "staff.export-to", stick);
  while (strstr (sayso_staff_view_get_message (ui_staff_view (window)), "Do not take it out"))
    g_main_context_iteration (NULL, TRUE);
  shoot (window, "23-staff-export");
  staff_action (window, "staff.show-menu", NULL);
  staff_action (window, "staff.show-settings", NULL);
  shoot (window, "24-staff-settings");
  staff_action (window, "staff.show-menu", NULL);
  staff_action (window, "staff.close", NULL);

  /* A respondent's answers that could not be saved yet: staff are told how
   * many wait in memory, and can try again. */
  _sayso_submit_queue_set_submit_func (_sayso_window_get_queue (window), failing_submit);
  one_respondent (window);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL);
  type_digits (window, "246824");
  staff_action (window, "staff.enter", NULL);
  shoot (window, "25-staff-answers-waiting");
  _sayso_submit_queue_set_submit_func (_sayso_window_get_queue (window), NULL);
  staff_action (window, "staff.retry", NULL);
  staff_action (window, "staff.close", NULL);
}

static gboolean
outbox_says (gpointer data)
{
  SaysoWindow *window = data;
  GtkWidget *label = ui_find (GTK_WIDGET (ui_staff_view (window)), "staff-outbox-status");
  GtkWidget *detail = ui_find (GTK_WIDGET (ui_staff_view (window)), "staff-outbox-detail");
  const char *words = g_object_get_data (G_OBJECT (window), "outbox-words");

  return label != NULL && detail != NULL && strstr (gtk_label_get_label (GTK_LABEL (label)), words) != NULL &&
         strcmp (gtk_label_get_label (GTK_LABEL (detail)), "Sending now…") != 0;
}

static void
wait_for_outbox (SaysoWindow *window,
                 const char  *words)
{
  g_object_set_data_full (G_OBJECT (window), "outbox-words", g_strdup (words), g_free);
  if (!ui_wait_for (outbox_says, window, 20000))
    g_error ("The staff menu never said “%s”", words);
}

/* A kiosk that sends its own bundles: the collection service not there
 * for two exports, then there, and "Send now". */
static void
sending (KioskFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stick = g_build_filename (fixture->store.dir, "USB stick", NULL);
  g_autofree char *db = g_build_filename (fixture->store.dir, "collect.db", NULL);
  g_autofree char *kiosk_pub = g_build_filename (fixture->store.dir, "kiosk.pub", NULL);
  g_autofree char *service_pub = g_build_filename (fixture->store.dir, "service.pub", NULL);
  g_autofree char *out = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GSubprocess) server = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  SaysoWindow *window;
  guint16 port;

  /* A port nobody listens on yet. */
  {
    g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
    g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
    g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
    g_autoptr(GSocketAddress) bound = NULL;

    g_assert_true (g_socket_bind (socket, any, FALSE, &error));
    bound = g_socket_get_local_address (socket, &error);
    port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  }
  listen = g_strdup_printf ("127.0.0.1:%u", port);
  url = g_strdup_printf ("http://127.0.0.1:%u/", port);

  g_assert_cmpint (test_run_collect (&out, NULL, "init", "--db", db, NULL), ==, 0);
  g_assert_true (g_file_set_contents (service_pub, strstr (out, "# Sayso collection service"), -1, NULL));
  g_assert_true (sayso_key_read_file (SAYSO_KEY_SERVICE_PUBLIC, service_pub, service_pk, &error));
  g_assert_true (sayso_key_write_file (SAYSO_KEY_KIOSK_PUBLIC, sayso_store_get_kiosk_key (fixture->store.store),
                                       kiosk_pub, &error));
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", db, "--site", "Test site", kiosk_pub, NULL), ==, 0);
  g_assert_true (sayso_store_set_upload (fixture->store.store, url, service_pk, &error));

  g_mkdir_with_parents (stick, 0700);
  g_free (fixture->config->export_folder);
  fixture->config->export_folder = g_strdup (stick);
  g_assert_true (sayso_store_set_pin (fixture->store.store, "246824", &error));
  window = kiosk_fixture_open (fixture, TRUE);

  for (guint day = 0; day < 2; day++)
    {
      one_respondent (window);
      gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL);
      type_digits (window, "246824");
      staff_action (window, "staff.enter", NULL);
      staff_action (window, "staff.show-export", NULL);
      staff_action (window, "staff.export-to", stick);
      while (strstr (sayso_staff_view_get_message (ui_staff_view (window)), "Do not take it out"))
        g_main_context_iteration (NULL, TRUE);
      staff_action (window, "staff.show-menu", NULL);
      wait_for_outbox (window, day == 0 ? "Waiting to send: 1 bundle" : "Waiting to send: 2 bundles");
      if (day == 0)
        staff_action (window, "staff.close", NULL);
    }
  shoot (window, "27-staff-sending-waiting");

  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                             test_collect_binary (), "serve", "--db", db, "--listen", listen, NULL);
  g_assert_no_error (error);
  {
    g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
    g_autofree char *first = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

    g_assert_cmpstr (first, ==, url);
  }
  staff_action (window, "staff.send-now", NULL);
  wait_for_outbox (window, "Sent to the inspection team");
  shoot (window, "28-staff-sending-sent");
  staff_action (window, "staff.close", NULL);
  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
}

/* The test-only languages (tests/test-language.py, linked into this program
 * alone): right to left, mirrored; and 40% longer, on the screen with the
 * most options. */
static void
test_languages (KioskFixture *fixture)
{
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;
  GtkWidget *root;

  json = g_resources_lookup_data ("/org/sayso/Test/test-languages.json", G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = sayso_questionnaire_new_from_bytes (json, "test-languages.json", &error);
  g_assert_no_error (error);
  window = kiosk_fixture_open (fixture, TRUE);
  root = GTK_WIDGET (window);

  ui_press (root, "language:qpr");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  shoot (window, "43-rtl-test-language-question");
  sayso_window_forget (window);

  ui_press (root, "language:qpl");
  ui_press (root, "next");
  go_to (window, "biggest_issue");
  ui_answer (window, "biggest_issue", "communication");
  shoot (window, "44-long-test-language-question");
  sayso_window_forget (window);
}

/* The full-screen kiosk on a store that was never set up (no staff PIN). */
static void
not_set_up (KioskFixture *fixture)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL);
  ui_iterate ();
  shoot (window, "26-staff-not-set-up");
  staff_action (window, "staff.close", NULL);
}

int
main (int    argc,
      char **argv)
{
  KioskFixture fixture = { 0 };

  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);
  out_dir = argc > 1 ? argv[1] : ".";
  g_mkdir_with_parents (out_dir, 0755);

  kiosk_fixture_setup (&fixture, NULL);
  journey (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);

  memset (&fixture, 0, sizeof fixture);
  kiosk_fixture_setup (&fixture, NULL);
  bilingual (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);

  memset (&fixture, 0, sizeof fixture);
  kiosk_fixture_setup (&fixture, NULL);
  staff (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);

  memset (&fixture, 0, sizeof fixture);
  kiosk_fixture_setup (&fixture, NULL);
  not_set_up (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);

  memset (&fixture, 0, sizeof fixture);
  kiosk_fixture_setup (&fixture, NULL);
  sending (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);

  memset (&fixture, 0, sizeof fixture);
  kiosk_fixture_setup (&fixture, NULL);
  test_languages (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);
  return 0;
}
