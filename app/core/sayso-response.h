/* sayso-response.h: one respondent's answers while they are being given.
 *
 * This is the answer session the kiosk edits and the command line fills from
 * JSON. It lives only in memory and wipes its strings when cleared.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_RESPONSE_ERROR (sayso_response_error_quark ())

typedef enum
{
  SAYSO_RESPONSE_ERROR_INVALID,
} SaysoResponseError;

#define SAYSO_TYPE_RESPONSE (sayso_response_get_type ())

G_DECLARE_FINAL_TYPE (SaysoResponse, sayso_response, SAYSO, RESPONSE, GObject)

GQuark              sayso_response_error_quark    (void);

SaysoResponse      *sayso_response_new            (SaysoQuestionnaire *questionnaire,
                                                   const char         *language);
SaysoResponse      *sayso_response_new_from_json  (SaysoQuestionnaire *questionnaire,
                                                   JsonNode           *node,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;

SaysoResponse      *sayso_response_new_from_text  (SaysoQuestionnaire *questionnaire,
                                                   const char         *text,
                                                   gsize               len,
                                                   const char         *origin,
                                                   guint               line,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;

SaysoResponse      *sayso_response_new_from_answers (SaysoQuestionnaire *questionnaire,
                                                     const char         *language,
                                                     JsonObject         *answers,
                                                     GError            **error) G_GNUC_WARN_UNUSED_RESULT;

SaysoQuestionnaire *sayso_response_get_questionnaire (SaysoResponse   *self);
const char         *sayso_response_get_language   (SaysoResponse      *self);
void                sayso_response_set_language   (SaysoResponse      *self,
                                                   const char         *language);

gboolean            sayso_response_set_choice     (SaysoResponse      *self,
                                                   const char         *question_id,
                                                   const char         *option_id,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            sayso_response_set_choices    (SaysoResponse      *self,
                                                   const char         *question_id,
                                                   const char * const *option_ids,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            sayso_response_toggle_choice  (SaysoResponse      *self,
                                                   const char         *question_id,
                                                   const char         *option_id,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            sayso_response_set_text       (SaysoResponse      *self,
                                                   const char         *question_id,
                                                   const char         *text,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
void                sayso_response_clear_answer   (SaysoResponse      *self,
                                                   const char         *question_id);
void                sayso_response_clear          (SaysoResponse      *self);

gboolean            sayso_response_has_answer     (SaysoResponse      *self,
                                                   const char         *question_id);
const char         *sayso_response_get_choice     (SaysoResponse      *self,
                                                   const char         *question_id);
const char * const *sayso_response_get_choices    (SaysoResponse      *self,
                                                   const char         *question_id);
const char         *sayso_response_get_text       (SaysoResponse      *self,
                                                   const char         *question_id);
gboolean            sayso_response_is_chosen      (SaysoResponse      *self,
                                                   const char         *question_id,
                                                   const char         *option_id);
guint               sayso_response_get_n_answers  (SaysoResponse      *self);

gboolean            sayso_response_is_shown       (SaysoResponse      *self,
                                                   const char         *question_id);

gboolean            sayso_response_validate       (SaysoResponse      *self,
                                                   GError            **error) G_GNUC_WARN_UNUSED_RESULT;
JsonNode           *sayso_response_answers_to_json (SaysoResponse     *self);

/* The random id its record will be stored under. It stays the same however
 * often submitting is retried, so that a retry after an unclear failure can
 * never store the response twice; clearing the response draws a new one. */
const guint8       *sayso_response_get_record_id  (SaysoResponse      *self);

G_END_DECLS
