/* sayso-welcome-page.h: the choice of language, and the look for those who need it. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_WELCOME_PAGE (sayso_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (SaysoWelcomePage, sayso_welcome_page, SAYSO, WELCOME_PAGE, GtkBox)

void       sayso_welcome_page_set_languages      (SaysoWelcomePage   *self,
                                                  const char * const *languages);
void       sayso_welcome_page_order_languages    (SaysoWelcomePage   *self,
                                                  const char * const *languages,
                                                  const char         *first);
GtkWidget *sayso_welcome_page_get_first_language_button (SaysoWelcomePage *self);
void       sayso_welcome_page_set_text_size      (SaysoWelcomePage   *self,
                                                  guint               text_size);
void       sayso_welcome_page_set_language       (SaysoWelcomePage   *self,
                                                  const char         *language,
                                                  const char         *second_language,
                                                  const char         *accessible_language);
GPtrArray *sayso_welcome_page_dup_speech         (SaysoWelcomePage   *self,
                                                  SaysoQuestionnaire *questionnaire,
                                                  const char         *language) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
