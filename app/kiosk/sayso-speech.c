/* sayso-speech.c: reading the screen aloud.
 *
 * What is said is a list of parts, each a text and perhaps a recorded clip
 * of it (the questionnaire's "audio"). A part with a clip is played by the
 * SaysoVoice the kiosk gives (GTK's media stream); every other part, and a
 * clip that fails while playing, is said by eSpeak NG, one after another in
 * order.
 *
 * eSpeak NG plays through the sound card in its own thread. A kiosk without
 * sound (or a test under Xvfb) must still work: every failure here is a
 * g_debug() and the "spoken" signal fires whatever happens, which is also how
 * the tests hear what would have been said ("played" for a clip).
 * SAYSO_SPEECH=none skips the engine altogether. The engine's library is
 * opened at the first words said (sayso-lazy-lib.c), not as the kiosk
 * starts; a machine without it reads nothing aloud, as one without sound.
 *
 * Only the screen's own words are spoken, never what someone has typed: the
 * parts are built from the questionnaire and the kiosk's strings alone
 * (sayso-speech-parts.c).
 */
#define G_LOG_DOMAIN "sayso-speech"

#include <string.h>

#include "sayso-lazy-lib.h"
#include "sayso-speech.h"

/* How often to look whether eSpeak NG has finished, before the next clip. */
#define POLL_MS 50

struct _SaysoSpeech
{
  GObject     parent_instance;

  char       *last_text;
  char       *espeak_voice;
  SaysoVoice *voice;
  double      volume;

  /* What is being said */
  GPtrArray  *queue;        /* of SaysoSpeechPart */
  guint       next;
  char       *language;
  SaysoSpeechPart *playing; /* the part the voice plays, borrowed from the queue */
  guint       poll_source;

  guint       available : 1;
};

G_DEFINE_FINAL_TYPE (SaysoSpeech, sayso_speech, G_TYPE_OBJECT)

enum { SPOKEN, PLAYED, FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* eSpeak NG is one engine per process: NULL until it has started, and
 * for good if it cannot. */
#ifdef HAVE_ESPEAK_NG
static gboolean engine_started;
static const SaysoEspeak *engine;
#endif

static void advance (SaysoSpeech *self);

static gboolean
start_engine (void)
{
#ifdef HAVE_ESPEAK_NG
  g_autoptr(GError) error = NULL;
  const SaysoEspeak *espeak;
  int rate;

  if (engine_started)
    return engine != NULL;
  engine_started = TRUE;

  if (g_strcmp0 (g_getenv ("SAYSO_SPEECH"), "none") == 0)
    {
      g_debug ("Speech is turned off by SAYSO_SPEECH=none");
      return FALSE;
    }

  /* Said once for the process (engine_started), never per response. */
  if (!(espeak = sayso_lazy_espeak (&error)))
    {
      g_debug ("%s; reading aloud is off", error->message);
      return FALSE;
    }
  rate = espeak->Initialize (AUDIO_OUTPUT_PLAYBACK, 0, NULL, 0);
  if (rate < 0)
    {
      g_debug ("eSpeak NG could not start (%d); reading aloud is off", rate);
      return FALSE;
    }
  engine = espeak;
  return TRUE;
#else
  g_debug ("Built without eSpeak NG; reading aloud is off");
  return FALSE;
#endif
}

static void
part_free (SaysoSpeechPart *part)
{
  g_free (part->text);
  g_clear_object (&part->clip);
  g_free (part);
}

/* Says @text with eSpeak NG now, cutting off whatever it was saying. */
static void
espeak_say (SaysoSpeech *self,
            const char  *language,
            const char  *text)
{
  self->available = start_engine ();

#ifdef HAVE_ESPEAK_NG
  if (self->available)
    {
      espeak_ERROR err;

      engine->Cancel ();
      engine->SetParameter (espeakVOLUME, (int) (self->volume * 100 / SAYSO_SPEECH_VOLUME_DEFAULT), 0);
      if (g_strcmp0 (self->espeak_voice, language) != 0)
        {
          if ((err = engine->SetVoiceByName (language)) != EE_OK)
            g_debug ("eSpeak NG has no voice \"%s\" (%d)", language, err);
          else
            {
              g_free (self->espeak_voice);
              self->espeak_voice = g_strdup (language);
            }
        }
      err = engine->Synth (text, strlen (text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
      if (err != EE_OK)
        g_debug ("eSpeak NG could not speak (%d)", err);
    }
#endif

  g_signal_emit (self, signals[SPOKEN], 0, language, text);
}

static gboolean
espeak_busy (void)
{
#ifdef HAVE_ESPEAK_NG
  return engine != NULL && engine->IsPlaying ();
#else
  return FALSE;
#endif
}

static gboolean
poll_espeak (gpointer data)
{
  SaysoSpeech *self = data;

  if (espeak_busy ())
    return G_SOURCE_CONTINUE;
  self->poll_source = 0;
  advance (self);
  return G_SOURCE_REMOVE;
}

/* eSpeak NG has been given something: the rest waits until it is done. */
static void
wait_for_espeak (SaysoSpeech *self)
{
  if (self->queue != NULL && self->next < self->queue->len && espeak_busy ())
    self->poll_source = g_timeout_add (POLL_MS, poll_espeak, self);
  else
    advance (self);
}

static gboolean
plays_clip (SaysoSpeech     *self,
            SaysoSpeechPart *part)
{
  return part->clip != NULL && self->voice != NULL;
}

static void
finish (SaysoSpeech *self)
{
  self->playing = NULL;
  g_clear_pointer (&self->queue, g_ptr_array_unref);
  self->next = 0;
}

/* The next part: a clip for the voice, or every part up to the next clip in
 * one go for eSpeak NG (it reads a sentence better than a word at a time). */
static void
advance (SaysoSpeech *self)
{
  g_autoptr(GString) joined = NULL;
  SaysoSpeechPart *part;

  if (self->queue == NULL)
    return;
  if (self->next >= self->queue->len)
    {
      finish (self);
      g_signal_emit (self, signals[FINISHED], 0);
      return;
    }

  part = g_ptr_array_index (self->queue, self->next);
  if (plays_clip (self, part))
    {
      self->next++;
      self->playing = part;
      g_signal_emit (self, signals[PLAYED], 0, self->language, part->text, part->clip);
      sayso_voice_play (self->voice, part->clip);
      return;
    }

  joined = g_string_new (NULL);
  while (self->next < self->queue->len &&
         !plays_clip (self, (part = g_ptr_array_index (self->queue, self->next))))
    {
      if (joined->len > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, part->text);
      self->next++;
    }
  espeak_say (self, self->language, joined->str);
  wait_for_espeak (self);
}

static void
voice_finished (SaysoVoice  *voice,
                SaysoSpeech *self)
{
  if (self->playing == NULL)
    return;
  self->playing = NULL;
  advance (self);
}

/* A clip that was found at start-up but will not play: its words still
 * reach the respondent. */
static void
voice_failed (SaysoVoice  *voice,
              SaysoSpeech *self)
{
  SaysoSpeechPart *part = self->playing;

  if (part == NULL)
    return;
  self->playing = NULL;
  /* Not logged: it happens as a respondent listens. */
  espeak_say (self, self->language, part->text);
  wait_for_espeak (self);
}

static void
stop_saying (SaysoSpeech *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (self->playing != NULL && self->voice != NULL)
    {
      self->playing = NULL;
      sayso_voice_stop (self->voice);
    }
  finish (self);
#ifdef HAVE_ESPEAK_NG
  if (engine != NULL)
    engine->Cancel ();
#endif
}

static void
sayso_speech_dispose (GObject *object)
{
  SaysoSpeech *self = SAYSO_SPEECH (object);

  stop_saying (self);
  if (self->voice)
    g_signal_handlers_disconnect_by_data (self->voice, self);
  g_clear_object (&self->voice);

  G_OBJECT_CLASS (sayso_speech_parent_class)->dispose (object);
}

static void
sayso_speech_finalize (GObject *object)
{
  SaysoSpeech *self = SAYSO_SPEECH (object);

  g_clear_pointer (&self->last_text, g_free);
  g_clear_pointer (&self->espeak_voice, g_free);
  g_clear_pointer (&self->language, g_free);

  G_OBJECT_CLASS (sayso_speech_parent_class)->finalize (object);
}

static void
sayso_speech_class_init (SaysoSpeechClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sayso_speech_dispose;
  object_class->finalize = sayso_speech_finalize;

  /**
   * SaysoSpeech::spoken:
   * @language: the language of @text
   * @text: what eSpeak NG said (or, without sound, would have said)
   */
  signals[SPOKEN] =
    g_signal_new ("spoken",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * SaysoSpeech::played:
   * @language: the language of @text
   * @text: the text the clip says
   * @clip: the recorded clip handed to the voice
   */
  signals[PLAYED] =
    g_signal_new ("played",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_FILE);
  /**
   * SaysoSpeech::finished:
   *
   * Everything asked for has been said (not emitted when it was stopped).
   */
  signals[FINISHED] =
    g_signal_new ("finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
sayso_speech_init (SaysoSpeech *self)
{
  self->volume = SAYSO_SPEECH_VOLUME_DEFAULT;
}

SaysoSpeech *
sayso_speech_new (void)
{
  return g_object_new (SAYSO_TYPE_SPEECH, NULL);
}

/**
 * sayso_speech_set_voice:
 * @voice: (nullable): what plays recorded clips; without one, eSpeak NG
 *   says every text
 */
void
sayso_speech_set_voice (SaysoSpeech *self,
                        SaysoVoice  *voice)
{
  g_return_if_fail (SAYSO_IS_SPEECH (self));
  g_return_if_fail (voice == NULL || SAYSO_IS_VOICE (voice));

  stop_saying (self);
  if (self->voice)
    g_signal_handlers_disconnect_by_data (self->voice, self);
  g_set_object (&self->voice, voice);
  if (voice)
    {
      g_signal_connect (voice, "finished", G_CALLBACK (voice_finished), self);
      g_signal_connect (voice, "failed", G_CALLBACK (voice_failed), self);
      sayso_voice_set_volume (voice, self->volume);
    }
}

void
sayso_speech_say (SaysoSpeech *self,
                  const char  *language,
                  const char  *text)
{
  g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();

  g_return_if_fail (SAYSO_IS_SPEECH (self));
  g_return_if_fail (text != NULL);

  sayso_speech_parts_add (parts, text, NULL);
  sayso_speech_say_parts (self, language, parts);
}

/**
 * sayso_speech_say_parts:
 * @parts: (element-type SaysoSpeechPart): from sayso_speech_parts_new()
 *
 * Says @parts in order, cutting off whatever was being said.
 */
void
sayso_speech_say_parts (SaysoSpeech *self,
                        const char  *language,
                        GPtrArray   *parts)
{
  g_return_if_fail (SAYSO_IS_SPEECH (self));
  g_return_if_fail (parts != NULL);

  stop_saying (self);
  if (language == NULL)
    language = "en";

  g_free (self->last_text);
  self->last_text = sayso_speech_parts_join (parts);
  g_free (self->language);
  self->language = g_strdup (language);

  self->queue = g_ptr_array_ref (parts);
  self->next = 0;
  advance (self);
}

void
sayso_speech_stop (SaysoSpeech *self)
{
  g_return_if_fail (SAYSO_IS_SPEECH (self));

  stop_saying (self);
  g_clear_pointer (&self->last_text, g_free);
}

/* Everything the last request said, clips and eSpeak NG alike. */
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

/* For clips and eSpeak NG alike, from 0 (silent) to 1 (full). */
void
sayso_speech_set_volume (SaysoSpeech *self,
                         double       volume)
{
  g_return_if_fail (SAYSO_IS_SPEECH (self));

  self->volume = CLAMP (volume, 0.0, 1.0);
  if (self->voice)
    sayso_voice_set_volume (self->voice, self->volume);
}

double
sayso_speech_get_volume (SaysoSpeech *self)
{
  g_return_val_if_fail (SAYSO_IS_SPEECH (self), SAYSO_SPEECH_VOLUME_DEFAULT);
  return self->volume;
}

GPtrArray *
sayso_speech_parts_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
}

/**
 * sayso_speech_parts_add:
 * @clip: (nullable): the recorded clip of @text
 */
void
sayso_speech_parts_add (GPtrArray  *parts,
                        const char *text,
                        GFile      *clip)
{
  SaysoSpeechPart *part;

  g_return_if_fail (parts != NULL);
  g_return_if_fail (text != NULL);

  part = g_new0 (SaysoSpeechPart, 1);
  part->text = g_strdup (text);
  part->clip = clip ? g_object_ref (clip) : NULL;
  g_ptr_array_add (parts, part);
}

char *
sayso_speech_parts_join (GPtrArray *parts)
{
  GString *joined = g_string_new (NULL);

  g_return_val_if_fail (parts != NULL, NULL);

  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append_c (joined, ' ');
      g_string_append (joined, ((SaysoSpeechPart *) g_ptr_array_index (parts, i))->text);
    }
  return g_string_free (joined, FALSE);
}
