#define G_LOG_DOMAIN "sayso-ui-test"

#include <gtk/gtk.h>
#include <string.h>

#include "sayso-application.h"
#include "sayso-keyboard.h"
#include "sayso-store-private.h"
#include "sayso-text-pair.h"
#include "ui-test-utils.h"

void
ui_test_init (int    *argc,
              char ***argv)
{
  sayso_kiosk_init ();
  gtk_test_init (argc, argv, NULL);
  sayso_kiosk_load_style (gdk_display_get_default ());
}

void
kiosk_fixture_setup (KioskFixture  *fixture,
                     gconstpointer  data)
{
  test_store_setup (&fixture->store, data);
  fixture->config = sayso_kiosk_config_new ();
  fixture->questionnaire = sayso_questionnaire_new_default ();
}

SaysoWindow *
kiosk_fixture_open (KioskFixture *fixture,
                    gboolean      kiosk_mode)
{
  g_assert_null (fixture->window);
  fixture->window = sayso_window_new (NULL, fixture->store.store, fixture->questionnaire,
                                      fixture->config, kiosk_mode);
  if (kiosk_mode)
    gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (fixture->window));
  /* What a test reads first is what is on the screen, however late the
   * first frame comes under load. */
  ui_settle (GTK_WIDGET (fixture->window));
  return fixture->window;
}

void
kiosk_fixture_teardown (KioskFixture  *fixture,
                        gconstpointer  data)
{
  if (fixture->window)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      fixture->window = NULL;
      ui_iterate ();
    }
  g_clear_object (&fixture->questionnaire);
  g_clear_pointer (&fixture->config, sayso_kiosk_config_free);
  test_store_teardown (&fixture->store, data);
}

void
ui_iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gboolean
wait_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ui_wait (guint msec)
{
  gboolean done = FALSE;

  g_timeout_add (msec, wait_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  ui_iterate ();
}

/* Runs the main loop until @done says so, or @max_msec have passed (timers
 * late under load, g_timeout_add_seconds() keeping to whole seconds):
 * returns what @done last said. */
gboolean
ui_wait_for (gboolean (*done) (gpointer data),
             gpointer   data,
             guint      max_msec)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) max_msec * 1000;
  gboolean tick = FALSE;
  guint source = g_timeout_add (20, wait_done, &tick);

  while (!done (data) && g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (tick)
        {
          tick = FALSE;
          source = g_timeout_add (20, wait_done, &tick);
        }
    }
  if (!tick)
    g_source_remove (source);
  ui_iterate ();
  return done (data);
}

typedef struct
{
  GtkWidget *root;
  guint      paints;
} Settling;

/* A page change cross-fades: until it ends the page before is still mapped
 * and drawn, and the stack's size may still change when it goes. */
static gboolean
changing_page (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    if (changing_page (child))
      return TRUE;
  return FALSE;
}

static void
count_paint (Settling *settling)
{
  /* Only frames painted once every page change has ended count. */
  if (changing_page (settling->root))
    settling->paints = 0;
  else
    settling->paints++;
  /* A frame comes only when something asks for one. */
  if (settling->paints < 2)
    gtk_widget_queue_draw (settling->root);
}

static gboolean
painted_twice (gpointer data)
{
  return ((Settling *) data)->paints >= 2;
}

/* Runs the main loop until @widget's window has ended any page change, laid
 * itself out and painted two frames after what came before (the second for
 * what the first's layout queued): sizes and places read after it are the
 * ones on the screen, and only the page on show is mapped, however late the
 * frame clock runs under load, where a fixed wait is not. */
void
ui_settle (GtkWidget *widget)
{
  Settling settling = { GTK_WIDGET (gtk_widget_get_root (widget)), 0 };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (settling.root);
  gulong handler;

  g_assert_nonnull (clock);
  ui_iterate ();
  handler = g_signal_connect_swapped (clock, "after-paint", G_CALLBACK (count_paint), &settling);
  gtk_widget_queue_draw (settling.root);
  if (!ui_wait_for (painted_twice, &settling, 30000))
    g_error ("The window painted %u frames after its page changes in 30 s, not 2", settling.paints);
  g_signal_handler_disconnect (clock, handler);
}

static GtkWidget *
find (GtkWidget  *widget,
      const char *name,
      gboolean    mapped_only)
{
  if (mapped_only && !gtk_widget_get_mapped (widget))
    return NULL;
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, name, mapped_only);
      if (found)
        return found;
    }
  return NULL;
}

/* The widget called @name that is on the screen now. */
GtkWidget *
ui_find (GtkWidget  *root,
         const char *name)
{
  return find (root, name, TRUE);
}

/* Presses the button called @name, as a tap or Enter would. */
void
ui_press (GtkWidget  *root,
          const char *name)
{
  GtkWidget *widget;

  ui_iterate ();
  widget = ui_find (root, name);
  if (widget == NULL)
    g_error ("No widget \"%s\" on the screen", name);
  g_assert_true (gtk_widget_is_sensitive (widget));
  /* What a tap does. (GtkButton's keyboard "activate" clicks only after a
   * quarter of a second, to show the press.) */
  if (GTK_IS_BUTTON (widget))
    g_signal_emit_by_name (widget, "clicked");
  else
    g_assert_true (gtk_widget_activate (widget));
  ui_iterate ();
}

/* Types @text on the on-screen keyboard, key by key, using shift for
 * capitals and the other layers for digits, punctuation and Welsh letters. */
void
ui_type (SaysoWindow *window,
         const char  *text)
{
  SaysoKeyboard *keyboard = sayso_question_view_get_keyboard (ui_question_view (window));
  GtkWidget *root = GTK_WIDGET (keyboard);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char lower[8] = { 0 };
      g_autofree char *name = NULL;
      GtkWidget *key;

      if (c == ' ')
        {
          ui_press (root, "key-space");
          continue;
        }

      g_unichar_to_utf8 (g_unichar_tolower (c), lower);
      name = g_strconcat ("key:", lower, NULL);

      /* Find the layer that has the key. */
      for (guint tries = 0; !(key = ui_find (root, name)) && tries < 3; tries++)
        {
          SaysoKeyboardLayer layer = sayso_keyboard_get_layer (keyboard);
          if (layer == SAYSO_KEYBOARD_LETTERS)
            ui_press (root, "key-numbers");
          else if (layer == SAYSO_KEYBOARD_NUMBERS)
            {
              ui_press (root, "key-numbers");
              ui_press (root, "key-accents");
            }
          else
            ui_press (root, "key-accents");
        }
      if (key == NULL)
        g_error ("The on-screen keyboard has no key for U+%04X", c);

      if (g_unichar_isupper (c) && !sayso_keyboard_get_shifted (keyboard))
        ui_press (root, "key-shift");
      ui_press (root, name);
    }
}

const char *
ui_current_question (SaysoWindow *window)
{
  SaysoQuestion *question = sayso_journey_get_question (sayso_window_get_journey (window));
  return question ? sayso_question_get_id (question) : NULL;
}

/* The answers the window's journey holds now. */
SaysoResponse *
ui_response (SaysoWindow *window)
{
  return sayso_journey_get_response (sayso_window_get_journey (window));
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_type (child, type);
      if (found)
        return found;
    }
  return NULL;
}

/* The window's question page and staff layer, shown or not. */
SaysoQuestionView *
ui_question_view (SaysoWindow *window)
{
  GtkWidget *view = find_type (GTK_WIDGET (window), SAYSO_TYPE_QUESTION_VIEW);

  g_assert_nonnull (view);
  return SAYSO_QUESTION_VIEW (view);
}

SaysoStaffView *
ui_staff_view (SaysoWindow *window)
{
  GtkWidget *view = find_type (GTK_WIDGET (window), SAYSO_TYPE_STAFF_VIEW);

  g_assert_nonnull (view);
  return SAYSO_STAFF_VIEW (view);
}

/* "Start again?" is on the screen. */
gboolean
ui_confirming (SaysoWindow *window)
{
  return ui_find (GTK_WIDGET (window), "start-again-yes") != NULL;
}

/* The journey's clock in these tests: the real one, ahead by what
 * ui_pass_time() added, so that waiting costs nothing and real timers still
 * run. */
static gint64 clock_ahead;

static gint64
test_clock (void)
{
  return g_get_monotonic_time () + clock_ahead;
}

/* As if @seconds had passed since now, and the journey's timer looked. */
void
ui_pass_time (SaysoWindow *window,
              guint        seconds)
{
  SaysoJourney *journey = sayso_window_get_journey (window);

  sayso_journey_set_clock (journey, test_clock);
  clock_ahead += (gint64) seconds * G_USEC_PER_SEC;
  sayso_journey_tick (journey);
}

/* As if nobody had touched the screen for @seconds. */
void
ui_pretend_idle (SaysoWindow *window,
                 guint        seconds)
{
  SaysoJourney *journey = sayso_window_get_journey (window);

  sayso_journey_set_clock (journey, test_clock);
  sayso_journey_note_activity (journey);
  ui_pass_time (window, seconds);
}

/* As if the thank-you had been up for its whole time. */
void
ui_thanks_timeout (SaysoWindow *window)
{
  ui_pass_time (window, SAYSO_JOURNEY_THANKS_SECONDS);
}

/* Taps an answer to the question on the screen, checking it is @question_id. */
void
ui_answer (SaysoWindow *window,
           const char  *question_id,
           const char  *option_id)
{
  g_autofree char *name = g_strconcat ("option:", option_id, NULL);

  g_assert_cmpstr (ui_current_question (window), ==, question_id);
  ui_press (GTK_WIDGET (window), name);
}

static void
assert_clean (GtkWidget  *widget,
              const char *canary)
{
  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter start, end;
      g_autofree char *text = NULL;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
      g_assert_null (strstr (text, canary));
      g_assert_false (gtk_text_buffer_get_can_undo (buffer));
    }
  if (GTK_IS_EDITABLE (widget))
    g_assert_null (strstr (gtk_editable_get_text (GTK_EDITABLE (widget)), canary));
  if (GTK_IS_LABEL (widget))
    g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (widget)), canary));
  if (GTK_IS_TOGGLE_BUTTON (widget))
    {
      if (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget)))
        g_error ("Toggle \"%s\" is still on", gtk_widget_get_name (widget));
    }
  if (GTK_IS_CHECK_BUTTON (widget))
    g_assert_false (gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  if (GTK_IS_SWITCH (widget))
    g_assert_false (gtk_switch_get_active (GTK_SWITCH (widget)));
  if (gtk_widget_get_tooltip_text (widget))
    g_assert_null (strstr (gtk_widget_get_tooltip_text (widget), canary));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    assert_clean (child, canary);
}

/* Nothing of the last respondent anywhere: widgets, answers, clipboards, speech. */
void
ui_assert_nothing_left (SaysoWindow *window,
                        const char  *canary)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  GdkClipboard *primary = gtk_widget_get_primary_clipboard (GTK_WIDGET (window));
  const char *spoken = sayso_speech_get_last_text (_sayso_window_get_speech (window));

  ui_iterate ();
  assert_clean (GTK_WIDGET (window), canary);
  g_assert_cmpuint (sayso_response_get_n_answers (ui_response (window)), ==, 0);
  g_assert_null (gdk_clipboard_get_content (clipboard));
  g_assert_null (gdk_clipboard_get_content (primary));
  g_assert_true (spoken == NULL || strstr (spoken, canary) == NULL);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  g_assert_false (ui_confirming (window));
}

GPtrArray *
ui_open_records (KioskFixture *fixture)
{
  return test_open_all_records (_sayso_store_get_db (fixture->store.store), fixture->store.sk);
}

/* The window as it is drawn, by its own renderer, once settled. */
GdkTexture *
ui_draw_window (SaysoWindow *window)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width, height;

  ui_settle (GTK_WIDGET (window));
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* The texture's pixels, premultiplied ARGB in native order, row after row:
 * a solid pixel is 0xff<colour>. */
guint32 *
ui_texture_pixels (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  guint32 *pixels = g_new (guint32, (gsize) width * height);

  gdk_texture_download (texture, (guchar *) pixels, (gsize) width * 4);
  return pixels;
}

/* @a and @b the same colour, give or take rounding (3 in each channel). */
gboolean
ui_colour_near (guint32 a,
                guint32 b)
{
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 3)
      return FALSE;
  return TRUE;
}
