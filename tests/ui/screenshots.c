/* screenshots: every screen of the kiosk, as PNG files, for docs/screenshots.
 *
 *   ui/screenshots.sh [DIR]
 *
 * Drives the real window through a respondent's journey at 1280×800 and
 * renders each screen with the window's own renderer.
 */
#define G_LOG_DOMAIN "sayso-screenshots"

#include <adwaita.h>
#include <string.h>

#include "sayso-pin-gate.h"
#include "sayso-submit-queue-private.h"
#include "sayso-db.h"
#include "ui-test-utils.h"

static const char *out_dir;

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

  /* Let transitions finish and the frame clock paint. */
  ui_wait (400);

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

static void
journey (KioskFixture *fixture)
{
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
  go_to (window, "what_good");
  ui_answer (window, "what_good", "reception");
  ui_answer (window, "what_good", "housing");
  shoot (window, "07-question-multiple");
  go_to (window, "induction");
  ui_type (window, "It was OK. Staff were kind");
  shoot (window, "08-question-text-keyboard");
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-accents");
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
  test_languages (&fixture);
  kiosk_fixture_teardown (&fixture, NULL);
  return 0;
}
