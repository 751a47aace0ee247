/* sayso-question-view.c: one question on the screen.
 *
 * The view edits the respondent's SaysoResponse directly and keeps nothing of
 * its own: a choice is a toggle whose state is read back from the response
 * after every tap, and the text box is emptied whenever the view moves on. A
 * tap on the chosen answer of a one-answer question takes it back, so that
 * every question can be left unanswered.
 *
 * Beside the question, its help and every option is a speaker control that
 * says that one text (recorded voice first, else eSpeak NG): the view asks
 * for it with ::hear and the window says it in the respondent's language.
 */
#define G_LOG_DOMAIN "sayso-question-view"

#include <sodium.h>

#include "sayso-accessible.h"
#include "sayso-face.h"
#include "sayso-question-view.h"
#include "sayso-strings.h"
#include "sayso-text-pair.h"

struct _SaysoQuestionView
{
  GtkWidget        parent_instance;

  GtkWidget       *box;
  GtkWidget       *hear_question;
  GtkWidget       *hear_help;
  GtkWidget       *hear_no_names;
  SaysoTextPair   *section;
  SaysoTextPair   *question_text;
  SaysoTextPair   *help;
  GtkStack        *content;
  GtkBox          *choices;
  GtkTextView     *text_view;
  SaysoTextPair   *no_names;
  GtkLabel        *counter;
  SaysoTextPair   *full_message;
  SaysoKeyboard   *keyboard;

  SaysoResponse   *response;
  SaysoQuestion   *question;
  GPtrArray       *option_buttons;
  GtkWidget       *hearing;         /* the speaker control being heard */
  char            *language;
  char            *second_language;
  gboolean         syncing;
};

G_DEFINE_FINAL_TYPE (SaysoQuestionView, sayso_question_view, GTK_TYPE_WIDGET)

enum { CHANGED, HEAR, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The agree–disagree scale, happiest first, as the questionnaire lists it. */
static int
likert_mood (const char *option_id)
{
  static const struct { const char *id; int mood; } moods[] = {
    { "strongly_agree", 2 }, { "agree", 1 }, { "neither", 0 }, { "disagree", -1 }, { "strongly_disagree", -2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (moods); i++)
    if (g_str_equal (moods[i].id, option_id))
      return moods[i].mood;
  return G_MININT;
}

static void
sync_choices (SaysoQuestionView *self)
{
  const char *qid = sayso_question_get_id (self->question);

  self->syncing = TRUE;
  for (guint i = 0; i < self->option_buttons->len; i++)
    {
      GtkToggleButton *button = g_ptr_array_index (self->option_buttons, i);
      const char *option_id = g_object_get_data (G_OBJECT (button), "sayso-option");

      gboolean chosen = sayso_response_is_chosen (self->response, qid, option_id);

      /* Seen and heard alike: the button's look, and the radio's or check
       * box's state a screen reader announces. */
      gtk_toggle_button_set_active (button, chosen);
      gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_CHECKED, chosen, -1);
    }
  self->syncing = FALSE;
}

static void
option_toggled (GtkToggleButton   *button,
                SaysoQuestionView *self)
{
  g_autoptr(GError) error = NULL;
  const char *option_id = g_object_get_data (G_OBJECT (button), "sayso-option");
  const char *qid;
  gboolean ok = TRUE;

  if (self->syncing || self->question == NULL)
    return;

  qid = sayso_question_get_id (self->question);
  if (sayso_question_get_kind (self->question) == SAYSO_QUESTION_MULTIPLE)
    ok = sayso_response_toggle_choice (self->response, qid, option_id, &error);
  else if (gtk_toggle_button_get_active (button))
    ok = sayso_response_set_choice (self->response, qid, option_id, &error);
  else
    sayso_response_clear_answer (self->response, qid);

  /* The error would name the answer, and answers are never logged. */
  if (!ok)
    g_debug ("A choice was refused by the answer session");

  sync_choices (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
update_counter (SaysoQuestionView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  guint max = self->question ? sayso_question_get_max_length (self->question) : 0;
  guint n = gtk_text_buffer_get_char_count (buffer);
  g_autofree char *text = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  text = g_strdup_printf (sayso_string_plural (SAYSO_STR_TEXT_COUNT, self->language, max), n, max);
#pragma GCC diagnostic pop
  gtk_label_set_text (self->counter, text);
  if (n < max)
    gtk_widget_set_visible (GTK_WIDGET (self->full_message), FALSE);
}

static void
buffer_insert_text (GtkTextBuffer     *buffer,
                    GtkTextIter       *location,
                    const char        *text,
                    int                len,
                    SaysoQuestionView *self)
{
  guint max;
  glong adding;

  if (self->syncing || self->question == NULL)
    return;

  max = sayso_question_get_max_length (self->question);
  adding = g_utf8_strlen (text, len);
  if (gtk_text_buffer_get_char_count (buffer) + adding > max)
    {
      /* Kindly: nothing more goes in, a calm line says why, and no beep. */
      g_signal_stop_emission_by_name (buffer, "insert-text");
      gtk_widget_set_visible (GTK_WIDGET (self->full_message), TRUE);
    }
}

static void
buffer_changed (GtkTextBuffer     *buffer,
                SaysoQuestionView *self)
{
  g_autoptr(GError) error = NULL;
  GtkTextIter start, end;
  char *text;

  if (self->syncing || self->question == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (!sayso_response_set_text (self->response, sayso_question_get_id (self->question), text, &error))
    g_debug ("The answer session refused the text");
  sodium_memzero (text, strlen (text));
  g_free (text);

  update_counter (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* The largest an option's picture is shown (large text, at twice the pixels
 * on a fine screen); drawn once at this size, the image is scaled down. */
#define PICTURE_DRAWN_SIZE 192

/* The look chosen on the welcome screen (the window's style classes),
 * which stays while questions are shown. */
static gboolean
window_has_look (SaysoQuestionView *self,
                 const char        *css_class)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return root != NULL && gtk_widget_has_css_class (GTK_WIDGET (root), css_class);
}

/* The option's picture, or NULL if it names none. A GtkImage, so that the
 * style sheet sizes it with the text; drawn from the SVG at its largest so
 * that large text stays sharp; in high contrast its variant. It is
 * decoration beside the words, never instead of them: no role of its own,
 * and the button's label stays the option's name. */
static GtkWidget *
option_picture_new (SaysoQuestionView *self,
                    guint              index)
{
  gboolean high_contrast = window_has_look (self, "high-contrast");
  const char *uri = sayso_question_get_option_picture (self->question, index, high_contrast);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *image;

  if (uri == NULL)
    return NULL;

  file = g_file_new_for_uri (uri);
  if ((stream = g_file_read (file, NULL, &error)))
    pixbuf = gdk_pixbuf_new_from_stream_at_scale (G_INPUT_STREAM (stream), PICTURE_DRAWN_SIZE,
                                                  PICTURE_DRAWN_SIZE, TRUE, NULL, &error);
  if (pixbuf == NULL)
    {
      /* Checked when the questionnaire was loaded: a file changed since.
       * The words are still there. Not logged: this happens as a
       * respondent reaches the question, and the journal would date it. */
      return NULL;
    }

  texture = gdk_texture_new_for_pixbuf (pixbuf);
  image = g_object_new (GTK_TYPE_IMAGE,
                        "paintable", texture,
                        "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                        "valign", GTK_ALIGN_CENTER,
                        NULL);
  gtk_widget_add_css_class (image, "option-picture");
  g_object_set_data_full (G_OBJECT (image), "sayso-picture", g_strdup (uri), g_free);
  return image;
}

/* Beside the words, read from the picture on; above them at the largest
 * text, where three columns of pictures beside long words are wider than
 * the screen (a tick box, if any, stays beside the picture). Only there:
 * in one or two columns there is room beside, and a picture above would
 * push the last answers off a short list's screen. Says whether it went
 * above. */
static gboolean
place_picture (SaysoQuestionView *self,
               GtkBox            *box,
               GtkWidget         *picture,
               GtkWidget         *text)
{
  GtkWidget *tick = gtk_widget_get_first_child (GTK_WIDGET (box));
  GtkWidget *row;

  if (!window_has_look (self, "text-size-2") || sayso_question_get_n_options (self->question) <= 8)
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_HORIZONTAL);
      gtk_box_set_spacing (box, 12);
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (box, picture);
      return FALSE;
    }

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_halign (row, GTK_ALIGN_CENTER);
  if (tick != NULL)
    {
      g_object_ref (tick);
      gtk_box_remove (box, tick);
      gtk_box_append (GTK_BOX (row), tick);
      g_object_unref (tick);
    }
  gtk_box_append (GTK_BOX (row), picture);
  gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (box, 8);
  gtk_box_append (box, row);
  return TRUE;
}

static GtkWidget *
option_button_new (SaysoQuestionView *self,
                   guint              index)
{
  const char *option_id = sayso_question_get_option_id (self->question, index);
  const char *label = sayso_question_get_option_label (self->question, index, self->language);
  const char *label2 = self->second_language
                       ? sayso_question_get_option_label (self->question, index, self->second_language) : NULL;
  gboolean likert = sayso_question_get_kind (self->question) == SAYSO_QUESTION_LIKERT;
  int mood = likert ? likert_mood (option_id) : G_MININT;
  g_autofree char *name = g_strconcat ("option:", option_id, NULL);
  g_autofree char *accessible = label2 ? g_strdup_printf ("%s / %s", label, label2) : g_strdup (label);
  /* Heard as what it is: one of a set (a radio) or as many as apply (a
   * check box), not a button that stays pressed. */
  GtkWidget *button = g_object_new (GTK_TYPE_TOGGLE_BUTTON,
                                    "accessible-role", sayso_question_get_kind (self->question) == SAYSO_QUESTION_MULTIPLE
                                                       ? GTK_ACCESSIBLE_ROLE_CHECKBOX : GTK_ACCESSIBLE_ROLE_RADIO,
                                    NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  GtkWidget *text = sayso_text_pair_new (GTK_ORIENTATION_VERTICAL, "choice-label");
  GtkWidget *picture = NULL;

  gtk_widget_set_name (button, name);
  gtk_widget_add_css_class (button, "choice");
  if (sayso_question_get_kind (self->question) == SAYSO_QUESTION_MULTIPLE)
    gtk_widget_add_css_class (button, "multiple");
  g_object_set_data_full (G_OBJECT (button), "sayso-option", g_strdup (option_id), g_free);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  if (sayso_question_get_kind (self->question) == SAYSO_QUESTION_MULTIPLE)
    {
      /* A box to tick says "choose as many as you like" without words. */
      GtkWidget *tick = gtk_image_new_from_icon_name ("object-select-symbolic");

      gtk_widget_add_css_class (tick, "tick-box");
      gtk_widget_set_valign (tick, GTK_ALIGN_CENTER);
      gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_HORIZONTAL);
      /* Closer in three columns, where the words need the room. */
      gtk_box_set_spacing (GTK_BOX (box), sayso_question_get_n_options (self->question) > 8 ? 8 : 16);
      gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), tick);
    }
  if (mood != G_MININT)
    {
      GtkWidget *face = sayso_face_new (mood);
      gtk_widget_set_halign (face, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (box), face);
      gtk_widget_add_css_class (button, "likert");
    }
  else if ((picture = option_picture_new (self, index)))
    {
      if (place_picture (self, GTK_BOX (box), picture, text))
        gtk_widget_add_css_class (button, "picture-above");
      gtk_widget_add_css_class (button, "pictured");
    }
  sayso_text_pair_set_wrap (SAYSO_TEXT_PAIR (text), TRUE);
  sayso_text_pair_set (SAYSO_TEXT_PAIR (text), label, label2);
  gtk_box_append (GTK_BOX (box), text);
  gtk_button_set_child (GTK_BUTTON (button), box);

  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_signal_connect (button, "toggled", G_CALLBACK (option_toggled), self);
  g_ptr_array_add (self->option_buttons, button);
  return button;
}

/* --- Hearing one thing ----------------------------------------------------
 *
 * Two designs were weighed on the 14-option screen, in screenshots under
 * Xvfb, as a person who reads poorly would meet them by touch alone: a
 * speaker control beside every option (docs/screenshots/42-…), and (with
 * "Always read aloud" on) a first touch on an option that speaks it and a
 * second that chooses it, whose screen is the plain one (06-…): nothing on
 * it says that a touch will not choose. The separate control won: a
 * touch on an answer always means the same thing, so nobody chooses an
 * answer they only wanted to hear, or hears one they meant to choose, and
 * nobody has to know which mode the kiosk is in; the speaker is the same
 * picture everywhere, so it is learnt once, and it can be pressed again to
 * hear the same words again. It is a button of its own, never inside the
 * option, so that its name ("Hear: Travel") and the option's ("Travel") stay
 * apart for a screen reader too.
 */

static void
hear_clicked (GtkButton         *button,
              SaysoQuestionView *self)
{
  const char *part = g_object_get_data (G_OBJECT (button), "sayso-hear");
  int option = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "sayso-hear-option"));

  if (self->question == NULL || part == NULL)
    return;
  sayso_question_view_set_hearing (self, GTK_WIDGET (button));
  g_signal_emit (self, signals[HEAR], 0, part, option);
}

static void
hear_set_name (GtkWidget  *button,
               const char *language,
               const char *text,
               const char *text2)
{
  g_autofree char *both = text2 ? g_strdup_printf ("%s / %s", text, text2) : g_strdup (text);
  g_autofree char *name = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  name = g_strdup_printf (sayso_string (SAYSO_STR_HEAR, language), both);
#pragma GCC diagnostic pop
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
hear_setup (SaysoQuestionView *self,
            GtkWidget         *button,
            const char        *part,
            int                option)
{
  g_object_set_data (G_OBJECT (button), "sayso-hear", (gpointer) part);
  g_object_set_data (G_OBJECT (button), "sayso-hear-option", GINT_TO_POINTER (option));
  /* For touch: a keyboard or a screen reader reaches the words themselves,
   * and Tab goes from the question straight to its answers. */
  gtk_widget_set_focusable (button, FALSE);
  g_signal_connect (button, "clicked", G_CALLBACK (hear_clicked), self);
}

/* An option with its speaker control beside it (below it on the likert
 * scale's row of faces, where there is no room beside). */
static GtkWidget *
option_with_hear_new (SaysoQuestionView *self,
                      guint              index,
                      GtkOrientation     orientation,
                      GtkWidget        **option)
{
  const char *option_id = sayso_question_get_option_id (self->question, index);
  g_autofree char *name = g_strconcat ("hear:option:", option_id, NULL);
  GtkWidget *row = gtk_box_new (orientation, 8);
  GtkWidget *hear = gtk_button_new_from_icon_name ("audio-volume-high-symbolic");
  GtkWidget *button = option_button_new (self, index);

  gtk_widget_set_name (hear, name);
  gtk_widget_add_css_class (hear, "hear");
  gtk_widget_set_valign (hear, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (hear, GTK_ALIGN_CENTER);
  hear_setup (self, hear, "options", (int) index);
  hear_set_name (hear, self->language, sayso_question_get_option_label (self->question, index, self->language),
                 self->second_language ? sayso_question_get_option_label (self->question, index, self->second_language) : NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      gtk_widget_set_hexpand (button, TRUE);
      gtk_box_append (GTK_BOX (row), hear);
      gtk_box_append (GTK_BOX (row), button);
    }
  else
    {
      gtk_widget_set_vexpand (button, TRUE);
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (GTK_BOX (row), hear);
    }
  if (option)
    *option = button;
  return row;
}

/* The answers' group, named by the question: a screen reader says which
 * question the focused answer belongs to. */
static GtkWidget *
choices_group_new (SaysoQuestionView *self)
{
  gboolean multiple = sayso_question_get_kind (self->question) == SAYSO_QUESTION_MULTIPLE;
  const char *text = sayso_question_get_text (self->question, self->language);
  const char *text2 = self->second_language ? sayso_question_get_text (self->question, self->second_language) : NULL;
  g_autofree char *name = text2 ? g_strdup_printf ("%s / %s", text, text2) : g_strdup (text);
  GtkWidget *group = g_object_new (GTK_TYPE_BOX,
                                   "orientation", GTK_ORIENTATION_VERTICAL,
                                   "spacing", 16,
                                   "accessible-role", multiple ? GTK_ACCESSIBLE_ROLE_GROUP
                                                               : GTK_ACCESSIBLE_ROLE_RADIO_GROUP,
                                   NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (group), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_box_append (self->choices, group);
  return group;
}

static void
build_choices (SaysoQuestionView *self)
{
  guint n = sayso_question_get_n_options (self->question);
  GtkBox *group = GTK_BOX (choices_group_new (self));
  gboolean likert = sayso_question_get_kind (self->question) == SAYSO_QUESTION_LIKERT;
  gboolean three_columns = !likert && n > 8;
  /* Five faces side by side at the largest text, with Welsh words as long
   * as "Anghytuno'n", and the answer below them, fit only on the page's
   * whole width and with less room between. */
  gboolean crowded_scale = likert && window_has_look (self, "text-size-2");

  /* Three columns of a picture, a speaker control and words each (the
   * fourteen "biggest issue" answers) need the page's side margins to fit
   * the screen without scrolling. */
  if (three_columns)
    gtk_widget_add_css_class (GTK_WIDGET (self), "three-columns");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "three-columns");
  if (likert)
    gtk_widget_add_css_class (GTK_WIDGET (self), "scale");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "scale");
  gtk_widget_set_margin_start (GTK_WIDGET (self->choices), three_columns || crowded_scale ? 0 : 24);
  gtk_widget_set_margin_end (GTK_WIDGET (self->choices), three_columns || crowded_scale ? 0 : 24);
  gtk_widget_set_margin_top (GTK_WIDGET (self->content), three_columns ? 0 : 4);
  gtk_widget_set_margin_top (GTK_WIDGET (self->choices), three_columns ? 0 : 4);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->choices), three_columns ? 0 : 4);
  if (crowded_scale)
    gtk_box_set_spacing (group, 8);

  if (sayso_question_get_kind (self->question) == SAYSO_QUESTION_LIKERT)
    {
      /* A grid rather than a box: GTK 4.8's box measures wrapped labels
       * inconsistently (and says so, loudly). */
      GtkWidget *row = gtk_grid_new ();
      guint column = 0;

      gtk_grid_set_column_spacing (GTK_GRID (row), 16);
      gtk_grid_set_column_homogeneous (GTK_GRID (row), TRUE);
      gtk_box_append (group, row);
      for (guint i = 0; i < n; i++)
        {
          GtkWidget *button = NULL;

          if (likert_mood (sayso_question_get_option_id (self->question, i)) != G_MININT)
            gtk_grid_attach (GTK_GRID (row), option_with_hear_new (self, i, GTK_ORIENTATION_VERTICAL, NULL),
                             column++, 0, 1, 1);
          else
            {
              GtkWidget *wide = option_with_hear_new (self, i, GTK_ORIENTATION_HORIZONTAL, &button);

              gtk_widget_set_halign (wide, GTK_ALIGN_CENTER);
              gtk_widget_add_css_class (button, "wide");
              gtk_box_append (group, wide);
            }
        }
    }
  else
    {
      /* As many on the screen at once as fit, so that nobody has to scroll. */
      guint columns = n > 8 ? 3 : n > 4 ? 2 : 1;
      GtkWidget *grid = gtk_grid_new ();

      /* Less than the 16 between columns: the speaker controls make the
       * options taller, and all fourteen must still fit (in three columns
       * even in a language 40% longer than English, and so closer). */
      gtk_grid_set_row_spacing (GTK_GRID (grid), columns == 3 || window_has_look (self, "text-size-2") ? 8 : 12);
      gtk_grid_set_column_spacing (GTK_GRID (grid), 16);
      gtk_grid_set_column_homogeneous (GTK_GRID (grid), TRUE);
      if (columns == 1)
        {
          gtk_widget_set_halign (grid, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (grid, "one-column");
        }
      for (guint i = 0; i < n; i++)
        gtk_grid_attach (GTK_GRID (grid), option_with_hear_new (self, i, GTK_ORIENTATION_HORIZONTAL, NULL),
                         i % columns, i / columns, 1, 1);
      gtk_box_append (group, grid);
    }

  sync_choices (self);
}

static void
remove_choices (SaysoQuestionView *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->option_buttons, 0);
  self->hearing = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->choices))))
    gtk_box_remove (self->choices, child);
}

static void
sayso_question_view_dispose (GObject *object)
{
  SaysoQuestionView *self = SAYSO_QUESTION_VIEW (object);

  if (self->text_view)
    sayso_question_view_clear (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_QUESTION_VIEW);
  self->text_view = NULL;
  g_clear_pointer (&self->option_buttons, g_ptr_array_unref);

  G_OBJECT_CLASS (sayso_question_view_parent_class)->dispose (object);
}

static void
sayso_question_view_finalize (GObject *object)
{
  SaysoQuestionView *self = SAYSO_QUESTION_VIEW (object);

  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->second_language, g_free);

  G_OBJECT_CLASS (sayso_question_view_parent_class)->finalize (object);
}

static void
sayso_question_view_class_init (SaysoQuestionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_question_view_dispose;
  object_class->finalize = sayso_question_view_finalize;

  /**
   * SaysoQuestionView::changed:
   *
   * The answer to the question on show changed (which may change which
   * questions follow).
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * SaysoQuestionView::hear:
   * @part: "text", "help" or "options"
   * @option: the option's index, for "options"
   *
   * A speaker control was pressed: that one text is to be said.
   */
  signals[HEAR] =
    g_signal_new ("hear",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_INT);

  g_type_ensure (SAYSO_TYPE_TEXT_PAIR);
  g_type_ensure (SAYSO_TYPE_KEYBOARD);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-question-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, box);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, hear_question);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, hear_help);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, hear_no_names);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, section);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, question_text);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, help);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, content);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, choices);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, text_view);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, no_names);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, counter);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, full_message);
  gtk_widget_class_bind_template_child (widget_class, SaysoQuestionView, keyboard);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "questionview");
}

static void
sayso_question_view_init (SaysoQuestionView *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The question and its help beside their speaker controls take the
   * width of the page before they wrap (each was given it before as half
   * of two columns, the second empty): a line more would push the last
   * answers below the fold. */
  sayso_text_pair_set_max_width_chars (self->question_text, 90);
  sayso_text_pair_set_max_width_chars (self->help, 90);
  /* By the answer box the help line fills the row up to the counter: its
   * words start at its speaker control rather than centred away from it. */
  sayso_text_pair_set_xalign (self->no_names, 0);
  sayso_accessible_follow_stack (self->content);

  self->option_buttons = g_ptr_array_new ();
  self->language = g_strdup ("en");

  buffer = gtk_text_view_get_buffer (self->text_view);
  /* Undo would keep earlier text (and a previous respondent's) in a history. */
  gtk_text_buffer_set_enable_undo (buffer, FALSE);
  g_signal_connect (buffer, "insert-text", G_CALLBACK (buffer_insert_text), self);
  g_signal_connect (buffer, "changed", G_CALLBACK (buffer_changed), self);
  sayso_keyboard_set_target (self->keyboard, self->text_view);

  hear_setup (self, self->hear_question, "text", 0);
  hear_setup (self, self->hear_help, "help", 0);
  hear_setup (self, self->hear_no_names, "help", 0);
}

GtkWidget *
sayso_question_view_new (void)
{
  return g_object_new (SAYSO_TYPE_QUESTION_VIEW, NULL);
}

/* The question's and its help's speaker controls, named in the language on
 * show; a text question's help stands by the answer box instead. */
static void
show_hear_controls (SaysoQuestionView *self,
                    const char        *help,
                    const char        *help2)
{
  gboolean text_kind = sayso_question_get_kind (self->question) == SAYSO_QUESTION_TEXT;
  const char *no_names = help ? help : sayso_string (SAYSO_STR_TEXT_NO_NAMES, self->language);
  const char *no_names2 = help ? help2 : self->second_language ? sayso_string (SAYSO_STR_TEXT_NO_NAMES, self->second_language) : NULL;

  hear_set_name (self->hear_question, self->language, sayso_question_get_text (self->question, self->language),
                 self->second_language ? sayso_question_get_text (self->question, self->second_language) : NULL);
  gtk_widget_set_visible (self->hear_help, help != NULL && !text_kind);
  if (help != NULL)
    hear_set_name (self->hear_help, self->language, help, help2);
  hear_set_name (self->hear_no_names, self->language, no_names, no_names2);
}

/**
 * sayso_question_view_show:
 * @second_language: (nullable): shown beside @language on a bilingual kiosk
 */
void
sayso_question_view_show (SaysoQuestionView *self,
                          SaysoResponse     *response,
                          SaysoQuestion     *question,
                          const char        *language,
                          const char        *second_language)
{
  SaysoQuestionnaire *questionnaire;
  const char *section_id;
  const char *help;
  const char *help2;

  g_return_if_fail (SAYSO_IS_QUESTION_VIEW (self));
  g_return_if_fail (SAYSO_IS_RESPONSE (response));
  g_return_if_fail (SAYSO_IS_QUESTION (question));
  g_return_if_fail (language != NULL);

  sayso_question_view_clear (self);

  g_set_object (&self->response, response);
  g_set_object (&self->question, question);
  g_free (self->language);
  self->language = g_strdup (language);
  g_free (self->second_language);
  self->second_language = g_strdup (second_language);

  questionnaire = sayso_response_get_questionnaire (response);
  section_id = sayso_question_get_section (question);
  sayso_text_pair_set (self->section,
                       sayso_questionnaire_get_section_title (questionnaire, section_id, language),
                       second_language ? sayso_questionnaire_get_section_title (questionnaire, section_id, second_language) : NULL);
  sayso_text_pair_set (self->question_text,
                       sayso_question_get_text (question, language),
                       second_language ? sayso_question_get_text (question, second_language) : NULL);
  help = sayso_question_get_help (question, language);
  help2 = second_language ? sayso_question_get_help (question, second_language) : NULL;
  sayso_text_pair_set (self->help, help, help2);
  show_hear_controls (self, help, help2);

  if (sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT)
    {
      const char *text = sayso_response_get_text (response, sayso_question_get_id (question));
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);

      self->syncing = TRUE;
      gtk_text_buffer_set_text (buffer, text ? text : "", -1);
      self->syncing = FALSE;

      /* The line by the box asks for no names or case numbers. A text
       * question's own help says so too, so it moves down there rather than
       * say it twice (and so the keyboard still fits when bilingual). */
      if (help != NULL)
        {
          sayso_text_pair_set (self->no_names, help, help2);
          sayso_text_pair_set (self->help, NULL, NULL);
        }
      else
        sayso_text_pair_set (self->no_names,
                             sayso_string (SAYSO_STR_TEXT_NO_NAMES, language),
                             second_language ? sayso_string (SAYSO_STR_TEXT_NO_NAMES, second_language) : NULL);
      sayso_text_pair_set (self->full_message,
                           sayso_string (SAYSO_STR_TEXT_FULL, language),
                           second_language ? sayso_string (SAYSO_STR_TEXT_FULL, second_language) : NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->full_message), FALSE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      sayso_question_get_text (question, language), -1);
      sayso_keyboard_set_language (self->keyboard, language);
      update_counter (self);
      /* Every pixel for the keyboard below. */
      gtk_widget_set_margin_top (GTK_WIDGET (self->content), 0);
      gtk_stack_set_visible_child_name (self->content, "text");
    }
  else
    {
      build_choices (self);
      gtk_stack_set_visible_child_name (self->content, "choices");
    }
}

SaysoQuestion *
sayso_question_view_get_question (SaysoQuestionView *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION_VIEW (self), NULL);
  return self->question;
}

/**
 * sayso_question_view_clear:
 *
 * Forgets the question on show: no answer is left in any of the view's
 * widgets afterwards.
 */
void
sayso_question_view_clear (SaysoQuestionView *self)
{
  g_return_if_fail (SAYSO_IS_QUESTION_VIEW (self));

  self->syncing = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
  self->syncing = FALSE;

  remove_choices (self);
  sayso_question_view_set_hearing (self, NULL);
  sayso_keyboard_reset (self->keyboard);
  gtk_widget_set_visible (GTK_WIDGET (self->full_message), FALSE);
  sayso_text_pair_set (self->section, NULL, NULL);
  sayso_text_pair_set (self->question_text, NULL, NULL);
  sayso_text_pair_set (self->help, NULL, NULL);
  gtk_label_set_text (self->counter, "");
  g_clear_object (&self->question);
  g_clear_object (&self->response);
}

GtkTextView *
sayso_question_view_get_text_view (SaysoQuestionView *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION_VIEW (self), NULL);
  return self->text_view;
}

SaysoKeyboard *
sayso_question_view_get_keyboard (SaysoQuestionView *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION_VIEW (self), NULL);
  return self->keyboard;
}

GtkWidget *
sayso_question_view_find_option (SaysoQuestionView *self,
                                 const char        *option_id)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION_VIEW (self), NULL);

  for (guint i = 0; i < self->option_buttons->len; i++)
    {
      GtkWidget *button = g_ptr_array_index (self->option_buttons, i);
      if (g_strcmp0 (g_object_get_data (G_OBJECT (button), "sayso-option"), option_id) == 0)
        return button;
    }
  return NULL;
}

/**
 * sayso_question_view_set_hearing:
 * @hear: (nullable): the speaker control whose words are being said, or
 *   %NULL once they have been
 *
 * Marks which one thing is being heard, so that the respondent sees which.
 */
void
sayso_question_view_set_hearing (SaysoQuestionView *self,
                                 GtkWidget         *hear)
{
  g_return_if_fail (SAYSO_IS_QUESTION_VIEW (self));
  g_return_if_fail (hear == NULL || GTK_IS_WIDGET (hear));

  if (self->hearing)
    gtk_widget_remove_css_class (self->hearing, "hearing");
  self->hearing = hear;
  if (hear)
    gtk_widget_add_css_class (hear, "hearing");
}

gboolean
sayso_question_view_focus_question (SaysoQuestionView *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION_VIEW (self), FALSE);

  /* The heading, not the speaker control beside it, which Tab reaches next. */
  return gtk_widget_grab_focus (GTK_WIDGET (self->question_text));
}
