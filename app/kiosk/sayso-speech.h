/* sayso-speech.h: reading the screen aloud: recorded voices first, eSpeak NG
 * for any text without one. */
#pragma once

#include <glib-object.h>

#include "sayso-questionnaire.h"
#include "sayso-strings.h"
#include "sayso-voice.h"

G_BEGIN_DECLS

/* One thing to say: a text, and the recorded clip of it if there is one. */
typedef struct
{
  char  *text;
  GFile *clip;   /* nullable */
} SaysoSpeechPart;

/* The respondent's volume: steps of a fifth, from a fifth to full. */
#define SAYSO_SPEECH_VOLUME_STEP    0.2
#define SAYSO_SPEECH_VOLUME_DEFAULT 0.6

#define SAYSO_TYPE_SPEECH (sayso_speech_get_type ())

G_DECLARE_FINAL_TYPE (SaysoSpeech, sayso_speech, SAYSO, SPEECH, GObject)

SaysoSpeech *sayso_speech_new            (void);
void         sayso_speech_set_voice      (SaysoSpeech *self,
                                          SaysoVoice  *voice);
void         sayso_speech_say            (SaysoSpeech *self,
                                          const char  *language,
                                          const char  *text);
void         sayso_speech_say_parts      (SaysoSpeech *self,
                                          const char  *language,
                                          GPtrArray   *parts);
void         sayso_speech_stop           (SaysoSpeech *self);
const char  *sayso_speech_get_last_text  (SaysoSpeech *self);
gboolean     sayso_speech_get_available  (SaysoSpeech *self);
void         sayso_speech_set_volume     (SaysoSpeech *self,
                                          double       volume);
double       sayso_speech_get_volume     (SaysoSpeech *self);

/* sayso-speech-parts.c: what each control of a question says, and the
 * kiosk's own words. */
GPtrArray   *sayso_speech_parts_new      (void) G_GNUC_WARN_UNUSED_RESULT;
void         sayso_speech_parts_add      (GPtrArray          *parts,
                                          const char         *text,
                                          GFile              *clip);
void         sayso_speech_parts_add_string (GPtrArray          *parts,
                                            SaysoQuestionnaire *questionnaire,
                                            SaysoStringId       id,
                                            const char         *language);
void         sayso_speech_parts_add_question_text (GPtrArray          *parts,
                                                   SaysoQuestionnaire *questionnaire,
                                                   SaysoQuestion      *question,
                                                   const char         *language);
void         sayso_speech_parts_add_help (GPtrArray          *parts,
                                          SaysoQuestionnaire *questionnaire,
                                          SaysoQuestion      *question,
                                          const char         *language);
void         sayso_speech_parts_add_option (GPtrArray          *parts,
                                            SaysoQuestionnaire *questionnaire,
                                            SaysoQuestion      *question,
                                            guint               index,
                                            const char         *language);
void         sayso_speech_parts_add_question (GPtrArray          *parts,
                                              SaysoQuestionnaire *questionnaire,
                                              SaysoQuestion      *question,
                                              const char         *language);
char        *sayso_speech_parts_join     (GPtrArray          *parts) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
