/* sayso-promise-page.h: what the kiosk promises before the first question. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_PROMISE_PAGE (sayso_promise_page_get_type ())

G_DECLARE_FINAL_TYPE (SaysoPromisePage, sayso_promise_page, SAYSO, PROMISE_PAGE, GtkBox)

void       sayso_promise_page_set_language (SaysoPromisePage   *self,
                                            const char         *language,
                                            const char         *second_language);
GPtrArray *sayso_promise_page_dup_speech   (SaysoPromisePage   *self,
                                            SaysoQuestionnaire *questionnaire,
                                            const char         *language) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
