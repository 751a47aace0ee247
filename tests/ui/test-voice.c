/* test-voice: hearing any one thing on the kiosk's real widgets, under
 * Xvfb: each speaker control says its own words; recorded clips play through
 * GTK's media stream (GStreamer, to a sink that makes no sound here) and
 * fall back to eSpeak NG, the kiosk's own words on every page as much as
 * the questionnaire's; the volume buttons; and what someone typed is never
 * spoken. The speech seam is SaysoSpeech's "spoken" (eSpeak NG) and
 * "played" (clips) signals; SAYSO_SPEECH=none keeps eSpeak NG quiet. */
#define G_LOG_DOMAIN "test-voice"

#include <glib/gstdio.h>
#include <string.h>

#include "sayso-db.h"
#include "sayso-submit-queue-private.h"
#include "ui-test-utils.h"

/* Under AddressSanitizer only: GStreamer makes thousands of quarks, and
 * GLib, growing its quark table, keeps the first block (allocated by its
 * constructor) on purpose. LeakSanitizer can tell that allocation by its
 * caller (tests/lsan.supp: call_init) only with a full unwind, which this
 * program alone asks for; elsewhere the fast one is kept. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

typedef struct
{
  GPtrArray *spoken;   /* texts eSpeak NG was given */
  GPtrArray *played;   /* texts whose clips were played */
} Heard;

static void
on_spoken (SaysoSpeech *speech,
           const char  *language,
           const char  *text,
           Heard       *heard)
{
  g_ptr_array_add (heard->spoken, g_strdup (text));
}

static void
on_played (SaysoSpeech *speech,
           const char  *language,
           const char  *text,
           GFile       *clip,
           Heard       *heard)
{
  g_ptr_array_add (heard->played, g_strdup (text));
}

static void
heard_listen (Heard       *heard,
              SaysoWindow *window)
{
  heard->spoken = g_ptr_array_new_with_free_func (g_free);
  heard->played = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (_sayso_window_get_speech (window), "spoken", G_CALLBACK (on_spoken), heard);
  g_signal_connect (_sayso_window_get_speech (window), "played", G_CALLBACK (on_played), heard);
}

static void
heard_clear (Heard *heard)
{
  g_ptr_array_set_size (heard->spoken, 0);
  g_ptr_array_set_size (heard->played, 0);
}

static void
heard_free (Heard *heard)
{
  g_clear_pointer (&heard->spoken, g_ptr_array_unref);
  g_clear_pointer (&heard->played, g_ptr_array_unref);
}

static gboolean
heard_contains (Heard      *heard,
                const char *needle)
{
  for (guint i = 0; i < heard->spoken->len; i++)
    if (strstr (g_ptr_array_index (heard->spoken, i), needle))
      return TRUE;
  for (guint i = 0; i < heard->played->len; i++)
    if (strstr (g_ptr_array_index (heard->played, i), needle))
      return TRUE;
  return FALSE;
}

static void
go_to_question (SaysoWindow *window,
                const char  *question_id)
{
  if (sayso_window_get_page (window) == SAYSO_PAGE_WELCOME)
    ui_press (GTK_WIDGET (window), "language:en");
  while (g_strcmp0 (ui_current_question (window), question_id) != 0)
    ui_press (GTK_WIDGET (window), "next");
}

static char *
accessible_label (GtkWidget *widget)
{
  /* GTK 4.8 has no getter; the test accessible backend checks a value. */
  return g_strdup (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL)
                   ? "set" : NULL);
}

/* Each option's speaker control says exactly that option's label, is a
 * button of its own beside the option, and chooses nothing. */
static void
test_option_control (KioskFixture  *fixture,
                     gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoQuestion *question;
  Heard heard;

  heard_listen (&heard, window);
  go_to_question (window, "biggest_issue");
  question = sayso_journey_get_question (sayso_window_get_journey (window));
  g_assert_cmpuint (sayso_question_get_n_options (question), ==, 14);

  for (guint i = 0; i < 14; i++)
    {
      const char *id = sayso_question_get_option_id (question, i);
      g_autofree char *name = g_strconcat ("hear:option:", id, NULL);
      g_autofree char *option_name = g_strconcat ("option:", id, NULL);
      g_autofree char *expected_name = g_strdup_printf ("Hear: %s", sayso_question_get_option_label (question, i, "en"));
      GtkWidget *hear = ui_find (GTK_WIDGET (window), name);
      GtkWidget *option = ui_find (GTK_WIDGET (window), option_name);
      g_autofree char *label = accessible_label (hear);

      g_assert_nonnull (hear);
      g_assert_true (gtk_widget_get_mapped (hear));
      g_assert_false (gtk_widget_is_ancestor (hear, option));
      g_assert_nonnull (label);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (hear), GTK_ACCESSIBLE_PROPERTY_LABEL, expected_name);

      heard_clear (&heard);
      ui_press (GTK_WIDGET (window), name);
      g_assert_cmpuint (heard.spoken->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (heard.spoken, 0), ==, sayso_question_get_option_label (question, i, "en"));
      g_assert_false (sayso_response_is_chosen (ui_response (window), "biggest_issue", id));
    }

  /* Control: the option itself chooses. */
  ui_press (GTK_WIDGET (window), "option:travel");
  g_assert_true (sayso_response_is_chosen (ui_response (window), "biggest_issue", "travel"));

  /* The question and its help, each on its own. */
  heard_clear (&heard);
  ui_press (GTK_WIDGET (window), "hear:question");
  ui_press (GTK_WIDGET (window), "hear:help");
  g_assert_cmpuint (heard.spoken->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (heard.spoken, 0), ==, sayso_question_get_text (question, "en"));
  g_assert_cmpstr (g_ptr_array_index (heard.spoken, 1), ==, sayso_question_get_help (question, "en"));

  /* "Read aloud": everything, the options numbered in order. */
  heard_clear (&heard);
  ui_press (GTK_WIDGET (window), "speak");
  g_assert_cmpuint (heard.spoken->len, ==, 1);
  {
    const char *said = g_ptr_array_index (heard.spoken, 0);
    const char *one = strstr (said, " 1. Appointments.");
    const char *two = strstr (said, " 2. ");
    const char *fourteen = strstr (said, " 14. ");

    g_assert_true (one != NULL && two != NULL && fourteen != NULL);
    g_assert_true (strstr (said, sayso_question_get_text (question, "en")) < one);
    g_assert_true (one < two && two < fourteen);
  }
  heard_free (&heard);
}

/* Every speaker control on the page, and "Read aloud" */
static void
press_every_speaker (GtkWidget *widget,
                     GtkWidget *root)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (gtk_widget_get_mapped (c) && (g_str_has_prefix (gtk_widget_get_name (c), "hear:") ||
                                        g_str_equal (gtk_widget_get_name (c), "speak")))
        g_signal_emit_by_name (c, "clicked");
      press_every_speaker (c, root);
    }
}

/* A sentence typed in a text question reaches the speech seam through no
 * control at all, with "Always read aloud" on or off. */
static void
test_typed_never_spoken (KioskFixture  *fixture,
                         gconstpointer  data)
{
  static const char typed[] = "my officer Dai Jones never calls back";
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoQuestion *question;
  Heard heard;

  heard_listen (&heard, window);
  go_to_question (window, "induction");
  question = sayso_journey_get_question (sayso_window_get_journey (window));
  ui_type (window, typed);
  g_assert_cmpstr (sayso_response_get_text (ui_response (window), "induction"), ==, typed);

  press_every_speaker (GTK_WIDGET (window), GTK_WIDGET (window));
  ui_press (GTK_WIDGET (window), "hear:no-names");
  g_object_set (window, "read-aloud", TRUE, NULL);
  ui_press (GTK_WIDGET (window), "next");
  ui_press (GTK_WIDGET (window), "back");
  press_every_speaker (GTK_WIDGET (window), GTK_WIDGET (window));

  g_assert_false (heard_contains (&heard, "Dai Jones"));
  g_assert_false (heard_contains (&heard, "officer Dai"));
  g_assert_false (heard_contains (&heard, typed));
  /* Control: the question's own words were received, and the seam does
   * catch a text that is said. */
  g_assert_true (heard_contains (&heard, sayso_question_get_text (question, "en")));
  sayso_speech_say (_sayso_window_get_speech (window), "en", typed);
  g_assert_true (heard_contains (&heard, "Dai Jones"));
  heard_free (&heard);
}

/* --- Recorded voices through GtkMediaFile -------------------------------- */

/* @msec of a quiet tone: 8 kHz, 16-bit mono WAV. */
static void
write_wav_of (const char *path,
              guint       msec)
{
  const guint32 rate = 8000, n = rate * msec / 1000;
  g_autoptr(GByteArray) wav = g_byte_array_new ();
  guint32 u32;
  guint16 u16;

#define PUT32(v) (u32 = GUINT32_TO_LE (v), g_byte_array_append (wav, (guint8 *) &u32, 4))
#define PUT16(v) (u16 = GUINT16_TO_LE (v), g_byte_array_append (wav, (guint8 *) &u16, 2))
  g_byte_array_append (wav, (const guint8 *) "RIFF", 4);
  PUT32 (36 + n * 2);
  g_byte_array_append (wav, (const guint8 *) "WAVEfmt ", 8);
  PUT32 (16); PUT16 (1); PUT16 (1); PUT32 (rate); PUT32 (rate * 2); PUT16 (2); PUT16 (16);
  g_byte_array_append (wav, (const guint8 *) "data", 4);
  PUT32 (n * 2);
  for (guint32 i = 0; i < n; i++)
    PUT16 ((guint16) (gint16) ((i / 8) % 2 ? 800 : -800));
#undef PUT32
#undef PUT16
  g_assert_true (g_file_set_contents (path, (const char *) wav->data, wav->len, NULL));
}

/* A second and a half: long enough to be seen playing. */
static void
write_wav (const char *path)
{
  write_wav_of (path, 1500);
}

static const char voices_json[] =
  "{\"format\": 1, \"id\": \"voices\", \"version\": 1, \"languages\": [\"en\", \"cy\"],\n"
  " \"title\": {\"en\": \"Voices\", \"cy\": \"Lleisiau\"},\n"
  " \"sections\": [{\"id\": \"s\", \"title\": {\"en\": \"S\", \"cy\": \"S\"}}],\n"
  " \"questions\": [\n"
  "  {\"id\": \"issue\", \"section\": \"s\", \"kind\": \"single\",\n"
  "   \"text\": {\"en\": \"What was hard?\", \"cy\": \"Beth oedd yn anodd?\"},\n"
  "   \"options\": [\n"
  "     {\"id\": \"travel\", \"label\": {\"en\": \"Travel\", \"cy\": \"Teithio\"}},\n"
  "     {\"id\": \"money\", \"label\": {\"en\": \"Money\", \"cy\": \"Arian\"}}]}],\n"
  " \"audio\": {\"en\": {\"questions.issue.options.travel\": \"clips/travel.wav\",\n"
  "                    \"questions.issue.options.money\": \"clips/money.wav\"}}}\n";

typedef struct
{
  gboolean was_playing;
  gboolean ended;
} StreamSeen;

static void
stream_notified (GtkMediaStream *stream,
                 GParamSpec     *pspec,
                 StreamSeen     *seen)
{
  seen->was_playing |= gtk_media_stream_get_playing (stream);
  seen->ended |= gtk_media_stream_get_ended (stream);
}

/* Watched from the moment the clip's stream is made, before any of it can
 * have played. */
static void
voice_stream_changed (SaysoMediaVoice *voice,
                      GParamSpec      *pspec,
                      StreamSeen      *seen)
{
  GtkMediaStream *stream = sayso_media_voice_get_stream (voice);

  g_signal_connect (stream, "notify", G_CALLBACK (stream_notified), seen);
  stream_notified (stream, NULL, seen);
}

static gboolean
stream_done (gpointer data)
{
  StreamSeen *seen = data;
  return seen->ended;
}

static SaysoQuestionnaire *
load_voices (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "voices.json", NULL);
  g_autoptr(GError) error = NULL;
  SaysoQuestionnaire *questionnaire;

  g_assert_true (g_file_set_contents (path, voices_json, -1, NULL));
  questionnaire = sayso_questionnaire_new_from_file (path, &error);
  g_assert_no_error (error);
  return questionnaire;
}

static gboolean
heard_spoke (gpointer data)
{
  return ((Heard *) data)->spoken->len > 0;
}

static void
test_clip_plays (KioskFixture  *fixture,
                 gconstpointer  data)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *clips = g_build_filename (dir, "clips", NULL);
  g_autofree char *travel = g_build_filename (clips, "travel.wav", NULL);
  g_autofree char *money = g_build_filename (clips, "money.wav", NULL);
  SaysoWindow *window;
  GtkMediaStream *stream;
  StreamSeen seen = { FALSE, FALSE };
  Heard heard;

  g_assert_cmpint (g_mkdir (clips, 0700), ==, 0);
  write_wav (travel);
  /* Found at start-up, but no sound in it: it fails only while playing. */
  g_assert_true (g_file_set_contents (money, "RIFF\x24\0\0\0WAVEjunkjunkjunkjunk", 24, NULL));

  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = load_voices (dir);
  g_assert_cmpuint (sayso_questionnaire_get_audio_problems (fixture->questionnaire)->len, ==, 0);
  window = kiosk_fixture_open (fixture, FALSE);
  heard_listen (&heard, window);
  go_to_question (window, "issue");

  g_signal_connect (_sayso_window_get_voice (window), "notify::stream", G_CALLBACK (voice_stream_changed), &seen);
  ui_press (GTK_WIDGET (window), "hear:option:travel");
  g_assert_cmpuint (heard.played->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (heard.played, 0), ==, "Travel");
  stream = sayso_media_voice_get_stream (_sayso_window_get_voice (window));
  g_assert_true (GTK_IS_MEDIA_FILE (stream));
  g_assert_true (ui_wait_for (stream_done, &seen, 60000));
  g_assert_null (gtk_media_stream_get_error (stream));
  g_assert_true (seen.was_playing);
  g_assert_cmpuint (heard.spoken->len, ==, 0);
  g_signal_handlers_disconnect_by_data (stream, &seen);
  g_signal_handlers_disconnect_by_data (_sayso_window_get_voice (window), &seen);

  /* The broken one is tried, fails in GStreamer, and eSpeak NG says it. */
  heard_clear (&heard);
  ui_press (GTK_WIDGET (window), "hear:option:money");
  g_assert_cmpuint (heard.played->len, ==, 1);
  g_assert_true (ui_wait_for (heard_spoke, &heard, 60000));
  g_assert_cmpstr (g_ptr_array_index (heard.spoken, 0), ==, "Money");
  g_assert_nonnull (gtk_media_stream_get_error (sayso_media_voice_get_stream (_sayso_window_get_voice (window))));
  heard_free (&heard);

  /* With the clip deleted, the kiosk (started again) has eSpeak NG say the
   * same text, and staff were told at start-up. */
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;
  ui_iterate ();
  g_assert_cmpint (g_unlink (travel), ==, 0);
  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = load_voices (dir);
  g_assert_cmpuint (sayso_questionnaire_get_audio_problems (fixture->questionnaire)->len, ==, 1);
  g_test_expect_message ("sayso-window", G_LOG_LEVEL_MESSAGE, "*clips/travel.wav\" is missing*");
  window = kiosk_fixture_open (fixture, FALSE);
  g_test_assert_expected_messages ();
  heard_listen (&heard, window);
  go_to_question (window, "issue");
  ui_press (GTK_WIDGET (window), "hear:option:travel");
  g_assert_cmpuint (heard.played->len, ==, 0);
  g_assert_cmpuint (heard.spoken->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (heard.spoken, 0), ==, "Travel");
  heard_free (&heard);

  test_remove_tree (dir);
}

/* How far the middle of @widget is from the middle of the window, in px. */
static double
off_centre (SaysoWindow *window,
            GtkWidget   *widget)
{
  graphene_rect_t bounds;

  ui_settle (GTK_WIDGET (window));
  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  return ABS (bounds.origin.x + bounds.size.width / 2 - gtk_widget_get_width (GTK_WIDGET (window)) / 2.0);
}

/* The pair of them is in the middle of the bottom bar, on a question and on
 * the last page too, where Next is hidden (they used to slide right into
 * its room). The control: Back, measured the same way, is not. */
static void
assert_volume_centred (SaysoWindow *window,
                       GtkWidget   *down,
                       GtkWidget   *up)
{
  GtkWidget *pair = gtk_widget_get_parent (down);

  g_assert_true (gtk_widget_get_parent (up) == pair);
  ui_iterate ();
  g_assert_cmpfloat (off_centre (window, pair), <, 2.0);
  g_assert_cmpfloat (off_centre (window, ui_find (GTK_WIDGET (window), "back")), >, 100.0);
}

/* Quieter and louder show while audio is on, change the stream's volume,
 * and are this respondent's only. */
static void
test_volume (KioskFixture  *fixture,
             gconstpointer  data)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *clips = g_build_filename (dir, "clips", NULL);
  g_autofree char *travel = g_build_filename (clips, "travel.wav", NULL);
  g_autofree char *money = g_build_filename (clips, "money.wav", NULL);
  SaysoWindow *window;
  SaysoSpeech *speech;
  GtkMediaStream *stream;
  GtkWidget *down, *up;

  g_assert_cmpint (g_mkdir (clips, 0700), ==, 0);
  write_wav (travel);
  write_wav (money);
  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = load_voices (dir);
  window = kiosk_fixture_open (fixture, FALSE);
  speech = _sayso_window_get_speech (window);

  /* None on the screen until audio is on. */
  go_to_question (window, "issue");
  g_assert_null (ui_find (GTK_WIDGET (window), "volume-up"));
  ui_press (GTK_WIDGET (window), "hear:option:travel");
  ui_iterate ();
  down = ui_find (GTK_WIDGET (window), "volume-down");
  up = ui_find (GTK_WIDGET (window), "volume-up");
  g_assert_nonnull (up);
  g_assert_nonnull (down);
  g_assert_true (gtk_widget_get_mapped (up));
  g_assert_true (gtk_widget_get_mapped (down));
  stream = sayso_media_voice_get_stream (_sayso_window_get_voice (window));
  g_assert_cmpfloat_with_epsilon (gtk_media_stream_get_volume (stream), SAYSO_SPEECH_VOLUME_DEFAULT, 1e-6);

  ui_press (GTK_WIDGET (window), "volume-up");
  g_assert_cmpfloat_with_epsilon (gtk_media_stream_get_volume (stream), 0.8, 1e-6);
  ui_press (GTK_WIDGET (window), "volume-up");
  g_assert_cmpfloat_with_epsilon (gtk_media_stream_get_volume (stream), 1.0, 1e-6);
  g_assert_false (gtk_widget_is_sensitive (up));
  for (guint i = 0; i < 4; i++)
    ui_press (GTK_WIDGET (window), "volume-down");
  g_assert_cmpfloat_with_epsilon (gtk_media_stream_get_volume (stream), SAYSO_SPEECH_VOLUME_STEP, 1e-6);
  g_assert_false (gtk_widget_is_sensitive (down));
  /* The next clip keeps the respondent's volume. */
  ui_press (GTK_WIDGET (window), "hear:option:money");
  stream = sayso_media_voice_get_stream (_sayso_window_get_voice (window));
  g_assert_cmpfloat_with_epsilon (gtk_media_stream_get_volume (stream), SAYSO_SPEECH_VOLUME_STEP, 1e-6);

  assert_volume_centred (window, down, up);
  while (sayso_window_get_page (window) != SAYSO_PAGE_SUBMIT)
    ui_press (GTK_WIDGET (window), "next");
  g_assert_null (ui_find (GTK_WIDGET (window), "next"));
  g_assert_true (gtk_widget_get_mapped (up));
  assert_volume_centred (window, down, up);

  /* The next respondent starts at the usual volume, buttons hidden. */
  sayso_window_forget (window);
  ui_iterate ();
  g_assert_cmpfloat_with_epsilon (sayso_speech_get_volume (speech), SAYSO_SPEECH_VOLUME_DEFAULT, 1e-6);
  g_assert_null (ui_find (GTK_WIDGET (window), "volume-up"));
  /* Control: a new page stops the clip. */
  go_to_question (window, "issue");
  ui_press (GTK_WIDGET (window), "hear:option:travel");
  g_assert_nonnull (sayso_media_voice_get_stream (_sayso_window_get_voice (window)));
  ui_press (GTK_WIDGET (window), "next");
  g_assert_null (sayso_media_voice_get_stream (_sayso_window_get_voice (window)));

  test_remove_tree (dir);
}

/* --- The kiosk's own words, each from its clip ---------------------------- */

/* Two questions, the second a text one without help (its "no names" line
 * stands in its place), and a clip for every one of the kiosk's own words
 * in English, "kiosk/NAME.wav", but those in @missing, which are named but
 * not there. */
static SaysoQuestionnaire *
load_kiosk_voices (const char         *dir,
                   const char * const *missing)
{
  g_autofree char *path = g_build_filename (dir, "kiosk-voices.json", NULL);
  g_autofree char *clips = g_build_filename (dir, "kiosk", NULL);
  g_autoptr(GString) json = g_string_new (
    "{\"format\": 1, \"id\": \"kiosk-voices\", \"version\": 1, \"languages\": [\"en\", \"cy\"],\n"
    " \"title\": {\"en\": \"Voices\", \"cy\": \"Lleisiau\"},\n"
    " \"sections\": [{\"id\": \"s\", \"title\": {\"en\": \"S\", \"cy\": \"S\"}}],\n"
    " \"questions\": [\n"
    "  {\"id\": \"issue\", \"section\": \"s\", \"kind\": \"single\",\n"
    "   \"text\": {\"en\": \"What was hard?\", \"cy\": \"Beth oedd yn anodd?\"},\n"
    "   \"options\": [\n"
    "     {\"id\": \"travel\", \"label\": {\"en\": \"Travel\", \"cy\": \"Teithio\"}},\n"
    "     {\"id\": \"money\", \"label\": {\"en\": \"Money\", \"cy\": \"Arian\"}}]},\n"
    "  {\"id\": \"say\", \"section\": \"s\", \"kind\": \"text\", \"max_length\": 100,\n"
    "   \"text\": {\"en\": \"Tell us more\", \"cy\": \"Dywedwch fwy\"}}],\n"
    " \"audio\": {\"en\": {");
  g_autoptr(GError) error = NULL;
  SaysoQuestionnaire *questionnaire;

  g_assert_cmpint (g_mkdir (clips, 0700), ==, 0);
  for (guint text = SAYSO_KIOSK_TEXT_NONE + 1; text < SAYSO_N_KIOSK_TEXTS; text++)
    {
      const char *name = sayso_kiosk_text_get_name (text);
      g_autofree char *file = g_strconcat (name, ".wav", NULL);
      g_autofree char *clip = g_build_filename (clips, file, NULL);

      /* Short: a page plays each of its clips to the end. */
      if (missing == NULL || !g_strv_contains (missing, name))
        write_wav_of (clip, 80);
      g_string_append_printf (json, "%s\"kiosk.%s\": \"kiosk/%s\"", text > 1 ? ", " : "", name, file);
    }
  g_string_append (json, "}}}\n");
  g_assert_true (g_file_set_contents (path, json->str, -1, NULL));
  questionnaire = sayso_questionnaire_new_from_file (path, &error);
  g_assert_no_error (error);
  return questionnaire;
}

/* Everything said, in order: "clip NAME.wav: TEXT" for a clip handed to
 * the voice, "espeak: TEXT" for eSpeak NG; and the file of each stream
 * GtkMediaFile was made for. */
typedef struct
{
  GPtrArray  *said;
  GPtrArray  *played;        /* every clip handed to the voice, on any page */
  GPtrArray  *streams;
  GHashTable *clips_heard;
  gboolean    finished;
} Told;

static void
told_spoken (SaysoSpeech *speech,
             const char  *language,
             const char  *text,
             Told        *told)
{
  g_ptr_array_add (told->said, g_strconcat ("espeak: ", text, NULL));
}

static void
told_played (SaysoSpeech *speech,
             const char  *language,
             const char  *text,
             GFile       *clip,
             Told        *told)
{
  g_autofree char *base = g_file_get_basename (clip);

  g_ptr_array_add (told->said, g_strdup_printf ("clip %s: %s", base, text));
  g_ptr_array_add (told->played, g_strdup (base));
  g_hash_table_add (told->clips_heard, g_steal_pointer (&base));
}

static void
told_finished (SaysoSpeech *speech,
               Told        *told)
{
  told->finished = TRUE;
}

static void
told_stream (SaysoMediaVoice *voice,
             GParamSpec      *pspec,
             Told            *told)
{
  GtkMediaStream *stream = sayso_media_voice_get_stream (voice);

  if (GTK_IS_MEDIA_FILE (stream) && gtk_media_file_get_file (GTK_MEDIA_FILE (stream)))
    g_ptr_array_add (told->streams, g_file_get_basename (gtk_media_file_get_file (GTK_MEDIA_FILE (stream))));
}

static void
told_listen (Told        *told,
             SaysoWindow *window)
{
  told->said = g_ptr_array_new_with_free_func (g_free);
  told->played = g_ptr_array_new_with_free_func (g_free);
  told->streams = g_ptr_array_new_with_free_func (g_free);
  told->clips_heard = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (_sayso_window_get_speech (window), "spoken", G_CALLBACK (told_spoken), told);
  g_signal_connect (_sayso_window_get_speech (window), "played", G_CALLBACK (told_played), told);
  g_signal_connect (_sayso_window_get_speech (window), "finished", G_CALLBACK (told_finished), told);
  g_signal_connect (_sayso_window_get_voice (window), "notify::stream", G_CALLBACK (told_stream), told);
}

static void
told_free (Told        *told,
           SaysoWindow *window)
{
  g_signal_handlers_disconnect_by_data (_sayso_window_get_speech (window), told);
  g_signal_handlers_disconnect_by_data (_sayso_window_get_voice (window), told);
  g_clear_pointer (&told->said, g_ptr_array_unref);
  g_clear_pointer (&told->played, g_ptr_array_unref);
  g_clear_pointer (&told->streams, g_ptr_array_unref);
  g_clear_pointer (&told->clips_heard, g_hash_table_unref);
}

static void
told_clear (Told *told)
{
  g_ptr_array_set_size (told->said, 0);
  told->finished = FALSE;
}

static gboolean
told_done (gpointer data)
{
  return ((Told *) data)->finished;
}

/* Presses @control and waits until all of what it says has been said,
 * every clip played to its end. */
static void
hear (SaysoWindow *window,
      Told        *told,
      const char  *control)
{
  told_clear (told);
  ui_press (GTK_WIDGET (window), control);
  g_assert_true (ui_wait_for (told_done, told, 30000));
}

/* Every word of the kiosk's own (in English) that eSpeak NG was given:
 * measured on what was said, so a text a page says without a name for its
 * clip is found here whichever page it is on. The words with a number in
 * them are printf formats, matched by none. */
static GString *
kiosk_words_spoken (Told *told)
{
  GString *found = g_string_new (NULL);

  for (guint i = 0; i < told->said->len; i++)
    {
      const char *said = g_ptr_array_index (told->said, i);

      if (!g_str_has_prefix (said, "espeak: "))
        continue;
      for (guint id = 0; id < SAYSO_N_STRINGS; id++)
        if (strstr (said, sayso_string (id, "en")))
          g_string_append_printf (found, "[%u: %s] ", id, sayso_string (id, "en"));
    }
  return found;
}

/* What @window just said is exactly @ids' words, in order, each played
 * from its own clip, but those in @missing, each said alone by eSpeak NG;
 * and no other word of the kiosk's went to eSpeak NG. */
static void
assert_said (Told                *told,
             const SaysoStringId *ids,
             guint                n_ids,
             const char * const  *missing)
{
  g_autoptr(GString) words = kiosk_words_spoken (told);
  guint n_missing = 0;

  for (guint i = 0; i < n_ids; i++)
    if (missing != NULL &&
        g_strv_contains (missing, sayso_kiosk_text_get_name (sayso_string_get_kiosk_text (ids[i]))))
      n_missing++;
  /* First what the page said, whatever this test expects of it. */
  if (n_missing == 0 && words->len > 0)
    g_error ("the kiosk's own words went to eSpeak NG, though the questionnaire has a clip for every "
             "kiosk.NAME: %s(a word said on its own needs a name in app/core/sayso-kiosk-texts.c)", words->str);
  if (n_missing > 0)
    g_assert_cmpstr (words->str, !=, "");

  if (told->said->len != n_ids)
    {
      for (guint i = 0; i < told->said->len; i++)
        g_printerr ("# said: %s\n", (const char *) g_ptr_array_index (told->said, i));
      g_error ("%u things said, not %u", told->said->len, n_ids);
    }
  for (guint i = 0; i < n_ids; i++)
    {
      const char *name = sayso_kiosk_text_get_name (sayso_string_get_kiosk_text (ids[i]));
      const char *said = g_ptr_array_index (told->said, i);
      g_autofree char *expected = NULL;

      g_assert_nonnull (name);
      if (missing != NULL && g_strv_contains (missing, name))
        expected = g_strdup ("espeak: ");
      else
        expected = g_strdup_printf ("clip %s.wav: ", name);
      if (!g_str_has_prefix (said, expected) || !strstr (said, sayso_string (ids[i], "en")))
        g_error ("kiosk.%s: said \"%s\", not %s…", name, said, expected);
    }
}

static gboolean
always_full (SaysoStore     *store,
             SaysoResponse  *response,
             SaysoMode       mode,
             GError        **error)
{
  g_set_error_literal (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL, "database or disk is full");
  return FALSE;
}

static gboolean
always_refused (SaysoStore     *store,
                SaysoResponse  *response,
                SaysoMode       mode,
                GError        **error)
{
  g_set_error_literal (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, "question \"x\": refused");
  return FALSE;
}

static gboolean
nothing_pending (gpointer data)
{
  return sayso_submit_queue_get_n_pending (data) == 0;
}

static void
answer_to_the_end (SaysoWindow *window)
{
  ui_press (GTK_WIDGET (window), "language:en");
  while (sayso_window_get_page (window) != SAYSO_PAGE_SUBMIT)
    ui_press (GTK_WIDGET (window), "next");
}

/* The thank-you page, with @outcome as the store makes it, read aloud. */
static void
hear_thanks (SaysoWindow        *window,
             Told               *told,
             SaysoSubmitOutcome  outcome,
             const char * const *missing)
{
  static const SaysoStringId thanks[] = { SAYSO_STR_THANKS_TITLE, SAYSO_STR_THANKS_BODY, SAYSO_STR_THANKS_RETURN };
  static const SaysoStringId pending[] = { SAYSO_STR_PENDING_TITLE, SAYSO_STR_PENDING_BODY, SAYSO_STR_THANKS_RETURN };
  static const SaysoStringId refused[] = { SAYSO_STR_REFUSED_TITLE, SAYSO_STR_REFUSED_BODY, SAYSO_STR_THANKS_RETURN };
  SaysoSubmitQueue *queue = _sayso_window_get_queue (window);

  _sayso_submit_queue_set_submit_func (queue, outcome == SAYSO_SUBMIT_WAITING ? always_full
                                              : outcome == SAYSO_SUBMIT_REFUSED ? always_refused : NULL);
  answer_to_the_end (window);
  ui_press (GTK_WIDGET (window), "send");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_THANKS);
  hear (window, told, "speak");
  assert_said (told, outcome == SAYSO_SUBMIT_WAITING ? pending : outcome == SAYSO_SUBMIT_REFUSED ? refused : thanks,
               3, missing);
  ui_thanks_timeout (window);
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_WELCOME);

  /* The waiting answers are stored before the next respondent sends. */
  _sayso_submit_queue_set_submit_func (queue, NULL);
  sayso_submit_queue_set_retry_interval (queue, 50);
  g_assert_true (ui_wait_for (nothing_pending, queue, 10000));
}

/* Every page the kiosk reads aloud, each of its own words in turn. */
static void
walk_every_page (KioskFixture       *fixture,
                 SaysoWindow        *window,
                 Told               *told,
                 const char * const *missing)
{
  static const SaysoStringId welcome[] = {
    SAYSO_STR_WELCOME_TITLE, SAYSO_STR_WELCOME_PRIVATE, SAYSO_STR_WELCOME_INVITE,
  };
  static const SaysoStringId promise[] = {
    SAYSO_STR_PROMISE_TITLE, SAYSO_STR_PROMISE_INDEPENDENT, SAYSO_STR_PROMISE_ANONYMOUS, SAYSO_STR_PROMISE_OFFICER,
    SAYSO_STR_PROMISE_NOBODY, SAYSO_STR_PROMISE_SKIP, SAYSO_STR_PROMISE_TIME,
  };
  static const SaysoStringId no_names[] = { SAYSO_STR_TEXT_NO_NAMES };
  static const SaysoStringId still_there[] = { SAYSO_STR_STILL_THERE_TITLE, SAYSO_STR_STILL_THERE_YES };
  static const SaysoStringId submit[] = { SAYSO_STR_SUBMIT_TITLE, SAYSO_STR_SUBMIT_BODY };
  g_autoptr(GString) words = NULL;

  hear (window, told, "speak");
  assert_said (told, welcome, G_N_ELEMENTS (welcome), missing);

  ui_press (GTK_WIDGET (window), "language:en");
  hear (window, told, "speak");
  assert_said (told, promise, G_N_ELEMENTS (promise), missing);

  /* The progress has numbers in it: eSpeak NG's, with the question's own
   * texts, which have no clips here. */
  ui_press (GTK_WIDGET (window), "next");
  hear (window, told, "speak");
  g_assert_cmpuint (told->said->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (told->said, 0), "espeak: Question 1 of 2. What was hard?"));
  words = kiosk_words_spoken (told);
  g_assert_cmpstr (words->str, ==, "");

  ui_press (GTK_WIDGET (window), "next");
  g_assert_cmpstr (ui_current_question (window), ==, "say");
  hear (window, told, "hear:no-names");
  assert_said (told, no_names, 1, missing);

  /* "Are you still there?" is read out when it comes, with "Always read
   * aloud" on. */
  g_object_set (window, "read-aloud", TRUE, NULL);
  g_assert_true (ui_wait_for (told_done, told, 30000));
  told_clear (told);
  ui_pretend_idle (window, fixture->config->idle_timeout + 1);
  g_assert_true (sayso_journey_get_still_there (sayso_window_get_journey (window)));
  g_assert_true (ui_wait_for (told_done, told, 30000));
  assert_said (told, still_there, G_N_ELEMENTS (still_there), missing);
  g_object_set (window, "read-aloud", FALSE, NULL);
  ui_press (GTK_WIDGET (window), "still-here");

  ui_press (GTK_WIDGET (window), "next");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_SUBMIT);
  hear (window, told, "speak");
  assert_said (told, submit, G_N_ELEMENTS (submit), missing);
  ui_press (GTK_WIDGET (window), "send");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_THANKS);
  hear (window, told, "speak");
  {
    static const SaysoStringId thanks[] = { SAYSO_STR_THANKS_TITLE, SAYSO_STR_THANKS_BODY, SAYSO_STR_THANKS_RETURN };
    assert_said (told, thanks, G_N_ELEMENTS (thanks), missing);
  }
  ui_thanks_timeout (window);

  hear_thanks (window, told, SAYSO_SUBMIT_WAITING, missing);
  hear_thanks (window, told, SAYSO_SUBMIT_REFUSED, missing);
}

/* A questionnaire with a clip for every one of the kiosk's own words: on
 * every page each is played from its own clip, through GtkMediaFile, and
 * none goes to eSpeak NG; every name is heard on some page, so a name no
 * page says is found too. */
static void
test_kiosk_clips (KioskFixture  *fixture,
                  gconstpointer  data)
{
  g_autofree char *dir = test_make_tmp_dir ();
  SaysoWindow *window;
  Told told;

  fixture->config->idle_timeout = 60;
  fixture->config->countdown = 20;
  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = load_kiosk_voices (dir, NULL);
  g_assert_cmpuint (sayso_questionnaire_get_audio_problems (fixture->questionnaire)->len, ==, 0);
  g_assert_cmpuint (sayso_questionnaire_get_n_audio (fixture->questionnaire), ==, SAYSO_N_KIOSK_TEXTS - 1);
  window = kiosk_fixture_open (fixture, FALSE);
  told_listen (&told, window);

  walk_every_page (fixture, window, &told, NULL);

  for (guint text = SAYSO_KIOSK_TEXT_NONE + 1; text < SAYSO_N_KIOSK_TEXTS; text++)
    {
      g_autofree char *file = g_strconcat (sayso_kiosk_text_get_name (text), ".wav", NULL);

      if (!g_hash_table_contains (told.clips_heard, file))
        g_error ("kiosk.%s is said on no page", sayso_kiosk_text_get_name (text));
    }
  /* Each one through GtkMediaFile, in turn. */
  g_assert_cmpuint (told.streams->len, ==, told.played->len);
  for (guint i = 0; i < told.streams->len; i++)
    g_assert_cmpstr (g_ptr_array_index (told.streams, i), ==, g_ptr_array_index (told.played, i));

  told_free (&told, window);
  test_remove_tree (dir);
}

/* A clip missing on each page: staff are told at start-up, and on its page
 * that text alone is said by eSpeak NG, the others still played. This is
 * also the control of test_kiosk_clips: the same measure finds the
 * kiosk's words given to eSpeak NG. */
static void
test_kiosk_clip_missing (KioskFixture  *fixture,
                         gconstpointer  data)
{
  static const char * const missing[] = {
    "promise_officer", "still_there_yes", "submit_title", "text_no_names", "thanks_return", "welcome_private", NULL,
  };
  g_autofree char *dir = test_make_tmp_dir ();
  GPtrArray *problems;
  SaysoWindow *window;
  Told told;

  fixture->config->idle_timeout = 60;
  fixture->config->countdown = 20;
  g_clear_object (&fixture->questionnaire);
  fixture->questionnaire = load_kiosk_voices (dir, missing);
  problems = sayso_questionnaire_get_audio_problems (fixture->questionnaire);
  g_assert_cmpuint (problems->len, ==, g_strv_length ((char **) missing));
  for (guint i = 0; missing[i]; i++)
    {
      g_autofree char *says = g_strdup_printf ("audio.en[\"kiosk.%s\"]: the clip \"kiosk/%s.wav\" is missing; "
                                               "eSpeak NG will say this text instead", missing[i], missing[i]);

      g_assert_cmpstr (g_ptr_array_index (problems, i), ==, says);
      g_test_expect_message ("sayso-window", G_LOG_LEVEL_MESSAGE, "*kiosk.*is missing*");
    }
  window = kiosk_fixture_open (fixture, FALSE);
  g_test_assert_expected_messages ();
  told_listen (&told, window);

  walk_every_page (fixture, window, &told, missing);

  for (guint i = 0; missing[i]; i++)
    {
      g_autofree char *file = g_strconcat (missing[i], ".wav", NULL);
      g_assert_false (g_hash_table_contains (told.clips_heard, file));
    }
  g_assert_cmpuint (g_hash_table_size (told.clips_heard), ==, SAYSO_N_KIOSK_TEXTS - 1 - g_strv_length ((char **) missing));

  told_free (&told, window);
  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/voice/option-control", KioskFixture, NULL, kiosk_fixture_setup, test_option_control, kiosk_fixture_teardown);
  g_test_add ("/kiosk/voice/typed-never-spoken", KioskFixture, NULL, kiosk_fixture_setup, test_typed_never_spoken, kiosk_fixture_teardown);
  g_test_add ("/kiosk/voice/clip-plays", KioskFixture, NULL, kiosk_fixture_setup, test_clip_plays, kiosk_fixture_teardown);
  g_test_add ("/kiosk/voice/volume", KioskFixture, NULL, kiosk_fixture_setup, test_volume, kiosk_fixture_teardown);
  g_test_add ("/kiosk/voice/kiosk-clips", KioskFixture, NULL, kiosk_fixture_setup, test_kiosk_clips, kiosk_fixture_teardown);
  g_test_add ("/kiosk/voice/kiosk-clip-missing", KioskFixture, NULL, kiosk_fixture_setup, test_kiosk_clip_missing, kiosk_fixture_teardown);

  return g_test_run ();
}
