/* sayso-keyboard.c: the on-screen keyboard.
 *
 * Large keys in three layers: letters, numbers and punctuation, and the
 * Welsh letters with accents (â ê î ô û ŵ ŷ and friends). Shift is one-shot,
 * as on a phone: it makes the next letter a capital and then lets go.
 *
 * Keys never take the focus on a tap, so the text view keeps its cursor; they
 * still take it from Tab and the arrow keys, for switch users. Each key has a
 * name ("key:a", "key-shift", ...) that tests use to find and press it.
 */
#define G_LOG_DOMAIN "sayso-keyboard"

#include "sayso-accessible.h"
#include "sayso-keyboard.h"
#include "sayso-strings.h"

struct _SaysoKeyboard
{
  GtkWidget           parent_instance;

  GtkWidget          *box;
  GtkStack           *layers;
  GtkToggleButton    *shift;
  GtkWidget          *numbers;
  GtkWidget          *accents;
  GtkWidget          *backspace;
  GtkWidget          *space;
  GtkTextView        *target;
  GPtrArray          *letter_keys;   /* keys whose label follows shift */
  char               *language;
  SaysoKeyboardLayer  layer;
};

G_DEFINE_FINAL_TYPE (SaysoKeyboard, sayso_keyboard, GTK_TYPE_WIDGET)

static const char * const letter_rows[] = {
  "q w e r t y u i o p",
  "a s d f g h j k l '",
  "z x c v b n m , . ?",
};

static const char * const number_rows[] = {
  "1 2 3 4 5 6 7 8 9 0",
  "- / : ; ( ) £ & @ \"",
  "! ? , . ' + = % * #",
};

static const char * const accent_rows[] = {
  "â ê î ô û ŵ ŷ",
  "á é í ó ú ẃ ý",
  "ä ë ï ö ü ẅ ÿ",
};

static GtkTextBuffer *
target_buffer (SaysoKeyboard *self)
{
  return self->target ? gtk_text_view_get_buffer (self->target) : NULL;
}

static void
type_text (SaysoKeyboard *self,
           const char    *text)
{
  GtkTextBuffer *buffer = target_buffer (self);

  if (buffer == NULL)
    return;

  gtk_text_buffer_delete_selection (buffer, TRUE, TRUE);
  gtk_text_buffer_insert_interactive_at_cursor (buffer, text, -1, TRUE);
  gtk_text_view_scroll_mark_onscreen (self->target, gtk_text_buffer_get_insert (buffer));
}

static void
update_labels (SaysoKeyboard *self)
{
  gboolean shifted = gtk_toggle_button_get_active (self->shift);

  for (guint i = 0; i < self->letter_keys->len; i++)
    {
      GtkWidget *key = g_ptr_array_index (self->letter_keys, i);
      const char *text = g_object_get_data (G_OBJECT (key), "sayso-key-text");
      g_autofree char *label = shifted ? g_utf8_strup (text, -1) : g_strdup (text);

      gtk_button_set_label (GTK_BUTTON (key), label);
    }
}

static void
char_key_clicked (GtkButton     *button,
                  SaysoKeyboard *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "sayso-key-text");

  if (gtk_toggle_button_get_active (self->shift) && g_ptr_array_find (self->letter_keys, button, NULL))
    {
      g_autofree char *upper = g_utf8_strup (text, -1);
      type_text (self, upper);
      gtk_toggle_button_set_active (self->shift, FALSE);
    }
  else
    type_text (self, text);
}

static void
backspace_clicked (GtkButton     *button,
                   SaysoKeyboard *self)
{
  GtkTextBuffer *buffer = target_buffer (self);
  GtkTextIter iter;

  if (buffer == NULL)
    return;
  if (gtk_text_buffer_delete_selection (buffer, TRUE, TRUE))
    return;
  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_backspace (buffer, &iter, TRUE, TRUE);
}

static void
space_clicked (GtkButton     *button,
               SaysoKeyboard *self)
{
  type_text (self, " ");
}

static void
numbers_clicked (GtkButton     *button,
                 SaysoKeyboard *self)
{
  sayso_keyboard_set_layer (self, self->layer == SAYSO_KEYBOARD_NUMBERS ? SAYSO_KEYBOARD_LETTERS
                                                                        : SAYSO_KEYBOARD_NUMBERS);
}

static void
accents_clicked (GtkButton     *button,
                 SaysoKeyboard *self)
{
  sayso_keyboard_set_layer (self, self->layer == SAYSO_KEYBOARD_ACCENTS ? SAYSO_KEYBOARD_LETTERS
                                                                        : SAYSO_KEYBOARD_ACCENTS);
}

static void
shift_toggled (GtkToggleButton *button,
               SaysoKeyboard   *self)
{
  update_labels (self);
}

static GtkWidget *
key_new (const char *name,
         const char *css_class)
{
  GtkWidget *key = gtk_button_new ();

  gtk_widget_set_name (key, name);
  gtk_widget_set_focus_on_click (key, FALSE);
  gtk_widget_set_hexpand (key, TRUE);
  gtk_widget_add_css_class (key, "key");
  if (css_class)
    gtk_widget_add_css_class (key, css_class);
  return key;
}

static GtkWidget *
layer_new (SaysoKeyboard      *self,
           const char * const *rows,
           gboolean            follows_shift)
{
  /* Rows closer than keys are apart: with the question, its answer box
   * and help line above, four rows fit a bilingual screen. */
  GtkWidget *layer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);

  for (guint r = 0; r < 3; r++)
    {
      g_auto(GStrv) keys = g_strsplit (rows[r], " ", -1);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

      gtk_box_set_homogeneous (GTK_BOX (row), TRUE);
      for (guint k = 0; keys[k]; k++)
        {
          g_autofree char *name = g_strconcat ("key:", keys[k], NULL);
          GtkWidget *key = key_new (name, NULL);
          gboolean is_letter = g_unichar_isalpha (g_utf8_get_char (keys[k]));

          g_object_set_data_full (G_OBJECT (key), "sayso-key-text", g_strdup (keys[k]), g_free);
          gtk_button_set_label (GTK_BUTTON (key), keys[k]);
          g_signal_connect (key, "clicked", G_CALLBACK (char_key_clicked), self);
          if (follows_shift && is_letter)
            g_ptr_array_add (self->letter_keys, key);
          gtk_box_append (GTK_BOX (row), key);
        }
      gtk_box_append (GTK_BOX (layer), row);
    }
  return layer;
}

static void
set_accessible_label (GtkWidget  *widget,
                      const char *label)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (widget, NULL);
}

static void
update_special_keys (SaysoKeyboard *self)
{
  const char *lang = self->language;

  set_accessible_label (GTK_WIDGET (self->shift), sayso_string (SAYSO_STR_KEY_SHIFT, lang));
  set_accessible_label (self->backspace, sayso_string (SAYSO_STR_KEY_BACKSPACE, lang));
  set_accessible_label (self->space, sayso_string (SAYSO_STR_KEY_SPACE, lang));
  gtk_button_set_label (GTK_BUTTON (self->space), sayso_string (SAYSO_STR_KEY_SPACE, lang));
  /* The labels first: a button's label is its accessible name, which would
   * have these keys heard as "123" and "âŵŷ". */
  gtk_button_set_label (GTK_BUTTON (self->numbers), self->layer == SAYSO_KEYBOARD_NUMBERS ? "abc" : "123");
  gtk_button_set_label (GTK_BUTTON (self->accents), self->layer == SAYSO_KEYBOARD_ACCENTS ? "abc" : "âŵŷ");
  set_accessible_label (self->numbers, sayso_string (self->layer == SAYSO_KEYBOARD_NUMBERS ? SAYSO_STR_KEY_LETTERS
                                                                                           : SAYSO_STR_KEY_NUMBERS, lang));
  set_accessible_label (self->accents, sayso_string (self->layer == SAYSO_KEYBOARD_ACCENTS ? SAYSO_STR_KEY_LETTERS
                                                                                           : SAYSO_STR_KEY_ACCENTS, lang));
}

static void
sayso_keyboard_dispose (GObject *object)
{
  SaysoKeyboard *self = SAYSO_KEYBOARD (object);

  g_clear_weak_pointer (&self->target);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->letter_keys, g_ptr_array_unref);

  G_OBJECT_CLASS (sayso_keyboard_parent_class)->dispose (object);
}

static void
sayso_keyboard_finalize (GObject *object)
{
  SaysoKeyboard *self = SAYSO_KEYBOARD (object);

  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (sayso_keyboard_parent_class)->finalize (object);
}

static void
sayso_keyboard_class_init (SaysoKeyboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_keyboard_dispose;
  object_class->finalize = sayso_keyboard_finalize;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "keyboard");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sayso_keyboard_init (SaysoKeyboard *self)
{
  GtkWidget *bottom;
  GtkWidget *backspace_icon;

  self->letter_keys = g_ptr_array_new ();
  self->language = g_strdup ("en");

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  self->layers = GTK_STACK (gtk_stack_new ());
  gtk_stack_set_transition_type (self->layers, GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_stack_add_named (self->layers, layer_new (self, letter_rows, TRUE), "letters");
  gtk_stack_add_named (self->layers, layer_new (self, number_rows, FALSE), "numbers");
  gtk_stack_add_named (self->layers, layer_new (self, accent_rows, TRUE), "accents");
  sayso_accessible_follow_stack (self->layers);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->layers));

  bottom = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_box_append (GTK_BOX (self->box), bottom);

  self->shift = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_widget_set_name (GTK_WIDGET (self->shift), "key-shift");
  gtk_widget_set_focus_on_click (GTK_WIDGET (self->shift), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->shift), "key");
  gtk_widget_add_css_class (GTK_WIDGET (self->shift), "key-wide");
  gtk_button_set_icon_name (GTK_BUTTON (self->shift), "go-up-symbolic");
  g_signal_connect (self->shift, "toggled", G_CALLBACK (shift_toggled), self);
  gtk_box_append (GTK_BOX (bottom), GTK_WIDGET (self->shift));

  self->numbers = key_new ("key-numbers", "key-wide");
  g_signal_connect (self->numbers, "clicked", G_CALLBACK (numbers_clicked), self);
  gtk_box_append (GTK_BOX (bottom), self->numbers);

  self->accents = key_new ("key-accents", "key-wide");
  g_signal_connect (self->accents, "clicked", G_CALLBACK (accents_clicked), self);
  gtk_box_append (GTK_BOX (bottom), self->accents);

  self->space = key_new ("key-space", "key-space");
  gtk_widget_set_hexpand (self->space, TRUE);
  g_signal_connect (self->space, "clicked", G_CALLBACK (space_clicked), self);
  gtk_box_append (GTK_BOX (bottom), self->space);

  self->backspace = key_new ("key-backspace", "key-wide");
  backspace_icon = gtk_image_new_from_icon_name ("edit-clear-symbolic");
  gtk_button_set_child (GTK_BUTTON (self->backspace), backspace_icon);
  g_signal_connect (self->backspace, "clicked", G_CALLBACK (backspace_clicked), self);
  gtk_box_append (GTK_BOX (bottom), self->backspace);

  for (GtkWidget *w = gtk_widget_get_first_child (bottom); w; w = gtk_widget_get_next_sibling (w))
    if (w != self->space)
      gtk_widget_set_hexpand (w, FALSE);

  update_special_keys (self);
}

GtkWidget *
sayso_keyboard_new (void)
{
  return g_object_new (SAYSO_TYPE_KEYBOARD, NULL);
}

void
sayso_keyboard_set_target (SaysoKeyboard *self,
                           GtkTextView   *target)
{
  g_return_if_fail (SAYSO_IS_KEYBOARD (self));
  g_return_if_fail (target == NULL || GTK_IS_TEXT_VIEW (target));

  g_set_weak_pointer (&self->target, target);
}

GtkTextView *
sayso_keyboard_get_target (SaysoKeyboard *self)
{
  g_return_val_if_fail (SAYSO_IS_KEYBOARD (self), NULL);
  return self->target;
}

void
sayso_keyboard_set_language (SaysoKeyboard *self,
                             const char    *language)
{
  g_return_if_fail (SAYSO_IS_KEYBOARD (self));

  g_free (self->language);
  self->language = g_strdup (language ? language : "en");
  update_special_keys (self);
}

void
sayso_keyboard_set_layer (SaysoKeyboard      *self,
                          SaysoKeyboardLayer  layer)
{
  static const char * const names[] = { "letters", "numbers", "accents" };

  g_return_if_fail (SAYSO_IS_KEYBOARD (self));
  g_return_if_fail (layer <= SAYSO_KEYBOARD_ACCENTS);

  self->layer = layer;
  gtk_stack_set_visible_child_name (self->layers, names[layer]);
  gtk_widget_set_sensitive (GTK_WIDGET (self->shift), layer != SAYSO_KEYBOARD_NUMBERS);
  update_special_keys (self);
}

SaysoKeyboardLayer
sayso_keyboard_get_layer (SaysoKeyboard *self)
{
  g_return_val_if_fail (SAYSO_IS_KEYBOARD (self), SAYSO_KEYBOARD_LETTERS);
  return self->layer;
}

gboolean
sayso_keyboard_get_shifted (SaysoKeyboard *self)
{
  g_return_val_if_fail (SAYSO_IS_KEYBOARD (self), FALSE);
  return gtk_toggle_button_get_active (self->shift);
}

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found)
        return found;
    }
  return NULL;
}

/**
 * sayso_keyboard_find_key:
 * @name: "key:" and the key's text in lower case ("key:a", "key:ŵ", "key:1"),
 *   or one of "key-shift", "key-space", "key-backspace", "key-numbers", "key-accents"
 *
 * Returns: (transfer none) (nullable): the key's button
 */
GtkWidget *
sayso_keyboard_find_key (SaysoKeyboard *self,
                         const char    *name)
{
  g_return_val_if_fail (SAYSO_IS_KEYBOARD (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return find_named (self->box, name);
}

void
sayso_keyboard_reset (SaysoKeyboard *self)
{
  g_return_if_fail (SAYSO_IS_KEYBOARD (self));

  gtk_toggle_button_set_active (self->shift, FALSE);
  sayso_keyboard_set_layer (self, SAYSO_KEYBOARD_LETTERS);
}
