/* sayso-media-voice.c: recorded voices played through GTK's media stream.
 *
 * A GtkMediaFile, which GTK plays with its GStreamer backend
 * (libgtk-4-media-gstreamer): Ogg Vorbis, Opus and WAV with the Debian
 * plugins the kiosk's package depends on. A clip that cannot be played (a
 * broken file, no backend, no decoder) says so as SaysoVoice::failed, and
 * SaysoSpeech has eSpeak NG say its text instead.
 */
#define G_LOG_DOMAIN "sayso-media-voice"

#include "sayso-media-voice.h"

struct _SaysoMediaVoice
{
  GObject         parent_instance;

  GtkMediaStream *stream;
  double          volume;
};

enum { PROP_0, PROP_STREAM, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void sayso_media_voice_iface_init (SaysoVoiceInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SaysoMediaVoice, sayso_media_voice, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SAYSO_TYPE_VOICE, sayso_media_voice_iface_init))

static void
drop_stream (SaysoMediaVoice *self)
{
  if (self->stream == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->stream, self);
  gtk_media_stream_pause (self->stream);
  gtk_media_file_clear (GTK_MEDIA_FILE (self->stream));
  g_clear_object (&self->stream);
}

static void
stream_ended (GtkMediaStream  *stream,
              GParamSpec      *pspec,
              SaysoMediaVoice *self)
{
  /* What follows may play the next clip and let this stream go. */
  g_autoptr(GtkMediaStream) keep = g_object_ref (stream);

  if (gtk_media_stream_get_ended (keep))
    g_signal_emit_by_name (self, "finished");
}

static void
stream_error (GtkMediaStream  *stream,
              GParamSpec      *pspec,
              SaysoMediaVoice *self)
{
  g_autoptr(GtkMediaStream) keep = g_object_ref (stream);
  const GError *error = gtk_media_stream_get_error (keep);

  if (error == NULL)
    return;
  /* Not logged: a respondent pressed it, and the journal would date that
   * (the clips' faults are listed for staff when the questionnaire loads). */
  g_signal_emit_by_name (self, "failed");
}

static void
sayso_media_voice_play (SaysoVoice *voice,
                        GFile      *clip)
{
  SaysoMediaVoice *self = SAYSO_MEDIA_VOICE (voice);

  drop_stream (self);
  self->stream = gtk_media_file_new_for_file (clip);
  gtk_media_stream_set_volume (self->stream, self->volume);
  g_signal_connect (self->stream, "notify::ended", G_CALLBACK (stream_ended), self);
  g_signal_connect (self->stream, "notify::error", G_CALLBACK (stream_error), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STREAM]);
  if (gtk_media_stream_get_error (self->stream))
    {
      stream_error (self->stream, NULL, self);
      return;
    }
  gtk_media_stream_play (self->stream);
}

static void
sayso_media_voice_stop (SaysoVoice *voice)
{
  drop_stream (SAYSO_MEDIA_VOICE (voice));
}

static void
sayso_media_voice_set_volume (SaysoVoice *voice,
                              double      volume)
{
  SaysoMediaVoice *self = SAYSO_MEDIA_VOICE (voice);

  self->volume = volume;
  if (self->stream)
    gtk_media_stream_set_volume (self->stream, volume);
}

static void
sayso_media_voice_iface_init (SaysoVoiceInterface *iface)
{
  iface->play = sayso_media_voice_play;
  iface->stop = sayso_media_voice_stop;
  iface->set_volume = sayso_media_voice_set_volume;
}

static void
sayso_media_voice_dispose (GObject *object)
{
  drop_stream (SAYSO_MEDIA_VOICE (object));
  G_OBJECT_CLASS (sayso_media_voice_parent_class)->dispose (object);
}

static void
sayso_media_voice_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_STREAM:
      g_value_set_object (value, SAYSO_MEDIA_VOICE (object)->stream);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_media_voice_class_init (SaysoMediaVoiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sayso_media_voice_dispose;
  object_class->get_property = sayso_media_voice_get_property;

  /**
   * SaysoMediaVoice:stream:
   *
   * The clip being played, notified as each one starts.
   */
  properties[PROP_STREAM] =
    g_param_spec_object ("stream", NULL, NULL, GTK_TYPE_MEDIA_STREAM,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sayso_media_voice_init (SaysoMediaVoice *self)
{
  self->volume = 1.0;
}

SaysoMediaVoice *
sayso_media_voice_new (void)
{
  return g_object_new (SAYSO_TYPE_MEDIA_VOICE, NULL);
}

/**
 * sayso_media_voice_get_stream:
 *
 * Returns: (transfer none) (nullable): the stream of the clip playing or
 * last played
 */
GtkMediaStream *
sayso_media_voice_get_stream (SaysoMediaVoice *self)
{
  g_return_val_if_fail (SAYSO_IS_MEDIA_VOICE (self), NULL);
  return self->stream;
}
