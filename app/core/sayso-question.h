/* sayso-question.h: one question of a questionnaire, read-only. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  SAYSO_QUESTION_LIKERT,
  SAYSO_QUESTION_SINGLE,
  SAYSO_QUESTION_MULTIPLE,
  SAYSO_QUESTION_TEXT,
} SaysoQuestionKind;

#define SAYSO_TYPE_QUESTION (sayso_question_get_type ())

G_DECLARE_FINAL_TYPE (SaysoQuestion, sayso_question, SAYSO, QUESTION, GObject)

const char        *sayso_question_kind_to_string       (SaysoQuestionKind kind);

const char        *sayso_question_get_id               (SaysoQuestion *self);
const char        *sayso_question_get_section          (SaysoQuestion *self);
SaysoQuestionKind  sayso_question_get_kind             (SaysoQuestion *self);
const char        *sayso_question_get_text             (SaysoQuestion *self,
                                                        const char    *language);
const char        *sayso_question_get_help             (SaysoQuestion *self,
                                                        const char    *language);
guint              sayso_question_get_max_length       (SaysoQuestion *self);

guint              sayso_question_get_n_options        (SaysoQuestion *self);
const char        *sayso_question_get_option_id        (SaysoQuestion *self,
                                                        guint          index);
const char        *sayso_question_get_option_label     (SaysoQuestion *self,
                                                        guint          index,
                                                        const char    *language);
gboolean           sayso_question_get_option_exclusive (SaysoQuestion *self,
                                                        guint          index);
const char        *sayso_question_get_option_picture   (SaysoQuestion *self,
                                                        guint          index,
                                                        gboolean       high_contrast);
int                sayso_question_find_option          (SaysoQuestion *self,
                                                        const char    *option_id);

const char        *sayso_question_get_condition_question (SaysoQuestion *self);
const char * const *sayso_question_get_condition_values  (SaysoQuestion *self);

G_END_DECLS
