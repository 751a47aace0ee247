/* The JSON depth and size scanner: what it counts, what it ignores, and the
 * place it names. The doors that use it are tested through the programs in
 * test-cli.c, test-questionnaire.c and test-import.c. */
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>

#include "sayso-json-limits.h"

static const SaysoJsonLimits three = { "a test document", 1024, 3 };

static char *
nested (guint        levels,
        const char  *open,
        const char  *inner,
        const char  *close)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < levels; i++)
    g_string_append (text, open);
  g_string_append (text, inner);
  for (guint i = 0; i < levels; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

static gboolean
check (const char  *text,
       guint        line,
       GError     **error)
{
  return sayso_json_check_limits (text, strlen (text), &three, "doc.json", line, error);
}

static void
test_at_limit_accepted (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (check ("{\"a\": [{\"b\": 1}], \"c\": {\"d\": []}}", 0, &error));
  g_assert_no_error (error);
  g_assert_true (check ("", 0, &error));
  g_assert_no_error (error);
  /* Depth is of the deepest point, not of how many brackets there are. */
  g_assert_true (check ("[[[1]], [[2]], [[3]], [[4]], [[5]]]", 0, &error));
  g_assert_no_error (error);
}

static void
test_one_deeper_refused (void)
{
  g_autoptr(GError) error = NULL;

  /* The negative control of the test above: one level more. */
  g_assert_false (check ("{\"a\": [{\"b\": [1]}]}", 0, &error));
  g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==,
                   "doc.json:1:14: nested deeper than the 3 levels a test document may have; not read");
}

static void
test_place_named (void)
{
  g_autoptr(GError) error = NULL;

  /* Line 3, column 4 in characters: "é" is two bytes and one column. */
  g_assert_false (check ("{\n \"a\":\n\"é\"[[[\n}", 0, &error));
  g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_DEEP);
  g_assert_true (g_str_has_prefix (error->message, "doc.json:3:6: "));
  g_clear_error (&error);

  /* A line of JSON Lines: its own line number in the file. */
  g_assert_false (check ("[[[[1]]]]", 7, &error));
  g_assert_true (g_str_has_prefix (error->message, "doc.json:7:4: "));
}

static void
test_strings_ignored (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *brackets = nested (300, "[", "", "]");
  g_autofree char *in_string = g_strdup_printf ("{\"a\": \"%s{{{\\\"[[[\", \"b\": [\"\\\\\"]}", brackets);

  /* Brackets, escaped quotes and an escaped backslash inside strings. */
  g_assert_true (check (in_string, 0, &error));
  g_assert_no_error (error);

  /* After the escaped backslash the string has ended: these count. */
  g_assert_false (check ("[\"\\\\\", [[[]]]]", 0, &error));
  g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_DEEP);
}

static void
test_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *big = g_strnfill (1025, ' ');
  g_autofree char *fits = g_strnfill (1024, ' ');

  g_assert_true (check (fits, 0, &error));
  g_assert_no_error (error);

  g_assert_false (check (big, 0, &error));
  g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_LARGE);
  g_assert_cmpstr (error->message, ==, "doc.json: 1025 bytes, more than the 1024 a test document may take; not read");
  g_clear_error (&error);

  g_assert_false (check (big, 4, &error));
  g_assert_true (g_str_has_prefix (error->message, "doc.json:4: "));
}

/* What json-glib would do without the scanner: 100,000 levels crash it.
 * Here, each door's limit stops them at the first bracket too deep. */
static void
test_hundred_thousand (void)
{
  static const SaysoJsonLimits doors[] = {
    { "a response", SAYSO_JSON_RESPONSE_MIN_BYTES, SAYSO_JSON_RESPONSE_DEPTH },
    { "a record", SAYSO_JSON_RECORD_MAX_BYTES, SAYSO_JSON_RECORD_DEPTH },
    { "a manifest", SAYSO_JSON_MANIFEST_MAX_BYTES, SAYSO_JSON_MANIFEST_DEPTH },
    { "a questionnaire", SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES, SAYSO_JSON_QUESTIONNAIRE_DEPTH },
  };
  g_autofree char *arrays = nested (100000, "[", "", "]");
  g_autofree char *objects = nested (100000, "{\"a\":", "1", "}");

  for (guint i = 0; i < G_N_ELEMENTS (doors); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *column = g_strdup_printf (":1:%u: ", doors[i].max_depth + 1);
      g_autofree char *object_column = g_strdup_printf (":1:%u: ", 5 * doors[i].max_depth + 1);

      g_assert_false (sayso_json_check_limits (arrays, strlen (arrays), &doors[i], "x", 0, &error));
      g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_DEEP);
      g_assert_nonnull (strstr (error->message, column));
      g_clear_error (&error);

      g_assert_false (sayso_json_check_limits (objects, strlen (objects), &doors[i], "x", 0, &error));
      g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_DEEP);
      g_assert_nonnull (strstr (error->message, object_column));
    }
}

/* json-glib reads comments and single-quoted strings: a '"' in one must not
 * hide 100,000 brackets from the scan. Both are refused, naming the place;
 * the control: the same characters inside a JSON string are text. */
static void
test_comments_and_single_quotes (void)
{
  static const char * const tricks[] = { "/*\"*/", "//\"\n", "['\"',", "'\"'" };
  const SaysoJsonLimits limits = { "a response", SAYSO_JSON_RESPONSE_MIN_BYTES * 4, SAYSO_JSON_RESPONSE_DEPTH };
  g_autofree char *deep = nested (100000, "[", "", "]");

  for (guint i = 0; i < G_N_ELEMENTS (tricks); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strconcat (tricks[i], deep, tricks[i], NULL);

      g_assert_false (sayso_json_check_limits (text, strlen (text), &limits, "x.json", 0, &error));
      g_assert_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_NOT_JSON);
      g_assert_true (g_str_has_prefix (error->message, "x.json:1:"));
    }

  {
    g_autoptr(GError) error = NULL;
    const char *text = "{\"answers\": {\"q\": \"it's /* fine */ // really\"}}";

    g_assert_true (sayso_json_check_limits (text, strlen (text), &limits, "x.json", 0, &error));
    g_assert_no_error (error);
  }
}

/* The control of the tests through the programs: the same 100,000
 * brackets handed to json-glib directly, without the scanner, crash it on
 * a default 8 MiB stack. If json-glib ever stops recursing, this fails and
 * says so. */
static void
test_unguarded_parser_crashes (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *arrays = nested (100000, "[", "", "");
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      struct rlimit stack = { 8 * 1024 * 1024, 8 * 1024 * 1024 };
      struct rlimit old;

      g_assert_cmpint (getrlimit (RLIMIT_STACK, &old), ==, 0);
      stack.rlim_max = old.rlim_max;
      if (old.rlim_max != RLIM_INFINITY && old.rlim_max < stack.rlim_cur)
        stack.rlim_cur = old.rlim_max;
      g_assert_cmpint (setrlimit (RLIMIT_STACK, &stack), ==, 0);
      /* A crash expected: no core file left behind. */
      g_assert_cmpint (setrlimit (RLIMIT_CORE, &(struct rlimit) { 0, 0 }), ==, 0);
      (void) json_parser_load_from_data (parser, arrays, -1, NULL);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
}

/* The limits are the least the formats need: the real files pass. */
static void
test_real_files_pass (void)
{
  static const SaysoJsonLimits questionnaire = {
    "a questionnaire", SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES, SAYSO_JSON_QUESTIONNAIRE_DEPTH - 2
  };
  static const SaysoJsonLimits response = { "a response", SAYSO_JSON_RESPONSE_MIN_BYTES, SAYSO_JSON_RESPONSE_DEPTH - 2 };
  g_autofree char *path = g_build_filename (g_getenv ("SAYSO_SOURCE_DIR"), "app", "data", "hmip-user-voice.json", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *answer = "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": [\"travel\"]}}";
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_true (sayso_json_check_limits (contents, len, &questionnaire, path, 0, &error));
  g_assert_no_error (error);
  g_assert_true (sayso_json_check_limits (answer, strlen (answer), &response, "response", 0, &error));
  g_assert_no_error (error);
}

static void
test_response_size (void)
{
  SaysoJsonLimits limits = sayso_json_response_limits (12288);

  g_assert_cmpstr (limits.what, ==, "a response");
  g_assert_cmpuint (limits.max_depth, ==, SAYSO_JSON_RESPONSE_DEPTH);
  g_assert_cmpuint (limits.max_bytes, ==, SAYSO_JSON_RESPONSE_MIN_BYTES);
  g_assert_cmpuint (sayso_json_response_limits (1024 * 1024).max_bytes, ==, 4 * 1024 * 1024);
  g_assert_cmpuint (sayso_json_response_limits (G_MAXSIZE / 2).max_bytes, ==, G_MAXSIZE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-limits/at-limit-accepted", test_at_limit_accepted);
  g_test_add_func ("/json-limits/one-deeper-refused", test_one_deeper_refused);
  g_test_add_func ("/json-limits/place-named", test_place_named);
  g_test_add_func ("/json-limits/strings-ignored", test_strings_ignored);
  g_test_add_func ("/json-limits/too-large", test_too_large);
  g_test_add_func ("/json-limits/hundred-thousand", test_hundred_thousand);
  g_test_add_func ("/json-limits/comments-and-single-quotes", test_comments_and_single_quotes);
  g_test_add_func ("/json-limits/unguarded-parser-crashes", test_unguarded_parser_crashes);
  g_test_add_func ("/json-limits/real-files-pass", test_real_files_pass);
  g_test_add_func ("/json-limits/response-size", test_response_size);

  return g_test_run ();
}
