/* test-speech: reading aloud, through sayso-speech alone (no GTK, no
 * display), with the engine the kiosk is built with. */
#define G_LOG_DOMAIN "test-speech"

#include "sayso-speech.h"

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

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/speech/without-sound", test_speech_without_sound);

  return g_test_run ();
}
