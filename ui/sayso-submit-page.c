/* sayso-submit-page.c: the page that sends the answers (win.submit). */
#define G_LOG_DOMAIN "sayso-submit-page"

#include "sayso-speech.h"
#include "sayso-submit-page.h"
#include "sayso-text-pair.h"

struct _SaysoSubmitPage
{
  GtkBox         parent_instance;

  /* Template widgets */
  SaysoTextPair *title;
  SaysoTextPair *body;
  GtkWidget     *send_button;
  SaysoTextPair *send_label;
};

G_DEFINE_FINAL_TYPE (SaysoSubmitPage, sayso_submit_page, GTK_TYPE_BOX)

static void
sayso_submit_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SAYSO_TYPE_SUBMIT_PAGE);
  G_OBJECT_CLASS (sayso_submit_page_parent_class)->dispose (object);
}

static void
sayso_submit_page_class_init (SaysoSubmitPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = sayso_submit_page_dispose;

  g_type_ensure (SAYSO_TYPE_TEXT_PAIR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-submit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoSubmitPage, title);
  gtk_widget_class_bind_template_child (widget_class, SaysoSubmitPage, body);
  gtk_widget_class_bind_template_child (widget_class, SaysoSubmitPage, send_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoSubmitPage, send_label);
}

static void
sayso_submit_page_init (SaysoSubmitPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * sayso_submit_page_set_language:
 * @accessible_language: what the send button is called in for assistive
 *   technology: the respondent's language
 */
void
sayso_submit_page_set_language (SaysoSubmitPage *self,
                                const char      *language,
                                const char      *second_language,
                                const char      *accessible_language)
{
  g_return_if_fail (SAYSO_IS_SUBMIT_PAGE (self));

  sayso_text_pair_set_string (self->title, SAYSO_STR_SUBMIT_TITLE, language, second_language);
  sayso_text_pair_set_string (self->body, SAYSO_STR_SUBMIT_BODY, language, second_language);
  sayso_text_pair_set_string (self->send_label, SAYSO_STR_SUBMIT_SEND, language, second_language);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->send_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sayso_string (SAYSO_STR_SUBMIT_SEND, accessible_language), -1);
}

/**
 * sayso_submit_page_dup_speech:
 *
 * Returns: (transfer full) (element-type SaysoSpeechPart): the title and
 *   the body, each with its recorded clip if any.
 */
GPtrArray *
sayso_submit_page_dup_speech (SaysoSubmitPage    *self,
                              SaysoQuestionnaire *questionnaire,
                              const char         *language)
{
  GPtrArray *parts;

  g_return_val_if_fail (SAYSO_IS_SUBMIT_PAGE (self), NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);

  parts = sayso_speech_parts_new ();
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_SUBMIT_TITLE, language);
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_SUBMIT_BODY, language);
  return parts;
}
