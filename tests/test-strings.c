/* test-strings: the kiosk's own words. Every string has English and Welsh
 * text, the two take the same numbers in the same places, and a language
 * the kiosk has no words for falls back to English. */
#define G_LOG_DOMAIN "test-strings"

#include <string.h>

#include "sayso-strings.h"

/* The printf conversions of a string, in order: "%u%u" for "%u of %u". */
static char *
conversions (const char *text)
{
  GString *found = g_string_new (NULL);

  for (const char *p = strchr (text, '%'); p != NULL; p = strchr (p + 2, '%'))
    {
      g_assert_cmpint (p[1], !=, '\0');
      g_string_append_c (found, '%');
      g_string_append_c (found, p[1]);
    }
  return g_string_free (found, FALSE);
}

static void
test_every_string_in_both (void)
{
  for (int id = 0; id < SAYSO_N_STRINGS; id++)
    {
      const char *en = sayso_string (id, "en");
      const char *cy = sayso_string (id, "cy");
      g_autofree char *en_conversions = NULL;
      g_autofree char *cy_conversions = NULL;

      g_test_message ("string %d", id);
      g_assert_nonnull (en);
      g_assert_nonnull (cy);
      g_assert_cmpuint (strlen (en), >, 0);
      g_assert_cmpuint (strlen (cy), >, 0);
      g_assert_true (g_utf8_validate (en, -1, NULL));
      g_assert_true (g_utf8_validate (cy, -1, NULL));
      /* Welsh of its own, not the English left in its place. */
      g_assert_cmpstr (cy, !=, en);
      en_conversions = conversions (en);
      cy_conversions = conversions (cy);
      g_assert_cmpstr (cy_conversions, ==, en_conversions);
    }
}

static void
test_unknown_language_is_english (void)
{
  static const char * const others[] = { "fr", "", "CY", "cy-GB", "en_GB", NULL };

  for (int id = 0; id < SAYSO_N_STRINGS; id++)
    for (gsize i = 0; i < G_N_ELEMENTS (others); i++)
      g_assert_cmpstr (sayso_string (id, others[i]), ==, sayso_string (id, "en"));
}

/* Negative control: the comparisons above can tell the languages apart. */
static void
test_welsh_is_not_english (void)
{
  g_assert_cmpstr (sayso_string (SAYSO_STR_LANGUAGE_NAME, "en"), ==, "English");
  g_assert_cmpstr (sayso_string (SAYSO_STR_LANGUAGE_NAME, "cy"), ==, "Cymraeg");
  g_assert_cmpstr (sayso_string (SAYSO_STR_LANGUAGE_NAME, "fr"), !=, sayso_string (SAYSO_STR_LANGUAGE_NAME, "cy"));
}

/* An id past the table is a programming error, said as one, never a read
 * past its end. */
static void
test_id_out_of_range (void)
{
  if (g_test_subprocess ())
    {
      g_assert_cmpstr (sayso_string (SAYSO_N_STRINGS, "en"), ==, "");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*CRITICAL*id < SAYSO_N_STRINGS*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/strings/every-string-in-both", test_every_string_in_both);
  g_test_add_func ("/strings/unknown-language-is-english", test_unknown_language_is_english);
  g_test_add_func ("/strings/welsh-is-not-english", test_welsh_is_not_english);
  g_test_add_func ("/strings/id-out-of-range", test_id_out_of_range);

  return g_test_run ();
}
