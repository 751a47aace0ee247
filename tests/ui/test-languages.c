/* test-languages: any language from its catalog and its questionnaire
 * texts, laid out so that nothing is cut, and right to left where it is
 * written so, measured on the real widgets at 1280x800.
 *
 * The languages are test-only (tests/test-language.py, built into this
 * program's resources, never into the kiosk): qpl, every word 40% longer
 * and marked ⟦…⟧, and qpr, the English in Hebrew letters. The questionnaire
 * also has texts in qpz, which has no catalog.
 */
#define G_LOG_DOMAIN "test-languages"

#include <string.h>

#include "sayso-strings.h"
#include "sayso-text-pair.h"
#include "ui-test-utils.h"

#define SCREEN_WIDTH  1280
#define SCREEN_HEIGHT 800

static void
languages_setup (KioskFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GBytes) json = NULL;
  g_autoptr(GError) error = NULL;

  kiosk_fixture_setup (fixture, data);
  json = g_resources_lookup_data ("/org/sayso/Test/test-languages.json", G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = sayso_questionnaire_new_from_bytes (json, "test-languages.json", &error);
  g_assert_no_error (error);
}

/* --- What the screen shows ------------------------------------------------ */

static gboolean
inside_scrolled (GtkWidget *widget)
{
  return gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW) != NULL;
}

static void
collect_labels (GtkWidget *widget,
                GPtrArray *labels)
{
  if (!gtk_widget_is_drawable (widget))
    return;
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)))
    g_ptr_array_add (labels, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect_labels (child, labels);
}

static GPtrArray *
shown_labels (GtkWidget *root)
{
  GPtrArray *labels = g_ptr_array_new ();

  collect_labels (root, labels);
  return labels;
}

/* How many of the labels on the screen are cut: wider or taller than what
 * they are given, ellipsized, or outside the screen (beside it, or below it
 * where nothing scrolls). Each is reported by its text. */
static guint
count_cut_labels (SaysoWindow *window)
{
  GtkWidget *root = GTK_WIDGET (window);
  g_autoptr(GPtrArray) labels = NULL;
  guint cut = 0;

  ui_settle (root);
  /* What does not fit pushes the window past the screen. */
  if (gtk_widget_get_width (root) != SCREEN_WIDTH || gtk_widget_get_height (root) != SCREEN_HEIGHT)
    {
      g_test_message ("cut: the window is %dx%d, not the screen's %dx%d", gtk_widget_get_width (root),
                      gtk_widget_get_height (root), SCREEN_WIDTH, SCREEN_HEIGHT);
      cut++;
    }
  labels = shown_labels (root);
  g_assert_cmpuint (labels->len, >, 0);

  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];
      GtkWidget *widget = GTK_WIDGET (label);
      int width = gtk_widget_get_width (widget);
      int height = gtk_widget_get_height (widget);
      int min_width, natural_width, min_height;
      const char *why = NULL;
      graphene_rect_t bounds;

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &natural_width, NULL, NULL);
      gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, width, &min_height, NULL, NULL, NULL);
      g_assert_true (gtk_widget_compute_bounds (widget, root, &bounds));

      if (gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE &&
          pango_layout_is_ellipsized (gtk_label_get_layout (label)))
        why = "ellipsized";
      else if (!gtk_label_get_wrap (label) && natural_width > width)
        why = "wider than its place and does not wrap";
      else if (min_width > width)
        why = "has a word wider than its place";
      else if (min_height > height)
        why = "taller than its place";
      else if (bounds.origin.x < 0 || bounds.origin.x + bounds.size.width > SCREEN_WIDTH + 0.5)
        why = "beside the screen";
      else if (!inside_scrolled (widget) &&
               (bounds.origin.y < 0 || bounds.origin.y + bounds.size.height > SCREEN_HEIGHT + 0.5))
        why = "below the screen, where nothing scrolls";

      if (why)
        {
          g_test_message ("cut: \"%s\" %s (%dx%d given, %d..%d wide, %d tall for that width, at %.0f,%.0f)",
                          gtk_label_get_text (label), why, width, height, min_width, natural_width,
                          min_height, bounds.origin.x, bounds.origin.y);
          cut++;
        }
    }
  return cut;
}

/* Every line of @label: its logical extent, in the label's coordinates. */
static void
line_edges (GtkLabel *label,
            int      *leftmost,
            int      *rightmost)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  int x, y;

  gtk_label_get_layout_offsets (label, &x, &y);
  *leftmost = G_MAXINT;
  *rightmost = G_MININT;
  do
    {
      PangoRectangle line;

      pango_layout_iter_get_line_extents (iter, NULL, &line);
      pango_extents_to_pixels (&line, NULL);
      *leftmost = MIN (*leftmost, x + line.x);
      *rightmost = MAX (*rightmost, x + line.x + line.width);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

/* Of the labels set to start at the start of their line (xalign 0 in a
 * left-to-right page: the promises), how many are right-aligned and laid
 * out right to left; the others are counted in @left. */
static guint
count_start_aligned (SaysoWindow *window,
                     guint       *left)
{
  g_autoptr(GPtrArray) labels = shown_labels (GTK_WIDGET (window));
  guint right = 0;

  *left = 0;
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = labels->pdata[i];
      int leftmost, rightmost, width = gtk_widget_get_width (GTK_WIDGET (label));

      if (gtk_label_get_xalign (label) > 0.01 || gtk_label_get_justify (label) != GTK_JUSTIFY_LEFT)
        continue;
      line_edges (label, &leftmost, &rightmost);
      if (gtk_widget_get_direction (GTK_WIDGET (label)) == GTK_TEXT_DIR_RTL && ABS (rightmost - width) <= 2)
        right++;
      else if (gtk_widget_get_direction (GTK_WIDGET (label)) == GTK_TEXT_DIR_LTR && ABS (leftmost) <= 2)
        (*left)++;
      else
        g_test_message ("\"%s\": lines from %d to %d of %d", gtk_label_get_text (label), leftmost, rightmost, width);
    }
  return right;
}

/* The first text pair on the screen under @root showing @primary, or any
 * for %NULL. */
static SaysoTextPair *
find_pair (GtkWidget  *root,
           const char *primary)
{
  if (!gtk_widget_is_drawable (root))
    return NULL;
  if (SAYSO_IS_TEXT_PAIR (root) &&
      (primary == NULL || g_strcmp0 (sayso_text_pair_get_primary (SAYSO_TEXT_PAIR (root)), primary) == 0))
    return SAYSO_TEXT_PAIR (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      SaysoTextPair *found = find_pair (child, primary);

      if (found)
        return found;
    }
  return NULL;
}

/* Where a widget is across the screen: its centre. */
static double
centre_x (SaysoWindow *window,
          const char  *name)
{
  graphene_rect_t bounds;

  ui_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_compute_bounds (ui_find (GTK_WIDGET (window), name), GTK_WIDGET (window), &bounds));
  return bounds.origin.x + bounds.size.width / 2;
}

/* --- Walking the survey --------------------------------------------------- */

typedef guint (*PageCheck) (SaysoWindow *window, const char *page);

/* From the welcome in @language to the thank-you, every page, questions
 * unanswered (each may be skipped), and the "Are you still there?" card;
 * @check on each. Returns the sum of what @check returned. */
static guint
walk (KioskFixture *fixture,
      const char   *language,
      guint         text_size,
      PageCheck     check)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *root = GTK_WIDGET (window);
  g_autofree char *size = g_strdup_printf ("text-size:%u", text_size);
  g_autofree char *button = g_strconcat ("language:", language, NULL);
  SaysoJourney *journey = sayso_window_get_journey (window);
  guint found = 0;

  ui_press (root, size);
  found += check (window, "welcome");
  ui_press (root, button);
  g_assert_cmpstr (sayso_journey_get_language (journey), ==, language);
  found += check (window, "promise");
  ui_press (root, "next");
  while (sayso_journey_get_page (journey) == SAYSO_PAGE_QUESTION)
    {
      found += check (window, ui_current_question (window));
      ui_press (root, "next");
    }
  g_assert_cmpint (sayso_journey_get_page (journey), ==, SAYSO_PAGE_SUBMIT);
  found += check (window, "submit");
  ui_press (root, "back");
  ui_pretend_idle (window, 61);
  g_assert_true (sayso_journey_get_still_there (journey));
  found += check (window, "still-there");
  ui_press (root, "still-here");
  ui_press (root, "next");
  ui_press (root, "send");
  g_assert_cmpint (sayso_journey_get_page (journey), ==, SAYSO_PAGE_THANKS);
  found += check (window, "thanks");
  return found;
}

static guint
cut_on_page (SaysoWindow *window,
             const char  *page)
{
  guint cut = count_cut_labels (window);

  if (cut)
    g_test_message ("%u cut on %s", cut, page);
  return cut;
}

/* Whether a page on show must scroll to show all of it. */
static guint
count_scrolling (GtkWidget *widget)
{
  guint n = 0;

  if (!gtk_widget_is_drawable (widget))
    return 0;
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (widget));

      if (gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 0.5)
        {
          g_test_message ("scrolls: %g of %g px high", gtk_adjustment_get_upper (adjustment),
                          gtk_adjustment_get_page_size (adjustment));
          n++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += count_scrolling (child);
  return n;
}

/* Cut, or anything below the fold: where English fits the screen
 * unscrolled (every page at normal text), the long language must too; all
 * but one, "what is good", whose fourteen answers each with a box to tick,
 * a picture and words 40% longer than English take 75 px more than the
 * page has (English and Welsh fit), and which says so by the bar at its
 * bottom edge, as every page that scrolls does (test-layout). */
static guint
cut_or_scrolled_on_page (SaysoWindow *window,
                         const char  *page)
{
  guint cut = cut_on_page (window, page);
  guint scrolled = count_scrolling (GTK_WIDGET (window));

  if (scrolled)
    g_test_message ("%s must scroll", page);
  if (g_str_equal (page, "what_good") && ui_current_question (window) != NULL)
    return cut;
  return cut + scrolled;
}

/* --- Tests ---------------------------------------------------------------- */

/* A language is added by its catalog and the questionnaire's texts: the
 * test catalogs, registered by this program alone, put qpl and qpr on the
 * welcome, each button in the language's own name from its catalog; qpz,
 * with texts but no catalog, is not offered. */
static void
test_new_language_from_catalog (KioskFixture  *fixture,
                                gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *root = GTK_WIDGET (window);
  static const char * const offered[] = { "en", "cy", "qpl", "qpr" };

  for (guint i = 0; i < G_N_ELEMENTS (offered); i++)
    {
      g_autofree char *name = g_strconcat ("language:", offered[i], NULL);
      GtkWidget *button = ui_find (root, name);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_is_drawable (button));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))), ==,
                       sayso_string (SAYSO_STR_LANGUAGE_NAME, offered[i]));
    }
  g_assert_cmpstr (sayso_string (SAYSO_STR_LANGUAGE_NAME, "qpl"), ==, "⟦Ļöñĝ ţéšţ ļåñĝûåĝé ~~~~⟧");
  g_assert_cmpint (sayso_text_direction (sayso_string (SAYSO_STR_LANGUAGE_NAME, "qpr")), ==, SAYSO_DIRECTION_RTL);
  g_assert_true (sayso_questionnaire_has_language (fixture->questionnaire, "qpz"));
  g_assert_null (ui_find (root, "language:qpz"));

  ui_press (root, "language:qpl");
  g_assert_true (g_str_has_prefix (sayso_string (SAYSO_STR_PROMISE_TITLE, "qpl"), "⟦"));
  g_assert_nonnull (find_pair (root, sayso_string (SAYSO_STR_PROMISE_TITLE, "qpl")));
}

/* Control: the built-in questionnaire has no texts in them, so the same
 * catalogs offer nothing more than English and Welsh. */
static void
test_catalog_alone_is_not_enough (KioskFixture  *fixture,
                                  gconstpointer  data)
{
  SaysoWindow *window;
  GtkWidget *root;

  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = sayso_questionnaire_new_default ();
  window = kiosk_fixture_open (fixture, TRUE);
  root = GTK_WIDGET (window);
  g_assert_true (sayso_strings_has_language ("qpl"));
  g_assert_nonnull (ui_find (root, "language:en"));
  g_assert_nonnull (ui_find (root, "language:cy"));
  g_assert_null (ui_find (root, "language:qpl"));
  g_assert_null (ui_find (root, "language:qpr"));
  /* And the two stand centred on the screen, as they did in a row. */
  g_assert_cmpfloat (ABS ((centre_x (window, "language:en") + centre_x (window, "language:cy")) / 2 - SCREEN_WIDTH / 2), <, 2);
}

/* Nothing is cut in the long language, at normal and at largest text;
 * and at normal text, where English fits the screen, nothing needs
 * scrolling either (the fourteen answers included). */
static void
test_long_language_fits (KioskFixture  *fixture,
                         gconstpointer  data)
{
  guint text_size = GPOINTER_TO_UINT (data);

  g_assert_cmpuint (walk (fixture, "qpl", text_size, text_size == 0 ? cut_or_scrolled_on_page : cut_on_page), ==, 0);
}

/* Control: at the largest text, where the fourteen answers scroll in
 * English too, the same measure finds the pages that scroll. */
static void
test_scrolling_is_caught (KioskFixture  *fixture,
                          gconstpointer  data)
{
  g_assert_cmpuint (walk (fixture, "qpl", 2, cut_or_scrolled_on_page), >, 0);
}

/* Control: a word too long for any line, where the question is, is found. */
static void
test_cut_label_is_caught (KioskFixture  *fixture,
                          gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *root = GTK_WIDGET (window);
  g_autofree char *word = NULL;
  GString *long_word = g_string_new (NULL);

  ui_press (root, "text-size:2");
  ui_press (root, "language:qpl");
  ui_press (root, "next");
  g_assert_cmpuint (count_cut_labels (window), ==, 0);
  for (guint i = 0; i < 120; i++)
    g_string_append (long_word, "Ŵ");
  word = g_string_free (long_word, FALSE);
  sayso_text_pair_set (find_pair (GTK_WIDGET (ui_question_view (window)), NULL), word, NULL);
  g_assert_cmpuint (count_cut_labels (window), >, 0);
}

/* Pages where Back and Next were both shown, and Back was on the right. */
static guint back_on_the_right;

static guint
mirrored_on_page (SaysoWindow *window,
                  const char  *page)
{
  GtkWidget *root = GTK_WIDGET (window);
  guint left, right;

  ui_settle (root);
  right = count_start_aligned (window, &left);

  /* The welcome is the kiosk's, before anyone chooses. */
  if (g_str_equal (page, "welcome"))
    return 0;
  g_assert_cmpuint (left, ==, 0);
  if (ui_find (root, "back") && ui_find (root, "next") && !sayso_journey_get_still_there (sayso_window_get_journey (window)))
    {
      g_assert_cmpfloat (centre_x (window, "back"), >, centre_x (window, "next"));
      back_on_the_right++;
    }
  return right;
}

/* In the right-to-left language the pages mirror (Back on the right) and
 * the promises, set to start at the line's start, are right-aligned. */
static void
test_rtl_language_mirrors (KioskFixture  *fixture,
                           gconstpointer  data)
{
  g_assert_true (sayso_language_is_rtl ("qpr"));
  back_on_the_right = 0;
  g_assert_cmpuint (walk (fixture, "qpr", 0, mirrored_on_page), >, 0);
  /* The promise, every question and the end. */
  g_assert_cmpuint (back_on_the_right, >=, 3);
}

/* Control: in English nothing mirrors: Back on the left, the promises
 * left-aligned. */
static void
test_ltr_language_not_mirrored (KioskFixture  *fixture,
                                gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);
  GtkWidget *root = GTK_WIDGET (window);
  guint left;

  g_assert_false (sayso_language_is_rtl ("en"));
  g_assert_false (sayso_language_is_rtl ("cy"));
  g_assert_false (sayso_language_is_rtl ("qpl"));
  ui_press (root, "language:en");
  ui_settle (root);
  g_assert_cmpuint (count_start_aligned (window, &left), ==, 0);
  g_assert_cmpuint (left, >, 0);
  g_assert_cmpfloat (centre_x (window, "back"), <, centre_x (window, "next"));
}

/* A pair may mix directions: right-to-left first, English beside it, each
 * text in its own direction, and the page in the first's. */
static void
test_pair_mixes_directions (KioskFixture  *fixture,
                            gconstpointer  data)
{
  SaysoWindow *window;
  GtkWidget *root, *first, *second;
  SaysoTextPair *pair;

  fixture->config->bilingual = TRUE;
  g_free (fixture->config->pair[0]);
  fixture->config->pair[0] = g_strdup ("qpr");
  window = kiosk_fixture_open (fixture, TRUE);
  root = GTK_WIDGET (window);
  g_assert_cmpstr (sayso_journey_get_first_language (sayso_window_get_journey (window)), ==, "qpr");
  g_assert_cmpstr (sayso_journey_get_second_language (sayso_window_get_journey (window)), ==, "en");
  ui_press (root, "language:en");
  pair = find_pair (root, sayso_string (SAYSO_STR_PROMISE_TITLE, "qpr"));
  g_assert_nonnull (pair);
  first = gtk_widget_get_first_child (GTK_WIDGET (pair));
  second = gtk_widget_get_next_sibling (first);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (first)), ==, sayso_string (SAYSO_STR_PROMISE_TITLE, "qpr"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (second)), ==, "Before you start");
  g_assert_cmpint (gtk_widget_get_direction (first), ==, GTK_TEXT_DIR_RTL);
  g_assert_cmpint (gtk_widget_get_direction (second), ==, GTK_TEXT_DIR_LTR);
  g_assert_cmpfloat (centre_x (window, "back"), >, centre_x (window, "next"));
}

/* A pair naming a language the kiosk has no words in (qpz has texts but no
 * catalog) is refused by key and language, and Welsh and English stand
 * instead. */
static void
test_pair_without_catalog_refused (KioskFixture  *fixture,
                                   gconstpointer  data)
{
  SaysoWindow *window;

  fixture->config->bilingual = TRUE;
  g_free (fixture->config->pair[1]);
  fixture->config->pair[1] = g_strdup ("qpz");
  g_test_expect_message ("sayso-journey", G_LOG_LEVEL_WARNING,
                         "*bilingual-pair names \"qpz\", which the kiosk has no catalog*Welsh and English*");
  window = kiosk_fixture_open (fixture, TRUE);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (sayso_journey_get_first_language (sayso_window_get_journey (window)), ==, "cy");
  g_assert_cmpstr (sayso_journey_get_second_language (sayso_window_get_journey (window)), ==, "en");
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add ("/languages/new-language-from-catalog", KioskFixture, NULL,
              languages_setup, test_new_language_from_catalog, kiosk_fixture_teardown);
  g_test_add ("/languages/catalog-alone-is-not-enough", KioskFixture, NULL,
              languages_setup, test_catalog_alone_is_not_enough, kiosk_fixture_teardown);
  g_test_add ("/languages/long/fits-normal-text", KioskFixture, GUINT_TO_POINTER (0),
              languages_setup, test_long_language_fits, kiosk_fixture_teardown);
  g_test_add ("/languages/long/fits-largest-text", KioskFixture, GUINT_TO_POINTER (2),
              languages_setup, test_long_language_fits, kiosk_fixture_teardown);
  g_test_add ("/languages/long/scrolling-is-caught", KioskFixture, NULL,
              languages_setup, test_scrolling_is_caught, kiosk_fixture_teardown);
  g_test_add ("/languages/long/cut-label-is-caught", KioskFixture, NULL,
              languages_setup, test_cut_label_is_caught, kiosk_fixture_teardown);
  g_test_add ("/languages/rtl/mirrors", KioskFixture, NULL,
              languages_setup, test_rtl_language_mirrors, kiosk_fixture_teardown);
  g_test_add ("/languages/rtl/ltr-not-mirrored", KioskFixture, NULL,
              languages_setup, test_ltr_language_not_mirrored, kiosk_fixture_teardown);
  g_test_add ("/languages/rtl/pair-mixes-directions", KioskFixture, NULL,
              languages_setup, test_pair_mixes_directions, kiosk_fixture_teardown);
  g_test_add ("/languages/pair-without-catalog-refused", KioskFixture, NULL,
              languages_setup, test_pair_without_catalog_refused, kiosk_fixture_teardown);

  return g_test_run ();
}
