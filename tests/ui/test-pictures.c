/* test-pictures: a picture beside every option's words, seen through the
 * kiosk's real widgets: there on the 14-option screen, silent to a screen
 * reader, larger with large text, its high-contrast variant in high
 * contrast, and the screen still fitting 1280×800; and every picture built
 * in draws something at 64 px. */
#define G_LOG_DOMAIN "test-pictures"

#include <string.h>

#include "sayso-text-pair.h"
#include "ui-test-utils.h"

static void
go_to (SaysoWindow *window,
       const char  *question_id)
{
  for (guint i = 0; i < 40 && g_strcmp0 (ui_current_question (window), question_id) != 0; i++)
    ui_press (GTK_WIDGET (window), "next");
  g_assert_cmpstr (ui_current_question (window), ==, question_id);
  /* Its sizes and scrolling are read as laid out, the page before gone. */
  ui_settle (GTK_WIDGET (window));
}

/* The kiosk, full screen on a screen of its size (tests/ui/meson.build). */
static SaysoWindow *
open_window (KioskFixture *fixture)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, TRUE);

  ui_settle (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), ==, 1280);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (window)), ==, 800);
  return window;
}

static GtkWidget *
find_picture (GtkWidget *widget)
{
  if (GTK_IS_IMAGE (widget) && gtk_widget_has_css_class (widget, "option-picture"))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_picture (c);
      if (found)
        return found;
    }
  return NULL;
}

static SaysoTextPair *
find_words (GtkWidget *widget)
{
  if (SAYSO_IS_TEXT_PAIR (widget))
    return SAYSO_TEXT_PAIR (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      SaysoTextPair *found = find_words (c);
      if (found)
        return found;
    }
  return NULL;
}

/* The solid pixels of what is on show in @colour (give or take rounding),
 * and in @n_other those of any other colour. */
static guint
count_drawn (GdkTexture *texture,
             guint32     colour,
             guint      *n_other)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = ui_texture_pixels (texture);
  guint n = 0;

  /* The blended edges are counted neither way. */
  *n_other = 0;
  for (int i = 0; i < width * height; i++)
    {
      if (pixels[i] >> 24 != 0xff)
        continue;
      if (ui_colour_near (pixels[i], colour))
        n++;
      else
        (*n_other)++;
    }
  return n;
}

static guint
n_visible (GdkPixbuf *pixbuf)
{
  const guchar *pixels = gdk_pixbuf_read_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint n = 0;

  g_assert_true (gdk_pixbuf_get_has_alpha (pixbuf));
  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      if (pixels[y * stride + x * 4 + 3] > 0)
        n++;
  return n;
}

static GdkPixbuf *
draw_at_64 (const char *uri)
{
  g_autoptr(GFile) file = g_file_new_for_uri (uri);
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  stream = g_file_read (file, NULL, &error);
  g_assert_no_error (error);
  pixbuf = gdk_pixbuf_new_from_stream_at_scale (G_INPUT_STREAM (stream), 64, 64, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 64);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 64);
  return pixbuf;
}

/* Every picture of the built-in survey, and its variant, is SVG that
 * librsvg draws at 64 px, as something: more than a speck, less than a
 * blot. The control: an SVG that draws nothing counts nothing. */
static void
test_built_in_draw (void)
{
  g_autoptr(SaysoQuestionnaire) q = sayso_questionnaire_new_default ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  static const char empty[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"64\" height=\"64\"/>";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (empty, sizeof empty - 1, NULL);
  g_autoptr(GdkPixbuf) nothing = gdk_pixbuf_new_from_stream_at_scale (stream, 64, 64, TRUE, NULL, NULL);

  g_assert_nonnull (nothing);
  g_assert_cmpuint (n_visible (nothing), ==, 0);

  for (guint i = 0; i < sayso_questionnaire_get_n_questions (q); i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (q, i);

      for (guint k = 0; k < sayso_question_get_n_options (question); k++)
        for (int high_contrast = 0; high_contrast < 2; high_contrast++)
          {
            const char *uri = sayso_question_get_option_picture (question, k, high_contrast);
            g_autoptr(GdkPixbuf) pixbuf = NULL;
            guint n;

            if (uri == NULL || g_hash_table_contains (seen, uri))
              continue;
            g_hash_table_add (seen, (gpointer) uri);
            pixbuf = draw_at_64 (uri);
            n = n_visible (pixbuf);
            if (n < 64 * 64 / 20 || n > 64 * 64 * 3 / 4)
              g_error ("%s draws %u of 4096 pixels at 64 px", uri, n);
          }
    }
  /* 45 pictures, each with its variant. */
  g_assert_cmpuint (g_hash_table_size (seen), ==, 90);
}

/* On the 14-option screen every button holds the option's words and, beside
 * them, its picture; the picture is presentation only, with no name, and
 * the button is still named by the option's label. The control: the faces
 * of a likert question are no such picture, and the finder finds none. */
static void
test_beside_every_option (KioskFixture  *fixture,
                          gconstpointer  data)
{
  SaysoWindow *window = open_window (fixture);
  SaysoQuestion *question;
  GtkWidget *agree;

  ui_press (GTK_WIDGET (window), "language:en");
  ui_press (GTK_WIDGET (window), "next");
  agree = sayso_question_view_find_option (ui_question_view (window), "agree");
  g_assert_nonnull (agree);
  g_assert_null (find_picture (agree));

  go_to (window, "biggest_issue");
  question = sayso_questionnaire_lookup_question (fixture->questionnaire, "biggest_issue");
  g_assert_cmpuint (sayso_question_get_n_options (question), ==, 14);
  for (guint i = 0; i < 14; i++)
    {
      const char *id = sayso_question_get_option_id (question, i);
      const char *label = sayso_question_get_option_label (question, i, "en");
      GtkWidget *button = sayso_question_view_find_option (ui_question_view (window), id);
      GtkWidget *picture = find_picture (button);
      SaysoTextPair *words = find_words (button);
      g_autofree char *wrong = NULL;
      GdkPaintable *paintable;
      guint n_other;

      if (picture == NULL)
        g_error ("Option \"%s\" shows no picture", id);
      g_assert_true (gtk_widget_get_mapped (picture));
      /* Beside the words, never instead of them. */
      g_assert_nonnull (words);
      g_assert_cmpstr (sayso_text_pair_get_primary (words), ==, label);
      g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (words)));
      g_assert_cmpstr (g_object_get_data (G_OBJECT (picture), "sayso-picture"), ==,
                       sayso_question_get_option_picture (question, i, FALSE));

      /* Silent to assistive technology: its button says the option. */
      g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (picture)), ==,
                       GTK_ACCESSIBLE_ROLE_PRESENTATION);
      g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL));
      g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
      wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
      if (wrong)
        g_error ("Option \"%s\" is named \"%s\", not its label", id, wrong);

      /* And it draws: in the kiosk's text colour, at its largest size. */
      paintable = gtk_image_get_paintable (GTK_IMAGE (picture));
      g_assert_true (GDK_IS_TEXTURE (paintable));
      g_assert_cmpuint (count_drawn (GDK_TEXTURE (paintable), 0x241f31, &n_other), >, 500);
      g_assert_cmpuint (n_other, ==, 0);
    }
}

static int
picture_width (SaysoWindow *window,
               const char  *option_id)
{
  GtkWidget *button = sayso_question_view_find_option (ui_question_view (window), option_id);
  GtkWidget *picture = find_picture (button);

  g_assert_nonnull (picture);
  ui_settle (picture);
  g_assert_cmpint (gtk_widget_get_width (picture), ==, gtk_widget_get_height (picture));
  return gtk_widget_get_width (picture);
}

/* 64 px at normal text, larger at each larger size. The control is the
 * normal size itself, measured the same way. */
static void
test_larger_with_large_text (KioskFixture  *fixture,
                             gconstpointer  data)
{
  SaysoWindow *window = open_window (fixture);
  int widths[3];

  for (guint size = 0; size < 3; size++)
    {
      g_autofree char *button = g_strdup_printf ("text-size:%u", size);

      ui_press (GTK_WIDGET (window), button);
      ui_press (GTK_WIDGET (window), "language:en");
      ui_press (GTK_WIDGET (window), "next");
      go_to (window, "biggest_issue");
      widths[size] = picture_width (window, "travel");
      g_assert_cmpint (picture_width (window, "prefer_not_to_say"), ==, widths[size]);
      sayso_window_forget (window);
      ui_iterate ();
    }
  g_assert_cmpint (widths[0], ==, 64);
  g_assert_cmpint (widths[1], >, widths[0]);
  g_assert_cmpint (widths[2], >, widths[1]);
}

/* In high contrast each picture is its variant, drawn in black only; the
 * control: the ordinary look draws in the kiosk's text colour, no black. */
static void
test_high_contrast_variant (KioskFixture  *fixture,
                            gconstpointer  data)
{
  SaysoWindow *window = open_window (fixture);
  SaysoQuestion *question = sayso_questionnaire_lookup_question (fixture->questionnaire, "biggest_issue");

  for (int high_contrast = 0; high_contrast < 2; high_contrast++)
    {
      if (high_contrast)
        ui_press (GTK_WIDGET (window), "high-contrast");
      g_assert_cmpint (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"), ==, high_contrast);
      ui_press (GTK_WIDGET (window), "language:en");
      ui_press (GTK_WIDGET (window), "next");
      go_to (window, "biggest_issue");
      for (guint i = 0; i < sayso_question_get_n_options (question); i++)
        {
          const char *id = sayso_question_get_option_id (question, i);
          GtkWidget *picture = find_picture (sayso_question_view_find_option (ui_question_view (window), id));
          GdkTexture *texture = GDK_TEXTURE (gtk_image_get_paintable (GTK_IMAGE (picture)));
          const char *shown = g_object_get_data (G_OBJECT (picture), "sayso-picture");
          guint n_black, n_dark, n_other;

          g_assert_cmpstr (shown, ==, sayso_question_get_option_picture (question, i, high_contrast));
          g_assert_cmpint (g_str_has_suffix (shown, "-high-contrast.svg"), ==, high_contrast);
          n_black = count_drawn (texture, 0x000000, &n_other);
          n_dark = count_drawn (texture, 0x241f31, &n_other);
          if (high_contrast)
            {
              g_assert_cmpuint (n_black, >, 500);
              g_assert_cmpuint (n_dark, ==, 0);
            }
          else
            {
              g_assert_cmpuint (n_dark, >, 500);
              g_assert_cmpuint (n_black, ==, 0);
            }
        }
      sayso_window_forget (window);
      ui_iterate ();
    }
}

/* Whether the page on show must scroll to show all of it; and it is never
 * wider than the screen (then words would be cut off at the sides). */
static gboolean
page_scrolls (SaysoWindow *window)
{
  GtkWidget *view = GTK_WIDGET (ui_question_view (window));
  GtkWidget *scrolled = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  int minimum, natural;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_widget_measure (view, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  g_test_message ("%s: %g of %g px high, at least %d of 1280 px wide", ui_current_question (window),
                  gtk_adjustment_get_upper (adjustment), gtk_adjustment_get_page_size (adjustment), minimum);
  if (minimum > gtk_widget_get_width (GTK_WIDGET (window)))
    g_error ("%s needs %d px across, more than the screen has", ui_current_question (window), minimum);
  return gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment) + 0.5;
}

/* The two 14-option screens fit 1280×800 with their pictures at normal
 * text, with no scrolling, and at no text size are they wider than the
 * screen. The larger text sizes scroll, as they did before pictures (at the
 * largest, pictures go above the words to keep three columns): the control,
 * showing that the measure sees scrolling when there is some. */
static void
test_fits_the_screen (KioskFixture  *fixture,
                      gconstpointer  data)
{
  static const char * const screens[] = { "biggest_issue", "what_good" };
  SaysoWindow *window = open_window (fixture);

  for (guint size = 0; size < 3; size++)
    {
      g_autofree char *button = g_strdup_printf ("text-size:%u", size);

      ui_press (GTK_WIDGET (window), button);
      ui_press (GTK_WIDGET (window), "language:en");
      ui_press (GTK_WIDGET (window), "next");
      for (guint i = 0; i < G_N_ELEMENTS (screens); i++)
        {
          gboolean scrolls;

          go_to (window, screens[i]);
          scrolls = page_scrolls (window);
          if (size == 0 && scrolls)
            g_error ("At normal text the 14 options of %s do not fit 1280×800", screens[i]);
          if (size == 2)
            g_assert_true (scrolls);
        }
      sayso_window_forget (window);
      ui_iterate ();
    }
}

/* Where @picture is in @button: beside the words (side by side, the
 * picture ending before the words begin) or above them. */
static gboolean
picture_beside_words (GtkWidget *button)
{
  GtkWidget *picture = find_picture (button);
  SaysoTextPair *words = find_words (button);
  graphene_rect_t p, w;

  g_assert_nonnull (picture);
  g_assert_nonnull (words);
  ui_settle (button);
  g_assert_true (gtk_widget_compute_bounds (picture, button, &p));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (words), button, &w));
  return p.origin.x + p.size.width <= w.origin.x && p.origin.y < w.origin.y + w.size.height
         && w.origin.y < p.origin.y + p.size.height;
}

/* A short list (Yes, No, Prefer not to say) at the largest text, in the
 * ordinary look and in high contrast, shows every answer without
 * scrolling, as it did before pictures: its pictures stay beside the words,
 * which a list in one column has room for. The control: in three columns at
 * the same size the pictures go above the words and that screen scrolls,
 * measured the same way. */
static void
test_short_list_fits_at_largest_text (KioskFixture  *fixture,
                                      gconstpointer  data)
{
  static const char * const options[] = { "yes", "no", "prefer_not_to_say" };
  SaysoWindow *window = open_window (fixture);

  for (int high_contrast = 0; high_contrast < 2; high_contrast++)
    {
      ui_press (GTK_WIDGET (window), "text-size:2");
      if (high_contrast)
        ui_press (GTK_WIDGET (window), "high-contrast");
      g_assert_cmpint (gtk_widget_has_css_class (GTK_WIDGET (window), "high-contrast"), ==, high_contrast);
      ui_press (GTK_WIDGET (window), "language:en");
      ui_press (GTK_WIDGET (window), "next");
      go_to (window, "needed_services");
      if (page_scrolls (window))
        g_error ("At the largest text%s the answers of needed_services do not fit 1280×800",
                 high_contrast ? ", in high contrast," : "");
      for (guint i = 0; i < G_N_ELEMENTS (options); i++)
        {
          GtkWidget *button = sayso_question_view_find_option (ui_question_view (window), options[i]);

          g_assert_nonnull (button);
          g_assert_true (gtk_widget_get_mapped (button));
          g_assert_true (picture_beside_words (button));
        }

      go_to (window, "biggest_issue");
      g_assert_true (page_scrolls (window));
      g_assert_false (picture_beside_words (sayso_question_view_find_option (ui_question_view (window), "travel")));
      sayso_window_forget (window);
      ui_iterate ();
    }
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/kiosk/pictures/built-in-draw", test_built_in_draw);
  g_test_add ("/kiosk/pictures/beside-every-option", KioskFixture, NULL,
              kiosk_fixture_setup, test_beside_every_option, kiosk_fixture_teardown);
  g_test_add ("/kiosk/pictures/larger-with-large-text", KioskFixture, NULL,
              kiosk_fixture_setup, test_larger_with_large_text, kiosk_fixture_teardown);
  g_test_add ("/kiosk/pictures/high-contrast-variant", KioskFixture, NULL,
              kiosk_fixture_setup, test_high_contrast_variant, kiosk_fixture_teardown);
  g_test_add ("/kiosk/pictures/fits-the-screen", KioskFixture, NULL,
              kiosk_fixture_setup, test_fits_the_screen, kiosk_fixture_teardown);
  g_test_add ("/kiosk/pictures/short-list-fits-at-largest-text", KioskFixture, NULL,
              kiosk_fixture_setup, test_short_list_fits_at_largest_text, kiosk_fixture_teardown);

  return g_test_run ();
}
