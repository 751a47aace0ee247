/* sayso-speech.c: reading the screen aloud.
 *
 * eSpeak NG plays through the sound card in its own thread. A kiosk without
 * sound (or a test under Xvfb) must still work: every failure here is a
 * g_debug() and the "spoken" signal fires whatever happens, which is also how
 * the tests hear what would have been said. SAYSO_SPEECH=none skips the
 * engine altogether.
 *
 * Only the screen's own words are spoken, never what someone has typed.
 */
#define G_LOG_DOMAIN "sayso-speech"

#include <string.h>

#ifdef HAVE_ESPEAK_NG
# include <espeak-ng/speak_lib.h>
#endif

#include "sayso-speech.h"

struct _SaysoSpeech
{
  GObject   parent_instance;

  char     *last_text;
  char     *voice;
  guint     available : 1;
};

G_DEFINE_FINAL_TYPE (SaysoSpeech, sayso_speech, G_TYPE_OBJECT)

enum { SPOKEN, N_SIGNALS };
static guint signals[N_SIGNALS];

/* eSpeak NG is one engine per process. */
static gboolean engine_started;
static gboolean engine_ok;

static gboolean
start_engine (void)
{
#ifdef HAVE_ESPEAK_NG
  int rate;

  if (engine_started)
    return engine_ok;
  engine_started = TRUE;

  if (g_strcmp0 (g_getenv ("SAYSO_SPEECH"), "none") == 0)
    {
      g_debug ("Speech is turned off by SAYSO_SPEECH=none");
      return FALSE;
    }

  rate = espeak_Initialize (AUDIO_OUTPUT_PLAYBACK, 0, NULL, 0);
  if (rate < 0)
    {
      g_debug ("eSpeak NG could not start (%d); reading aloud is off", rate);
      return FALSE;
    }
  engine_ok = TRUE;
  return TRUE;
#else
  g_debug ("Built without eSpeak NG; reading aloud is off");
  return FALSE;
#endif
}

static void
sayso_speech_finalize (GObject *object)
{
  SaysoSpeech *self = SAYSO_SPEECH (object);

  g_clear_pointer (&self->last_text, g_free);
  g_clear_pointer (&self->voice, g_free);

  G_OBJECT_CLASS (sayso_speech_parent_class)->finalize (object);
}

static void
sayso_speech_class_init (SaysoSpeechClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sayso_speech_finalize;

  /**
   * SaysoSpeech::spoken:
   * @language: the language of @text
   * @text: what was (or, without sound, would have been) said
   */
  signals[SPOKEN] =
    g_signal_new ("spoken",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
sayso_speech_init (SaysoSpeech *self)
{
}

SaysoSpeech *
sayso_speech_new (void)
{
  return g_object_new (SAYSO_TYPE_SPEECH, NULL);
}

void
sayso_speech_say (SaysoSpeech *self,
                  const char  *language,
                  const char  *text)
{
  g_return_if_fail (SAYSO_IS_SPEECH (self));
  g_return_if_fail (text != NULL);

  if (language == NULL)
    language = "en";

  g_free (self->last_text);
  self->last_text = g_strdup (text);

  self->available = start_engine ();

#ifdef HAVE_ESPEAK_NG
  if (self->available)
    {
      espeak_ERROR err;

      espeak_Cancel ();
      if (g_strcmp0 (self->voice, language) != 0)
        {
          if ((err = espeak_SetVoiceByName (language)) != EE_OK)
            g_debug ("eSpeak NG has no voice \"%s\" (%d)", language, err);
          else
            {
              g_free (self->voice);
              self->voice = g_strdup (language);
            }
        }
      err = espeak_Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
      if (err != EE_OK)
        g_debug ("eSpeak NG could not speak (%d)", err);
    }
#endif

  g_signal_emit (self, signals[SPOKEN], 0, language, text);
}

void
sayso_speech_stop (SaysoSpeech *self)
{
  g_return_if_fail (SAYSO_IS_SPEECH (self));

#ifdef HAVE_ESPEAK_NG
  if (engine_ok)
    espeak_Cancel ();
#endif
  g_clear_pointer (&self->last_text, g_free);
}

const char *
sayso_speech_get_last_text (SaysoSpeech *self)
{
  g_return_val_if_fail (SAYSO_IS_SPEECH (self), NULL);
  return self->last_text;
}

gboolean
sayso_speech_get_available (SaysoSpeech *self)
{
  g_return_val_if_fail (SAYSO_IS_SPEECH (self), FALSE);
  return self->available;
}
