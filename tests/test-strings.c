/* test-strings: the kiosk's own words. Every string has English and Welsh
 * text, the two take the same numbers in the same places, and a language
 * the kiosk has no words for falls back to English. The words come from
 * the catalogs po/LINGUAS names and no others (the test languages are the
 * tests' alone), po/sayso.pot holds every one, and the Welsh says it
 * awaits review, entry by entry and in its header. Each word said aloud has
 * one name for its recorded clip. */
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
    for (gulong n = 0; n <= 12; n++)
    {
      const char *en = sayso_string_plural (id, "en", n);
      const char *cy = sayso_string_plural (id, "cy", n);
      g_autofree char *en_conversions = NULL;
      g_autofree char *cy_conversions = NULL;

      g_test_message ("string %d for %lu", id, n);
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

/* Welsh has four plural forms; English two. */
static void
test_plurals (void)
{
  g_assert_cmpstr (sayso_string_plural (SAYSO_STR_TEXT_COUNT, "en", 1), ==, "%u of %u letter");
  g_assert_cmpstr (sayso_string_plural (SAYSO_STR_TEXT_COUNT, "en", 500), ==, "%u of %u letters");
  g_assert_cmpstr (sayso_string_plural (SAYSO_STR_STILL_THERE_BODY, "fr", 1), ==,
                   "If you do not tap the screen, your answers will be deleted in %u second.");
  g_assert_cmpstr (sayso_string_plural (SAYSO_STR_STILL_THERE_BODY, "cy", 20), ==,
                   "Os na fyddwch chi'n tapio'r sgrin, bydd eich atebion yn cael eu dileu mewn %u eiliad.");
  /* A word without a count is the same whatever the count. */
  g_assert_cmpstr (sayso_string_plural (SAYSO_STR_BACK, "cy", 3), ==, sayso_string (SAYSO_STR_BACK, "cy"));
}

static char *
source_file (const char *name)
{
  const char *root = g_getenv ("SAYSO_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  g_assert_nonnull (root);
  path = g_build_filename (root, "po", name, NULL);
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

/* The real kiosk's languages are English and po/LINGUAS's, each loaded:
 * never a test language. */
static void
test_languages_are_linguas (void)
{
  g_autofree char *linguas = source_file ("LINGUAS");
  g_auto(GStrv) lines = g_strsplit (linguas, "\n", -1);
  g_auto(GStrv) languages = sayso_strings_dup_languages ();
  g_autoptr(GStrvBuilder) expected = g_strv_builder_new ();
  g_auto(GStrv) want = NULL;

  g_strv_builder_add (expected, "en");
  for (guint i = 0; lines[i]; i++)
    if (*g_strstrip (lines[i]) && lines[i][0] != '#')
      g_strv_builder_add (expected, lines[i]);
  want = g_strv_builder_end (expected);
  g_assert_true (g_strv_equal ((const char * const *) languages, (const char * const *) want));
  g_assert_false (sayso_strings_has_language ("qpl"));
  g_assert_false (sayso_strings_has_language ("qpr"));
  g_assert_true (sayso_strings_has_language ("en"));
  g_assert_true (sayso_strings_has_language ("cy"));
}

/* Every word is in po/sayso.pot (so a translator sees it), as its msgid. */
static void
test_template_has_every_word (void)
{
  g_autofree char *wrapped = source_file ("sayso.pot");
  /* xgettext wraps long strings over lines: "a "\n"b" is "a b". */
  g_autoptr(GString) pot = g_string_new (wrapped);

  g_string_replace (pot, "\"\n\"", "", 0);
  for (int id = 0; id < SAYSO_N_STRINGS; id++)
    {
      g_autofree char *escaped = g_strescape (sayso_string_plural (id, "en", 1), NULL);
      g_autofree char *line = g_strdup_printf ("\nmsgid \"%s\"\n", escaped);

      if (strstr (pot->str, line) == NULL)
        g_error ("po/sayso.pot lacks %s: run meson compile sayso-pot", line);
    }
}

/* Shipped as what it is: the Welsh is marked awaiting review by a
 * first-language speaker, in its header (which the kiosk reads) and at
 * every entry; English, the source, is not a translation to review. */
static void
test_welsh_marked_for_review (void)
{
  g_autofree char *po = source_file ("cy.po");
  g_auto(GStrv) entries = g_strsplit (po, "\n\n", -1);
  guint marked = 0;

  g_assert_cmpstr (sayso_strings_get_review ("cy"), ==, "awaiting review by a first-language speaker");
  g_assert_null (sayso_strings_get_review ("en"));
  for (guint i = 1; entries[i]; i++)
    {
      if (strstr (entries[i], "msgid ") == NULL)
        continue;
      if (!g_str_has_prefix (entries[i], "# Awaiting review by a first-language Welsh speaker."))
        g_error ("po/cy.po: an entry not marked as awaiting review:\n%s", entries[i]);
      marked++;
    }
  g_assert_cmpuint (marked, >=, SAYSO_N_STRINGS - 3);
}

/* A text's direction is its first letter's script's; a language's, its
 * own name's in its catalog. */
static void
test_directions (void)
{
  g_assert_cmpint (sayso_text_direction ("العربية"), ==, SAYSO_DIRECTION_RTL);
  g_assert_cmpint (sayso_text_direction ("اردو"), ==, SAYSO_DIRECTION_RTL);
  g_assert_cmpint (sayso_text_direction ("עברית"), ==, SAYSO_DIRECTION_RTL);
  g_assert_cmpint (sayso_text_direction ("12 فارسی"), ==, SAYSO_DIRECTION_RTL);
  /* Controls: Punjabi in Gurmukhi, Welsh, digits alone. */
  g_assert_cmpint (sayso_text_direction ("ਪੰਜਾਬੀ"), ==, SAYSO_DIRECTION_LTR);
  g_assert_cmpint (sayso_text_direction ("Cymraeg"), ==, SAYSO_DIRECTION_LTR);
  g_assert_cmpint (sayso_text_direction ("12 / 500"), ==, SAYSO_DIRECTION_NEUTRAL);
  g_assert_false (sayso_language_is_rtl ("cy"));
  g_assert_false (sayso_language_is_rtl ("en"));
  g_assert_false (sayso_language_is_rtl ("ar"));   /* no catalog: shown in English */
}

/* Each name a clip can be given under ("kiosk.NAME") is one word's, and
 * every name is some word's; a word with a number in it has none, since
 * a recording could not say the number. The control: a name that is not
 * in the list is no word's. */
static void
test_kiosk_text_names (void)
{
  guint uses[SAYSO_N_KIOSK_TEXTS] = { 0 };

  for (guint id = 0; id < SAYSO_N_STRINGS; id++)
    {
      SaysoKioskText text = sayso_string_get_kiosk_text (id);

      g_assert_cmpuint (text, <, SAYSO_N_KIOSK_TEXTS);
      uses[text]++;
    }
  for (guint text = SAYSO_KIOSK_TEXT_NONE + 1; text < SAYSO_N_KIOSK_TEXTS; text++)
    {
      const char *name = sayso_kiosk_text_get_name (text);

      g_assert_nonnull (name);
      if (uses[text] != 1)
        g_error ("kiosk.%s is the name of %u words, not one", name, uses[text]);
      g_assert_cmpint (sayso_kiosk_text_lookup (name), ==, text);
    }
  g_assert_null (sayso_kiosk_text_get_name (SAYSO_KIOSK_TEXT_NONE));
  g_assert_cmpint (sayso_string_get_kiosk_text (SAYSO_STR_PROGRESS), ==, SAYSO_KIOSK_TEXT_NONE);
  g_assert_cmpint (sayso_string_get_kiosk_text (SAYSO_STR_STILL_THERE_BODY), ==, SAYSO_KIOSK_TEXT_NONE);
  g_assert_cmpint (sayso_string_get_kiosk_text (SAYSO_STR_TEXT_COUNT), ==, SAYSO_KIOSK_TEXT_NONE);
  g_assert_cmpint (sayso_kiosk_text_lookup ("progress"), ==, SAYSO_KIOSK_TEXT_NONE);
  g_assert_cmpint (sayso_kiosk_text_lookup ("WELCOME_TITLE"), ==, SAYSO_KIOSK_TEXT_NONE);
  g_assert_cmpint (sayso_kiosk_text_lookup (""), ==, SAYSO_KIOSK_TEXT_NONE);
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
  g_test_add_func ("/strings/plurals", test_plurals);
  g_test_add_func ("/strings/languages-are-linguas", test_languages_are_linguas);
  g_test_add_func ("/strings/template-has-every-word", test_template_has_every_word);
  g_test_add_func ("/strings/welsh-marked-for-review", test_welsh_marked_for_review);
  g_test_add_func ("/strings/directions", test_directions);
  g_test_add_func ("/strings/id-out-of-range", test_id_out_of_range);
  g_test_add_func ("/strings/kiosk-text-names", test_kiosk_text_names);

  return g_test_run ();
}
