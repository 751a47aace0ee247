/* sayso-window-private.h: what the tests and the screenshot tool reach into. */
#pragma once

#include "sayso-question-view.h"
#include "sayso-speech.h"
#include "sayso-staff-view.h"
#include "sayso-submit-queue.h"
#include "sayso-window.h"

G_BEGIN_DECLS

SaysoResponse     *_sayso_window_get_response      (SaysoWindow *self);
SaysoSubmitQueue  *_sayso_window_get_queue         (SaysoWindow *self);
SaysoSpeech       *_sayso_window_get_speech        (SaysoWindow *self);
SaysoQuestionView *_sayso_window_get_question_view (SaysoWindow *self);
SaysoQuestion     *_sayso_window_get_question      (SaysoWindow *self);
gboolean           _sayso_window_get_still_there   (SaysoWindow *self);
gboolean           _sayso_window_get_confirming    (SaysoWindow *self);
void               _sayso_window_pretend_idle      (SaysoWindow *self,
                                                    guint        seconds);
gboolean           _sayso_window_filter_key        (SaysoWindow    *self,
                                                    guint           keyval,
                                                    GdkModifierType state);
void               _sayso_window_press_logo        (SaysoWindow *self,
                                                    gboolean     down);
void               _sayso_window_thanks_timeout    (SaysoWindow *self);
guint              _sayso_window_get_thanks_source (SaysoWindow *self);
SaysoStaffView    *_sayso_window_get_staff_view    (SaysoWindow *self);
SaysoMode          _sayso_window_get_mode          (SaysoWindow *self);

G_END_DECLS
