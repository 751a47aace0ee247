/* sayso-thanks-page.h: the thank-you, saying what became of the answers. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-questionnaire.h"
#include "sayso-submit-queue.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_THANKS_PAGE (sayso_thanks_page_get_type ())

G_DECLARE_FINAL_TYPE (SaysoThanksPage, sayso_thanks_page, SAYSO, THANKS_PAGE, GtkBox)

void       sayso_thanks_page_set_language (SaysoThanksPage    *self,
                                           const char         *language,
                                           const char         *second_language);
void       sayso_thanks_page_set_outcome  (SaysoThanksPage    *self,
                                           SaysoSubmitOutcome  outcome);
GPtrArray *sayso_thanks_page_dup_speech   (SaysoThanksPage    *self,
                                           SaysoQuestionnaire *questionnaire,
                                           const char         *language) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
