/* sayso-promise-page.c: what the kiosk promises before the first question,
 * one ticked line each. */
#define G_LOG_DOMAIN "sayso-promise-page"

#include "sayso-promise-page.h"
#include "sayso-speech.h"
#include "sayso-text-pair.h"

#define N_PROMISES 6

struct _SaysoPromisePage
{
  GtkBox         parent_instance;

  /* Template widgets */
  SaysoTextPair *title;
  SaysoTextPair *promises[N_PROMISES];
};

G_DEFINE_FINAL_TYPE (SaysoPromisePage, sayso_promise_page, GTK_TYPE_BOX)

static const SaysoStringId promise_ids[N_PROMISES] = {
  SAYSO_STR_PROMISE_INDEPENDENT,
  SAYSO_STR_PROMISE_ANONYMOUS,
  SAYSO_STR_PROMISE_OFFICER,
  SAYSO_STR_PROMISE_NOBODY,
  SAYSO_STR_PROMISE_SKIP,
  SAYSO_STR_PROMISE_TIME,
};

static void
sayso_promise_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SAYSO_TYPE_PROMISE_PAGE);
  G_OBJECT_CLASS (sayso_promise_page_parent_class)->dispose (object);
}

static void
sayso_promise_page_class_init (SaysoPromisePageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char * const names[N_PROMISES] = { "promise_0", "promise_1", "promise_2",
                                                  "promise_3", "promise_4", "promise_5" };

  G_OBJECT_CLASS (klass)->dispose = sayso_promise_page_dispose;

  g_type_ensure (SAYSO_TYPE_TEXT_PAIR);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-promise-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoPromisePage, title);
  for (guint i = 0; i < N_PROMISES; i++)
    gtk_widget_class_bind_template_child_full (widget_class, names[i], FALSE,
                                               G_STRUCT_OFFSET (SaysoPromisePage, promises) + i * sizeof (gpointer));
}

static void
sayso_promise_page_init (SaysoPromisePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < N_PROMISES; i++)
    sayso_text_pair_set_xalign (self->promises[i], 0.0);
}

void
sayso_promise_page_set_language (SaysoPromisePage *self,
                                 const char       *language,
                                 const char       *second_language)
{
  g_return_if_fail (SAYSO_IS_PROMISE_PAGE (self));

  sayso_text_pair_set_string (self->title, SAYSO_STR_PROMISE_TITLE, language, second_language);
  for (guint i = 0; i < N_PROMISES; i++)
    sayso_text_pair_set_string (self->promises[i], promise_ids[i], language, second_language);
}

/**
 * sayso_promise_page_dup_speech:
 *
 * Returns: (transfer full) (element-type SaysoSpeechPart): the title and
 *   each promise, each with its recorded clip if any.
 */
GPtrArray *
sayso_promise_page_dup_speech (SaysoPromisePage   *self,
                               SaysoQuestionnaire *questionnaire,
                               const char         *language)
{
  GPtrArray *parts;

  g_return_val_if_fail (SAYSO_IS_PROMISE_PAGE (self), NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);

  parts = sayso_speech_parts_new ();
  sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_PROMISE_TITLE, language);
  for (guint i = 0; i < N_PROMISES; i++)
    sayso_speech_parts_add_string (parts, questionnaire, promise_ids[i], language);
  return parts;
}
