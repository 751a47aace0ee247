/* sayso-voice.h: a player of recorded voices, for SaysoSpeech.
 *
 * app/kiosk has no GTK: the kiosk's window plays clips through GTK's media
 * stream (ui/sayso-media-voice.c), tests through a stand-in.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SAYSO_TYPE_VOICE (sayso_voice_get_type ())

G_DECLARE_INTERFACE (SaysoVoice, sayso_voice, SAYSO, VOICE, GObject)

struct _SaysoVoiceInterface
{
  GTypeInterface parent_iface;

  /* Plays @clip from its start, and emits ::finished once it has played or
   * ::failed if it cannot (perhaps before returning). */
  void (*play)       (SaysoVoice *self,
                      GFile      *clip);
  /* Stops at once; neither signal follows. */
  void (*stop)       (SaysoVoice *self);
  void (*set_volume) (SaysoVoice *self,
                      double      volume);
};

void sayso_voice_play       (SaysoVoice *self,
                             GFile      *clip);
void sayso_voice_stop       (SaysoVoice *self);
void sayso_voice_set_volume (SaysoVoice *self,
                             double      volume);

G_END_DECLS
