/* test-staff-window: staff mode inside the kiosk window, through the real
 * widgets: the corner gesture's action, the PIN, surveys recorded as
 * staff-assisted or paper, counts, and the respondent's screen locked away
 * while staff mode is open. */
#define G_LOG_DOMAIN "test-staff-window"

#include <string.h>

#include "sayso-pin-gate.h"
#include "ui-test-utils.h"

static void
staff_do (SaysoWindow *window,
          const char  *action,
          const char  *digit)
{
  GtkWidget *view = GTK_WIDGET (ui_staff_view (window));

  if (digit)
    g_assert_true (gtk_widget_activate_action (view, action, "s", digit));
  else
    g_assert_true (gtk_widget_activate_action (view, action, NULL));
  ui_iterate ();
}

static void
unlock (SaysoWindow *window,
        const char  *pin)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  ui_iterate ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (ui_staff_view (window))));
  for (const char *c = pin; *c; c++)
    {
      char digit[2] = { *c, 0 };
      staff_do (window, "staff.digit", digit);
    }
  staff_do (window, "staff.enter", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (ui_staff_view (window)), ==, "menu");
}

static void
answer_one_and_send (SaysoWindow *window)
{
  GtkWidget *root = GTK_WIDGET (window);

  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_PROMISE);
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION)
    ui_press (root, "next");
  ui_press (root, "send");
}

static void
set_pin (KioskFixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (sayso_store_set_pin (fixture->store.store, "555555", &error));
}

static void
test_modes (KioskFixture  *fixture,
            gconstpointer  data)
{
  SaysoWindow *window;
  g_autoptr(GPtrArray) records = NULL;
  guint n_staff = 0, n_paper = 0, n_self = 0;

  set_pin (fixture);
  window = kiosk_fixture_open (fixture, FALSE);

  unlock (window, "555555");
  staff_do (window, "staff.start-survey", "staff");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ui_staff_view (window))));
  g_assert_cmpint (sayso_journey_get_mode (sayso_window_get_journey (window)), ==, SAYSO_MODE_STAFF);
  answer_one_and_send (window);

  /* The next person is on their own again. */
  ui_thanks_timeout (window);
  g_assert_cmpint (sayso_journey_get_mode (sayso_window_get_journey (window)), ==, SAYSO_MODE_SELF);

  unlock (window, "555555");
  staff_do (window, "staff.start-survey", "paper");
  answer_one_and_send (window);
  ui_thanks_timeout (window);

  ui_press (GTK_WIDGET (window), "language:en");
  answer_one_and_send (window);

  records = ui_open_records (fixture);
  g_assert_cmpuint (records->len, ==, 3);
  for (guint i = 0; i < records->len; i++)
    {
      SaysoRecord *record = g_ptr_array_index (records, i);
      n_staff += record->mode == SAYSO_MODE_STAFF;
      n_paper += record->mode == SAYSO_MODE_PAPER;
      n_self += record->mode == SAYSO_MODE_SELF;
    }
  g_assert_cmpuint (n_staff, ==, 1);
  g_assert_cmpuint (n_paper, ==, 1);
  g_assert_cmpuint (n_self, ==, 1);

  /* Counts, never answers. */
  unlock (window, "555555");
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (window), "staff-counts"))),
                            "Sent today on this screen: 3"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (window), "staff-counts"))),
                            "Waiting to be exported: 3"));
}

/* Staff mode covers the respondent's screen: nothing under it can be
 * touched, the respondent's idle clock stops, and closing it goes back. */
static void
test_covers_the_journey (KioskFixture  *fixture,
                         gconstpointer  data)
{
  SaysoWindow *window;
  GtkWidget *root;

  set_pin (fixture);
  window = kiosk_fixture_open (fixture, TRUE);
  root = GTK_WIDGET (window);
  ui_press (root, "language:en");
  ui_press (root, "next");
  g_assert_cmpstr (ui_current_question (window), ==, "contact_officer");

  g_assert_true (gtk_widget_activate_action (root, "win.staff", NULL));
  ui_iterate ();
  g_assert_false (gtk_widget_is_sensitive (ui_find (root, "next")));
  ui_pretend_idle (window, 3600);
  ui_wait (1500);
  g_assert_false (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_QUESTION);

  /* The wrong PIN does not let anyone in. */
  staff_do (window, "staff.digit", "1");
  staff_do (window, "staff.digit", "2");
  staff_do (window, "staff.digit", "3");
  staff_do (window, "staff.digit", "4");
  staff_do (window, "staff.enter", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (ui_staff_view (window)), ==, "pin");

  staff_do (window, "staff.close", NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (ui_staff_view (window))));
  g_assert_true (gtk_widget_is_sensitive (ui_find (root, "next")));
  g_assert_cmpstr (ui_current_question (window), ==, "contact_officer");
}

static const char *
first_language_button (SaysoWindow *window)
{
  GtkWidget *button = ui_find (GTK_WIDGET (window), "language:en");
  /* Each language button sits in a cell of the welcome's flow box. */
  GtkWidget *cells = gtk_widget_get_parent (gtk_widget_get_parent (button));

  return gtk_widget_get_name (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (gtk_widget_get_first_child (cells))));
}

static void
save_settings (SaysoWindow *window,
               gboolean     welsh_first,
               gboolean     bilingual)
{
  GtkWidget *root = GTK_WIDGET (window);

  unlock (window, "555555");
  staff_do (window, "staff.show-settings", NULL);
  gtk_switch_set_active (GTK_SWITCH (ui_find (root, "setting-welsh-first")), welsh_first);
  gtk_switch_set_active (GTK_SWITCH (ui_find (root, "setting-bilingual")), bilingual);
  staff_do (window, "staff.save-settings", NULL);
  staff_do (window, "staff.close", NULL);
}

/* Settings that change the screen apply at once when it is waiting for
 * someone, and only after the person using it leaves otherwise. */
static void
test_language_settings (KioskFixture  *fixture,
                        gconstpointer  data)
{
  g_autofree char *settings = g_build_filename (fixture->store.dir, "kiosk.ini", NULL);
  SaysoWindow *window;
  GtkWidget *root;

  set_pin (fixture);
  window = kiosk_fixture_open (fixture, FALSE);
  root = GTK_WIDGET (window);
  sayso_window_set_settings_file (window, settings);
  g_assert_cmpstr (first_language_button (window), ==, "language:en");
  g_assert_false (gtk_widget_has_css_class (root, "bilingual"));

  /* On the welcome screen: at once. */
  save_settings (window, TRUE, TRUE);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_true (gtk_widget_has_css_class (root, "bilingual"));
  g_assert_cmpstr (first_language_button (window), ==, "language:cy");

  /* Someone is answering: their screen stays as it is until they leave. */
  ui_press (root, "language:en");
  ui_press (root, "next");
  g_assert_cmpstr (ui_current_question (window), ==, "contact_officer");
  save_settings (window, FALSE, FALSE);
  g_assert_true (gtk_widget_has_css_class (root, "bilingual"));
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_QUESTION);

  ui_press (root, "start-again");
  ui_press (root, "start-again-yes");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (gtk_widget_has_css_class (root, "bilingual"));
  g_assert_cmpstr (first_language_button (window), ==, "language:en");
}

/* The kiosk, full screen, over a store made with sayso init (no PIN): the
 * first person to hold the corner is told the kiosk is not set up, and is
 * never offered to choose the PIN. */
static void
test_kiosk_without_pin (KioskFixture  *fixture,
                        gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  SaysoStaffView *view;
  GtkWidget *notice;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  ui_iterate ();
  view = ui_staff_view (window);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (view)));
  g_assert_cmpstr (sayso_staff_view_get_page (view), ==, "not-set-up");
  notice = ui_find (GTK_WIDGET (window), "staff-not-set-up");
  g_assert_nonnull (notice);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (notice)), ==, "This kiosk is not set up: ask IT to run sayso setup");

  /* Typing a "new PIN" twice on the keys sets nothing. */
  for (guint round = 0; round < 2; round++)
    {
      for (const char *c = "111111"; *c; c++)
        {
          char digit[2] = { *c, 0 };
          gtk_widget_activate_action (GTK_WIDGET (view), "staff.digit", "s", digit);
          ui_iterate ();
        }
      gtk_widget_activate_action (GTK_WIDGET (view), "staff.enter", NULL);
      ui_iterate ();
    }
  g_assert_false (sayso_store_has_pin (fixture->store.store));
  g_assert_cmpstr (sayso_staff_view_get_page (view), ==, "not-set-up");
  g_assert_null (ui_find (GTK_WIDGET (window), "staff-counts"));

  staff_do (window, "staff.close", NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (view)));
}

/* The negative control: the same store in a window (--windowed, a demo)
 * still lets the first staff member choose the PIN. */
static void
test_windowed_without_pin (KioskFixture  *fixture,
                           gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoStaffView *view;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  ui_iterate ();
  view = ui_staff_view (window);
  g_assert_cmpstr (sayso_staff_view_get_page (view), ==, "pin");
  g_assert_null (ui_find (GTK_WIDGET (window), "staff-not-set-up"));
  for (guint round = 0; round < 2; round++)
    {
      for (const char *c = "111111"; *c; c++)
        {
          char digit[2] = { *c, 0 };
          staff_do (window, "staff.digit", digit);
        }
      staff_do (window, "staff.enter", NULL);
    }
  g_assert_true (sayso_store_has_pin (fixture->store.store));
  g_assert_cmpstr (sayso_staff_view_get_page (view), ==, "menu");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *today = sayso_today ();

  /* The day the run began, all through it: "Sent today on this screen"
   * would start again at midnight, and a run crossing it count one short. */
  g_setenv ("SAYSO_TODAY", today, TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/staff/modes-and-counts", KioskFixture, NULL, kiosk_fixture_setup, test_modes, kiosk_fixture_teardown);
  g_test_add ("/kiosk/staff/language-settings", KioskFixture, NULL, kiosk_fixture_setup, test_language_settings, kiosk_fixture_teardown);
  g_test_add ("/kiosk/staff/covers-the-journey", KioskFixture, NULL, kiosk_fixture_setup, test_covers_the_journey, kiosk_fixture_teardown);

  g_test_add ("/kiosk/staff/kiosk-without-pin", KioskFixture, NULL, kiosk_fixture_setup, test_kiosk_without_pin, kiosk_fixture_teardown);
  g_test_add ("/kiosk/staff/windowed-without-pin", KioskFixture, NULL, kiosk_fixture_setup, test_windowed_without_pin, kiosk_fixture_teardown);

  return g_test_run ();
}
