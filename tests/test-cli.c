/* The `sayso` command line, driven as a user would drive it. */
#include <gio/gio.h>
#include <sqlite3.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sayso-db.h"
#include "sayso-setup.h"
#include "sayso-test-utils.h"

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
  if (sqlite3_exec (db, "UPDATE responses SET sealed = randomblob (length (sealed))"
                        " WHERE key = (SELECT max (key) FROM responses)", NULL, NULL, &message) != SQLITE_OK)
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
  ADD ("/cli/keys-never-overwritten", test_keys_never_overwritten);
  ADD ("/cli/init-refuses-existing-store", test_init_refuses_existing_store);
  ADD ("/cli/concurrent-submitters", test_concurrent_submitters);
  ADD ("/cli/export-and-verify", test_export_and_verify);
  ADD ("/cli/export-sets-damaged-aside", test_export_sets_damaged_aside);
  ADD ("/cli/verify-replayed-sequence", test_verify_replayed_sequence);
  ADD ("/cli/set-pin", test_set_pin);
  ADD ("/cli/setup", test_setup);
  ADD ("/cli/new-pin-six-digits", test_new_pin_six_digits);
  ADD ("/cli/fingerprint-shows-swapped-key", test_fingerprint_shows_swapped_key);
#undef ADD

  return g_test_run ();
}
