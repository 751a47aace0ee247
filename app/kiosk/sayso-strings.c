/* sayso-strings.c: the kiosk's own words.
 *
 * Plain English for a reading age of about nine. The English is each word's
 * msgid; every other language is a gettext catalog, po/xx.po, compiled by
 * msgfmt when the kiosk is built and carried in its resources at
 * /org/sayso/Sayso/catalogs/xx.mo. Catalogs are read from the resources
 * rather than the system's locale directory because the kiosk shows two
 * languages at once (the process has one locale, and glibc finds a catalog
 * only for a locale the system has generated), and because a catalog that
 * travels inside the program cannot be missing from, or older than, the
 * kiosk it was built with. Any resource registered at that path offers its
 * languages too: the tests add test-only ones that way.
 */
#define G_LOG_DOMAIN "sayso-strings"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso-catalog.h"
#include "sayso-catalogs-resources.h"
#include "sayso-strings.h"

#define CATALOGS_PATH "/org/sayso/Sayso/catalogs/"
#define ENGLISH       "en"

typedef struct
{
  const char *context;
  const char *msgid;
  const char *msgid_plural;
} Word;

/* Marks for xgettext (po/meson.build names them), which reads this table
 * into po/sayso.pot. */
#define N_(msgid)               { NULL, msgid, NULL }
#define NC_(context, msgid)     { context, msgid, NULL }
#define NP_(msgid, msgid_plural) { NULL, msgid, msgid_plural }

static const Word words[SAYSO_N_STRINGS] = {
  [SAYSO_STR_WELCOME_TITLE] = N_("Your say on probation"),
  [SAYSO_STR_WELCOME_INVITE] = N_("Tap your language to start"),
  [SAYSO_STR_WELCOME_PRIVATE] = N_("Tell us what you think. It is private."),
  [SAYSO_STR_LANGUAGE_NAME] = NC_("language name", "English"),
  [SAYSO_STR_TEXT_SIZE] = N_("Text size"),
  [SAYSO_STR_TEXT_SIZE_NORMAL] = N_("Normal text"),
  [SAYSO_STR_TEXT_SIZE_LARGE] = N_("Large text"),
  [SAYSO_STR_TEXT_SIZE_LARGEST] = N_("Largest text"),
  [SAYSO_STR_HIGH_CONTRAST] = N_("High contrast"),
  [SAYSO_STR_READ_ALOUD_ALWAYS] = N_("Always read aloud"),
  [SAYSO_STR_READ_ALOUD] = N_("Read aloud"),
  [SAYSO_STR_PROMISE_TITLE] = N_("Before you start"),
  [SAYSO_STR_PROMISE_INDEPENDENT] = N_("This survey is run by an independent team, not by probation."),
  [SAYSO_STR_PROMISE_ANONYMOUS] = N_("We do not ask for your name."),
  [SAYSO_STR_PROMISE_OFFICER] = N_("Your probation officer will not see your answers."),
  [SAYSO_STR_PROMISE_NOBODY] = N_("Your answers are locked. Nobody here can read them."),
  [SAYSO_STR_PROMISE_SKIP] = N_("You can skip any question."),
  [SAYSO_STR_PROMISE_TIME] = N_("It takes about five minutes."),
  [SAYSO_STR_PROMISE_START] = N_("Start the questions"),
  [SAYSO_STR_BACK] = N_("Back"),
  [SAYSO_STR_NEXT] = N_("Next"),
  [SAYSO_STR_SKIP] = N_("Skip"),
  [SAYSO_STR_PROGRESS] = N_("Question %u of %u"),
  [SAYSO_STR_START_AGAIN] = N_("Start again"),
  [SAYSO_STR_START_AGAIN_TITLE] = N_("Start again?"),
  [SAYSO_STR_START_AGAIN_BODY] = N_("Your answers will be deleted. Nobody will see them."),
  [SAYSO_STR_START_AGAIN_YES] = N_("Yes, delete my answers"),
  [SAYSO_STR_START_AGAIN_NO] = N_("No, go back"),
  [SAYSO_STR_STILL_THERE_TITLE] = N_("Are you still there?"),
  [SAYSO_STR_STILL_THERE_BODY] = NP_("If you do not tap the screen, your answers will be deleted in %u second.",
      "If you do not tap the screen, your answers will be deleted in %u seconds."),
  [SAYSO_STR_STILL_THERE_YES] = N_("I am still here"),
  [SAYSO_STR_TEXT_COUNT] = NP_("%u of %u letter", "%u of %u letters"),
  [SAYSO_STR_TEXT_FULL] = N_("That is as much as fits. You can tap Next when you are ready."),
  [SAYSO_STR_TEXT_NO_NAMES] = N_("Please do not write anyone's name or any case numbers."),
  [SAYSO_STR_SUBMIT_TITLE] = N_("You have reached the end"),
  [SAYSO_STR_SUBMIT_BODY] = N_("Tap \"Send my answers\" to finish. You can still go back and change them."),
  [SAYSO_STR_SUBMIT_SEND] = N_("Send my answers"),
  [SAYSO_STR_THANKS_TITLE] = N_("Thank you"),
  [SAYSO_STR_THANKS_BODY] = N_("Your answers are locked. Nobody here can read them."),
  [SAYSO_STR_THANKS_RETURN] = N_("You can walk away now."),
  [SAYSO_STR_PENDING_TITLE] = N_("Thank you"),
  /* Only the store's acknowledgement makes answers "locked": until then they
   * are in the kiosk's memory, and a restart would lose them. */
  [SAYSO_STR_PENDING_BODY] = N_("Your answers are waiting to be saved on this kiosk. Staff have been told."),
  [SAYSO_STR_REFUSED_TITLE] = N_("Sorry"),
  [SAYSO_STR_REFUSED_BODY] =
    N_("Your answers could not be saved, and they have been deleted. Please tell a member of staff."),
  [SAYSO_STR_KEY_SHIFT] = N_("Capital letter"),
  [SAYSO_STR_KEY_BACKSPACE] = N_("Delete a letter"),
  [SAYSO_STR_KEY_SPACE] = N_("Space"),
  [SAYSO_STR_KEY_NUMBERS] = N_("Numbers"),
  [SAYSO_STR_KEY_LETTERS] = N_("Letters"),
  [SAYSO_STR_KEY_ACCENTS] = N_("Welsh letters"),
  [SAYSO_STR_KEY_NEW_LINE] = N_("New line"),
  [SAYSO_STR_ANSWER_BOX] = N_("Your answer"),
  [SAYSO_STR_STORE_PROBLEM] = N_("Answers waiting to be saved"),
  [SAYSO_STR_HEAR] = N_("Hear: %s"),
  [SAYSO_STR_VOLUME_DOWN] = N_("Quieter"),
  [SAYSO_STR_VOLUME_UP] = N_("Louder"),
};

/* The words the kiosk says aloud on their own, each by the name of its
 * recorded clip ("kiosk.NAME" in a questionnaire's "audio"); the others,
 * none. Each name is one word's only: test-strings checks both ways, and
 * test-voice that every word a page says is here. */
static const SaysoKioskText said[SAYSO_N_STRINGS] = {
  [SAYSO_STR_WELCOME_TITLE] = SAYSO_KIOSK_TEXT_WELCOME_TITLE,
  [SAYSO_STR_WELCOME_PRIVATE] = SAYSO_KIOSK_TEXT_WELCOME_PRIVATE,
  [SAYSO_STR_WELCOME_INVITE] = SAYSO_KIOSK_TEXT_WELCOME_INVITE,
  [SAYSO_STR_PROMISE_TITLE] = SAYSO_KIOSK_TEXT_PROMISE_TITLE,
  [SAYSO_STR_PROMISE_INDEPENDENT] = SAYSO_KIOSK_TEXT_PROMISE_INDEPENDENT,
  [SAYSO_STR_PROMISE_ANONYMOUS] = SAYSO_KIOSK_TEXT_PROMISE_ANONYMOUS,
  [SAYSO_STR_PROMISE_OFFICER] = SAYSO_KIOSK_TEXT_PROMISE_OFFICER,
  [SAYSO_STR_PROMISE_NOBODY] = SAYSO_KIOSK_TEXT_PROMISE_NOBODY,
  [SAYSO_STR_PROMISE_SKIP] = SAYSO_KIOSK_TEXT_PROMISE_SKIP,
  [SAYSO_STR_PROMISE_TIME] = SAYSO_KIOSK_TEXT_PROMISE_TIME,
  [SAYSO_STR_TEXT_NO_NAMES] = SAYSO_KIOSK_TEXT_TEXT_NO_NAMES,
  [SAYSO_STR_SUBMIT_TITLE] = SAYSO_KIOSK_TEXT_SUBMIT_TITLE,
  [SAYSO_STR_SUBMIT_BODY] = SAYSO_KIOSK_TEXT_SUBMIT_BODY,
  [SAYSO_STR_THANKS_TITLE] = SAYSO_KIOSK_TEXT_THANKS_TITLE,
  [SAYSO_STR_THANKS_BODY] = SAYSO_KIOSK_TEXT_THANKS_BODY,
  [SAYSO_STR_THANKS_RETURN] = SAYSO_KIOSK_TEXT_THANKS_RETURN,
  [SAYSO_STR_PENDING_TITLE] = SAYSO_KIOSK_TEXT_PENDING_TITLE,
  [SAYSO_STR_PENDING_BODY] = SAYSO_KIOSK_TEXT_PENDING_BODY,
  [SAYSO_STR_REFUSED_TITLE] = SAYSO_KIOSK_TEXT_REFUSED_TITLE,
  [SAYSO_STR_REFUSED_BODY] = SAYSO_KIOSK_TEXT_REFUSED_BODY,
  [SAYSO_STR_STILL_THERE_TITLE] = SAYSO_KIOSK_TEXT_STILL_THERE_TITLE,
  [SAYSO_STR_STILL_THERE_YES] = SAYSO_KIOSK_TEXT_STILL_THERE_YES,
};

/* language -> SaysoCatalog, for every catalog that loaded. */
static GHashTable *catalogs;

static gboolean
valid_language_code (const char *code)
{
  gsize len = strlen (code);

  return len >= 2 && len <= 3 && strspn (code, "abcdefghijklmnopqrstuvwxyz") == len;
}

static void
load_catalog (const char *name)
{
  g_autofree char *language = g_strndup (name, strlen (name) - strlen (".mo"));
  g_autofree char *path = g_strconcat (CATALOGS_PATH, name, NULL);
  g_autoptr(GBytes) mo = NULL;
  g_autoptr(GError) error = NULL;
  SaysoCatalog *catalog;

  if (!valid_language_code (language) || g_str_equal (language, ENGLISH) ||
      g_hash_table_contains (catalogs, language))
    {
      g_warning ("Catalog %s not used: its name is not a language code such as cy.mo, or names English "
                 "or a language already loaded", name);
      return;
    }
  if ((mo = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error)) == NULL ||
      (catalog = sayso_catalog_new (mo, &error)) == NULL)
    {
      g_warning ("Catalog %s not used, the kiosk's words in \"%s\" will be in English: %s",
                 name, language, error->message);
      return;
    }
  g_hash_table_insert (catalogs, g_steal_pointer (&language), catalog);
}

/* Every catalog, read once, when the kiosk first needs a word: at start-up,
 * so that a refused catalog is reported then and not in front of someone. */
static GHashTable *
get_catalogs (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_auto(GStrv) names = NULL;

      sayso_catalogs_register_resource ();
      catalogs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sayso_catalog_free);
      names = g_resources_enumerate_children (CATALOGS_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
      for (guint i = 0; names && names[i]; i++)
        if (g_str_has_suffix (names[i], ".mo"))
          load_catalog (names[i]);
      g_once_init_leave (&loaded, 1);
    }
  return catalogs;
}

static SaysoCatalog *
get_catalog (const char *language)
{
  return language != NULL ? g_hash_table_lookup (get_catalogs (), language) : NULL;
}

/**
 * sayso_string:
 *
 * Returns: the kiosk's word @id in @language, or in English where
 *   @language has no catalog or the catalog no translation. For a word
 *   that takes a count, the form for many: show it with
 *   sayso_string_plural().
 */
const char *
sayso_string (SaysoStringId  id,
              const char    *language)
{
  SaysoCatalog *catalog;
  const char *translated = NULL;

  g_return_val_if_fail (id < SAYSO_N_STRINGS, "");

  if (words[id].msgid_plural != NULL)
    return sayso_string_plural (id, language, 100);
  if ((catalog = get_catalog (language)))
    translated = sayso_catalog_lookup (catalog, words[id].context, words[id].msgid);
  return translated ? translated : words[id].msgid;
}

/**
 * sayso_string_plural:
 * @n: the count the word is shown with
 *
 * Returns: the form of @id for @n in @language, by its catalog's plural
 *   rule (English's where there is no translation).
 */
const char *
sayso_string_plural (SaysoStringId  id,
                     const char    *language,
                     gulong         n)
{
  SaysoCatalog *catalog;
  const char *translated = NULL;

  g_return_val_if_fail (id < SAYSO_N_STRINGS, "");

  if (words[id].msgid_plural == NULL)
    return sayso_string (id, language);
  if ((catalog = get_catalog (language)))
    translated = sayso_catalog_lookup_plural (catalog, words[id].msgid, n);
  if (translated)
    return translated;
  return n == 1 ? words[id].msgid : words[id].msgid_plural;
}

/**
 * sayso_string_get_kiosk_text:
 *
 * Returns: which of the kiosk's texts said aloud @id is, the name its
 *   recorded clip is given by; %SAYSO_KIOSK_TEXT_NONE for a word never
 *   said on its own (a button's, or one with a number in it).
 */
SaysoKioskText
sayso_string_get_kiosk_text (SaysoStringId id)
{
  g_return_val_if_fail (id < SAYSO_N_STRINGS, SAYSO_KIOSK_TEXT_NONE);
  return said[id];
}

/* English, which needs no catalog, or a language whose catalog loaded. */
gboolean
sayso_strings_has_language (const char *language)
{
  g_return_val_if_fail (language != NULL, FALSE);
  return g_str_equal (language, ENGLISH) || get_catalog (language) != NULL;
}

static int
compare_codes (const void *a,
               const void *b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/**
 * sayso_strings_dup_languages:
 *
 * Returns: (transfer full): English, then every language with a catalog,
 *   in the order of their codes.
 */
GStrv
sayso_strings_dup_languages (void)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree const char **codes = (const char **) g_hash_table_get_keys_as_array (get_catalogs (), NULL);
  guint n = g_strv_length ((char **) codes);

  qsort (codes, n, sizeof *codes, compare_codes);
  g_strv_builder_add (builder, ENGLISH);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, codes[i]);
  return g_strv_builder_end (builder);
}

/* What a catalog's header says of its review ("X-Review-Status"), as the
 * questionnaire's language_review does for its texts: %NULL for English
 * and for a catalog that says nothing. */
const char *
sayso_strings_get_review (const char *language)
{
  SaysoCatalog *catalog = get_catalog (language);

  return catalog ? sayso_catalog_get_header (catalog, "X-Review-Status") : NULL;
}

/* Scripts written right to left (Unicode's list of RTL scripts in use). */
static gboolean
script_is_rtl (GUnicodeScript script)
{
  switch (script)
    {
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_NKO:
    case G_UNICODE_SCRIPT_SAMARITAN:
    case G_UNICODE_SCRIPT_MANDAIC:
    case G_UNICODE_SCRIPT_ADLAM:
    case G_UNICODE_SCRIPT_HANIFI_ROHINGYA:
    case G_UNICODE_SCRIPT_YEZIDI:
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * sayso_text_direction:
 *
 * The direction of @text: its first letter's script's (as the Unicode
 * bidirectional algorithm takes a paragraph's), or none for a text of
 * digits and marks alone.
 */
SaysoDirection
sayso_text_direction (const char *text)
{
  g_return_val_if_fail (text != NULL, SAYSO_DIRECTION_NEUTRAL);

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        return script_is_rtl (g_unichar_get_script (c)) ? SAYSO_DIRECTION_RTL : SAYSO_DIRECTION_LTR;
    }
  return SAYSO_DIRECTION_NEUTRAL;
}

/**
 * sayso_language_is_rtl:
 *
 * Whether @language is written right to left: the direction of its own
 * name, in its catalog. So the rule is the catalog's (Urdu's "اردو" is,
 * Punjabi in Gurmukhi, "ਪੰਜਾਬੀ", is not) and a new language needs no code;
 * a language without catalog is shown in English, left to right.
 */
gboolean
sayso_language_is_rtl (const char *language)
{
  if (language == NULL || get_catalog (language) == NULL)
    return FALSE;
  return sayso_text_direction (sayso_string (SAYSO_STR_LANGUAGE_NAME, language)) == SAYSO_DIRECTION_RTL;
}
