/* test-lazy-lib: eSpeak NG and libsoup opened when first used.
 *
 * Measured from outside, in /proc/self/maps (this program links neither, as
 * sayso-kiosk does not; the control is GLib, which it links, found by the
 * same look): not there until the first use, there after it, the same
 * table to every caller and every thread. A library that cannot be opened,
 * or lacks a function, is an error naming it, and the seams above go on
 * without it: speech silent and said once, a bundle not sent and kept.
 * (The kiosk's own window, speaking and sending: tests/ui/test-startup.c.)
 */
#define G_LOG_DOMAIN "test-lazy-lib"

#include <string.h>

#include "sayso-lazy-lib-private.h"
#include "sayso-speech.h"
#include "sayso-test-utils.h"
#include "sayso-uploader.h"

#define ESPEAK_FILE "libespeak-ng.so"
#define SOUP_FILE   "libsoup-3.0.so"

static gboolean
library_mapped (const char *name)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, name) != NULL;
}

/* Each test in a process of its own: a library, once opened, stays. */
static gboolean
in_subprocess (void)
{
  if (g_test_subprocess ())
    return TRUE;
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  return FALSE;
}

static void
assert_table_full (gconstpointer table,
                   gsize         size)
{
  for (gsize offset = 0; offset < size; offset += sizeof (gpointer))
    {
      gpointer address;

      memcpy (&address, (const char *) table + offset, sizeof address);
      g_assert_nonnull (address);
    }
}

#ifdef HAVE_ESPEAK_NG
static void
test_espeak_when_used (void)
{
  g_autoptr(GError) error = NULL;
  const SaysoEspeak *espeak, *again;

  if (!in_subprocess ())
    return;

  g_assert_true (library_mapped ("libglib-2.0.so"));
  g_assert_false (library_mapped (ESPEAK_FILE));
  espeak = sayso_lazy_espeak (&error);
  g_assert_no_error (error);
  g_assert_nonnull (espeak);
  g_assert_true (library_mapped (ESPEAK_FILE));
  assert_table_full (espeak, sizeof *espeak);
  again = sayso_lazy_espeak (&error);
  g_assert_no_error (error);
  g_assert_true (again == espeak);
}

/* The first speech opens it, even where the engine then finds no sound card. */
static void
test_espeak_at_first_speech (void)
{
  g_autoptr(SaysoSpeech) speech = NULL;

  if (!in_subprocess ())
    return;

  g_unsetenv ("SAYSO_SPEECH");
  speech = sayso_speech_new ();
  g_assert_false (library_mapped (ESPEAK_FILE));
  sayso_speech_say (speech, "en", "Hello");
  g_assert_true (library_mapped (ESPEAK_FILE));
  sayso_speech_stop (speech);
}

/* Turned off, it is never opened. */
static void
test_espeak_speech_off (void)
{
  g_autoptr(SaysoSpeech) speech = NULL;

  if (!in_subprocess ())
    return;

  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  speech = sayso_speech_new ();
  sayso_speech_say (speech, "en", "Hello");
  g_assert_false (sayso_speech_get_available (speech));
  g_assert_false (library_mapped (ESPEAK_FILE));
}
#endif

static void
test_soup_when_used (void)
{
  g_autoptr(GError) error = NULL;
  const SaysoSoup *soup;

  if (!in_subprocess ())
    return;

  g_assert_false (library_mapped (SOUP_FILE));
  soup = sayso_lazy_soup (&error);
  g_assert_no_error (error);
  g_assert_nonnull (soup);
  g_assert_true (library_mapped (SOUP_FILE));
  assert_table_full (soup, sizeof *soup);
  /* The functions are libsoup's own: its session type, registered now. */
  g_assert_cmpstr (g_type_name (soup->session_get_type ()), ==, "SoupSession");
}

/* An uploader is made without it (the kiosk makes one at start whenever
 * the store has an address); the first bundle sent opens it. */
static void
test_soup_at_first_send (void)
{
  g_autoptr(GSocket) reservation = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SaysoUploader) uploader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];

  if (!in_subprocess ())
    return;

  dir = test_make_tmp_dir ();
  path = g_build_filename (dir, "1.sayso", NULL);
  g_assert_true (g_file_set_contents (path, "not a bundle", -1, NULL));
  sayso_sign_keypair_new (pk, sk);
  url = g_strdup_printf ("http://127.0.0.1:%u/", test_free_port (&reservation));
  uploader = sayso_uploader_new (url, pk, &error);
  g_assert_no_error (error);
  sayso_uploader_set_retries (uploader, 0);
  sayso_uploader_set_timeout (uploader, 5);
  g_assert_false (library_mapped (SOUP_FILE));

  /* Nothing listens there: a try made, and failed as a network does. */
  g_assert_cmpint (sayso_uploader_send (uploader, path, NULL, &error), ==, SAYSO_UPLOAD_TRY_AGAIN);
  g_assert_error (error, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_TRY_AGAIN);
  g_assert_nonnull (strstr (error->message, "could not reach the service"));
  g_assert_true (library_mapped (SOUP_FILE));
  test_remove_tree (dir);
}

typedef struct
{
  gint          ready;
  const SaysoSoup *seen[8];
} Race;

static gpointer
load_in_thread (gpointer data)
{
  Race *race = data;
  guint me = (guint) g_atomic_int_add (&race->ready, 1);

  /* All at once, as near as threads can be started together. */
  while (g_atomic_int_get (&race->ready) < (gint) G_N_ELEMENTS (race->seen))
    g_thread_yield ();
  race->seen[me] = sayso_lazy_soup (NULL);
  return NULL;
}

static void
test_soup_threads (void)
{
  GThread *threads[G_N_ELEMENTS (((Race *) NULL)->seen)];
  Race race = { 0 };

  if (!in_subprocess ())
    return;

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("load", load_in_thread, &race);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_nonnull (race.seen[0]);
  for (guint i = 1; i < G_N_ELEMENTS (threads); i++)
    g_assert_true (race.seen[i] == race.seen[0]);
  g_assert_true (library_mapped (SOUP_FILE));
}

#ifdef HAVE_ESPEAK_NG
static void
count_debug (const char     *log_domain,
             GLogLevelFlags  log_level,
             const char     *message,
             gpointer        data)
{
  if (strstr (message, "eSpeak NG (libsayso-no-espeak.so.1) could not be loaded: ") != NULL)
    (*(guint *) data)++;
}

static void
count_spoken (SaysoSpeech *speech,
              const char  *language,
              const char  *text,
              guint       *count)
{
  (*count)++;
}

/* As on a machine without eSpeak NG: the error names it, and the kiosk's
 * speech goes on silent, saying why once, not at every respondent. */
static void
test_espeak_missing (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autoptr(SaysoSpeech) speech = NULL;
  guint said = 0, spoken = 0;

  if (!in_subprocess ())
    return;

  g_unsetenv ("SAYSO_SPEECH");
  _sayso_lazy_espeak_set_soname ("libsayso-no-espeak.so.1");
  g_assert_null (sayso_lazy_espeak (&error));
  g_assert_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "eSpeak NG (libsayso-no-espeak.so.1) could not be loaded: "));
  g_assert_nonnull (strstr (error->message, "libsayso-no-espeak.so.1: cannot open shared object file"));
  /* Tried once: the same error to the next caller. */
  g_assert_null (sayso_lazy_espeak (&again));
  g_assert_cmpstr (again->message, ==, error->message);

  g_log_set_handler ("sayso-speech", G_LOG_LEVEL_DEBUG, count_debug, &said);
  speech = sayso_speech_new ();
  g_signal_connect (speech, "spoken", G_CALLBACK (count_spoken), &spoken);
  for (guint i = 0; i < 3; i++)
    sayso_speech_say (speech, "en", "Hello");
  g_assert_cmpuint (spoken, ==, 3);
  g_assert_false (sayso_speech_get_available (speech));
  g_assert_cmpuint (said, ==, 1);
  g_assert_false (library_mapped (ESPEAK_FILE));
}

#else
/* Built without eSpeak NG (its headers were missing): nothing is opened,
 * and the error says so. */
static void
test_espeak_not_built (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (sayso_lazy_espeak (&error));
  g_assert_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NOT_BUILT);
  g_assert_true (g_str_has_prefix (error->message, "eSpeak NG (libespeak-ng.so.1) could not be loaded: "));
  g_assert_false (library_mapped (ESPEAK_FILE));
}
#endif

/* As on a machine without libsoup: not sent, kept to try again, and the
 * error names the file and the library. */
static void
test_soup_missing (void)
{
  g_autoptr(SaysoUploader) uploader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];

  if (!in_subprocess ())
    return;

  _sayso_lazy_soup_set_soname ("libsayso-no-soup.so.0");
  dir = test_make_tmp_dir ();
  path = g_build_filename (dir, "1.sayso", NULL);
  g_assert_true (g_file_set_contents (path, "not a bundle", -1, NULL));
  sayso_sign_keypair_new (pk, sk);
  uploader = sayso_uploader_new ("http://127.0.0.1:9/", pk, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (sayso_uploader_send (uploader, path, NULL, &error), ==, SAYSO_UPLOAD_TRY_AGAIN);
      g_assert_error (error, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_CANNOT_SEND);
      expected = g_strdup_printf ("%s: not sent: libsoup (libsayso-no-soup.so.0) could not be loaded: ", path);
      g_assert_true (g_str_has_prefix (error->message, expected));
      g_clear_pointer (&expected, g_free);
      g_clear_error (&error);
    }
  g_assert_false (library_mapped (SOUP_FILE));
  test_remove_tree (dir);
}

/* The loader itself, on a library every machine has (zlib): a function it
 * lacks is named, and the control, one it has, is found and works. */
typedef struct
{
  const char *(*version) (void);
} Zlib;

static void
test_no_symbol (void)
{
  static const SaysoLazySymbol missing[] = { { "sayso_no_such_function", offsetof (Zlib, version) } };
  static const SaysoLazySymbol present[] = { { "zlibVersion", offsetof (Zlib, version) } };
  g_autoptr(GError) error = NULL;
  Zlib zlib = { NULL };

  g_assert_false (_sayso_lazy_lib_open ("zlib", "libz.so.1", missing, G_N_ELEMENTS (missing), &zlib, &error));
  g_assert_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NO_SYMBOL);
  g_assert_true (g_str_has_prefix (error->message, "zlib (libz.so.1) could not be loaded: it has no "
                                                   "sayso_no_such_function (not the version Sayso was built for)"));
  g_assert_null (zlib.version);
  g_clear_error (&error);

  g_assert_true (_sayso_lazy_lib_open ("zlib", "libz.so.1", present, G_N_ELEMENTS (present), &zlib, &error));
  g_assert_no_error (error);
  g_assert_nonnull (zlib.version);
  g_assert_true (g_str_has_prefix (zlib.version (), "1."));
}

/* A SONAME, never a path: a name with a slash is not opened. */
static void
test_no_path (void)
{
  static const SaysoLazySymbol present[] = { { "zlibVersion", offsetof (Zlib, version) } };
  g_autoptr(GError) error = NULL;
  Zlib zlib = { NULL };

  g_assert_false (_sayso_lazy_lib_open ("zlib", "/usr/lib/x86_64-linux-gnu/libz.so.1", present,
                                        G_N_ELEMENTS (present), &zlib, &error));
  g_assert_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, "zlib (/usr/lib/x86_64-linux-gnu/libz.so.1) could not be "
                                                   "loaded: a library is opened by its SONAME"));
  g_assert_null (zlib.version);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#ifdef HAVE_ESPEAK_NG
  g_test_add_func ("/lazy-lib/espeak/when-used", test_espeak_when_used);
  g_test_add_func ("/lazy-lib/espeak/at-first-speech", test_espeak_at_first_speech);
  g_test_add_func ("/lazy-lib/espeak/speech-off", test_espeak_speech_off);
  g_test_add_func ("/lazy-lib/espeak/missing", test_espeak_missing);
#else
  g_test_add_func ("/lazy-lib/espeak/not-built", test_espeak_not_built);
#endif
  g_test_add_func ("/lazy-lib/soup/when-used", test_soup_when_used);
  g_test_add_func ("/lazy-lib/soup/at-first-send", test_soup_at_first_send);
  g_test_add_func ("/lazy-lib/soup/threads", test_soup_threads);
  g_test_add_func ("/lazy-lib/soup/missing", test_soup_missing);
  g_test_add_func ("/lazy-lib/no-symbol", test_no_symbol);
  g_test_add_func ("/lazy-lib/no-path", test_no_path);

  return g_test_run ();
}
