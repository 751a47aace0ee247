/* test-keyboard: the on-screen keyboard on its own. (Speech and the
 * settings have no GTK in them: their tests are test-speech.c and
 * test-config.c, in the core suite.) */
#define G_LOG_DOMAIN "test-keyboard"

#include "sayso-application.h"
#include "sayso-keyboard.h"
#include "ui-test-utils.h"

typedef struct
{
  GtkWindow     *window;
  GtkTextView   *view;
  SaysoKeyboard *keyboard;
} KeyboardFixture;

static void
keyboard_setup (KeyboardFixture *fixture,
                gconstpointer    data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  fixture->window = GTK_WINDOW (gtk_window_new ());
  fixture->view = GTK_TEXT_VIEW (gtk_text_view_new ());
  fixture->keyboard = SAYSO_KEYBOARD (sayso_keyboard_new ());
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (fixture->keyboard));
  gtk_window_set_child (fixture->window, box);
  sayso_keyboard_set_target (fixture->keyboard, fixture->view);
  gtk_window_present (fixture->window);
  ui_settle (GTK_WIDGET (fixture->window));
}

static void
keyboard_teardown (KeyboardFixture *fixture,
                   gconstpointer    data)
{
  gtk_window_destroy (fixture->window);
  ui_iterate ();
}

static char *
text_of (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
press (KeyboardFixture *fixture,
       const char      *name)
{
  ui_press (GTK_WIDGET (fixture->keyboard), name);
}

static void
test_keyboard_typing (KeyboardFixture *fixture,
                      gconstpointer    data)
{
  g_autofree char *text = NULL;

  /* Shift makes one capital, then lets go. */
  press (fixture, "key-shift");
  g_assert_true (sayso_keyboard_get_shifted (fixture->keyboard));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (ui_find (GTK_WIDGET (fixture->keyboard), "key:h"))), ==, "H");
  press (fixture, "key:h");
  g_assert_false (sayso_keyboard_get_shifted (fixture->keyboard));
  press (fixture, "key:i");
  press (fixture, "key-space");

  /* Digits and punctuation */
  press (fixture, "key-numbers");
  g_assert_cmpint (sayso_keyboard_get_layer (fixture->keyboard), ==, SAYSO_KEYBOARD_NUMBERS);
  g_assert_false (gtk_widget_is_sensitive (ui_find (GTK_WIDGET (fixture->keyboard), "key-shift")));
  press (fixture, "key:4");
  press (fixture, "key:£");
  press (fixture, "key-numbers");
  g_assert_cmpint (sayso_keyboard_get_layer (fixture->keyboard), ==, SAYSO_KEYBOARD_LETTERS);

  /* Welsh letters, small and capital */
  press (fixture, "key-accents");
  press (fixture, "key:ŵ");
  press (fixture, "key-shift");
  press (fixture, "key:ŷ");
  press (fixture, "key:â");
  press (fixture, "key-accents");

  /* Backspace takes off the last letter, or the selection. */
  press (fixture, "key:x");
  press (fixture, "key-backspace");
  text = text_of (fixture->view);
  g_assert_cmpstr (text, ==, "Hi 4£ŵŶâ");

  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (fixture->view);
    GtkTextIter start, end;
    gtk_text_buffer_get_iter_at_offset (buffer, &start, 0);
    gtk_text_buffer_get_iter_at_offset (buffer, &end, 3);
    gtk_text_buffer_select_range (buffer, &start, &end);
  }
  press (fixture, "key-backspace");
  g_clear_pointer (&text, g_free);
  text = text_of (fixture->view);
  g_assert_cmpstr (text, ==, "4£ŵŶâ");

  /* Reset puts the keyboard back as a new respondent should find it. */
  press (fixture, "key-shift");
  press (fixture, "key-numbers");
  sayso_keyboard_reset (fixture->keyboard);
  g_assert_false (sayso_keyboard_get_shifted (fixture->keyboard));
  g_assert_cmpint (sayso_keyboard_get_layer (fixture->keyboard), ==, SAYSO_KEYBOARD_LETTERS);
}

static void
assert_big_keys (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_BUTTON (widget))
    {
      g_assert_cmpint (gtk_widget_get_height (widget), >=, 64);
      g_assert_false (gtk_widget_get_focus_on_click (widget));
      g_assert_true (gtk_widget_get_focusable (widget));
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    assert_big_keys (c);
}

static void
test_keyboard_keys (KeyboardFixture *fixture,
                    gconstpointer    data)
{
  static const char * const special[] = { "key-shift", "key-backspace", "key-space", "key-numbers", "key-accents" };

  sayso_kiosk_load_style (gdk_display_get_default ());
  /* The keys' heights are read as laid out in the new style. */
  ui_settle (GTK_WIDGET (fixture->keyboard));
  assert_big_keys (GTK_WIDGET (fixture->keyboard));

  sayso_keyboard_set_language (fixture->keyboard, "cy");
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      GtkWidget *key = ui_find (GTK_WIDGET (fixture->keyboard), special[i]);
      g_assert_nonnull (key);
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (key), GTK_ACCESSIBLE_PROPERTY_LABEL));
    }
  g_assert_true (gtk_test_accessible_has_role (GTK_ACCESSIBLE (fixture->keyboard), GTK_ACCESSIBLE_ROLE_GROUP));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/keyboard/typing", KeyboardFixture, NULL, keyboard_setup, test_keyboard_typing, keyboard_teardown);
  g_test_add ("/kiosk/keyboard/keys", KeyboardFixture, NULL, keyboard_setup, test_keyboard_keys, keyboard_teardown);

  return g_test_run ();
}
