/* sayso-journey.h: one respondent's way through the kiosk, with no screen. */
#pragma once

#include <glib-object.h>

#include "sayso-config.h"
#include "sayso-record.h"
#include "sayso-response.h"
#include "sayso-submit-queue.h"

G_BEGIN_DECLS

/* How long the thank-you stays before the welcome comes back. */
#define SAYSO_JOURNEY_THANKS_SECONDS 10

typedef enum
{
  SAYSO_PAGE_WELCOME,
  SAYSO_PAGE_PROMISE,
  SAYSO_PAGE_QUESTION,
  SAYSO_PAGE_SUBMIT,
  SAYSO_PAGE_THANKS,
} SaysoPage;

#define SAYSO_TYPE_PAGE (sayso_page_get_type ())
GType sayso_page_get_type (void) G_GNUC_CONST;

/* The same type as the PIN gate's clock: µs, monotonic. */
typedef gint64 (*SaysoClockFunc) (void);

#define SAYSO_TYPE_JOURNEY (sayso_journey_get_type ())

G_DECLARE_FINAL_TYPE (SaysoJourney, sayso_journey, SAYSO, JOURNEY, GObject)

SaysoJourney           *sayso_journey_new                 (SaysoQuestionnaire     *questionnaire,
                                                           const SaysoKioskConfig *config);
void                    sayso_journey_set_clock           (SaysoJourney           *self,
                                                           SaysoClockFunc          clock);
const SaysoKioskConfig *sayso_journey_get_config          (SaysoJourney           *self);
void                    sayso_journey_set_config          (SaysoJourney           *self,
                                                           const SaysoKioskConfig *config);

SaysoPage               sayso_journey_get_page            (SaysoJourney           *self);
gboolean                sayso_journey_in_survey           (SaysoJourney           *self);
SaysoQuestion          *sayso_journey_get_question        (SaysoJourney           *self);
guint                   sayso_journey_get_position        (SaysoJourney           *self);
guint                   sayso_journey_get_count           (SaysoJourney           *self);
const char             *sayso_journey_get_language        (SaysoJourney           *self);
const char             *sayso_journey_get_first_language  (SaysoJourney           *self);
const char             *sayso_journey_get_second_language (SaysoJourney           *self);
GStrv                   sayso_journey_dup_languages       (SaysoJourney           *self) G_GNUC_WARN_UNUSED_RESULT;
SaysoMode               sayso_journey_get_mode            (SaysoJourney           *self);
void                    sayso_journey_set_mode            (SaysoJourney           *self,
                                                           SaysoMode               mode);
gboolean                sayso_journey_get_still_there     (SaysoJourney           *self);
guint                   sayso_journey_get_seconds_left    (SaysoJourney           *self);
SaysoSubmitOutcome      sayso_journey_get_outcome         (SaysoJourney           *self);
void                    sayso_journey_settle_outcome      (SaysoJourney           *self,
                                                           SaysoSubmitOutcome      outcome);
SaysoResponse          *sayso_journey_get_response        (SaysoJourney           *self);
guint                   sayso_journey_get_submitted_today (SaysoJourney           *self);

gboolean                sayso_journey_choose_language     (SaysoJourney           *self,
                                                           const char             *language);
void                    sayso_journey_next                (SaysoJourney           *self);
void                    sayso_journey_back                (SaysoJourney           *self);
void                    sayso_journey_submit              (SaysoJourney           *self);
void                    sayso_journey_start_again         (SaysoJourney           *self);
void                    sayso_journey_walk_away           (SaysoJourney           *self);
void                    sayso_journey_still_here          (SaysoJourney           *self);

void                    sayso_journey_note_activity       (SaysoJourney           *self);
void                    sayso_journey_tick                (SaysoJourney           *self);
void                    sayso_journey_hold                (SaysoJourney           *self);
void                    sayso_journey_resume              (SaysoJourney           *self);

G_END_DECLS
