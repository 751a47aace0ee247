/* sayso-voice.c: the recorded-voice player's interface. */
#define G_LOG_DOMAIN "sayso-voice"

#include "sayso-voice.h"

G_DEFINE_INTERFACE (SaysoVoice, sayso_voice, G_TYPE_OBJECT)

static void
sayso_voice_default_init (SaysoVoiceInterface *iface)
{
  /**
   * SaysoVoice::finished:
   *
   * The clip played to its end.
   */
  g_signal_new ("finished", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SaysoVoice::failed:
   *
   * The clip could not be played (a broken file, no decoder): the text is
   * to be said another way.
   */
  g_signal_new ("failed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
sayso_voice_play (SaysoVoice *self,
                  GFile      *clip)
{
  g_return_if_fail (SAYSO_IS_VOICE (self));
  g_return_if_fail (G_IS_FILE (clip));
  SAYSO_VOICE_GET_IFACE (self)->play (self, clip);
}

void
sayso_voice_stop (SaysoVoice *self)
{
  g_return_if_fail (SAYSO_IS_VOICE (self));
  SAYSO_VOICE_GET_IFACE (self)->stop (self);
}

void
sayso_voice_set_volume (SaysoVoice *self,
                        double      volume)
{
  g_return_if_fail (SAYSO_IS_VOICE (self));
  SAYSO_VOICE_GET_IFACE (self)->set_volume (self, CLAMP (volume, 0.0, 1.0));
}
