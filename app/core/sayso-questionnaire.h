/* sayso-questionnaire.h: a survey definition, loaded from JSON and validated whole. */
#pragma once

#include <gio/gio.h>

#include "sayso-kiosk-texts.h"
#include "sayso-question.h"

G_BEGIN_DECLS

#define SAYSO_QUESTIONNAIRE_ERROR (sayso_questionnaire_error_quark ())

typedef enum
{
  SAYSO_QUESTIONNAIRE_ERROR_INVALID,
} SaysoQuestionnaireError;

/* Site names travel inside every record; the record size allows for this many characters. */
#define SAYSO_SITE_MAX_CHARS 100

#define SAYSO_TYPE_QUESTIONNAIRE (sayso_questionnaire_get_type ())

G_DECLARE_FINAL_TYPE (SaysoQuestionnaire, sayso_questionnaire, SAYSO, QUESTIONNAIRE, GObject)

GQuark              sayso_questionnaire_error_quark        (void);

SaysoQuestionnaire *sayso_questionnaire_new_from_bytes     (GBytes             *bytes,
                                                            const char         *origin,
                                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoQuestionnaire *sayso_questionnaire_new_from_file      (const char         *path,
                                                            GError            **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoQuestionnaire *sayso_questionnaire_new_default        (void);

const char         *sayso_questionnaire_get_id             (SaysoQuestionnaire *self);
gint64              sayso_questionnaire_get_version        (SaysoQuestionnaire *self);
const char * const *sayso_questionnaire_get_languages      (SaysoQuestionnaire *self);
gboolean            sayso_questionnaire_has_language       (SaysoQuestionnaire *self,
                                                            const char         *language);
const char         *sayso_questionnaire_get_language_review (SaysoQuestionnaire *self,
                                                             const char         *language);
const char         *sayso_questionnaire_get_title          (SaysoQuestionnaire *self,
                                                            const char         *language);

guint               sayso_questionnaire_get_n_sections     (SaysoQuestionnaire *self);
const char         *sayso_questionnaire_get_section_id     (SaysoQuestionnaire *self,
                                                            guint               index);
const char         *sayso_questionnaire_get_section_title  (SaysoQuestionnaire *self,
                                                            const char         *section_id,
                                                            const char         *language);

guint               sayso_questionnaire_get_n_questions    (SaysoQuestionnaire *self);
SaysoQuestion      *sayso_questionnaire_get_question       (SaysoQuestionnaire *self,
                                                            guint               index);
SaysoQuestion      *sayso_questionnaire_lookup_question    (SaysoQuestionnaire *self,
                                                            const char         *question_id);
int                 sayso_questionnaire_get_question_index (SaysoQuestionnaire *self,
                                                            const char         *question_id);

gsize               sayso_questionnaire_get_record_size    (SaysoQuestionnaire *self);

/* Recorded voices: sayso-questionnaire-audio.c */
GFile              *sayso_questionnaire_get_audio          (SaysoQuestionnaire *self,
                                                            const char         *text_key,
                                                            const char         *language);
GFile              *sayso_questionnaire_get_question_audio (SaysoQuestionnaire *self,
                                                            SaysoQuestion      *question,
                                                            const char         *part,
                                                            int                 option,
                                                            const char         *language);
GFile              *sayso_questionnaire_get_kiosk_audio    (SaysoQuestionnaire *self,
                                                            SaysoKioskText      text,
                                                            const char         *language);
guint               sayso_questionnaire_get_n_audio        (SaysoQuestionnaire *self);
GPtrArray          *sayso_questionnaire_get_audio_problems (SaysoQuestionnaire *self);

G_END_DECLS
