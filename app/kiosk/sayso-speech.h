/* sayso-speech.h: reading the screen aloud with eSpeak NG. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SAYSO_TYPE_SPEECH (sayso_speech_get_type ())

G_DECLARE_FINAL_TYPE (SaysoSpeech, sayso_speech, SAYSO, SPEECH, GObject)

SaysoSpeech *sayso_speech_new            (void);
void         sayso_speech_say            (SaysoSpeech *self,
                                          const char  *language,
                                          const char  *text);
void         sayso_speech_stop           (SaysoSpeech *self);
const char  *sayso_speech_get_last_text  (SaysoSpeech *self);
gboolean     sayso_speech_get_available  (SaysoSpeech *self);

G_END_DECLS
