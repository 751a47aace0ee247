/* sayso-question-view.h: one question on the screen. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-response.h"
#include "sayso-keyboard.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_QUESTION_VIEW (sayso_question_view_get_type ())

G_DECLARE_FINAL_TYPE (SaysoQuestionView, sayso_question_view, SAYSO, QUESTION_VIEW, GtkWidget)

GtkWidget     *sayso_question_view_new          (void);
void           sayso_question_view_show         (SaysoQuestionView *self,
                                                 SaysoResponse     *response,
                                                 SaysoQuestion     *question,
                                                 const char        *language,
                                                 const char        *second_language);
SaysoQuestion *sayso_question_view_get_question (SaysoQuestionView *self);
void           sayso_question_view_clear        (SaysoQuestionView *self);
GtkTextView   *sayso_question_view_get_text_view (SaysoQuestionView *self);
SaysoKeyboard *sayso_question_view_get_keyboard (SaysoQuestionView *self);
/* Moves the focus to the question's heading, so a screen reader says it. */
gboolean       sayso_question_view_focus_question (SaysoQuestionView *self);
GtkWidget     *sayso_question_view_find_option  (SaysoQuestionView *self,
                                                 const char        *option_id);
void           sayso_question_view_set_hearing  (SaysoQuestionView *self,
                                                 GtkWidget         *hear);

G_END_DECLS
