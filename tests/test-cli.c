/* The `sayso` command line, driven as a user would drive it. */
#include <gio/gio.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-cli.h"
#include "sayso-db.h"
#include "sayso-json-limits.h"
#include "sayso-defaults.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"
#include "sayso-test-vfs.h"

typedef struct
{
  char *dir;
  char *store;
  char *pub;
  char *key;
  guint8 sk[32];
} Cli;

static gboolean warnings_allowed;

static int
run (const char  *stdin_text,
     char       **out,
     char       **err,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) test_sayso_binary ());
  va_start (args, err);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* For a command that is meant to warn (a damaged store): as on a kiosk. */
  if (warnings_allowed)
    g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, stdin_text, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  if (out)
    *out = g_steal_pointer (&stdout_text);
  if (err)
    *err = g_steal_pointer (&stderr_text);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

static void
cli_setup (Cli           *f,
           gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = test_make_tmp_dir ();
  f->store = g_build_filename (f->dir, "kiosk", "store.db", NULL);
  f->pub = g_build_filename (f->dir, "keys", "recipient.pub", NULL);
  f->key = g_build_filename (f->dir, "keys", "recipient.key", NULL);
  {
    g_autofree char *keys = g_build_filename (f->dir, "keys", NULL);
    g_assert_cmpint (run (NULL, &out, NULL, "keygen", "--out", keys, NULL), ==, 0);
  }
  g_assert_true (sayso_key_read_file (SAYSO_KEY_RECIPIENT_SECRET, f->key, f->sk, &error));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run (NULL, &out, NULL, "init", "--store", f->store, "--site", "Cumbria",
                        "--recipient", f->pub, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "sayso-kiosk-public-key "));
  {
    /* What the analysts receive to enrol the kiosk. */
    g_autofree char *kiosk = g_build_filename (f->dir, "kiosk.pub", NULL);
    g_assert_true (g_file_set_contents (kiosk, strstr (out, "# Sayso kiosk"), -1, NULL));
  }
}

static void
cli_teardown (Cli           *f,
              gconstpointer  data)
{
  test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->store);
  g_free (f->pub);
  g_free (f->key);
}

static GPtrArray *
open_records (Cli *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) db = sayso_db_open (f->store, SAYSO_DB_OPEN_EXISTING, &error);

  g_assert_no_error (error);
  g_assert_true (sayso_db_integrity_check (db, &error));
  return test_open_all_records (db, f->sk);
}

static gint64
count (Cli *f)
{
  g_autoptr(GPtrArray) records = open_records (f);
  return records->len;
}

static char *
write_file (Cli        *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
test_help (void)
{
  static const char * const commands[] = { "keygen", "setup", "init", "set-pin", "submit", "status", "export", "verify",
                                           "enroll", "import", "report" };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run (NULL, &out, NULL, "--help", NULL), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *help = NULL;

      g_assert_nonnull (strstr (out, commands[i]));
      g_assert_cmpint (run (NULL, &help, NULL, commands[i], "--help", NULL), ==, 0);
      g_assert_nonnull (strstr (help, "Usage:"));
    }

  g_assert_cmpint (run (NULL, NULL, &err, NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, NULL, &err, "frobnicate", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "“frobnicate” is not a command"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run (NULL, NULL, &err, "submit", "--bogus", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--bogus"));
}

static void
test_submit_and_open (Cli           *f,
                      gconstpointer  data)
{
  g_autofree char *file = write_file (f, "one.json",
    "{\n  \"questionnaire\": \"hmip-user-voice\",\n  \"language\": \"cy\",\n  \"answers\": {\n"
    "    \"contact_officer\": \"agree\",\n    \"what_good\": [\"probation_officer\"],\n"
    "    \"solutions\": \"Gwrando arnom ni\"\n  }\n}\n");
  g_autofree char *out = NULL;
  g_autofree char *status = NULL;
  g_autofree char *answers = NULL;
  g_autoptr(GPtrArray) records = NULL;
  SaysoRecord *record;

  g_assert_cmpint (run (NULL, &out, NULL, "submit", "--store", f->store, "--mode", "paper", file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Stored 1 response.\n");

  records = open_records (f);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpint (record->mode, ==, SAYSO_MODE_PAPER);
  g_assert_cmpstr (record->site, ==, "Cumbria");
  g_assert_cmpstr (record->language, ==, "cy");
  answers = test_answers_to_string (record);
  g_assert_cmpstr (answers, ==, "{\"contact_officer\":\"agree\",\"what_good\":[\"probation_officer\"],"
                                "\"solutions\":\"Gwrando arnom ni\"}");

  /* Status shows counts, never answers. */
  g_assert_cmpint (run (NULL, &status, NULL, "status", "--store", f->store, NULL), ==, 0);
  g_assert_nonnull (strstr (status, "Responses: 1\n"));
  g_assert_nonnull (strstr (status, "Awaiting export: 1\n"));
  g_assert_null (strstr (status, "Gwrando"));
  g_assert_null (strstr (status, "agree"));
}

static void
test_submit_lines_and_stdin (Cli           *f,
                             gconstpointer  data)
{
  g_autofree char *file = write_file (f, "many.jsonl",
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}\n"
    "\n"
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}\n"
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {}}\n");
  g_autofree char *out = NULL;
  g_autofree char *out2 = NULL;

  g_assert_cmpint (run (NULL, &out, NULL, "submit", "--store", f->store, file, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Stored 3 responses.\n");
  g_assert_cmpint (run ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"gender\": \"woman\"}}",
                        &out2, NULL, "submit", "--store", f->store, "-", NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "Stored 1 response.\n");
  g_assert_cmpint (count (f), ==, 4);
}

/* One bad line and nothing of the file is stored; the message names line and question. */
static void
test_submit_bad_input (Cli           *f,
                       gconstpointer  data)
{
  g_autofree char *file = write_file (f, "bad.jsonl",
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}\n"
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"hourly\"}}\n");
  g_autofree char *broken = write_file (f, "broken.json", "{\"questionnaire\": \"hmip-user-voice\",\n \"answers\": {\n");
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;

  g_assert_cmpint (run (NULL, NULL, &err, "submit", "--store", f->store, file, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "bad.jsonl:2: question \"how_often\": the answer is not one of its options"));
  g_assert_nonnull (strstr (err, "nothing was stored"));
  g_assert_cmpint (run (NULL, NULL, &err2, "submit", "--store", f->store, broken, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "broken.json: not valid JSON"));
  g_assert_cmpint (run (NULL, NULL, &err3, "submit", "--store", f->store, "--mode", "robot", file, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "--mode must be self, staff or paper"));
  {
    /* Found by fuzzing: an empty document parses, with no root. */
    g_autofree char *err4 = NULL;
    g_autofree char *err5 = NULL;
    g_assert_cmpint (run ("", NULL, &err4, "submit", "--store", f->store, "-", NULL), ==, 2);
    g_assert_nonnull (strstr (err4, "standard input: empty, no response in it"));
    g_assert_cmpint (run ("  \n", NULL, &err5, "submit", "--store", f->store, "-", NULL), ==, 2);
    g_assert_nonnull (strstr (err5, "empty"));
  }
  g_assert_cmpint (count (f), ==, 0);
}

static void
test_submit_huge_answer (Cli           *f,
                         gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"solutions\": \"CANARY");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  for (guint i = 0; i < 100000 - 6; i++)
    g_string_append_c (json, 'z');
  g_string_append (json, "\"}}");

  g_assert_cmpint (run (json->str, &out, &err, "submit", "--store", f->store, "-", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "question \"solutions\": the answer is 100000 characters long, at most 500 are allowed"));
  g_assert_null (strstr (err, "CANARY"));
  g_assert_null (strstr (out, "CANARY"));
  g_assert_cmpint (count (f), ==, 0);
}

/* The crash of issue 11: 100,000 brackets overflowed json-glib's stack
 * (exit 139). Unclosed, as an attacker need not close them. */
static char *
deep (const char *head,
      const char *open,
      guint       levels)
{
  GString *text = g_string_new (head);

  for (guint i = 0; i < levels; i++)
    g_string_append (text, open);
  return g_string_free (text, FALSE);
}

static void
test_submit_deep_nesting (Cli           *f,
                          gconstpointer  data)
{
  g_autofree char *arrays = deep ("{\"questionnaire\":\"x\",\"answers\":{\"a\":", "[", 100000);
  g_autofree char *objects = deep ("{\"questionnaire\":\"x\",\"answers\":", "{\"a\":", 100000);
  g_autofree char *arrays_file = write_file (f, "arrays.json", arrays);
  g_autofree char *objects_file = write_file (f, "objects.json", objects);
  /* The negative control: as deep as a response may be (5) reaches the
   * ordinary checks, which name the question. */
  g_autofree char *at_limit = write_file (f, "at-limit.json",
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": [[[\"travel\"]]]}}");
  g_autofree char *over_limit = write_file (f, "over-limit.json",
    "{\"questionnaire\": \"hmip-user-voice\",\n \"answers\": {\"what_good\": [[[[\"travel\"]]]]}}");
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;
  g_autofree char *err5 = NULL;
  g_autofree char *expected = g_strdup_printf ("%s:1:40: nested deeper than the 5 levels a response may have; not read; "
                                               "nothing was stored\n", arrays_file);

  g_assert_cmpint (run (NULL, NULL, &err, "submit", "--store", f->store, arrays_file, NULL), ==, 2);
  g_assert_nonnull (strstr (err, expected));
  g_assert_cmpint (run (NULL, NULL, &err2, "submit", "--store", f->store, objects_file, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "objects.json:1:"));
  g_assert_nonnull (strstr (err2, "nested deeper than the 5 levels a response may have"));
  /* Standard input is the same door. */
  g_assert_cmpint (run (arrays, NULL, &err3, "submit", "--store", f->store, "-", NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "standard input:1:40: nested deeper"));

  g_assert_cmpint (run (NULL, NULL, &err4, "submit", "--store", f->store, at_limit, NULL), ==, 2);
  g_assert_nonnull (strstr (err4, "question \"what_good\""));
  g_assert_null (strstr (err4, "nested deeper"));
  /* One level more, on line 2: the place is named. */
  g_assert_cmpint (run (NULL, NULL, &err5, "submit", "--store", f->store, over_limit, NULL), ==, 2);
  g_assert_nonnull (strstr (err5, "over-limit.json:2:30: nested deeper than the 5 levels"));
  g_assert_cmpint (count (f), ==, 0);

  /* json-glib reads comments and single-quoted strings: a '"' in either
   * must not hide the brackets from the scan (it crashed, exit 139). */
  for (const char * const *trick = (const char * const []) { "/*\"*/", "['\"',", NULL }; *trick; trick++)
    {
      g_autofree char *inner = deep ("", "[", 100000);
      g_autofree char *text = g_strconcat (*trick, inner, NULL);
      g_autofree char *tricked = NULL;

      g_assert_cmpint (run (text, NULL, &tricked, "submit", "--store", f->store, "-", NULL), ==, 2);
      g_assert_nonnull (strstr (tricked, "standard input:1:"));
      g_assert_nonnull (strstr (tricked, "is not JSON; not read"));
    }
  g_assert_cmpint (count (f), ==, 0);
}

/* JSON Lines: the deep line is named by its line number, and nothing of
 * the file is stored; the same file with that line at the limit is. */
static void
test_submit_deep_line (Cli           *f,
                       gconstpointer  data)
{
  const char *good = "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}\n";
  g_autofree char *bad_line = deep ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": ", "[", 100000);
  g_autofree char *bad_text = g_strconcat (good, good, bad_line, "\n", good, NULL);
  g_autofree char *good_text = g_strconcat (good, good, "{\"questionnaire\": \"hmip-user-voice\", \"answers\": "
                                            "{\"what_good\": [\"travel\"]}, \"language\": \"en\"}\n", good, NULL);
  g_autofree char *bad = write_file (f, "bad.jsonl", bad_text);
  g_autofree char *ok = write_file (f, "ok.jsonl", good_text);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("%s:3:", bad);

  g_assert_cmpint (run (NULL, NULL, &err, "submit", "--store", f->store, bad, NULL), ==, 2);
  g_assert_true (g_str_has_prefix (strstr (err, bad), expected));
  g_assert_nonnull (strstr (err, "nested deeper than the 5 levels a response may have"));
  g_assert_cmpint (count (f), ==, 0);

  g_assert_cmpint (run (NULL, &out, NULL, "submit", "--store", f->store, ok, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "Stored 4 responses.\n");
  g_assert_cmpint (count (f), ==, 4);
}

/* A questionnaire is a door too: deep, or too large, it is refused before
 * it is parsed; at its limit (8) it reaches the ordinary checks. */
static void
test_questionnaire_deep_nesting (Cli           *f,
                                 gconstpointer  data)
{
  g_autofree char *deep_text = deep ("{\"format\": 1, \"questions\": ", "[", 100000);
  g_autofree char *deep_file = write_file (f, "deep-survey.json", deep_text);
  g_autofree char *at_limit = write_file (f, "at-limit-survey.json", "{\"format\": 1, \"x\": [[[[[[[1]]]]]]]}");
  g_autofree char *huge_text = g_strnfill (SAYSO_JSON_QUESTIONNAIRE_MAX_BYTES + 1, ' ');
  g_autofree char *huge = write_file (f, "huge-survey.json", huge_text);
  g_autofree char *builtin = g_build_filename (g_getenv ("SAYSO_SOURCE_DIR"), "app", "data", "hmip-user-voice.json", NULL);
  g_autofree char *response = write_file (f, "one.json",
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}");
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = g_strdup_printf ("%s:1:35: nested deeper than the 8 levels a questionnaire may have", deep_file);

  g_assert_cmpint (run (NULL, NULL, &err, "submit", "--store", f->store, "--questionnaire", deep_file, response, NULL), ==, 2);
  g_assert_nonnull (strstr (err, expected));
  g_assert_cmpint (run (NULL, NULL, &err2, "submit", "--store", f->store, "--questionnaire", huge, response, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "huge-survey.json: 4194305 bytes, more than the 4194304 a questionnaire may take"));

  g_assert_cmpint (run (NULL, NULL, &err3, "submit", "--store", f->store, "--questionnaire", at_limit, response, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "the questionnaire was not loaded"));
  g_assert_null (strstr (err3, "nested deeper"));
  g_assert_cmpint (count (f), ==, 0);

  g_assert_cmpint (run (NULL, &out, NULL, "submit", "--store", f->store, "--questionnaire", builtin, response, NULL), ==, 0);
  g_assert_cmpint (count (f), ==, 1);
}

static void
test_keys_never_overwritten (Cli           *f,
                             gconstpointer  data)
{
  g_autofree char *keys = g_build_filename (f->dir, "keys", NULL);
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  guint8 sk[32];
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run (NULL, NULL, &err, "keygen", "--out", keys, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "already holds a key pair"));
  g_assert_true (sayso_key_read_file (SAYSO_KEY_RECIPIENT_SECRET, f->key, sk, &error));
  g_assert_cmpmem (sk, 32, f->sk, 32);

  /* The secret key where the public one belongs is caught. */
  g_assert_cmpint (run (NULL, NULL, &err2, "init", "--store", other, "--site", "X", "--recipient", f->key, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "this is a sayso-recipient-secret-key, not a sayso-recipient-public-key"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

static void
test_init_refuses_existing_store (Cli           *f,
                                  gconstpointer  data)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run (NULL, NULL, &err, "init", "--store", f->store, "--site", "Again", "--recipient", f->pub, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "cannot create the store"));
}

/* Two processes submitting at the same time: every response lands, once. */
static void
test_concurrent_submitters (Cli           *f,
                            gconstpointer  data)
{
  g_autofree char *file = write_file (f, "r.json", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}");
  g_autofree char *script = g_strdup_printf ("for i in $(seq 25); do \"%s\" submit --store \"%s\" \"%s\" >/dev/null || exit 1; done",
                                             test_sayso_binary (), f->store, file);
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GError) error = NULL;

  a = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sh", "-c", script, NULL);
  b = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sh", "-c", script, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_wait_check (a, NULL, &error));
  g_assert_true (g_subprocess_wait_check (b, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f), ==, 50);
}

static char *
only_file_in (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name = g_dir_read_name (d);

  g_assert_nonnull (name);
  g_assert_null (g_dir_read_name (d));
  return g_build_filename (dir, name, NULL);
}

/* A record the disk damaged: export sets it aside and says so, and status
 * counts it; the warning goes to the journal (standard error). */
static void
test_export_sets_damaged_aside (Cli           *f,
                                gconstpointer  data)
{
  g_autofree char *file = write_file (f, "r.json", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}");
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autofree char *out = NULL, *err = NULL, *status = NULL;
  char *message = NULL;
  sqlite3 *db;

  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (run (NULL, NULL, NULL, "submit", "--store", f->store, file, NULL), ==, 0);
  g_assert_cmpint (sqlite3_open (f->store, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, "UPDATE slots SET sealed = randomblob (length (sealed))"
                        " WHERE key = (SELECT max (slot) FROM responses)", NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);

  warnings_allowed = TRUE;
  g_assert_cmpint (run (NULL, &out, &err, "export", "--store", f->store, "--to", stick, NULL), ==, 0);
  warnings_allowed = FALSE;
  g_assert_true (g_str_has_prefix (out, "Exported 2 responses to "));
  g_assert_nonnull (strstr (out, "Set aside 1 response that the disk had damaged"));
  g_assert_nonnull (strstr (err, "is damaged"));
  g_assert_cmpint (run (NULL, &status, NULL, "status", "--store", f->store, NULL), ==, 0);
  g_assert_nonnull (strstr (status, "Responses: 3\n"));
  g_assert_nonnull (strstr (status, "Awaiting export: 0\n"));
  g_assert_nonnull (strstr (status, "Damaged by the disk, kept but never exported: 1\n"));
}

static void
test_export_and_verify (Cli           *f,
                        gconstpointer  data)
{
  g_autofree char *file = write_file (f, "r.json", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}");
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autofree char *out = NULL, *out2 = NULL, *verified = NULL, *status = NULL, *err = NULL;
  g_autofree char *bundle = NULL, *bad = NULL, *contents = NULL;
  gsize len = 0;

  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "submit", "--store", f->store, file, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "submit", "--store", f->store, file, NULL), ==, 0);
  g_assert_cmpint (run (NULL, &out, NULL, "export", "--store", f->store, "--to", stick, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "Exported 2 responses to "));
  g_assert_cmpint (run (NULL, &out2, NULL, "export", "--store", f->store, "--to", stick, NULL), ==, 0);
  g_assert_cmpstr (out2, ==, "Nothing to export: no response is awaiting export.\n");
  g_assert_cmpint (run (NULL, &status, NULL, "status", "--store", f->store, NULL), ==, 0);
  g_assert_nonnull (strstr (status, "Awaiting export: 0\n"));

  bundle = only_file_in (stick);
  g_assert_cmpint (run (NULL, &verified, NULL, "verify", bundle, NULL), ==, 0);
  g_assert_nonnull (strstr (verified, ": OK, 2 records from kiosk "));
  g_assert_nonnull (strstr (verified, "site “Cumbria”, bundle 1"));
  {
    g_autofree char *kiosk = g_build_filename (f->dir, "kiosk.pub", NULL);
    g_autofree char *with_key = NULL;
    g_assert_cmpint (run (NULL, &with_key, NULL, "verify", "--kiosk-key", kiosk, bundle, NULL), ==, 0);
    g_assert_nonnull (strstr (with_key, ": OK, 2 records"));
  }

  g_assert_true (g_file_get_contents (bundle, &contents, &len, NULL));
  contents[100] ^= 0x20;
  bad = write_file (f, "bad.sayso", "");
  g_assert_true (g_file_set_contents (bad, contents, len, NULL));
  g_assert_cmpint (run (NULL, NULL, &err, "verify", bundle, bad, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "REFUSED"));
  g_assert_nonnull (strstr (err, "record 1 of 2"));
}

/* A store restored from a backup reuses its export numbers: verify notices. */
static void
test_verify_replayed_sequence (Cli           *f,
                               gconstpointer  data)
{
  g_autofree char *copy = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *stick_a = g_build_filename (f->dir, "a", NULL);
  g_autofree char *stick_b = g_build_filename (f->dir, "b", NULL);
  g_autofree char *a = NULL, *b = NULL, *err = NULL, *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (f->store, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  g_assert_cmpint (g_mkdir (stick_a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (stick_b, 0700), ==, 0);

  g_assert_cmpint (run ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"gender\": \"man\"}}", NULL, NULL,
                        "submit", "--store", f->store, "-", NULL), ==, 0);
  g_assert_cmpint (run ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"gender\": \"woman\"}}", NULL, NULL,
                        "submit", "--store", copy, "-", NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", f->store, "--to", stick_a, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", copy, "--to", stick_b, NULL), ==, 0);

  a = only_file_in (stick_a);
  b = only_file_in (stick_b);
  g_assert_cmpint (run (NULL, NULL, NULL, "verify", a, a, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, &err, "verify", a, b, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "sequence 1 of kiosk"));
  g_assert_nonnull (strstr (err, "already used by another bundle"));
}

/* The analysts' side of a test: the kiosk enrolled in an analysis database. */
static char *
enroll (Cli *f)
{
  g_autofree char *kiosk = g_build_filename (f->dir, "kiosk.pub", NULL);
  char *db = g_build_filename (f->dir, "analysis.db", NULL);

  g_assert_cmpint (run (NULL, NULL, NULL, "enroll", "--db", db, "--site", "Cumbria", kiosk, NULL), ==, 0);
  return db;
}

static void
set_recipient (const char *store,
               const char *pub)
{
  guint8 pk[32];
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;

  g_assert_true (sayso_key_read_file (SAYSO_KEY_RECIPIENT_PUBLIC, pub, pk, &error));
  g_assert_cmpint (sqlite3_open (store, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE kiosk SET recipient_pk = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, pk, sizeof pk, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static gint64
csv_rows (Cli        *f,
          const char *db)
{
  g_autofree char *csv = g_build_filename (f->dir, "rows.csv", NULL);
  g_autofree char *contents = NULL;
  gint64 rows = -1;

  g_assert_cmpint (run (NULL, NULL, NULL, "report", "--db", db, "--format", "csv", "--out", csv, NULL), ==, 0);
  g_assert_true (g_file_get_contents (csv, &contents, NULL, NULL));
  for (const char *p = contents; (p = strstr (p, "\r\n")); p += 2)
    rows++;
  return rows;
}

/* The analysts changed their key and the kiosk was given the new one part
 * way through: one bundle holds records sealed to each key. Import opens
 * what its key opens, keeps the rest in quarantine and says so plainly
 * (exit status 1), and --retry-quarantine with the other key opens them. */
static void
test_import_quarantine_and_retry (Cli           *f,
                                  gconstpointer  data)
{
  static const char canary[] = "CANARY-quarantine-7Q2";
  g_autofree char *response = g_strdup_printf ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": "
                                               "{\"how_often\": \"weekly\", \"induction\": \"%s\"}}", canary);
  g_autofree char *file = write_file (f, "r.json", response);
  g_autofree char *keys2 = g_build_filename (f->dir, "keys2", NULL);
  g_autofree char *pub2 = g_build_filename (keys2, "recipient.pub", NULL);
  g_autofree char *key2 = g_build_filename (keys2, "recipient.key", NULL);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autofree char *db = NULL, *bundle = NULL, *kiosk = NULL, *expected = NULL;
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;

  g_assert_cmpint (run (NULL, NULL, NULL, "keygen", "--out", keys2, NULL), ==, 0);
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpint (run (NULL, NULL, NULL, "submit", "--store", f->store, file, NULL), ==, 0);
  set_recipient (f->store, pub2);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (run (NULL, NULL, NULL, "submit", "--store", f->store, file, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", f->store, "--to", stick, NULL), ==, 0);
  bundle = only_file_in (stick);
  db = enroll (f);

  /* The kiosk as the bundle's name shows it. */
  {
    g_autofree char *base = g_path_get_basename (bundle);
    kiosk = g_strndup (base + strlen ("sayso-cumbria-"), 8);
  }

  g_assert_cmpint (run (NULL, &out, &err, "import", "--db", db, "--key", f->key, bundle, NULL), ==, 1);
  g_assert_nonnull (strstr (out, ": 2 new responses from “Cumbria” (bundle 1), 0 already imported, 3 kept in quarantine"));
  expected = g_strdup_printf ("Cumbria, kiosk %s: 3 records sealed to another key, kept in quarantine", kiosk);
  g_assert_nonnull (strstr (err, expected));
  g_assert_nonnull (strstr (err, "--retry-quarantine"));
  g_assert_null (strstr (out, canary));
  g_assert_null (strstr (err, canary));
  g_assert_cmpint (csv_rows (f, db), ==, 2);

  /* Negative control: the same key again opens nothing. */
  g_assert_cmpint (run (NULL, &out2, &err2, "import", "--db", db, "--key", f->key, "--retry-quarantine", NULL), ==, 1);
  g_assert_nonnull (strstr (out2, "0 of 3 records in quarantine opened and imported"));
  g_assert_nonnull (strstr (err2, "3 records sealed to another key, still in quarantine"));
  g_assert_cmpint (csv_rows (f, db), ==, 2);

  g_assert_cmpint (run (NULL, &out3, &err3, "import", "--db", db, "--key", key2, "--retry-quarantine", NULL), ==, 0);
  g_assert_nonnull (strstr (out3, "3 of 3 records in quarantine opened and imported"));
  g_assert_cmpstr (err3, ==, "");
  g_assert_cmpint (csv_rows (f, db), ==, 5);

  /* Nothing left; the bundle once more counts nothing twice. */
  g_assert_cmpint (run (NULL, &out4, &err4, "import", "--db", db, "--key", key2, "--retry-quarantine", bundle, NULL), ==, 0);
  g_assert_nonnull (strstr (out4, ": already imported, skipped\n"));
  g_assert_nonnull (strstr (out4, "Nothing is in quarantine.\n"));
  g_assert_cmpint (csv_rows (f, db), ==, 5);
}

/* A kiosk whose store was put back from a backup numbers its exports again
 * from there: its bundle 1 is not the one imported. Import says "restored
 * kiosk" and imports the records not seen before. */
static void
test_import_restored_kiosk (Cli           *f,
                            gconstpointer  data)
{
  g_autofree char *copy = g_build_filename (f->dir, "restored.db", NULL);
  g_autofree char *stick_a = g_build_filename (f->dir, "a", NULL);
  g_autofree char *stick_b = g_build_filename (f->dir, "b", NULL);
  g_autofree char *a = NULL, *b = NULL, *db = NULL, *contents = NULL;
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL;
  gsize len = 0;

  g_assert_cmpint (run ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"gender\": \"man\"}}", NULL, NULL,
                        "submit", "--store", f->store, "-", NULL), ==, 0);
  g_assert_true (g_file_get_contents (f->store, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  g_assert_cmpint (g_mkdir (stick_a, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (stick_b, 0700), ==, 0);
  g_assert_cmpint (run ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"gender\": \"woman\"}}", NULL, NULL,
                        "submit", "--store", copy, "-", NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", f->store, "--to", stick_a, NULL), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", copy, "--to", stick_b, NULL), ==, 0);
  a = only_file_in (stick_a);
  b = only_file_in (stick_b);
  db = enroll (f);

  g_assert_cmpint (run (NULL, NULL, NULL, "import", "--db", db, "--key", f->key, a, NULL), ==, 0);
  g_assert_cmpint (run (NULL, &out, &err, "import", "--db", db, "--key", f->key, b, NULL), ==, 1);
  g_assert_nonnull (strstr (out, ": 1 new response from “Cumbria” (bundle 1), 1 already imported\n"));
  g_assert_nonnull (strstr (err, "restored kiosk (bundle 1 seen twice with different contents): "
                                 "imported 1 record not seen before"));
  g_assert_null (strstr (err, "REFUSED"));
  g_assert_cmpint (csv_rows (f, db), ==, 2);

  g_assert_cmpint (run (NULL, &out2, NULL, "import", "--db", db, "--key", f->key, a, b, NULL), ==, 0);
  g_assert_cmpint (csv_rows (f, db), ==, 2);
}

typedef struct
{
  guint8  id[16];
  GBytes *sealed;
} StoredRecord;

static void
stored_record_free (StoredRecord *record)
{
  g_bytes_unref (record->sealed);
  g_free (record);
}

static gboolean
collect_stored (const SaysoDbRecord *stored,
                gpointer             user_data)
{
  StoredRecord *record = g_new0 (StoredRecord, 1);

  memcpy (record->id, stored->id, sizeof record->id);
  record->sealed = g_bytes_new (stored->sealed, stored->sealed_size);
  g_ptr_array_add (user_data, record);
  return TRUE;
}

static gboolean
append_bytes (gconstpointer   data,
              gsize           len,
              gpointer        user_data,
              GError        **error)
{
  g_byte_array_append (user_data, data, len);
  return TRUE;
}

/* A bundle signed with the kiosk's own key (from its store) holding the
 * bytes of one record under the id of another: what a store copied and
 * altered, or a kiosk's bug, would sign. */
static char *
signed_bundle (Cli          *f,
               gint64        sequence,
               const guint8  id[16],
               GBytes       *sealed)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) store = sayso_db_open (f->store, SAYSO_DB_OPEN_EXISTING, &error);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(SaysoBundleWriter) writer = NULL;
  g_autofree char *name = g_strdup_printf ("crafted-%" G_GINT64_FORMAT ".sayso", sequence);
  char *path = g_build_filename (f->dir, name, NULL);
  SaysoDbKiosk kiosk = { 0 };
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (sealed, &len);

  g_assert_no_error (error);
  g_assert_true (sayso_db_get_kiosk (store, &kiosk, &error));
  writer = sayso_bundle_writer_new (append_bytes, out, kiosk.sign_pk, kiosk.sign_sk, kiosk.site, sequence,
                                    "2026-11-30", &error);
  g_assert_true (sayso_bundle_writer_add (writer, id, "hmip-user-voice", 1, bytes, len, NULL, &error));
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  sayso_db_kiosk_clear (&kiosk);
  return path;
}

/* The same kiosk and record id with other bytes: import says how many, from
 * which bundle and kiosk, keeps them aside and counts them nowhere (exit
 * status 1); never "already imported". */
static void
test_import_conflict (Cli           *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) stored_record_free);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autofree char *db = NULL, *bundle = NULL, *crafted = NULL, *same = NULL, *kiosk = NULL, *expected = NULL;
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autoptr(GError) error = NULL;
  StoredRecord *a, *b;

  g_assert_cmpint (run ("{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}\n"
                        "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}\n",
                        NULL, NULL, "submit", "--store", f->store, "-", NULL), ==, 0);
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", f->store, "--to", stick, NULL), ==, 0);
  bundle = only_file_in (stick);
  {
    g_autofree char *base = g_path_get_basename (bundle);
    kiosk = g_strndup (base + strlen ("sayso-cumbria-"), 8);
  }
  {
    g_autoptr(SaysoDb) store = sayso_db_open (f->store, SAYSO_DB_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_assert_true (sayso_db_foreach_response (store, collect_stored, records, &error));
  }
  g_assert_cmpuint (records->len, ==, 2);
  a = g_ptr_array_index (records, 0);
  b = g_ptr_array_index (records, 1);
  db = enroll (f);
  g_assert_cmpint (run (NULL, NULL, NULL, "import", "--db", db, "--key", f->key, bundle, NULL), ==, 0);

  crafted = signed_bundle (f, 2, a->id, b->sealed);
  g_assert_cmpint (run (NULL, &out, &err, "import", "--db", db, "--key", f->key, crafted, NULL), ==, 1);
  g_assert_nonnull (strstr (out, ": 0 new responses from “Cumbria” (bundle 2), 0 already imported, 1 in conflict\n"));
  expected = g_strdup_printf ("Cumbria, kiosk %s: 1 record of bundle 2 reuses the id of a record imported before, "
                              "with other contents: kept aside as conflicts and not counted", kiosk);
  g_assert_nonnull (strstr (err, expected));
  g_assert_null (strstr (out, "already imported, skipped"));
  g_assert_null (strstr (err, "weekly"));
  g_assert_null (strstr (err, "monthly"));
  g_assert_cmpint (csv_rows (f, db), ==, 2);

  /* Negative control: the id with its own bytes is a re-export, counted once. */
  same = signed_bundle (f, 3, a->id, a->sealed);
  g_assert_cmpint (run (NULL, &out2, &err2, "import", "--db", db, "--key", f->key, same, NULL), ==, 0);
  g_assert_nonnull (strstr (out2, ": 0 new responses from “Cumbria” (bundle 3), 1 already imported\n"));
  g_assert_cmpstr (err2, ==, "");
  g_assert_cmpint (csv_rows (f, db), ==, 2);
}

/* Every way an id of the kiosk's can be written, for looking for it. */
static void
add_id_forms (GPtrArray    *forms,
              const guint8  id[16])
{
  g_autofree char *hex = sayso_hex (id, 16);

  g_ptr_array_add (forms, g_ascii_strup (hex, -1));
  g_ptr_array_add (forms, g_steal_pointer (&hex));
  g_ptr_array_add (forms, g_base64_encode (id, 16));
}

static gboolean
collect_id_forms (const SaysoDbRecord *record,
                  gpointer             user_data)
{
  add_id_forms (user_data, record->id);
  return TRUE;
}

/* The first of forms found in text, or NULL. */
static const char *
find_any (const char *text,
          gsize       len,
          GPtrArray  *forms)
{
  for (guint i = 0; i < forms->len; i++)
    if (memmem (text, len, g_ptr_array_index (forms, i), strlen (g_ptr_array_index (forms, i))))
      return g_ptr_array_index (forms, i);
  return NULL;
}

/* A leaked CSV and an image of the kiosk's disk must not join: no report
 * shows a kiosk's record id, in hex or base64, nor its order. The ids the
 * CSV shows were drawn at import and share nothing with the store's. */
static void
test_reports_never_show_record_ids (Cli           *f,
                                    gconstpointer  data)
{
  static const char * const outputs[] = { "all.csv", "all-codebook.csv", "all.html", "site.html", "site.pdf", "site.csv" };
  g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *stick = g_build_filename (f->dir, "stick", NULL);
  g_autofree char *db = NULL, *bundle = NULL, *out = NULL, *csv = NULL;
  g_autoptr(GError) error = NULL;
  GString *lines = g_string_new (NULL);
  gsize csv_len = 0;

  for (guint i = 0; i < 12; i++)
    g_string_append_printf (lines, "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"%s\", "
                            "\"induction\": \"Fine %u\"}}\n", i % 2 ? "weekly" : "monthly", i);
  g_assert_cmpint (run (lines->str, NULL, NULL, "submit", "--store", f->store, "-", NULL), ==, 0);
  g_string_free (lines, TRUE);
  g_assert_cmpint (g_mkdir (stick, 0700), ==, 0);
  g_assert_cmpint (run (NULL, NULL, NULL, "export", "--store", f->store, "--to", stick, NULL), ==, 0);
  bundle = only_file_in (stick);
  {
    g_autoptr(SaysoDb) store = sayso_db_open (f->store, SAYSO_DB_OPEN_EXISTING, &error);
    g_assert_no_error (error);
    g_assert_true (sayso_db_foreach_response (store, collect_id_forms, forms, &error));
  }
  g_assert_cmpuint (forms->len, ==, 3 * 12);

  db = enroll (f);
  g_assert_cmpint (run (NULL, &out, NULL, "import", "--db", db, "--key", f->key, bundle, NULL), ==, 0);
  g_assert_null (find_any (out, strlen (out), forms));
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, outputs[i], NULL);
      const char *format = g_str_has_suffix (outputs[i], ".pdf") ? "pdf" : g_str_has_suffix (outputs[i], ".html") ? "html" : "csv";
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_str_has_suffix (outputs[i], "-codebook.csv"))
        continue;   /* written beside all.csv */
      if (g_str_has_prefix (outputs[i], "site"))
        g_assert_cmpint (run (NULL, NULL, NULL, "report", "--db", db, "--site", "Cumbria", "--format", format,
                              "--out", path, NULL), ==, 0);
      else
        g_assert_cmpint (run (NULL, NULL, NULL, "report", "--db", db, "--format", format, "--out", path, NULL), ==, 0);
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      g_assert_cmpuint (len, >, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autofree char *path = g_build_filename (f->dir, outputs[i], NULL);
      g_autofree char *contents = NULL;
      g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
      gsize len = 0;
      const char *found;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      found = find_any (contents, len, forms);
      if (found)
        g_error ("%s shows the kiosk's record id %s", outputs[i], found);
      /* A PDF's text is compressed: read as a person would see it. */
      if (g_str_has_suffix (outputs[i], ".pdf") && pdftotext)
        {
          g_autofree char *txt = g_strconcat (path, ".txt", NULL);
          g_autofree char *text = NULL;
          const char *argv[] = { pdftotext, path, txt, NULL };
          int status = 0;

          g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error));
          g_assert_true (g_file_get_contents (txt, &text, &len, NULL));
          g_assert_nonnull (strstr (text, "12 people had their say"));
          g_assert_null (find_any (text, len, forms));
        }
    }

  /* The CSV's ids: one per response, 32 hex digits, all different, none a
   * record id in another case or encoding. */
  {
    g_autofree char *path = g_build_filename (f->dir, "all.csv", NULL);
    g_auto(GStrv) rows = NULL;

    g_assert_true (g_file_get_contents (path, &csv, &csv_len, NULL));
    rows = g_strsplit (csv, "\r\n", -1);
    g_assert_cmpuint (g_strv_length (rows), ==, 1 + 12 + 1);
    for (guint r = 1; r <= 12; r++)
      {
        g_autofree char *id = g_strndup (rows[r], strcspn (rows[r], ","));

        g_assert_cmpuint (strlen (id), ==, 32);
        g_assert_cmpuint (strspn (id, "0123456789abcdef"), ==, 32);
        g_assert_true (g_hash_table_add (seen, g_strdup (id)));
      }
    g_assert_null (find_any (csv, csv_len, forms));
  }

  /* Negative control: the search finds a record id planted in a report, in
   * each of its forms. */
  for (guint i = 0; i < forms->len; i++)
    {
      g_autofree char *planted = g_strconcat (csv, g_ptr_array_index (forms, i), "\r\n", NULL);
      g_assert_cmpstr (find_any (planted, strlen (planted), forms), ==, g_ptr_array_index (forms, i));
    }
}

static void
test_set_pin (Cli           *f,
              gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL;

  g_assert_cmpint (run ("90817263\n", &out, NULL, "set-pin", "--store", f->store, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "The staff PIN is set.\n");
  g_assert_false (test_file_contains (f->store, "90817263"));
  g_assert_cmpint (run ("12\n", NULL, &err, "set-pin", "--store", f->store, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "a staff PIN is 6 to 12 digits"));
  g_assert_cmpint (run (NULL, NULL, &err2, "set-pin", "--store", f->store, "1234", NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "read from standard input"));
}

static void
test_setup (Cli           *f,
            gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "new", "store.db", NULL);
  g_autofree char *out = NULL, *err = NULL, *err2 = NULL;

  /* A bad PIN leaves nothing behind. */
  g_assert_cmpint (run ("12\n", NULL, &err, "setup", "--store", store, "--site", "Dorset", "--recipient", f->pub, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "a staff PIN is 6 to 12 digits"));
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run ("975312\n", &out, NULL, "setup", "--store", store, "--site", "Dorset", "--recipient", f->pub, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "set up for site “Dorset”"));
  g_assert_nonnull (strstr (out, "sayso-kiosk-public-key "));
  g_assert_false (test_file_contains (store, "975312"));

  g_assert_cmpint (run ("975312\n", NULL, &err2, "setup", "--store", store, "--site", "Dorset", "--recipient", f->pub, NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "cannot create the store"));
}

/* Five digits are one short for a new PIN, in setup and set-pin alike. */
static void
test_new_pin_six_digits (Cli           *f,
                         gconstpointer  data)
{
  g_autofree char *store = g_build_filename (f->dir, "five", "store.db", NULL);
  g_autofree char *err = NULL, *err2 = NULL, *out = NULL;

  g_assert_cmpint (run ("48291\n", NULL, &err, "setup", "--store", store, "--site", "Kent", "--recipient", f->pub, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "a staff PIN is 6 to 12 digits"));
  g_assert_false (g_file_test (store, G_FILE_TEST_EXISTS));
  g_assert_cmpint (run ("48291\n", NULL, &err2, "set-pin", "--store", f->store, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "a staff PIN is 6 to 12 digits"));
  g_assert_cmpint (run ("482913\n", &out, NULL, "set-pin", "--store", f->store, NULL), ==, 0);
}

static char *
line_after (const char *text,
            const char *label)
{
  const char *start = strstr (text, label);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (label);
  end = strchr (start, '\n');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

/* Someone with the disk swaps the analysts' key in the store: the
 * fingerprint sayso status shows is no longer the one keygen gave. */
static void
test_fingerprint_shows_swapped_key (Cli           *f,
                                    gconstpointer  data)
{
  g_autofree char *keys = g_build_filename (f->dir, "keys2", NULL);
  g_autofree char *pub = g_build_filename (keys, "recipient.pub", NULL);
  g_autofree char *store = g_build_filename (f->dir, "fp", "store.db", NULL);
  g_autofree char *out = NULL, *setup_out = NULL, *status1 = NULL, *status2 = NULL, *status3 = NULL;
  g_autofree char *given = NULL, *at_setup = NULL, *before = NULL, *again = NULL, *after = NULL;
  g_autofree char *expected_after = NULL;
  g_autoptr(GError) error = NULL;
  guint8 other_pk[32], other_sk[32];
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (run (NULL, &out, NULL, "keygen", "--out", keys, NULL), ==, 0);
  given = line_after (out, "Fingerprint of the analysts' key: ");
  g_assert_cmpuint (strlen (given), ==, 19);

  g_assert_cmpint (run ("864213\n", &setup_out, NULL, "setup", "--store", store, "--site", "Essex", "--recipient", pub, NULL), ==, 0);
  at_setup = line_after (setup_out, "sealed to the analysts' key with fingerprint ");
  g_assert_true (g_str_has_prefix (at_setup, given));
  g_assert_cmpstr (at_setup + strlen (given), ==, ":");

  g_assert_cmpint (run (NULL, &status1, NULL, "status", "--store", store, NULL), ==, 0);
  before = line_after (status1, "Analysts' key fingerprint: ");
  g_assert_cmpstr (before, ==, given);

  /* The negative control: nothing changed, the same fingerprint. */
  g_assert_cmpint (run (NULL, &status2, NULL, "status", "--store", store, NULL), ==, 0);
  again = line_after (status2, "Analysts' key fingerprint: ");
  g_assert_cmpstr (again, ==, given);

  sayso_recipient_keypair_new (other_pk, other_sk);
  g_assert_cmpint (sqlite3_open (store, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE kiosk SET recipient_pk = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_blob (stmt, 1, other_pk, 32, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  g_assert_cmpint (run (NULL, &status3, NULL, "status", "--store", store, NULL), ==, 0);
  after = line_after (status3, "Analysts' key fingerprint: ");
  expected_after = sayso_key_fingerprint (other_pk);
  g_assert_cmpstr (after, !=, given);
  g_assert_cmpstr (after, ==, expected_after);
  g_assert_no_error (error);
}

/* With no --store, a demo store under the data folder, sealed to the published demo key. */
static void
test_default_demo_store (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *demo_key = g_build_filename (g_getenv ("SAYSO_SOURCE_DIR"), "app", "data", "demo-recipient.key", NULL);
  g_autofree char *store = g_build_filename (dir, "sayso", "store.db", NULL);
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "XDG_DATA_HOME", dir, TRUE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoDb) db = NULL;
  g_autoptr(GPtrArray) records = NULL;
  guint8 sk[32];

  g_subprocess_launcher_set_environ (launcher, env);
  proc = g_subprocess_launcher_spawn (launcher, &error, test_sayso_binary (), "submit", "-", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"gender\": \"man\"}}",
                                                NULL, NULL, NULL, &error));
  g_assert_true (g_subprocess_get_successful (proc));

  g_assert_true (sayso_key_read_file (SAYSO_KEY_RECIPIENT_SECRET, demo_key, sk, &error));
  db = sayso_db_open (store, SAYSO_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  records = test_open_all_records (db, sk);
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_cmpstr (((SaysoRecord *) g_ptr_array_index (records, 0))->site, ==, SAYSO_DEMO_SITE);

  g_clear_pointer (&db, sayso_db_close);
  test_remove_tree (dir);
}

/* `sayso` on the full disk: the real program where the disk is a real
 * tmpfs; in this process where it is the VFS shim, which only this process
 * sees (then only the exit status is checked). */
static int
run_on_disk (TestFullDisk  *disk,
             char         **err,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) test_sayso_binary ());
  va_start (args, err);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);

  if (!test_full_disk_is_real (disk))
    {
      g_autofree char **copy = g_new0 (char *, argv->len + 1);

      memcpy (copy, argv->pdata, argv->len * sizeof (char *));
      *err = g_strdup ("");
      return sayso_cli_main ((int) argv->len, copy);
    }

  switch (argv->len)
    {
    case 5:
      return run (NULL, NULL, err, argv->pdata[1], argv->pdata[2], argv->pdata[3], argv->pdata[4], NULL);
    case 8:
      return run (NULL, NULL, err, argv->pdata[1], argv->pdata[2], argv->pdata[3], argv->pdata[4],
                  argv->pdata[5], argv->pdata[6], argv->pdata[7], NULL);
    default:
      g_assert_not_reached ();
    }
}

/* A full disk: `sayso submit` says so, stores nothing of the file and loses
 * nothing stored before; the same file once there is room stores each of
 * its responses once. */
static void
test_submit_full_disk (Cli           *f,
                       gconstpointer  data)
{
  TestFullDisk *disk = test_full_disk_new (8 * 1024 * 1024);
  g_autofree char *store = g_build_filename (test_full_disk_get_dir (disk), "store.db", NULL);
  g_autofree char *one = write_file (f, "one.json", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}");
  g_autofree char *day = write_file (f, "day.jsonl",
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"monthly\"}}\n"
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"fortnightly\"}}\n"
    "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}\n");
  g_autofree char *err = NULL;

  g_assert_cmpint (run_on_disk (disk, &err, "init", "--store", store, "--site", "Cumbria", "--recipient", f->pub, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_on_disk (disk, &err, "submit", "--store", store, one, NULL), ==, 0);
  g_clear_pointer (&err, g_free);

  test_full_disk_fill (disk);
  g_assert_cmpint (run_on_disk (disk, &err, "submit", "--store", store, day, NULL), ==, SAYSO_EXIT_FAILED);
  if (test_full_disk_is_real (disk))
    g_assert_nonnull (strstr (err, "store.db: the disk is full; nothing was stored"));
  g_clear_pointer (&err, g_free);

  test_full_disk_make_room (disk);
  g_assert_cmpint (run_on_disk (disk, &err, "submit", "--store", store, day, NULL), ==, 0);
  g_clear_pointer (&err, g_free);

  g_free (f->store);
  f->store = g_strdup (store);
  g_assert_cmpint (count (f), ==, 4);
  test_full_disk_free (disk);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/default-demo-store", test_default_demo_store);
#define ADD(path, func) g_test_add (path, Cli, NULL, cli_setup, func, cli_teardown)
  ADD ("/cli/submit-and-open", test_submit_and_open);
  ADD ("/cli/submit-lines-and-stdin", test_submit_lines_and_stdin);
  ADD ("/cli/submit-bad-input", test_submit_bad_input);
  ADD ("/cli/submit-huge-answer", test_submit_huge_answer);
  ADD ("/cli/submit-deep-nesting", test_submit_deep_nesting);
  ADD ("/cli/submit-deep-line", test_submit_deep_line);
  ADD ("/cli/questionnaire-deep-nesting", test_questionnaire_deep_nesting);
  ADD ("/cli/submit-full-disk", test_submit_full_disk);
  ADD ("/cli/keys-never-overwritten", test_keys_never_overwritten);
  ADD ("/cli/init-refuses-existing-store", test_init_refuses_existing_store);
  ADD ("/cli/concurrent-submitters", test_concurrent_submitters);
  ADD ("/cli/export-and-verify", test_export_and_verify);
  ADD ("/cli/export-sets-damaged-aside", test_export_sets_damaged_aside);
  ADD ("/cli/verify-replayed-sequence", test_verify_replayed_sequence);
  ADD ("/cli/import-quarantine-and-retry", test_import_quarantine_and_retry);
  ADD ("/cli/import-restored-kiosk", test_import_restored_kiosk);
  ADD ("/cli/import-conflict", test_import_conflict);
  ADD ("/cli/reports-never-show-record-ids", test_reports_never_show_record_ids);
  ADD ("/cli/set-pin", test_set_pin);
  ADD ("/cli/setup", test_setup);
  ADD ("/cli/new-pin-six-digits", test_new_pin_six_digits);
  ADD ("/cli/fingerprint-shows-swapped-key", test_fingerprint_shows_swapped_key);
#undef ADD

  return g_test_run ();
}
