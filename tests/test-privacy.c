/* Privacy audit of a day at a kiosk, from the command line: canary strings in
 * every free-text answer, every mode, the export; then every file the kiosk
 * wrote or touched (store, -wal, -shm, temporary files, settings, the bundle,
 * everything printed, with G_MESSAGES_DEBUG=all) is searched for a canary and
 * for a time of day. The kiosk's own journey is audited in tests/ui. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sayso-process.h"
#include "sayso-test-utils.h"

typedef struct
{
  char  *root;
  char **env;
  GString *printed;
} Day;

static void
run (Day        *day,
     const char *input,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) test_sayso_binary ());
  va_start (args, input);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, day->env);
  g_subprocess_launcher_set_cwd (launcher, day->root);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, input, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_string_append (day->printed, out);
  g_string_append (day->printed, err);
  if (!g_subprocess_get_successful (proc))
    g_error ("%s failed: %s", (const char *) argv->pdata[1], err);
}

static void
collect_files (const char *dir,
               GPtrArray  *files)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, files);
      else
        g_ptr_array_add (files, g_steal_pointer (&path));
    }
}

static gboolean
has_time_of_day (const char *text)
{
  g_autoptr(GRegex) re = g_regex_new ("\\b([01][0-9]|2[0-3]):[0-5][0-9]\\b", 0, 0, NULL);
  return g_regex_match (re, text, 0, NULL);
}

static void
test_day_at_a_kiosk (void)
{
  Day day = { 0 };
  g_autofree char *analysts = NULL;
  g_autofree char *pub = NULL;
  g_autofree char *stick = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *kiosk_dir = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *store = NULL;
  static const char * const modes[] = { "self", "staff", "paper" };
  guint n_canaries = 0;

  day.root = test_make_tmp_dir ();
  day.printed = g_string_new (NULL);
  analysts = test_make_tmp_dir ();     /* the analysts' machine: not the kiosk */
  kiosk_dir = g_build_filename (day.root, "home", NULL);
  tmp = g_build_filename (day.root, "tmp", NULL);
  stick = g_build_filename (day.root, "stick", NULL);
  g_mkdir_with_parents (tmp, 0700);
  g_mkdir_with_parents (stick, 0700);
  day.env = g_get_environ ();
  day.env = g_environ_setenv (day.env, "XDG_DATA_HOME", kiosk_dir, TRUE);
  day.env = g_environ_setenv (day.env, "XDG_CONFIG_HOME", kiosk_dir, TRUE);
  day.env = g_environ_setenv (day.env, "XDG_CACHE_HOME", kiosk_dir, TRUE);
  day.env = g_environ_setenv (day.env, "HOME", kiosk_dir, TRUE);
  day.env = g_environ_setenv (day.env, "TMPDIR", tmp, TRUE);
  day.env = g_environ_setenv (day.env, "G_MESSAGES_DEBUG", "all", TRUE);

  {
    g_autofree char *keys = g_build_filename (analysts, "keys", NULL);
    g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "TMPDIR", analysts, TRUE);
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                 test_sayso_binary (), "keygen", "--out", keys, NULL);
    (void) env;
    g_assert_true (g_subprocess_wait_check (p, NULL, &error));
    pub = g_build_filename (keys, "recipient.pub", NULL);
  }

  store = g_build_filename (kiosk_dir, "sayso", "store.db", NULL);
  run (&day, NULL, "init", "--store", store, "--site", "Audit site", "--recipient", pub, NULL);
  run (&day, "864208\n", "set-pin", "--store", store, NULL);

  for (guint i = 0; i < 30; i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"questionnaire\": \"hmip-user-voice\", \"language\": \"%s\", \"answers\": {"
        "\"contact_officer\": \"agree\", \"what_good\": [\"reception\"],"
        "\"induction\": \"CANARY-induction-%u\", \"solutions\": \"CANARY-solutions-%u ŵŷ\","
        "\"anything_else\": \"CANARY-else-%u\"}}", i % 2 ? "cy" : "en", i, i, i);
      run (&day, json, "submit", "--store", store, "--mode", modes[i % 3], "-", NULL);
      n_canaries += 3;
    }
  run (&day, NULL, "status", "--store", store, NULL);
  run (&day, NULL, "export", "--store", store, "--to", stick, NULL);
  run (&day, NULL, "status", "--store", store, NULL);

  /* Everything the kiosk wrote, and everything it printed. */
  collect_files (day.root, files);
  {
    g_autofree char *log = g_build_filename (day.root, "printed.log", NULL);
    g_assert_true (g_file_set_contents (log, day.printed->str, -1, NULL));
    g_ptr_array_add (files, g_steal_pointer (&log));
  }
  g_assert_cmpuint (files->len, >=, 3);

  for (guint i = 0; i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);
      g_autofree char *contents = NULL;
      gsize len = 0;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      if (memmem (contents, len, "CANARY", 6) != NULL)
        g_error ("%s holds an answer in plaintext", path);
      if (g_utf8_validate (contents, len, NULL) && has_time_of_day (contents))
        g_error ("%s holds a time of day", path);
      g_test_message ("audited %s (%" G_GSIZE_FORMAT " bytes)", path, len);
    }

  /* Nor anything time-like in the store's clear columns. */
  {
    sqlite3 *db;
    sqlite3_stmt *stmt;
    g_assert_cmpint (sqlite3_open_v2 (store, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT questionnaire || ' ' || version FROM responses "
                                             "UNION ALL SELECT day FROM exported UNION ALL SELECT site FROM kiosk",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_assert_false (has_time_of_day ((const char *) sqlite3_column_text (stmt, 0)));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  g_test_message ("%u canaries in %u responses; %u files audited", n_canaries, 30, files->len);
  test_remove_tree (day.root);
  test_remove_tree (analysts);
  g_free (day.root);
  g_strfreev (day.env);
  g_string_free (day.printed, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

  g_test_add_func ("/privacy/day-at-a-kiosk", test_day_at_a_kiosk);

  return g_test_run ();
}
