/* test-catalog: the .mo reader, fed the real Welsh catalog and hostile
 * ones. A catalog that is truncated, has the wrong magic, points outside
 * itself, is not UTF-8 or carries a broken plural rule is refused as a
 * whole with a message saying what is wrong, never read past its end (run
 * under ASan to see that); in the kiosk it is then no catalog, said at
 * start-up, and its words are English. */
#define G_LOG_DOMAIN "test-catalog"

#include <string.h>

#include "sayso-catalog.h"
#include "sayso-strings.h"

static GBytes *
welsh_mo (void)
{
  g_autoptr(GError) error = NULL;
  char *data;
  gsize length;

  g_assert_true (g_file_get_contents (TEST_CATALOG_MO, &data, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (data, length);
}

/* --- A catalog made by hand ----------------------------------------------- */

typedef struct
{
  const char *original;
  gsize       original_length;   /* with the NULs inside a plural's */
  const char *translation;
  gsize       translation_length;
} Entry;

/* A .mo as msgfmt lays it out (header, both tables, no hash, then the
 * strings), in little-endian or, @swapped, big-endian words. */
static GBytes *
make_mo (const Entry *entries,
         guint        n,
         gboolean     swapped)
{
  GByteArray *mo = g_byte_array_new ();
  guint32 header[7] = { 0x950412de, 0, n, 28, 28 + 8 * n, 0, 28 + 16 * n };
  guint32 offset = 28 + 16 * n;
  g_autoptr(GByteArray) strings = g_byte_array_new ();
  guint32 *tables = g_new0 (guint32, 4 * n);

  for (guint i = 0; i < n; i++)
    {
      tables[2 * i] = entries[i].original_length;
      tables[2 * i + 1] = offset + strings->len;
      g_byte_array_append (strings, (const guint8 *) entries[i].original, entries[i].original_length + 1);
    }
  for (guint i = 0; i < n; i++)
    {
      tables[2 * n + 2 * i] = entries[i].translation_length;
      tables[2 * n + 2 * i + 1] = offset + strings->len;
      g_byte_array_append (strings, (const guint8 *) entries[i].translation, entries[i].translation_length + 1);
    }
  for (guint i = 0; i < 7; i++)
    header[i] = swapped ? GUINT32_TO_BE (header[i]) : GUINT32_TO_LE (header[i]);
  for (guint i = 0; i < 4 * n; i++)
    tables[i] = swapped ? GUINT32_TO_BE (tables[i]) : GUINT32_TO_LE (tables[i]);
  g_byte_array_append (mo, (const guint8 *) header, sizeof header);
  g_byte_array_append (mo, (const guint8 *) tables, 16 * n);
  g_byte_array_append (mo, strings->data, strings->len);
  g_free (tables);
  return g_byte_array_free_to_bytes (mo);
}

#define TEXT(s) s, sizeof (s) - 1

static GBytes *
make_with_rule (const char *plural_forms)
{
  g_autofree char *header = g_strdup_printf ("Content-Type: text/plain; charset=UTF-8\nPlural-Forms: %s\n",
                                             plural_forms);
  Entry entries[] = {
    { TEXT (""), header, strlen (header) },
    { TEXT ("Back"), TEXT ("Yn ôl") },
    { TEXT ("%u day\0%u days"), TEXT ("%u dydd\0%u ddydd\0%u diwrnod") },
  };

  return make_mo (entries, G_N_ELEMENTS (entries), FALSE);
}

static SaysoCatalog *
refused (GBytes     *mo,
         const char *message_pattern)
{
  g_autoptr(GError) error = NULL;
  SaysoCatalog *catalog = sayso_catalog_new (mo, &error);

  g_assert_null (catalog);
  g_assert_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID);
  g_test_message ("%s", error->message);
  if (!g_pattern_match_simple (message_pattern, error->message))
    g_error ("\"%s\" does not match \"%s\"", error->message, message_pattern);
  return NULL;
}

/* --- Tests ---------------------------------------------------------------- */

/* The Welsh catalog as msgfmt made it: words, the language's name by its
 * context, Welsh's four plural forms, and its header's review marking. */
static void
test_welsh (void)
{
  g_autoptr(GBytes) mo = welsh_mo ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoCatalog) catalog = sayso_catalog_new (mo, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sayso_catalog_lookup (catalog, NULL, "Back"), ==, "Yn ôl");
  g_assert_cmpstr (sayso_catalog_lookup (catalog, "language name", "English"), ==, "Cymraeg");
  g_assert_null (sayso_catalog_lookup (catalog, NULL, "English"));
  g_assert_null (sayso_catalog_lookup (catalog, NULL, "Not a word of the kiosk"));
  g_assert_cmpstr (sayso_catalog_lookup_plural (catalog, "%u of %u letter", 500), ==, "%u o %u llythyren");
  g_assert_cmpstr (sayso_catalog_get_header (catalog, "Language"), ==, "cy");
  g_assert_cmpstr (sayso_catalog_get_header (catalog, "X-Review-Status"), ==,
                   "awaiting review by a first-language speaker");
}

/* Control: the hand-made catalog reads, in either byte order, and its
 * plural rule picks the form (so the refusals below are the faults'). */
static void
test_hand_made (void)
{
  for (int swapped = 0; swapped <= 1; swapped++)
    {
      g_autofree char *header = g_strdup ("Plural-Forms: nplurals=3; plural=n==1 ? 0 : n==2 ? 1 : 2;\n");
      Entry entries[] = {
        { TEXT (""), header, strlen (header) },
        { TEXT ("Back"), TEXT ("Yn ôl") },
        { TEXT ("menu\004Back"), TEXT ("Yn ôl (dewislen)") },
        { TEXT ("%u day\0%u days"), TEXT ("%u dydd\0%u ddydd\0%u diwrnod") },
      };
      g_autoptr(GBytes) mo = make_mo (entries, G_N_ELEMENTS (entries), swapped);
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoCatalog) catalog = sayso_catalog_new (mo, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (sayso_catalog_lookup (catalog, NULL, "Back"), ==, "Yn ôl");
      g_assert_cmpstr (sayso_catalog_lookup (catalog, "menu", "Back"), ==, "Yn ôl (dewislen)");
      g_assert_cmpstr (sayso_catalog_lookup_plural (catalog, "%u day", 1), ==, "%u dydd");
      g_assert_cmpstr (sayso_catalog_lookup_plural (catalog, "%u day", 2), ==, "%u ddydd");
      g_assert_cmpstr (sayso_catalog_lookup_plural (catalog, "%u day", 7), ==, "%u diwrnod");
      g_assert_cmpstr (sayso_catalog_lookup_plural (catalog, "%u day", 1000000), ==, "%u diwrnod");
    }
}

/* Every shorter copy of the real catalog, down to nothing, is refused. */
static void
test_truncated (void)
{
  g_autoptr(GBytes) mo = welsh_mo ();
  gsize size = g_bytes_get_size (mo);

  for (gsize length = 0; length < size; length++)
    {
      /* A copy of its own, so that ASan sees a read past the end. */
      g_autoptr(GBytes) part = g_bytes_new (g_bytes_get_data (mo, NULL), length);
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoCatalog) catalog = sayso_catalog_new (part, &error);

      if (catalog != NULL)
        g_error ("the first %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes were taken as a catalog", length, size);
      g_assert_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID);
    }
}

static void
test_wrong_magic (void)
{
  g_autoptr(GBytes) mo = welsh_mo ();
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (mo, NULL), g_bytes_get_size (mo));
  g_autoptr(GBytes) wrong = NULL;
  g_autoptr(GBytes) revision = NULL;

  data[0] ^= 0xff;
  wrong = g_bytes_new (data, g_bytes_get_size (mo));
  refused (wrong, "not a compiled gettext catalog*");
  data[0] ^= 0xff;
  data[6] = 7;   /* major revision 7 */
  revision = g_bytes_new (data, g_bytes_get_size (mo));
  refused (revision, "catalog format revision 7.*");
}

/* Counts and offsets that point outside the file, each alone. */
static void
test_offsets_out_of_range (void)
{
  static const struct { gsize at; guint32 value; const char *message; } faults[] = {
    { 8, 0xffffffff, "its tables of*run past its end*" },       /* count */
    { 12, 0xfffffff0, "its tables of*run past its end*" },      /* originals' table */
    { 16, 0x7fffffff, "its tables of*run past its end*" },      /* translations' table */
    { 28, 0xffffffff, "string 0*is not within*" },               /* first original's length */
    { 32, 0xfffffffe, "string 0*is not within*" },               /* its offset */
    { 28 + 8 * 3 + 4, 4, "string 0*is not within*" },            /* a translation in the header */
  };
  g_autoptr(GBytes) mo = make_with_rule ("nplurals=2; plural=n != 1;");
  gsize size = g_bytes_get_size (mo);

  for (gsize i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (mo, NULL), size);
      g_autoptr(GBytes) hostile = NULL;
      guint32 value = GUINT32_TO_LE (faults[i].value);

      memcpy (data + faults[i].at, &value, sizeof value);
      hostile = g_bytes_new (data, size);
      refused (hostile, faults[i].message);
    }
}

/* A string that does not end in NUL where its length says. */
static void
test_unterminated_string (void)
{
  g_autoptr(GBytes) mo = make_with_rule ("nplurals=2; plural=n != 1;");
  gsize size = g_bytes_get_size (mo);
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (mo, NULL), size);
  g_autoptr(GBytes) hostile = NULL;

  data[size - 1] = 'x';
  hostile = g_bytes_new (data, size);
  refused (hostile, "string 2*is not within*");
}

static void
test_not_utf8 (void)
{
  Entry entries[] = { { TEXT ("Back"), TEXT ("Yn \xf4l") } };
  g_autoptr(GBytes) mo = make_mo (entries, 1, FALSE);

  refused (mo, "the translation of \"Back\" is not UTF-8");
}

/* Plural rules that do not parse, divide by nought, give a form past the
 * last, nest past any real language's or say no number of forms: refused
 * when loaded, whatever the count later shown. */
static void
test_bad_plural_rules (void)
{
  g_autoptr(GString) deep = g_string_new ("nplurals=2; plural=");
  static const char * const rules[] = {
    "nplurals=2; plural=n / 0;",
    "nplurals=2; plural=n % (n - n);",
    "nplurals=2; plural=(n != 1;",
    "nplurals=2; plural=n ? 1;",
    "nplurals=2; plural=n == 1 ? 0 : 2;",
    "nplurals=2; plural=n + 1;",
    "nplurals=2; plural=n != 1; and more",
    "nplurals=0; plural=0;",
    "nplurals=99; plural=0;",
    "nplurals=x; plural=0;",
    "plural=n != 1;",
    "nplurals=2;",
    "nplurals=2; plural=99999999999999999999;",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(GBytes) mo = make_with_rule (rules[i]);

      refused (mo, "its ?lural*");
    }

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '(');
  g_string_append (deep, "n");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ')');
  {
    g_autoptr(GBytes) mo = make_with_rule (deep->str);

    refused (mo, "its plural rule*");
  }
}

/* Control: the rules of real languages load (Arabic's six forms, the
 * deepest; Welsh; Polish), so the refusals are not of every rule. */
static void
test_real_plural_rules (void)
{
  static const char * const rules[] = {
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;",
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "nplurals=1; plural=0;",
    "nplurals=2; plural=!(n <= 1);",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(GBytes) mo = make_with_rule (rules[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoCatalog) catalog = sayso_catalog_new (mo, &error);

      g_assert_no_error (error);
      g_assert_nonnull (sayso_catalog_lookup (catalog, NULL, "Back"));
    }
}

/* In the kiosk: a refused catalog at its catalogs' path (this program
 * carries a truncated copy of the Welsh as zz.mo) is reported when the
 * words are first needed, at start-up, and is no catalog: its language is
 * not offered and reads in English; the others are unharmed. */
static void
test_refused_in_kiosk (void)
{
  if (g_test_subprocess ())
    {
      g_auto(GStrv) languages = NULL;

      /* The warning is what is tested: not fatal here. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
      languages = sayso_strings_dup_languages ();

      g_assert_false (g_strv_contains ((const char * const *) languages, "zz"));
      g_assert_true (g_strv_contains ((const char * const *) languages, "cy"));
      g_assert_false (sayso_strings_has_language ("zz"));
      g_assert_cmpstr (sayso_string (SAYSO_STR_BACK, "zz"), ==, "Back");
      g_assert_cmpstr (sayso_string (SAYSO_STR_BACK, "cy"), ==, "Yn ôl");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*WARNING*Catalog zz.mo not used, the kiosk's words in \"zz\" will be in English: "
                             "*is not within*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalog/welsh", test_welsh);
  g_test_add_func ("/catalog/hand-made", test_hand_made);
  g_test_add_func ("/catalog/truncated", test_truncated);
  g_test_add_func ("/catalog/wrong-magic", test_wrong_magic);
  g_test_add_func ("/catalog/offsets-out-of-range", test_offsets_out_of_range);
  g_test_add_func ("/catalog/unterminated-string", test_unterminated_string);
  g_test_add_func ("/catalog/not-utf8", test_not_utf8);
  g_test_add_func ("/catalog/bad-plural-rules", test_bad_plural_rules);
  g_test_add_func ("/catalog/real-plural-rules", test_real_plural_rules);
  g_test_add_func ("/catalog/refused-in-kiosk", test_refused_in_kiosk);

  return g_test_run ();
}
