/* test-window: a whole survey through the real widgets, and what the store
 * then holds, opened with the analysts' (the test's) secret key. */
#define G_LOG_DOMAIN "test-window"

#include <string.h>

#include "sayso-keyboard.h"
#include "sayso-strings.h"
#include "sayso-text-pair.h"
#include "ui-test-utils.h"

static void
next (SaysoWindow *window)
{
  ui_press (GTK_WIDGET (window), "next");
}

static const char *
next_label (SaysoWindow *window)
{
  GtkWidget *button = ui_find (GTK_WIDGET (window), "next");
  GtkWidget *box = gtk_button_get_child (GTK_BUTTON (button));

  for (GtkWidget *child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    if (SAYSO_IS_TEXT_PAIR (child))
      return sayso_text_pair_get_primary (SAYSO_TEXT_PAIR (child));
  return NULL;
}

static gboolean
option_active (SaysoWindow *window,
               const char  *option_id)
{
  GtkWidget *button = sayso_question_view_find_option (ui_question_view (window), option_id);

  g_assert_nonnull (button);
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button));
}

static const char *
progress_text (SaysoWindow *window)
{
  GtkWidget *progress = NULL;

  /* The progress line is the top bar's centre. */
  for (GtkWidget *w = ui_find (GTK_WIDGET (window), "logo-area"); w && !progress; w = gtk_widget_get_next_sibling (w))
    if (SAYSO_IS_TEXT_PAIR (w))
      progress = w;
  g_assert_nonnull (progress);
  return sayso_text_pair_get_primary (SAYSO_TEXT_PAIR (progress));
}

static GtkTextBuffer *
answer_buffer (SaysoWindow *window)
{
  return gtk_text_view_get_buffer (sayso_question_view_get_text_view (ui_question_view (window)));
}

static char *
buffer_text (SaysoWindow *window)
{
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (answer_buffer (window), &start, &end);
  return gtk_text_buffer_get_text (answer_buffer (window), &start, &end, FALSE);
}

static SaysoRecord *
the_only_record (KioskFixture *fixture)
{
  g_autoptr(GPtrArray) records = ui_open_records (fixture);

  g_assert_cmpuint (records->len, ==, 1);
  return g_ptr_array_steal_index (records, 0);
}

static void
assert_answers (SaysoRecord *record,
                const char  *expected_json)
{
  g_autoptr(JsonNode) expected = json_from_string (expected_json, NULL);
  g_autofree char *got = test_answers_to_string (record);

  g_assert_nonnull (expected);
  if (!json_node_equal (expected, record->answers))
    g_error ("The record holds %s, expected %s", got, expected_json);
}

/* Every kind of question, in Welsh, with a skip, a condition, Back, a
 * change of mind and the on-screen keyboard (shift, digits, a Welsh letter). */
static void
test_welsh_journey (KioskFixture  *fixture,
                    gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);
  g_autoptr(SaysoRecord) record = NULL;
  g_autofree char *typed = NULL;

  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  ui_press (root, "language:cy");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_PROMISE);
  g_assert_cmpstr (next_label (window), ==, sayso_string (SAYSO_STR_PROMISE_START, "cy"));
  next (window);

  /* Likert */
  g_assert_cmpstr (ui_current_question (window), ==, "contact_officer");
  g_assert_cmpstr (progress_text (window), ==, "Cwestiwn 1 o 21");
  g_assert_cmpstr (next_label (window), ==, "Hepgor");
  ui_answer (window, "contact_officer", "strongly_agree");
  g_assert_true (option_active (window, "strongly_agree"));
  g_assert_cmpstr (next_label (window), ==, "Nesaf");
  next (window);

  /* A skip */
  g_assert_cmpstr (ui_current_question (window), ==, "appointment_times");
  next (window);

  /* Back, and a change of mind */
  ui_answer (window, "private_conversations", "agree");
  ui_press (root, "back");
  g_assert_cmpstr (ui_current_question (window), ==, "appointment_times");
  next (window);
  g_assert_true (option_active (window, "agree"));
  ui_answer (window, "private_conversations", "disagree");
  g_assert_false (option_active (window, "agree"));
  g_assert_true (option_active (window, "disagree"));
  next (window);

  ui_answer (window, "feel_safe_office", "prefer_not_to_say");
  next (window);

  /* The condition: Yes brings in the four services questions. */
  ui_answer (window, "needed_services", "no");
  g_assert_cmpstr (progress_text (window), ==, "Cwestiwn 5 o 21");
  ui_answer (window, "needed_services", "yes");
  g_assert_cmpstr (progress_text (window), ==, "Cwestiwn 5 o 25");
  next (window);
  ui_answer (window, "services_helped", "agree");
  next (window);
  g_assert_cmpstr (ui_current_question (window), ==, "services_relevant");
  next (window);
  next (window);
  g_assert_cmpstr (ui_current_question (window), ==, "services_local");
  next (window);

  ui_answer (window, "asked_views", "neither");
  next (window);
  next (window);                                   /* know_complaint skipped */
  ui_answer (window, "overall_happy", "agree");
  next (window);

  /* One choice among many */
  ui_answer (window, "biggest_issue", "travel");
  ui_answer (window, "biggest_issue", "housing");
  g_assert_false (option_active (window, "travel"));
  next (window);

  /* Several choices, with one that stands alone */
  ui_answer (window, "what_good", "reception");
  ui_answer (window, "what_good", "housing");
  ui_answer (window, "what_good", "no_positives");
  g_assert_false (option_active (window, "reception"));
  g_assert_true (option_active (window, "no_positives"));
  ui_answer (window, "what_good", "reception");
  ui_answer (window, "what_good", "ete");
  g_assert_false (option_active (window, "no_positives"));
  g_assert_true (option_active (window, "reception"));
  g_assert_true (option_active (window, "ete"));
  next (window);

  ui_answer (window, "how_often", "monthly");
  next (window);
  next (window);                                   /* face_or_remote skipped */

  /* Free text on the on-screen keyboard */
  g_assert_cmpstr (ui_current_question (window), ==, "induction");
  ui_type (window, "Da iawn, Tŷ 12!");
  typed = buffer_text (window);
  g_assert_cmpstr (typed, ==, "Da iawn, Tŷ 12!");
  g_assert_false (gtk_text_buffer_get_can_undo (answer_buffer (window)));
  ui_type (window, "xx");
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-backspace");
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-backspace");
  next (window);

  /* Typed and deleted again is the same as skipped. */
  g_assert_cmpstr (ui_current_question (window), ==, "solutions");
  ui_type (window, "ok");
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-backspace");
  ui_press (GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window))), "key-backspace");
  g_assert_cmpstr (next_label (window), ==, "Hepgor");
  next (window);
  next (window);                                   /* anything_else */

  next (window);                                   /* age_band */
  ui_answer (window, "gender", "prefer_not_to_say");
  next (window);
  next (window);                                   /* ethnicity */
  next (window);                                   /* disability */
  next (window);                                   /* sentence_type */
  g_assert_cmpstr (ui_current_question (window), ==, "time_on_probation");
  g_assert_cmpstr (progress_text (window), ==, "Cwestiwn 25 o 25");
  next (window);

  /* Back from the end returns to the last question, with the text kept. */
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_SUBMIT);
  ui_press (root, "back");
  g_assert_cmpstr (ui_current_question (window), ==, "time_on_probation");
  for (guint i = 0; i < 8; i++)
    ui_press (root, "back");
  g_assert_cmpstr (ui_current_question (window), ==, "induction");
  g_clear_pointer (&typed, g_free);
  typed = buffer_text (window);
  g_assert_cmpstr (typed, ==, "Da iawn, Tŷ 12!");
  for (guint i = 0; i < 9; i++)
    next (window);

  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_SUBMIT);
  ui_press (root, "send");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_THANKS);
  g_assert_null (sayso_window_get_last_error (window));
  g_assert_cmpuint (sayso_response_get_n_answers (ui_response (window)), ==, 0);

  record = the_only_record (fixture);
  g_assert_cmpstr (record->language, ==, "cy");
  g_assert_cmpint (record->mode, ==, SAYSO_MODE_SELF);
  g_assert_cmpstr (record->site, ==, "Test site");
  assert_answers (record,
                  "{"
                  "\"contact_officer\": \"strongly_agree\","
                  "\"private_conversations\": \"disagree\","
                  "\"feel_safe_office\": \"prefer_not_to_say\","
                  "\"needed_services\": \"yes\","
                  "\"services_helped\": \"agree\","
                  "\"asked_views\": \"neither\","
                  "\"overall_happy\": \"agree\","
                  "\"biggest_issue\": \"housing\","
                  "\"what_good\": [\"reception\", \"ete\"],"
                  "\"how_often\": \"monthly\","
                  "\"induction\": \"Da iawn, Tŷ 12!\","
                  "\"gender\": \"prefer_not_to_say\""
                  "}");

  /* The thank-you goes back to the welcome by itself. */
  ui_pass_time (window, SAYSO_JOURNEY_THANKS_SECONDS - 1);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_THANKS);
  ui_pass_time (window, 1);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
}

/* No to needed_services hides the services questions, and drops an answer
 * given to one of them before the respondent changed their mind. */
static void
test_condition_no (KioskFixture  *fixture,
                   gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);
  g_autoptr(SaysoRecord) record = NULL;

  ui_press (root, "language:en");
  next (window);
  for (guint i = 0; i < 4; i++)
    next (window);
  ui_answer (window, "needed_services", "yes");
  next (window);
  ui_answer (window, "services_helped", "strongly_disagree");
  ui_press (root, "back");
  ui_answer (window, "needed_services", "no");
  g_assert_cmpstr (progress_text (window), ==, "Question 5 of 21");
  next (window);
  g_assert_cmpstr (ui_current_question (window), ==, "asked_views");
  ui_press (root, "back");
  g_assert_cmpstr (ui_current_question (window), ==, "needed_services");

  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION)
    {
      g_assert_false (g_str_has_prefix (ui_current_question (window), "services_"));
      next (window);
    }
  ui_press (root, "send");

  record = the_only_record (fixture);
  g_assert_cmpstr (record->language, ==, "en");
  assert_answers (record, "{\"needed_services\": \"no\"}");
}

/* Long answers stop at the limit, kindly. */
static void
test_text_limit (KioskFixture  *fixture,
                 gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoQuestionView *view;
  g_autofree char *long_text = g_strnfill (498, 'a');
  g_autofree char *text = NULL;
  guint max;

  ui_press (GTK_WIDGET (window), "language:en");
  while (g_strcmp0 (ui_current_question (window), "induction") != 0)
    next (window);
  view = ui_question_view (window);
  max = sayso_question_get_max_length (sayso_journey_get_question (sayso_window_get_journey (window)));
  g_assert_cmpuint (max, ==, 500);

  gtk_text_buffer_insert_at_cursor (answer_buffer (window), long_text, -1);
  ui_type (window, "bcd");
  text = buffer_text (window);
  g_assert_cmpuint (g_utf8_strlen (text, -1), ==, 500);
  g_assert_true (g_str_has_suffix (text, "bc"));
  g_assert_cmpuint (g_utf8_strlen (sayso_response_get_text (ui_response (window), "induction"), -1), ==, 500);

  /* The counter says so, and a calm line appears. */
  g_assert_nonnull (ui_find (GTK_WIDGET (view), "key-space"));
  {
    gboolean found_counter = FALSE;
    GtkWidget *w = GTK_WIDGET (sayso_question_view_get_text_view (view));
    GtkWidget *box = gtk_widget_get_parent (gtk_widget_get_parent (w));
    for (GtkWidget *c = gtk_widget_get_first_child (box); c; c = gtk_widget_get_next_sibling (c))
      for (GtkWidget *l = gtk_widget_get_first_child (c); l; l = gtk_widget_get_next_sibling (l))
        if (GTK_IS_LABEL (l) && g_str_equal (gtk_label_get_text (GTK_LABEL (l)), "500 of 500 letters"))
          found_counter = TRUE;
    g_assert_true (found_counter);
  }
  ui_press (GTK_WIDGET (view), "key-backspace");
  g_clear_pointer (&text, g_free);
  text = buffer_text (window);
  g_assert_cmpuint (g_utf8_strlen (text, -1), ==, 499);
}

/* The speaker reads the question and its answers, in the respondent's
 * language, and works without sound. */
static void
test_read_aloud (KioskFixture  *fixture,
                 gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoSpeech *speech = _sayso_window_get_speech (window);
  const char *said;

  ui_press (GTK_WIDGET (window), "speak");
  g_assert_nonnull (strstr (sayso_speech_get_last_text (speech), "Your say on probation"));

  ui_press (GTK_WIDGET (window), "language:cy");
  next (window);
  ui_press (GTK_WIDGET (window), "speak");
  said = sayso_speech_get_last_text (speech);
  g_assert_nonnull (strstr (said, "Cwestiwn 1 o 21"));
  g_assert_nonnull (strstr (said, "Rydw i wedi gallu cysylltu"));
  g_assert_nonnull (strstr (said, "Cytuno'n gryf"));

  /* "Always read aloud" reads each new screen by itself. */
  sayso_window_forget (window);
  ui_press (GTK_WIDGET (window), "read-aloud");
  ui_press (GTK_WIDGET (window), "language:en");
  g_assert_nonnull (strstr (sayso_speech_get_last_text (speech), "Before you start"));
  next (window);
  g_assert_nonnull (strstr (sayso_speech_get_last_text (speech), "Strongly agree"));
}

/* Every button on every screen has a name for assistive technology. */
static void
assert_named (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_BUTTON (widget))
    {
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      if ((label == NULL || *label == '\0') &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("Button \"%s\" has no accessible name", gtk_widget_get_name (widget));
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    assert_named (c);
}

static void
test_accessible_names (KioskFixture  *fixture,
                       gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);

  assert_named (root);
  ui_press (root, "language:en");
  assert_named (root);
  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION || sayso_window_get_page (window) == SAYSO_PAGE_PROMISE)
    {
      assert_named (root);
      next (window);
    }
  assert_named (root);
  ui_press (root, "start-again");
  assert_named (root);
}

/* Tab moves through the controls, and the focus lands on something useful. */
static void
test_keyboard_focus (KioskFixture  *fixture,
                     gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *focus;

  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_cmpstr (gtk_widget_get_name (focus), ==, "language:en");
  g_assert_true (gtk_widget_child_focus (root, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) != focus);

  ui_press (root, "language:en");
  next (window);
  /* The question first, so that it is announced; the first answer one Tab on. */
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (ui_question_view (window))));
  g_assert_cmpstr (gtk_widget_get_name (focus), ==, "question-text");
  g_assert_true (gtk_widget_child_focus (root, GTK_DIR_TAB_FORWARD));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_cmpstr (gtk_widget_get_name (focus), ==, "option:strongly_agree");
}

static gboolean
unmapped (gpointer widget)
{
  return !gtk_widget_get_mapped (widget);
}

/* A page hidden while it is still scrolling smoothly (a quick tap on Next
 * after the focus moved down the page): GTK 4.8 logs a critical there unless
 * the window ends the scroll first, and tests make criticals fatal. */
static void
test_next_while_scrolling (KioskFixture  *fixture,
                           gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *page, *range;
  GtkAdjustment *adjustment;
  gboolean handled = FALSE;

  ui_press (root, "language:en");
  ui_settle (root);  /* past the page's cross-fade */

  page = ui_find (root, "promise-page");
  g_assert_nonnull (page);
  page = gtk_widget_get_ancestor (page, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  /* A GtkScrollbar holds a GtkRange, which scrolls as a drag on it would. */
  range = gtk_widget_get_first_child (gtk_scrolled_window_get_vscrollbar (GTK_SCROLLED_WINDOW (page)));
  g_assert_true (GTK_IS_RANGE (range));
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (page));

  /* A long page, and a smooth scroll down it under way. */
  gtk_adjustment_configure (adjustment, 0, 0, 10000, 10, 100, 500);
  g_signal_emit_by_name (range, "change-value", GTK_SCROLL_JUMP, 2000.0, &handled);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), <, 2000.0);

  next (window);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_QUESTION);
  /* The promise goes when its cross-fade ends, on the frame clock. */
  ui_wait_for (unmapped, page, 30000);
  g_assert_false (gtk_widget_get_mapped (page));
}

/* The same pixels in both, to the byte. */
static gboolean
same_pixels (GdkTexture *a,
             GdkTexture *b)
{
  int width = gdk_texture_get_width (a), height = gdk_texture_get_height (a);
  g_autofree guint32 *pa = NULL;
  g_autofree guint32 *pb = NULL;

  if (width != gdk_texture_get_width (b) || height != gdk_texture_get_height (b))
    return FALSE;
  pa = ui_texture_pixels (a);
  pb = ui_texture_pixels (b);
  return memcmp (pa, pb, (gsize) width * height * sizeof *pa) == 0;
}

/* The kiosk looks the same whatever the machine's desktop prefers: a dark
 * style or another theme chosen in its settings does not reach the screen
 * (it draws on GTK's empty theme whatever the settings say). The control:
 * the kiosk's own high contrast, which the same comparison sees. */
static void
test_desktop_theme (KioskFixture  *fixture,
                    gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkSettings *settings = gtk_settings_get_default ();
  g_autoptr(GdkTexture) before = ui_draw_window (window);
  g_autoptr(GdkTexture) dark = NULL;
  g_autoptr(GdkTexture) contrast = NULL;

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, "gtk-theme-name", "Default-dark", NULL);
  dark = ui_draw_window (window);
  g_assert_true (same_pixels (before, dark));

  g_object_set (window, "high-contrast", TRUE, NULL);
  contrast = ui_draw_window (window);
  g_assert_false (same_pixels (before, contrast));

  g_object_set (window, "high-contrast", FALSE, NULL);
  gtk_settings_reset_property (settings, "gtk-application-prefer-dark-theme");
  gtk_settings_reset_property (settings, "gtk-theme-name");
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/journey/welsh", KioskFixture, NULL, kiosk_fixture_setup, test_welsh_journey, kiosk_fixture_teardown);
  g_test_add ("/kiosk/journey/condition-no", KioskFixture, NULL, kiosk_fixture_setup, test_condition_no, kiosk_fixture_teardown);
  g_test_add ("/kiosk/journey/text-limit", KioskFixture, NULL, kiosk_fixture_setup, test_text_limit, kiosk_fixture_teardown);
  g_test_add ("/kiosk/journey/read-aloud", KioskFixture, NULL, kiosk_fixture_setup, test_read_aloud, kiosk_fixture_teardown);
  g_test_add ("/kiosk/journey/accessible-names", KioskFixture, NULL, kiosk_fixture_setup, test_accessible_names, kiosk_fixture_teardown);
  g_test_add ("/kiosk/journey/next-while-scrolling", KioskFixture, NULL, kiosk_fixture_setup, test_next_while_scrolling, kiosk_fixture_teardown);
  g_test_add ("/kiosk/journey/keyboard-focus", KioskFixture, NULL, kiosk_fixture_setup, test_keyboard_focus, kiosk_fixture_teardown);
  g_test_add ("/kiosk/look/desktop-theme", KioskFixture, NULL, kiosk_fixture_setup, test_desktop_theme, kiosk_fixture_teardown);

  return g_test_run ();
}
