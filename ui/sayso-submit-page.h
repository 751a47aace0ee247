/* sayso-submit-page.h: the page that sends the answers. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_SUBMIT_PAGE (sayso_submit_page_get_type ())

G_DECLARE_FINAL_TYPE (SaysoSubmitPage, sayso_submit_page, SAYSO, SUBMIT_PAGE, GtkBox)

void       sayso_submit_page_set_language (SaysoSubmitPage    *self,
                                           const char         *language,
                                           const char         *second_language,
                                           const char         *accessible_language);
GPtrArray *sayso_submit_page_dup_speech   (SaysoSubmitPage    *self,
                                           SaysoQuestionnaire *questionnaire,
                                           const char         *language) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
