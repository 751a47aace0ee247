/* test-speech: reading aloud, through sayso-speech alone (no GTK, no
 * display), with the engine the kiosk is built with; and the recorded
 * voices a questionnaire names, found (or reported) when it is loaded. */
#define G_LOG_DOMAIN "test-speech"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sayso-speech.h"
#include "sayso-test-utils.h"

static void
count_spoken (SaysoSpeech *speech,
              const char  *language,
              const char  *text,
              guint       *count)
{
  g_assert_cmpstr (language, ==, "cy");
  g_assert_cmpstr (text, ==, "Helo");
  (*count)++;
}

/* With the real engine and no sound card, speaking fails quietly. */
static void
test_speech_without_sound (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(SaysoSpeech) speech = NULL;
      guint count = 0;

      g_unsetenv ("SAYSO_SPEECH");
      speech = sayso_speech_new ();
      g_signal_connect (speech, "spoken", G_CALLBACK (count_spoken), &count);
      sayso_speech_say (speech, "cy", "Helo");
      sayso_speech_say (speech, "cy", "Helo");
      g_assert_cmpuint (count, ==, 2);
      g_assert_cmpstr (sayso_speech_get_last_text (speech), ==, "Helo");
      sayso_speech_stop (speech);
      g_assert_null (sayso_speech_get_last_text (speech));
      return;
    }

  g_test_trap_subprocess (NULL, 30 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

/* --- What reaches the seam --------------------------------------------- */

/* Everything said, in order: "espeak:TEXT" or "clip:BASENAME:TEXT". */
typedef struct
{
  GPtrArray *said;
} Heard;

static void
heard_spoken (SaysoSpeech *speech,
              const char  *language,
              const char  *text,
              Heard       *heard)
{
  g_ptr_array_add (heard->said, g_strdup_printf ("espeak:%s", text));
}

static void
heard_played (SaysoSpeech *speech,
              const char  *language,
              const char  *text,
              GFile       *clip,
              Heard       *heard)
{
  g_autofree char *name = g_file_get_basename (clip);
  g_ptr_array_add (heard->said, g_strdup_printf ("clip:%s:%s", name, text));
}

static void
heard_listen (Heard       *heard,
              SaysoSpeech *speech)
{
  heard->said = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (speech, "spoken", G_CALLBACK (heard_spoken), heard);
  g_signal_connect (speech, "played", G_CALLBACK (heard_played), heard);
}

static SaysoQuestion *
question_with_options (SaysoQuestionnaire *questionnaire,
                       guint               n_options)
{
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (questionnaire); i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (questionnaire, i);
      if (sayso_question_get_n_options (question) == n_options)
        return question;
    }
  g_assert_not_reached ();
}

/* Each option's control says that option's words and nothing else: not the
 * screen, not its neighbours. */
static void
test_option_own_words (void)
{
  g_autoptr(SaysoQuestionnaire) questionnaire = sayso_questionnaire_new_default ();
  g_autoptr(SaysoSpeech) speech = sayso_speech_new ();
  SaysoQuestion *question = question_with_options (questionnaire, 14);
  Heard heard;

  heard_listen (&heard, speech);
  for (guint i = 0; i < 14; i++)
    {
      g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();
      const char *label = sayso_question_get_option_label (question, i, "cy");

      g_ptr_array_set_size (heard.said, 0);
      sayso_speech_parts_add_option (parts, questionnaire, question, i, "cy");
      sayso_speech_say_parts (speech, "cy", parts);
      g_assert_cmpuint (heard.said->len, ==, 1);
      g_assert_true (g_str_has_prefix (g_ptr_array_index (heard.said, 0), "espeak:"));
      g_assert_cmpstr ((char *) g_ptr_array_index (heard.said, 0) + strlen ("espeak:"), ==, label);
      g_assert_cmpstr (sayso_speech_get_last_text (speech), ==, label);
    }

  /* Control: the whole question says far more than one option. */
  {
    g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();

    sayso_speech_parts_add_question (parts, questionnaire, question, "cy");
    sayso_speech_say_parts (speech, "cy", parts);
    g_assert_cmpstr (sayso_speech_get_last_text (speech), !=, sayso_question_get_option_label (question, 0, "cy"));
  }
  g_ptr_array_unref (heard.said);
}

/* "Read aloud": the question, its help, then the options in order, each
 * with its number, in one breath for eSpeak NG. */
static void
test_read_aloud_numbered (void)
{
  g_autoptr(SaysoQuestionnaire) questionnaire = sayso_questionnaire_new_default ();
  g_autoptr(SaysoSpeech) speech = sayso_speech_new ();
  g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();
  SaysoQuestion *question = question_with_options (questionnaire, 14);
  g_autoptr(GString) expected = g_string_new (NULL);
  Heard heard;

  heard_listen (&heard, speech);
  sayso_speech_parts_add_question (parts, questionnaire, question, "en");
  sayso_speech_say_parts (speech, "en", parts);

  /* Built here by hand from the questionnaire's texts. */
  g_string_append_printf (expected, "%s %s", sayso_question_get_text (question, "en"),
                          sayso_question_get_help (question, "en"));
  if (!g_str_has_suffix (expected->str, "."))
    g_string_append_c (expected, '.');
  for (guint i = 0; i < 14; i++)
    g_string_append_printf (expected, " %u. %s.", i + 1, sayso_question_get_option_label (question, i, "en"));

  g_assert_cmpuint (heard.said->len, ==, 1);
  g_assert_cmpstr ((char *) g_ptr_array_index (heard.said, 0) + strlen ("espeak:"), ==, expected->str);
  g_assert_nonnull (strstr (expected->str, " 1. Appointments"));
  g_assert_nonnull (strstr (expected->str, " 14. "));
  g_ptr_array_unref (heard.said);
}

/* --- Recorded voices --------------------------------------------------- */

/* A stand-in voice: plays nothing, says at once that it played (or, for a
 * clip named "broken-…", that it failed, as a broken file does while
 * playing). */
#define TEST_TYPE_VOICE (test_voice_get_type ())
G_DECLARE_FINAL_TYPE (TestVoice, test_voice, TEST, VOICE, GObject)

struct _TestVoice
{
  GObject parent_instance;
  double  volume;
  guint   n_played;
};

static void
test_voice_play (SaysoVoice *voice,
                 GFile      *clip)
{
  g_autofree char *name = g_file_get_basename (clip);

  TEST_VOICE (voice)->n_played++;
  g_signal_emit_by_name (voice, g_str_has_prefix (name, "broken-") ? "failed" : "finished");
}

static void
test_voice_stop (SaysoVoice *voice)
{
}

static void
test_voice_set_volume (SaysoVoice *voice,
                       double      volume)
{
  TEST_VOICE (voice)->volume = volume;
}

static void
test_voice_iface_init (SaysoVoiceInterface *iface)
{
  iface->play = test_voice_play;
  iface->stop = test_voice_stop;
  iface->set_volume = test_voice_set_volume;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestVoice, test_voice, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SAYSO_TYPE_VOICE, test_voice_iface_init))

static void test_voice_class_init (TestVoiceClass *klass) { }
static void test_voice_init (TestVoice *self) { }

/* A questionnaire in its own folder, with AUDIO as its "audio" member. */
static char *
write_questionnaire (const char *dir,
                     const char *audio)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"id\": \"voices\", \"version\": 1, \"languages\": [\"en\", \"cy\"],\n"
    " \"title\": {\"en\": \"Voices\", \"cy\": \"Lleisiau\"},\n"
    " \"sections\": [{\"id\": \"s\", \"title\": {\"en\": \"S\", \"cy\": \"S\"}}],\n"
    " \"questions\": [\n"
    "  {\"id\": \"issue\", \"section\": \"s\", \"kind\": \"single\",\n"
    "   \"text\": {\"en\": \"What was hard?\", \"cy\": \"Beth oedd yn anodd?\"},\n"
    "   \"help\": {\"en\": \"Choose one.\", \"cy\": \"Dewiswch un.\"},\n"
    "   \"options\": [\n"
    "     {\"id\": \"travel\", \"label\": {\"en\": \"Travel\", \"cy\": \"Teithio\"}},\n"
    "     {\"id\": \"money\", \"label\": {\"en\": \"Money\", \"cy\": \"Arian\"}},\n"
    "     {\"id\": \"housing\", \"label\": {\"en\": \"Housing\", \"cy\": \"Tai\"}}]},\n"
    "  {\"id\": \"say\", \"section\": \"s\", \"kind\": \"text\", \"max_length\": 100,\n"
    "   \"text\": {\"en\": \"Tell us more\", \"cy\": \"Dywedwch fwy\"}}],\n"
    " \"audio\": %s}\n", audio);
  char *path = g_build_filename (dir, "voices.json", NULL);

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  return path;
}

static void
write_clip (const char *dir,
            const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *folder = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, "RIFF....WAVE", 12, NULL));
}

/* Each text is played from its clip where it has one, said by eSpeak NG
 * where it has none or its clip fails while playing; in order. */
static void
test_clip_or_espeak (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(SaysoSpeech) speech = sayso_speech_new ();
  g_autoptr(TestVoice) voice = g_object_new (TEST_TYPE_VOICE, NULL);
  g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();
  g_autoptr(GError) error = NULL;
  SaysoQuestion *question;
  Heard heard;

  write_clip (dir, "en/question.wav");
  write_clip (dir, "en/travel.ogg");
  write_clip (dir, "en/broken-money.opus");
  path = write_questionnaire (dir,
    "{\"en\": {\"questions.issue.text\": \"en/question.wav\",\n"
    "          \"questions.issue.options.travel\": \"en/travel.ogg\",\n"
    "          \"questions.issue.options.money\": \"en/broken-money.opus\"}}");
  questionnaire = sayso_questionnaire_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sayso_questionnaire_get_audio_problems (questionnaire)->len, ==, 0);
  g_assert_cmpuint (sayso_questionnaire_get_n_audio (questionnaire), ==, 3);
  question = sayso_questionnaire_lookup_question (questionnaire, "issue");

  heard_listen (&heard, speech);
  sayso_speech_set_voice (speech, SAYSO_VOICE (voice));
  sayso_speech_parts_add_question (parts, questionnaire, question, "en");
  sayso_speech_say_parts (speech, "en", parts);

  g_assert_cmpuint (heard.said->len, ==, 7);
  g_assert_cmpstr (g_ptr_array_index (heard.said, 0), ==, "clip:question.wav:What was hard?");
  g_assert_cmpstr (g_ptr_array_index (heard.said, 1), ==, "espeak:Choose one. 1.");
  g_assert_cmpstr (g_ptr_array_index (heard.said, 2), ==, "clip:travel.ogg:Travel.");
  g_assert_cmpstr (g_ptr_array_index (heard.said, 3), ==, "espeak:2.");
  /* The broken clip was tried, then its words went to eSpeak NG. */
  g_assert_cmpstr (g_ptr_array_index (heard.said, 4), ==, "clip:broken-money.opus:Money.");
  g_assert_cmpstr (g_ptr_array_index (heard.said, 5), ==, "espeak:Money.");
  g_assert_cmpstr (g_ptr_array_index (heard.said, 6), ==, "espeak:3. Housing.");
  g_assert_cmpuint (voice->n_played, ==, 3);

  /* In Welsh there are no clips: all of it is eSpeak NG's. */
  g_ptr_array_set_size (heard.said, 0);
  g_ptr_array_set_size (parts, 0);
  sayso_speech_parts_add_option (parts, questionnaire, question, 0, "cy");
  sayso_speech_say_parts (speech, "cy", parts);
  g_assert_cmpuint (heard.said->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (heard.said, 0), ==, "espeak:Teithio");

  /* The volume reaches the voice, within its range. */
  sayso_speech_set_volume (speech, 0.4);
  g_assert_cmpfloat_with_epsilon (voice->volume, 0.4, 1e-9);
  sayso_speech_set_volume (speech, 7);
  g_assert_cmpfloat_with_epsilon (sayso_speech_get_volume (speech), 1.0, 1e-9);

  g_ptr_array_unref (heard.said);
  test_remove_tree (dir);
}

/* A clip deleted before the questionnaire is loaded: reported then, naming
 * the file and its text, and that text goes to eSpeak NG. */
static void
test_missing_clip (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(SaysoSpeech) speech = sayso_speech_new ();
  g_autoptr(TestVoice) voice = g_object_new (TEST_TYPE_VOICE, NULL);
  g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *clip_path = NULL;
  GPtrArray *problems;
  Heard heard;

  write_clip (dir, "travel.ogg");
  path = write_questionnaire (dir, "{\"en\": {\"questions.issue.options.travel\": \"travel.ogg\"}}");

  /* Control: with the clip there, nothing to report and the clip plays. */
  g_assert_cmpint (test_run_sayso (NULL, &out, &err, "check", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 recorded clips found"));
  g_assert_cmpstr (err, ==, "");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  clip_path = g_build_filename (dir, "travel.ogg", NULL);
  g_assert_cmpint (g_unlink (clip_path), ==, 0);

  questionnaire = sayso_questionnaire_new_from_file (path, &error);
  g_assert_no_error (error);
  problems = sayso_questionnaire_get_audio_problems (questionnaire);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==,
                   "audio.en[\"questions.issue.options.travel\"]: the clip \"travel.ogg\" is missing; "
                   "eSpeak NG will say this text instead");

  heard_listen (&heard, speech);
  sayso_speech_set_voice (speech, SAYSO_VOICE (voice));
  sayso_speech_parts_add_option (parts, questionnaire, sayso_questionnaire_lookup_question (questionnaire, "issue"), 0, "en");
  sayso_speech_say_parts (speech, "en", parts);
  g_assert_cmpuint (heard.said->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (heard.said, 0), ==, "espeak:Travel");
  g_assert_cmpuint (voice->n_played, ==, 0);

  /* And `sayso check` says so, with exit status 1. */
  g_assert_cmpint (test_run_sayso (NULL, &out, &err, "check", path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "\"travel.ogg\" is missing"));
  g_assert_nonnull (strstr (err, "questions.issue.options.travel"));

  g_ptr_array_unref (heard.said);
  test_remove_tree (dir);
}

/* A clip outside the questionnaire's folder, by its spelling or through a
 * link, or one that is a folder: each told when the questionnaire is
 * loaded. */
static void
test_clip_places (void)
{
  static const struct { const char *path; const char *says; } refused[] = {
    { "../secret.ogg", "\"../secret.ogg\" must not leave the questionnaire's folder" },
    { "clips/../../secret.ogg", "must not leave the questionnaire's folder" },
    { "/etc/passwd.wav", "\"/etc/passwd.wav\" must be relative to the questionnaire's folder, not absolute" },
    { "clip.mp3", "must be an Ogg (.ogg, .oga, .opus) or WAV (.wav) file" },
    { "", "is empty" },
  };
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *outside = test_make_tmp_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *audio = g_strdup_printf ("{\"cy\": {\"questions.issue.help\": \"%s\"}}", refused[i].path);
      g_autofree char *path = write_questionnaire (dir, audio);
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoQuestionnaire) questionnaire = sayso_questionnaire_new_from_file (path, &error);

      g_assert_null (questionnaire);
      g_assert_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "audio.cy[\"questions.issue.help\"]"));
      g_assert_nonnull (strstr (error->message, refused[i].says));
    }

  /* A text that is not there, in a language that is not either. */
  {
    g_autofree char *path = write_questionnaire (dir, "{\"en\": {\"questions.say.help\": \"a.ogg\", "
                                                       "\"questions.nope.text\": \"b.ogg\"}, \"fr\": {}}");
    g_autoptr(GError) error = NULL;
    g_autoptr(SaysoQuestionnaire) questionnaire = sayso_questionnaire_new_from_file (path, &error);

    g_assert_null (questionnaire);
    g_assert_nonnull (strstr (error->message, "audio.en[\"questions.say.help\"]: names no text"));
    g_assert_nonnull (strstr (error->message, "audio.en[\"questions.nope.text\"]: names no text"));
    g_assert_nonnull (strstr (error->message, "language \"fr\" is not in \"languages\""));
  }

  /* On disk: a folder, a link out, a link to nowhere; and one good clip. */
  {
    g_autofree char *folder = g_build_filename (dir, "folder.ogg", NULL);
    g_autofree char *secret = g_build_filename (outside, "secret.ogg", NULL);
    g_autofree char *link_out = g_build_filename (dir, "out.ogg", NULL);
    g_autofree char *link_nowhere = g_build_filename (dir, "nowhere.ogg", NULL);
    g_autofree char *linked_folder = g_build_filename (dir, "elsewhere", NULL);
    g_autofree char *path = NULL;
    g_autofree char *err = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
    GPtrArray *problems;

    g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
    g_assert_true (g_file_set_contents (secret, "RIFF....WAVE", -1, NULL));
    g_assert_cmpint (symlink (secret, link_out), ==, 0);
    g_assert_cmpint (symlink ("gone.ogg", link_nowhere), ==, 0);
    g_assert_cmpint (symlink (outside, linked_folder), ==, 0);
    write_clip (dir, "good.ogg");
    path = write_questionnaire (dir,
      "{\"en\": {\"questions.issue.text\": \"folder.ogg\", \"questions.issue.help\": \"out.ogg\",\n"
      "          \"questions.issue.options.money\": \"nowhere.ogg\",\n"
      "          \"questions.issue.options.housing\": \"elsewhere/secret.ogg\",\n"
      "          \"questions.issue.options.travel\": \"good.ogg\"}}");
    questionnaire = sayso_questionnaire_new_from_file (path, &error);
    g_assert_no_error (error);
    problems = sayso_questionnaire_get_audio_problems (questionnaire);
    g_assert_cmpuint (problems->len, ==, 4);
    g_assert_cmpuint (sayso_questionnaire_get_n_audio (questionnaire), ==, 1);
    /* Sorted by the text they belong to. */
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 0), "[\"questions.issue.help\"]: the clip \"out.ogg\" is a link that leads out"));
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 1), "\"elsewhere/secret.ogg\" lies out of the questionnaire's folder"));
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 2), "\"nowhere.ogg\" is a link that leads out of the questionnaire's folder, or nowhere"));
    g_assert_nonnull (strstr (g_ptr_array_index (problems, 3), "[\"questions.issue.text\"]: the clip \"folder.ogg\" is a folder, not a clip"));
    g_assert_null (sayso_questionnaire_get_question_audio (questionnaire, sayso_questionnaire_lookup_question (questionnaire, "issue"),
                                                           "help", 0, "en"));
    /* Control: the good clip is there to play. */
    g_assert_nonnull (sayso_questionnaire_get_question_audio (questionnaire, sayso_questionnaire_lookup_question (questionnaire, "issue"),
                                                              "options", 0, "en"));

    g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "check", path, NULL), ==, 1);
    g_assert_nonnull (strstr (err, "is a folder, not a clip"));
  }

  test_remove_tree (dir);
  test_remove_tree (outside);
}

/* A clip for every one of the kiosk's own words, in Welsh, under its
 * name: all accepted and found, and `sayso check` counts them. */
static void
test_kiosk_keys (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autoptr(GString) audio = g_string_new ("{\"cy\": {");
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(SaysoQuestionnaire) questionnaire = NULL;
  g_autoptr(GError) error = NULL;

  for (guint text = SAYSO_KIOSK_TEXT_NONE + 1; text < SAYSO_N_KIOSK_TEXTS; text++)
    {
      const char *name = sayso_kiosk_text_get_name (text);
      g_autofree char *clip = g_strconcat ("cy/", name, ".ogg", NULL);

      write_clip (dir, clip);
      g_string_append_printf (audio, "%s\"kiosk.%s\": \"%s\"", text > 1 ? ", " : "", name, clip);
    }
  g_string_append (audio, "}}");
  path = write_questionnaire (dir, audio->str);
  questionnaire = sayso_questionnaire_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sayso_questionnaire_get_audio_problems (questionnaire)->len, ==, 0);
  g_assert_cmpuint (sayso_questionnaire_get_n_audio (questionnaire), ==, SAYSO_N_KIOSK_TEXTS - 1);
  for (guint text = SAYSO_KIOSK_TEXT_NONE + 1; text < SAYSO_N_KIOSK_TEXTS; text++)
    {
      GFile *clip = sayso_questionnaire_get_kiosk_audio (questionnaire, text, "cy");
      g_autofree char *base = NULL;
      g_autofree char *want = g_strconcat (sayso_kiosk_text_get_name (text), ".ogg", NULL);

      g_assert_nonnull (clip);
      base = g_file_get_basename (clip);
      g_assert_cmpstr (base, ==, want);
      g_assert_null (sayso_questionnaire_get_kiosk_audio (questionnaire, text, "en"));
    }
  g_assert_null (sayso_questionnaire_get_kiosk_audio (questionnaire, SAYSO_KIOSK_TEXT_NONE, "cy"));

  expected = g_strdup_printf ("%u recorded clips found", SAYSO_N_KIOSK_TEXTS - 1);
  g_assert_cmpint (test_run_sayso (NULL, &out, NULL, "check", path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, expected));

  test_remove_tree (dir);
}

/* A "kiosk." key that names none of the kiosk's words is a fault naming
 * it, when the questionnaire is loaded and in `sayso check`, and the
 * message lists the names there are. The control: the good key beside it
 * is not a fault. */
static void
test_kiosk_key_unknown (void)
{
  static const char * const unknown[] = {
    "kiosk.welcome_titel", "kiosk.progress", "kiosk.WELCOME_TITLE", "kiosk.", "kiosk.welcome_title.x",
  };
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *err = NULL;
  g_autofree char *path = NULL;

  write_clip (dir, "a.wav");
  for (guint i = 0; i < G_N_ELEMENTS (unknown); i++)
    {
      g_autofree char *audio = g_strdup_printf ("{\"en\": {\"%s\": \"a.wav\", \"kiosk.welcome_title\": \"a.wav\"}}",
                                                unknown[i]);
      g_autofree char *where = g_strdup_printf ("audio.en[\"%s\"]: names ", unknown[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoQuestionnaire) questionnaire = NULL;

      g_clear_pointer (&path, g_free);
      path = write_questionnaire (dir, audio);
      questionnaire = sayso_questionnaire_new_from_file (path, &error);
      g_assert_null (questionnaire);
      g_assert_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, where));
      g_assert_null (strstr (error->message, "[\"kiosk.welcome_title\"]"));
    }

  /* The one a person is likeliest to mistype, as `sayso check` says it. */
  g_clear_pointer (&path, g_free);
  path = write_questionnaire (dir, "{\"en\": {\"kiosk.welcome_titel\": \"a.wav\"}}");
  g_assert_cmpint (test_run_sayso (NULL, NULL, &err, "check", path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "audio.en[\"kiosk.welcome_titel\"]: names none of the kiosk's own words said aloud"));
  g_assert_nonnull (strstr (err, "welcome_title, welcome_private, welcome_invite, promise_title"));
  g_assert_nonnull (strstr (err, "still_there_yes"));

  test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/speech/without-sound", test_speech_without_sound);
  g_test_add_func ("/speech/option-own-words", test_option_own_words);
  g_test_add_func ("/speech/read-aloud-numbered", test_read_aloud_numbered);
  g_test_add_func ("/speech/clip-or-espeak", test_clip_or_espeak);
  g_test_add_func ("/speech/missing-clip", test_missing_clip);
  g_test_add_func ("/speech/clip-places", test_clip_places);
  g_test_add_func ("/speech/kiosk-keys", test_kiosk_keys);
  g_test_add_func ("/speech/kiosk-key-unknown", test_kiosk_key_unknown);

  return g_test_run ();
}
