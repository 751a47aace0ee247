/* sayso-media-voice.h: recorded voices played through GTK's media stream. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-voice.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_MEDIA_VOICE (sayso_media_voice_get_type ())

G_DECLARE_FINAL_TYPE (SaysoMediaVoice, sayso_media_voice, SAYSO, MEDIA_VOICE, GObject)

SaysoMediaVoice *sayso_media_voice_new        (void);
GtkMediaStream  *sayso_media_voice_get_stream (SaysoMediaVoice *self);

G_END_DECLS
