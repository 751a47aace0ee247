/* sayso-thanks-page.c: the thank-you, saying what became of the answers.
 *
 * "Locked" only once the store has the answers; never the normal thank-you
 * for answers that are gone.
 */
#define G_LOG_DOMAIN "sayso-thanks-page"

#include "sayso-speech.h"
#include "sayso-text-pair.h"
#include "sayso-thanks-page.h"

struct _SaysoThanksPage
{
  GtkBox              parent_instance;

  /* Template widgets */
  GtkImage           *icon;
  SaysoTextPair      *title;
  SaysoTextPair      *body;
  SaysoTextPair      *back_soon;

  SaysoSubmitOutcome  outcome;
  char               *language;
  char               *second_language;
};

G_DEFINE_FINAL_TYPE (SaysoThanksPage, sayso_thanks_page, GTK_TYPE_BOX)

static SaysoStringId
title_id (SaysoThanksPage *self)
{
  switch (self->outcome)
    {
    case SAYSO_SUBMIT_WAITING:
      return SAYSO_STR_PENDING_TITLE;
    case SAYSO_SUBMIT_REFUSED:
      return SAYSO_STR_REFUSED_TITLE;
    case SAYSO_SUBMIT_STORED:
    default:
      return SAYSO_STR_THANKS_TITLE;
    }
}

static SaysoStringId
body_id (SaysoThanksPage *self)
{
  switch (self->outcome)
    {
    case SAYSO_SUBMIT_WAITING:
      return SAYSO_STR_PENDING_BODY;
    case SAYSO_SUBMIT_REFUSED:
      return SAYSO_STR_REFUSED_BODY;
    case SAYSO_SUBMIT_STORED:
    default:
      return SAYSO_STR_THANKS_BODY;
    }
}

/* A tick says done: only for answers the store has; a warning for answers
 * that are gone. */
static void
update (SaysoThanksPage *self,
        gboolean         all)
{
  sayso_text_pair_set_string (self->title, title_id (self), self->language, self->second_language);
  sayso_text_pair_set_string (self->body, body_id (self), self->language, self->second_language);
  if (all)
    sayso_text_pair_set_string (self->back_soon, SAYSO_STR_THANKS_RETURN, self->language, self->second_language);
  gtk_image_set_from_icon_name (self->icon, self->outcome == SAYSO_SUBMIT_REFUSED
                                            ? "dialog-warning-symbolic" : "object-select-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->icon), self->outcome != SAYSO_SUBMIT_WAITING);
}

static void
sayso_thanks_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SAYSO_TYPE_THANKS_PAGE);
  G_OBJECT_CLASS (sayso_thanks_page_parent_class)->dispose (object);
}

static void
sayso_thanks_page_finalize (GObject *object)
{
  SaysoThanksPage *self = SAYSO_THANKS_PAGE (object);

  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->second_language, g_free);
  G_OBJECT_CLASS (sayso_thanks_page_parent_class)->finalize (object);
}

static void
sayso_thanks_page_class_init (SaysoThanksPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_thanks_page_dispose;
  object_class->finalize = sayso_thanks_page_finalize;

  g_type_ensure (SAYSO_TYPE_TEXT_PAIR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-thanks-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoThanksPage, icon);
  gtk_widget_class_bind_template_child (widget_class, SaysoThanksPage, title);
  gtk_widget_class_bind_template_child (widget_class, SaysoThanksPage, body);
  gtk_widget_class_bind_template_child (widget_class, SaysoThanksPage, back_soon);
}

static void
sayso_thanks_page_init (SaysoThanksPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->outcome = SAYSO_SUBMIT_STORED;
  self->language = g_strdup ("en");
}

void
sayso_thanks_page_set_language (SaysoThanksPage *self,
                                const char      *language,
                                const char      *second_language)
{
  g_return_if_fail (SAYSO_IS_THANKS_PAGE (self));
  g_return_if_fail (language != NULL);

  g_free (self->language);
  self->language = g_strdup (language);
  g_free (self->second_language);
  self->second_language = g_strdup (second_language);
  update (self, TRUE);
}

/* What the store made of the answers; the page says so at once, in the
 * languages it was last given. */
void
sayso_thanks_page_set_outcome (SaysoThanksPage    *self,
                               SaysoSubmitOutcome  outcome)
{
  g_return_if_fail (SAYSO_IS_THANKS_PAGE (self));

  self->outcome = outcome;
  update (self, FALSE);
}

/**
 * sayso_thanks_page_dup_speech:
 *
 * Returns: (transfer full) (element-type SaysoSpeechPart): what the page
 *   says of the answers' outcome, each text with its recorded clip if any.
 */
GPtrArray *
sayso_thanks_page_dup_speech (SaysoThanksPage    *self,
                              SaysoQuestionnaire *questionnaire,
                              const char         *language)
{
  GPtrArray *parts;

  g_return_val_if_fail (SAYSO_IS_THANKS_PAGE (self), NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);

  parts = sayso_speech_parts_new ();
  sayso_speech_parts_add_string (parts, questionnaire, title_id (self), language);
  sayso_speech_parts_add_string (parts, questionnaire, body_id (self), language);
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_THANKS_RETURN, language);
  return parts;
}
