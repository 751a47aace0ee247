/* sayso-welcome-page.c: the choice of language, and, quiet and at the
 * bottom, the text size, high contrast and reading aloud for whoever needs
 * them. Each language's button is written in that language. */
#define G_LOG_DOMAIN "sayso-welcome-page"

#include "sayso-speech.h"
#include "sayso-text-pair.h"
#include "sayso-welcome-page.h"

struct _SaysoWelcomePage
{
  GtkBox         parent_instance;

  /* Template widgets */
  SaysoTextPair *title;
  SaysoTextPair *private_text;
  SaysoTextPair *invite;
  GtkFlowBox    *languages_box;
  SaysoTextPair *text_size_label;
  GtkWidget     *text_size_buttons[3];
  GtkWidget     *high_contrast_button;
  SaysoTextPair *high_contrast_label;
  GtkWidget     *read_aloud_button;
  SaysoTextPair *read_aloud_label;
};

G_DEFINE_FINAL_TYPE (SaysoWelcomePage, sayso_welcome_page, GTK_TYPE_BOX)

static void
sayso_welcome_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SAYSO_TYPE_WELCOME_PAGE);
  G_OBJECT_CLASS (sayso_welcome_page_parent_class)->dispose (object);
}

static void
sayso_welcome_page_class_init (SaysoWelcomePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const sizes[] = { "text_size_0", "text_size_1", "text_size_2" };

  G_OBJECT_CLASS (klass)->dispose = sayso_welcome_page_dispose;

  g_type_ensure (SAYSO_TYPE_TEXT_PAIR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-welcome-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, title);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, private_text);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, invite);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, languages_box);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, text_size_label);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    gtk_widget_class_bind_template_child_full (widget_class, sizes[i], FALSE,
                                               G_STRUCT_OFFSET (SaysoWelcomePage, text_size_buttons) +
                                               i * sizeof (gpointer));
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, high_contrast_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, high_contrast_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, read_aloud_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWelcomePage, read_aloud_label);
}

static void
sayso_welcome_page_init (SaysoWelcomePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* One button per language, in @languages' order, each choosing it
 * (win.choose-language). */
void
sayso_welcome_page_set_languages (SaysoWelcomePage   *self,
                                  const char * const *languages)
{
  GtkWidget *child;

  g_return_if_fail (SAYSO_IS_WELCOME_PAGE (self));
  g_return_if_fail (languages != NULL);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->languages_box))))
    gtk_flow_box_remove (self->languages_box, child);
  /* A flow box asks for the width of a full line: as many as there are,
   * up to four, so that two languages stand centred as they always did. */
  gtk_flow_box_set_max_children_per_line (self->languages_box, CLAMP (g_strv_length ((char **) languages), 1, 4));

  for (guint i = 0; languages[i]; i++)
    {
      const char *lang = languages[i];
      g_autofree char *name = g_strconcat ("language:", lang, NULL);
      GtkWidget *button = gtk_button_new ();
      GtkWidget *label = gtk_label_new (sayso_string (SAYSO_STR_LANGUAGE_NAME, lang));

      /* A long name wraps inside its button rather than widen the row. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_set_name (button, name);
      gtk_widget_add_css_class (button, "language-button");
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.choose-language");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", lang);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      sayso_string (SAYSO_STR_LANGUAGE_NAME, lang), -1);
      gtk_flow_box_append (self->languages_box, button);
      /* The button takes the touch and the focus, not the flow box's cell. */
      gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
    }
}

static GtkWidget *
language_button (SaysoWelcomePage *self,
                 const char       *language)
{
  g_autofree char *name = g_strconcat ("language:", language, NULL);

  for (GtkWidget *cell = gtk_widget_get_first_child (GTK_WIDGET (self->languages_box)); cell;
       cell = gtk_widget_get_next_sibling (cell))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (cell));

      if (button && g_str_equal (gtk_widget_get_name (button), name))
        return button;
    }
  return NULL;
}

/* @first (the kiosk's own language, Welsh when bilingual) first, then
 * @languages' order. */
void
sayso_welcome_page_order_languages (SaysoWelcomePage   *self,
                                    const char * const *languages,
                                    const char         *first)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *button;

  g_return_if_fail (SAYSO_IS_WELCOME_PAGE (self));

  if (first && (button = language_button (self, first)))
    g_ptr_array_add (order, g_object_ref (button));
  for (guint i = 0; languages[i]; i++)
    if (g_strcmp0 (languages[i], first) != 0 && (button = language_button (self, languages[i])))
      g_ptr_array_add (order, g_object_ref (button));
  /* A flow box keeps its children in the order they came. */
  for (guint i = 0; i < order->len; i++)
    gtk_flow_box_remove (self->languages_box, gtk_widget_get_parent (order->pdata[i]));
  for (guint i = 0; i < order->len; i++)
    {
      gtk_flow_box_append (self->languages_box, order->pdata[i]);
      gtk_widget_set_focusable (gtk_widget_get_parent (order->pdata[i]), FALSE);
    }
}

/* Where the focus goes when the welcome comes back. */
GtkWidget *
sayso_welcome_page_get_first_language_button (SaysoWelcomePage *self)
{
  GtkWidget *cell;

  g_return_val_if_fail (SAYSO_IS_WELCOME_PAGE (self), NULL);
  cell = gtk_widget_get_first_child (GTK_WIDGET (self->languages_box));
  return cell ? gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (cell)) : NULL;
}

/* Marks the button of the size the screen has. */
void
sayso_welcome_page_set_text_size (SaysoWelcomePage *self,
                                  guint             text_size)
{
  g_return_if_fail (SAYSO_IS_WELCOME_PAGE (self));

  for (guint i = 0; i < G_N_ELEMENTS (self->text_size_buttons); i++)
    {
      if (i == text_size)
        gtk_widget_add_css_class (self->text_size_buttons[i], "selected");
      else
        gtk_widget_remove_css_class (self->text_size_buttons[i], "selected");
    }
}

static void
set_accessible_label (GtkWidget     *widget,
                      SaysoStringId  id,
                      const char    *language)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sayso_string (id, language), -1);
}

/**
 * sayso_welcome_page_set_language:
 * @accessible_language: what the buttons are called in for assistive
 *   technology: the respondent's language
 */
void
sayso_welcome_page_set_language (SaysoWelcomePage *self,
                                 const char       *language,
                                 const char       *second_language,
                                 const char       *accessible_language)
{
  static const SaysoStringId sizes[] = {
    SAYSO_STR_TEXT_SIZE_NORMAL, SAYSO_STR_TEXT_SIZE_LARGE, SAYSO_STR_TEXT_SIZE_LARGEST,
  };

  g_return_if_fail (SAYSO_IS_WELCOME_PAGE (self));

  sayso_text_pair_set_string (self->title, SAYSO_STR_WELCOME_TITLE, language, second_language);
  sayso_text_pair_set_string (self->private_text, SAYSO_STR_WELCOME_PRIVATE, language, second_language);
  sayso_text_pair_set_string (self->invite, SAYSO_STR_WELCOME_INVITE, language, second_language);
  sayso_text_pair_set_string (self->text_size_label, SAYSO_STR_TEXT_SIZE, language, second_language);
  sayso_text_pair_set_string (self->high_contrast_label, SAYSO_STR_HIGH_CONTRAST, language, second_language);
  sayso_text_pair_set_string (self->read_aloud_label, SAYSO_STR_READ_ALOUD_ALWAYS, language, second_language);
  set_accessible_label (self->high_contrast_button, SAYSO_STR_HIGH_CONTRAST, accessible_language);
  set_accessible_label (self->read_aloud_button, SAYSO_STR_READ_ALOUD_ALWAYS, accessible_language);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    set_accessible_label (self->text_size_buttons[i], sizes[i], accessible_language);
}

/**
 * sayso_welcome_page_dup_speech:
 *
 * Returns: (transfer full) (element-type SaysoSpeechPart): what "Read
 *   aloud" says of the page, each text with its recorded clip if any.
 */
GPtrArray *
sayso_welcome_page_dup_speech (SaysoWelcomePage   *self,
                               SaysoQuestionnaire *questionnaire,
                               const char         *language)
{
  GPtrArray *parts;

  g_return_val_if_fail (SAYSO_IS_WELCOME_PAGE (self), NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);

  parts = sayso_speech_parts_new ();
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_WELCOME_TITLE, language);
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_WELCOME_PRIVATE, language);
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_WELCOME_INVITE, language);
  return parts;
}
