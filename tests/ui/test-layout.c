/* test-layout: what a person sees of each kiosk screen at 1280×800,
 * measured on the real window after it has laid itself out: every question
 * of the built-in survey on the screen whole, at every text size, in
 * English and Welsh, with and without high contrast; a page that must
 * scroll saying so at its bottom edge, with Back and Next still there; the
 * help line's speaker control beside its words; the keyboard whole on a
 * bilingual screen; and the analysts' key fingerprint never broken inside
 * a group. Each with a control that shows the measure can fail. */
#define G_LOG_DOMAIN "test-layout"

#include <string.h>

#include "sayso-text-pair.h"
#include "ui-test-utils.h"

/* The cue's colours (ui/kiosk.css), and the kiosk's page colour. */
#define CUE_COLOUR           0x1a5fb4
#define CUE_COLOUR_CONTRAST  0x000000

static SaysoWindow *
open_window (KioskFixture *fixture)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);

  ui_settle (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, 1280);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, 800);
  return window;
}

static void
start (SaysoWindow *window,
       const char  *language,
       guint        text_size,
       gboolean     high_contrast)
{
  g_autofree char *size = g_strdup_printf ("text-size:%u", text_size);
  g_autofree char *button = g_strconcat ("language:", language, NULL);

  ui_press (GTK_WIDGET (window), size);
  if (high_contrast)
    ui_press (GTK_WIDGET (window), "high-contrast");
  g_assert_cmpint (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"), ==, high_contrast);
  ui_press (GTK_WIDGET (window), button);
  ui_press (GTK_WIDGET (window), "next");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_QUESTION);
}

static GtkScrolledWindow *
page_scroller (SaysoWindow *window)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (ui_question_view (window)), GTK_TYPE_SCROLLED_WINDOW);

  g_assert_nonnull (scrolled);
  return GTK_SCROLLED_WINDOW (scrolled);
}

/* Shows @question on the window's own question page, laid out. */
static void
show (SaysoWindow   *window,
      SaysoQuestion *question,
      const char    *language,
      const char    *second_language)
{
  sayso_question_view_show (ui_question_view (window), ui_response (window), question, language, second_language);
  ui_settle (GTK_WIDGET (window));
}

/* Whether the page on show must scroll to show all of it; it is never
 * wider than the screen (words would be cut off at the side). */
static gboolean
page_scrolls (SaysoWindow *window,
              const char  *what)
{
  GtkWidget *view = GTK_WIDGET (ui_question_view (window));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (page_scroller (window));
  int minimum;

  gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
  if (minimum > gtk_widget_get_width (GTK_WIDGET (window)))
    g_error ("%s needs %d px across, more than the screen has", what, minimum);
  g_test_message ("%s: %g of %g px high", what, gtk_adjustment_get_upper (adjustment),
                  gtk_adjustment_get_page_size (adjustment));
  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 0.5;
}

/* Of the pixels of the row 3 px above the page's bottom edge, across the
 * page, the share in @colour: the "more below" bar covers the whole row. */
static double
bottom_edge_share (SaysoWindow *window,
                   guint32      colour)
{
  g_autoptr(GdkTexture) texture = ui_draw_window (window);
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = ui_texture_pixels (texture);
  graphene_rect_t page;
  int y, from, to, n = 0;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page_scroller (window)), GTK_WIDGET (window), &page));
  y = (int) (page.origin.y + page.size.height) - 3;
  from = (int) page.origin.x;
  to = (int) (page.origin.x + page.size.width);
  g_assert_cmpint (y, >, 0);
  g_assert_cmpint (y, <, height);
  for (int x = from; x < to; x++)
    n += pixels[y * width + x] >> 24 == 0xff && ui_colour_near (pixels[y * width + x], colour);
  return (double) n / (to - from);
}

/* Of the 32×32 px square at the centre of the page's bottom edge, 12 px up
 * (the cue's round button, less its arrow: about half), the share in @colour. */
static double
cue_button_share (SaysoWindow *window,
                  guint32      colour)
{
  g_autoptr(GdkTexture) texture = ui_draw_window (window);
  int width = gdk_texture_get_width (texture);
  g_autofree guint32 *pixels = ui_texture_pixels (texture);
  graphene_rect_t page;
  int cx, bottom, n = 0;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page_scroller (window)), GTK_WIDGET (window), &page));
  cx = (int) (page.origin.x + page.size.width / 2);
  bottom = (int) (page.origin.y + page.size.height) - 12;
  for (int y = bottom - 32; y < bottom; y++)
    for (int x = cx - 16; x < cx + 16; x++)
      n += pixels[y * width + x] >> 24 == 0xff && ui_colour_near (pixels[y * width + x], colour);
  return n / (32.0 * 32.0);
}

/* The "more below" cue: its bar across the whole bottom edge and its round
 * button in the middle of it. */
static gboolean
says_more_below (SaysoWindow *window,
                 gboolean     high_contrast)
{
  guint32 colour = high_contrast ? CUE_COLOUR_CONTRAST : CUE_COLOUR;
  double bar = bottom_edge_share (window, colour), button = cue_button_share (window, colour);

  g_test_message ("bottom edge %.2f, its middle %.2f in the cue's colour", bar, button);
  return bar >= 0.95 && button >= 0.4;
}

/* Back and Next wholly on the screen, below the page, whatever it shows. */
static void
assert_bars_on_screen (SaysoWindow *window)
{
  static const char * const names[] = { "back", "next" };
  graphene_rect_t page, bounds;

  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page_scroller (window)), GTK_WIDGET (window), &page));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *button = ui_find (GTK_WIDGET (window), names[i]);

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_is_drawable (button));
      g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (window), &bounds));
      g_assert_cmpfloat (bounds.origin.y, >=, page.origin.y + page.size.height);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, 800);
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, 1280);
    }
}

/* The pages that honestly cannot fit: the fourteen answers from the middle
 * text size on. Three columns of a speaker control, a picture and two or
 * three lines of words each need five rows of 100 px and more, where the
 * page has 616 px for them, the question and its help; in four columns
 * the words would take more lines still, and a smaller picture or smaller
 * words would be less readable for the people who chose large text. */
static gboolean
may_scroll (SaysoQuestion *question,
            guint          text_size)
{
  return sayso_question_get_n_options (question) > 8 && text_size >= 1;
}

/* Every question of the built-in survey is on the screen whole, at every
 * text size, in English and Welsh, in both looks: nothing below the fold
 * and nothing wider than the screen. The few that must scroll (may_scroll)
 * say so by the bar at the bottom edge, and Back and Next stay on the
 * screen. The control: the fourteen answers at the largest text do scroll,
 * measured the same way, and show the bar. */
static void
test_every_question_fits (KioskFixture  *fixture,
                          gconstpointer  data)
{
  static const char * const languages[] = { "en", "cy" };
  SaysoWindow *window = open_window (fixture);
  guint n_scrolled = 0;

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    for (int high_contrast = 0; high_contrast < 2; high_contrast++)
      for (guint size = 0; size < 3; size++)
        {
          start (window, languages[l], size, high_contrast);
          for (guint i = 0; i < sayso_questionnaire_get_n_questions (fixture->questionnaire); i++)
            {
              SaysoQuestion *question = sayso_questionnaire_get_question (fixture->questionnaire, i);
              g_autofree char *what = g_strdup_printf ("%s in %s at text size %u%s", sayso_question_get_id (question),
                                                       languages[l], size, high_contrast ? ", high contrast" : "");

              show (window, question, languages[l], NULL);
              if (!page_scrolls (window, what))
                continue;
              if (!may_scroll (question, size))
                g_error ("%s does not fit 1280×800", what);
              n_scrolled++;
              if (!says_more_below (window, high_contrast))
                g_error ("%s scrolls without saying so at its bottom edge", what);
              assert_bars_on_screen (window);
            }
          sayso_window_forget (window);
          ui_iterate ();
        }

  /* The control. */
  start (window, "en", 2, FALSE);
  show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, "biggest_issue"), "en", NULL);
  g_assert_true (page_scrolls (window, "biggest_issue, the control"));
  g_assert_cmpuint (n_scrolled, >, 0);
}

/* On a page with more below, the bar along the bottom edge, drawn over
 * the page while there is more, in both looks; gone once the page is
 * scrolled to its end; never on a page that fits (the control). Back and
 * Next are on the screen throughout. */
static void
test_more_below_cue (KioskFixture  *fixture,
                     gconstpointer  data)
{
  SaysoWindow *window = open_window (fixture);

  for (int high_contrast = 0; high_contrast < 2; high_contrast++)
    {
      GtkAdjustment *adjustment;

      start (window, "en", 2, high_contrast);
      show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, "biggest_issue"), "en", NULL);
      g_assert_true (page_scrolls (window, "biggest_issue"));
      g_assert_true (says_more_below (window, high_contrast));
      assert_bars_on_screen (window);

      adjustment = gtk_scrolled_window_get_vadjustment (page_scroller (window));
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
      g_assert_false (says_more_below (window, high_contrast));
      assert_bars_on_screen (window);

      show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, "needed_services"), "en", NULL);
      g_assert_false (page_scrolls (window, "needed_services"));
      g_assert_false (says_more_below (window, high_contrast));
      sayso_window_forget (window);
      ui_iterate ();
    }
}

/* Where the first line of @label's words starts across the window. */
static double
words_left (SaysoWindow *window,
            GtkLabel    *label)
{
  PangoLayoutIter *iter = pango_layout_get_iter (gtk_label_get_layout (label));
  PangoRectangle line;
  graphene_rect_t bounds;
  int x, y;

  pango_layout_iter_get_line_extents (iter, NULL, &line);
  pango_layout_iter_free (iter);
  pango_extents_to_pixels (&line, NULL);
  gtk_label_get_layout_offsets (label, &x, &y);
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (label), GTK_WIDGET (window), &bounds));
  return bounds.origin.x + x + line.x;
}

/* The help line's words: the text pair beside its speaker control (by
 * the answer box, on a text question). */
static const char *
help_speaker (SaysoWindow *window)
{
  SaysoQuestion *question = sayso_question_view_get_question (ui_question_view (window));

  return sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT ? "hear:no-names" : "hear:help";
}

static GtkLabel *
help_words (SaysoWindow *window)
{
  GtkWidget *hear = ui_find (GTK_WIDGET (ui_question_view (window)), help_speaker (window));
  GtkWidget *pair;

  g_assert_nonnull (hear);
  pair = gtk_widget_get_next_sibling (hear);
  g_assert_true (SAYSO_IS_TEXT_PAIR (pair));
  return GTK_LABEL (gtk_widget_get_first_child (pair));
}

/* From the help's speaker control to where its words begin. */
static double
help_gap (SaysoWindow *window)
{
  GtkWidget *hear = ui_find (GTK_WIDGET (ui_question_view (window)), help_speaker (window));
  graphene_rect_t bounds;

  ui_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_is_drawable (hear));
  g_assert_true (gtk_widget_compute_bounds (hear, GTK_WIDGET (window), &bounds));
  return words_left (window, help_words (window)) - (bounds.origin.x + bounds.size.width);
}

/* The help line's speaker control stands right beside its words (16 px,
 * as the options' stand by theirs) on pages of one, two and three columns,
 * on the agree–disagree scale and by a text question's answer box, at
 * normal and largest text. The
 * control: the help's words laid out as they were, in two equal columns of
 * which the second is empty, are found far from it. */
static void
test_help_speaker_beside_words (KioskFixture  *fixture,
                                gconstpointer  data)
{
  static const char * const questions[] = { "needed_services", "how_often", "biggest_issue", "contact_officer",
                                            "induction" };
  SaysoWindow *window = open_window (fixture);
  GtkWidget *pair;

  for (guint size = 0; size < 3; size += 2)
    {
      start (window, "en", size, FALSE);
      for (guint i = 0; i < G_N_ELEMENTS (questions); i++)
        {
          double gap;

          show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, questions[i]), "en", NULL);
          gap = help_gap (window);
          g_test_message ("%s at size %u: %g px from the speaker to the help's words", questions[i], size, gap);
          g_assert_cmpfloat (gap, >=, 8);
          g_assert_cmpfloat (gap, <=, 24);
        }
      sayso_window_forget (window);
      ui_iterate ();
    }

  /* The control. */
  start (window, "en", 0, FALSE);
  show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, "needed_services"), "en", NULL);
  pair = gtk_widget_get_parent (GTK_WIDGET (help_words (window)));
  gtk_grid_layout_set_column_homogeneous (GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (pair)), TRUE);
  g_assert_cmpfloat (help_gap (window), >, 100);
}

/* How far the keyboard's bottom edge is below what the page shows. */
static double
keyboard_cut (SaysoWindow *window)
{
  GtkWidget *keyboard = GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window)));
  graphene_rect_t page, bounds;

  ui_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_is_drawable (keyboard));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page_scroller (window)), GTK_WIDGET (window), &page));
  g_assert_true (gtk_widget_compute_bounds (keyboard, GTK_WIDGET (window), &bounds));
  return bounds.origin.y + bounds.size.height - (page.origin.y + page.size.height);
}

/* A text question on a bilingual kiosk (Welsh, then English: the longest
 * of the normal-size screens) shows its keyboard whole, as on screenshot
 * 20: not a pixel of it below the page, and the page does not scroll, in
 * both looks. The control: 48 px more above the keyboard and its bottom is
 * found cut. */
static void
test_keyboard_whole_bilingual (KioskFixture  *fixture,
                               gconstpointer  data)
{
  static const char * const questions[] = { "induction", "solutions", "anything_else" };
  SaysoWindow *window;
  GtkWidget *keyboard;

  fixture->config->bilingual = TRUE;
  window = open_window (fixture);
  for (int high_contrast = 0; high_contrast < 2; high_contrast++)
    {
      start (window, "cy", 0, high_contrast);
      for (guint i = 0; i < G_N_ELEMENTS (questions); i++)
        {
          show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, questions[i]), "cy", "en");
          g_assert_false (page_scrolls (window, questions[i]));
          g_test_message ("%s: the keyboard ends %g px above the page's bottom edge", questions[i], -keyboard_cut (window));
          g_assert_cmpfloat (keyboard_cut (window), <=, 0);
        }
      sayso_window_forget (window);
      ui_iterate ();
    }

  /* The control. */
  start (window, "cy", 0, FALSE);
  show (window, sayso_questionnaire_lookup_question (fixture->questionnaire, "induction"), "cy", "en");
  keyboard = GTK_WIDGET (sayso_question_view_get_keyboard (ui_question_view (window)));
  gtk_widget_set_margin_top (keyboard, gtk_widget_get_margin_top (keyboard) + 48);
  g_assert_cmpfloat (keyboard_cut (window), >, 0);
}

/* How many of @layout's lines end inside the fingerprint's bytes @start
 * to @end (after its first, before its last): inside a group, or at a
 * hyphen between two. */
static guint
lines_ending_inside (PangoLayout *layout,
                     int          start,
                     int          end)
{
  guint n = 0;

  for (GSList *l = pango_layout_get_lines_readonly (layout); l; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      int line_end = line->start_index + line->length;

      if (line_end > start && line_end < end)
        n++;
    }
  return n;
}

/* The same, summed over every width from @narrowest to 1200 px. */
static guint
lines_ending_inside_at_any_width (PangoLayout *layout,
                                  int          narrowest,
                                  int          start,
                                  int          end)
{
  guint n = 0;

  for (int width = narrowest; width <= 1200; width += 3)
    {
      pango_layout_set_width (layout, width * PANGO_SCALE);
      n += lines_ending_inside (layout, start, end);
    }
  return n;
}

/* The analysts' key's fingerprint on the staff menu is in monospace and
 * no line of its sentence ends inside it: not as the menu lays it out,
 * nor at any width from the fingerprint's own to 1200 px. The control: the
 * same sentence without the fingerprint's attributes ends lines inside
 * it, at its hyphens, at some of those widths (as screenshot 22 showed). */
static void
test_fingerprint_whole (KioskFixture  *fixture,
                        gconstpointer  data)
{
  g_autofree char *fingerprint = sayso_key_fingerprint (fixture->store.pk);
  g_autoptr(GError) error = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  g_autoptr(PangoLayout) plain = NULL;
  SaysoWindow *window;
  GtkLabel *label;
  const char *text, *at;
  PangoRectangle extents;
  int start, end, narrowest;
  gboolean monospace = FALSE;

  g_assert_true (sayso_store_set_pin (fixture->store.store, "555555", &error));
  g_assert_no_error (error);
  window = open_window (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  ui_iterate ();
  for (const char *c = "555555"; *c; c++)
    {
      char digit[2] = { *c, 0 };
      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui_staff_view (window)), "staff.digit", "s", digit));
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ui_staff_view (window)), "staff.enter", NULL));
  ui_settle (GTK_WIDGET (window));
  g_assert_cmpstr (sayso_staff_view_get_page (ui_staff_view (window)), ==, "menu");

  label = GTK_LABEL (ui_find (GTK_WIDGET (ui_staff_view (window)), "staff-key-fingerprint"));
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (label)));
  text = gtk_label_get_text (label);
  at = strstr (text, fingerprint);
  g_assert_nonnull (at);
  start = (int) (at - text);
  end = start + (int) strlen (fingerprint);

  /* In monospace, over the whole fingerprint. */
  for (GSList *l = pango_attr_list_get_attributes (gtk_label_get_attributes (label)); l; l = g_slist_delete_link (l, l))
    {
      PangoAttribute *attribute = l->data;

      if (attribute->klass->type == PANGO_ATTR_FAMILY && (int) attribute->start_index <= start &&
          (int) attribute->end_index >= end && g_str_equal (((PangoAttrString *) attribute)->value, "monospace"))
        monospace = TRUE;
      pango_attribute_destroy (attribute);
    }
  g_assert_true (monospace);

  /* As the menu shows it, and at any width it could be given. */
  g_assert_cmpuint (lines_ending_inside (gtk_label_get_layout (label), start, end), ==, 0);
  layout = pango_layout_copy (gtk_label_get_layout (label));
  pango_layout_set_width (layout, -1);
  pango_layout_set_text (layout, fingerprint, -1);
  pango_layout_get_pixel_extents (layout, NULL, &extents);
  narrowest = extents.width + 8;
  g_clear_object (&layout);
  layout = pango_layout_copy (gtk_label_get_layout (label));
  g_assert_cmpuint (lines_ending_inside_at_any_width (layout, narrowest, start, end), ==, 0);

  /* The control. Unicode's line breaking keeps a hyphen with a digit
   * after it (UAX #14, LB25), so a key whose groups all begin with a
   * digit (one test key in four) has no break inside to show: the control
   * begins each group after the first with a letter. */
  plain = pango_layout_copy (gtk_label_get_layout (label));
  pango_layout_set_attributes (plain, NULL);
  {
    g_autofree char *lettered = g_strdup (text);

    for (int i = start + 1; i < end; i++)
      if (lettered[i - 1] == '-')
        lettered[i] = 'A';
    pango_layout_set_text (plain, lettered, -1);
  }
  g_assert_cmpuint (lines_ending_inside_at_any_width (plain, narrowest, start, end), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/layout/every-question-fits", KioskFixture, NULL,
              kiosk_fixture_setup, test_every_question_fits, kiosk_fixture_teardown);
  g_test_add ("/kiosk/layout/more-below-cue", KioskFixture, NULL,
              kiosk_fixture_setup, test_more_below_cue, kiosk_fixture_teardown);
  g_test_add ("/kiosk/layout/help-speaker-beside-words", KioskFixture, NULL,
              kiosk_fixture_setup, test_help_speaker_beside_words, kiosk_fixture_teardown);
  g_test_add ("/kiosk/layout/keyboard-whole-bilingual", KioskFixture, NULL,
              kiosk_fixture_setup, test_keyboard_whole_bilingual, kiosk_fixture_teardown);
  g_test_add ("/kiosk/layout/fingerprint-whole", KioskFixture, NULL,
              kiosk_fixture_setup, test_fingerprint_whole, kiosk_fixture_teardown);

  return g_test_run ();
}
