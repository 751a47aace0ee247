/* test-forget: nothing of one respondent survives for the next, whether they
 * start again, walk away, or finish. */
#define G_LOG_DOMAIN "test-forget"

#include "sayso-keyboard.h"
#include "ui-test-utils.h"

#define CANARY "Quokka canary"

/* Answers a few questions, types the canary, copies it to both clipboards
 * (as a long press on the text could) and turns on every setting. */
static void
fill_in (SaysoWindow *window)
{
  GtkWidget *root = GTK_WIDGET (window);
  GtkTextView *view;
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  ui_press (root, "text-size:2");
  ui_press (root, "high-contrast");
  ui_press (root, "read-aloud");
  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  ui_press (root, "next");
  ui_answer (window, "appointment_times", "disagree");
  while (g_strcmp0 (ui_current_question (window), "what_good") != 0)
    ui_press (root, "next");
  ui_answer (window, "what_good", "reception");
  while (g_strcmp0 (ui_current_question (window), "induction") != 0)
    ui_press (root, "next");
  ui_type (window, CANARY);
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-shift");

  view = sayso_question_view_get_text_view (ui_question_view (window));
  buffer = gtk_text_view_get_buffer (view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_select_range (buffer, &start, &end);
  g_signal_emit_by_name (view, "copy-clipboard");
  gdk_clipboard_set_text (gtk_widget_get_primary_clipboard (root), CANARY);
  ui_iterate ();
  g_assert_nonnull (gdk_clipboard_get_content (gtk_widget_get_clipboard (root)));

  g_assert_cmpuint (sayso_response_get_n_answers (ui_response (window)), ==, 4);
}

static void
test_start_again (KioskFixture  *fixture,
                  gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);
  gint64 total = -1;

  fill_in (window);

  /* "No" keeps everything. */
  ui_press (root, "start-again");
  g_assert_true (ui_confirming (window));
  g_assert_false (gtk_widget_is_sensitive (ui_find (root, "next")));
  ui_press (root, "start-again-no");
  g_assert_false (ui_confirming (window));
  g_assert_cmpstr (ui_current_question (window), ==, "induction");
  g_assert_cmpuint (sayso_response_get_n_answers (ui_response (window)), ==, 4);

  ui_press (root, "start-again");
  ui_press (root, "start-again-yes");
  ui_assert_nothing_left (window, CANARY);

  g_assert_true (sayso_store_count (fixture->store.store, &total, NULL, NULL));
  g_assert_cmpint (total, ==, 0);

  /* The next respondent starts from a clean screen and can finish. */
  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "neither");
  ui_press (root, "next");
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (ui_find (root, "option:disagree"))));
}

/* "Are you still there?", answered; then not answered. */
static void
test_idle (KioskFixture  *fixture,
           gconstpointer  data)
{
  SaysoWindow *window;
  GtkWidget *root;
  gint64 total = -1;

  fixture->config->idle_timeout = 60;
  fixture->config->countdown = 20;
  window = kiosk_fixture_open (fixture, FALSE);
  root = GTK_WIDGET (window);

  /* Nobody there at the welcome screen: nothing happens. */
  ui_pretend_idle (window, 1000);
  g_assert_false (sayso_journey_get_still_there (sayso_window_get_journey (window)));

  fill_in (window);
  ui_pretend_idle (window, 59);
  g_assert_false (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  ui_pretend_idle (window, 61);
  g_assert_true (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  g_assert_false (gtk_widget_is_sensitive (ui_find (root, "next")));
  ui_press (root, "still-here");
  g_assert_false (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  g_assert_cmpstr (ui_current_question (window), ==, "induction");
  g_assert_cmpuint (sayso_response_get_n_answers (ui_response (window)), ==, 4);

  ui_pretend_idle (window, 61);
  g_assert_true (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  ui_pretend_idle (window, 81);
  ui_assert_nothing_left (window, CANARY);
  g_assert_true (sayso_store_count (fixture->store.store, &total, NULL, NULL));
  g_assert_cmpint (total, ==, 0);
}

static gboolean
at_welcome (gpointer window)
{
  return sayso_window_get_page (window) == SAYSO_PAGE_WELCOME;
}

/* The same in real time, with the shortest settings. They are saved (as
 * staff would) once the answers are in: a tap the test makes is no event
 * the kiosk sees as someone there, and filling in takes more than a second
 * on a loaded machine, or under AddressSanitizer. */
static void
test_idle_real_time (KioskFixture  *fixture,
                     gconstpointer  data)
{
  SaysoWindow *window;

  window = kiosk_fixture_open (fixture, FALSE);
  fill_in (window);
  fixture->config->idle_timeout = 1;
  fixture->config->countdown = 1;
  sayso_journey_set_config (sayso_window_get_journey (window), fixture->config);
  g_assert_false (sayso_journey_get_still_there (sayso_window_get_journey (window)));

  /* About 2 s of real time, on whole-second timers; a loaded machine's
   * run may take many times that. */
  ui_wait_for (at_welcome, window, 60000);
  ui_assert_nothing_left (window, CANARY);
}

/* With keep-partial, a walked-away respondent's answers are kept. */
static void
test_keep_partial (KioskFixture  *fixture,
                   gconstpointer  data)
{
  SaysoWindow *window;
  g_autoptr(GPtrArray) records = NULL;
  SaysoRecord *record;
  g_autofree char *answers = NULL;

  fixture->config->keep_partial = TRUE;
  window = kiosk_fixture_open (fixture, FALSE);
  fill_in (window);
  ui_pretend_idle (window, fixture->config->idle_timeout + fixture->config->countdown + 1);
  ui_assert_nothing_left (window, CANARY);

  records = ui_open_records (fixture);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  answers = test_answers_to_string (record);
  g_assert_cmpstr (answers, ==,
                   "{\"contact_officer\":\"agree\",\"appointment_times\":\"disagree\","
                   "\"what_good\":[\"reception\"],\"induction\":\"" CANARY "\"}");
}

/* Finishing forgets too: the thank-you screen holds nothing of the answers. */
static void
test_after_sending (KioskFixture  *fixture,
                    gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);

  fill_in (window);
  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION)
    ui_press (root, "next");
  ui_press (root, "send");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_THANKS);
  g_assert_cmpuint (sayso_response_get_n_answers (ui_response (window)), ==, 0);
  g_assert_null (gdk_clipboard_get_content (gtk_widget_get_clipboard (root)));
  ui_thanks_timeout (window);
  ui_assert_nothing_left (window, CANARY);
}

/* "Still there?" is in the language of whoever is at the screen now, even
 * when its count has not moved since the last respondent saw it in theirs
 * (they answered it within its first second). The control: the Welsh
 * respondent's own dialog was in Welsh. */
static void
test_still_there_language (KioskFixture  *fixture,
                           gconstpointer  data)
{
  SaysoWindow *window;
  GtkWidget *root;
  SaysoJourney *journey;
  g_autofree char *welsh = NULL;
  g_autofree char *english = NULL;

  fixture->config->idle_timeout = 60;
  fixture->config->countdown = 20;
  fixture->config->bilingual = FALSE;
  window = kiosk_fixture_open (fixture, FALSE);
  root = GTK_WIDGET (window);
  journey = sayso_window_get_journey (window);

  ui_press (root, "language:cy");
  ui_press (root, "next");
  ui_pretend_idle (window, 61);
  g_assert_true (sayso_journey_get_still_there (journey));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  welsh = g_strdup_printf (sayso_string_plural (SAYSO_STR_STILL_THERE_BODY, "cy", sayso_journey_get_seconds_left (journey)),
                           sayso_journey_get_seconds_left (journey));
  english = g_strdup_printf (sayso_string_plural (SAYSO_STR_STILL_THERE_BODY, "en", sayso_journey_get_seconds_left (journey)),
                             sayso_journey_get_seconds_left (journey));
#pragma GCC diagnostic pop
  g_assert_cmpstr (welsh, !=, english);
  g_assert_cmpstr (sayso_text_pair_get_primary (SAYSO_TEXT_PAIR (ui_find (root, "still-there-body"))), ==, welsh);
  ui_press (root, "still-here");
  ui_press (root, "start-again");
  ui_press (root, "start-again-yes");

  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_pretend_idle (window, 61);
  g_assert_true (sayso_journey_get_still_there (journey));
  g_assert_cmpstr (sayso_text_pair_get_primary (SAYSO_TEXT_PAIR (ui_find (root, "still-there-body"))), ==, english);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/forget/start-again", KioskFixture, NULL, kiosk_fixture_setup, test_start_again, kiosk_fixture_teardown);
  g_test_add ("/kiosk/forget/idle", KioskFixture, NULL, kiosk_fixture_setup, test_idle, kiosk_fixture_teardown);
  g_test_add ("/kiosk/forget/still-there-language", KioskFixture, NULL, kiosk_fixture_setup, test_still_there_language, kiosk_fixture_teardown);
  g_test_add ("/kiosk/forget/idle-real-time", KioskFixture, NULL, kiosk_fixture_setup, test_idle_real_time, kiosk_fixture_teardown);
  g_test_add ("/kiosk/forget/keep-partial", KioskFixture, NULL, kiosk_fixture_setup, test_keep_partial, kiosk_fixture_teardown);
  g_test_add ("/kiosk/forget/after-sending", KioskFixture, NULL, kiosk_fixture_setup, test_after_sending, kiosk_fixture_teardown);

  return g_test_run ();
}
