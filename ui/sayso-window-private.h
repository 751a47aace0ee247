/* sayso-window-private.h: what the tests and the screenshot tool reach into.
 *
 * The journey (sayso_window_get_journey()) and the window's actions are how
 * tests drive the window; these are the objects a test must replace or
 * listen to, and the kiosk's key filter. */
#pragma once

#include "sayso-speech.h"
#include "sayso-submit-queue.h"
#include "sayso-window.h"

G_BEGIN_DECLS

SaysoSubmitQueue  *_sayso_window_get_queue         (SaysoWindow *self);
SaysoSpeech       *_sayso_window_get_speech        (SaysoWindow *self);
gboolean           _sayso_window_filter_key        (SaysoWindow    *self,
                                                    guint           keyval,
                                                    GdkModifierType state);

G_END_DECLS
